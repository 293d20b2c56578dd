"""Each run's scenario class over two parameters, with the discovered boxes as rectangles."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from experiments.figures.base import CLASSES, COLOURS, drawn, figure, sample_rows, unit_format


@drawn
def scenario_map(x: pd.DataFrame, classes: pd.Series, pair: list[str], boxes: pd.DataFrame,
                 ranges: dict[str, tuple[float, float]], units: dict[str, str | None],
                 t: Any, seed: int = 0) -> Figure:
    """Draw the runs over ``pair`` coloured by class; the PRIM boxes restricted on them dashed.

    Args:
        x: each run's parameter values (at least the two of ``pair``).
        classes: each run's class.
        pair: the two parameters (x axis, y axis).
        boxes: the ``discovery`` table (one row per restricted parameter of each box).
        ranges: each parameter's explored range (an unrestricted side of a box).
        units: each parameter's unit.
        t: the language.
        seed: which runs are drawn when there are too many.

    """
    fig = figure(figsize=(8.4, 4.8))
    ax = fig.subplots()
    keep = sample_rows(len(x), seed)
    px, py = pair
    for klass in CLASSES:
        mask = classes.to_numpy()[keep] == klass
        ax.scatter(x[px].to_numpy()[keep][mask], x[py].to_numpy()[keep][mask], s=14,
                   alpha=0.75, color=COLOURS[klass], lw=0, label=t.klass(klass))
    if not boxes.empty:
        for (klass, _number), box in boxes.groupby(["scenario", "box"], sort=False):
            limits = {r.parameter: (r.low, r.high) for r in box.itertuples()}
            if not set(limits) & set(pair) or klass not in COLOURS:
                continue
            (x0, x1), (y0, y1) = (limits.get(p, ranges[p]) for p in pair)
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2,
                                   ls="--", edgecolor=COLOURS[klass]))
    for axis, name in ((ax.xaxis, px), (ax.yaxis, py)):
        axis.set_major_formatter(unit_format(t, units.get(name)))
    ax.set_xlabel(t.axis_title(px, units.get(px)))
    ax.set_ylabel(t.axis_title(py, units.get(py)))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig
