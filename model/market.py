"""Step 7: the contested service market on each firm's installed base (a nested logit).

Customers buy added services and pay-per-use contracts from the maker of their machines, from
a platform, or from no one; platforms form one nest (``platform_nest_dissimilarity``), so
look-alike platforms share their nest rather than each adding its own draw. A platform's
utility grows with its share of the market (its data: ``platform_network_effect``). Platforms'
know-how penalty is set once, at the start of a run, so that the firms hold
``service_capture_2020`` of the market: every run starts from the region's 2020 state and the
parameters act on what follows. In pay-per-use contracts platforms shed part of that penalty
as use spreads (``platform_usage_edge``). Platforms' utilities do not depend on the firm, so
clearing costs O(firms + platforms): one compiled pass over the firms (``agents.jit``) for the
makers' utilities, numpy's exp over all of them, and one pass for the sales and margins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.economics import (
    ServiceMarket,
    goods_margin_rate,
    maker_utility_terms,
    nest_value,
    service_margin_at,
    split_sales,
    within_nest_shares,
)
from agents.exact import exp, exp_into, log, psum, psum_where
from agents.jit import divide_where, kernel, maximum, minimum, rows, rule, where
from agents.kinds import SUPPLIER
from model.jobs import idle_wages
from model.ladder import organisation_costs
from model.macro import USAGE_SHARE_2020
from model.state import (
    CLIMB_COST,
    DIGITAL,
    EMPLOYEES,
    GOODS_DEMAND,
    GOODS_REVENUE,
    IS_ALIVE,
    IS_SERVITIZED,
    IS_SERVITIZING,
    JOBS_PER_GOODS,
    KIND,
    MARGIN,
    OFFSHORED,
    P_ALIVE,
    P_CAPABILITY,
    P_CUSTOMERS,
    P_MARKET_SHARE,
    P_REACH,
    P_REVENUE,
    PLATFORM_SHARE,
    PRODUCTION_JOBS,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    RUNG,
    SERVICE,
    SERVICE_DEMAND,
    SERVICE_POTENTIAL,
    SERVICE_PROFIT,
    SERVICE_REVENUE,
    TRUST,
    FirmState,
    PlatformState,
)

#: Share of the usage trend that reaches an upstream supplier's customers (intermediate goods).
SUPPLIER_USAGE_REACH = 0.6


@dataclass
class MarketOutcome:
    """Aggregates of one quarter's service market (EUR/quarter).

    ``exponentials``: the firms' :func:`maker_exponentials` the market cleared with (they hold
    until a firm's service, digital capability, trust or rung changes).
    """

    incumbent_revenue: float = 0.0
    platform_revenue: float = 0.0
    total_demand: float = 0.0
    exponentials: np.ndarray | None = None


@rule
def platform_utility_terms(capability_weight: float, network_effect: float,
                           price_term: float, capability, market_share, reach, penalty: float):
    """:func:`platform_utility` with its parameters (``price_term``: price weight x price)."""
    return (capability_weight * capability + network_effect * market_share + price_term
            - penalty + log(reach))


def _price_term(params: dict) -> float:
    return params["price_weight"] * (1.0 - params["platform_cost_advantage"])


def platform_utility_params(params: dict) -> tuple[float, float, float]:
    """The run's parameters of :func:`platform_utility_terms`, in its order."""
    return params["capability_weight"], params["platform_network_effect"], _price_term(params)


def platform_utility(params: dict, capability, market_share, reach, penalty: float):
    """A platform's utility in the added-services segment.

    Capability, its data (network effect on its market share), price, the know-how penalty,
    and ``ln(reach)``: a platform known to a share of customers is chosen as if it were
    available to that share only (implicit availability).
    """
    return platform_utility_terms(*platform_utility_params(params), capability, market_share,
                                  reach, penalty)


@rule
def _platform_utilities(values, flags, m, capability_weight, network_effect, price_term,
                        penalty):
    out = np.empty(m)
    for j in rows(m):
        alive = flags[P_ALIVE, j]
        u = platform_utility_terms(capability_weight, network_effect, price_term,
                                   values[P_CAPABILITY, j], values[P_MARKET_SHARE, j],
                                   where(alive, values[P_REACH, j], 1.0), penalty)
        out[j] = where(alive, u, -np.inf)
    return out


