"""The replicates of a batch: each run's outcomes, each point's means, the seed's share.

A point run with several seeds has a mean per outcome (what the indices are computed on) and a
spread between its seeds (how much of the outcome's variance is chance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.scenarios import SCORES

SCENARIO_SCORE = "scenario_score"
"""A numeric outcome made from the run's class: low = -1, trend = 0, high = 1 (``SCORES``)."""


def run_outcomes(results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Return the outcome values of finished runs, with ``scenario_score`` when asked for.

    Runs whose status is not ``ok`` get NaN outcomes, so they count as missing.
    """
    ok = results["status"].eq("ok") if "status" in results else pd.Series(True, results.index)
    out = pd.DataFrame({"point_id": results["point_id"].to_numpy()}, index=results.index)
    for name in outcomes:
        if name == SCENARIO_SCORE:
            values = results["scenario"].map(SCORES).astype(float)
        else:
            values = pd.to_numeric(results[name], errors="coerce").astype(float)
        out[name] = values.where(ok)
    return out


def point_means(samples: pd.DataFrame, runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Average outcomes over replicates: one row per design point, in design order.

    Points without a finished run are NaN.
    """
    means = runs.groupby("point_id", sort=False)[outcomes].mean()
    return means.reindex(samples["point_id"].to_numpy()).reset_index(drop=True)


def seed_variance(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Measure how much of each outcome's variance is due to the seed alone.

    ``seed_share`` is the mean within-point variance over the variance of single runs;
    ``seed_share_of_means`` is what remains in the replicate means that the indices use.
    Both are NaN when no point has two finished replicates.
    """
    rows = []
    for name in outcomes:
        values = runs[["point_id", name]].dropna()
        groups = values.groupby("point_id")[name]
        counts = groups.count()
        within = groups.var(ddof=1)[counts >= 2]
        total = values[name].var(ddof=1)
        var_means = groups.mean().var(ddof=1)
        replicates = float(counts.mean()) if len(counts) else 0.0
        seed_var = float(within.mean()) if len(within) else np.nan
        share = seed_var / total if total > 0 else np.nan
        share_means = (seed_var / replicates) / var_means if var_means > 0 else np.nan
        rows.append({"outcome": name, "runs": int(len(values)), "points": int(len(counts)),
                     "replicates": replicates, "var_runs": total, "var_seed": seed_var,
                     "seed_share": min(share, 1.0) if np.isfinite(share) else np.nan,
                     "seed_share_of_means": (min(share_means, 1.0)
                                             if np.isfinite(share_means) else np.nan)})
    return pd.DataFrame(rows)
