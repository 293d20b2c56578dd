"""What a crossed design's runs say once its policies and futures are drawn again.

Each outcome's variance split over policy, future and seed, and each class's share of the
runs, with 95% intervals.

A crossed design runs every policy in every future (a combination of uncertainties) with a
few seeds. Each outcome is split as ``y = mean + a[policy] + b[future] + c[cell] + e[seed]``
(the variance components of a two-way layout with replicates), and each part's share of the
variance comes with a 95% interval from the pigeonhole bootstrap (Owen 2007, "The pigeonhole
bootstrap", Annals of Applied Statistics 1(2): 386-411; McCullagh 2000, Bernoulli 6(2)): the
policies and the futures are both resampled with replacement, each drawn policy meeting each
drawn future in the cell the design ran, with its seeds. Resampling only the runs would treat
the design's policies and futures as fixed and give intervals far too narrow; the pigeonhole
bootstrap is mildly conservative (its intervals are somewhat wider than the sampling spread).
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd

PARTS = ("policy", "scenario", "interaction", "seed")
"""The four parts, in the table's order (``scenario``: the future, the uncertainties)."""
REPLICATES = 500
"""Bootstrap replicates of each outcome's split (the intervals' ends move by under a point)."""
BOOTSTRAP_SEED = 20070601
"""The bootstrap's own seed (with the outcome's name): the same runs, the same intervals."""
ROUNDS = 50
"""Most backfitting rounds: the effects converge geometrically on a connected design."""
TOLERANCE = 1e-13
"""Backfitting stops when no policy effect moved by more than this many standard deviations."""
COLUMNS = ["outcome", *PARTS, "runs", *(f"{p}_{end}" for p in PARTS for end in ("lo", "hi"))]


def variance_shares(samples: pd.DataFrame, kept: pd.DataFrame,
                    outcomes: list[str], replicates: int = REPLICATES) -> pd.DataFrame:
    """Share of each outcome's variance held by the policy, the future, both, and the seed.

    The additive effects ``a`` and ``b`` are fitted by least squares (backfitting over the
    runs, so cells that lost runs to the history check weigh by what they hold), ``c`` is
    what the cell's mean adds to them, ``e`` the spread of the seeds within a cell. The seed's
    variance is the pooled within-cell variance (``n - 1`` in each cell): with two seeds a
    cell, their spread about the cell's mean shows only half of it, and the other half moves
    the cell's mean, where it would pass for interaction; so ``seed variance / n`` of each run's
    cell is taken from the interaction (the variance components of a two-way ANOVA). The four
    shares then add up to one (to the small noise the seeds leave in the main effects).

    Args:
        samples: the crossed design (``point_id``, ``policy_id``, ``scenario_id``).
        kept: the runs the conclusions use (``point_id`` and the outcomes).
        outcomes: the outcomes to split.
        replicates: pigeonhole bootstrap replicates (0: no intervals).

    Returns:
        ``outcome``, ``policy``, ``scenario``, ``interaction``, ``seed``, ``runs``, and each
        part's 2.5% and 97.5% bootstrap percentiles (``policy_lo``, ``policy_hi``, ...). The
        ``seed`` share is missing with one run a cell (the interaction then holds the seed's
        noise too).

    """
    design = ["policy_id", "scenario_id"]
    runs = kept.drop(columns=[c for c in design if c in kept]).merge(
        samples[["point_id", *design]], on="point_id", how="left")
    rows = []
    for name in outcomes:
        if name not in runs:
            continue
        frame = runs[["policy_id", "scenario_id"]].assign(
            y=pd.to_numeric(runs[name], errors="coerce").astype(float)).dropna()
        if len(frame) < 2 or not frame["y"].var(ddof=0) > 0:
            continue
        cells = _cells(frame["y"].to_numpy(),
                       pd.factorize(frame["policy_id"], sort=True)[0],
                       pd.factorize(frame["scenario_id"], sort=True)[0])
        point = _split(*(c[None] for c in cells))
        row = {"outcome": name, **{p: float(point[p][0]) for p in PARTS}, "runs": len(frame)}
        if replicates:
            with np.errstate(divide="ignore", invalid="ignore"):  # a replicate of equal runs
                rng = np.random.default_rng([BOOTSTRAP_SEED, zlib.crc32(name.encode())])
                draws = _pigeonhole(cells, replicates, rng)
            for part in PARTS:
                values = draws[part][np.isfinite(draws[part])]
                lo, hi = np.percentile(values, [2.5, 97.5]) if len(values) else (np.nan,) * 2
                row[f"{part}_lo"], row[f"{part}_hi"] = float(lo), float(hi)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def class_shares(samples: pd.DataFrame, kept: pd.DataFrame, classes: tuple[str, ...],
                 replicates: int = REPLICATES) -> pd.DataFrame:
    """Each class's share of the classified runs, with its pigeonhole bootstrap interval.

    The share is a mean over the policies and futures the design drew: its interval redraws
    both, as the variance split's does (a Wilson interval over the runs would take the
    design's policies and futures for all there are).

    Args:
        samples: the crossed design (``point_id``, ``policy_id``, ``scenario_id``).
        kept: the runs the conclusions use (``point_id`` and ``scenario``).
        classes: every class a run can be in, in the table's order (their runs are the
            classified runs the shares are of).
        replicates: bootstrap replicates.

    Returns:
        ``scenario, runs, share, share_lo, share_hi``: the class's runs, its share of the
        classified runs and the 2.5% and 97.5% percentiles of the replicates' shares.

    """
    design = ["policy_id", "scenario_id"]
    runs = kept.drop(columns=[c for c in design if c in kept]).merge(
        samples[["point_id", *design]], on="point_id", how="left")
    runs = runs[runs["scenario"].isin(classes)].dropna(subset=design)
    rows = []
    if runs.empty:
        return pd.DataFrame(rows, columns=["scenario", "runs", "share", "share_lo", "share_hi"])
    policy = pd.factorize(runs["policy_id"], sort=True)[0]
    future = pd.factorize(runs["scenario_id"], sort=True)[0]
    for klass in classes:
        counts, sums, _ = _cells(runs["scenario"].eq(klass).to_numpy(float), policy, future)
        rng = np.random.default_rng([BOOTSTRAP_SEED, zlib.crc32(klass.encode())])
        held, drawn = (layout.sum(axis=(1, 2)) for layout in _redrawn((counts, sums),
                                                                       replicates, rng))
        share = drawn[held > 0] / held[held > 0]
        lo, hi = np.percentile(share, [2.5, 97.5]) if len(share) else (np.nan, np.nan)
        rows.append({"scenario": klass, "runs": int(sums.sum()),
                     "share": float(sums.sum() / counts.sum()), "share_lo": float(lo),
                     "share_hi": float(hi)})
    return pd.DataFrame(rows)


