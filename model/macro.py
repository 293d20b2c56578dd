"""Macro environment: demand for regional industrial goods and the shift to usage-based demand."""

from __future__ import annotations

import math

import numpy as np

from agents.exact import exp
from agents.jit import rule

#: Share of the 2020 Covid demand loss felt in each quarter of 2020 and 2021 (2020 averages 1).
COVID_PROFILE = {2020: (0.4, 1.4, 1.2, 1.0), 2021: (0.6, 0.4, 0.2, 0.1)}
USAGE_SHARE_2020 = 0.05
DEMAND_NOISE_SD = 0.004  # quarterly AR(1) innovation of the demand index
DEMAND_NOISE_PERSISTENCE = 0.7


def covid_loss(year: int, quarter: int, covid_shock: float) -> float:
    """Share of demand lost to Covid in a quarter (0 outside 2020-2021)."""
    profile = COVID_PROFILE.get(year)
    return covid_shock * profile[quarter] if profile else 0.0


def usage_share(t_years: float | np.ndarray, usage_share_2040: float) -> float | np.ndarray:
    """Usage-based share of demand, logistic from 0.05 in 2020 to ``usage_share_2040`` in 2040.

    The logistic's ceiling is 0.8 (or just above the 2040 value); the path is the same in every
    scenario, as the workshop asked.

    Args:
        t_years: years since the start of 2020 (scalar or array).
        usage_share_2040: the 2040 value.

    """
    return usage_on_curve(t_years, *usage_curve(usage_share_2040))


def usage_curve(usage_share_2040: float) -> tuple[float, float, float]:
    """The logistic of :func:`usage_share`: its log-odds in 2020 and 2040, and its ceiling."""
    ceiling = max(0.8, usage_share_2040 + 0.1)
    lo = math.log(USAGE_SHARE_2020 / (ceiling - USAGE_SHARE_2020))
    hi = math.log(usage_share_2040 / (ceiling - usage_share_2040)) if usage_share_2040 > 0 else lo
    return lo, hi, ceiling


@rule
def usage_on_curve(t_years, lo: float, hi: float, ceiling: float):
    """:func:`usage_share` on the curve of :func:`usage_curve`."""
    x = lo + (hi - lo) * t_years / 20.0
    return ceiling / (1 + exp(-x))


class DemandIndex:
    """Demand for regional industrial goods: trend growth, the 2020 Covid shock, AR(1) noise."""

    def __init__(self) -> None:
        self.noise = 0.0

    def step(self, rng: np.random.Generator, t_years: float, year: int, quarter: int,
             demand_growth: float, covid_shock: float) -> float:
        """Advance one quarter and return the index (1.0 = demand of early 2020)."""
        # numpy's normal(0, sd) is 0 + sd * standard_normal(), the same draw: written so here,
        # it skips normal's checks of its two parameters (the same bits, the same stream).
        shock = 0.0 + DEMAND_NOISE_SD * rng.standard_normal()
        self.noise = DEMAND_NOISE_PERSISTENCE * self.noise + shock
        trend = (1 + demand_growth) ** t_years
        return trend * (1 - covid_loss(year, quarter, covid_shock)) * math.exp(self.noise)
