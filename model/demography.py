"""Step 9 (demography): exits of establishments, and new sites, some drawn by clusters."""

from __future__ import annotations

import numpy as np

from agents.chance import below_bound, happening
from agents.exact import count, psum_where
from agents.jit import kernel, rows, where
from model.state import (
    BASE_DEMAND,
    CASH,
    EXIT_BASELINE,
    EXIT_CASH,
    EXIT_CAUSE,
    EXIT_CYBER,
    EXIT_QUARTER,
    EXIT_TRANSITION,
    IS_ALIVE,
    IS_CYBER_HIT,
    IS_SERVITIZED,
    IS_SERVITIZING,
    MARGIN,
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
    hazard_exits, cash_exits = _exits(firms.values, firms.codes, firms.flags, n, rng.random(n),
                                      base_hazard, params["transition_exit_multiplier"],
                                      params["servitized_exit_multiplier"], quarter, dt)
    return {"hazard": int(hazard_exits), "cash": int(cash_exits)}


@kernel
def _exits(values, codes, flags, n, draw, base_hazard, transition_multiplier,
           servitized_multiplier, quarter, dt):
    alive = flags[IS_ALIVE]
    minus_hazard = np.empty(n)
    hazard_exit, cash_exit, leaving = np.zeros((3, n), np.bool_)
    for i in rows(n):
        climbing = flags[IS_SERVITIZING, i]
        multiplier = (1.0 + (transition_multiplier - 1.0) * climbing
                      + (servitized_multiplier - 1.0) * (flags[IS_SERVITIZED, i] & ~climbing))
        multiplier *= 1.0 + (LOSS_HAZARD_MULTIPLIER - 1.0) * (values[MARGIN, i] < 0)
        minus_hazard[i] = -(base_hazard[i] * multiplier) * dt
        leaving[i] = below_bound(minus_hazard[i], draw[i], alive[i])  # reset below
    exiting = happening(minus_hazard, draw, leaving, n)
    for j in rows(len(exiting)):
        hazard_exit[exiting[j]] = True
    for i in rows(n):
        cash_exit[i] = alive[i] & ~hazard_exit[i] & (values[CASH, i] < 0)
        cause = where(cash_exit[i], where(flags[IS_CYBER_HIT, i], EXIT_CYBER, EXIT_CASH),
                      where(flags[IS_SERVITIZING, i], EXIT_TRANSITION, EXIT_BASELINE))
        leaving[i] = hazard_exit[i] | cash_exit[i]
        alive[i] &= ~leaving[i]
        codes[EXIT_CAUSE, i] = where(leaving[i], cause, codes[EXIT_CAUSE, i])
        codes[EXIT_QUARTER, i] = where(leaving[i], quarter, codes[EXIT_QUARTER, i])
    # Surviving firms take over part of the customers of those leaving, pro rata.
    base_demand = values[BASE_DEMAND]
    lost = psum_where(base_demand, leaving, n)
    remaining = psum_where(base_demand, alive, n)
    if lost > 0 and remaining > 0:
        factor = 1.0 + ABSORBED_SHARE * lost / remaining
        for i in rows(n):
            base_demand[i] *= where(alive[i], factor, 1.0)
    return count(hazard_exit, n), count(cash_exit, n)


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
