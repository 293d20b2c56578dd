"""The analysis's English sentences for boxes and tree leaves.

A box's limits are inclusive (:func:`~experiments.analysis.prim.in_box`), so a box reads
``x <= 0.3`` or ``x >= 0.7``; a decision tree splits ``x <= cut`` from ``x > cut``, so its
lower limits are strict. A limit that leaves out only a few runs is told as such, so that a
reader does not take a near-empty restriction for a condition most futures fail to meet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.prim import could_stand_out, in_box, percent, stands_out_at

NARROW = 0.1
"""A restriction that leaves out less than this share of the runs is told as narrow."""


def limit_text(value: float) -> str:
    """Format a limit: a whole number (a year, a count) as it is, others to 3 digits."""
    rounded = float(f"{value:.3g}")
    if float(value).is_integer() and abs(value) < 1e5:
        return str(int(value))
    return f"{rounded:,.0f}" if abs(rounded) >= 1000 else f"{rounded:.3g}"


def left_out(x: pd.DataFrame, limits: dict[str, tuple[float, float]]) -> dict[str, float]:
    """The share of the runs of ``x`` that each restriction, on its own, leaves out."""
    return {name: float(1 - in_box(x, {name: lim}).mean()) if len(x) else 0.0
            for name, lim in limits.items()}


def condition(name: str, lo: float, hi: float, left: float | None = None,
              strict_low: bool = False) -> str:
    """Tell one restriction in words: ``x <= 0.3``, ``x >= 0.7``, ``x between 0.2 and 0.5``.

    Args:
        name: the parameter.
        lo: the lower limit (``-inf``: unrestricted).
        hi: the upper limit (``inf``: unrestricted).
        left: the share of the runs the restriction leaves out; under :data:`NARROW` the
            sentence says so.
        strict_low: the lower limit is excluded (a decision tree's right branch).

    """
    if np.isfinite(lo) and np.isfinite(hi):
        text = (f"{limit_text(lo)} < {name} <= {limit_text(hi)}" if strict_low
                else f"{name} between {limit_text(lo)} and {limit_text(hi)}")
    elif np.isfinite(hi):
        text = f"{name} <= {limit_text(hi)}"
    else:
        text = f"{name} {'>' if strict_low else '>='} {limit_text(lo)}"
    if left is not None and left < NARROW:
        text += f" (which leaves out only {percent(left)} of runs)"
    return text


def box_sentence(scenario: str, conditions: list[str], coverage: float, density: float,
                 overall: float | None = None) -> str:
    """Tell a box as one plain sentence (``overall``: the class's share of all runs)."""
    where = "when " + " and ".join(conditions) if conditions else "over the whole range explored"
    against = f", against {percent(overall)} overall" if overall is not None else ""
    weak = ("; it does not stand out" if conditions and overall is not None
            and could_stand_out(overall) and not stands_out_at(density, overall) else "")
    return (f"{where}, {percent(density)} of runs are {scenario}{against} "
            f"(this box holds {percent(coverage)} of all {scenario} runs){weak}")


def tree_sentence(rule: list[str], scenario: str, share: float, runs: int) -> str:
    """Tell a decision tree's leaf: its rule, its class and how many of its runs are of it."""
    where = "when " + " and ".join(rule) if rule else "over all runs"
    return (f"{where}, the tree says {scenario} ({percent(share)} of its {runs} runs are "
            f"{scenario})")


def shares_text(overall: pd.DataFrame) -> str:
    """Each class's share of all runs (the ``all`` rows of the shares), e.g. ``low 0.2%``."""
    return ", ".join(f"{r.scenario} {percent(r.share)}" for r in overall.itertuples())
