"""Platforms: fixed costs, quarters of losses, and leaving after too many of them."""

from __future__ import annotations

import numpy as np
import pytest

from agents.platforms import PlatformEntrant
from model import ServitizationModel
from model.platforms import account, fixed_cost, learn_and_leave


@pytest.fixture
def model():
    return ServitizationModel(rng=1, headless=True, population_scale=0.05)


def test_fixed_costs_are_what_the_minimum_share_of_the_market_earns(model):
    p = model.p
    assert fixed_cost(p, 1e6) == pytest.approx(p["platform_min_share"] * 1e6 * p["service_margin"])


def test_a_platform_earning_less_than_its_fixed_costs_counts_a_quarter_of_losses(model):
    platforms, market = model.platforms, 1e8
    n = platforms.n
    platforms.revenue[:n] = 0.0
    platforms.loss_quarters[:n] = 0
    account(platforms, model.p, market)
    assert (platforms.profit[:n] < 0).all() and (platforms.loss_quarters[:n] == 1).all()
    platforms.revenue[:n] = 10 * fixed_cost(model.p, market) / model.p["service_margin"]
    account(platforms, model.p, market)
    assert (platforms.loss_quarters[:n] == 0).all()  # a profitable quarter starts over


def test_a_platform_leaves_after_its_patience_runs_out(model):
    platforms = model.platforms
    platforms.loss_quarters[0] = PlatformEntrant.PATIENCE_QUARTERS
    platforms.loss_quarters[1:platforms.n] = 0
    assert learn_and_leave(platforms, quarter=3) == 1
    assert not platforms.alive[0] and platforms.exit_quarter[0] == 3
    assert platforms.market_share[0] == 0.0 and platforms.alive[1:platforms.n].all()
    assert np.isfinite(platforms.capability[: platforms.n]).all()
