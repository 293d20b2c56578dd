"""The per-quarter glue (macro, policy, indicators, collection): the same numbers and draws."""

from __future__ import annotations

import numpy as np
import pytest

from agents.exact import expm1
from agents.jit import numpy_form
from model import ServitizationModel, policy
from model.macro import DEMAND_NOISE_PERSISTENCE, DEMAND_NOISE_SD, DemandIndex


def test_demand_index_draws_numpys_normal_and_leaves_its_stream():
    index, rng, expected = DemandIndex(), np.random.default_rng(5), np.random.default_rng(5)
    noise = 0.0
    for quarter in range(40):
        index.step(rng, quarter * 0.25, 2020 + quarter // 4, quarter % 4, 0.01, 0.1)
        noise = DEMAND_NOISE_PERSISTENCE * noise + expected.normal(0.0, DEMAND_NOISE_SD)
        assert index.noise == noise
    assert rng.bit_generator.state == expected.bit_generator.state


@pytest.mark.parametrize("compiled", [True, False])
def test_convert_myopic_turns_the_live_myopic_rows_below_the_chance(compiled, monkeypatch):
    if not compiled:
        monkeypatch.setattr(policy, "_convert", numpy_form(policy._convert))
    f = ServitizationModel(rng=2, headless=True, population_scale=0.02).firms
    n = f.n
    f.alive[: n : 7] = False
    before, alive = f.strategic[:n].copy(), f.alive[:n].copy()
    rng, expected = np.random.default_rng(9), np.random.default_rng(9)
    got = policy.convert_myopic(rng, f, 0.8, 0.25)
    turned = alive & ~before & (expected.random(n) < -expm1(-0.8 * 0.25))
    assert got == np.count_nonzero(turned) > 0 and type(got) is int
    np.testing.assert_array_equal(f.strategic[:n], before | turned)
    assert rng.bit_generator.state == expected.bit_generator.state


def test_hurdle_rates_are_each_years_rates_while_rebuilt_only_when_they_change(monkeypatch):
    model = ServitizationModel(rng=3, headless=True, population_scale=0.02)
    built = []
    monkeypatch.setattr("model.model.hurdle_rates",
                        lambda *args: built.append(args[2]) or policy.hurdle_rates(*args))
    for _ in range(24):
        year = model.year
        model.step()
        expected = policy.hurdle_rates(model.firms.large, model.p, year)
        np.testing.assert_array_equal(model.hurdle, expected)
    assert built == [model.p["covid_hurdle_until"] + 1]


def test_collected_columns_are_each_quarters_indicators_however_often_they_are_read():
    model = ServitizationModel(rng=4, headless=True, population_scale=0.02)
    quarters = [model.indicators()]
    for step in range(10):
        model.step()
        quarters.append(model.indicators())
        if step in (3, 4):
            assert len(model.datacollector.model_vars["jobs"]) == step + 2
    columns = model.datacollector.model_vars
    assert list(columns) == list(quarters[0])
    for name, values in columns.items():
        assert values == [quarter[name] for quarter in quarters], name
    assert model.trajectory_columns()["jobs"] == [quarter["jobs"] for quarter in quarters]
