"""The servisim SolaraViz page: watch one run of the model in the browser.

Run it with ``servisim viz`` or ``solara run app.py --host 127.0.0.1``. Mesa's convention: this
file holds the parameters, the components and the page; the simulation lives in ``model`` and
the figures' drawing in ``app_figures``.

* Sidebar: Mesa's controls (Step, Play, Reset), the seed and the population scale, then the
  preset picker (``low``, ``trend``, ``high``) and every registry parameter (levers first, the
  rest grouped) with its plausible range, unit and meaning. Reset starts a run with them.
* Main view: the indicator charts, the scenario class with the indicators that vote for it,
  the firms (digital vs service capability) and an agent inspector with the picked firm's
  history.
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

import math
from typing import Any

import numpy as np
import reacton.ipywidgets as rw
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from agents import FIRM_CLASSES
from app_figures import (
    FORMAT,
    KIND_COLOURS,
    KIND_LABELS,
    FirmsFigure,
    HistoryFigure,
    IndicatorFigure,
    Panel,
    fmt,
    html_table,
)
from model import PARAMETERS, REGISTRY, ServitizationModel, classify, load_preset, votes
from model.presets import describe_preset
from model.scenarios import SCENARIO_COLOURS, SCENARIOS, load_bands

SEED = 42
SCALE = 0.1
SCALES = [0.02, 0.05, 0.1, 0.25, 0.5, 1.0]
SCENARIO_PRESETS = SCENARIOS  # a preset per scenario class, named after it
GROUPS = {  # registry group -> title, in the order shown (levers first)
    "policy": "Workshop levers (policy)",
    "market": "Market",
    "firms": "Firms: diffusion and decisions",
    "digital": "Digital technology",
    "platforms": "Platforms",
    "cyber": "Cyber risk",
    "demography": "Demography and jobs",
    "run": "Run",
    "docking": "Docking switches (Bass)",
}
#: Set in Mesa's "Model Parameters" card (with the seed), or fixed: not in the panel.
RUN_SETTINGS = ("population_scale", "start_year")
PANEL = [p for g in GROUPS for p in PARAMETERS if p.group == g and p.name not in RUN_SETTINGS]


# --- parameters ------------------------------------------------------------------------------
def panel_defaults() -> dict[str, Any]:
    """Every parameter of the panel at its registry default."""
    return {p.name: p.default for p in PANEL}


def preset_values(name: str) -> dict[str, Any]:
    """The panel's values for a preset: registry defaults, then the preset's overrides."""
    return {**panel_defaults(), **load_preset(name)}


def matching_preset(values: dict[str, Any]) -> str | None:
    """The preset whose values the panel holds, or ``None`` (custom values)."""
    return next((n for n in SCENARIO_PRESETS if preset_values(n) == values), None)


def slider_range(prm, value: float) -> tuple[float, float, float]:
    """(min, max, step) of a parameter's slider: its plausible range, else its bounds."""
    lo, hi = prm.sa_range or prm.bounds
    lo, hi = min(lo, value), max(hi, value)
    if prm.kind is int:
        return int(lo), int(hi), 1
    raw = (hi - lo) / 100 or 0.01
    base = 10 ** math.floor(math.log10(raw))
    base = base / 10 if base > raw else base  # log10 rounding just below a power of ten
    step = max(m * base for m in (1, 2, 5) if m * base <= raw)
    # The slider snaps to its grid (and reports the snapped value): put the value on it.
    while abs(round((value - lo) / step) * step + lo - value) > 1e-9 * max(1.0, abs(value)):
        step /= 10
    return float(lo), float(hi), step


#: Mesa's own parameter card: the seed (a list of ints: an InputText breaks Reset, a slider
#: hides its value) and the population scale.
MODEL_PARAMS = {
    "rng": {"type": "Select", "value": SEED, "values": list(range(100)), "label": "Seed"},
    "population_scale": {"type": "Select", "value": SCALE, "values": SCALES,
                         "label": "Population scale (1.0 = the region, ~9,740 firms)"},
}


