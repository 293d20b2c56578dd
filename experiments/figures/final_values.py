"""Every run's 2040 value of each banded indicator, a dot coloured by class, over the bands."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.figures.base import (
    CLASSES,
    COLOURS,
    drawn,
    grid,
    indicator_format,
    sample_rows,
)


@drawn
def final_values(final: pd.DataFrame, classes: pd.Series, indicators: list[str], bands: dict,
                 t: Any, seed: int = 0) -> Figure:
    """Draw each run's final value per indicator against the classification bands.

    Args:
        final: one row per run, one column per indicator.
        classes: each run's class.
        indicators: the banded indicators, one strip each.
        bands: indicator -> class -> band.
        t: the language.
        seed: which runs are drawn when there are too many, and their jitter.

    """
    fig, axes = grid(len(indicators), 1, 9.6, 1.0)
    rng = np.random.default_rng(seed)
    keep = sample_rows(len(final), seed)
    for ax, name in zip(axes, indicators, strict=True):
        x = final[name].to_numpy()[keep]
        cls = classes.to_numpy()[keep]
        lo = min(np.nanmin(x), 0.0)
        hi = max(np.nanmax(x), max((b.lo for b in bands.get(name, {}).values()
                                    if math.isfinite(b.lo)), default=0) * 1.05)
        for klass, band in bands.get(name, {}).items():
            ax.axvspan(max(band.lo, lo - 1), min(band.hi, hi + 1), color=COLOURS[klass],
                       alpha=0.15, lw=0)
        for klass in CLASSES:
            mask = cls == klass
            ax.scatter(x[mask], rng.uniform(-0.35, 0.35, mask.sum()), s=9, alpha=0.7,
                       color=COLOURS[klass], lw=0, label=t.klass(klass))
        ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([])
        ax.set_ylabel(t.indicator(name), rotation=0, ha="right", va="center", fontsize=8)
        ax.xaxis.set_major_formatter(indicator_format(t, name))
        ax.spines["left"].set_visible(False)
    fig.subplots_adjust(left=0.27, right=0.98, top=1 - 0.35 / fig.get_figheight(),
                        bottom=0.3 / fig.get_figheight(), hspace=0.9)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=3, fontsize=8,
               frameon=False, markerscale=1.6)
    return fig
