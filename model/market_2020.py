"""The service market of 2020: the platforms' know-how penalty and the in-house utility.

Every run starts from the region's 2020 market (:mod:`model.market`): these two numbers are
set, once per run, so that the firms hold ``service_capture_2020`` of it and customers buy
``outsourced_services_share`` of their added services from providers. Each evaluation of the
market's totals during the search is one compiled pass over the firms.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from agents.economics import nest_value
from agents.exact import exp, psum
from agents.jit import kernel, rows, rule
from model.market import (
    _platform_utilities,
    _price_term,
    firms_exponentials,
    sales_of,
    usage_edge_at,
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


@rule
def _totals(values, codes, flags, n, e_maker, platform_u, penalty, in_house, usage,
            dissimilarity, usage_edge_share, usage_2040, usage_service_ratio, goods_squeeze):
    """Totals of every firm's sales given the platforms' utilities (see :func:`totals_under`)."""
    nest = nest_value(platform_u, dissimilarity)
    nest_usage = nest + usage_edge_at(usage_edge_share, usage_2040, usage) * penalty
    e_nest_added, e_nest_usage, e_in_house = exp(nest), exp(nest_usage), exp(in_house)
    alive, kind, rung = flags[IS_ALIVE], codes[KIND], codes[RUNG]
    demand, potential = values[GOODS_DEMAND], values[SERVICE_POTENTIAL]
    e_added, e_usage = e_maker[0], e_maker[1]
    service, added, platform_added, platform_usage, added_demand = (
        np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n))
    for i in rows(n):
        sales = sales_of(alive[i], demand[i], potential[i], kind[i], rung[i], e_added[i],
                         e_usage[i], usage, e_nest_added, e_nest_usage, e_in_house,
                         usage_service_ratio, goods_squeeze)
        service[i] = sales[1] + sales[2]
        added[i] = sales[1]
        platform_added[i], platform_usage[i] = sales[5], sales[6]
        added_demand[i] = sales[3] - sales[4]
    return (psum(service, n), psum(added, n), psum(platform_added, n),
            psum(platform_usage, n), psum(added_demand, n))


@kernel
def _totals_kernel(values, codes, flags, n, e_maker, platform_u, penalty, in_house, usage,
                   terms):
    return _totals(values, codes, flags, n, e_maker, platform_u, penalty, in_house, usage,
                   *terms)


@kernel
def _settle_totals(values, codes, flags, n, e_maker, platform_values, platform_flags, m,
                   penalty, in_house, usage, utility_terms, terms):
    platform_u = _platform_utilities(platform_values, platform_flags, m, utility_terms[0],
                                     utility_terms[1], utility_terms[2], penalty)
    return _totals(values, codes, flags, n, e_maker, platform_u, penalty, in_house, usage,
                   *terms)


def _terms(params: dict) -> tuple[float, ...]:
    """The parameters :func:`_totals` needs after the platforms' utilities, in order."""
    return (params["platform_nest_dissimilarity"], params["platform_usage_edge"],
            params["usage_share_2040"], params["usage_service_ratio"],
            params["platform_goods_squeeze"])


def totals_under(firms: FirmState, params: dict, platform_u: np.ndarray, penalty: float,
                 in_house: float, usage: float) -> tuple[float, ...]:
    """Totals of every firm's sales under the view these platforms make (rows ``:n``).

    Dead firms sell nothing.

    Returns:
        (firms' service sales, their added-services sales, platforms' added services,
        platforms' pay-per-use, added-services demand), EUR/quarter.

    """
    totals = _totals_kernel(firms.values, firms.codes, firms.flags, firms.n,
                            firms_exponentials(firms, params), platform_u, penalty, in_house,
                            usage, _terms(params))
    return tuple(float(x) for x in totals)


def capture_base(totals: tuple[float, ...]) -> float:
    """The service revenue firms and platforms share (the base of capture), EUR/quarter."""
    return totals[0] + totals[2] + totals[3]


def capture(totals: tuple[float, ...]) -> float:
    """Industrial firms' share of the service revenue on their installed bases."""
    total = capture_base(totals)
    return totals[0] / total if total > 0 else 1.0


def outsourced_share(totals: tuple[float, ...]) -> float:
    """Share of the added-services spend bought from makers or platforms."""
    return (totals[1] + totals[2]) / totals[4] if totals[4] > 0 else 0.0


def settle_2020(firms: FirmState, platforms: PlatformState, params: dict,
                usage: float) -> tuple[float, float]:
    """The platforms' know-how penalty and the in-house utility of 2020.

    They are set so that the firms hold ``service_capture_2020`` of the service market and
    ``outsourced_services_share`` of the added-services spend is bought from providers:
    every run starts from the region's 2020 market. Capture rises with the penalty and the
    outsourced share falls with the in-house utility: alternate one-dimensional root
    searches (Brent) find both.

    Returns:
        (penalty, in-house utility).

    """
    penalty, in_house = 0.0, 0.0
    e_maker = firms_exponentials(firms, params)  # the firms do not change while this settles
    utility = (params["capability_weight"], params["platform_network_effect"],
               _price_term(params))
    terms = _terms(params)

    def totals(a: float, o: float) -> tuple[float, ...]:
        return _settle_totals(firms.values, firms.codes, firms.flags, firms.n, e_maker,
                              platforms.values, platforms.flags, platforms.n, a, o, usage,
                              utility, terms)

    for _ in range(50):
        before = (penalty, in_house)
        in_house = brentq(lambda o: outsourced_share(totals(penalty, o))  # noqa: B023
                          - params["outsourced_services_share"], *IN_HOUSE_BRACKET, xtol=1e-10)
        penalty = brentq(lambda a: capture(totals(a, in_house))  # noqa: B023
                         - params["service_capture_2020"],
                         *PENALTY_BRACKET, xtol=1e-10)
        if abs(penalty - before[0]) < 1e-8 and abs(in_house - before[1]) < 1e-8:
            break
    return penalty, in_house
