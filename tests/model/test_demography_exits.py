"""Exits decided in one pass, the rows near the hazard again: as over every row at once."""

from __future__ import annotations

import numpy as np
import pytest

from agents.jit import numpy_form
from agents.libm import expm1
from model import ServitizationModel, demography
from model.state import (
    EXIT_BASELINE,
    EXIT_CASH,
    EXIT_CYBER,
    EXIT_TRANSITION,
)


def _reference(rng, f, params, base_hazard, quarter, dt):
    """The exits as the model defines them, over every row at once, in plain numpy."""
    n = f.n
    draw = rng.random(n)
    alive = f.alive[:n].copy()
    climbing = f.servitizing[:n]
    multiplier = (1.0 + (params["transition_exit_multiplier"] - 1.0) * climbing
                  + (params["servitized_exit_multiplier"] - 1.0)
                  * (f.servitized[:n] & ~climbing))
    multiplier *= 1.0 + (demography.LOSS_HAZARD_MULTIPLIER - 1.0) * (f.margin[:n] < 0)
    minus = -(base_hazard[:n] * multiplier) * dt
    hazard_exit = alive & (draw < -expm1(minus))
    cash_exit = alive & ~hazard_exit & (f.cash[:n] < 0)
    cause = np.where(cash_exit, np.where(f.cyber_hit[:n], EXIT_CYBER, EXIT_CASH),
                     np.where(climbing, EXIT_TRANSITION, EXIT_BASELINE))
    leaving = hazard_exit | cash_exit
    f.alive[:n] = alive & ~leaving
    f.exit_cause[:n] = np.where(leaving, cause, f.exit_cause[:n])
    f.exit_quarter[:n] = np.where(leaving, quarter, f.exit_quarter[:n])
    lost = f.base_demand[:n][leaving].sum()
    remaining = f.base_demand[:n][f.alive[:n]].sum()
    if lost > 0 and remaining > 0:
        factor = 1.0 + demography.ABSORBED_SHARE * lost / remaining
        f.base_demand[:n] *= np.where(f.alive[:n], factor, 1.0)
    return {"hazard": int(hazard_exit.sum()), "cash": int(cash_exit.sum())}



@pytest.fixture(scope="module")
def stepped():
    model = ServitizationModel(rng=7, headless=True, population_scale=0.1)
    for _ in range(10):
        model.step()
    f = model.firms
    rng = np.random.default_rng(0)
    # Every path of the rule: firms out of cash (some after an attack), climbing, servitized.
    f.cash[: f.n] = np.where(rng.random(f.n) < 0.1, -1.0, f.cash[: f.n])
    f.cyber_hit[: f.n] = rng.random(f.n) < 0.5
    f.servitizing[: f.n] = rng.random(f.n) < 0.3
    f.servitized[: f.n] |= rng.random(f.n) < 0.3
    return model


@pytest.mark.parametrize("compiled", [True, False])
def test_exits_update_the_state_as_over_every_row_at_once(stepped, compiled, monkeypatch):
    if not compiled:
        monkeypatch.setattr(demography, "_exits", numpy_form(demography._exits))
    p = stepped.p | {"transition_exit_multiplier": 3.0, "servitized_exit_multiplier": 0.5}
    for seed, scale in ((0, 1.0), (1, 30.0), (2, 300.0)):
        hazard = stepped.exit_hazard * scale  # from a few hazard exits to many
        f, g = stepped.firms.copy(), stepped.firms.copy()
        got = demography.exits(np.random.default_rng(seed), f, p, hazard, 10, 0.25)
        expected = _reference(np.random.default_rng(seed), g, p, hazard, 10, 0.25)
        assert got == expected and got["cash"] > 0
        assert scale == 1.0 or got["hazard"] > 0
        for block in ("values", "codes", "flags"):
            np.testing.assert_array_equal(getattr(f, block), getattr(g, block), block)


def test_exit_argument_is_minus_the_quarters_hazard():
    climbing = np.array([True, False, False, True])
    servitized = np.array([False, True, False, True])
    margin = np.array([1.0, -1.0, 0.0, -2.0])
    got = demography.exit_argument(np.full(4, 0.1), climbing, servitized, margin, 3.0, 0.5, 0.25)
    np.testing.assert_array_equal(got, [-0.1 * 3.0 * 0.25, -0.1 * 0.5 * 2.0 * 0.25,
                                        -0.1 * 0.25, -0.1 * 3.0 * 2.0 * 0.25])