def _cells(y: np.ndarray, policy: np.ndarray, future: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell's runs, sum of the outcome and sum of squares about its mean (policy x future).

    The split needs nothing of a run but these: a resampled design is the design's cells
    drawn again, so no replicate is ever built run by run.
    """
    shape = (int(policy.max()) + 1, int(future.max()) + 1)
    cell = np.ravel_multi_index((policy, future), shape)
    runs = np.bincount(cell, minlength=shape[0] * shape[1]).astype(float)
    sums = np.bincount(cell, y, minlength=len(runs))
    means = np.divide(sums, runs, out=np.zeros_like(sums), where=runs > 0)
    within = np.bincount(cell, (y - means[cell]) ** 2, minlength=len(runs))
    return runs.reshape(shape), sums.reshape(shape), within.reshape(shape)


def _pigeonhole(cells: tuple[np.ndarray, ...], replicates: int,
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Each part's share in ``replicates`` pigeonhole resamples (policies x futures)."""
    layouts = _redrawn(cells, replicates, rng)
    runs = layouts[0].sum(axis=(1, 2))
    # a small design may draw only policies or futures whose runs were all left out
    return _split(*(layout[runs > 0] for layout in layouts))


def _redrawn(cells: tuple[np.ndarray, ...], replicates: int,
             rng: np.random.Generator) -> list[np.ndarray]:
    """Per-cell arrays laid out as ``replicates`` pigeonhole draws: ``(replicate, policy, future)``.

    Each replicate draws the policies and the futures with replacement; drawn policy ``i``
    meets drawn future ``j`` in the cell the design ran for them.
    """
    n_policies, n_futures = cells[0].shape
    drawn_p = rng.integers(0, n_policies, (replicates, n_policies))[:, :, None]
    drawn_f = rng.integers(0, n_futures, (replicates, n_futures))[:, None, :]
    return [c[drawn_p, drawn_f] for c in cells]


def _split(runs: np.ndarray, sums: np.ndarray, within: np.ndarray) -> dict[str, np.ndarray]:
    """The four shares of each layout of cells (``(replicate, policy, future)`` arrays).

    The main effects are the least-squares fit of the cells' means weighted by their runs,
    as a fit over the runs themselves would give (backfitting: each effect the weighted mean
    of what the other leaves).
    """
    n = runs.sum(axis=(1, 2))
    mean = sums.sum(axis=(1, 2)) / n
    held = runs > 0
    cell = np.divide(sums, runs, out=np.zeros_like(sums), where=held) \
        - mean[:, None, None] * held
    total = (within.sum(axis=(1, 2)) + (runs * cell**2).sum(axis=(1, 2))) / n
    per_policy, per_future = runs.sum(axis=2), runs.sum(axis=1)
    a = np.zeros(per_policy.shape)
    b = np.zeros(per_future.shape)
    settled = TOLERANCE * math.sqrt(float(np.nanmax(total)))
    for _ in range(ROUNDS):
        before = a
        a = _weighted_mean(runs * (cell - b[:, None, :]), per_policy, axis=2)
        b = _weighted_mean(runs * (cell - a[:, :, None]), per_future, axis=1)
        if np.abs(a - before).max() <= settled:
            break
    cells = held.sum(axis=(1, 2))
    freedom = n - cells
    with np.errstate(divide="ignore", invalid="ignore"):
        noise = np.where(freedom > 0, within.sum(axis=(1, 2)) / freedom, np.nan)
        in_means = np.where(freedom > 0, noise * cells / n, 0.0)

        def share(part: np.ndarray) -> np.ndarray:
            return (runs * part**2).sum(axis=(1, 2)) / n / total

        both = share(a[:, :, None] + b[:, None, :])
        # shares of a variance lie in [0, 1]; the estimates can leave it in a small design
        # (seed noise alone: its unbiased variance exceeds the runs' own spread)
        return {"policy": (per_policy * a**2).sum(axis=1) / n / total,
                "scenario": (per_future * b**2).sum(axis=1) / n / total,
                "interaction": np.maximum(0.0, share(cell) - both - in_means / total),
                "seed": np.minimum(1.0, noise / total)}


def _weighted_mean(weighted: np.ndarray, weights: np.ndarray, axis: int) -> np.ndarray:
    sums = weighted.sum(axis=axis)
    return np.divide(sums, weights, out=np.zeros_like(sums), where=weights > 0)
