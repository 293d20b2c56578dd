"""Step 7: the contested service market on each firm's installed base (a nested logit).

Customers buy added services and pay-per-use contracts from the maker of their machines, from
a platform, or from no one; platforms form one nest (``platform_nest_dissimilarity``), so
look-alike platforms share their nest rather than each adding its own draw. A platform's
utility grows with its share of the market (its data: ``platform_network_effect``). Platforms'
know-how penalty is set once, at the start of a run, so that the firms hold
``service_capture_2020`` of the market: every run starts from the region's 2020 state and the
parameters act on what follows. In pay-per-use contracts platforms shed part of that penalty
as use spreads (``platform_usage_edge``). Platforms' utilities do not depend on the firm, so
clearing
costs O(firms + platforms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from agents.economics import (
    Accounts,
    ServiceMarket,
    accounts,
    nest_value,
    service_margin_rate,
    within_nest_shares,
)
from agents.kinds import SUPPLIER
from model.macro import USAGE_SHARE_2020
from model.state import FirmState, PlatformState

#: Share of the usage trend that reaches an upstream supplier's customers (intermediate goods).
SUPPLIER_USAGE_REACH = 0.6
#: Search brackets of the platforms' know-how penalty and of the in-house utility.
PENALTY_BRACKET = (-20.0, 40.0)
IN_HOUSE_BRACKET = (-20.0, 20.0)


@dataclass
class MarketOutcome:
    """Aggregates of one quarter's service market (EUR/quarter)."""

    incumbent_revenue: float = 0.0
    platform_revenue: float = 0.0
    total_demand: float = 0.0


def platform_utility(params: dict, capability, market_share, reach, penalty: float):
    """A platform's utility in the added-services segment.

    Capability, its data (network effect on its market share), price, the know-how penalty,
    and ``ln(reach)``: a platform known to a share of customers is chosen as if it were
    available to that share only (implicit availability).
    """
    return (params["capability_weight"] * capability
            + params["platform_network_effect"] * market_share
            + params["price_weight"] * (1.0 - params["platform_cost_advantage"]) - penalty
            + np.log(reach))


def platform_utilities(platforms: PlatformState, params: dict, penalty: float) -> np.ndarray:
    """Utility of each platform slot in the added-services segment (``-inf`` if not alive)."""
    n = platforms.n
    alive = platforms.alive[:n]
    u = platform_utility(params, platforms.capability[:n], platforms.market_share[:n],
                         np.where(alive, platforms.reach[:n], 1.0), penalty)
    return np.where(alive, u, -np.inf)


def usage_edge(params: dict, usage) -> np.ndarray:
    """Share of their know-how penalty platforms have shed in pay-per-use contracts.

    None in 2020 (the 2020 split is the region's); ``platform_usage_edge`` once pay-per-use
    has spread to its 2040 share, in proportion in between: as use is sold more widely, the
    newcomers closer to users learn what they lacked.
    """
    start, end = USAGE_SHARE_2020, params["usage_share_2040"]
    progress = np.clip((np.asarray(usage, dtype=float) - start) / max(end - start, 1e-9),
                       0.0, 1.0)
    return params["platform_usage_edge"] * progress


def market_view(platform_u: np.ndarray, params: dict, usage, penalty: float,
                in_house: float) -> ServiceMarket:
    """What customers see this quarter, given the platforms' utilities and the usage share."""
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


def usage_reach(firms: FirmState, rows: np.ndarray | slice | None = None) -> np.ndarray:
    """How much of the usage trend reaches each firm's customers."""
    rows = slice(0, firms.n) if rows is None else rows
    return np.where(firms.kind[rows] == SUPPLIER, SUPPLIER_USAGE_REACH, 1.0)


