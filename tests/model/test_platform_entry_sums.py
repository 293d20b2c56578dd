"""The platforms' entry sums and the firms' terms: the same bits as the code they replaced.

Each kernel runs compiled (when numba is there) and as numpy; both must agree with it.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.economics import within_nest_shares
from agents.jit import kernel, numpy_form
from model import market, market_2020, platforms


@pytest.fixture
def model(stepped_run):
    return stepped_run(4, 0.2, 12)  # read only


@kernel
def _platform_sales_kernel(terms, e_nest_added, e_nest_usage, e_in_house):
    n = len(terms.added_demand)
    return market_2020.platform_sales(terms, e_nest_added, e_nest_usage, e_in_house,
                                      np.empty(n), np.empty(n))


@kernel
def _totals_of_kernel(terms, e_nest_added, e_nest_usage, e_in_house):
    n = len(terms.added_demand)
    return market_2020.totals_of(terms, e_nest_added, e_nest_usage, e_in_house, np.empty(n),
                                 np.empty(n), np.empty(n), np.empty(n))


def test_platform_sales_are_the_platform_totals_of_the_market_to_the_last_bit(model):
    f, p = model.firms, model.p
    terms = market_2020.firm_terms(f, p, model.usage_at(model.t_years))
    assert len(terms.usage_makers) > 0
    for e_nest_added, e_nest_usage, e_in_house in ((0.7, 1.3, 2.1), (1e-9, 1e9, 1.0),
                                                   (np.exp(20.0), np.exp(-20.0), 0.0)):
        args = (terms, e_nest_added, e_nest_usage, e_in_house)
        want = numpy_form(_totals_of_kernel)(*args)[2:4]
        assert tuple(_platform_sales_kernel(*args)) == want
        assert tuple(numpy_form(_platform_sales_kernel)(*args)) == want
        assert tuple(_totals_of_kernel(*args))[2:4] == want


def test_a_candidates_profit_is_its_share_of_what_the_nest_sells_with_it(model):
    f, p = model.firms, model.p
    usage = model.usage_at(model.t_years)
    terms = market_2020.firm_terms(f, p, usage)
    u = market.platform_utilities(model.platforms, p, model.know_how_penalty)
    for capability in (0.3, 0.55, 0.7):
        profit, both = platforms.candidate_profit(f, p, model.know_how_penalty, model.in_house,
                                                  usage, 1e6, u, capability, terms)
        totals = market_2020.totals_under(f, p, both, model.know_how_penalty, model.in_house,
                                          usage, terms)
        share = within_nest_shares(both, p["platform_nest_dissimilarity"])[-1]
        assert profit == (share * (totals[2] + totals[3]) * p["service_margin"]
                          - platforms.fixed_cost(p, 1e6))


def test_firm_terms_list_the_pay_per_use_makers_in_both_modes(model):
    f, p = model.firms, model.p
    exponentials = market.firms_exponentials(f, p)
    args = (f.values, f.codes, f.flags, f.n, exponentials, model.usage_at(model.t_years),
            p["usage_service_ratio"])
    for terms in (market_2020._firm_terms(*args), numpy_form(market_2020._firm_terms)(*args)):
        makers = terms[5]
        assert makers.dtype == np.int64
        np.testing.assert_array_equal(makers, np.flatnonzero(terms[1] != 0.0))
        assert len(makers) > 0
