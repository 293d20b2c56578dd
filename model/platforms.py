"""Step 8: service platforms learn from their data, leave when they lose money, and enter.

Each quarter ``platform_entry_rate`` candidates (Poisson) study the region's service market. A
candidate enters if the share it would take, by the same nested logit that clears the market
(it starts with no data, so no network bonus), pays its entry cost within a start-up's horizon
(``PlatformEntrant.enters``). A platform's fixed costs are what ``platform_min_share`` of the
market earns; below that share it loses money, and after a year of losses it leaves.
"""

from __future__ import annotations

import numpy as np

from agents.economics import within_nest_shares
from agents.exact import count, exp, log, psum
from agents.jit import kernel, maximum, rows, rule, where
from agents.platforms import PlatformEntrant, entrant_enters, platform_leaves
from model import market, market_2020
from model.market import _platform_utilities, platform_utility_params, platform_utility_terms
from model.state import (
    P_ALIVE,
    P_CAPABILITY,
    P_EXIT_QUARTER,
    P_LOSS_QUARTERS,
    P_MARKET_SHARE,
    P_PROFIT,
    P_REACH,
    P_REVENUE,
    FirmState,
    PlatformState,
)

PLATFORM_LEARNING = 0.02  # per quarter, capability gained from data at full market reach
CANDIDATE_CAPABILITY = (0.3, 0.7)  # an entrant has no data yet: below the incumbents (assumption)
INITIAL_CAPABILITY = 0.6  # the 2020 platforms have learned from their data (assumption)
ENTRY_REACH = 0.05  # share of customers who know a platform when it enters


def fixed_cost(params: dict, service_market: float) -> float:
    """A platform's fixed costs per quarter: what ``platform_min_share`` of the market earns."""
    return params["platform_min_share"] * service_market * params["service_margin"]


def account(platforms: PlatformState, params: dict, service_market: float) -> None:
    """Book each platform's profit this quarter and count its quarters of losses."""
    _account(platforms.values, platforms.codes, platforms.flags, platforms.n,
             params["service_margin"], fixed_cost(params, service_market))


@rule
def _account_rows(values, codes, flags, m, service_margin, fixed):
    for j in rows(m):
        profit = values[P_REVENUE, j] * service_margin - fixed
        alive = flags[P_ALIVE, j]
        values[P_PROFIT, j] = where(alive, profit, 0.0)
        codes[P_LOSS_QUARTERS, j] = where(alive & (profit < 0), codes[P_LOSS_QUARTERS, j] + 1, 0)


@kernel
def _account(values, codes, flags, m, service_margin, fixed):
    _account_rows(values, codes, flags, m, service_margin, fixed)


def learn_and_leave(platforms: PlatformState, quarter: int) -> int:
    """Platforms learn from the data of the customers they serve; loss-makers leave.

    Returns:
        The number of platforms that left.

    """
    return int(_learn_and_leave(platforms.values, platforms.codes, platforms.flags, platforms.n,
                                quarter, PlatformEntrant.PATIENCE_QUARTERS))


@rule
def _learn_and_leave_rows(values, codes, flags, m, quarter, patience):
    leaving = np.zeros(m, np.bool_)
    data = np.zeros(m)
    for j in rows(m):
        leaving[j] = flags[P_ALIVE, j] & platform_leaves(codes[P_LOSS_QUARTERS, j], patience)
        flags[P_ALIVE, j] &= ~leaving[j]
        codes[P_EXIT_QUARTER, j] = where(leaving[j], quarter, codes[P_EXIT_QUARTER, j])
        values[P_MARKET_SHARE, j] = where(leaving[j], 0.0, values[P_MARKET_SHARE, j])
        data[j] = where(flags[P_ALIVE, j], values[P_MARKET_SHARE, j], 0.0)
    total = psum(data, m)
    if total > 0:
        for j in rows(m):
            values[P_CAPABILITY, j] += (PLATFORM_LEARNING * data[j] / total
                                        * (1 - values[P_CAPABILITY, j]))
    return count(leaving, m)


