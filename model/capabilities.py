"""Step 5: capabilities move: learning, depreciation, cluster spillover, productivity ramp-up."""

from __future__ import annotations

import math

import numpy as np

from agents.economics import productivity_gain
from agents.exact import psum_where
from agents.jit import kernel, maximum, rows, tally, where
from agents.kinds import ADDED_SERVICES
from model.state import (
    ADOPTION_QUARTER,
    DIGITAL,
    IS_ADOPTED,
    IS_ALIVE,
    IS_CLUSTER,
    IS_SERVITIZING,
    PRODUCTIVITY_GAIN,
    RUNG,
    SERVICE,
    FirmState,
)

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
    return int(_update(firms.values, firms.codes, firms.flags, firms.n, quarter,
                       math.exp(-SERVICE_DEPRECIATION * dt), math.exp(-DIGITAL_DEPRECIATION * dt),
                       -math.expm1(-CLUSTER_SPILLOVER * dt),
                       -math.expm1(-dt / params["digital_rampup_years"]),
                       params["digital_productivity_gain"], params["adoption_mark"]))


@kernel
def _update(values, codes, flags, n, quarter, service_kept, digital_kept, spillover, ramp_up,
            gain_at_mark, adoption_mark):
    alive, cluster, servitizing = flags[IS_ALIVE], flags[IS_CLUSTER], flags[IS_SERVITIZING]
    adopted, adoption_quarter, rung = flags[IS_ADOPTED], codes[ADOPTION_QUARTER], codes[RUNG]
    service, digital, gain = values[SERVICE], values[DIGITAL], values[PRODUCTIVITY_GAIN]
    members = np.empty(n, np.bool_)
    size = 0
    for i in rows(n):
        offering = rung[i] >= ADDED_SERVICES
        rate = where(alive[i] & servitizing[i], TRANSITION_LEARNING,
                     where(alive[i] & offering, PRACTICE_LEARNING, 0.0))
        skill = service[i] + rate * (1 - service[i])
        service[i] = skill * where(offering, 1.0, service_kept)
        digital[i] = digital[i] * digital_kept
        members[i] = alive[i] & cluster[i]
        size += tally(members[i])
    mean_digital = psum_where(digital, members, n) / size if size else 0.0
    newly = 0
    fresh = np.empty(n, np.bool_)
    for i in rows(n):
        level = digital[i] + where(members[i], spillover * maximum(mean_digital - digital[i],
                                                                   0.0), 0.0)
        digital[i] = level
        # Productivity follows digital capability with the ramp-up's time constant.
        target = productivity_gain(level, gain_at_mark, adoption_mark)
        gain[i] = gain[i] + ramp_up * (target - gain[i])
        fresh[i] = alive[i] & ~adopted[i] & (level >= adoption_mark)
        newly += tally(fresh[i])
    # The marks in a loop of their own: in the loop above, LLVM makes their updates masked
    # stores, which run it four times slower.
    for i in rows(n):
        adopted[i] = adopted[i] | fresh[i]
        adoption_quarter[i] = where(fresh[i], quarter, adoption_quarter[i])
    return newly


def wright_multiplier(cumulative: int, initial: int, learning_rate: float) -> float:
    """Wright's law: cost falls by ``learning_rate`` per doubling of cumulative adoptions."""
    if cumulative <= 0 or initial <= 0 or learning_rate <= 0:
        return 1.0
    b = -math.log2(1.0 - learning_rate)
    return (max(cumulative, initial) / initial) ** (-b)
