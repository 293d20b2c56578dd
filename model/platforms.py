"""Step 8: service-only platforms enter where service demand is poorly served, and leave."""

from __future__ import annotations

import numpy as np

from model.state import PlatformState

PLATFORM_LEARNING = 0.02  # per quarter, capability gained from data at full market reach
EXIT_AFTER_WEAK_QUARTERS = 4


def enter_and_exit(rng: np.random.Generator, platforms: PlatformState, params: dict,
                   poorly_served_share: float, market_growth: float, total_market: float,
                   quarter: int) -> int:
    """Draw platform entries (Poisson) and exits of platforms with too little revenue.

    The entry intensity is ``platform_entry_rate`` times the poorly served share of service
    demand (unserved, or served by firms with low service capability), times the growth of the
    service market since 2020.

    Args:
        rng: the model's generator.
        platforms: platform state, updated in place.
        params: resolved parameters.
        poorly_served_share: in [0, 1].
        market_growth: service demand now / service demand in 2020.
        total_market: service demand this quarter, EUR.
        quarter: current step.

    Returns:
        The number of entries this quarter.

    """
    n = platforms.n
    alive = platforms.alive[:n]
    threshold = params["platform_min_share"] * total_market
    weak = alive & (platforms.revenue[:n] < threshold)
    platforms.weak_quarters[:n] = np.where(weak, platforms.weak_quarters[:n] + 1, 0)
    leaving = weak & (platforms.weak_quarters[:n] >= EXIT_AFTER_WEAK_QUARTERS)
    platforms.alive[:n] &= ~leaving
    platforms.exit_quarter[:n][leaving] = quarter
    # Incumbent platforms learn from the data of the customers they serve.
    total = platforms.revenue[:n][platforms.alive[:n]].sum()
    if total > 0:
        reach = np.where(platforms.alive[:n], platforms.revenue[:n] / total, 0.0)
        platforms.capability[:n] += PLATFORM_LEARNING * reach * (1 - platforms.capability[:n])
    intensity = params["platform_entry_rate"] * poorly_served_share * max(market_growth, 0.0)
    entries = int(rng.poisson(intensity))
    room = min(params["max_platforms"] - int(platforms.alive[:n].sum()), platforms.capacity - n)
    entries = max(0, min(entries, room))
    capability = rng.uniform(0.4, 0.8, entries)
    if entries:
        add_platforms(platforms, capability, quarter)
    return entries


def add_platforms(platforms: PlatformState, capability: np.ndarray, quarter: int) -> np.ndarray:
    """Append platforms with the given capabilities; returns their rows."""
    rows = np.arange(platforms.n, platforms.n + len(capability))
    platforms.n += len(capability)
    platforms.alive[rows] = True
    platforms.capability[rows] = capability
    platforms.entry_quarter[rows] = quarter
    return rows
