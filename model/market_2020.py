"""The service market of 2020: the platforms' know-how penalty and the in-house utility.

Every run starts from the region's 2020 market (:mod:`model.market`): these two numbers are
set, once per run, so that the firms hold ``service_capture_2020`` of it and customers buy
``outsourced_services_share`` of their added services from providers.

What each firm brings to the market's totals whatever the platforms do (its demand by segment,
its maker's utilities) is computed once (:func:`firm_terms`); a point of a search is then one
pass of divisions and sums over the firms. The whole search runs in one compiled call, with
scipy's Brent method (:mod:`agents.brent`): the same points, the same roots.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from agents.brent import CONVERGED, MAXITER, RTOL, SIGN_ERROR, brentq, raise_for
from agents.economics import makers_offer, nest_value, segment_demands, segment_shares
from agents.exact import exp, nonzero, psum
from agents.jit import kernel, rows, rule, where
from model.errors import SettlementError
from model.market import (
    _platform_utilities,
    firms_exponentials,
    platform_utilities,
    platform_utility_params,
    usage_edge_at,
    usage_reach_of,
)
from model.state import (
    GOODS_DEMAND,
    IS_ALIVE,
    KIND,
    RUNG,
    SERVICE_POTENTIAL,
    FirmState,
    PlatformState,
)

#: Search brackets of the platforms' know-how penalty and of the in-house utility.
PENALTY_BRACKET = (-20.0, 40.0)
IN_HOUSE_BRACKET = (-20.0, 20.0)
#: The searches' absolute tolerance, and the most rounds of the two alternate searches.
XTOL = 1e-10
ROUNDS = 50
#: Which search of :func:`_settle` stopped: the in-house utility's, the know-how penalty's.
IN_HOUSE_SEARCH, PENALTY_SEARCH = 0, 1
#: The parameters each 2020 target depends on besides itself, as an error names them: what
#: the firms offer and their customers ask in 2020, and customers' utilities of makers and
#: platforms (a firm's trust is 1 in 2020: ``trust_weight`` plays no part).
TARGET_DEPENDS_ON = {
    "service_capture_2020": (
        "initial_service_offer", "initial_usage_offer", "aftermarket_ratio",
        "usage_service_ratio", "capability_weight", "installed_base_bonus", "price_weight",
        "platform_cost_advantage", "platform_network_effect", "platform_nest_dissimilarity",
        "outsourced_services_share"),
    "outsourced_services_share": (
        "initial_service_offer", "aftermarket_ratio", "capability_weight",
        "installed_base_bonus", "price_weight", "platform_cost_advantage",
        "platform_network_effect", "platform_nest_dissimilarity", "service_capture_2020"),
}


class FirmTerms(NamedTuple):
    """What each firm (rows ``:n``) brings to the market's totals whatever the platforms do.

    Attributes:
        e_added, e_usage: ``exp`` of its maker's utilities in the segments it competes in.
        added_demand, usage_demand: its added-services and pay-per-use demand, EUR/quarter
            (none if it is dead).
        added_total: the added-services demand of all the firms, EUR/quarter.
        usage_makers: the rows whose maker competes in pay-per-use (``e_usage`` not 0): few.

    """

    e_added: np.ndarray
    e_usage: np.ndarray
    added_demand: np.ndarray
    usage_demand: np.ndarray
    added_total: float
    usage_makers: np.ndarray


@rule
def firm_terms_of(values, codes, flags, n, e_maker, usage, usage_service_ratio) -> FirmTerms:
    """:class:`FirmTerms` of rows ``:n`` (what kernels call; see :func:`firm_terms`).

    Args:
        values: the firm state's values.
        codes: its codes.
        flags: its flags.
        n: the rows in use.
        e_maker: the firms' ``market.maker_exponentials``.
        usage: the usage-based share of demand.
        usage_service_ratio: value of a pay-per-use contract per EUR of goods.

    Returns:
        The firms' terms.

    """
    e_added, e_usage, added_demand, usage_demand, total, makers = _firm_terms_rows(
        values, codes, flags, n, e_maker, usage, usage_service_ratio)
    return FirmTerms(e_added, e_usage, added_demand, usage_demand, total, makers)


@kernel
def _firm_terms(values, codes, flags, n, e_maker, usage, usage_service_ratio):
    return _firm_terms_rows(values, codes, flags, n, e_maker, usage, usage_service_ratio)


@rule
def _firm_terms_rows(values, codes, flags, n, e_maker, usage, usage_service_ratio):
    alive, kind, rung = flags[IS_ALIVE], codes[KIND], codes[RUNG]
    demand, potential = values[GOODS_DEMAND], values[SERVICE_POTENTIAL]
    e_added, e_usage, added_demand, usage_demand, added_left = (
        np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n))
    competes = np.empty(n, np.bool_)
    for i in rows(n):
        e_added[i], e_usage[i] = makers_offer(rung[i], e_maker[0][i], e_maker[1][i])
        added_demand[i], _, usage_demand[i] = segment_demands(
            where(alive[i], demand[i], 0.0), potential[i], usage_reach_of(kind[i]), usage,
            usage_service_ratio)
        # The added-services demand as split_sales leaves it: all demand less pay-per-use.
        added_left[i] = (added_demand[i] + usage_demand[i]) - usage_demand[i]
        competes[i] = e_usage[i] != 0.0
    # Packed by the compiled nonzero (AVX-512's compress), not numba's two scalar passes.
    return (e_added, e_usage, added_demand, usage_demand, psum(added_left, n),
            nonzero(competes, n))


def firm_terms(firms: FirmState, params: dict, usage: float,
               exponentials: np.ndarray | None = None) -> FirmTerms:
    """:class:`FirmTerms` of the firms as they are, with ``usage`` the usage-based share.

    ``exponentials``: the firms' ``market.firms_exponentials`` as they are, if known.
    """
    if exponentials is None:
        exponentials = firms_exponentials(firms, params)
    e_added, e_usage, added_demand, usage_demand, total, usage_makers = _firm_terms(
        firms.values, firms.codes, firms.flags, firms.n, exponentials, usage,
        params["usage_service_ratio"])
    return FirmTerms(e_added, e_usage, added_demand, usage_demand, float(total), usage_makers)


@rule
def nest_exponentials(platform_u, penalty, usage, dissimilarity, usage_edge, usage_2040):
    """``exp`` of the platform nest's value in added services and in pay-per-use."""
    nest = nest_value(platform_u, dissimilarity)
    return exp(nest), exp(nest + usage_edge_at(usage_edge, usage_2040, usage) * penalty)


