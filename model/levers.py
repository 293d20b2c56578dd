"""Levers changed during a run, as in NetLogo: what the region decides can change any quarter.

A lever's new value holds from the next step on. Most levers are read from ``model.p`` each
quarter; the subsidy budgets also live in the policy's calls (scaled to the simulated
population) and the imitation boost in a per-firm array, so those are updated too. Cluster
membership is drawn when the population is built: ``cluster_share`` changes only with a new
run, and so does every uncertainty and constant (they describe the world the run started in).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.parameters import REGISTRY, ParameterError

#: Levers that take effect at the next quarter (the others need a new run).
LIVE_LEVERS = ("subsidy_rate", "subsidy_budget_relance", "subsidy_budget_after",
               "support_conversion_rate", "secure_framework", "cluster_imitation_multiplier")


def is_live(name: str) -> bool:
    """Whether changing ``name`` during a run takes effect at the next quarter."""
    return name in LIVE_LEVERS


def set_lever(model: Any, name: str, value: Any) -> Any:
    """Change one lever of a running model; it holds from the next quarter on.

    Args:
        model: a :class:`model.ServitizationModel`.
        name: one of :data:`LIVE_LEVERS`.
        value: the new value, checked against the registry.

    Returns:
        The value set (coerced to the parameter's type).

    Raises:
        ParameterError: not a live lever, or a value the registry refuses.

    """
    if name not in LIVE_LEVERS:
        raise ParameterError(name, "changes only with a new run (Reset); levers changed "
                                   f"during a run: {', '.join(LIVE_LEVERS)}")
    value = REGISTRY[name].coerce(value)
    model.p[name] = value
    scale = model.p["population_scale"]
    if name == "subsidy_budget_relance":
        model.policy.relance_budget = value * scale  # waves not yet opened release the new one
    elif name == "subsidy_budget_after":
        model.policy.yearly_budget_after = value * scale
    elif name == "cluster_imitation_multiplier":
        model.imitation = np.where(model.firms.cluster[: len(model.imitation)], value, 1.0)
    return value
