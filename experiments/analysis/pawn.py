"""PAWN indices of one outcome: SALib's estimator, sliced by level for grid parameters.

PAWN is a moment-independent index: how far the outcome's distribution moves when one
parameter is held in a slice (the median Kolmogorov-Smirnov distance over the slices). It needs
no particular design, so it serves the ``lhs`` and ``grid`` batches of
:mod:`experiments.analysis.sensitivity`. ``SALib.analyze.pawn`` computes it, its confidence
interval (a bootstrap over points, which SALib does not offer, calling SALib on each resample)
and the level that a parameter without any effect gets (SALib on a random extra column).

One thing SALib cannot do, written here: a grid parameter, with a few distinct values, must be
sliced by level. SALib cuts every parameter at quantiles of its values, and with ties at a few
levels its slices come out empty or merged; :func:`ks_by_level` gives such a parameter one
slice per level instead.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

Z = 1.959963984540054  # the normal quantile of a two-sided 95% interval
PAWN_RESAMPLES = 50
MAX_LEVELS = 10
"""A parameter with at most this many distinct values is sliced by level."""


def pawn_slices(n: int) -> int:
    """Return the number of conditioning slices for ``n`` points (SALib's 10 from 150 on)."""
    return int(np.clip(n // 15, 2, 10))


def ks_by_level(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """PAWN's Kolmogorov-Smirnov distance of each level of ``x`` (one slice per level).

    Each level's outcome distribution against the unconditional one, as in SALib's ``pawn``.
    """
    levels = np.unique(x)
    order = np.argsort(y, kind="stable")
    ys = y[order]
    last = np.searchsorted(ys, ys, side="right") - 1  # evaluate the CDFs after ties
    onehot = (x[order][:, None] == levels[None, :]).astype(float)
    counts = onehot.sum(axis=0)
    cdf_levels = np.cumsum(onehot, axis=0)[last] / counts
    cdf_all = (last + 1)[:, None] / len(y)
    return np.abs(cdf_levels - cdf_all).max(axis=0)


def _statistics(problem: dict, x: np.ndarray, y: np.ndarray, slices: int,
                seed: int) -> dict[str, np.ndarray]:
    """Median, minimum and maximum KS distance of each parameter (SALib; grids by level)."""
    from SALib.analyze import pawn

    res = pawn.analyze(problem, x, y, S=slices, seed=seed)
    stats = {k: np.array(res[k], dtype=float) for k in ("median", "minimum", "maximum")}
    for j in range(problem["num_vars"]):
        if len(np.unique(x[:, j])) <= MAX_LEVELS:
            ks = ks_by_level(x[:, j], y)
            stats["median"][j], stats["minimum"][j], stats["maximum"][j] = (
                np.median(ks), ks.min(), ks.max())
    return stats


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
    slices = pawn_slices(len(y))
    rng = np.random.default_rng(seed)
    with_dummy = {"num_vars": problem["num_vars"] + 1, "names": [*problem["names"], "_dummy"],
                  "bounds": [*problem["bounds"], [0.0, 1.0]]}
    state = np.random.get_state()  # SALib's pawn reseeds numpy's global generator
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stats = _statistics(problem, x, y, slices, seed)
            boot = np.array([_statistics(problem, x[idx], y[idx], slices, seed)["median"]
                             for idx in rng.integers(0, len(y), (PAWN_RESAMPLES, len(y)))])
            dummy_x = np.column_stack([x, rng.uniform(size=len(y))])
            dummy = _statistics(with_dummy, dummy_x, y, slices, seed)["median"][-1]
    finally:
        np.random.set_state(state)
    return pd.DataFrame({
        "parameter": problem["names"], "pawn": stats["median"],
        "pawn_conf": Z * np.nanstd(boot, axis=0, ddof=1),
        "pawn_min": stats["minimum"], "pawn_max": stats["maximum"],
        "pawn_dummy": dummy, "slices": slices, "n_points": len(y)})
