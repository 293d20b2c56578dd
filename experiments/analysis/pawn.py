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

The bootstrap calls the estimator 51 times more than the index itself. SALib computes each
slice's distance with ``scipy.stats.ks_2samp``, about 1 ms a call whatever the sample (its
p-value included, which PAWN does not use): 11,000 calls, about 11 s, for one outcome of the
workshop study. :func:`slice_distances` computes SALib's slices and distances for every
parameter at once from one sort of the outcome, the same numbers to the last bit (both take
the largest gap between two empirical CDFs, each a count divided by a sample size; tested
against SALib), and serves the resamples and the dummy column; the index itself is SALib's.
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
    """Return the number of conditioning slices for ``n`` points (SALib's 10 from 150 on).

    One point in 15 per slice, 2 to 10 slices, less one where SALib cannot cut that many:
    its cut sequence, ``numpy.arange(0, 1 + 1/S, 1/S)``, overshoots 1 for 6 and 9 slices and
    ``numpy.nanquantile`` then raises (SALib 1.6), so 90-104 points get 5 and 135-149 get 8.
    """
    slices = int(np.clip(n // 15, 2, 10))
    while _cuts_at(slices).max() > 1 and slices > 2:
        slices -= 1
    return slices


def _cuts_at(slices: int) -> np.ndarray:
    """SALib ``pawn``'s quantile levels of the cuts, float steps and all."""
    step = 1 / slices
    return np.arange(0, 1 + step, step)


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


def slice_distances(x: np.ndarray, y: np.ndarray, slices: int) -> np.ndarray:
    """SALib ``pawn``'s KS distance of each slice of each parameter, ``(slices, parameters)``.

    SALib's slices: parameter values between ``numpy.nanquantile`` cuts at ``0, 1/S, ..., 1``,
    each slice ``[cut_s, cut_s+1)`` (so the largest value is in none); an empty slice is NaN.
    The distance is ``ks_2samp(y[slice], y).statistic``: since the slice's outcomes are among
    all the outcomes, both CDFs are evaluated at every outcome, after its ties, and take
    scipy's values for a count ``k`` of ``m``: ``numpy.linspace(0, 1, m + 1)[k]``.
    """
    n = len(y)
    order = np.argsort(y, kind="stable")
    ys = y[order]
    last = np.searchsorted(ys, ys, side="right") - 1
    cdf_all = _cdf_values(last + 1, n)[:, None]
    cuts_at = _cuts_at(slices)
    distances = np.full((slices, x.shape[1]), np.nan)
    for j in range(x.shape[1]):
        cuts = np.nanquantile(x[:, j], cuts_at)
        values = x[order, j][:, None]
        inside = (values >= cuts[None, :slices]) & (values < cuts[None, 1:slices + 1])
        counts = inside.sum(axis=0)
        filled = counts > 0
        cdf = _cdf_values(np.cumsum(inside[:, filled], axis=0)[last], counts[filled])
        distances[filled, j] = np.abs(cdf - cdf_all).max(axis=0)
    return distances


def _cdf_values(counts: np.ndarray, size) -> np.ndarray:
    """``numpy.linspace(0, 1, size + 1)[counts]``, as scipy's ``ks_2samp`` builds its CDFs."""
    return np.where(counts == size, 1.0, counts * (1.0 / size))


def _salib_statistics(problem: dict, x: np.ndarray, y: np.ndarray, slices: int,
                      seed: int) -> dict[str, np.ndarray]:
    from SALib.analyze import pawn

    res = pawn.analyze(problem, x, y, S=slices, seed=seed)
    return {k: np.array(res[k], dtype=float) for k in ("median", "minimum", "maximum")}


def _fast_statistics(x: np.ndarray, y: np.ndarray, slices: int) -> dict[str, np.ndarray]:
    distances = slice_distances(x, y, slices)
    return {"median": np.nanmedian(distances, axis=0), "minimum": np.nanmin(distances, axis=0),
            "maximum": np.nanmax(distances, axis=0)}


def _statistics(problem: dict, x: np.ndarray, y: np.ndarray, slices: int, seed: int,
                salib: bool = True) -> dict[str, np.ndarray]:
    """Median, minimum and maximum KS distance of each parameter (grids by level).

    ``salib``: computed by SALib's ``pawn``, else by :func:`slice_distances` (the same
    numbers, some thirty times faster for 4,096 points and 23 parameters).
    """
    stats = (_salib_statistics(problem, x, y, slices, seed) if salib
             else _fast_statistics(x, y, slices))
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
            boot = np.array([_statistics(problem, x[idx], y[idx], slices, seed,
                                         salib=False)["median"]
                             for idx in rng.integers(0, len(y), (PAWN_RESAMPLES, len(y)))])
            dummy_x = np.column_stack([x, rng.uniform(size=len(y))])
            dummy = _statistics(with_dummy, dummy_x, y, slices, seed,
                                salib=False)["median"][-1]
    finally:
        np.random.set_state(state)
    return pd.DataFrame({
        "parameter": problem["names"], "pawn": stats["median"],
        "pawn_conf": Z * np.nanstd(boot, axis=0, ddof=1),
        "pawn_min": stats["minimum"], "pawn_max": stats["maximum"],
        "pawn_dummy": dummy, "slices": slices, "n_points": len(y)})
