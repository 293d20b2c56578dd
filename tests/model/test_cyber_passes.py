"""Cyber attacks, their whole-population updates done in the attack pass: as one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agents import draws
from agents.economics import attack_rate
from agents.libm import exp, expm1
from model import cyber
from model.state import EXIT_CYBER


def _reference(rng, f, params, hazard, quarter, dt):
    """The attacks as the model defines them, pass after pass, in plain numpy."""
    n = f.n
    minus = -attack_rate(hazard[:n], f.digital[:n], f.security[:n], params["digital_exposure"],
                         params["secure_framework"]) * dt
    attacked = np.flatnonzero(f.alive[:n] & (rng.random(n) < -expm1(minus)))
    k = len(attacked)
    severe_draw, normal = rng.random(k), rng.standard_normal(k)
    severe = severe_draw < params["severe_share"]
    loss = (params["cyber_loss_median"] * exp(params["cyber_loss_sigma"] * normal)
            * cyber.loss_size(f.employees[attacked]))
    stop = params["severe_loss_days"] / cyber.DAYS_PER_QUARTER
    loss += np.where(severe, stop * f.goods_revenue[attacked], 0.0)
    insured = f.insured[attacked]
    paid = np.where(insured, cyber.INSURANCE_COVER * loss, 0.0)
    borne = loss - paid
    threatened = borne > np.maximum(f.cash[attacked], 0.0)
    f.cash[attacked] -= borne
    exit_prob = params["severe_exit_prob"] * np.where(insured, cyber.INSURED_EXIT_FACTOR, 1.0)
    f.cyber_hit[:n] = False
    f.trust[:n] = np.minimum(1.0, f.trust[:n] + cyber.TRUST_RECOVERY)
    f.cyber_hit[attacked] = borne > 0
    f.trust[attacked] *= np.where(severe, 1 - cyber.TRUST_LOSS, 1.0)
    f.severe_incidents[attacked] += severe
    hit = attacked[severe]
    gone = rng.random(len(hit)) < exit_prob[severe]
    f.alive[hit] &= ~gone
    f.exit_cause[hit] = np.where(gone, EXIT_CYBER, f.exit_cause[hit])
    f.exit_quarter[hit] = np.where(gone, quarter, f.exit_quarter[hit])
    f.security[:n] *= math.exp(-cyber.SECURITY_DECAY * dt)
    return cyber.CyberOutcome(k, len(hit), int(gone.sum()), float(borne.sum()),
                              float(paid.sum()), attacked, loss, int(threatened.sum()))



@pytest.fixture
def stepped(stepped_run):
    return stepped_run(5, 0.1, 12)  # read only: the test runs the rules on copies


@pytest.mark.parametrize("compiled", [True, False])
def test_attacks_update_the_state_as_the_separate_passes_did(stepped, compiled, monkeypatch):
    if not compiled:
        monkeypatch.setattr(draws, "source_of", lambda rng: None)  # the numpy form draws
    p = stepped.p | {"severe_share": 0.4, "severe_exit_prob": 0.5}
    hazard = stepped.attack_hazard * 40  # many attacks, severe ones and exits
    for seed in range(3):
        f, g = stepped.firms.copy(), stepped.firms.copy()
        got = cyber.attacks(np.random.default_rng(seed), f, p, hazard, 12, 0.25)
        expected = _reference(np.random.default_rng(seed), g, p, hazard, 12, 0.25)
        assert got.exits > 0 and got.severe > got.exits
        for name in ("attacks", "severe", "exits", "losses", "insured_losses", "threatened"):
            assert getattr(got, name) == getattr(expected, name), name
        np.testing.assert_array_equal(got.rows, expected.rows)
        np.testing.assert_array_equal(got.gross_losses, expected.gross_losses)
        for block in ("values", "codes", "flags"):
            np.testing.assert_array_equal(getattr(f, block), getattr(g, block), block)
