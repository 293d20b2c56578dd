"""How many futures, and policies, a box's runs come from (crossed designs).

A crossed design runs every policy in every future with a few seeds, so a box's runs are not
independent draws. A box that restricts only uncertainties holds whole futures, each with the
runs of every policy and seed: its evidence is its distinct futures, not its runs (the workshop
study's ``low`` box holds 366 runs from 6 of the 128 futures). A box that restricts levers holds
whole policies: its evidence is also its distinct policies. So each box counts them, among the
runs its own statistics use, and its sentence tells them against the design's totals.

A box whose runs come from fewer than :data:`FEW` futures (or, restricting a lever, fewer than
:data:`FEW` policies) is told as a lead resting on few of them, as a condition found again in
fewer than half of the random halves is told as a lead, not a finding. Nothing is dropped: the
box and its numbers stay, only what they rest on is said. Other designs (LHS, Sobol, Morris,
grid) have no futures or policies to count, and their sentences are unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

FEW = 10
"""Below this many futures (or policies, for a box over levers) a box is a lead, not a finding.

Why 10: the futures are what the design drew from the uncertainties, and a box's runs in one
future share every uncertainty, differing only by policy and seed. Under 10 futures, each holds
on average more than a tenth of the box's runs, so that one future more or less changes what the
box says, whatever its run count; and a random half of the futures (the
recurrence check, :mod:`experiments.analysis.recurrence`) holds fewer than 5 of them, too few
for the search to find the box again. The same holds of the policies behind a box over levers.
"""
COLUMNS = ["futures", "futures_total", "policies", "policies_total"]
"""The stored counts: distinct futures (and policies, for a box restricting a lever; empty
otherwise) of the box's runs, and the design's totals. Empty outside a crossed design."""


@dataclass(frozen=True)
class Crossed:
    """The future and the policy of each run a box search looks at, and the design's totals.

    Attributes:
        futures: each run's future (``scenario_id``).
        policies: each run's policy (``policy_id``).
        levers: the parameters that are levers (a box restricting one counts its policies).
        futures_total: the design's futures.
        policies_total: the design's policies.

    """

    futures: np.ndarray
    policies: np.ndarray
    levers: frozenset[str]
    futures_total: int
    policies_total: int

    @classmethod
    def of(cls, spec: dict, samples: pd.DataFrame, points: Iterable) -> Crossed | None:
        """The units of the runs at ``points`` (design point ids), or ``None`` if not crossed.

        Args:
            spec: the resolved experiment (``design``, ``groups``).
            samples: the design (``point_id``, ``policy_id``, ``scenario_id``).
            points: each run's design point, in the order of the runs searched.

        """
        if spec.get("design") != "crossed" or not {"policy_id", "scenario_id"} <= set(samples):
            return None
        design = samples.set_index("point_id")[["scenario_id", "policy_id"]]
        units = design.reindex(np.asarray(list(points)))
        levers = frozenset(n for n, g in (spec.get("groups") or {}).items() if g == "levers")
        return cls(units["scenario_id"].to_numpy(), units["policy_id"].to_numpy(), levers,
                   int(samples["scenario_id"].nunique()), int(samples["policy_id"].nunique()))

    def spread(self, inside: np.ndarray, restricted: Iterable[str]) -> dict[str, float]:
        """The distinct futures (and policies, if a lever is restricted) of the box's runs.

        Args:
            inside: which runs are in the box (a mask over the runs searched).
            restricted: the box's restricted parameters.

        Returns:
            The :data:`COLUMNS`; ``policies`` and ``policies_total`` are missing for a box that
            restricts no lever, whose runs come from every policy searched.

        """
        inside = np.asarray(inside, dtype=bool)
        by_levers = bool(self.levers & set(restricted))
        return {"futures": len(pd.unique(self.futures[inside])),
                "futures_total": self.futures_total,
                # missing, not NaN: the table then stores whole numbers and blanks
                "policies": len(pd.unique(self.policies[inside])) if by_levers else pd.NA,
                "policies_total": self.policies_total if by_levers else pd.NA}


def policy_box_spread(kind: str, found: dict | None, samples: pd.DataFrame) -> dict[str, float]:
    """The :data:`COLUMNS` of a policy box, counted over the runs its search found inside it.

    Args:
        kind: ``levers_high``, ``levers_low`` (boxes over levers) or ``breaks_best``.
        found: the box (``limits``, and ``units``: the future and policy of each run inside,
            as :func:`~experiments.analysis.policies.lever_box` and ``breaking_box`` give it).
        samples: the crossed design.

    """
    if not found:
        return dict.fromkeys(COLUMNS, pd.NA)
    units = found["units"]
    levers = frozenset(found["limits"]) if kind.startswith("levers") else frozenset()
    crossed = Crossed(units["scenario_id"].to_numpy(), units["policy_id"].to_numpy(), levers,
                      int(samples["scenario_id"].nunique()), int(samples["policy_id"].nunique()))
    return crossed.spread(np.ones(len(units), dtype=bool), found["limits"])


def few(spread: dict | pd.Series) -> list[str]:
    """Which of ``futures`` and ``policies`` the box's runs come from fewer than :data:`FEW` of.

    Counts that are missing (another design, a box over uncertainties only, an older
    analysis) are never few.
    """
    return [unit for unit in ("futures", "policies") if _count(spread, unit) is not None
            and _count(spread, unit) < FEW]


def counted(spread: dict | pd.Series) -> list[tuple[str, int, int]]:
    """The stored counts a sentence tells: ``(unit, count, total)`` for futures, then policies."""
    out = []
    for unit in ("futures", "policies"):
        n, total = _count(spread, unit), _count(spread, f"{unit}_total")
        if n is not None and total is not None:
            out.append((unit, n, total))
    return out


def _count(spread: dict | pd.Series, key: str) -> int | None:
    value = spread.get(key) if hasattr(spread, "get") else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return int(value) if math.isfinite(value) else None


def spread_words(spread: dict | pd.Series) -> str:
    """The counts in the analysis's English: ``from 6 of the 128 futures`` (or ``""``)."""
    parts = [f"{n} of the {total} {unit}" for unit, n, total in counted(spread)]
    return "from " + " and ".join(parts) if parts else ""


def few_words(spread: dict | pd.Series) -> str:
    """``a lead resting on few futures`` (and/or policies) when the rule says so, else ``""``."""
    units = few(spread)
    return "a lead resting on " + " and ".join(f"few {u}" for u in units) if units else ""
