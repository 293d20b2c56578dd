"""The app's live matplotlib figures: axes drawn once, only the data redrawn each quarter.

Redrawing a whole matplotlib figure costs 100-250 ms on the project's machines, a dozen of them
per frame far more than a second. A :class:`LiveFigure` draws its axes, ticks, bands and
legends once (the background), then each frame restores that background and draws only its
*animated* artists (lines, dots, step histograms) before encoding the image as a
JPEG (quality 90, no chroma subsampling: 1-2 ms, where a PNG takes 10-15 ms): ~10-30 ms.
The background is redrawn only when an axis has to grow.

No simulation logic here: the figures read the model's arrays and its DataCollector.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from app_text import ft, labels_for, local_ticks, quarter_text, spaced
from model.scenarios import SCENARIO_COLOURS, load_bands

#: Pixels per inch: a 6.4 in chart is 768 px wide, about the width the page shows it at on a
#: 1280x800 projector (one chart a row) or at 1920x1080 (two a row), so its text is drawn near
#: its own size. At 90 it was 576 px and two a row at 1280 drew the text at 9 px.
DPI = 120
#: Smallest text in a figure, in points: 17 px at ``DPI``, read across a workshop room.
FONT = 10
#: Figure colours for the light and the dark theme (Solara's theme toggle).
THEMES = {
    False: {"figure.facecolor": "white", "axes.facecolor": "white", "text.color": "#222",
            "axes.labelcolor": "#222", "xtick.color": "#222", "ytick.color": "#222",
            "axes.edgecolor": "#444", "legend.facecolor": "white", "grid.color": "#b0b0b0"},
    True: {"figure.facecolor": "#1e1e1e", "axes.facecolor": "#1e1e1e", "text.color": "#e6e6e6",
           "axes.labelcolor": "#e6e6e6", "xtick.color": "#e6e6e6", "ytick.color": "#e6e6e6",
           "axes.edgecolor": "#aaa", "legend.facecolor": "#2a2a2a", "grid.color": "#555"},
}
FONTS = {"font.size": FONT, "axes.titlesize": FONT + 1, "axes.labelsize": FONT,
         "xtick.labelsize": FONT, "ytick.labelsize": FONT, "legend.fontsize": FONT}


#: rcParams are global: a figure built in a thread (a PNG download) would mix its theme with
#: one built meanwhile for the page, so figures are built one at a time.
_BUILDING = threading.RLock()


@contextmanager
def style(dark: bool) -> Iterator[None]:
    """The rc settings a figure is built under: fonts of ``FONT`` points, the theme's colours."""
    with _BUILDING, mpl.rc_context({**FONTS, **THEMES[dark]}):
        yield


def ink(dark: bool) -> str:
    """The colour of reference lines and annotations on the theme's background."""
    return "#e6e6e6" if dark else "k"


#: Room above 100 % on a share's axis (a fraction of it), so a line at 100 % shows whole.
HEADROOM = 0.04
#: Where a chart's legend hangs from, in axes fractions: under the year ticks.
LEGEND_Y = -0.1
#: Image format sent to the browser, and its MIME subtype.
FORMAT = "jpeg"
#: Firms drawn one by one when a run starts with this many or fewer; beyond, a density.
MAX_DOTS = 2500
KIND_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c")