@kernel
def _learn_and_leave(values, codes, flags, m, quarter, patience):
    return _learn_and_leave_rows(values, codes, flags, m, quarter, patience)


def reach_growth(params: dict, dt: float) -> float:
    """The factor on a platform's odds of being known, per step (:func:`spread`)."""
    # Logistic from ENTRY_REACH at entry to 0.5 after platform_reach_years.
    rate = log((1 - ENTRY_REACH) / ENTRY_REACH) / params["platform_reach_years"]
    return exp(rate * dt)


def spread(platforms: PlatformState, params: dict, dt: float) -> None:
    """Platforms become known to more customers (logistic; half the region in the set years)."""
    _spread(platforms.values, platforms.flags, platforms.n, reach_growth(params, dt))


@rule
def _spread_rows(values, flags, m, growth):
    for j in rows(m):
        r = values[P_REACH, j]
        odds = r / maximum(1 - r, 1e-12) * growth
        values[P_REACH, j] = where(flags[P_ALIVE, j] & (r < 1), odds / (1 + odds), r)


@kernel
def _spread(values, flags, m, growth):
    _spread_rows(values, flags, m, growth)


def settle(platforms: PlatformState, params: dict, service_market: float, quarter: int,
           growth: float) -> int:
    """:func:`account`, :func:`learn_and_leave` and :func:`spread`, in one compiled call.

    Args:
        platforms: platform state, updated in place.
        params: resolved parameters.
        service_market: the region's service revenue this quarter (firms + platforms), EUR.
        quarter: current step.
        growth: :func:`reach_growth` of the run's parameters and step.

    Returns:
        The number of platforms that left.

    """
    return int(_settle_platforms(platforms.values, platforms.codes, platforms.flags,
                                 platforms.n, params["service_margin"],
                                 fixed_cost(params, service_market), quarter,
                                 PlatformEntrant.PATIENCE_QUARTERS, growth))


@kernel
def _settle_platforms(values, codes, flags, m, service_margin, fixed, quarter, patience,
                      growth):
    _account_rows(values, codes, flags, m, service_margin, fixed)
    left = _learn_and_leave_rows(values, codes, flags, m, quarter, patience)
    _spread_rows(values, flags, m, growth)
    return left


def candidate_profit(firms: FirmState, params: dict, penalty: float, in_house: float,
                     usage: float, service_market: float, utilities: np.ndarray,
                     capability: float, terms: market_2020.FirmTerms | None = None
                     ) -> tuple[float, np.ndarray]:
    """The quarterly profit a candidate expects, by the nested logit that clears the market.

    It starts with no data (no network bonus) and takes its within-nest share of what the
    nest sells once it has joined. ``terms``: the firms' ``market_2020.firm_terms`` at this
    usage share, if known (they are the same for every candidate of a quarter).

    Returns:
        (profit after fixed costs, EUR per quarter; the platforms' utilities with it).

    """
    terms = market_2020.firm_terms(firms, params, usage) if terms is None else terms
    profit, both = _candidate(terms, utilities, capability, platform_utility_params(params),
                              penalty, in_house, usage, market_2020.nest_params(params),
                              params["service_margin"], fixed_cost(params, service_market))
    return profit, both


@rule
def _candidate_profit(terms, utilities, capability, utility, penalty, in_house, usage,
                      market_terms, service_margin, fixed):
    """A candidate's profit after fixed costs, and the platforms' utilities with it."""
    m = len(utilities)
    both = np.empty(m + 1)
    both[:m] = utilities
    # It plans on the customers it will reach: judged at full reach (no data yet).
    both[m] = platform_utility_terms(utility[0], utility[1], utility[2], capability, 0.0, 1.0,
                                     penalty)
    e_nest_added, e_nest_usage = market_2020.nest_exponentials(both, penalty, usage,
                                                                *market_terms)
    n = len(terms.added_demand)
    added, usage_sales = market_2020.platform_sales(terms, e_nest_added, e_nest_usage,
                                                    exp(in_house), np.empty(n), np.empty(n))
    # Its within-nest share of what the nest sells, at the service margin.
    mine = within_nest_shares(both, market_terms[0])[m] * (added + usage_sales)
    return mine * service_margin - fixed, both


