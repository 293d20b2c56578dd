"""Class probabilities of each parameter point, from its replicates (seeds)."""

from __future__ import annotations

import pandas as pd

from experiments.errors import UsageError, argument
from model.scenarios import SCENARIOS, class_probabilities


def scenario_probabilities(results: pd.DataFrame) -> pd.DataFrame:
    """Per parameter point, the share of its finished runs in each class.

    Args:
        results: one row per run, as ``load_results`` gives it (``point_id``, ``status``,
            ``scenario``).

    Returns:
        One row per point with a finished run: ``point_id``, ``runs`` and ``p_low``,
        ``p_trend``, ``p_high`` (summing to 1).

    Raises:
        UsageError: the results have no ``scenario`` column (a custom model that returns no
            class).

    """
    if "scenario" not in results:
        raise UsageError(f"{argument('results')}: these results hold no scenario class (a "
                         "custom model that returns none): no class probabilities")
    done = results[(results["status"] == "ok") & results["scenario"].isin(SCENARIOS)]
    rows = []
    for point, runs in done.groupby("point_id", sort=True):
        shares = class_probabilities(runs["scenario"])
        rows.append({"point_id": point, "runs": len(runs),
                     **{f"p_{c}": shares[c] for c in SCENARIOS}})
    return pd.DataFrame(rows, columns=["point_id", "runs", *(f"p_{c}" for c in SCENARIOS)])
