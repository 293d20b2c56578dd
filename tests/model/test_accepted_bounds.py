"""Every value the registry accepts gives a run whose shares and sales stay meaningful.

The sensitivity ranges are checked in depth by test_invariants.py; here each parameter goes to
either end of its accepted bounds (what ``--set`` and the app's sliders allow), one at a time.
"""

import math

import numpy as np
import pytest

from model import REGISTRY, ServitizationModel
from model.errors import ServisimError
from model.macro import COVID_PROFILE, covid_loss, usage_share

RUN_FIELDS = {"seed", "population_scale", "start_year", "end_year", "lever_start_year"}
ENDS = [(p.name, end) for p in REGISTRY.values()
        if p.bounds is not None and p.name not in RUN_FIELDS and all(map(math.isfinite, p.bounds))
        for end in p.bounds]


def test_usage_share_stays_a_share_at_every_accepted_2040_value_and_horizon():
    last_quarter = REGISTRY["end_year"].bounds[1] + 0.75 - REGISTRY["start_year"].default
    t_years = np.linspace(0.0, last_quarter, 200)
    for usage_2040 in np.linspace(*REGISTRY["usage_share_2040"].bounds, 41):
        assert np.all(usage_share(t_years, float(usage_2040)) <= 1.0), usage_2040


def test_no_quarter_loses_more_than_its_demand_at_the_largest_accepted_covid_shock():
    largest = REGISTRY["covid_shock"].bounds[1]
    losses = [covid_loss(year, quarter, largest)
              for year, profile in COVID_PROFILE.items() for quarter in range(len(profile))]
    assert max(losses) <= 1.0


@pytest.mark.parametrize(("name", "value"), ENDS, ids=[f"{n}={v:g}" for n, v in ENDS])
def test_a_run_at_either_end_of_a_parameters_bounds_keeps_sales_and_cash_non_negative(
        name, value):
    value = REGISTRY[name].kind(value)
    try:
        model = ServitizationModel(rng=1, headless=True, population_scale=0.02, **{name: value})
    except ServisimError:
        return  # refused with a message naming the parameters (test_settlement_errors.py)
    f = model.firms
    while model.running:
        model.step()
        n = f.n
        assert np.all(f.goods_revenue[:n] >= 0) and np.all(f.service_revenue[:n] >= 0)
        assert np.all(f.cash[:n][f.alive[:n]] >= -1e-6)
    assert all(math.isfinite(v) for v in model.indicators().values())
