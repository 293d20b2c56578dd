"""Invariants under random parameters drawn from the sensitivity ranges (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import INDICATORS, ServitizationModel
from model.parameters import sa_parameters

SHARES = [name for name in INDICATORS if name.endswith("share") or "adoption" in name
          or name in ("industrial_service_capture", "platform_share")]


@st.composite
def sa_points(draw):
    params = {}
    for p in sa_parameters():
        lo, hi = p.sa_range
        if p.kind is int:
            params[p.name] = draw(st.integers(int(lo), int(hi)))
        else:
            params[p.name] = draw(st.floats(lo, hi, allow_nan=False))
    return params


def _check(model):
    f = model.firms
    n = f.n
    alive = f.alive[:n]
    values = model.indicators()
    for name in SHARES:
        assert 0.0 <= values[name] <= 1.0, name
    assert -1.0 <= values["two_tier_gap"] <= 1.0
    assert values["jobs"] >= 0 and np.all(f.employees[:n] >= 0)
    assert np.all(f.cash[:n][alive] >= -1e-6), "a live firm holds negative cash"
    assert np.all(f.debt[:n] >= -1e-6)
    for arr in (f.digital, f.service, f.security, f.trust):
        assert np.all((arr[:n] >= 0) & (arr[:n] <= 1))
    assert np.all(f.goods_revenue[:n] >= 0) and np.all(f.service_revenue[:n] >= 0)
    assert np.all(f.service_revenue[:n] <= f.service_demand[:n] + 1e-6)
    assert np.all((f.rung[:n] >= 0) & (f.rung[:n] <= 3))
    assert np.all(f.offshored[:n] <= model.p["offshorable_service_share"] + 1e-12)
    assert np.all(f.debt[:n] >= -1e-6) and np.all(f.repayment[:n] >= 0)
    p = model.platforms
    assert np.all((p.reach[: p.n] >= 0) & (p.reach[: p.n] <= 1))
    assert np.isclose(values["industrial_service_capture"] + values["platform_share"], 1.0)


def _money_accounted_for(model):
    ledger = model.ledger
    expected = (model.initial_cash + ledger["entrant_cash"] + ledger["retained"]
                + ledger["subsidy"] - ledger["capex"] - ledger["cyber"] + ledger["borrowed"]
                - ledger["repaid"] - ledger["payout"])
    assert np.isclose(model.money_in_firms(), expected, rtol=1e-9, atol=1.0)
    policy = model.policy
    assert np.isclose(policy.released, policy.spent + policy.budget_left + policy.lapsed)
    assert policy.spent <= policy.released + 1e-6
    assert np.isclose(policy.spent, ledger["subsidy"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=sa_points(), seed=st.integers(0, 2**31 - 1))
def test_invariants_hold_every_quarter_for_parameters_in_their_sa_ranges(params, seed):
    model = ServitizationModel(rng=seed, headless=True, population_scale=0.03, **params)
    while model.running:
        model.step()
        _check(model)
    _money_accounted_for(model)


def test_model_records_each_quarters_attacks_and_each_years_subsidy_requests(monkeypatch):
    model = ServitizationModel(rng=7, headless=True, population_scale=0.1)
    grant, asked = model.policy.grant, []

    def counting_grant(requests):
        asked.append((model.year, len(requests)))
        return grant(requests)

    monkeypatch.setattr(model.policy, "grant", counting_grant)
    model.run()
    history = model.cyber_history
    assert [year for year, _ in history] == [model.p["start_year"] + q // 4
                                             for q in range(model.quarter)]
    assert [o.severe for _, o in history] == model.severe_history
    for _, o in history:
        assert len(o.rows) == len(o.gross_losses) == o.attacks >= o.threatened
        assert np.isclose(o.gross_losses.sum(), o.losses + o.insured_losses)
    assert np.isclose(sum(o.losses for _, o in history), model.ledger["cyber"])
    assert sum(o.threatened for _, o in history) > 0
    by_year: dict[int, int] = {}
    for year, count in asked:
        by_year[year] = by_year.get(year, 0) + count
    assert model.policy.requests_by_year == by_year and sum(by_year.values()) > 0
