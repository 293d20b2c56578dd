"""The market's and the platforms' fused calls: the same bits as the rules they gather.

Each kernel runs compiled (when numba is there) and as numpy; both must agree with a plain
numpy statement of the same rule written here.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from agents.jit import numpy_form
from agents.platforms import PlatformEntrant, entrant_enters
from model import market, market_2020, platforms
from model.market import usage_edge_at
from model.run_terms import nest_usage_at, quarter_market


@pytest.fixture
def model(stepped_run):
    return stepped_run(4, 0.2, 12)  # read only


def _modes(kernel):
    return (kernel, numpy_form(kernel))


def test_the_pay_per_use_nest_is_the_nest_plus_the_penalty_shed_in_both_modes():
    for usage in (0.05, 0.1, 0.3, 0.49, 0.7):
        for nest, penalty in ((-1.3, 2.5), (0.4, -0.7), (-np.inf, 3.0)):
            want = nest + usage_edge_at(0.4, 0.5, np.asarray(usage)) * penalty
            for form in _modes(nest_usage_at):
                assert form(0.4, 0.5, usage, nest, penalty) == want


def test_the_clearing_kernel_gives_the_same_state_and_totals_in_both_modes(model):
    p = model.p
    u, nest = market.platform_view(model.platforms, p, model.know_how_penalty)
    view = quarter_market(model, nest, model.usage_at(model.t_years))
    results = []
    for form in _modes(market._clear):
        f, pl = copy.deepcopy(model.firms), copy.deepcopy(model.platforms)
        totals = form(f.values, f.codes, f.flags, f.n, pl.values, u, tuple(view),
                      market.maker_params(p),
                      (p["product_margin"], model.competitor_gain, model.competitor_gain_2020,
                       p["service_overhead_share"], True, p["support_function_share"], 1.01,
                       0.2, p["platform_nest_dissimilarity"]))
        results.append((f, pl, totals))
    (f1, pl1, t1), (f2, pl2, t2) = results
    np.testing.assert_array_equal(t1[3], market.firms_exponentials(model.firms, p))
    np.testing.assert_array_equal(t1[3], t2[3])
    assert tuple(t1[:3]) == tuple(t2[:3])
    np.testing.assert_array_equal(f1.values, f2.values)
    np.testing.assert_array_equal(f1.flags, f2.flags)
    np.testing.assert_array_equal(pl1.values, pl2.values)


def test_firm_terms_of_are_the_firm_terms_kernels_fields(model):
    f, p = model.firms, model.p
    args = (f.values, f.codes, f.flags, f.n, market.firms_exponentials(f, p),
            model.usage_at(model.t_years), p["usage_service_ratio"])
    terms = numpy_form(market_2020.firm_terms_of)(*args)
    assert isinstance(terms, market_2020.FirmTerms)
    for a, b in zip(terms, market_2020._firm_terms(*args), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_candidate_enters_when_its_discounted_profit_pays_the_entry_cost():
    v = 1.2 ** -0.25
    annuity = v * (1 - v**20) / (1 - v)
    assert PlatformEntrant.annuity() == annuity
    profits = np.array([-1.0, 0.0, 99.0, 100.0 / annuity, 101.0 / annuity])
    want = profits * annuity > 100.0
    np.testing.assert_array_equal(entrant_enters(profits, PlatformEntrant.annuity(), 100.0),
                                  want)
    np.testing.assert_array_equal(PlatformEntrant.enters(profits, 100.0), want)


def _entering_one_by_one(model, capability, service_market):
    """Which candidates enter, each weighed by candidate_profit on the platforms before it."""
    f, p, penalty = model.firms, model.p, model.know_how_penalty
    usage = model.usage_at(model.t_years)
    terms = market_2020.firm_terms(f, p, usage)
    utilities = market.platform_utilities(model.platforms, p, penalty)
    cost = platforms.entry_cost(p, service_market)
    entering = []
    for cap in capability:
        profit, with_it = platforms.candidate_profit(f, p, penalty, model.in_house, usage,
                                                     service_market, utilities, cap, terms)
        entering.append(bool(PlatformEntrant.enters(profit, cost)))
        if entering[-1]:
            utilities = with_it
    return np.array(entering)


@pytest.mark.parametrize("service_market", [1e7, 1e8, 3e8, 1e9])
def test_the_entry_kernel_weighs_candidates_in_turn_as_candidate_profit_does(model,
                                                                             service_market):
    f, p, pl = model.firms, model.p, model.platforms
    capability = np.array([0.7, 0.3, 0.65, 0.5, 0.69])
    want = _entering_one_by_one(model, capability, service_market)
    usage = model.usage_at(model.t_years)
    for form in _modes(platforms._entries):
        got = form(f.values, f.codes, f.flags, f.n, market.firms_exponentials(f, p), usage,
                   p["usage_service_ratio"], pl.values, pl.flags, pl.n, capability,
                   market.platform_utility_params(p), model.know_how_penalty, model.in_house,
                   market_2020.nest_params(p), p["service_margin"],
                   platforms.fixed_cost(p, service_market), PlatformEntrant.annuity(),
                   platforms.entry_cost(p, service_market))
        np.testing.assert_array_equal(got, want)


def test_the_entry_test_market_sizes_see_all_some_and_no_candidates_enter(model):
    capability = np.array([0.7, 0.3, 0.65, 0.5, 0.69])
    assert _entering_one_by_one(model, capability, 1e7).all()
    some = _entering_one_by_one(model, capability, 1e8)
    assert some.any() and not some.all()
    assert not _entering_one_by_one(model, capability, 1e9).any()


def test_competitors_digital_path_is_the_logistic_rescaled_from_2020_to_2040():
    import math

    from model import goods

    def s(t):
        return 1.0 / (1.0 + math.exp(-0.35 * (t - 10.0)))

    for t in (0.0, 0.25, 7.5, 10.0, 19.75, 20.0, 21.0):
        want = 0.2 + (0.6 - 0.2) * ((s(t) - s(0.0)) / (s(20.0) - s(0.0)))
        assert goods.competitor_digital(t, 0.2, 0.6) == want
