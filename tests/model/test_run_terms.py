"""The step's packed terms and fused calls give what the separate functions give."""

from __future__ import annotations

import copy

import numpy as np

from model import ServitizationModel, jobs, market, platforms
from model.calendar import DT
from model.run_terms import FIXED, decision_terms, quarter_market, run_terms


def _stepped(quarters: int = 6) -> ServitizationModel:
    model = ServitizationModel(rng=11, headless=True, population_scale=0.05)
    for _ in range(quarters):
        model.step()
    return model


def test_no_live_lever_is_packed_once_per_run():
    from model.levers import LIVE_LEVERS

    assert not set(FIXED) & set(LIVE_LEVERS)


def test_quarter_market_is_the_market_view():
    model = _stepped()
    u, nest = market.platform_view(model.platforms, model.p, model.know_how_penalty)
    usage = model.usage_at(model.t_years)
    assert quarter_market(model, nest, usage) == market.market_view(
        u, model.p, usage, model.know_how_penalty, model.in_house, nest)


def test_decision_terms_follow_a_lever_set_during_the_run():
    from model.levers import set_lever

    model = _stepped()
    before = decision_terms(model)
    set_lever(model, "secure_framework", 0.5)
    after = decision_terms(model)
    assert after[33] == 0.5 and before[:33] == after[:33] and before[34:] == after[34:]
    assert run_terms(model) is run_terms(model)


def test_platforms_settle_is_account_learn_and_spread():
    model = _stepped()
    fused, apart = copy.deepcopy(model.platforms), copy.deepcopy(model.platforms)
    size = 1e6
    platforms.settle(fused, model.p, size, model.quarter, platforms.reach_growth(model.p, DT))
    platforms.account(apart, model.p, size)
    platforms.learn_and_leave(apart, model.quarter)
    platforms.spread(apart, model.p, DT)
    for block in ("values", "codes", "flags"):
        assert np.array_equal(getattr(fused, block), getattr(apart, block))


def test_offshore_and_update_is_offshore_then_update_jobs():
    model = _stepped()
    fused, apart = copy.deepcopy(model.firms), copy.deepcopy(model.firms)
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    moved = jobs.offshore_and_update(rng_a, fused, model.p, DT, 1.02)
    assert moved == jobs.offshore(rng_b, apart, model.p, DT)
    jobs.update_jobs(apart, model.p, 1.02)
    for block in ("values", "codes", "flags"):
        assert np.array_equal(getattr(fused, block), getattr(apart, block))
