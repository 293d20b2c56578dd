"""One run's main indicators over the quarters (``servisim run`` writes it as a PNG)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from experiments.figures.base import drawn, grid

#: Panels: figure word of the title -> the indicators drawn in it.
PANELS = (
    ("fig.panel_capture", ["industrial_service_capture", "platform_share"]),
    ("fig.panel_servitized", ["servitized_share_sme", "servitized_share_large"]),
    ("fig.panel_digital", ["digital_adoption_sme", "digital_adoption_large"]),
    ("fig.panel_jobs", ["jobs_index_2017", "cumulative_exits_share"]),
)


@drawn
def trajectory(frame: pd.DataFrame, t: Any, title: str = "") -> Figure:
    """Draw the main indicators of one run's trajectory (one row per quarter), 2 x 2 panels."""
    years = 2019.75 + frame.index.to_numpy() / 4
    fig, axes = grid(len(PANELS), 2, 10, 3.25)
    for ax, (name, series) in zip(axes, PANELS, strict=True):
        for column in series:
            ax.plot(years, frame[column], label=t.indicator(column))
        ax.set_title(t(name))
        ax.set_ylim(0, max(1.05, float(frame[series].max().max()) * 1.05))
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
