"""PAWN indices of one outcome: conditioning slices, Kolmogorov-Smirnov distances, bootstrap.

PAWN (SALib ``pawn``) is a moment-independent index: how far the outcome's distribution moves
when one parameter is held in a slice. It needs no particular design, so it serves the ``lhs``
and ``grid`` batches of :mod:`experiments.analysis.sensitivity`. A parameter with few levels (a
grid) is sliced by level; the confidence interval comes from a bootstrap over points, and the index of a
random column tells the level that a parameter without any effect gets.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

Z = 1.959963984540054  # the normal quantile of a two-sided 95% interval
PAWN_RESAMPLES = 50
MAX_LEVELS = 10


def pawn_slices(n: int) -> int:
    """Return the number of conditioning slices for ``n`` points (SALib's 10 from 150 on)."""
    return int(np.clip(n // 15, 2, 10))


def slice_labels(x: np.ndarray, slices: int) -> tuple[np.ndarray, int]:
    """Return each point's conditioning slice of one parameter (-1: none) and their number.

    A parameter with at most :data:`MAX_LEVELS` distinct values (a grid) gets one slice per
    value; any other gets SALib's ``pawn`` slices, between quantiles of ``x`` (upper end open).
    """
    levels = np.unique(x)
    if len(levels) <= MAX_LEVELS:
        return np.searchsorted(levels, x), len(levels)
    edges = np.nanquantile(x, np.arange(0, 1 + 1 / slices, 1 / slices))
    label = np.full(len(x), -1)
    for s in range(slices):
        label[(x >= edges[s]) & (x < edges[s + 1])] = s
    return label, slices


def ks_by_slice(x: np.ndarray, y: np.ndarray, slices: int) -> np.ndarray:
    """Compute PAWN's Kolmogorov-Smirnov distances of one parameter, one per slice.

    Each slice's outcome distribution against the unconditional one: the statistic of SALib's
    ``pawn.analyze``, vectorised so that it can be bootstrapped cheaply. Empty slices are NaN.
    """
    label, k = slice_labels(x, slices)
    order = np.argsort(y, kind="stable")
    ys = y[order]
    last = np.searchsorted(ys, ys, side="right") - 1  # evaluate the CDFs after ties
    onehot = (label[order][:, None] == np.arange(k)[None, :]).astype(float)
    counts = onehot.sum(axis=0)
    cdf_slices = np.cumsum(onehot, axis=0)[last] / np.where(counts > 0, counts, np.nan)
    cdf_all = (last + 1)[:, None] / len(y)
    distance = np.abs(cdf_slices - cdf_all)
    return np.where(counts > 0, np.nanmax(np.nan_to_num(distance, nan=0.0), axis=0), np.nan)


def pawn_indices(problem: dict, x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Compute the PAWN indices of one outcome over finite points.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        x: The points, one column per parameter.
        y: The outcome at each point, all finite.
        seed: Seed of SALib's ``pawn`` and of the bootstrap.

    Returns:
        One row per parameter: ``parameter, pawn, pawn_conf, pawn_min, pawn_max, pawn_dummy,
        slices, n_points``.

    """
    from SALib.analyze import pawn

    d = problem["num_vars"]
    slices = pawn_slices(len(y))
    state = np.random.get_state()  # SALib's pawn reseeds numpy's global generator
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = pawn.analyze(problem, x, y, S=slices, seed=seed)
            stats = {k: np.array(res[k], dtype=float) for k in ("median", "minimum", "maximum")}
            for j in range(d):
                if len(np.unique(x[:, j])) <= MAX_LEVELS:  # a grid: slice by level
                    ks = ks_by_slice(x[:, j], y, slices)
                    stats["median"][j], stats["minimum"][j], stats["maximum"][j] = (
                        np.nanmedian(ks), np.nanmin(ks), np.nanmax(ks))
            rng = np.random.default_rng(seed)
            boot = np.empty((PAWN_RESAMPLES, d))
            for b in range(PAWN_RESAMPLES):
                idx = rng.integers(0, len(y), len(y))
                boot[b] = [np.nanmedian(ks_by_slice(x[idx, j], y[idx], slices))
                           for j in range(d)]
            dummy = np.nanmedian(ks_by_slice(rng.uniform(size=len(y)), y, slices))
    finally:
        np.random.set_state(state)
    return pd.DataFrame({
        "parameter": problem["names"], "pawn": stats["median"],
        "pawn_conf": Z * np.nanstd(boot, axis=0, ddof=1),
        "pawn_min": stats["minimum"], "pawn_max": stats["maximum"],
        "pawn_dummy": dummy, "slices": slices, "n_points": len(y)})