@rule
def _sales(terms, e_nest_added, e_nest_usage, e_in_house, service, added, platform_added,
           platform_usage):
    """Each firm's sales and the platforms' on its installed base, into the four arrays.

    As ``market.sales_of``: the firm's services, its added services, the platforms' added
    services and their pay-per-use. Where the maker does not compete in pay-per-use (its
    ``e_usage`` is 0: most firms), the segment's shares are the same for all: computed once.
    """
    e_maker_added, e_maker_usage = terms.e_added, terms.e_usage
    added_demand, usage_demand = terms.added_demand, terms.usage_demand
    c_use_none, p_use_none, _ = segment_shares(0.0, e_nest_usage, 1.0)
    for i in rows(len(added_demand)):
        c_add, p_add, _ = segment_shares(e_maker_added[i], e_nest_added, e_in_house)
        added[i] = added_demand[i] * c_add
        service[i] = added[i] + usage_demand[i] * c_use_none
        platform_added[i] = added_demand[i] * p_add
        platform_usage[i] = usage_demand[i] * p_use_none
    makers = terms.usage_makers
    for k in rows(len(makers)):
        i = makers[k]
        c_use, p_use, _ = segment_shares(e_maker_usage[i], e_nest_usage, 1.0)
        service[i] = added[i] + usage_demand[i] * c_use
        platform_usage[i] = usage_demand[i] * p_use


@rule
def platform_sales(terms, e_nest_added, e_nest_usage, e_in_house, platform_added,
                   platform_usage):
    """What the platforms sell on the firms' installed bases: (added services, pay-per-use).

    The platforms' columns of :func:`_sales`, summed as :func:`totals_of` sums them, without
    the firms' own sales (a candidate platform weighs only the nest's): one division a row
    instead of two. The two arrays are scratch rows.
    """
    e_maker_added, e_maker_usage = terms.e_added, terms.e_usage
    added_demand, usage_demand = terms.added_demand, terms.usage_demand
    _, p_use_none, _ = segment_shares(0.0, e_nest_usage, 1.0)
    n = len(added_demand)
    for i in rows(n):
        _, p_add, _ = segment_shares(e_maker_added[i], e_nest_added, e_in_house)
        platform_added[i] = added_demand[i] * p_add
        platform_usage[i] = usage_demand[i] * p_use_none
    makers = terms.usage_makers
    for k in rows(len(makers)):
        i = makers[k]
        _, p_use, _ = segment_shares(e_maker_usage[i], e_nest_usage, 1.0)
        platform_usage[i] = usage_demand[i] * p_use
    return psum(platform_added, n), psum(platform_usage, n)


