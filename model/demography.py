"""Step 9: employment follows revenue and productivity; exits and entries of establishments."""

from __future__ import annotations

import math

import numpy as np

from model.population import SERVICE_REVENUE_PER_JOB
from model.state import (
    EXIT_BASELINE,
    EXIT_CASH,
    EXIT_TRANSITION,
    FirmState,
)

JOB_ADJUSTMENT = 0.08  # share of the gap closed each quarter (labour hoarding, short-time work)
LOSS_HAZARD_MULTIPLIER = 2.0  # exit hazard multiplier for a firm making an operating loss
ABSORBED_SHARE = 0.5  # share of an exiting firm's customers taken over by surviving firms


def update_jobs(firms: FirmState, productivity: float, offshored: np.ndarray) -> None:
    """Move employment toward what goods and service revenue need (rows ``:n``).

    Args:
        firms: firm state, updated in place.
        productivity: labour productivity of production relative to 2020.
        offshored: per firm, share of its service jobs located outside the region.

    """
    n = firms.n
    alive = firms.alive[:n]
    production = firms.goods_revenue[:n] * firms.jobs_per_goods[:n] / productivity
    service = firms.service_revenue[:n] * 4 / SERVICE_REVENUE_PER_JOB * (1 - offshored)
    firms.production_jobs[:n] += JOB_ADJUSTMENT * (production - firms.production_jobs[:n])
    firms.service_jobs[:n] += JOB_ADJUSTMENT * (service - firms.service_jobs[:n])
    firms.employees[:n] = np.where(alive, firms.production_jobs[:n] + firms.service_jobs[:n], 0)


def exits(rng: np.random.Generator, firms: FirmState, params: dict, base_hazard: np.ndarray,
          quarter: int, dt: float) -> dict[str, int]:
    """Draw exits; firms whose cash is exhausted close.

    The baseline hazard is higher while servitizing below the threshold or at a loss, and
    lower once servitized.

    Args:
        rng: the model's generator.
        firms: firm state, updated in place.
        params: resolved parameters.
        base_hazard: yearly baseline exit hazard per row, by size class.
        quarter: current step.
        dt: step length in years.

    Returns:
        Exits this quarter by cause.

    """
    n = firms.n
    alive = firms.alive[:n]
    u = rng.random(n)
    servitized = firms.servitized[:n]
    transition = firms.servitizing[:n] & ~servitized
    multiplier = (1.0 + (params["transition_exit_multiplier"] - 1.0) * transition
                  + (params["servitized_exit_multiplier"] - 1.0) * servitized)
    multiplier *= 1.0 + (LOSS_HAZARD_MULTIPLIER - 1.0) * (firms.margin[:n] < 0)
    hazard = base_hazard[:n] * multiplier
    hazard_exit = alive & (u < -np.expm1(-hazard * dt))
    cash_exit = alive & ~hazard_exit & (firms.cash[:n] < 0)
    cause = np.where(cash_exit, EXIT_CASH, np.where(transition, EXIT_TRANSITION, EXIT_BASELINE))
    leaving = hazard_exit | cash_exit
    firms.alive[:n] &= ~leaving
    firms.exit_cause[:n][leaving] = cause[leaving]
    firms.exit_quarter[:n][leaving] = quarter
    _absorb(firms, leaving)
    return {"hazard": int(hazard_exit.sum()), "cash": int(cash_exit.sum())}


def _absorb(firms: FirmState, leaving: np.ndarray) -> None:
    """Surviving firms take over part of the customers of those leaving, pro rata."""
    n = firms.n
    lost = float(firms.base_demand[:n][leaving].sum())
    alive = firms.alive[:n]
    remaining = float(firms.base_demand[:n][alive].sum())
    if lost > 0 and remaining > 0:
        firms.base_demand[:n][alive] *= 1.0 + ABSORBED_SHARE * lost / remaining


def entries_this_quarter(rng: np.random.Generator, initial_firms: int, entry_rate: float,
                         dt: float) -> int:
    """Number of new establishments this quarter (Poisson)."""
    return int(rng.poisson(entry_rate * initial_firms * dt))


def productivity_index(t_years: float, growth: float) -> float:
    """Labour productivity of production jobs relative to early 2020."""
    return math.exp(growth * t_years)
