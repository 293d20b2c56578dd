"""What a firm sells and earns in a given state: the economics its decisions weigh.

The market step and the firms' decisions call these same functions, the step on the firms'
current state, a decision on the state an option would lead to. Everything here is numpy over
arrays (or scalars) and knows nothing of the model class.

The service market on a firm's installed base has two segments, each shared by a nested logit
between the maker, the platforms (one nest, dissimilarity ``lambda``) and the outside option:

* **added services** (installation, maintenance, repair): demand ``goods x potential``; the
  maker competes if it sells services at all (rung >= 1); the outside option is the customers'
  own maintenance (most of it: about two thirds in France);
* **pay-per-use** (and performance contracts): a share ``usage`` of customers buy the use of
  the good instead of the good, worth ``usage_service_ratio`` per EUR of goods; the maker
  competes from rung 2, with a performance bonus at rung 3; the outside option is buying the
  good after all. Pay-per-use replaces goods sales: what the maker sells as use, it no longer
  sells as goods; a platform that runs the contract buys the good for less
  (``goods_squeeze``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from agents.exact import exp, exp_array, expm1, log, psum
from agents.jit import divide_where, minimum, rule, where
from agents.kinds import ADDED_SERVICES, PAY_PER_USE, PERFORMANCE

#: What a performance contract needs besides pay-per-use: service skills and customers' trust.
PERFORMANCE_SERVICE_MIN = 0.6
PERFORMANCE_TRUST_MIN = 0.9
#: Yearly cost of an employee, and goods sales per job (INSEE: French manufacturing).
WAGE = 45_000.0
REVENUE_PER_JOB = 200_000.0
#: Labour cost per EUR of goods sales, and the part of a unit-cost saving kept as margin (the
#: rest is passed on in prices, which buys the sales gain of ``digital_sales_ratio``).
LABOUR_COST_SHARE = WAGE / REVENUE_PER_JOB
MARGIN_KEPT = 0.5
#: Service margin below the critical mass: half of it at no services, all of it from the
#: servitization threshold on (Fang, Palmatier & Steenkamp 2008: value rises from 20-30%).
SMALL_SERVICE_MARGIN = 0.5


class ServiceMarket(NamedTuple):
    """What every firm's customers see this quarter (the same for all firms).

    A named tuple, so that compiled kernels can take it (one firm's view, field by field).

    Attributes:
        usage: share of customers who buy the use of goods instead of the goods (a number, or
            one per firm when firms look ahead over different horizons).
        in_house: utility of doing added services in-house (the customers' own maintenance).
        nest_added: platform nest's log-sum utility (lambda x inclusive value), added services.
        nest_usage: the same for pay-per-use contracts (one per firm when ``usage`` is).
        capability_weight, installed_base_bonus, trust_weight, performance_bonus: the makers'
            utility terms (parameters of the same names).
        usage_service_ratio: value of a pay-per-use contract per EUR of goods it replaces.
        goods_squeeze: goods sales lost on a contract run by a platform.
        service_margin: full EBIT margin on services.
        threshold: servitization threshold (service share of revenue).

    """

    usage: float | np.ndarray
    in_house: float
    nest_added: float
    nest_usage: float | np.ndarray
    capability_weight: float
    installed_base_bonus: float
    trust_weight: float
    performance_bonus: float
    usage_service_ratio: float
    goods_squeeze: float
    service_margin: float
    threshold: float


@dataclass
class Accounts:
    """One quarter's sales of firms in a state (arrays aligned with the rows).

    Attributes:
        goods_revenue, added_revenue, usage_revenue: the firm's sales, EUR/quarter.
        service_demand: the service market on its installed base (both segments).
        usage_demand: its pay-per-use part.
        platform_added, platform_usage: what platforms sell on its installed base.
        platform_share: platforms' share of its service market.

    """

    goods_revenue: np.ndarray
    added_revenue: np.ndarray
    usage_revenue: np.ndarray
    service_demand: np.ndarray
    usage_demand: np.ndarray
    platform_added: np.ndarray
    platform_usage: np.ndarray
    platform_share: np.ndarray

    @property
    def service_revenue(self) -> np.ndarray:
        """Added services plus pay-per-use, EUR/quarter."""
        return self.added_revenue + self.usage_revenue


@rule
def nest_value(utilities: np.ndarray, dissimilarity: float) -> float:
    """Log-sum utility of a nest: ``lambda x ln sum exp(u / lambda)`` (``-inf`` when empty).

    Identical alternatives add ``lambda x ln K``: with ``lambda`` near 0 a nest of look-alikes
    is worth its best member, with 1 (plain logit) each one counts.
    """
    u = utilities[np.isfinite(utilities)]
    if len(u) == 0:
        return -np.inf
    top = u.max()
    return top + dissimilarity * log(psum(exp_array((u - top) / dissimilarity), len(u)))


@rule
def within_nest_shares(utilities: np.ndarray, dissimilarity: float) -> np.ndarray:
    """Each alternative's share of its nest (0 for ``-inf`` utilities)."""
    finite = np.isfinite(utilities)
    if not finite.any():
        return np.zeros(len(utilities))
    top = utilities[finite].max()
    w = np.where(finite, exp_array((np.where(finite, utilities, 0.0) - top) / dissimilarity),
                 0.0)
    return w / psum(w, len(w))


@rule
def maker_utility_terms(service, digital, trust, rung, capability_weight: float,
                        installed_base_bonus: float, trust_weight: float,
                        performance_bonus: float):
    """Customers' utility of buying from the maker: added services and pay-per-use.

    The installed-base bonus counts fully only on connected machines (digital capability);
    pay-per-use leans on data as much as on service skills; a performance contract adds its
    bonus in proportion to trust.
    """
    trust_term = trust_weight * (trust - 1.0)
    added = (capability_weight * (0.7 * service + 0.3 * digital)
             + installed_base_bonus * (0.5 + 0.5 * digital) + trust_term)
    usage = (capability_weight * (0.5 * service + 0.5 * digital)
             + installed_base_bonus * digital + trust_term
             + performance_bonus * trust * (rung >= PERFORMANCE))
    return added, usage


def maker_utilities(service: np.ndarray, digital: np.ndarray, trust: np.ndarray,
                    rung: np.ndarray, market: ServiceMarket) -> tuple[np.ndarray, np.ndarray]:
    """:func:`maker_utility_terms` under a market view."""
    return maker_utility_terms(service, digital, trust, rung, market.capability_weight,
                               market.installed_base_bonus, market.trust_weight,
                               market.performance_bonus)


@rule
def segment_shares(e_maker, e_nest, e_out):
    """Maker, platform-nest and outside shares of one segment (nested logit), from exp(u)."""
    denom = e_maker + e_nest + e_out
    return e_maker / denom, e_nest / denom, e_out / denom


@rule
def makers_offer(rung, e_added, e_usage):
    """``exp`` of the maker's utilities in the segments it competes in (0 where it does not)."""
    return where(rung >= ADDED_SERVICES, e_added, 0.0), where(rung >= PAY_PER_USE, e_usage, 0.0)


@rule
def segment_demands(goods_demand, potential, usage_factor, usage, usage_service_ratio: float):
    """A firm's service demand by segment, whoever serves it (see :func:`split_sales`).

    Returns:
        (added-services demand, goods-equivalent demand of pay-per-use customers, pay-per-use
        demand), EUR/quarter.

    """
    reached = usage * usage_factor
    added_demand = goods_demand * potential
    usage_goods = goods_demand * reached  # goods-equivalent demand of users
    return added_demand, usage_goods, usage_goods * usage_service_ratio


@rule
def split_sales(goods_demand, potential, usage_factor, rung, e_added, e_usage, usage,
                e_nest_added, e_nest_usage, e_in_house, usage_service_ratio: float,
                goods_squeeze: float):
    """:func:`accounts` given the exponentials of the utilities (``e_*``: ``exp(u)``).

    Returns:
        The fields of :class:`Accounts`, in order.

    """
    e_maker_added, e_maker_usage = makers_offer(rung, e_added, e_usage)
    c_add, p_add, _ = segment_shares(e_maker_added, e_nest_added, e_in_house)
    c_use, p_use, o_use = segment_shares(e_maker_usage, e_nest_usage, 1.0)
    added_demand, usage_goods, usage_demand = segment_demands(goods_demand, potential,
                                                              usage_factor, usage,
                                                              usage_service_ratio)
    goods = goods_demand - usage_goods + usage_goods * (o_use + p_use * (1 - goods_squeeze))
    platform_added = added_demand * p_add
    platform_usage = usage_demand * p_use
    demand = added_demand + usage_demand
    share = divide_where(platform_added + platform_usage, demand, demand > 0)
    return (goods, added_demand * c_add, usage_demand * c_use, demand, usage_demand,
            platform_added, platform_usage, share)


@rule
def state_sales(goods_demand, potential, usage_factor, rung, service, digital, trust,
                market: ServiceMarket):
    """:func:`accounts` as a tuple (what kernels call, one row at a time)."""
    u_added, u_usage = maker_utility_terms(service, digital, trust, rung,
                                           market.capability_weight,
                                           market.installed_base_bonus, market.trust_weight,
                                           market.performance_bonus)
    return split_sales(goods_demand, potential, usage_factor, rung, exp(u_added),
                       exp(u_usage), market.usage, exp(market.nest_added),
                       exp(market.nest_usage), exp(market.in_house),
                       market.usage_service_ratio, market.goods_squeeze)


def accounts(goods_demand: np.ndarray, potential: np.ndarray, usage_factor: np.ndarray,
             rung: np.ndarray, service: np.ndarray, digital: np.ndarray, trust: np.ndarray,
             market: ServiceMarket) -> Accounts:
    """Share out the service market on each firm's installed base, and the goods sales left.

    Args:
        goods_demand: customers' demand for the firm's goods (before any pay-per-use),
            EUR/quarter.
        potential: added-services demand per EUR of goods.
        usage_factor: how much of the usage trend reaches the firm's customers (suppliers'
            intermediate goods are rarely sold by use).
        rung: the firm's rung of the service ladder (or the rung an option leads to).
        service: its service capability (likewise).
        digital: its digital capability (likewise).
        trust: its customers' trust (likewise).
        market: this quarter's view of the market.

    Returns:
        The firm's sales and what platforms sell on its installed base.

    """
    return Accounts(*state_sales(goods_demand, potential, usage_factor, rung, service, digital,
                                 trust, market))


@rule
def service_margin_rate(service_revenue, goods_revenue, market: ServiceMarket):
    """Service EBIT margin: lower below the critical mass of services (the threshold)."""
    return service_margin_at(service_revenue, goods_revenue, market.service_margin,
                             market.threshold)


@rule
def service_margin_at(service_revenue, goods_revenue, service_margin: float, threshold: float):
    """:func:`service_margin_rate` with the market's two numbers."""
    total = service_revenue + goods_revenue
    share = divide_where(service_revenue, total, total > 0)
    reach = minimum(share / max(threshold, 1e-9), 1.0)
    return service_margin * (SMALL_SERVICE_MARGIN + (1 - SMALL_SERVICE_MARGIN) * reach)


@rule
def productivity_gain(digital, gain_at_mark: float, adoption_mark: float):
    """Labour-productivity gain of a digital capability: ``gain_at_mark`` at the adoption mark.

    Proportional to capability, so a firm at the mark has gained ``gain_at_mark`` over a
    firm with none: the gap between digital adopters and non-adopters that the literature
    measures (ev2 section 1).
    """
    return gain_at_mark * digital / adoption_mark


@rule
def competitiveness(gain, gain_2020, competitor_gain: float, competitor_gain_2020: float,
                    sales_ratio: float):
    """Goods demand relative to 2020 from productivity relative to competitors outside.

    A firm whose digital productivity gain grows faster than its competitors' wins market
    share in proportion (``sales_ratio`` per unit of productivity); one that lags loses it.
    """
    own = (1 + sales_ratio * gain) / (1 + sales_ratio * gain_2020)
    rivals = (1 + sales_ratio * competitor_gain) / (1 + sales_ratio * competitor_gain_2020)
    return own / rivals


@rule
def goods_margin_rate(product_margin: float, gain, gain_2020, competitor_gain: float,
                      competitor_gain_2020: float):
    """Goods EBIT margin: the part of a unit-labour-cost lead over competitors kept as margin."""
    lead = (gain - gain_2020) - (competitor_gain - competitor_gain_2020)
    return product_margin + MARGIN_KEPT * LABOUR_COST_SHARE * lead


@rule
def attack_rate(hazard, digital, security, exposure: float, framework: float):
    """Yearly attack hazard given exposure from digital capability and protection."""
    return hazard * (1 + (exposure - 1) * digital) * (1 - 0.6 * security) * (1 - framework)


@rule
def digital_effects(ctx, digital, security):
    """What a state's digital capability and protection change in a firm's expected profit.

    ``ctx``: an ``agents.decisions.DecisionContext``. Kept apart from
    :func:`profit_with_effects` so that an option whose digital level is one of two others'
    selects their effects (``where``) instead of computing them a third time: the same
    numbers, element by element.

    Returns:
        (productivity gain, goods demand, expected cyber cost per quarter (negative)).

    """
    gain = productivity_gain(digital, ctx.digital_gain, ctx.adoption_mark)
    demand = ctx.goods_demand * competitiveness(gain, ctx.gain, 0.0, 0.0, ctx.sales_ratio)
    return gain, demand, cyber_cost(ctx, digital, security)


@rule
def cyber_cost(ctx, digital, security):
    """A state's expected cyber cost per quarter (negative).

    The part of :func:`digital_effects` that security changes.
    """
    rate = attack_rate(ctx.attack_hazard, digital, security, ctx.exposure, ctx.framework)
    return expm1(-rate * 0.25) * ctx.expected_loss


@rule
def profit_with_effects(ctx, effects, digital, service, rung):
    """``agents.decisions.profit_and_sales`` given the state's :func:`digital_effects`."""
    gain, demand, cyber = effects
    sales = state_sales(demand, ctx.potential, ctx.usage_factor, rung, service, digital,
                        ctx.trust, ctx.market)
    goods_revenue, service_revenue = sales[0], sales[1] + sales[2]
    ebit = (goods_revenue * goods_margin_rate(ctx.product_margin, gain, ctx.gain_2020,
                                              ctx.competitor_gain, ctx.competitor_gain_2020)
            + service_revenue * service_margin_rate(service_revenue, goods_revenue,
                                                    ctx.market)
            - ctx.overhead * (rung >= PAY_PER_USE))
    return ebit + cyber, service_revenue
