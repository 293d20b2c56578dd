"""The share of runs in each scenario class, overall and along each parameter (stacked bars)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from experiments.figures.base import CLASSES, COLOURS, drawn, grid

TITLE_WIDTH = 36  # characters of a panel's title a line, at 9 points

ALL = "all"


@drawn
def shares_along(shares: pd.DataFrame, parameters: list[str], units: dict[str, str | None],
                 t: Any) -> Figure:
    """Draw stacked bars of the class shares in each bin of each parameter.

    Args:
        shares: the ``scenario_shares`` table (``parameter, bin, bin_low, bin_high, scenario,
            share``).
        parameters: the panels, in order; ``"all"`` is the overall share.
        units: each parameter's unit (for its tick labels).
        t: the language.

    """
    fig, axes = grid(len(parameters), min(3, len(parameters)), 9.6, 2.4)
    for ax, name in zip(axes, parameters, strict=True):
        rows = shares[shares["parameter"] == name]
        table = rows.pivot_table(index="bin", columns="scenario", values="share",
                                 aggfunc="first").fillna(0.0)
        edges = rows.drop_duplicates("bin").set_index("bin").loc[table.index]
        labels = ([t("fig.all_runs")] if name == ALL else
                  [t.tick(float((lo + hi) / 2), units.get(name))
                   for lo, hi in zip(edges["bin_low"], edges["bin_high"], strict=True)])
        bottom = np.zeros(len(table))
        for klass in CLASSES:
            share = table[klass].to_numpy() if klass in table else np.zeros(len(table))
            ax.bar(range(len(table)), share, bottom=bottom, color=COLOURS[klass], width=0.85,
                   label=t.klass(klass))
            bottom += share
        ax.set_xticks(range(len(table)), labels, fontsize=7, rotation=30, ha="right")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: t.pct(v)))
        title = t("fig.all_runs") if name == ALL else t.axis_title(name, units.get(name))
        # three panels a row: a long label with its unit ran into its neighbours' titles;
        # a bracket's words stay on one line ("(par an)"): textwrap never breaks at a NBSP
        title = re.sub(r"\([^()]*\)", lambda m: m[0].replace(" ", "\u00a0"), title)
        ax.set_title(textwrap.fill(title, TITLE_WIDTH), fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 1.04))
    fig.tight_layout()
    return fig
