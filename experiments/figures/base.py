"""What every figure shares: its style, its canvas, its PNG, the class colours, tick formats.

A figure function builds a :class:`matplotlib.figure.Figure` (never through ``pyplot``, so no
backend is chosen and no global state is touched) and is wrapped by :func:`drawn`, which draws it
under :data:`STYLE` with ``matplotlib.rc_context`` and returns PNG bytes: the analysis and the
report draw in the same style, whatever else the process has set.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from model.labels import PERCENT_INDICATORS, POINT_INDICATORS
from model.scenarios import SCENARIO_COLOURS, SCENARIOS

STYLE = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
DPI = 110
#: Runs drawn as dots at most; a larger sample is thinned (with a fixed seed).
MAX_POINTS = 3000
COLOURS = SCENARIO_COLOURS
CLASSES = SCENARIOS


def drawn(draw: Callable[..., Figure]) -> Callable[..., bytes]:
    """Wrap a function that builds a figure: draw it in :data:`STYLE`, return PNG bytes."""

    @functools.wraps(draw)
    def png(*args: Any, **kwargs: Any) -> bytes:
        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            fig = draw(*args, **kwargs)
            fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        return buffer.getvalue()

    return png


def figure(**kwargs: Any) -> Figure:
    """A new figure with its own Agg canvas (no pyplot)."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def grid(n: int, cols: int, width: float, height: float) -> tuple[Figure, list]:
    """A figure of ``n`` panels in ``cols`` columns; each row ``height`` inches."""
    rows = math.ceil(n / cols)
    fig = figure(figsize=(width, height * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def sample_rows(n: int, seed: int = 0, most: int = MAX_POINTS) -> np.ndarray:
    """Indexes of at most ``most`` of ``n`` rows (all of them when there are fewer)."""
    keep = np.arange(n)
    if n > most:
        keep = np.sort(np.random.default_rng(seed).choice(keep, most, replace=False))
    return keep


def indicator_format(t: Any, indicator: str | None = None) -> FuncFormatter:
    """Tick labels in the figure's language (shares in %, gaps in points)."""
    def fmt(value: float, _pos: int) -> str:
        if indicator in PERCENT_INDICATORS:
            return t.pct(value)
        if indicator in POINT_INDICATORS:
            return t.num(100 * value, 0)
        return t.sig(value, 3)
    return FuncFormatter(fmt)


def unit_format(t: Any, unit: str | None) -> FuncFormatter:
    """Tick labels of a parameter axis (shares in %, euros in € or M€)."""
    return FuncFormatter(lambda value, _pos: t.tick(float(value), unit))


def quarter_year(quarters: pd.Series) -> np.ndarray:
    """``2020Q3`` -> 2020.5 (the start of the quarter, in years)."""
    text = quarters.astype(str)
    return (text.str[:4].astype(int) + (text.str[-1].astype(int) - 1) / 4).to_numpy()
