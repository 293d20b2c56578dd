"""The servisim app: watch and steer one run of the model in the browser, in French or English.

Run it with ``servisim viz`` or ``solara run app.py --host 127.0.0.1``. As in Mesa's examples
this file holds the page: the model as the app builds it, the charts and the layout. The
simulation lives in ``model``; the other parts of the page live beside this file, one job
each: ``app_text`` (the words, the language), ``app_controls`` (play, step, new run),
``app_params`` (scenarios, levers, uncertainties, constants), ``app_verdict`` (the live
verdict), ``app_inspector`` (firms and platforms), ``app_network`` (the network view),
``app_runs`` (compare runs, export) and ``app_figures`` (the live charts).

The page is built on Solara, as Mesa's ``SolaraViz`` is, but not inside it: SolaraViz's
controls and tabs (render interval, threads, "Page 0", "Time: 0.0") are Mesa's internals,
English only, and a workshop room does not need them.
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

from typing import Any

import numpy as np
import reacton.ipywidgets as rw
import solara
import solara.server.settings

from app_controls import STEPPING, TICK, Controls, redraw
from app_figures import (
    FORMAT,
    KIND_COLOURS,
    FirmsFigure,
    HistoryFigure,
    IndicatorFigure,
    Panel,
)
from app_inspector import PLATFORM, AgentInspector
from app_network import NetworkFigure
from app_params import CSS as PARAMETER_CSS
from app_params import ParameterPanel, matching_preset, panel_defaults
from app_runs import ComparePanel, keep
from app_text import LANG, labels, quarter_text, t
from app_verdict import ScenarioPanel
from model import ServitizationModel
from model.calendar import quarter_label

SEED = 42
SCALE = 0.1

# Solara's "This website runs on Solara" badge sat, in English, over the bottom right of the
# charts. `servisim viz` hides it with SOLARA_THEME_SHOW_BANNER=False; a bare `solara run app.py`
# hides it here: Solara runs this file at startup and reads the setting for each page it serves.
solara.server.settings.theme.show_banner = False


class AppModel(ServitizationModel):
    """The model as the app builds it, following one agent for the inspector.

    Every parameter not given is at its registry default.

    Args:
        rng: the seed.
        population_scale: 1.0 = the region.
        preset: the scenario the values come from, or ``None`` (custom values).
        **parameters: registry parameters.

    Attributes:
        seed: the seed (for the kept runs' labels).
        preset_name: the scenario the run started from, or ``None``.
        watched_kind: 0-2 a firm kind (``model.state``), 3 a platform.
        watched_row: the watched agent's row (in the firm or the platform arrays).
        watched_history: one tuple per quarter since a firm was picked: (year, digital,
            service capability, service share, cash in EUR k).
        watched_since: the steps done when the watched firm was picked (0: before the start).
        initial_platforms: the platforms already there before the first quarter (the first
            rows of ``platforms``).
        levers_moved: a lever was moved during the run (it is no longer its scenario's run).

    """

    def __init__(self, rng: Any = SEED, population_scale: float = SCALE,
                 preset: str | None = None, scenario: Any = None, **parameters: Any) -> None:
        values = {**panel_defaults(), **parameters, "population_scale": population_scale}
        super().__init__(rng=rng, headless=False, scenario=scenario, **values)
        self.seed = rng
        self.preset_name = preset
        self.initial_platforms = int(self.platforms.n)
        self.levers_moved = False
        self.watch(0, int(np.argmax(self.firms.kind[: self.firms.n] == 0)))  # the first SME

    def watch(self, kind: int, row: int) -> None:
        """Follow a firm (kind 0-2) or a platform (kind 3) from the current quarter."""
        self.watched_kind, self.watched_row = kind, row
        self.watched_since = self.quarter
        self.watched_history: list[tuple[float, ...]] = []
        self._record()

    def quarter_label_of(self, steps_done: int) -> str:
        """The label of the quarter simulated at step ``steps_done`` (``2031Q2``)."""
        return quarter_label(self.p["start_year"], steps_done + 1)

    def step(self) -> None:
        """One quarter of the model, then a note of the watched firm's state."""
        super().step()
        self._record()

    def _record(self) -> None:
        if self.watched_kind == PLATFORM:
            return
        f, r = self.firms, self.watched_row
        total = f.goods_revenue[r] + f.service_revenue[r]
        share = f.service_revenue[r] / total if total > 0 else 0.0
        self.watched_history.append((self.p["start_year"] + self.quarter / 4, f.digital[r],
                                     f.service[r], share, f.cash[r] / 1e3))


# --- live charts: the axes drawn once per model, language and theme; the data every quarter ---
@solara.component
def LiveChart(model, make, height: str = "470px"):
    """A live figure of the model (``make(model, lang, dark)``), redrawn at every step."""
    TICK.get()
    # the hook, not the attribute: the charts redraw when the theme toggle turns, not a quarter
    # later
    lang, dark = LANG.value, bool(solara.lab.use_dark_effective())
    figure = solara.use_memo(lambda: make(model, lang, dark), [model, make, lang, dark])
    with solara.Column(gap="0px", style={"align-items": "center"}):
        rw.Image(value=figure.frame(model), format=FORMAT,
                 layout={"width": "100%", "max_height": height, "object_fit": "contain"})
        solara.Text(figure.caption, style={"font-size": "14px"})


def _indicators(*panels: Panel):
    return lambda model, lang, dark: IndicatorFigure(model, list(panels), lang, dark)


def _subsidy_budget(p: dict) -> tuple[float, float]:
    """EUR m: the relaunch envelope plus every yearly budget after 2022 (all that can go)."""
    years_after = max(0, p["end_year"] - 2022)
    total = p["subsidy_budget_relance"] + p["subsidy_budget_after"] * years_after
    return 0.0, max(total / 1e6, 1.0)


SME_C, LARGE_C = KIND_COLOURS[0], KIND_COLOURS[2]
CAPTURE = _indicators(Panel(
    "capture", {"industrial_service_capture": ("industrial", "#1f77b4"),
                "platform_share": ("platforms", "#d62728")},
    "share_services", bands="industrial_service_capture", percent=True))
SERVITIZATION = _indicators(
    Panel("servitized", {"servitized_share_sme": ("sme", SME_C),
                         "servitized_share_large": ("large", LARGE_C)},
          "share_firms", bands="servitized_share_sme", percent=True),
    Panel("adoption", {"digital_adoption_sme": ("sme", SME_C),
                       "digital_adoption_large": ("large", LARGE_C)},
          "share_firms", bands="digital_adoption_sme", percent=True))
JOBS_EXITS = _indicators(
    Panel("jobs", {"jobs_index_2017": ("jobs", "#9467bd")}, "jobs_axis", ylim=(0.5, 1.1),
          bands="jobs_index_2017", reference=1.0),
    Panel("exits", {"cumulative_exits_share": ("exits", "#8c564b")}, "exits_axis",
          ylim=(0.0, 0.4), bands="cumulative_exits_share", percent=True))
CYBER_SUBSIDY = _indicators(
    Panel("incidents", {"severe_incidents_per_1000": ("incidents", "#e377c2")},
          "incidents_axis", ylim=(0.0, 80.0), unit="incidents_axis"),
    Panel("subsidy", {"subsidy_spent": ("subsidy", "#17becf")}, "subsidy_axis",
          ylim=_subsidy_budget, factor=1e-6, money=True))


def _firms(model, lang, dark):
    return FirmsFigure(model, lang, dark)


def _history(model, lang, dark):
    return HistoryFigure(model, lang, dark)


def _network(model, lang, dark):
    return NetworkFigure(model, lang, dark)


@solara.component
def NowLine(model):
    """The quarter shown, the firms alive and the platforms active."""
    TICK.get()
    lab = labels()
    solara.Text(t("now", quarter=quarter_text(model), firms=lab.integer(model.firms.alive.sum()),
                  platforms=lab.integer(model.platforms.alive[: model.platforms.n].sum())),
                style={"font-size": "17px", "font-weight": "bold", "padding": "4px 8px"},
                classes=["now-line"])


@solara.component
def InspectorWithHistory(model):
    """The agent inspector and, for a firm, its history."""
    TICK.get()
    AgentInspector(model)
    if model.watched_kind != PLATFORM:
        LiveChart(model, _history)


TABS = ("tab_indicators", "tab_network", "tab_firms", "tab_compare")


@solara.component
def MainView(model):
    """The tabs: indicators and verdict, network, firms, compare runs."""
    tab, set_tab = solara.use_state(0)
    NowLine(model)
    with solara.v.Tabs(v_model=tab, on_v_model=set_tab):
        for key in TABS:
            solara.v.Tab(children=[t(key)], class_=key.replace("_", "-"))
    # one chart a row below 1904 px (Vuetify's xl): beside the 400 px side panel two charts a
    # row at 1280 px were drawn at 72 % of their size, their text at 9 px, too small projected
    if tab == 0:
        with solara.ColumnsResponsive(default=12, xlarge=6):
            LiveChart(model, CAPTURE)
            ScenarioPanel(model)
            LiveChart(model, SERVITIZATION)
            LiveChart(model, JOBS_EXITS)
            LiveChart(model, CYBER_SUBSIDY)
    elif tab == 1:
        with solara.ColumnsResponsive(default=12, xlarge=[7, 5]):
            LiveChart(model, _network, height="680px")
            InspectorWithHistory(model)
    elif tab == 2:
        with solara.ColumnsResponsive(default=12, xlarge=[7, 5]):
            LiveChart(model, _firms)
            InspectorWithHistory(model)
    else:
        ComparePanel(model)


@solara.component
def LanguageSwitch():
    """Français / English."""
    solara.ToggleButtonsSingle(value=LANG.value, values=["fr", "en"], on_value=LANG.set,
                               dense=True, classes=["language-switch"])


# Room under the last chart, so that it can scroll clear of anything at the window's bottom.
CSS = ".v-main__wrap { padding-bottom: 48px; } .v-slider input { font-size: 14px; }"


@solara.component
def Page():
    """The app: controls, scenarios and parameters in the sidebar; tabs in the main view."""
    panel = solara.use_reactive(panel_defaults())  # this page's values: a new run uses them
    seed = solara.use_reactive(SEED)
    scale = solara.use_reactive(SCALE)
    playing = solara.use_reactive(False)
    model = solara.use_reactive(solara.use_memo(
        lambda: AppModel(preset=matching_preset(panel.value)), []))

    def restart(values: dict[str, Any] | None = None) -> None:
        # every new run (button, scenario, waiting values) starts paused, and never while a
        # quarter of the run it replaces is half done
        playing.value = False
        with STEPPING:
            values = panel.value if values is None else values
            keep(model.value, model.value.preset_name)  # the run replaced stays to compare
            model.value = AppModel(rng=seed.value, population_scale=scale.value,
                                   preset=matching_preset(values), **values)
        redraw()

    solara.Style(CSS + PARAMETER_CSS)
    solara.Title("servisim")
    with solara.AppBar():
        solara.AppBarTitle(t("title"))
        LanguageSwitch()
        solara.lab.ThemeToggle()
    with solara.Sidebar():
        Controls(model, restart, seed, scale, playing)
        ParameterPanel(model, panel, restart, seed, scale)
    MainView(model.value)


page = Page