@rule
def totals_of(terms, e_nest_added, e_nest_usage, e_in_house, service, added, platform_added,
            platform_usage):
    """:func:`totals_under` given the nest's exponentials (the four arrays: scratch rows)."""
    _sales(terms, e_nest_added, e_nest_usage, e_in_house, service, added, platform_added,
           platform_usage)
    n = len(service)
    return (psum(service, n), psum(added, n), psum(platform_added, n), psum(platform_usage, n),
            terms.added_total)


@kernel
def _totals_kernel(terms, platform_u, penalty, in_house, usage, market_terms):
    e_nest_added, e_nest_usage = nest_exponentials(platform_u, penalty, usage, *market_terms)
    n = len(terms.added_demand)
    return totals_of(terms, e_nest_added, e_nest_usage, exp(in_house), np.empty(n),
                     np.empty(n), np.empty(n), np.empty(n))


def nest_params(params: dict) -> tuple[float, float, float]:
    """The parameters :func:`nest_exponentials` needs after the usage share, in order."""
    return (params["platform_nest_dissimilarity"], params["platform_usage_edge"],
            params["usage_share_2040"])


def totals_under(firms: FirmState, params: dict, platform_u: np.ndarray, penalty: float,
                 in_house: float, usage: float, terms: FirmTerms | None = None
                 ) -> tuple[float, ...]:
    """Totals of every firm's sales under the view these platforms make (rows ``:n``).

    Dead firms sell nothing. ``terms``: the firms' :func:`firm_terms` at this usage share, if
    known.

    Returns:
        (firms' service sales, their added-services sales, platforms' added services,
        platforms' pay-per-use, added-services demand), EUR/quarter.

    """
    terms = firm_terms(firms, params, usage) if terms is None else terms
    totals = _totals_kernel(terms, platform_u, penalty, in_house, usage, nest_params(params))
    return tuple(float(x) for x in totals)


@rule
def capture_base(totals: tuple[float, ...]) -> float:
    """The service revenue firms and platforms share (the base of capture), EUR/quarter."""
    return totals[0] + totals[2] + totals[3]


@rule
def capture(totals: tuple[float, ...]) -> float:
    """Industrial firms' share of the service revenue on their installed bases."""
    total = capture_base(totals)
    return totals[0] / total if total > 0 else 1.0


@rule
def outsourced_share(totals: tuple[float, ...]) -> float:
    """Share of the added-services spend bought from makers or platforms."""
    return (totals[1] + totals[2]) / totals[4] if totals[4] > 0 else 0.0


@rule
def _outsourced_gap(in_house, terms, e_nest_added, target, added, platform_added):
    """Outsourced share less its target at an in-house utility (added services only)."""
    e_in_house = exp(in_house)
    e_maker, demand = terms.e_added, terms.added_demand
    n = len(demand)
    for i in rows(n):
        maker, nest, _ = segment_shares(e_maker[i], e_nest_added, e_in_house)
        added[i] = demand[i] * maker
        platform_added[i] = demand[i] * nest
    return outsourced_share((0.0, psum(added, n), psum(platform_added, n), 0.0,
                             terms.added_total)) - target


@rule
def _capture_gap(penalty, terms, platforms, utility, usage, market_terms, e_in_house, target,
                 scratch):
    """Firms' capture less its target at a know-how penalty of the platforms."""
    values, flags, m = platforms
    platform_u = _platform_utilities(values, flags, m, utility[0], utility[1], utility[2],
                                     penalty)
    e_nest_added, e_nest_usage = nest_exponentials(platform_u, penalty, usage, *market_terms)
    service, platform_added, platform_usage = scratch[0], scratch[2], scratch[3]
    _sales(terms, e_nest_added, e_nest_usage, e_in_house, service, scratch[1], platform_added,
           platform_usage)
    n = len(service)  # capture does not use the firms' added services (nor the demand)
    return capture((psum(service, n), 0.0, psum(platform_added, n), psum(platform_usage, n),
                    0.0)) - target


