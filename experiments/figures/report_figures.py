"""Figures of the workshop report, drawn in the report's language and returned as PNG bytes.

- :func:`fan_chart`: the banded indicators' trajectories of one scenario class (median and the
  10-90% band over its runs), with the class's 2040 band beside the end of each panel;
- :func:`final_values`: every run's 2040 value of each banded indicator against the bands;
- :func:`importance_bars`: sensitivity indices with their 95% confidence intervals;
- :func:`convergence`: the indices recomputed on growing parts of the sample;
- :func:`scenario_map`: each run's class over the two most influential parameters, with the
  discovered boxes; :func:`shares_along`: the share of each class along each parameter.

Texts come from a :class:`~experiments.report.i18n.Translator`; numbers on axes follow its language.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from experiments.figures.analysis_figures import COLORS  # noqa: E402  (same colours as the analysis)
from experiments.report.i18n import PERCENT_INDICATORS, POINT_INDICATORS, Translator  # noqa: E402

CLASSES = ("low", "trend", "high")
DPI = 110
MAX_POINTS = 3000
plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})


def png(fig: plt.Figure) -> bytes:
    """Save a figure as PNG bytes and close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _axis_format(t: Translator, indicator: str | None = None) -> FuncFormatter:
    """Tick labels in the report's language (shares in %, gaps in points)."""
    def fmt(value: float, _pos: int) -> str:
        if indicator in PERCENT_INDICATORS:
            return t.pct(value)
        if indicator in POINT_INDICATORS:
            return t.num(100 * value, 0)
        return t.sig(value, 3)
    return FuncFormatter(fmt)


def _tick_format(t: Translator, unit: str | None) -> FuncFormatter:
    """Tick labels of a parameter axis (shares in %, euros in € or M€)."""
    return FuncFormatter(lambda value, _pos: t.tick(float(value), unit))


def _quarter_year(quarters: pd.Series) -> np.ndarray:
    """``2020Q3`` -> 2020.5 (the start of the quarter, in years)."""
    text = quarters.astype(str)
    return (text.str[:4].astype(int) + (text.str[-1].astype(int) - 1) / 4).to_numpy()


def _grid(n: int, cols: int, width: float, height: float) -> tuple[plt.Figure, list]:
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width, height * rows), squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _band_limits(band, lo: float, hi: float) -> tuple[float, float]:
    return (max(band.lo, lo), min(band.hi, hi))


def fan_chart(traj: pd.DataFrame, klass: str, indicators: list[str], bands: dict,
              t: Translator) -> bytes:
    """Draw the median and 10-90% band of each indicator over the runs of one class.

    Args:
        traj: ``run_id, quarter`` and the indicators, for the runs of this class only.
        klass: ``low``, ``trend`` or ``high``.
        indicators: indicators to draw, one panel each.
        bands: indicator -> class -> band (``model.scenarios.load_bands()``).
        t: the report's language.

    """
    years = _quarter_year(traj["quarter"])
    color = COLORS[klass]
    fig, axes = _grid(len(indicators), min(3, len(indicators)), 9.6, 2.3)
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
            b_lo, b_hi = _band_limits(band, y0, y1)
            ax.add_patch(Rectangle((2041.0, b_lo), 0.7, b_hi - b_lo, color=color, alpha=0.55,
                                   lw=0, label=t("fig.band_2040")))
        ax.set_ylim(y0, y1)
        ax.set_xlim(2019.5, 2041.9)
        ax.set_title(t.indicator(name), fontsize=9)
        ax.yaxis.set_major_formatter(_axis_format(t, name))
        ax.grid(alpha=0.3)
    legend = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    handles, labels = list(legend.values()), list(legend)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=8, frameon=False)
    return png(fig)


def final_values(final: pd.DataFrame, classes: pd.Series, indicators: list[str], bands: dict,
                 t: Translator, seed: int = 0) -> bytes:
    """Draw each run's 2040 value per indicator (a dot coloured by class) over the bands."""
    fig, axes = _grid(len(indicators), 1, 9.6, 1.0)
    rng = np.random.default_rng(seed)
    keep = np.arange(len(final))
    if len(keep) > MAX_POINTS:
        keep = np.sort(rng.choice(keep, MAX_POINTS, replace=False))
    for ax, name in zip(axes, indicators, strict=True):
        x = final[name].to_numpy()[keep]
        cls = classes.to_numpy()[keep]
        lo = min(np.nanmin(x), 0.0)
        hi = max(np.nanmax(x), max((b.lo for b in bands.get(name, {}).values()
                                    if math.isfinite(b.lo)), default=0) * 1.05)
        for klass, band in bands.get(name, {}).items():
            b_lo, b_hi = _band_limits(band, lo - 1, hi + 1)
            ax.axvspan(b_lo, b_hi, color=COLORS[klass], alpha=0.15, lw=0)
        for klass in CLASSES:
            mask = cls == klass
            ax.scatter(x[mask], rng.uniform(-0.35, 0.35, mask.sum()), s=9, alpha=0.7,
                       color=COLORS[klass], lw=0, label=t.klass(klass))
        ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([])
        ax.set_ylabel(t.indicator(name), rotation=0, ha="right", va="center", fontsize=8)
        ax.xaxis.set_major_formatter(_axis_format(t, name))
        ax.spines["left"].set_visible(False)
    fig.subplots_adjust(left=0.27, right=0.98, top=1 - 0.35 / fig.get_figheight(),
                        bottom=0.3 / fig.get_figheight(), hspace=0.9)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=3, fontsize=8,
               frameon=False, markerscale=1.6)
    return png(fig)