class LiveFigure:
    """A figure whose animated artists are redrawn over a cached background (blitting).

    Args:
        nrows, ncols: the subplot grid.
        figsize: inches (at ``DPI`` dots per inch).

    Build it inside :func:`style` so that its text and colours follow the theme.

    """

    def __init__(self, nrows: int = 1, ncols: int = 1, figsize=(6.4, 4.0), **kw) -> None:
        self.fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
        self.fig.set_facecolor(mpl.rcParams["figure.facecolor"])
        self.canvas = FigureCanvasAgg(self.fig)
        self.axes = np.asarray(self.fig.subplots(nrows, ncols, squeeze=False, **kw)).ravel()
        self._animated: list = []
        self._background = None
        #: A line of text for under the image (the browser draws it: no text layout here).
        self.caption = ""

    def animate(self, artist):
        """Mark an artist as data: left out of the background, drawn every frame."""
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    def fit(self, ax, low: float, high: float) -> None:
        """Grow an axis' y range (never shrink it) so that it holds [low, high]."""
        y0, y1 = ax.get_ylim()
        if high > y1 or low < y0:  # double the range, so that this stays rare
            span = y1 - y0
            ax.set_ylim(min(y0, low - span) if low < y0 else y0,
                        max(y1 + span, 1.2 * high) if high > y1 else y1)
            self._background = None

    def image(self) -> bytes:
        """The current frame, encoded as ``FORMAT``."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._animated:
            self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw",
                                 "RGBA", 0, 1).convert("RGB")
        out = io.BytesIO()
        image.save(out, format=FORMAT, quality=90, subsampling=0)
        return out.getvalue()


def _years(start: int, count: int) -> np.ndarray:
    return start + 0.25 * np.arange(count)


@dataclass(frozen=True)
class Panel:
    """One chart of indicators over the quarters.

    Attributes:
        title: the figure word (``app_text.FIGURE_TEXT``) of its title.
        series: indicator -> (figure word of its legend label, colour).
        ylabel: figure word of the y-axis label.
        ylim: the y range, or a function of the parameters giving it; it grows (and the
            axes are redrawn) only if the data leave it.
        factor: the values are multiplied by it (1e-6 for EUR m).
        bands: the indicator whose 2040 scenario bands are shaded behind the lines.
        reference: a dashed horizontal line (e.g. the 2017 jobs level).
        percent: the values are shares, shown as percentages.
        money: the caption writes the values as money (euros before ``factor``).
        unit: figure word written after a value in the caption (the axis says it in the chart).

    """

    title: str
    series: dict[str, tuple[str, str]]
    ylabel: str
    ylim: tuple[float, float] | Callable[[dict], tuple[float, float]] = (0.0, 1.0)
    factor: float = 1.0
    bands: str | None = None
    reference: float | None = None
    percent: bool = False
    money: bool = False
    unit: str | None = None


class IndicatorFigure(LiveFigure):
    """One or two indicator panels side by side, from the model's DataCollector.

    Args:
        model: the running model.
        panels: the charts.
        lang: ``fr`` or ``en``.
        dark: the dark theme's colours.

    """

    def __init__(self, model, panels: list[Panel], lang: str = "fr", dark: bool = False) -> None:
        with style(dark):
            super().__init__(1, len(panels), figsize=(6.4, 3.7))
            self._build(model, panels, lang, dark)

    def _build(self, model, panels: list[Panel], lang: str, dark: bool) -> None:
        self.panels, self.lang = panels, lang
        self.labels = labels_for(lang)
        self.lines: list[list] = []
        start, end = model.p["start_year"], model.p["end_year"]
        for ax, panel in zip(self.axes, self.panels, strict=True):
            ylim = panel.ylim(model.p) if callable(panel.ylim) else panel.ylim
            for cls, band in load_bands().get(panel.bands, {}).items():
                lo = max(band.lo * panel.factor, -1e12)  # infinite ends: beyond any data
                hi = min(band.hi * panel.factor, 1e12)
                ax.axhspan(lo, hi, color=SCENARIO_COLOURS[cls], alpha=0.15, lw=0)
                ax.text(end + 0.9, (max(lo, ylim[0]) + min(hi, ylim[1])) / 2,
                        self.labels.klass(cls), ha="right", va="center",
                        color=SCENARIO_COLOURS[cls])
            if panel.reference is not None:
                ax.axhline(panel.reference, color=ink(dark), ls="--", lw=0.8)
            self.lines.append([self.animate(ax.plot([], [], color=colour, lw=2.0,
                                                    label=ft(label, lang))[0])
                               for label, colour in panel.series.values()])
            ax.set_xlim(start, end + 1)
            ax.set_xticks(range(start, end + 2, 10))
            if panel.percent and ylim[1] == 1.0:  # a line at 100 % drawn whole, not halved
                ylim = (ylim[0], 1.0 + HEADROOM)
            ax.set_ylim(*ylim)
            ax.set_ylabel(ft(panel.ylabel, lang))
            local_ticks(ax.yaxis, lang, panel.percent, decimals=0)
            ax.grid(alpha=0.3)
            ax.set_title(ft(panel.title, lang), loc="left")
            if len(panel.series) > 1:  # under the axes: inside, it hid lines near the top
                ax.legend(loc="upper center", bbox_to_anchor=(0.5, LEGEND_Y),
                          ncols=len(panel.series), frameon=False, handlelength=1.5,
                          columnspacing=1.0)

    def _value(self, panel: Panel, value: float) -> str:
        if panel.percent:
            return self.labels.pct(value)
        if panel.money:
            return self.labels.money(value / panel.factor)
        shown = self.labels.sig(value)
        return f"{shown} {ft(panel.unit, self.lang)}" if panel.unit else shown

    def frame(self, model) -> bytes:
        """Update the lines from the DataCollector and return the image."""
        data = model.datacollector.model_vars
        start = model.p["start_year"]
        now = []
        for ax, panel, lines in zip(self.axes, self.panels, self.lines, strict=True):
            values = [np.asarray(data[key], dtype=float) * panel.factor
                      for key in panel.series]
            for line, v in zip(lines, values, strict=True):
                line.set_data(_years(start, len(v)), v)
            self.fit(ax, min(v.min() for v in values), max(v.max() for v in values))
            now.append(", ".join(f"{ft(label, self.lang)} {self._value(panel, v[-1])}"
                                 for (_, (label, _)), v in
                                 zip(panel.series.items(), values, strict=True)))
        self.caption = spaced(f"{quarter_text(model, self.lang)}"
                              f"{' :' if self.lang == 'fr' else ':'} " + "  |  ".join(now),
                              self.lang)
        return self.image()


class FirmsFigure(LiveFigure):
    """Every live firm's digital vs service capability, and the service shares by kind."""

    def __init__(self, model, lang: str = "fr", dark: bool = False) -> None:
        with style(dark):
            super().__init__(1, 2, figsize=(7.6, 3.9), width_ratios=(1.25, 1))
            self._build(model, lang, dark)

    def _build(self, model, lang: str, dark: bool) -> None:
        from app_text import KINDS

        self.lang = lang
        p = model.p
        ax, hx = self.axes
        # the firms of the run, not the arrays' room for entrants (2,435 firms at scale 0.25
        # have room for 3,339): one choice per run, not flipping as firms enter and exit
        self.dots = model.initial_firms <= MAX_DOTS
        if self.dots:
            self.points = [self.animate(ax.scatter([], [], s=8, alpha=0.6, color=c, lw=0,
                                                   label=k))
                           for k, c in zip(KINDS[lang][:3], KIND_COLOURS, strict=True)]
        else:
            # a relative density (1 = the fullest cell): fixed colour scale, so the colour bar
            # drawn once stays true
            self.density = self.animate(ax.imshow(np.zeros((25, 25)), origin="lower",
                                                  extent=(0, 1, 0, 1), cmap="viridis",
                                                  aspect="auto", vmin=0, vmax=1))
            bar = self.fig.colorbar(self.density, ax=ax, shrink=0.9, pad=0.02)
            bar.set_label(ft("density", lang))
        ax.axvline(p["adoption_mark"], color=ink(dark), ls="--", lw=0.8)
        ax.text(p["adoption_mark"] + 0.02, 0.02, ft("mark", lang))
        ax.set(xlim=(0, 1), ylim=(0, 1))
        local_ticks(ax.xaxis, lang)
        local_ticks(ax.yaxis, lang)
        ax.set_xlabel(ft("digital", lang))
        ax.set_ylabel(ft("service_cap", lang))
        self.edges = np.linspace(0, 1, 21)
        zeros = np.zeros(20)
        self.stairs = [self.animate(hx.stairs(zeros, self.edges, baseline=zeros, fill=True,
                                              color=c, label=k))
                       for k, c in zip(KINDS[lang][:3], KIND_COLOURS, strict=True)]
        # the kinds' colours, dots and bars alike, under both charts: inside the axes the
        # legend hid the firms of high service capability
        self.fig.legend(handles=self.stairs, loc="outside lower center", ncols=3,
                        frameon=False, handlelength=1.2, columnspacing=1.0)
        hx.axvline(p["servitization_threshold"], color=ink(dark), ls="--", lw=0.8)
        hx.text(p["servitization_threshold"] + 0.02, 0.97, ft("servitized_arrow", lang),
                transform=hx.get_xaxis_transform(), va="top")
        hx.set_xlim(0, 1)
        local_ticks(hx.xaxis, lang, percent=True, decimals=0)
        local_ticks(hx.yaxis, lang)
        hx.set_ylim(0, max(10, int(model.firms.alive.sum()) // 2))
        hx.set_xlabel(ft("service_share", lang))
        hx.set_ylabel(ft("firms", lang))

    def frame(self, model) -> bytes:
        """Update dots (or density) and the stacked histogram; return the image."""
        f = model.firms
        alive = f.alive[: f.n]
        kind = f.kind[: f.n][alive]
        digital, service = f.digital[: f.n][alive], f.service[: f.n][alive]
        goods, serv = f.goods_revenue[: f.n][alive], f.service_revenue[: f.n][alive]
        total = goods + serv
        share = np.divide(serv, total, out=np.zeros_like(serv), where=total > 0)
        if self.dots:
            for k, points in enumerate(self.points):
                points.set_offsets(np.column_stack([digital[kind == k], service[kind == k]]))
        else:
            counts, _, _ = np.histogram2d(service, digital, bins=25, range=[[0, 1], [0, 1]])
            self.density.set_data(counts / max(counts.max(), 1))
        base = np.zeros(len(self.edges) - 1)
        for k, stairs in enumerate(self.stairs):
            counts, _ = np.histogram(share[kind == k], bins=self.edges)
            stairs.set_data(base + counts, baseline=base.copy())
            base = base + counts
        self.fit(self.axes[1], 0, base.max())
        lab = labels_for(self.lang)
        # repair and installation firms sell services from the start: the servitized shares
        # of the indicators leave them out, and so does the count of firms that moved
        servitized = f.servitized[: f.n][alive]
        from_start = f.service_intensive[: f.n][alive]
        self.caption = ft("caption_firms", self.lang, quarter=quarter_text(model, self.lang),
                          n=lab.integer(alive.sum()),
                          s=lab.integer((servitized & ~from_start).sum()),
                          i=lab.integer((servitized & from_start).sum()))
        return self.image()


class HistoryFigure(LiveFigure):
    """The watched firm's capabilities, service share and cash since it was picked."""

    def __init__(self, model, lang: str = "fr", dark: bool = False) -> None:
        with style(dark):
            super().__init__(1, 2, figsize=(6.4, 2.8))
            self._build(model, lang, dark)

    def _build(self, model, lang: str, dark: bool) -> None:
        ax, cx = self.axes
        start, end = model.p["start_year"], model.p["end_year"]
        self.lines = [self.animate(ax.plot([], [], lw=1.8, marker=".", ms=4,
                                           label=ft(key, lang))[0])
                      for key in ("digital", "service_cap", "service_share")]
        ax.axhline(model.p["servitization_threshold"], color=ink(dark), ls=":", lw=0.8)
        ax.set_ylim(0, 1 + HEADROOM)  # a capability of 1 drawn whole
        # under both charts: inside the axes it hid a capability climbing past 0.6
        self.fig.legend(handles=self.lines, loc="outside lower center", ncols=3, frameon=False,
                        handlelength=1.5, columnspacing=1.0)
        self.cash = self.animate(cx.plot([], [], color="#8c564b", lw=1.8, marker=".",
                                         ms=4)[0])
        cx.set_title(ft("cash", lang))
        self.row = model.watched_row
        for a in self.axes:
            local_ticks(a.yaxis, lang)
            a.set_xlim(start, end + 1)
            a.set_xticks(range(start, end + 2, 10))
            a.grid(alpha=0.3)

    def frame(self, model) -> bytes:
        """Update the watched firm's lines and return the image."""
        h = np.asarray(model.watched_history, dtype=float)
        if model.watched_row != self.row:  # another firm: its own cash scale
            self.row = model.watched_row
            self.axes[1].set_ylim(0, 1)
            self._background = None
        for col, line in enumerate(self.lines, start=1):
            line.set_data(h[:, 0], h[:, col])
        self.cash.set_data(h[:, 0], h[:, 4])
        self.fit(self.axes[1], h[:, 4].min(), h[:, 4].max())
        return self.image()


# --- values and tables in the app's panels ---------------------------------------------------
def fmt(x: Any, lang: str = "fr") -> str:
    """A value as the app shows it (yes/no, thousands, 3 significant digits), the local way."""
    lab = labels_for(lang)
    if isinstance(x, str):
        return x
    if isinstance(x, bool | np.bool_):
        return lab.value(bool(x), "switch")
    if isinstance(x, int | np.integer):
        return lab.integer(x)
    return lab.integer(x) if abs(x) >= 1000 else lab.sig(float(x))


def html_table(header: list[str] | None, rows: list[list[Any]], lang: str = "fr") -> str:
    """A small HTML table (the scenario panel, the inspector); no header row when ``None``."""
    cell = "padding:1px 6px;text-align:left;font-size:14px"
    head = "" if header is None else "<thead><tr>" + "".join(
        f"<th style='{cell}'>{h}</th>" for h in header) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f"<td style='{cell}'>{fmt(c, lang)}</td>" for c in r)
                   + "</tr>" for r in rows)
    return spaced(f"<table>{head}<tbody>{body}</tbody></table>", lang)
