"""PRIM boxes for scenario discovery: one box for the runs of one class.

EMA Workbench's ``analysis.prim`` peels and pastes; the box is picked on its peeling
trajectory as the best balance of coverage and density (their harmonic mean), then the
restrictions that barely raise the density are dropped. Used by
:mod:`experiments.analysis.discovery`.

Coverage is the share of a class's runs that fall in the box; density is the share of the
box's runs that are of the class.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd

from model.labels import reads_as_zero

MAX_DIMS = 4
DROP_TOLERANCE = 0.01
"""A restriction is dropped when keeping it raises the box's density by less than this."""
MIN_CLASS_RUNS = 5
"""A class with fewer runs gets no box: too few to tell a region from chance."""
STANDS_OUT = 2.0
"""A region "stands out" when its runs end in its class this many times as often as all runs."""


def in_box(x: pd.DataFrame, limits: dict[str, tuple[float, float]]) -> np.ndarray:
    """Return which rows of ``x`` lie in the box (bounds inclusive)."""
    mask = np.ones(len(x), dtype=bool)
    for name, (lo, hi) in limits.items():
        mask &= (x[name].to_numpy() >= lo) & (x[name].to_numpy() <= hi)
    return mask


def _restricted(lims: pd.DataFrame, x: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Return the restricted parameters of a box; an unrestricted side is infinite."""
    out = {}
    for name in x:
        lo, hi = float(lims.loc[0, name]), float(lims.loc[1, name])
        lo = lo if lo > x[name].min() else -np.inf
        hi = hi if hi < x[name].max() else np.inf
        if np.isfinite(lo) or np.isfinite(hi):
            out[name] = (lo, hi)
    return out


def stands_out_at(density: float, share: float) -> bool:
    """Whether a region's runs end in a class :data:`STANDS_OUT` times as often as all runs do.

    Args:
        density: the share of the region's runs that end in the class.
        share: the class's share of all runs.

    """
    # shares are ratios of run counts: a region exactly at the bound stands out
    return share > 0 and density >= STANDS_OUT * share - 1e-12


def could_stand_out(share: float) -> bool:
    """Whether a region could stand out for a class of this share (under 1 / STANDS_OUT).

    For a class most runs reach (88% of the workshop's runs are ``trend``), no region can hold
    it twice as often: saying that a region does not stand out would tell nothing.
    """
    return share > 0 and STANDS_OUT * share < 1


def percent(share: float) -> str:
    """A share in a box sentence: ``45%``, or ``0.2%`` (:func:`model.labels.reads_as_zero`)."""
    return f"{100 * share:.1g}%" if reads_as_zero(share) else f"{round(100 * share)}%"


def box_stats(mask: np.ndarray, y: np.ndarray, total: int) -> tuple[float, float]:
    """A box's coverage (of ``total`` runs of the class) and density (of its runs ``mask``)."""
    inside = int(mask.sum())
    hits = int(y[mask].sum())
    return hits / total if total else 0.0, hits / inside if inside else 0.0


def _f1(coverage: float, density: float) -> float:
    return 2 * coverage * density / (coverage + density) if coverage + density else 0.0


@contextlib.contextmanager
def _stack_names_only() -> Iterator[None]:
    """Let ``inspect.getouterframes`` walk the stack by name only, for the ``with`` block.

    EMA Workbench's ``method_logger`` decorator calls it at import time only to read the
    caller's name, which scans every loaded module for every frame (seconds once pandas,
    matplotlib and scikit-learn are loaded). The real function is back when the block ends.
    """
    original = inspect.getouterframes

    def names_only(frame, context=1):
        frames = []
        while frame is not None:
            frames.append((frame, None, None, frame.f_code.co_name))
            frame = frame.f_back
        return frames

    inspect.getouterframes = names_only
    try:
        yield
    finally:
        inspect.getouterframes = original


@functools.cache
def _prim_module():
    """Import EMA Workbench's PRIM once, quietly and quickly (:func:`_stack_names_only`)."""
    with _stack_names_only(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed": we never use it
        from ema_workbench.analysis import prim
    return prim


def prim_box(x: pd.DataFrame, y: np.ndarray, total: int,
             max_dims: int = MAX_DIMS) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Find one PRIM box for the runs where ``y`` is true, picked on the peeling trajectory.

    Coverage is counted against ``total`` (all runs of the class, also those outside ``x``).
    Returns the restricted parameters' ``(low, high)``, the box's coverage and density.
    """
    prim = _prim_module()
    share = float(np.mean(y))  # a rare class may shrink its box below the usual 5% of runs
    mass_min = max(min(0.05, share / 2), MIN_CLASS_RUNS / len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        searcher = prim.Prim(x.reset_index(drop=True), np.asarray(y, dtype=bool),
                             peel_alpha=0.05, paste_alpha=0.05, mass_min=mass_min)
        box = searcher.find_box()
    best, best_score = {}, -1.0
    for lims in box.box_lims if box is not None else []:
        limits = _restricted(lims, x)
        if len(limits) > max_dims:
            continue
        score = _f1(*box_stats(in_box(x, limits), y, total))
        if score > best_score + 1e-12:
            best, best_score = limits, score
    best = _prune(x, y, total, best)
    coverage, density = box_stats(in_box(x, best), y, total)
    return best, coverage, density


def _prune(x: pd.DataFrame, y: np.ndarray, total: int,
           limits: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Drop restrictions that raise the density by less than :data:`DROP_TOLERANCE`."""
    limits = dict(limits)
    while limits:
        density = box_stats(in_box(x, limits), y, total)[1]
        losses = {name: density - box_stats(in_box(x, {k: v for k, v in limits.items()
                                                    if k != name}), y, total)[1]
                  for name in limits}
        name = min(losses, key=losses.get)
        if losses[name] >= DROP_TOLERANCE:
            break
        del limits[name]
    return limits