@kernel
def _settle(terms, platforms, utility, usage, market_terms, targets):
    """:func:`settle_2020`'s rounds: (penalty, in-house, outcome, last point, last search)."""
    values, flags, m = platforms
    n = len(terms.added_demand)
    scratch = np.empty((4, n))
    capture_target, outsourced_target = targets
    penalty, in_house = 0.0, 0.0
    for _ in range(ROUNDS):
        before_penalty, before_in_house = penalty, in_house
        platform_u = _platform_utilities(values, flags, m, utility[0], utility[1], utility[2],
                                         penalty)
        e_nest_added = nest_exponentials(platform_u, penalty, usage, *market_terms)[0]
        in_house, outcome = brentq(_outsourced_gap, IN_HOUSE_BRACKET[0], IN_HOUSE_BRACKET[1],
                                   XTOL, RTOL, MAXITER, (terms, e_nest_added, outsourced_target,
                                                         scratch[0], scratch[1]))
        if outcome != CONVERGED:
            return penalty, in_house, outcome, in_house, IN_HOUSE_SEARCH
        penalty, outcome = brentq(_capture_gap, PENALTY_BRACKET[0], PENALTY_BRACKET[1], XTOL,
                                  RTOL, MAXITER, (terms, platforms, utility, usage, market_terms,
                                                  exp(in_house), capture_target, scratch))
        if outcome != CONVERGED:
            return penalty, in_house, outcome, penalty, PENALTY_SEARCH
        if abs(penalty - before_penalty) < 1e-8 and abs(in_house - before_in_house) < 1e-8:
            break
    return penalty, in_house, CONVERGED, penalty, PENALTY_SEARCH


def settle_2020(firms: FirmState, platforms: PlatformState, params: dict, usage: float,
                terms: FirmTerms | None = None) -> tuple[float, float]:
    """The platforms' know-how penalty and the in-house utility of 2020.

    They are set so that the firms hold ``service_capture_2020`` of the service market and
    ``outsourced_services_share`` of the added-services spend is bought from providers:
    every run starts from the region's 2020 market. Capture rises with the penalty and the
    outsourced share falls with the in-house utility: alternate one-dimensional root
    searches (Brent, as ``scipy.optimize.brentq`` with ``xtol`` :data:`XTOL`) find both.
    ``terms``: the firms' :func:`firm_terms` at this usage share, if known.

    Returns:
        (penalty, in-house utility).

    Raises:
        SettlementError: a search's bracket holds no root: no 2020 market with these
            parameters meets the target.
        ValueError: the market's totals are NaN.
        RuntimeError: a search did not converge.

    """
    terms = firm_terms(firms, params, usage) if terms is None else terms
    penalty, in_house, outcome, last, search = _settle(
        terms, (platforms.values, platforms.flags, platforms.n), platform_utility_params(params),
        usage, nest_params(params),
        (float(params["service_capture_2020"]), float(params["outsourced_services_share"])))
    if outcome == SIGN_ERROR:
        raise _unsettled(int(search), firms, platforms, params, usage, terms, float(penalty),
                         float(in_house))
    raise_for(int(outcome), float(last))
    return float(penalty), float(in_house)


def _unsettled(search: int, firms: FirmState, platforms: PlatformState, params: dict,
               usage: float, terms: FirmTerms, penalty: float, in_house: float
               ) -> SettlementError:
    """The error of a search whose bracket holds no root, with the range it did span.

    The range is the target's measure at the bracket's ends, the other unknown held where
    the search held it: what a user needs to see how far the target is out of reach.
    """
    if search == IN_HOUSE_SEARCH:
        target, bracket = "outsourced_services_share", IN_HOUSE_BRACKET
        u = platform_utilities(platforms, params, penalty)
        reached = [outsourced_share(totals_under(firms, params, u, penalty, x, usage, terms))
                   for x in bracket]
        what = (f"the share of added services bought from providers stays between "
                f"{min(reached):.3g} and {max(reached):.3g} at every in-house utility from "
                f"{bracket[0]:g} to {bracket[1]:g} (platforms' know-how penalty {penalty:.3g})")
    else:
        target, bracket = "service_capture_2020", PENALTY_BRACKET
        reached = [capture(totals_under(firms, params, platform_utilities(platforms, params, x),
                                        x, in_house, usage, terms)) for x in bracket]
        what = (f"the firms' share of the service revenue stays between {min(reached):.3g} "
                f"and {max(reached):.3g} at every platforms' know-how penalty from "
                f"{bracket[0]:g} to {bracket[1]:g} (in-house utility {in_house:.3g})")
    others = ", ".join(f"{name}={params[name]:g}" for name in TARGET_DEPENDS_ON[target])
    return SettlementError(target, TARGET_DEPENDS_ON[target], (
        f"{target}={params[target]:g}: the 2020 service market cannot be settled with these "
        f"parameters: {what}; it depends on {others}; change one of them"))