class AppModel(ServitizationModel):
    """The model as the app builds it, following one firm's history for the inspector.

    Every parameter not given is at its registry default. Mesa's ``scenario`` argument (an
    empty one, passed on Reset) is not used: the parameters are the registry's.

    Attributes:
        watched_row: the firm followed by the inspector.
        watched_history: one tuple per quarter since it was picked: (year, digital,
            service capability, service share, cash in EUR k).

    """

    def __init__(self, rng: Any = SEED, population_scale: float = SCALE, scenario: Any = None,
                 **parameters: Any) -> None:
        values = {**panel_defaults(), **parameters, "population_scale": population_scale}
        super().__init__(rng=rng, headless=False, **values)
        self.watch(int(np.argmax(self.firms.kind[: self.firms.n] == 0)))  # the first SME

    def watch(self, row: int) -> None:
        """Follow firm ``row``; its history starts at the current quarter."""
        self.watched_row = row
        self.watched_history: list[tuple[float, ...]] = []
        self._record()

    def step(self) -> None:
        """One quarter of the model, then a note of the watched firm's state."""
        super().step()
        self._record()

    def _record(self) -> None:
        f, r = self.firms, self.watched_row
        total = f.goods_revenue[r] + f.service_revenue[r]
        share = f.service_revenue[r] / total if total > 0 else 0.0
        self.watched_history.append((self.p["start_year"] + self.quarter / 4, f.digital[r],
                                     f.service[r], share, f.cash[r] / 1e3))


def model_class(panel: solara.Reactive[dict[str, Any]]) -> type[AppModel]:
    """The model class of one page, built from that page's parameter panel.

    Mesa's Reset calls ``type(model)(rng=..., population_scale=..., scenario=...)`` with the
    values of its own card; this class adds the values the panel holds at that moment.
    """

    class PanelModel(AppModel):
        def __init__(self, rng: Any = SEED, population_scale: float = SCALE,
                     scenario: Any = None, **parameters: Any) -> None:
            super().__init__(rng, population_scale, scenario, **{**panel.value, **parameters})

    return PanelModel


# --- charts (app_figures draws the axes once and the data each quarter) ----------------------
@solara.component
def LiveChart(model, make):
    """A live figure of the model (``make(model)``), redrawn at every step."""
    update_counter.get()
    figure = solara.use_memo(lambda: make(model), [model, make])
    with solara.Column(gap="0px", style={"align-items": "center"}):
        rw.Image(value=figure.frame(model), format=FORMAT,
                 layout={"width": "100%", "max_height": "355px", "object_fit": "contain"})
        solara.Text(figure.caption, style={"font-size": "12px"})


def _indicators(*panels: Panel):
    return lambda model: IndicatorFigure(model, list(panels))


def _subsidy_budget(p: dict) -> tuple[float, float]:
    """EUR m: the relaunch envelope plus every yearly budget after 2022 (all that can go)."""
    years_after = max(0, p["end_year"] - 2022)
    total = p["subsidy_budget_relance"] + p["subsidy_budget_after"] * years_after
    return 0.0, max(total / 1e6, 1.0)


SME_C, LARGE_C = KIND_COLOURS[0], KIND_COLOURS[2]
CAPTURE = _indicators(Panel(
    "Service capture: industrial firms vs platforms",
    {"industrial_service_capture": ("industrial firms", "#1f77b4"),
     "platform_share": ("platforms", "#d62728")},
    "share of service revenue", bands="industrial_service_capture"))
SERVITIZATION = _indicators(
    Panel("Servitized share", {"servitized_share_sme": ("SMEs", SME_C),
                               "servitized_share_large": ("large", LARGE_C)},
          "share of firms", bands="servitized_share_sme"),
    Panel("Digital adoption", {"digital_adoption_sme": ("SMEs", SME_C),
                               "digital_adoption_large": ("large", LARGE_C)},
          "share past the adoption mark"))
JOBS_EXITS = _indicators(
    Panel("Jobs index vs 2017", {"jobs_index_2017": ("jobs", "#9467bd")},
          "index (2017 = 1)", ylim=(0.5, 1.1), bands="jobs_index_2017", reference=1.0),
    Panel("Exits since 2020", {"cumulative_exits_share": ("exits", "#8c564b")},
          "share of the 2020 firms", ylim=(0.0, 0.4), bands="cumulative_exits_share"))
CYBER_SUBSIDY = _indicators(
    Panel("Severe cyber incidents", {"severe_incidents_per_1000": ("incidents", "#e377c2")},
          "per 1000 firms per year", ylim=(0.0, 80.0)),
    Panel("Subsidy spent", {"subsidy_spent": ("EUR m", "#17becf")},
          "EUR m, whole region, cumulative", ylim=_subsidy_budget, factor=1e-6))


