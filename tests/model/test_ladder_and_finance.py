"""The service ladder, finance and the fixes of model v2's bugs (each failed on model v1)."""

import math

import numpy as np
import pytest

from agents.kinds import ADDED_SERVICES, GOODS_ONLY, PAY_PER_USE
from model import ServitizationModel, cyber, demography, finance, ladder
from model.state import EXIT_CASH, EXIT_CYBER, FirmState


def _model(**kw):
    return ServitizationModel(rng=3, headless=True, population_scale=0.1, **kw)


def test_firms_selling_services_in_2020_pay_no_transition_cost():
    m = _model()
    f = m.firms
    assert not f.servitizing[: f.n].any()
    costs = ladder.costs(f, m.p)
    overhead = m.p["service_overhead_share"] * ladder.payroll(f)
    np.testing.assert_allclose(costs, np.where(f.rung[: f.n] >= PAY_PER_USE, overhead, 0.0))


def test_every_climb_ends_after_transition_quarters():
    m = _model()
    for _ in range(40):
        m.step()
        f = m.firms
        climbing = f.alive[: f.n] & f.servitizing[: f.n]
        assert np.all(f.transition_quarters[: f.n][climbing] < m.p["transition_quarters"])
    assert m.climbs > 0


def test_an_offer_that_loses_money_for_a_climbs_length_is_abandoned():
    f = FirmState(3)
    f.n = 3
    f.alive[:] = True
    f.employees[:] = 20.0
    f.rung[:] = [PAY_PER_USE, PAY_PER_USE, ADDED_SERVICES]
    f.service_profit[:] = [0.0, 1e9, 0.0]  # the first offer earns nothing, the second plenty
    params = {"service_overhead_share": 0.03, "transition_quarters": 4}
    abandoned = [ladder.abandon_failing_offers(f, params) for _ in range(4)]
    assert abandoned == [0, 0, 0, 1]
    assert f.rung.tolist() == [ADDED_SERVICES, PAY_PER_USE, ADDED_SERVICES]
    assert f.abandoned.tolist() == [1, 0, 0]


def test_some_offers_are_abandoned_in_a_run():
    m = _model(usage_share_2040=0.2, service_overhead_share=0.06)
    m.run()
    assert 0 < m.abandoned <= m.usage_offers


def test_debt_carries_interest_and_is_repaid_in_twenty_quarters():
    f = FirmState(1)
    f.n = 1
    f.alive[0] = True
    f.margin[0] = 0.0
    ledger = dict.fromkeys(("retained", "interest", "payout", "repaid", "borrowed"), 0.0)
    finance.lend(f, np.array([0]), np.array([1000.0]), ledger)
    f.cash[0] = 1e6  # plenty to pay with, and no sales: nothing is paid out
    f.goods_revenue[0] = 1e9
    for _ in range(finance.REPAYMENT_QUARTERS):
        finance.settle_quarter(f, ledger, interest_rate=0.04)
    assert f.debt[0] == pytest.approx(0.0, abs=1e-9)
    assert ledger["repaid"] == pytest.approx(1000.0)
    # Interest on a linearly falling balance: 1% a quarter on 1000, 950, ..., 50.
    assert ledger["interest"] == pytest.approx(0.01 * sum(1000 - 50 * k for k in range(20)))


def test_cash_above_three_months_of_sales_is_paid_out():
    m = ServitizationModel(rng=2, headless=True, population_scale=0.1)
    m.run()
    f = m.firms
    live = f.alive[: f.n]
    yearly_sales = 4 * (f.goods_revenue[: f.n] + f.service_revenue[: f.n])[live]
    ratio = f.cash[: f.n][live] / yearly_sales
    assert np.median(ratio) <= finance.CASH_TARGET_YEARS + 1e-9
    assert m.ledger["payout"] > 0


def test_a_firm_that_runs_out_of_cash_after_an_attack_exits_for_cyber_reasons():
    f = FirmState(3)
    f.n = 3
    f.alive[:] = True
    f.cash[:] = [-10.0, -10.0, 10.0]
    f.cyber_hit[:] = [True, False, True]
    params = {"transition_exit_multiplier": 1.0, "servitized_exit_multiplier": 1.0}
    demography.exits(np.random.default_rng(0), f, params, np.zeros(3), 0, 0.25)
    assert f.alive.tolist() == [False, False, True]
    assert f.exit_cause[:2].tolist() == [EXIT_CYBER, EXIT_CASH]


def test_a_firm_whose_sales_fall_pays_its_idle_staff_less_the_short_time_refund():
    from model import jobs

    f = FirmState(2)
    f.n = 2
    f.alive[:] = True
    f.goods_revenue[:] = [100.0, 80.0]  # the second lost a fifth of its sales
    f.jobs_per_goods[:] = 0.1
    f.production_jobs[:] = 10.0
    params = {"support_function_share": 0.45}
    cost = jobs.hoarding_cost(f, params, 1.0, short_time_cover=0.0)
    assert cost[0] == 0.0 and cost[1] == pytest.approx(2.0 * 45_000 / 4)
    covered = jobs.hoarding_cost(f, params, 1.0, short_time_cover=0.7)
    assert covered[1] == pytest.approx(0.3 * cost[1])


def test_expected_attack_loss_is_the_mean_of_the_losses_attacks_draw():
    m = ServitizationModel(rng=1, headless=True, population_scale=0.05)
    f, p = m.firms, m.p
    rows = np.arange(f.n)
    expected = cyber.expected_attack_loss(f, rows, p)
    draws = []
    hazard = np.full(f.capacity, 1e6)  # every firm attacked every time
    for i in range(400):
        g = FirmState(f.capacity)
        for name in f.array_names():
            getattr(g, name)[:] = getattr(f, name)
        g.n = f.n
        out = cyber.attacks(np.random.default_rng(i), g, p | {"severe_exit_prob": 0.0}, hazard,
                            0, 0.25)
        draws.append(out.gross_losses * np.where(g.insured[out.rows],
                                                 1 - cyber.INSURANCE_COVER, 1.0))
    mean = np.mean(draws, axis=0)
    assert np.sum(mean) == pytest.approx(np.sum(expected), rel=0.05)


def test_firms_on_the_first_rung_or_above_are_the_only_ones_selling_services():
    m = _model()
    f = m.firms
    offering = f.rung[: f.n] >= ADDED_SERVICES
    assert np.all(f.service_revenue[: f.n][~offering] == 0.0)
    assert np.all(f.service_revenue[: f.n][offering] > 0.0)
    assert np.all((f.rung[: f.n] >= GOODS_ONLY) & (f.rung[: f.n] <= PAY_PER_USE))
    assert math.isclose(offering.mean(), m.p["initial_service_offer"], abs_tol=0.02)


def test_service_intensive_firms_sell_more_services_than_goods():
    m = _model()
    f = m.firms
    intensive = f.service_intensive[: f.n]
    assert intensive.any()
    more = f.service_revenue[: f.n][intensive] > f.goods_revenue[: f.n][intensive]
    assert more.mean() > 0.8
