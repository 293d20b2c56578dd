"""Levers changed during a run, as in NetLogo: what the region decides can change any quarter.

A lever's new value holds from the next step on. Most levers are read from ``model.p`` each
quarter; the subsidy budgets also live in the policy's calls (scaled to the simulated
population) and the imitation boost in a per-firm array, so those are updated too. A new
``cluster_share`` changes who is a member: firms join (each linked to a member, as when the
population is built) or leave (their contacts stay). Every uncertainty and constant changes
only with a new run (they describe the world the run started in).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.uniforms import uniforms
from model.parameters import ParameterError, registry

#: Levers that take effect at the next quarter (the others need a new run).
LIVE_LEVERS = ("subsidy_rate", "subsidy_budget_relance", "subsidy_budget_after",
               "support_conversion_rate", "secure_framework", "cluster_share",
               "cluster_imitation_multiplier")


def hold(p: dict[str, Any]) -> dict[str, Any]:
    """Keep the live levers at their registry defaults until ``lever_start_year``.

    A study of what the region can do from a given year varies the levers from that year on:
    before it, the region's actual policy (the registry defaults, which the 2020-2024 data
    describe) holds, so a run's history is not rewritten by a lever set today. Called on the
    resolved parameters before the model is built from them: the firms, their clusters and
    the subsidy calls of 2020 are those of the region's actual policy.

    Args:
        p: the resolved parameters; each held lever is set to its default in place.

    Returns:
        The held levers' requested values, released by :func:`release` (empty when the levers
        act from the first year).

    """
    if p["lever_start_year"] <= p["start_year"]:
        return {}
    known = registry()  # read when a model is built, never at import
    held = {n: p[n] for n in LIVE_LEVERS if p[n] != known[n].default}
    for name in held:
        p[name] = known[name].default
    return held


def release(model: Any) -> None:
    """Set the held levers to their requested values once ``lever_start_year`` has come."""
    if model.held_levers and model.year >= model.p["lever_start_year"]:
        for name, value in model.held_levers.items():
            set_lever(model, name, value)
        model.held_levers = {}


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
    value = registry()[name].coerce(value)
    before, model.p[name] = model.p[name], value
    scale = model.p["population_scale"]
    if name == "subsidy_budget_relance":
        model.policy.relance_budget = value * scale  # waves not yet opened release the new one
    elif name == "subsidy_budget_after":
        model.policy.yearly_budget_after = value * scale
    elif name == "cluster_share" and value != before:
        _change_membership(model, before, value)
    if name in ("cluster_share", "cluster_imitation_multiplier"):
        model.imitation = np.where(model.firms.cluster[: len(model.imitation)],
                                   model.p["cluster_imitation_multiplier"], 1.0)
    return value


def _change_membership(model: Any, before: float, after: float) -> None:
    """Bring the members' share from ``before`` to ``after``, with the model's generator.

    Each non-member joins with the chance that lifts the drawn share to ``after``
    ((after - before) / (1 - before)), or each member leaves with the chance that lowers it
    ((before - after) / before); the rows of firms not yet entered too, as when the
    population is built. A firm that joins is linked to one member drawn at random, as every
    member is at the start (``model.population.build_network``); one that leaves keeps its
    contacts.
    """
    f = model.firms
    draw = uniforms(model.rng, f.capacity)
    if after > before:
        joining = ~f.cluster & (draw < (after - before) / (1.0 - before))
        f.cluster |= joining
        joiners = np.flatnonzero(joining)
        members = np.flatnonzero(f.cluster)
        partners = members[model.rng.integers(0, len(members), len(joiners))]
        model.network.add_links(joiners, partners, f.alive, f.adopted)
    else:
        f.cluster &= ~(draw < (before - after) / before)
