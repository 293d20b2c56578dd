"""Comparative statics, averaged over seeds: the levers move outcomes the right way."""

import numpy as np

from model import ServitizationModel

SEEDS = range(6)
SCALE = 0.1


def _mean(indicator, quarter=-1, **params):
    values = []
    for seed in SEEDS:
        m = ServitizationModel(rng=seed, headless=True, population_scale=SCALE, **params)
        m.run()
        values.append(m.trajectory()[indicator].iloc[quarter])
    return float(np.mean(values))


AMPLE_BUDGET = {"subsidy_budget_relance": 60e6, "subsidy_budget_after": 40e6}


def test_higher_subsidy_rate_raises_sme_adoption():
    # Ceteris paribus, including the number of projects the envelope can fund: with the
    # default envelope the budget binds, and a higher rate funds fewer (larger) grants.
    low = _mean("digital_adoption_sme", quarter=44, subsidy_rate=0.10, **AMPLE_BUDGET)
    high = _mean("digital_adoption_sme", quarter=44, subsidy_rate=0.40, **AMPLE_BUDGET)
    assert high > low + 0.05


def test_a_larger_envelope_raises_sme_adoption():
    small = _mean("digital_adoption_sme", quarter=44, subsidy_budget_after=0.0)
    large = _mean("digital_adoption_sme", quarter=44, subsidy_budget_after=40e6)
    assert large > small + 0.03


def test_stronger_platforms_lower_industrial_service_capture():
    weak = _mean("industrial_service_capture", platform_cost_advantage=0.9,
                 platform_entry_rate=0.02)
    strong = _mean("industrial_service_capture", platform_cost_advantage=0.5,
                   platform_entry_rate=0.5)
    assert strong < weak - 0.1


def test_higher_sme_attack_probability_raises_exits():
    calm = _mean("cumulative_exits_share", attack_prob_sme=0.20)
    exposed = _mean("cumulative_exits_share", attack_prob_sme=0.50)
    assert exposed > calm
