"""How far to trust Sobol indices: the precision of those that matter, and estimates above 1."""

from __future__ import annotations

import numpy as np
import pandas as pd


def above_one(sobol: pd.DataFrame, outcomes: list[str] | None = None) -> pd.Series | None:
    """The Sobol row with the largest index above 1 (as shown, to 2 decimals), else None.

    No true S1 or ST exceeds 1: such an estimate comes from a base sample too small for the
    outcome, or from the seed's noise (one replicate per point).

    Args:
        sobol: the ``sobol`` table.
        outcomes: the outcomes to look at (default: all).

    Returns:
        The row (``outcome``, ``parameter``, ``S1``, ``ST``, ...) with ``index`` and ``value``
        added: which index and how far above 1.

    """
    if sobol is None or sobol.empty:
        return None
    shown = sobol if outcomes is None else sobol[sobol["outcome"].isin(outcomes)]
    values = shown[["ST", "S1"]]
    if values.empty or not values.max(axis=1).round(2).max() > 1:
        return None
    row = shown.loc[values.max(axis=1).idxmax()].copy()
    row["index"] = values.loc[row.name].idxmax()
    row["value"] = float(values.loc[row.name].max())
    return row


def top_rows(table: pd.DataFrame, column: str = "ST", top: int = 3) -> pd.DataFrame:
    """Each outcome's ``top`` rows by ``column``, largest first (outcomes in table order)."""
    return pd.concat([rows.nlargest(top, column)
                      for _, rows in table.groupby("outcome", sort=False)])


def top_precision(sobol: pd.DataFrame, top: int = 3, target: float = 0.1) -> dict | None:
    """How precise the indices that matter are: each outcome's ``top`` parameters by ST.

    Returns:
        ``widest`` (the largest S1 or ST 95% half-width among them), where it is
        (``parameter``, ``outcome``, ``index``), ``share_within`` (the share of those
        parameters whose S1 and ST intervals are both narrower than ``+/- target``), ``top``
        and ``target``; ``None`` for an empty table.

    """
    if sobol is None or sobol.empty:
        return None
    best = top_rows(sobol, "ST", top)
    conf = best[["S1_conf", "ST_conf"]].fillna(np.inf)
    widest = conf.max(axis=1)
    at = widest.idxmax()
    return {"widest": float(widest[at]), "parameter": str(best.loc[at, "parameter"]),
            "outcome": str(best.loc[at, "outcome"]), "index": str(conf.loc[at].idxmax())[:2],
            "share_within": float((widest < target).mean()),
            "top": min(top, int(sobol.groupby("outcome").size().max())), "target": target}
