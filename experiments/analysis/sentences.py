"""The analysis's English sentences for boxes and tree leaves.

A box's limits are inclusive (:func:`~experiments.analysis.prim.in_box`), so a box reads
``x <= 0.3`` or ``x >= 0.7``; a decision tree splits ``x <= cut`` from ``x > cut``, so its
lower limits are strict. A limit that leaves out only a few runs is told as such, so that a
reader does not take a near-empty restriction for a condition most futures fail to meet.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.prim import could_stand_out, in_box, percent, stands_out_at
from experiments.analysis.spread import few_words, spread_words

NARROW = 0.1
"""A restriction that leaves out less than this share of the runs is told as narrow."""


def outward(value: float, side: str, digits: int = 3) -> float:
    """A box's limit to ``digits`` significant digits, rounded away from the box.

    A box's limits sit on the values of its runs (a future's uncertainty, a policy's lever),
    so rounding to the nearest can move a limit past the runs on it: ``>= 0.9107`` told as
    ``>= 0.911`` leaves out the future at 0.9107, and the printed rule no longer holds the runs
    the sentence counts. Rounded down for a lower limit and up for an upper one, it holds them.
    A whole number (a year, a count) is kept as it is.

    Args:
        value: the limit.
        side: ``low`` (a lower limit) or ``high`` (an upper one).
        digits: the significant digits shown.

    """
    if not math.isfinite(value) or value == 0 or (float(value).is_integer()
                                                  and abs(value) < 1e5):
        return value
    scale = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    units = value / scale
    if math.isclose(units, round(units), rel_tol=1e-9):  # already at these digits
        return round(units) * scale
    return (math.floor(units) if side == "low" else math.ceil(units)) * scale


def limit_text(value: float, side: str | None = None) -> str:
    """Format a limit: a whole number (a year, a count) as it is, others to 3 digits.

    Args:
        value: the limit.
        side: ``low`` or ``high`` for a box's inclusive limit, rounded away from the box
            (:func:`outward`); ``None`` (a tree's cut, between two runs) to the nearest.

    """
    rounded = float(f"{outward(value, side) if side else value:.3g}")
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
    # a tree's cut lies between two runs; a box's limits on its own runs, rounded outward
    low, high = (None, None) if strict_low else ("low", "high")
    if np.isfinite(lo) and np.isfinite(hi):
        text = (f"{limit_text(lo)} < {name} <= {limit_text(hi)}" if strict_low
                else f"{name} between {limit_text(lo, low)} and {limit_text(hi, high)}")
    elif np.isfinite(hi):
        text = f"{name} <= {limit_text(hi, high)}"
    else:
        text = f"{name} {'>' if strict_low else '>='} {limit_text(lo, low)}"
    if left is not None and left < NARROW:
        text += f" (which leaves out only {percent(left)} of runs)"
    return text


def box_sentence(scenario: str, conditions: list[str], coverage: float, density: float,
                 overall: float | None = None, runs: int | None = None,
                 spread: dict | None = None) -> str:
    """Tell a box as one plain sentence.

    Args:
        scenario: the box's class.
        conditions: its restrictions in words (:func:`condition`).
        coverage: the share of the class's runs in the box.
        density: the share of the box's runs of the class.
        overall: the class's share of all runs.
        runs: the box's runs; with ``spread``, the sentence names them.
        spread: in a crossed design, the futures (and policies) the box's runs come from
            (:meth:`~experiments.analysis.spread.Crossed.spread`): ``4% of the 366 runs of
            this box (from 6 of the 128 futures) are low``, and, under
            :data:`~experiments.analysis.spread.FEW` of them, ``a lead resting on few
            futures``. Without it (another design) the sentence says ``4% of runs are low``.

    """
    where = "when " + " and ".join(conditions) if conditions else "over the whole range explored"
    against = f", against {percent(overall)} overall" if overall is not None else ""
    weak = ("; it does not stand out" if conditions and overall is not None
            and could_stand_out(overall) and not stands_out_at(density, overall) else "")
    origin = spread_words(spread or {}) if conditions else ""
    of_runs = f"of the {runs} runs of this box ({origin})" if origin and runs else "of runs"
    lead = few_words(spread or {}) if origin else ""
    return (f"{where}, {percent(density)} {of_runs} are {scenario}{against} "
            f"(this box holds {percent(coverage)} of all {scenario} runs){weak}"
            + (f"; {lead}" if lead else ""))


def tree_sentence(rule: list[str], scenario: str, share: float, runs: int) -> str:
    """Tell a decision tree's leaf: its rule, its class and how many of its runs are of it."""
    where = "when " + " and ".join(rule) if rule else "over all runs"
    return (f"{where}, the tree says {scenario} ({percent(share)} of its {runs} runs are "
            f"{scenario})")


def shares_text(overall: pd.DataFrame) -> str:
    """Each class's share of all runs (the ``all`` rows of the shares), e.g. ``low 0.2%``."""
    return ", ".join(f"{r.scenario} {percent(r.share)}" for r in overall.itertuples())
