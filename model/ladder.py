"""The service ladder: climbing a rung, finishing the climb, and abandoning an offer that fails.

A firm's rung is its state: goods only, added services, pay-per-use, performance contracts.
Climbing costs capex (booked by the investment round) and, for ``transition_quarters``, a
service-organisation cost in proportion to the service sales the new rung should bring (the
team is hired and trained before the sales come: the J-curve). Running a pay-per-use or
performance offer costs an overhead every quarter; an offer that does not cover it for as long
as a climb lasts is abandoned and the firm steps back to added services: the servitization
paradox, "costs that can exceed the hoped-for gains" (evidence-v2 section 3).
"""

from __future__ import annotations

import numpy as np

from agents.economics import WAGE
from agents.jit import kernel, rows, rule, tally, where
from agents.kinds import ADDED_SERVICES, PAY_PER_USE, PERFORMANCE
from model.state import (
    ABANDONED,
    EMPLOYEES,
    IS_ALIVE,
    IS_SERVITIZING,
    LOSS_QUARTERS,
    RUNG,
    SERVICE_PROFIT,
    TRANSITION_QUARTERS,
    FirmState,
)


def payroll(firms: FirmState, rows=None) -> np.ndarray:
    """Quarterly payroll of firms, EUR."""
    rows = slice(0, firms.n) if rows is None else rows
    return firms.employees[rows] * WAGE / 4


@rule
def organisation_costs(alive, servitizing, rung, climb_cost, employees,
                       overhead_share: float):
    """A firm's service-organisation costs this quarter (see :func:`costs`)."""
    climbing = alive & servitizing
    running = alive & (rung >= PAY_PER_USE)
    return climb_cost * climbing + overhead_share * (employees * WAGE / 4) * running


def costs(firms: FirmState, params: dict) -> np.ndarray:
    """Service-organisation costs this quarter: climbs under way and offers being run.

    A climb costs what its decision expected (``climb_cost``: a share of the service sales
    the new rung should bring); an offer of pay-per-use or performance contracts costs
    ``service_overhead_share`` of payroll.
    """
    n = firms.n
    return organisation_costs(firms.alive[:n], firms.servitizing[:n], firms.rung[:n],
                              firms.climb_cost[:n], firms.employees[:n],
                              params["service_overhead_share"])


def start_climbs(firms: FirmState, rows: np.ndarray) -> None:
    """Firms in ``rows`` step up one rung and start paying for the climb."""
    firms.rung[rows] = np.minimum(firms.rung[rows] + 1, PERFORMANCE)
    firms.servitizing[rows] = True
    firms.transition_quarters[rows] = 0
    firms.loss_quarters[rows] = 0


def advance(firms: FirmState, params: dict) -> int:
    """One more quarter of every climb under way; climbs that have run their course end.

    Returns:
        The number of climbs finished this quarter.

    """
    return advance_climbs(firms, params)[2]


def advance_climbs(firms: FirmState, params: dict) -> tuple[int, int, int]:
    """:func:`advance`, counting first the climbs that started this quarter.

    Returns:
        (climbs started this quarter, of which to pay-per-use or beyond, climbs finished).

    """
    started, usage, done = _advance(firms.codes, firms.flags, firms.n,
                                    params["transition_quarters"])
    return int(started), int(usage), int(done)  # numpy's counts are numpy ints


@kernel
def _advance(codes, flags, n, transition_quarters):
    # Counted as the loop goes (no masks to count afterwards: a second pass over the rows).
    started = started_usage = done = 0
    for i in rows(n):
        starting = flags[IS_SERVITIZING, i] & (codes[TRANSITION_QUARTERS, i] == 0)
        started += tally(starting)
        started_usage += tally(starting & (codes[RUNG, i] >= PAY_PER_USE))
        climbing = flags[IS_ALIVE, i] & flags[IS_SERVITIZING, i]
        codes[TRANSITION_QUARTERS, i] += climbing
        finished = climbing & (codes[TRANSITION_QUARTERS, i] >= transition_quarters)
        done += tally(finished)
        flags[IS_SERVITIZING, i] &= ~finished
    return started, started_usage, done


def abandon_failing_offers(firms: FirmState, params: dict) -> int:
    """Offers that lost money for as long as a climb lasts are given up (back to rung 1).

    Returns:
        The number of offers abandoned this quarter.

    """
    return int(_abandon(firms.values, firms.codes, firms.flags, firms.n,
                        params["service_overhead_share"], params["transition_quarters"]))


@kernel
def _abandon(values, codes, flags, n, overhead_share, transition_quarters):
    abandoned = 0
    for i in rows(n):
        running = (flags[IS_ALIVE, i] & (codes[RUNG, i] >= PAY_PER_USE)
                   & ~flags[IS_SERVITIZING, i])
        overhead = overhead_share * (values[EMPLOYEES, i] * WAGE / 4)
        losing = running & (values[SERVICE_PROFIT, i] < overhead)
        codes[LOSS_QUARTERS, i] = where(losing, codes[LOSS_QUARTERS, i] + 1, 0)
        failed = losing & (codes[LOSS_QUARTERS, i] >= transition_quarters)
        codes[RUNG, i] = where(failed, ADDED_SERVICES, codes[RUNG, i])
        codes[ABANDONED, i] += failed
        codes[LOSS_QUARTERS, i] = where(failed, 0, codes[LOSS_QUARTERS, i])
        abandoned += tally(failed)
    return abandoned
