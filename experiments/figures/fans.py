"""The trajectories of one scenario class: median and 10-90% band, with the class's 2040 band."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from experiments.figures.base import COLOURS, drawn, grid, indicator_format, quarter_year


@drawn
def fan_chart(traj: pd.DataFrame, klass: str, indicators: list[str], bands: dict,
              t: Any) -> Figure:
    """Draw the median and 10-90% band of each indicator over the runs of one class.

    Args:
        traj: ``run_id, quarter`` and the indicators, for the runs of this class only.
        klass: ``low``, ``trend`` or ``high``.
        indicators: indicators to draw, one panel each.
        bands: indicator -> class -> band (``model.scenarios.load_bands()``).
        t: the language.

    """
    years = quarter_year(traj["quarter"])
    color = COLOURS[klass]
    fig, axes = grid(len(indicators), min(3, len(indicators)), 9.6, 2.3)
    for ax, name in zip(axes, indicators, strict=True):
        values = pd.DataFrame({"year": years, "v": traj[name].to_numpy()})
        q = values.groupby("year")["v"].quantile([0.1, 0.5, 0.9]).unstack()
        ax.fill_between(q.index, q[0.1], q[0.9], color=color, alpha=0.25, lw=0,
                        label=t("fig.band_10_90"))
        ax.plot(q.index, q[0.5], color=color, lw=2, label=t("fig.median"))
        band = bands.get(name, {}).get(klass)
        lo, hi = float(np.nanmin(q[0.1])), float(np.nanmax(q[0.9]))
        if band is not None:
            edges = [v for v in (band.lo, band.hi) if math.isfinite(v)]
            lo, hi = min([lo, *edges]), max([hi, *edges])
        pad = 0.08 * ((hi - lo) or 1.0)
        y0, y1 = lo - pad, hi + pad
        if band is not None:
            b_lo, b_hi = max(band.lo, y0), min(band.hi, y1)
            ax.add_patch(Rectangle((2041.0, b_lo), 0.7, b_hi - b_lo, color=color, alpha=0.55,
                                   lw=0, label=t("fig.band_2040")))
        ax.set_ylim(y0, y1)
        ax.set_xlim(2019.5, 2041.9)
        ax.set_title(t.indicator(name), fontsize=9)
        ax.yaxis.set_major_formatter(indicator_format(t, name))
        ax.grid(alpha=0.3)
    legend = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    fig.legend(list(legend.values()), list(legend), loc="upper center", ncol=3, fontsize=8,
               frameon=False)
    return fig
