"""Step 9 (demography): exits of establishments, and new sites, some drawn by clusters."""

from __future__ import annotations

import numpy as np

from model.state import (
    EXIT_BASELINE,
    EXIT_CASH,
    EXIT_CYBER,
    EXIT_TRANSITION,
    FirmState,
)

LOSS_HAZARD_MULTIPLIER = 2.0  # exit hazard multiplier for a firm making an operating loss
ABSORBED_SHARE = 0.5  # share of an exiting firm's customers taken over by surviving firms


def exits(rng: np.random.Generator, firms: FirmState, params: dict, base_hazard: np.ndarray,
          quarter: int, dt: float) -> dict[str, int]:
    """Draw exits; firms whose cash is exhausted close.

    The baseline hazard is higher during a climb up the service ladder or at a loss, and
    lower once servitized. A firm that runs out of cash in a quarter when a cyber attack cost
    it money closes for cyber reasons.

    Args:
        rng: the model's generator.
        firms: firm state, updated in place.
        params: resolved parameters.
        base_hazard: yearly baseline exit hazard per row, by size class.
        quarter: current step.
        dt: step length in years.

    Returns:
        Exits this quarter by cause (``hazard`` and ``cash``).

    """
    n = firms.n
    alive = firms.alive[:n]
    u = rng.random(n)
    servitized = firms.servitized[:n]
    climbing = firms.servitizing[:n]
    multiplier = (1.0 + (params["transition_exit_multiplier"] - 1.0) * climbing
                  + (params["servitized_exit_multiplier"] - 1.0) * (servitized & ~climbing))
    multiplier *= 1.0 + (LOSS_HAZARD_MULTIPLIER - 1.0) * (firms.margin[:n] < 0)
    hazard = base_hazard[:n] * multiplier
    hazard_exit = alive & (u < -np.expm1(-hazard * dt))
    cash_exit = alive & ~hazard_exit & (firms.cash[:n] < 0)
    cause = np.where(cash_exit, np.where(firms.cyber_hit[:n], EXIT_CYBER, EXIT_CASH),
                     np.where(climbing, EXIT_TRANSITION, EXIT_BASELINE))
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
                         cluster_adoptions: int, cluster_attraction: float,
                         dt: float) -> tuple[int, int]:
    """New establishments this quarter: (ordinary entries, sites drawn by clusters).

    Both are Poisson draws: ``entry_rate`` of the initial population a year, and
    ``cluster_attraction`` new sites per adoption by a cluster member this quarter.
    """
    ordinary = int(rng.poisson(entry_rate * initial_firms * dt))
    drawn = int(rng.poisson(cluster_attraction * cluster_adoptions))
    return ordinary, drawn
