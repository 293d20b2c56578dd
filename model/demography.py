"""Step 9 (demography): exits of establishments, and new sites, some drawn by clusters."""

from __future__ import annotations

import numpy as np

from agents.chance import below_bound, happens
from agents.exact import count, nonzero, psum, psum_where
from agents.jit import kernel, rows, rule, tally, where
from agents.uniforms import uniforms
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
    hazard_exits, cash_exits = _exits(firms.values, firms.codes, firms.flags, n,
                                      uniforms(rng, n), base_hazard,
                                      params["transition_exit_multiplier"],
                                      params["servitized_exit_multiplier"], quarter, dt)
    return {"hazard": int(hazard_exits), "cash": int(cash_exits)}


@rule
def exit_argument(base_hazard, climbing, servitized, margin, transition_multiplier,
                  servitized_multiplier, dt):
    """``-hazard * dt`` of a firm's exit this quarter (the argument of ``expm1``).

    The baseline hazard is higher during a climb up the service ladder or at a loss, and
    lower once servitized.
    """
    multiplier = (1.0 + (transition_multiplier - 1.0) * climbing
                  + (servitized_multiplier - 1.0) * (servitized & ~climbing))
    multiplier *= 1.0 + (LOSS_HAZARD_MULTIPLIER - 1.0) * (margin < 0)
    return -(base_hazard * multiplier) * dt


@kernel
def _exits(values, codes, flags, n, draw, base_hazard, transition_multiplier,
           servitized_multiplier, quarter, dt):
    """:func:`exits` given its draws: (hazard exits, cash exits).

    One pass over the firms decides every row but the few whose draw may be below the
    hazard (:func:`agents.chance.below_bound`); their hazard is computed again, the same
    way, and decided with ``expm1``. Only the rows leaving are then visited.
    """
    alive = flags[IS_ALIVE]
    maybe, leaving = np.empty((2, n), np.bool_)
    cash_exits = 0
    for i in rows(n):
        maybe[i] = below_bound(exit_argument(base_hazard[i], flags[IS_SERVITIZING, i],
                                             flags[IS_SERVITIZED, i], values[MARGIN, i],
                                             transition_multiplier, servitized_multiplier, dt),
                               draw[i], alive[i])
        # A firm that may leave for the hazard is decided below; any other leaves if its
        # cash is exhausted.
        leaving[i] = alive[i] & ~maybe[i] & (values[CASH, i] < 0)
        cash_exits += tally(leaving[i])
        alive[i] &= ~leaving[i]
    close = nonzero(maybe, n)
    k = len(close)
    argument = np.empty(k)
    for j in rows(k):
        i = close[j]
        argument[j] = exit_argument(base_hazard[i], flags[IS_SERVITIZING, i],
                                    flags[IS_SERVITIZED, i], values[MARGIN, i],
                                    transition_multiplier, servitized_multiplier, dt)
    hazard_exit = happens(argument, draw, close, k)
    for j in rows(k):
        i = close[j]
        maybe[i] = hazard_exit[j]  # from here on: the hazard exits
        cash_exit = ~hazard_exit[j] & (values[CASH, i] < 0)
        cash_exits += tally(cash_exit)
        leaving[i] = hazard_exit[j] | cash_exit
        alive[i] &= ~leaving[i]
    gone = nonzero(leaving, n)
    lost_demand = np.empty(len(gone))
    for j in rows(len(gone)):
        i = gone[j]
        # A firm that runs out of cash in a quarter when a cyber attack cost it money closes
        # for cyber reasons.
        codes[EXIT_CAUSE, i] = where(maybe[i],
                                     where(flags[IS_SERVITIZING, i], EXIT_TRANSITION,
                                           EXIT_BASELINE),
                                     where(flags[IS_CYBER_HIT, i], EXIT_CYBER, EXIT_CASH))
        codes[EXIT_QUARTER, i] = quarter
        lost_demand[j] = values[BASE_DEMAND, i]
    # Surviving firms take over part of the customers of those leaving, pro rata.
    base_demand = values[BASE_DEMAND]
    lost = psum(lost_demand, len(gone))
    remaining = psum_where(base_demand, alive, n)
    if lost > 0 and remaining > 0:
        factor = 1.0 + ABSORBED_SHARE * lost / remaining
        for i in rows(n):
            base_demand[i] *= where(alive[i], factor, 1.0)
    return count(hazard_exit, k), cash_exits


def entries_this_quarter(rng: np.random.Generator, initial_firms: int, entry_rate: float,
                         cluster_adoptions: int, cluster_attraction: float,
                         dt: float) -> tuple[int, int]:
    """New establishments this quarter: (ordinary entries, sites drawn by clusters).

    Both are Poisson draws: ``entry_rate`` of the initial population a year, and
    ``cluster_attraction`` new sites per adoption by a cluster member this quarter.
    """
    # numpy's Poisson draw of a zero mean is 0 without touching the stream: skipped (most
    # quarters have no cluster adoption), the stream and the counts are the same.
    ordinary_mean = entry_rate * initial_firms * dt
    drawn_mean = cluster_attraction * cluster_adoptions
    return (int(rng.poisson(ordinary_mean)) if ordinary_mean else 0,
            int(rng.poisson(drawn_mean)) if drawn_mean else 0)
