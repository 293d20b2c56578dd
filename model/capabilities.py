"""Step 5: capabilities move: learning, depreciation, cluster spillover, productivity ramp-up."""

from __future__ import annotations

import math

import numpy as np

from agents.economics import productivity_gain
from agents.kinds import ADDED_SERVICES
from model.state import FirmState

DIGITAL_DEPRECIATION = 0.05  # per year: technology ages
SERVICE_DEPRECIATION = 0.03  # per year, in firms that sell no services
TRANSITION_LEARNING = 0.04  # per quarter of a climb, share of the gap to full service capability
PRACTICE_LEARNING = 0.005  # per quarter: running a service offer keeps skills up
CLUSTER_SPILLOVER = 0.10  # per year, share of the gap to the cluster's mean digital capability


def update(firms: FirmState, params: dict, quarter: int, dt: float) -> int:
    """Advance capabilities one quarter and mark new digital adopters.

    Args:
        firms: firm state, updated in place.
        params: resolved parameters.
        quarter: current step (recorded as adoption quarter).
        dt: step length in years.

    Returns:
        The number of firms that passed the adoption mark this quarter.

    """
    n = firms.n
    alive = firms.alive[:n]
    offering = firms.rung[:n] >= ADDED_SERVICES
    rate = np.where(alive & firms.servitizing[:n], TRANSITION_LEARNING,
                    np.where(alive & offering, PRACTICE_LEARNING, 0.0))
    firms.service[:n] += rate * (1 - firms.service[:n])
    firms.service[:n] *= np.where(offering, 1.0, math.exp(-SERVICE_DEPRECIATION * dt))
    firms.digital[:n] *= math.exp(-DIGITAL_DEPRECIATION * dt)
    members = alive & firms.cluster[:n]
    if members.any():
        mean_digital = firms.digital[:n][members].mean()
        gap = np.maximum(mean_digital - firms.digital[:n], 0.0)
        firms.digital[:n] += np.where(members, -math.expm1(-CLUSTER_SPILLOVER * dt) * gap, 0.0)
    # Productivity follows digital capability with the ramp-up's time constant.
    target = productivity_gain(firms.digital[:n], params["digital_productivity_gain"],
                               params["adoption_mark"])
    firms.productivity_gain[:n] += (-math.expm1(-dt / params["digital_rampup_years"])
                                    * (target - firms.productivity_gain[:n]))
    newly = alive & ~firms.adopted[:n] & (firms.digital[:n] >= params["adoption_mark"])
    firms.adopted[:n] |= newly
    firms.adoption_quarter[:n][newly] = quarter
    return int(newly.sum())


def wright_multiplier(cumulative: int, initial: int, learning_rate: float) -> float:
    """Wright's law: cost falls by ``learning_rate`` per doubling of cumulative adoptions."""
    if cumulative <= 0 or initial <= 0 or learning_rate <= 0:
        return 1.0
    b = -math.log2(1.0 - learning_rate)
    return (max(cumulative, initial) / initial) ** (-b)
