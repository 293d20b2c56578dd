"""Where the runs of each scenario class sit along the key parameters (box plots)."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from experiments.figures.base import CLASSES, COLOURS, drawn, figure


@drawn
def regime_boxplots(x: pd.DataFrame, classes: pd.Series, parameters: list[str],
                    ranges: dict[str, tuple], t: Any) -> Figure:
    """Draw box plots of the parameters' values (scaled to 0-1) in each scenario class."""
    scaled = pd.DataFrame({t.param_label(p): (x[p] - ranges[p][0])
                           / ((ranges[p][1] - ranges[p][0]) or 1.0) for p in parameters})
    scaled["scenario"] = [t.klass(c) for c in classes]
    long = scaled.melt(id_vars="scenario", var_name="parameter", value_name="value")
    present = [c for c in CLASSES if c in set(classes)]
    fig = figure(figsize=(7.5, 1.5 + 0.55 * len(parameters)))
    ax = fig.subplots()
    with warnings.catch_warnings():  # seaborn 0.13 passes matplotlib's deprecated `vert`
        warnings.simplefilter("ignore", DeprecationWarning)
        sns.boxplot(data=long, y="parameter", x="value", hue="scenario",
                    palette={t.klass(c): COLOURS[c] for c in present},
                    hue_order=[t.klass(c) for c in present], fliersize=1, ax=ax)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1, 1), title=None)
    ax.set_xlabel(t("fig.value_share"))
    ax.set_ylabel("")
    fig.tight_layout()
    return fig
