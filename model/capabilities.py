"""Step 5: capabilities move: learning during the transition, depreciation, cluster spillover."""

from __future__ import annotations

import math

import numpy as np

from model.state import FirmState

DIGITAL_DEPRECIATION = 0.05  # per year: technology ages
SERVICE_DEPRECIATION = 0.03  # per year
TRANSITION_LEARNING = 0.04  # per quarter, share of the gap to full service capability
PRACTICE_LEARNING = 0.005  # per quarter after the transition: running services keeps skills up
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
    learning = alive & firms.servitizing[:n] & (firms.transition_quarters[:n]
                                                < params["transition_quarters"])
    practising = alive & firms.servitizing[:n] & ~learning
    rate = np.where(learning, TRANSITION_LEARNING, np.where(practising, PRACTICE_LEARNING, 0.0))
    firms.service[:n] += rate * (1 - firms.service[:n])
    firms.digital[:n] *= math.exp(-DIGITAL_DEPRECIATION * dt)
    # Service skills fade only in firms that do not run a service offer.
    firms.service[:n] *= np.where(firms.servitizing[:n], 1.0, math.exp(-SERVICE_DEPRECIATION * dt))
    members = alive & firms.cluster[:n]
    if members.any():
        mean_digital = firms.digital[:n][members].mean()
        gap = np.maximum(mean_digital - firms.digital[:n], 0.0)
        firms.digital[:n] += np.where(members, -math.expm1(-CLUSTER_SPILLOVER * dt) * gap, 0.0)
    firms.transition_quarters[:n] += (alive & firms.servitizing[:n]).astype(np.int32)
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