@solara.component
def ServiceCaptureChart(model):
    """Share of the service market held by industrial firms and by platforms."""
    LiveChart(model, CAPTURE)


@solara.component
def ServitizationChart(model):
    """Servitized share and digital adoption, SMEs vs large firms."""
    LiveChart(model, SERVITIZATION)


@solara.component
def JobsExitsChart(model):
    """Jobs index vs 2017 and the share of the 2020 firms that have exited."""
    LiveChart(model, JOBS_EXITS)


@solara.component
def CyberSubsidyChart(model):
    """Severe cyber incidents and the subsidy spent."""
    LiveChart(model, CYBER_SUBSIDY)


@solara.component
def FirmsView(model):
    """Every firm's digital vs service capability, and the service shares by kind."""
    LiveChart(model, FirmsFigure)


@solara.component
def FirmHistory(model):
    """The history of the firm picked in the agent inspector."""
    LiveChart(model, HistoryFigure)


# --- scenario panel and agent inspector ------------------------------------------------------
@solara.component
def ScenarioPanel(model):
    """The scenario class of the current indicators and the indicators that vote for it."""
    update_counter.get()
    indicators = model.indicators()
    cls, cast, bands = classify(indicators), votes(indicators), load_bands()
    when = f"{model.quarter_label}{'' if model.running else ', the 2040 result'}"
    with solara.Column(style={"padding": "8px"}):
        with solara.Row(style={"align-items": "center"}):
            solara.Text(f"Scenario class at {when}:", style={"font-size": "16px"})
            solara.v.Chip(children=[cls], color=SCENARIO_COLOURS[cls], dark=True, label=True,
                          class_="scenario-class")
        solara.Text(f"{sum(v == cls for v in cast.values())} of {len(cast)} indicators vote "
                    "for it (the bands are for the 2040 values):", style={"font-size": "13px"})
        rows = [[name, indicators[name],
                 *(bands[name][c].describe() if c in bands[name] else "-" for c in SCENARIOS),
                 f"<b style='color:{SCENARIO_COLOURS.get(vote, '#000')}'>{vote or 'none'}</b>"]
                for name, vote in cast.items()]
        solara.HTML(tag="div", unsafe_innerHTML=html_table(["indicator", "now", *SCENARIOS,
                                                        "vote"], rows))


def _rows_of_kind(model, kind: int) -> np.ndarray:
    return np.flatnonzero(model.firms.kind[: model.firms.n] == kind)


@solara.component
def AgentInspector(model):
    """Pick a firm (its kind, then its number) and see its state and its choice now."""
    update_counter.get()
    row = model.watched_row
    kind = int(model.firms.kind[row])
    rows = _rows_of_kind(model, kind)
    agent = next(a for a in model.agents_by_type[FIRM_CLASSES[kind]] if a.row == row)

    def pick(kind: int, index: int = 0) -> None:
        candidates = _rows_of_kind(model, kind)
        model.watch(int(candidates[min(index, len(candidates) - 1)]))
        force_update()

    p = model.p
    state = [
        ("employees", agent.employees), ("cash, EUR", agent.cash),
        (f"digital capability (adoption mark {p['adoption_mark']:g})", agent.digital),
        ("service capability", agent.service),
        (f"service share (servitized from {p['servitization_threshold']:g})",
         agent.service_share),
        ("servitizing / servitized", f"{fmt(agent.servitizing)} / {fmt(agent.servitized)}"),
        ("strategic / cluster / insured",
         " / ".join(fmt(x) for x in (agent.strategic, agent.cluster, agent.insured))),
        ("security / trust", f"{agent.security:.2f} / {agent.trust:.2f}"),
        ("severe cyber incidents", agent.severe_incidents),
        ("would choose now", agent.decide() if agent.alive else "- (exited)"),
    ]
    with solara.Column(style={"padding": "8px"}, gap="4px"):
        solara.ToggleButtonsSingle(value=KIND_LABELS[kind], values=list(KIND_LABELS),
                                   on_value=lambda label: pick(KIND_LABELS.index(label)),
                                   dense=True)
        solara.SliderInt(f"{KIND_LABELS[kind]} no.", value=int(np.searchsorted(rows, row)),
                         min=0, max=len(rows) - 1, on_value=lambda i: pick(kind, i))
        solara.Text(f"{type(agent).__name__} {agent.unique_id} (row {row}), "
                    f"{'alive' if agent.alive else 'exited'}; history below since "
                    f"{model.watched_history[0][0]:.2f}", style={"font-weight": "bold"})
        solara.HTML(tag="div", unsafe_innerHTML=html_table(["state", "now"], state))


