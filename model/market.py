"""The contested service market on each firm's installed base, and goods revenue and margins.

Each firm's customers buy services (maintenance, pay-per-use, performance contracts, data)
from the maker of their machines, from a platform, or not at all (the outside option): a
multinomial logit on capability, installed-base bonus, platform network effect, trust, price.
Platforms' utilities do not depend on the firm, so the logit costs O(firms + platforms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.decisions import (
    DIGITAL_MARGIN_GAIN,
    WAGE,
    incumbent_utility,
    realised_service_margin,
)
from model.state import SUPPLIER, FirmState, PlatformState

RETAINED_SHARE = 0.5  # share of positive EBIT kept as cash (taxes, dividends, wages of owners)


@dataclass
class MarketOutcome:
    """Aggregates of one quarter's service market (EUR/quarter)."""

    incumbent_revenue: float = 0.0
    platform_revenue: float = 0.0
    unserved: float = 0.0
    poorly_served: float = 0.0
    total_demand: float = 0.0


def platform_utilities(platforms: PlatformState, params: dict, scale: float) -> np.ndarray:
    """Utility of each platform slot for a customer (``-inf`` for slots not alive)."""
    n = platforms.n
    customers = platforms.customers[:n] / scale  # whole-region equivalent
    u = (params["capability_weight"] * platforms.capability[:n]
         + params["platform_network_effect"] * np.log1p(customers)
         + params["price_weight"] * (1.0 - params["platform_cost_advantage"])
         - params["platform_know_how_penalty"])
    return np.where(platforms.alive[:n], u, -np.inf)


def service_demand(firms: FirmState, goods_demand: np.ndarray, usage: float, params: dict,
                   rows: np.ndarray | slice | None = None) -> np.ndarray:
    """Service market on firms' installed bases, EUR/quarter.

    Args:
        firms: firm state.
        goods_demand: goods demand of the rows, EUR/quarter.
        usage: usage-based share of demand.
        params: resolved parameters.
        rows: the rows concerned (default: all rows in use).

    """
    rows = slice(0, firms.n) if rows is None else rows
    usage_factor = np.where(firms.kind[rows] == SUPPLIER, 0.6, 1.0)
    return goods_demand * (firms.service_potential[rows]
                           + usage * params["usage_service_ratio"] * usage_factor)


def trust_term(firms: FirmState, params: dict) -> np.ndarray:
    """Utility loss from customers' lost trust after cyber incidents (rows ``:n``)."""
    return params["trust_weight"] * (firms.trust[: firms.n] - 1.0)


def rivals_exp_sum(platform_u: np.ndarray, params: dict) -> float:
    """Sum of exp(utility) of the platforms and the outside option."""
    return float(np.exp(platform_u).sum() + np.exp(params["outside_option_utility"]))


def clear(firms: FirmState, platforms: PlatformState, params: dict, demand_index: float,
          usage: float, in_transition: np.ndarray) -> MarketOutcome:
    """Share out each firm's service market, then set revenues and margins (rows ``:n``).

    Args:
        firms: firm state, updated in place (revenues, service demand, margin).
        platforms: platform state, updated in place (revenue, customers).
        params: resolved parameters.
        demand_index: macro demand index this quarter.
        usage: usage-based share of demand this quarter.
        in_transition: mask of firms paying the service-organisation cost this quarter.

    Returns:
        The quarter's market aggregates.

    """
    n = firms.n
    alive = firms.alive[:n]
    scale = params["population_scale"]
    trust = firms.trust[:n]
    # Customers who buy services from a platform drift away from the maker (last quarter's share).
    squeeze = 1.0 - params["platform_goods_squeeze"] * firms.platform_share[:n]
    goods = np.where(alive, firms.base_demand[:n] * demand_index * (0.7 + 0.3 * trust) * squeeze,
                     0.0)
    market = service_demand(firms, goods, usage, params)
    u_platform = platform_utilities(platforms, params, scale)
    e_platform = np.exp(u_platform)
    e_out = np.exp(params["outside_option_utility"])
    u_firm = incumbent_utility(firms.service[:n], firms.digital[:n], params["capability_weight"],
                               params["installed_base_bonus"], trust_term(firms, params))
    e_firm = np.exp(u_firm)
    denom = e_firm + e_platform.sum() + e_out
    capture = e_firm / denom
    service_rev = market * capture
    # Each platform's revenue and customers: exp(u_k) times the sum over firms of market/denom.
    per_unit = market / denom
    platforms.revenue[: platforms.n] = e_platform * per_unit.sum()
    # Customers: the firms whose installed bases a platform serves (expected count).
    platforms.customers[: platforms.n] = e_platform * (alive / denom).sum()

    threshold_share = _threshold_capture(goods, market, params["servitization_threshold"])
    service_margin = realised_service_margin(capture, threshold_share, params["service_margin"])
    transition_cost = np.where(
        in_transition, params["transition_cost_share"] * firms.employees[:n] * WAGE / 4, 0.0)
    goods_margin = params["product_margin"] + DIGITAL_MARGIN_GAIN * firms.digital[:n]
    firms.goods_revenue[:n] = goods
    firms.service_revenue[:n] = service_rev
    firms.service_demand[:n] = market
    firms.platform_share[:n] = e_platform.sum() / denom
    firms.margin[:n] = np.where(
        alive, goods * goods_margin + service_rev * service_margin - transition_cost, 0.0)
    total = float(market.sum())
    unserved = float((market * e_out / denom).sum())
    weak = float((service_rev * (1.0 - firms.service[:n])).sum())
    return MarketOutcome(
        incumbent_revenue=float(service_rev.sum()),
        platform_revenue=float(platforms.revenue[: platforms.n][platforms.alive[: platforms.n]]
                               .sum()),
        unserved=unserved,
        poorly_served=unserved + weak,
        total_demand=total,
    )


def _threshold_capture(goods: np.ndarray, market: np.ndarray, threshold: float) -> np.ndarray:
    """Share of its service market a firm must capture to reach the servitization threshold.

    Service share s = S c / (G + S c) >= t  <=>  c >= t G / ((1 - t) S).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        need = threshold * goods / ((1 - threshold) * market)
    return np.where(market > 0, need, np.inf)


def retained_cash(margin: np.ndarray) -> np.ndarray:
    """Cash kept from a quarter's EBIT: a share of profits, all of the losses."""
    return np.where(margin > 0, RETAINED_SHARE * margin, margin)