@kernel
def _platform_view(values, flags, m, capability_weight, network_effect, price_term, penalty,
                   dissimilarity):
    u = _platform_utilities(values, flags, m, capability_weight, network_effect, price_term,
                            penalty)
    return u, nest_value(u, dissimilarity)


def platform_view(platforms: PlatformState, params: dict, penalty: float
                  ) -> tuple[np.ndarray, float]:
    """Each platform slot's utility (``-inf`` if not alive) and the platform nest's value."""
    u, nest = _platform_view(platforms.values, platforms.flags, platforms.n,
                             *platform_utility_params(params), penalty,
                             params["platform_nest_dissimilarity"])
    return u, float(nest)


def platform_utilities(platforms: PlatformState, params: dict, penalty: float) -> np.ndarray:
    """Utility of each platform slot in the added-services segment (``-inf`` if not alive)."""
    return platform_view(platforms, params, penalty)[0]


@rule
def usage_edge_at(edge: float, usage_2040: float, usage):
    """:func:`usage_edge` with ``platform_usage_edge`` and ``usage_share_2040``."""
    progress = (usage - USAGE_SHARE_2020) / max(usage_2040 - USAGE_SHARE_2020, 1e-9)
    return edge * minimum(maximum(progress, 0.0), 1.0)


def usage_edge(params: dict, usage) -> np.ndarray:
    """Share of their know-how penalty platforms have shed in pay-per-use contracts.

    None in 2020 (the 2020 split is the region's); ``platform_usage_edge`` once pay-per-use
    has spread to its 2040 share, in proportion in between: as use is sold more widely, the
    newcomers closer to users learn what they lacked.
    """
    return usage_edge_at(params["platform_usage_edge"], params["usage_share_2040"],
                         np.asarray(usage, dtype=float))


def market_view(platform_u: np.ndarray, params: dict, usage, penalty: float,
                in_house: float, nest: float | None = None) -> ServiceMarket:
    """What customers see this quarter, given the platforms' utilities and the usage share.

    ``nest``: the platform nest's value if known (:func:`platform_view`).
    """
    if nest is None:
        nest = nest_value(platform_u, params["platform_nest_dissimilarity"])
    return ServiceMarket(
        usage=usage,
        in_house=in_house,
        nest_added=nest,
        nest_usage=nest + usage_edge(params, usage) * penalty,
        capability_weight=params["capability_weight"],
        installed_base_bonus=params["installed_base_bonus"],
        trust_weight=params["trust_weight"],
        performance_bonus=params["performance_bonus"],
        usage_service_ratio=params["usage_service_ratio"],
        goods_squeeze=params["platform_goods_squeeze"],
        service_margin=params["service_margin"],
        threshold=params["servitization_threshold"],
    )


@rule
def usage_reach_of(kind):
    """How much of the usage trend reaches a firm's customers, by its kind."""
    return where(kind == SUPPLIER, SUPPLIER_USAGE_REACH, 1.0)


def usage_reach(firms: FirmState, rows: np.ndarray | slice | None = None) -> np.ndarray:
    """How much of the usage trend reaches each firm's customers."""
    rows = slice(0, firms.n) if rows is None else rows
    return usage_reach_of(firms.kind[rows])


@rule
def _maker_exponentials_rows(values, codes, n, capability_weight, installed_base_bonus,
                             trust_weight, performance_bonus):
    service, digital, trust, rung = values[SERVICE], values[DIGITAL], values[TRUST], codes[RUNG]
    added, usage = np.empty(n), np.empty(n)
    for i in rows(n):
        added[i], usage[i] = maker_utility_terms(service[i], digital[i], trust[i], rung[i],
                                                 capability_weight, installed_base_bonus,
                                                 trust_weight, performance_bonus)
    exponentials = np.empty((2, n))
    exp_into(added, exponentials[0], n)
    exp_into(usage, exponentials[1], n)
    return exponentials


@kernel
def maker_exponentials(values, codes, n, capability_weight, installed_base_bonus,
                       trust_weight, performance_bonus):
    """``exp`` of every firm's maker utilities (added services, pay-per-use), rows ``:n``."""
    return _maker_exponentials_rows(values, codes, n, capability_weight, installed_base_bonus,
                                    trust_weight, performance_bonus)