def firm_sales(firms: FirmState, view: ServiceMarket) -> Accounts:
    """Every firm's sales under a market view (rows ``:n``; dead firms sell nothing)."""
    n = firms.n
    return accounts(np.where(firms.alive[:n], firms.goods_demand[:n], 0.0),
                    firms.service_potential[:n], usage_reach(firms), firms.rung[:n],
                    firms.service[:n], firms.digital[:n], firms.trust[:n], view)


def capture_base(sales: Accounts) -> float:
    """The service revenue firms and platforms share (the base of capture), EUR/quarter."""
    return float(sales.service_revenue.sum() + sales.platform_added.sum()
                 + sales.platform_usage.sum())


def capture(sales: Accounts) -> float:
    """Industrial firms' share of the service revenue on their installed bases."""
    total = capture_base(sales)
    return float(sales.service_revenue.sum()) / total if total > 0 else 1.0


def outsourced_share(sales: Accounts) -> float:
    """Share of the added-services spend bought from makers or platforms."""
    demand = float((sales.service_demand - sales.usage_demand).sum())
    bought = float(sales.added_revenue.sum() + sales.platform_added.sum())
    return bought / demand if demand > 0 else 0.0


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

    def sales(a: float, o: float) -> Accounts:
        return firm_sales(firms, market_view(platform_utilities(platforms, params, a), params,
                                             usage, a, o))

    for _ in range(50):
        before = (penalty, in_house)
        in_house = brentq(lambda o: outsourced_share(sales(penalty, o))  # noqa: B023
                          - params["outsourced_services_share"], *IN_HOUSE_BRACKET, xtol=1e-10)
        penalty = brentq(lambda a: capture(sales(a, in_house))  # noqa: B023
                         - params["service_capture_2020"],
                         *PENALTY_BRACKET, xtol=1e-10)
        if abs(penalty - before[0]) < 1e-8 and abs(in_house - before[1]) < 1e-8:
            break
    return penalty, in_house


def clear(firms: FirmState, platforms: PlatformState, params: dict, view: ServiceMarket,
          platform_u: np.ndarray, goods_margin: np.ndarray, costs: np.ndarray
          ) -> MarketOutcome:
    """Share out each firm's service market, then set revenues and margins (rows ``:n``).

    Args:
        firms: firm state, updated in place (revenues, service demand, margins).
        platforms: platform state, updated in place (revenue, customers, market share).
        params: resolved parameters.
        view: this quarter's market view (from :func:`market_view`).
        platform_u: the platforms' utilities behind ``view``.
        goods_margin: per firm, goods EBIT margin rate this quarter.
        costs: per firm, service-organisation costs this quarter (climbs, offers), EUR.

    Returns:
        The quarter's market aggregates.

    """
    n = firms.n
    alive = firms.alive[:n]
    sales = firm_sales(firms, view)
    service_rev = sales.service_revenue
    rate = service_margin_rate(service_rev, sales.goods_revenue, view)
    firms.goods_revenue[:n] = sales.goods_revenue
    firms.service_revenue[:n] = service_rev
    firms.service_demand[:n] = sales.service_demand
    firms.platform_share[:n] = sales.platform_share
    firms.service_profit[:n] = sales.usage_revenue * rate
    firms.margin[:n] = np.where(
        alive, sales.goods_revenue * goods_margin + service_rev * rate - costs, 0.0)
    # Platforms split their nest's sales by their within-nest shares (the usage bonus is
    # common to all platforms, so both segments split alike).
    within = within_nest_shares(platform_u, params["platform_nest_dissimilarity"])
    platform_total = float(sales.platform_added.sum() + sales.platform_usage.sum())
    industrial = float(service_rev.sum())
    m = platforms.n
    platforms.revenue[:m] = within * platform_total
    platforms.customers[:m] = within * float(sales.platform_share[alive].sum())
    market = industrial + platform_total
    platforms.market_share[:m] = platforms.revenue[:m] / market if market > 0 else 0.0
    return MarketOutcome(industrial, platform_total, float(sales.service_demand.sum()))
