"""Sensitivity indices recomputed on growing parts of the sample, to see whether they settled."""

from __future__ import annotations

from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from experiments.figures.base import drawn, grid, indicator_format


@drawn
def convergence(table: pd.DataFrame, columns: list[str], outcome: str, parameters: list[str],
                t: Any) -> Figure:
    """Draw each index against the number of design points, one line per parameter.

    Args:
        table: the method's convergence table (``outcome, parameter, n_points`` or
            ``trajectories``, the indices and their ``*_conf``).
        columns: the indices to draw, one panel each (e.g. ``["S1", "ST"]``).
        outcome: the outcome.
        parameters: the parameters to draw, in order.
        t: the language.

    """
    rows = table[(table["outcome"] == outcome) & table["parameter"].isin(parameters)]
    size = "n_points" if "n_points" in rows else "trajectories"
    fig, axes = grid(len(columns), len(columns), 5.2 * len(columns) + 2.3, 3.2)
    palette = matplotlib.colormaps["tab10"]
    for ax, column in zip(axes, columns, strict=True):
        for i, name in enumerate(parameters):
            line = rows[rows["parameter"] == name].sort_values(size)
            color = palette(i % 10)
            ax.plot(line[size], line[column], marker="o", ms=3, color=color,
                    label=t.param_label(name))
            conf = f"{column}_conf"
            if conf in line:
                ax.fill_between(line[size], line[column] - line[conf],
                                line[column] + line[conf], color=color, alpha=0.12, lw=0)
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: t.integer(v)))
        ax.yaxis.set_major_formatter(indicator_format(t))
        ax.set_xlabel(t("fig.design_points") if size == "n_points" else t("fig.trajectories"))
        ax.set_ylabel(column)
        ax.set_title(t.indicator(outcome), fontsize=9)
        ax.grid(alpha=0.3)
    axes[-1].legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig
