"""Morris screening of one outcome: mean absolute effect against its spread (mu* vs sigma)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.figures.base import drawn, figure


@drawn
def mu_sigma(table: pd.DataFrame, outcome: str, t: Any) -> Figure:
    """Draw each parameter's mu* against sigma (``morris`` rows of that outcome)."""
    rows = table[table["outcome"] == outcome]
    fig = figure(figsize=(6.5, 5))
    ax = fig.subplots()
    ax.errorbar(rows["mu_star"], rows["sigma"], xerr=rows["mu_star_conf"], fmt="o", capsize=2)
    for r in rows.itertuples():
        ax.annotate(t.param_label(r.parameter), (r.mu_star, r.sigma), fontsize=8,
                    xytext=(3, 3), textcoords="offset points")
    top = float(np.nanmax([rows["mu_star"].max(), rows["sigma"].max(), 1e-12]))
    ax.plot([0, top], [0, top], ls="--", color="grey", lw=0.8, label=t("fig.sigma_equals"))
    ax.set_xlabel(t("fig.mu_star_axis"))
    ax.set_ylabel(t("fig.sigma_axis"))
    ax.set_title(t("fig.screening", outcome=t.indicator(outcome)))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