@kernel
def _candidate(terms, utilities, capability, utility, penalty, in_house, usage, market_terms,
               service_margin, fixed):
    return _candidate_profit(terms, utilities, capability, utility, penalty, in_house, usage,
                             market_terms, service_margin, fixed)


def entry_cost(params: dict, service_market: float) -> float:
    """What entering the region's market costs, EUR (years of a platform's fixed costs)."""
    return params["platform_entry_cost_years"] * 4 * fixed_cost(params, service_market)


def enter(rng: np.random.Generator, firms: FirmState, platforms: PlatformState, params: dict,
          penalty: float, in_house: float, usage: float, service_market: float,
          quarter: int, exponentials: np.ndarray | None = None) -> int:
    """Draw candidates; those whose expected share pays their entry cost enter.

    Args:
        rng: the model's generator.
        firms: firm state (read only: the candidates' expected sales).
        platforms: platform state, updated in place.
        params: resolved parameters.
        penalty: the platforms' know-how penalty of this run.
        in_house: the utility of customers' own maintenance in this run.
        usage: usage-based share of demand this quarter.
        service_market: the region's service revenue this quarter (firms + platforms), EUR.
        quarter: current step.
        exponentials: the firms' ``market.firms_exponentials`` as they are now, if known
            (the market's of this quarter, when no firm changed since it cleared).

    Returns:
        The number of entries.

    """
    candidates = int(rng.poisson(params["platform_entry_rate"]))
    if candidates == 0:  # a draw of no capabilities would draw nothing
        return 0
    capability = rng.uniform(*CANDIDATE_CAPABILITY, candidates)
    n = platforms.n
    room = min(params["max_platforms"] - int(np.count_nonzero(platforms.alive[:n])),
               platforms.capacity - n)
    if room <= 0:
        return 0
    if exponentials is None:
        exponentials = market.firms_exponentials(firms, params)
    # The firms do not change here: one call weighs every candidate in turn.
    capability = capability[:room]
    entering = _entries(firms.values, firms.codes, firms.flags, firms.n, exponentials, usage,
                        params["usage_service_ratio"], platforms.values, platforms.flags, n,
                        capability, platform_utility_params(params), penalty, in_house,
                        market_2020.nest_params(params), params["service_margin"],
                        fixed_cost(params, service_market), PlatformEntrant.annuity(),
                        entry_cost(params, service_market))
    count = int(np.count_nonzero(entering))
    if count:
        add_platforms(platforms, capability[entering], quarter)
    return count


@kernel
def _entries(values, codes, flags, n, exponentials, usage, usage_service_ratio,
             platform_values, platform_flags, m, capability, utility, penalty, in_house,
             market_terms, service_margin, fixed, annuity, cost):
    """Which candidates enter, in turn, each seeing the platforms that entered before it."""
    utilities = _platform_utilities(platform_values, platform_flags, m, utility[0], utility[1],
                                    utility[2], penalty)
    terms = market_2020.firm_terms_of(values, codes, flags, n, exponentials, usage,
                                      usage_service_ratio)
    entering = np.zeros(len(capability), np.bool_)
    for k in range(len(capability)):
        profit, both = _candidate_profit(terms, utilities, capability[k], utility, penalty,
                                         in_house, usage, market_terms, service_margin, fixed)
        if entrant_enters(profit, annuity, cost):
            entering[k] = True
            utilities = both
    return entering


def add_platforms(platforms: PlatformState, capability: np.ndarray, quarter: int) -> np.ndarray:
    """Append platforms with the given capabilities; returns their rows."""
    rows = np.arange(platforms.n, platforms.n + len(capability))
    platforms.n += len(capability)
    platforms.alive[rows] = True
    platforms.capability[rows] = capability
    platforms.reach[rows] = ENTRY_REACH
    platforms.entry_quarter[rows] = quarter
    return rows
