"""Second-order Sobol indices (S2) of one outcome as a heatmap of parameter pairs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from experiments.figures.base import drawn, figure


@drawn
def s2_heatmap(table: pd.DataFrame, outcome: str, t: Any) -> Figure:
    """Draw the pairwise interactions of one outcome (``sobol_s2`` rows of that outcome)."""
    rows = table[table["outcome"] == outcome]
    names = list(dict.fromkeys([*rows["parameter_1"], *rows["parameter_2"]]))
    labels = [t.param_label(n) for n in names]
    matrix = pd.DataFrame(np.nan, index=labels, columns=labels)
    for r in rows.itertuples():
        matrix.loc[t.param_label(r.parameter_1), t.param_label(r.parameter_2)] = r.S2
    fig = figure(figsize=(2.5 + 0.55 * len(names), 1.8 + 0.5 * len(names)))
    ax = fig.subplots()
    sns.heatmap(matrix, annot=len(names) <= 10, fmt=".2f", cmap="Blues", ax=ax, vmin=0,
                cbar_kws={"label": "S2"})
    ax.set_title(t("fig.interactions", outcome=t.indicator(outcome)), fontsize=9)
    fig.tight_layout()
    return fig
