"""Compare runs and export: earlier runs kept as overlays, the trajectory as CSV, figures as PNG.

Each new run (a scenario picked, the "new run" button) keeps the run it replaces if it has
stepped, so the three scenarios played one after the other end up side by side. The kept
runs live in the session (``KEPT``), at most :data:`MAX_KEPT`, oldest dropped first.
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app_controls import TICK
from app_figures import DPI, ink, style
from app_text import LANG, ft, labels_for, local_ticks, quarter_text, t

MAX_KEPT = 6
#: The indicators compared, and whether they are shares.
COMPARED = (("industrial_service_capture", True), ("servitized_share_sme", True),
            ("digital_adoption_sme", True), ("jobs_index_2017", False))
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
#: The least y range of a compared indicator (5 points of a share, 0.05 of the jobs index):
#: early in a run the lines barely move, and a tighter range was labelled 92,550 %, 92,500 %.
MIN_SPAN = 0.05


def decimals(ticks) -> int:
    """The fewest decimals that write every tick (shares, as percentages) exactly."""
    return next((d for d in range(3) if all(abs(round(t * 100, d) - t * 100) < 1e-6
                                            for t in ticks)), 3)


def widen(ax, share: bool) -> None:
    """Give an axis at least :data:`MIN_SPAN` around its data (a share within 0-100 %)."""
    y0, y1 = ax.get_ylim()
    if y1 - y0 >= MIN_SPAN:
        return
    low = (y0 + y1 - MIN_SPAN) / 2
    if share:
        low = min(max(low, 0.0), 1.0 - MIN_SPAN)
    ax.set_ylim(low, low + MIN_SPAN)


@dataclass(frozen=True)
class KeptRun:
    """A finished or interrupted run kept for comparison.

    Attributes:
        name: its scenario (``low``, ``trend``, ``high``) or ``None`` for custom values.
        seed: its seed.
        trajectory: one row per quarter (``model.trajectory()``).
        run: which run it is (:data:`RUNS`): a run kept again replaces its earlier copy.
        levers_moved: a lever was moved during the run, away from its scenario's values.

    """

    name: str | None
    seed: int
    trajectory: pd.DataFrame
    run: int = -1
    levers_moved: bool = False

    def label(self, lang: str) -> str:
        """A legend label: scenario (or custom; levers moved), seed, last quarter."""
        lab = labels_for(lang)
        what = lab.klass(self.name) if self.name else ft("custom", lang)
        if self.levers_moved:
            what += f" ({ft('levers_moved', lang)})"
        last = self.trajectory["quarter"].iloc[-1]
        last = last.replace("Q", "T") if lang == "fr" else last
        return f"{what}, {ft('seed', lang)} {self.seed}, → {last}"


KEPT: solara.Reactive[list[KeptRun]] = solara.reactive([])


#: Numbers the runs of the process, so that a run kept twice (the keep button, then the new
#: run that replaces it) is drawn once, as far as it went.
RUNS = itertools.count()


def keep(model, name: str | None) -> None:
    """Keep a run that has stepped (at most :data:`MAX_KEPT`, the oldest dropped).

    A run already kept is kept again in its place, with its quarters since.
    """
    if model.quarter == 0:
        return
    if not hasattr(model, "run_number"):
        model.run_number = next(RUNS)
    run = KeptRun(name, model.seed, model.trajectory(), model.run_number,
                  getattr(model, "levers_moved", False))
    kept = KEPT.value
    if any(k.run == run.run for k in kept):
        KEPT.value = [run if k.run == run.run else k for k in kept]
    else:
        KEPT.value = [*kept, run][-MAX_KEPT:]


def compare_figure(model, kept: list[KeptRun], lang: str, dark: bool = False) -> Figure:
    """Four indicators over the quarters: the kept runs in colour, the current run in black.

    The page shows it in the theme's colours (``dark``: the current run in white); the PNG
    download is always drawn light, for slides and reports.
    """
    lab = labels_for(lang)
    with style(dark):
        # 9 in: the main column at 1280x800 (840 px) shows its 10 pt text at 13 px; 6.4 in
        # high as before, for the same whole-percent ticks
        fig = Figure(figsize=(9, 6.4), dpi=DPI, layout="constrained")
        axes = fig.subplots(2, 2).ravel()
        current = model.trajectory()
        start = model.p["start_year"]
        runs = [(k.label(lang), k.trajectory, COLOURS[i % len(COLOURS)], 1.6)
                for i, k in enumerate(kept)]
        runs.append((_current_label(lang, model), current, ink(dark), 2.6))
        for ax, (name, share) in zip(axes, COMPARED, strict=True):
            for label, df, colour, width in runs:
                years = start + 0.25 * np.arange(len(df))
                ax.plot(years, df[name], color=colour, lw=width, label=label)
            ax.set_title(lab.indicator(name), loc="left")
            ax.set_xlim(start, model.p["end_year"] + 1)
            ax.set_xticks(range(start, model.p["end_year"] + 2, 5))  # years, not 2022.5
            widen(ax, share)
            # as many decimals as the ticks need: 94 %, 94,5 %, never 92,550 % or 94 %, 94 %
            local_ticks(ax.yaxis, lang, percent=share,
                        decimals=decimals(ax.get_yticks()) if share else None)
            ax.grid(alpha=0.3)
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncol=3)
    return fig


def _current_label(lang: str, model) -> str:
    shown = quarter_text(model, lang)  # "before the start", not 2019Q4, before a quarter
    return f"{ft('current_run', lang)}, {'→ ' if model.quarter else ''}{shown}"


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes."""
    out = io.BytesIO()
    FigureCanvasAgg(fig).print_png(out)
    return out.getvalue()


def trajectory_csv(model) -> str:
    """The current run's quarterly indicators as CSV (``quarter`` like ``2031Q2``)."""
    return model.trajectory().to_csv(index=False)


@solara.component
def ComparePanel(model):
    """The comparison figure, the keep / forget buttons and the downloads."""
    TICK.get()
    lang = LANG.value
    dark = bool(solara.lab.use_dark_effective())  # redrawn when the theme toggle turns
    kept = KEPT.value
    fig = compare_figure(model, kept, lang, dark)
    image = png(fig)
    # the PNG goes into slides and reports, on white whatever the theme: on the dark theme the
    # light figure is drawn only when asked for (0.2-0.5 s, too long for every quarter)
    export = image if not dark else lambda: png(compare_figure(model, kept, lang, False))
    with solara.Column(style={"padding": "8px"}, gap="6px"):
        solara.Text(t("compare_note", ink=t("white" if dark else "black")),
                    style={"font-size": "14px"})
        if dark:  # the download is not what the page shows
            solara.Text(t("png_light"), style={"font-size": "14px"})
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            solara.Button(t("keep"), on_click=lambda: keep(model, model.preset_name),
                          outlined=True, class_="keep-run")
            solara.Button(t("clear"), on_click=lambda: KEPT.set([]), outlined=True,
                          disabled=not kept)
            solara.FileDownload(trajectory_csv(model), filename="servisim-trajectory.csv",
                                label=t("export_csv"), mime_type="text/csv")
            solara.FileDownload(export, filename="servisim-compare.png",
                                label=t("export_png"), mime_type="image/png")
        # never wider than drawn: a 1920x1080 page stretched it to 1,480 px, blurred and taller
        # than the window
        with solara.Column(style={"max-width": f"{fig.bbox.width:.0f}px", "width": "100%"}):
            solara.Image(image, width="100%")