# --- the parameter panel ---------------------------------------------------------------------
def set_value(panel: solara.Reactive[dict[str, Any]], name: str, value: Any) -> None:
    """Set one panel value, checked (and rounded off slider noise) by the registry."""
    prm = REGISTRY[name]
    if prm.kind is float:
        value = float(f"{value:.10g}")
    panel.value = {**panel.value, name: prm.coerce(value)}


@solara.component
def ParameterInput(name: str, value: Any, panel: solara.Reactive[dict[str, Any]]):
    """One parameter: its slider (or switch), value and unit; its meaning on hover and below."""
    prm = REGISTRY[name]
    with solara.Column(gap="0px", style={"margin-bottom": "6px"}):
        with solara.Tooltip(f"{prm.meaning}. Source: {prm.source}."):
            solara.Text(f"{name} = {fmt(value)} {prm.unit}", style={"font-size": "13px"})
        if prm.kind is bool:
            solara.Checkbox(label="on", value=value, on_value=lambda v: set_value(panel, name, v))
        else:
            lo, hi, step = slider_range(prm, value)
            slider = solara.SliderInt if prm.kind is int else solara.SliderFloat
            slider("", value=value, min=lo, max=hi, step=step,
                   on_value=lambda v: set_value(panel, name, v))
        solara.Text(prm.meaning, style={"font-size": "11px", "color": "grey"})


@solara.component
def ParameterGroup(group: str, panel: solara.Reactive[dict[str, Any]]):
    """A group of parameters behind a header; only an open group builds its sliders."""
    is_open, set_open = solara.use_state(group == "policy")
    solara.Button(f"{'\u25be' if is_open else '\u25b8'} {GROUPS[group]}", text=True,
                  small=True, on_click=lambda: set_open(not is_open),
                  style={"justify-content": "start"})
    if is_open:
        for prm in PANEL:
            if prm.group == group:
                ParameterInput(prm.name, panel.value[prm.name], panel)


@solara.component
def ParameterPanel(model: solara.Reactive, panel: solara.Reactive[dict[str, Any]]):
    """The preset picker and every registry parameter, levers first; Reset applies them."""
    values = panel.value
    preset = matching_preset(values)
    pending = sum(model.value.p[k] != v for k, v in values.items())
    with solara.Card("Scenario preset and parameters"):
        with solara.Column(gap="4px"):
            solara.ToggleButtonsSingle(value=preset, values=list(SCENARIO_PRESETS),
                                       mandatory=False, on_value=lambda n: n and panel.set(
                                           preset_values(n)))
            solara.Text(f"Preset {preset}: {describe_preset(preset)}" if preset
                        else "Custom values (no preset).", style={"font-size": "12px"})
        if pending:
            solara.Warning(f"{pending} value(s) differ from the running model: press Reset to "
                           "start a run with them.", dense=True)
        with solara.Column(gap="0px"):
            for group in GROUPS:
                ParameterGroup(group, panel)


@solara.component
def _Deeper(model: solara.Reactive, panel: solara.Reactive[dict[str, Any]]):
    # Two levels below Page, so that the sidebar puts the panel after Mesa's cards.
    with solara.Sidebar():
        ParameterPanel(model, panel)


@solara.component
def ParameterSidebar(model: solara.Reactive, panel: solara.Reactive[dict[str, Any]]):
    """The parameter panel, placed in the sidebar below Mesa's controls."""
    _Deeper(model, panel)


COMPONENTS = [ServiceCaptureChart, ScenarioPanel, ServitizationChart, FirmsView,
              JobsExitsChart, CyberSubsidyChart, AgentInspector, FirmHistory]


@solara.component
def Page():
    """The app: Mesa's SolaraViz with the components above, and the parameter panel."""
    panel = solara.use_reactive(panel_defaults())  # this page's values: Reset builds from them
    model = solara.use_reactive(solara.use_memo(lambda: model_class(panel)(), []))
    SolaraViz(model, components=COMPONENTS, model_params=MODEL_PARAMS, play_interval=500,
              name="servisim: servitization of Hauts-de-France industry, 2020-2040")
    ParameterSidebar(model, panel)


page = Page