@rule
def sales_of(alive, goods_demand, potential, kind, rung, e_added, e_usage, usage,
             e_nest_added, e_nest_usage, e_in_house, usage_service_ratio: float,
             goods_squeeze: float):
    """A firm's sales under the market view (``agents.economics.split_sales``).

    A dead firm sells nothing.
    """
    return split_sales(where(alive, goods_demand, 0.0), potential, usage_reach_of(kind), rung,
                       e_added, e_usage, usage, e_nest_added, e_nest_usage, e_in_house,
                       usage_service_ratio, goods_squeeze)


def maker_params(params: dict) -> tuple[float, float, float, float]:
    """The parameters of :func:`maker_exponentials` after the rows, in its order."""
    return (params["capability_weight"], params["installed_base_bonus"], params["trust_weight"],
            params["performance_bonus"])


def firms_exponentials(firms: FirmState, params: dict) -> np.ndarray:
    """:func:`maker_exponentials` of the firms under the run's parameters."""
    return maker_exponentials(firms.values, firms.codes, firms.n, *maker_params(params))


@rule
def _clear_rows(values, codes, flags, n, e_maker, usage, e_nest_added, e_nest_usage, e_in_house,
           usage_service_ratio, goods_squeeze, service_margin, threshold, product_margin,
           competitor_gain, competitor_gain_2020, overhead_share, hoarding, support_share,
           trend_productivity, short_time_cover, platform_values, platform_u, dissimilarity):
    alive, servitizing, kind, rung = (flags[IS_ALIVE], flags[IS_SERVITIZING], codes[KIND],
                                      codes[RUNG])
    demand_in, potential = values[GOODS_DEMAND], values[SERVICE_POTENTIAL]
    gain, gain_2020 = values[PRODUCTIVITY_GAIN], values[PRODUCTIVITY_GAIN_2020]
    climb_cost, employees = values[CLIMB_COST], values[EMPLOYEES]
    per_goods, offshored = values[JOBS_PER_GOODS], values[OFFSHORED]
    production_jobs = values[PRODUCTION_JOBS]
    e_added, e_usage = e_maker[0], e_maker[1]
    goods, service, share = values[GOODS_REVENUE], values[SERVICE_REVENUE], values[PLATFORM_SHARE]
    demand, profit, margin = values[SERVICE_DEMAND], values[SERVICE_PROFIT], values[MARGIN]
    servitized = flags[IS_SERVITIZED]
    # The loop writes the state's rows directly (it reads none of them): staging them in
    # fresh arrays and copying them after cost a second pass over memory, twice the time.
    platform_added, platform_usage = np.empty(n), np.empty(n)
    for i in rows(n):
        live = alive[i]
        sales = sales_of(live, demand_in[i], potential[i], kind[i], rung[i], e_added[i],
                         e_usage[i], usage, e_nest_added, e_nest_usage, e_in_house,
                         usage_service_ratio, goods_squeeze)
        sold, served = sales[0], sales[1] + sales[2]
        goods[i], service[i] = sold, served
        demand[i], platform_added[i], platform_usage[i], share[i] = (sales[3], sales[5],
                                                                    sales[6], sales[7])
        rate = service_margin_at(served, sold, service_margin, threshold)
        profit[i] = sales[2] * rate
        goods_margin = goods_margin_rate(product_margin, gain[i], gain_2020[i], competitor_gain,
                                         competitor_gain_2020)
        costs = organisation_costs(live, servitizing[i], rung[i], climb_cost[i], employees[i],
                                   overhead_share)
        earned = where(live, sold * goods_margin + served * rate - costs, 0.0)
        # Idle production staff still cost wages (not in the 2020 state the run starts from).
        margin[i] = earned - where(hoarding, idle_wages(
            live, sold, per_goods[i], gain_2020[i], gain[i], offshored[i], production_jobs[i],
            support_share, trend_productivity, short_time_cover), 0.0)
        revenue = sold + served
        servitized[i] = live & (divide_where(served, revenue, revenue > 0) >= threshold)
    industrial = psum(service, n)
    platform_total = psum(platform_added, n) + psum(platform_usage, n)
    # Platforms split their nest's sales by their within-nest shares (the usage bonus is
    # common to all platforms, so both segments split alike).
    within = within_nest_shares(platform_u, dissimilarity)
    market = industrial + platform_total
    customers = psum_where(share, alive, n)
    for j in rows(len(platform_u)):
        platform_values[P_REVENUE, j] = within[j] * platform_total
        platform_values[P_CUSTOMERS, j] = within[j] * customers
        platform_values[P_MARKET_SHARE, j] = (platform_values[P_REVENUE, j] / market
                                              if market > 0 else 0.0)
    return industrial, platform_total, psum(demand, n)


