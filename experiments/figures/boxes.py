"""The discovered PRIM boxes: each box's restricted ranges over the explored ranges."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from experiments.figures.base import COLOURS, drawn, figure


@drawn
def box_limits(boxes: pd.DataFrame, summary: pd.DataFrame, ranges: dict[str, tuple],
               t: Any) -> Figure:
    """Draw each box as bars over its parameters' explored ranges (scaled to 0-1).

    Args:
        boxes: the ``discovery`` table (one row per restricted parameter of each box).
        summary: the ``discovery_boxes`` table (coverage and density of each box).
        ranges: each parameter's explored range.
        t: the language.

    """
    keys = list(boxes.groupby(["scenario", "box"], sort=False).groups)
    height = sum(0.9 + 0.35 * len(boxes[(boxes.scenario == s) & (boxes.box == k)])
                 for s, k in keys)
    fig = figure(figsize=(7, height))
    axes = fig.subplots(len(keys), 1, squeeze=False)
    for ax, (klass, number) in zip(axes[:, 0], keys, strict=True):
        rows = boxes[(boxes["scenario"] == klass) & (boxes["box"] == number)]
        stats = summary[(summary["scenario"] == klass) & (summary["box"] == number)].iloc[0]
        for i, r in enumerate(rows.itertuples()):
            lo, hi = ranges.get(r.parameter, (r.low, r.high))
            span = (hi - lo) or 1.0
            ax.barh(i, (r.high - r.low) / span, left=(r.low - lo) / span, height=0.5,
                    color=COLOURS.get(klass, "grey"))
            ax.text(1.02, i, f"{t.sig(r.low)} - {t.sig(r.high)}", va="center", fontsize=8)
        ax.set_yticks(range(len(rows)), [t.param_label(p) for p in rows["parameter"]])
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_title(t("fig.box_title", klass=t.klass(klass), number=number,
                       coverage=t.pct(stats.coverage), density=t.pct(stats.density)),
                     fontsize=9)
    axes[-1, 0].set_xlabel(t("fig.share_of_range"))
    fig.tight_layout()
    return fig
