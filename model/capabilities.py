"""Step 5: capabilities move: learning, depreciation, cluster spillover, productivity ramp-up."""

from __future__ import annotations

import math

import numpy as np

from agents.economics import productivity_gain
from agents.exact import count, psum_where
from agents.jit import kernel, maximum, rows, where
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
    alive, cluster = flags[IS_ALIVE], flags[IS_CLUSTER]
    service, digital = values[SERVICE], values[DIGITAL]
    members = np.zeros(n, np.bool_)
    for i in rows(n):
        offering = codes[RUNG, i] >= ADDED_SERVICES
        rate = where(alive[i] & flags[IS_SERVITIZING, i], TRANSITION_LEARNING,
                     where(alive[i] & offering, PRACTICE_LEARNING, 0.0))
        service[i] += rate * (1 - service[i])
        service[i] *= where(offering, 1.0, service_kept)
        digital[i] *= digital_kept
        members[i] = alive[i] & cluster[i]
    size = count(members, n)
    mean_digital = psum_where(digital, members, n) / size if size else 0.0
    newly = np.zeros(n, np.bool_)
    for i in rows(n):
        gap = maximum(mean_digital - digital[i], 0.0)
        digital[i] += where(members[i], spillover * gap, 0.0)
        # Productivity follows digital capability with the ramp-up's time constant.
        target = productivity_gain(digital[i], gain_at_mark, adoption_mark)
        values[PRODUCTIVITY_GAIN, i] += ramp_up * (target - values[PRODUCTIVITY_GAIN, i])
        newly[i] = alive[i] & ~flags[IS_ADOPTED, i] & (digital[i] >= adoption_mark)
        flags[IS_ADOPTED, i] |= newly[i]
        codes[ADOPTION_QUARTER, i] = where(newly[i], quarter, codes[ADOPTION_QUARTER, i])
    return count(newly, n)


def wright_multiplier(cumulative: int, initial: int, learning_rate: float) -> float:
    """Wright's law: cost falls by ``learning_rate`` per doubling of cumulative adoptions."""
    if cumulative <= 0 or initial <= 0 or learning_rate <= 0:
        return 1.0
    b = -math.log2(1.0 - learning_rate)
    return (max(cumulative, initial) / initial) ** (-b)