#: Where :func:`_clear` finds the market view's fields in ``tuple(view)`` (a plain tuple
#: dispatches faster than the named one), read from ``ServiceMarket`` itself.
(VIEW_USAGE, VIEW_IN_HOUSE, VIEW_NEST_ADDED, VIEW_NEST_USAGE, VIEW_USAGE_SERVICE_RATIO,
 VIEW_GOODS_SQUEEZE, VIEW_SERVICE_MARGIN, VIEW_THRESHOLD) = (
    ServiceMarket._fields.index(name) for name in (
        "usage", "in_house", "nest_added", "nest_usage", "usage_service_ratio",
        "goods_squeeze", "service_margin", "threshold"))


@kernel
def _clear(values, codes, flags, n, platform_values, platform_u, view, maker, terms):
    """:func:`maker_exponentials` and the clearing in one call (one dispatch a quarter).

    ``view``: the market view's fields, as a plain tuple; ``maker``: :func:`maker_params`;
    ``terms``: :func:`clear`'s other numbers. Tuples rather than twenty-odd arguments: numba
    types a tuple's numbers faster than as many arguments.
    """
    usage, in_house, nest_added, nest_usage = (view[VIEW_USAGE], view[VIEW_IN_HOUSE],
                                               view[VIEW_NEST_ADDED], view[VIEW_NEST_USAGE])
    usage_service_ratio, goods_squeeze, service_margin, threshold = (
        view[VIEW_USAGE_SERVICE_RATIO], view[VIEW_GOODS_SQUEEZE], view[VIEW_SERVICE_MARGIN],
        view[VIEW_THRESHOLD])
    capability_weight, installed_base_bonus, trust_weight, performance_bonus = maker
    (product_margin, competitor_gain, competitor_gain_2020, overhead_share, hoarding,
     support_share, trend_productivity, short_time_cover, dissimilarity) = terms
    e_maker = _maker_exponentials_rows(values, codes, n, capability_weight,
                                       installed_base_bonus, trust_weight, performance_bonus)
    industrial, platform_total, demand = _clear_rows(
        values, codes, flags, n, e_maker, usage, exp(nest_added), exp(nest_usage),
        exp(in_house), usage_service_ratio, goods_squeeze, service_margin, threshold,
        product_margin, competitor_gain, competitor_gain_2020, overhead_share, hoarding,
        support_share, trend_productivity, short_time_cover, platform_values, platform_u,
        dissimilarity)
    return industrial, platform_total, demand, e_maker


def clear(firms: FirmState, platforms: PlatformState, params: dict, view: ServiceMarket,
          platform_u: np.ndarray, competitor_gain: float, competitor_gain_2020: float,
          trend_productivity: float | None = None, short_time_cover: float = 0.0
          ) -> MarketOutcome:
    """Share out each firm's service market, then set revenues, margins and who is servitized.

    Args:
        firms: firm state, updated in place (revenues, service demand, margins, servitized).
        platforms: platform state, updated in place (revenue, customers, market share).
        params: resolved parameters.
        view: this quarter's market view (from :func:`market_view`).
        platform_u: the platforms' utilities behind ``view``.
        competitor_gain: outside competitors' productivity gain now (goods margins).
        competitor_gain_2020: the same in 2020.
        trend_productivity: trend labour productivity, to charge idle staff's wages
            (``jobs.hoarding_cost``); ``None``: none charged (the 2020 state).
        short_time_cover: share of idle wages refunded this year.

    Returns:
        The quarter's market aggregates.

    """
    industrial, platform_total, demand, e_maker = _clear(
        firms.values, firms.codes, firms.flags, firms.n, platforms.values, platform_u,
        tuple(view), maker_params(params),
        (params["product_margin"], competitor_gain, competitor_gain_2020,
         params["service_overhead_share"], trend_productivity is not None,
         params["support_function_share"], trend_productivity or 1.0, short_time_cover,
         params["platform_nest_dissimilarity"]))
    return MarketOutcome(float(industrial), float(platform_total), float(demand), e_maker)
