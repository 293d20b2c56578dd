"""Sensitivity indices as horizontal bars with their 95% confidence intervals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.figures.base import drawn, grid, indicator_format

PALETTE = ("#34495e", "#95a5a6", "#7f8c8d")


@drawn
def index_bars(table: pd.DataFrame, columns: list[tuple[str, str, str]], outcomes: list[str],
               t: Any, top: int | None = 8) -> Figure:
    """Draw the indices of each outcome, one panel per outcome, most influential first.

    Args:
        table: the method's table (``outcome, parameter`` and the index columns).
        columns: ``(column, confidence column, legend)`` per index; the first one ranks.
        outcomes: outcomes to draw, in order.
        t: the language (:class:`~experiments.figures.text.FigureText`).
        top: most parameters shown per outcome (``None``: all).

    """
    cols = min(2, len(outcomes))
    heights = [int((table["outcome"] == o).sum()) for o in outcomes]
    shown = max(min(h, top or h) for h in heights) if heights else 1
    fig, axes = grid(len(outcomes), cols, 9.6 if cols > 1 else 7.0, 1.1 + 0.3 * max(shown, 1))
    for ax, outcome in zip(axes, outcomes, strict=True):
        rows = table[table["outcome"] == outcome].sort_values(columns[0][0], ascending=False)
        rows = rows.head(top) if top else rows
        y = np.arange(len(rows))
        height = 0.8 / len(columns)
        for i, (col, conf, legend) in enumerate(columns):
            err = rows[conf].to_numpy(dtype=float) if conf in rows else None
            ax.barh(y + (i - (len(columns) - 1) / 2) * height, rows[col].to_numpy(dtype=float),
                    height, xerr=err, capsize=2, color=PALETTE[i % 3], label=legend,
                    error_kw={"lw": 0.8})
        if "pawn_dummy" in rows and len(rows):
            ax.axvline(rows["pawn_dummy"].iloc[0], color="grey", ls="--", lw=1,
                       label=t("fig.no_effect"))
        ax.set_yticks(y, [t.param_label(p) for p in rows["parameter"]], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        ax.set_title(t.indicator(outcome), fontsize=9)
        ax.set_xlabel(t("fig.index_axis"), fontsize=8)
        ax.xaxis.set_major_formatter(indicator_format(t))
        ax.grid(axis="x", alpha=0.3)
    if axes and (len(columns) > 1 or "pawn_dummy" in table):
        axes[0].legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig
