"""The step's own glue computed once where it can be: the same numbers and the same draws."""

from __future__ import annotations

import numpy as np
import pytest

from agents import draws
from model import ServitizationModel, cyber
from model.macro import usage_share


@pytest.fixture
def model(stepped_run):
    return stepped_run(7, 0.02, 6)  # shared and cached: the tests below only read it


def test_usage_at_gives_the_usage_share_of_the_run_to_the_last_bit(model):
    for quarter in range(85):
        t = quarter * 0.25
        got, expected = model.usage_at(t), usage_share(t, model.p["usage_share_2040"])
        assert got == expected and type(got) is type(expected), quarter


def test_usage_at_follows_a_changed_2040_share():
    m = ServitizationModel(rng=1, headless=True, population_scale=0.02, usage_share_2040=0.2)
    m.p["usage_share_2040"] = 0.45
    assert m.usage_at(10.0) == usage_share(10.0, 0.45)


@pytest.mark.parametrize("compiled", [True, False])
def test_attacks_without_a_severe_incident_draw_as_an_empty_exit_draw_would(model, compiled,
                                                                            monkeypatch):
    if not compiled:
        monkeypatch.setattr(draws, "source_of", lambda rng: None)  # the numpy form draws
    p = model.p | {"severe_share": 0.0}
    f = model.firms.copy()
    rng, expected = np.random.default_rng(3), np.random.default_rng(3)
    got = cyber.attacks(rng, f, p, model.attack_hazard * 40, 6, 0.25)
    assert got.attacks > 0 and got.severe == 0 and got.exits == 0
    expected.random(f.n), expected.random(got.attacks), expected.standard_normal(got.attacks)
    expected.random(0)
    assert rng.bit_generator.state == expected.bit_generator.state
    assert np.count_nonzero(f.cyber_hit[: f.n]) == got.attacks  # the losses were booked
