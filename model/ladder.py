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
from agents.kinds import ADDED_SERVICES, PAY_PER_USE, PERFORMANCE
from model.state import FirmState


def payroll(firms: FirmState, rows=None) -> np.ndarray:
    """Quarterly payroll of firms, EUR."""
    rows = slice(0, firms.n) if rows is None else rows
    return firms.employees[rows] * WAGE / 4


def costs(firms: FirmState, params: dict) -> np.ndarray:
    """Service-organisation costs this quarter: climbs under way and offers being run.

    A climb costs what its decision expected (``climb_cost``: a share of the service sales
    the new rung should bring); an offer of pay-per-use or performance contracts costs
    ``service_overhead_share`` of payroll.
    """
    n = firms.n
    climbing = firms.alive[:n] & firms.servitizing[:n]
    running = firms.alive[:n] & (firms.rung[:n] >= PAY_PER_USE)
    return (firms.climb_cost[:n] * climbing
            + params["service_overhead_share"] * payroll(firms) * running)


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
    n = firms.n
    climbing = firms.alive[:n] & firms.servitizing[:n]
    firms.transition_quarters[:n] += climbing.astype(np.int32)
    done = climbing & (firms.transition_quarters[:n] >= params["transition_quarters"])
    firms.servitizing[:n] &= ~done
    return int(done.sum())


def abandon_failing_offers(firms: FirmState, params: dict) -> int:
    """Offers that lost money for as long as a climb lasts are given up (back to rung 1).

    Returns:
        The number of offers abandoned this quarter.

    """
    n = firms.n
    running = firms.alive[:n] & (firms.rung[:n] >= PAY_PER_USE) & ~firms.servitizing[:n]
    overhead = params["service_overhead_share"] * payroll(firms)
    losing = running & (firms.service_profit[:n] < overhead)
    firms.loss_quarters[:n] = np.where(losing, firms.loss_quarters[:n] + 1, 0)
    failed = losing & (firms.loss_quarters[:n] >= params["transition_quarters"])
    firms.rung[:n][failed] = ADDED_SERVICES
    firms.abandoned[:n][failed] += 1
    firms.loss_quarters[:n][failed] = 0
    return int(failed.sum())
