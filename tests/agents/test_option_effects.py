"""The options' profits from the states' digital effects: selected, not computed again.

``agents.decisions.option_terms_at`` computes the digital effects (productivity gain, goods
demand, cyber cost) of the base state and of the digital upgrade once, and the climb's (whose
digital level is one of those two) and the security option's (whose digital level is the
base's) by selecting them. Each must be the number the option's own state gives, to the bit.
"""

import numpy as np
import pytest

from agents import decisions as rules
from agents.economics import (
    attack_rate,
    competitiveness,
    goods_margin_rate,
    productivity_gain,
    service_margin_rate,
    state_sales,
)
from agents.kinds import PAY_PER_USE, PERFORMANCE
from agents.libm import expm1
from model import investment
from model.state import IS_ALIVE


@pytest.fixture
def ctx(stepped_run):
    model = stepped_run(4, 0.1, 6)  # read only
    alive = np.flatnonzero(model.firms.flags[IS_ALIVE])
    rows = np.random.default_rng(3).permutation(alive)[:300]
    return investment.decision_context(model, rows, np.arange(len(rows)) % 5 == 0)


def _profit(ctx, digital, service, security, rung):
    """Expected quarterly profit and service sales of a state, written out in numpy."""
    gain = productivity_gain(digital, ctx.digital_gain, ctx.adoption_mark)
    demand = ctx.goods_demand * competitiveness(gain, ctx.gain, 0.0, 0.0, ctx.sales_ratio)
    sales = state_sales(demand, ctx.potential, ctx.usage_factor, rung, service, digital,
                        ctx.trust, ctx.market)
    goods, services = sales[0], sales[1] + sales[2]
    ebit = (goods * goods_margin_rate(ctx.product_margin, gain, ctx.gain_2020,
                                      ctx.competitor_gain, ctx.competitor_gain_2020)
            + services * service_margin_rate(services, goods, ctx.market)
            - ctx.overhead * (rung >= PAY_PER_USE))
    rate = attack_rate(ctx.attack_hazard, digital, security, ctx.exposure, ctx.framework)
    return ebit + expm1(-rate * 0.25) * ctx.expected_loss, services


def test_profit_and_sales_is_ebit_plus_the_expected_cyber_cost(ctx):
    digital = np.linspace(0.0, 1.0, len(ctx.digital))
    got = rules.profit_and_sales(ctx, digital, ctx.service, ctx.security, ctx.rung)
    expected = _profit(ctx, digital, ctx.service, ctx.security, ctx.rung)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_climb_npv_is_that_of_the_climbs_own_digital_level(ctx):
    annuity_h, delayed, annuity_t = rules.discounting(ctx.hurdle, ctx.horizon_quarters,
                                                      ctx.ramp_quarters, ctx.transition_quarters)
    d0, s0, r0 = ctx.digital, ctx.service, ctx.rung
    target = np.minimum(r0 + 1, PERFORMANCE)
    needs_digital = (target >= PAY_PER_USE) & (d0 < ctx.adoption_mark)
    assert needs_digital.any() and (~needs_digital).any()  # both selections are checked
    d_climb = np.where(needs_digital, d0 + ctx.digital_step * (1 - d0), d0)
    base, base_sales = _profit(ctx, d0, s0, ctx.security, r0)
    climbed, sales = _profit(ctx, d_climb, s0 + rules.SERVICE_GAIN * (1 - s0), ctx.security,
                             target)
    terms = rules.option_terms_at(ctx, annuity_h, delayed, annuity_t)
    organisation = rules.climb_cost(ctx.transition_cost_share, sales - base_sales)
    expected = ((climbed - base) * np.where(needs_digital, delayed, annuity_h)
                - organisation * annuity_t - terms[4] * (1 - ctx.subsidy_rate))
    possible = np.isfinite(terms[1])
    assert possible.any()
    np.testing.assert_array_equal(terms[1][possible], expected[possible])
    np.testing.assert_array_equal(terms[6], organisation)


def test_security_npv_is_that_of_the_protected_state(ctx):
    annuity_h, delayed, annuity_t = rules.discounting(ctx.hurdle, ctx.horizon_quarters,
                                                      ctx.ramp_quarters, ctx.transition_quarters)
    k_new = ctx.security + rules.SECURITY_GAIN * (1 - ctx.security)
    base = _profit(ctx, ctx.digital, ctx.service, ctx.security, ctx.rung)[0]
    secured = _profit(ctx, ctx.digital, ctx.service, k_new, ctx.rung)[0]
    terms = rules.option_terms_at(ctx, annuity_h, delayed, annuity_t)
    np.testing.assert_array_equal(terms[2], (secured - base) * annuity_h - terms[5])