def importance_bars(table: pd.DataFrame, columns: list[tuple[str, str, str]],
                    outcomes: list[str], t: Translator, top: int = 8) -> bytes:
    """Draw horizontal bars of sensitivity indices with 95% CIs, one panel per outcome.

    Args:
        table: the method's table (``outcome, parameter`` and the index columns).
        columns: ``(column, confidence column, legend)`` per index; the first one ranks.
        outcomes: outcomes to draw, in order.
        t: the report's language.
        top: most parameters shown per outcome.

    """
    cols = min(2, len(outcomes))
    heights = [min(top, int((table["outcome"] == o).sum())) for o in outcomes]
    fig, axes = _grid(len(outcomes), cols, 9.6, 0.9 + 0.3 * max(heights + [1]))
    palette = ["#34495e", "#95a5a6", "#7f8c8d"]
    for ax, outcome in zip(axes, outcomes, strict=True):
        rows = table[table["outcome"] == outcome].sort_values(columns[0][0], ascending=False)
        rows = rows.head(top)
        y = np.arange(len(rows))
        height = 0.8 / len(columns)
        for i, (col, conf, legend) in enumerate(columns):
            err = rows[conf].to_numpy(dtype=float) if conf in rows else None
            ax.barh(y + (i - (len(columns) - 1) / 2) * height, rows[col].to_numpy(dtype=float),
                    height, xerr=err, capsize=2, color=palette[i % 3], label=legend,
                    error_kw={"lw": 0.8})
        ax.set_yticks(y, [t.param_label(p) for p in rows["parameter"]], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        ax.set_title(t.indicator(outcome), fontsize=9)
        ax.xaxis.set_major_formatter(_axis_format(t))
        ax.grid(axis="x", alpha=0.3)
    if len(columns) > 1:
        axes[0].legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout()
    return png(fig)


def convergence(table: pd.DataFrame, column: str, outcome: str, parameters: list[str],
                t: Translator) -> bytes:
    """Draw an index against the number of design points, one line per parameter."""
    rows = table[(table["outcome"] == outcome) & table["parameter"].isin(parameters)]
    size = "n_points" if "n_points" in rows else rows.columns[2]
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    for i, name in enumerate(parameters):
        line = rows[rows["parameter"] == name].sort_values(size)
        color = plt.get_cmap("tab10")(i)
        ax.plot(line[size], line[column], marker="o", ms=3, color=color,
                label=t.param_label(name))
        conf = f"{column}_conf"
        if conf in line:
            ax.fill_between(line[size], line[column] - line[conf], line[column] + line[conf],
                            color=color, alpha=0.12, lw=0)
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: t.integer(v)))
    ax.yaxis.set_major_formatter(_axis_format(t))
    ax.set_xlabel(t("fig.design_points"))
    ax.set_title(t.indicator(outcome), fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return png(fig)


def scenario_map(x: pd.DataFrame, classes: pd.Series, pair: list[str], boxes: pd.DataFrame,
                 ranges: dict[str, tuple[float, float]], units: dict[str, str | None],
                 t: Translator, seed: int = 0) -> bytes:
    """Draw each run's class over two parameters, with the discovered boxes as rectangles."""
    fig, ax = plt.subplots(figsize=(8.4, 4.8))
    keep = np.arange(len(x))
    if len(keep) > MAX_POINTS:
        keep = np.sort(np.random.default_rng(seed).choice(keep, MAX_POINTS, replace=False))
    px, py = pair
    for klass in CLASSES:
        mask = classes.to_numpy()[keep] == klass
        ax.scatter(x[px].to_numpy()[keep][mask], x[py].to_numpy()[keep][mask], s=14,
                   alpha=0.75, color=COLORS[klass], lw=0, label=t.klass(klass))
    if not boxes.empty:
        for (klass, _number), box in boxes.groupby(["scenario", "box"], sort=False):
            limits = {r.parameter: (r.low, r.high) for r in box.itertuples()}
            if not set(limits) & set(pair) or klass not in COLORS:
                continue
            (x0, x1), (y0, y1) = (limits.get(p, ranges[p]) for p in pair)
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2,
                                   ls="--", edgecolor=COLORS[klass]))
    for axis, name in ((ax.xaxis, px), (ax.yaxis, py)):
        axis.set_major_formatter(_tick_format(t, units.get(name)))
    ax.set_xlabel(t.axis_title(px, units.get(px)))
    ax.set_ylabel(t.axis_title(py, units.get(py)))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return png(fig)


def shares_along(shares: pd.DataFrame, parameters: list[str], units: dict[str, str | None],
                 t: Translator) -> bytes:
    """Draw stacked bars of the class shares in each bin of each parameter."""
    fig, axes = _grid(len(parameters), min(3, len(parameters)), 9.6, 2.3)
    for ax, name in zip(axes, parameters, strict=True):
        rows = shares[shares["parameter"] == name]
        table = rows.pivot_table(index=["bin", "bin_low", "bin_high"], columns="scenario",
                                 values="share", aggfunc="first").fillna(0.0)
        labels = [t.tick(float((lo + hi) / 2), units.get(name)) for _b, lo, hi in table.index]
        bottom = np.zeros(len(table))
        for klass in CLASSES:
            share = table[klass].to_numpy() if klass in table else np.zeros(len(table))
            ax.bar(range(len(table)), share, bottom=bottom, color=COLORS[klass], width=0.85,
                   label=t.klass(klass))
            bottom += share
        ax.set_xticks(range(len(table)), labels, fontsize=7, rotation=30, ha="right")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: t.pct(v)))
        ax.set_title(t.axis_title(name, units.get(name)), fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 1.04))
    fig.tight_layout()
    return png(fig)
