"""The app's parameter panel: starting scenarios, then levers, uncertainties and constants.

The registry gives every parameter a role (``model/registry.py``): *levers* are what the
Region and the State decide, *uncertainties* what nobody here decides, *constants* the rest.
Picking a starting scenario (``calibration/presets.toml``) applies it at once: a new run from
2020 with its values. Levers move during a run, as in NetLogo (``model.levers``): the new value
holds from the next quarter. Uncertainties and constants describe the world the run started
in, so they wait for a new run, and the panel says how many values wait, with the button that
starts it in view.
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import solara

from app_text import LANG, labels, local, t
from model import PARAMETERS, REGISTRY, load_preset
from model.levers import is_live, set_lever
from model.presets import describe_preset
from model.scenarios import SCENARIO_COLOURS, SCENARIOS

#: Set in the controls card (the scale) or fixed for the app (the horizon): not in the panel.
RUN_SETTINGS = ("population_scale", "start_year", "end_year")
ROLES = ("lever", "uncertainty", "constant")
PANEL = [p for role in ROLES for p in PARAMETERS
         if p.role == role and p.name not in RUN_SETTINGS]
#: The line above each slider (or switch) names the parameter, with its value and unit: the
#: widget's own label would say the name a second time beside it. It stays in the page, for
#: screen readers (Vuetify names the slider's handle after it), but takes no room on screen.
CSS = (".parameter-input .v-input .v-label { position: absolute !important; width: 1px; "
       "height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }")
#: Slider positions over a parameter's sensitivity range (about 50: fine enough to explore,
#: coarse enough to be moved by hand).
POSITIONS = 50


def panel_defaults() -> dict[str, Any]:
    """Every parameter of the panel at its registry default."""
    return {p.name: p.default for p in PANEL}


def preset_values(name: str) -> dict[str, Any]:
    """The panel's values for a preset: registry defaults, then the preset's overrides."""
    return {**panel_defaults(), **load_preset(name)}


def matching_preset(values: dict[str, Any]) -> str | None:
    """The preset whose values the panel holds, or ``None`` (custom values)."""
    return next((n for n in SCENARIOS if preset_values(n) == values), None)


def nice_step(span: float) -> float:
    """A step of 1, 2 or 5 times a power of ten, giving about :data:`POSITIONS` positions."""
    raw = span / POSITIONS if span > 0 else 0.01
    base = 10.0 ** math.floor(math.log10(raw))
    return max(m * base for m in (1, 2, 5) if m * base <= raw * 1.0000001)


def off_grid(value: float, lo: float, step: float) -> float:
    """How far ``value`` is from the nearest position of a slider from ``lo`` by ``step``.

    In steps: 0 on a position, 0.5 halfway between two.
    """
    n = (value - lo) / step
    return abs(n - round(n))


def slider_range(prm, value: float) -> tuple[float, float, float]:
    """(min, max, step) of a slider: the sensitivity range (else the bounds), holding ``value``.

    The step follows the range, not the value: an off-grid value stays exact until the slider
    is moved (:func:`set_value` ignores the widget's snapping, an echo under half a step). A
    value halfway between two positions (0.25 by 0.02 from 0; any integer off the grid) would
    be moved by the echo, unasked, when its section opens: the step is then made finer, down
    to a tenth, until the value is on a position or clearly nearer one.
    """
    lo, hi = prm.sa_range or prm.bounds
    lo, hi = min(lo, value), max(hi, value)
    step = nice_step(hi - lo)
    e = math.floor(math.log10(step))
    finer = sorted((m * 10.0 ** k for m in (1, 2, 5) for k in (e - 1, e)
                    if step / 10 * 0.999 <= m * 10.0 ** k <= step * 1.001), reverse=True)
    if prm.kind is int:
        whole = [c for c in (round(c) for c in finer) if c >= 1]
        step = next((c for c in whole if off_grid(value, int(lo), c) < 1e-9), 1)
        return int(lo), int(hi), step
    step = next((c for c in finer if off_grid(value, lo, c) < 0.45), step)
    return float(lo), float(hi), step


def set_value(panel: solara.Reactive[dict[str, Any]], model: solara.Reactive | None,
              name: str, value: Any) -> None:
    """Set one panel value (checked by the registry); a live lever also changes the run.

    Before ``lever_start_year`` the run holds its levers at their defaults: a lever moved
    then joins them and takes its value in that year, as the panel shows it.

    A slider snaps an off-grid value to its grid and reports it: a change smaller than half
    a step is that echo, not the user, and is ignored.
    """
    prm = REGISTRY[name]
    current = panel.value[name]
    if prm.kind is float:
        _, _, step = slider_range(prm, current)
        if abs(float(value) - current) < step / 2:
            return
        value = float(f"{value:.10g}")
    value = prm.coerce(value)
    panel.value = {**panel.value, name: value}
    if model is not None and is_live(name) and model.value.running:
        run = model.value
        if value != run.held_levers.get(name, run.p[name]):
            run.levers_moved = True  # its kept copy is no longer its scenario's run
        if run.year < run.p["lever_start_year"]:
            # held at its default until then (model.levers.hold): set now, the release at
            # that year would put back the value the run started with
            run.held_levers[name] = value
        else:
            set_lever(run, name, value)


@solara.component
def ParameterInput(name: str, value: Any, panel: solara.Reactive[dict[str, Any]],
                   model: solara.Reactive | None = None):
    """One parameter: label, value, unit; its slider (or switch); its meaning; source on hover."""
    prm = REGISTRY[name]
    lab = labels()
    label = lab.param_label(name)
    live = is_live(name)
    shown = lab.value(value, prm.unit)
    mark = " ⚡" if live else ""
    colon = " :" if LANG.value == "fr" else ":"
    hover = local(f"{lab.param_meaning(name, prm.meaning)} — {t('source')}{colon} {prm.source}")
    with solara.Column(gap="0px", style={"margin-bottom": "8px"}, classes=["parameter-input"]):
        with solara.Tooltip(hover):
            solara.Text(local(f"{label}{colon} {shown}{mark}"), style={"font-size": "14px"})
        if prm.kind is bool:
            solara.Checkbox(label=label, value=value,
                            on_value=lambda v: set_value(panel, model, name, v))
        else:
            lo, hi, step = slider_range(prm, value)
            slider = solara.SliderInt if prm.kind is int else solara.SliderFloat
            slider(label, value=value, min=lo, max=hi, step=step,
                   on_value=lambda v: set_value(panel, model, name, v))
        note = lab.param_meaning(name, prm.meaning)
        if prm.hypothesis:
            note += f" ({t('hypothesis')})"
        solara.Text(local(note), style={"font-size": "12px", "opacity": "0.75"})


@solara.component
def RoleSection(role: str, panel: solara.Reactive[dict[str, Any]], model: solara.Reactive):
    """The parameters of one role behind a header; only an open section builds its sliders."""
    is_open, set_open = solara.use_state(role == "lever")
    title = t({"lever": "levers", "uncertainty": "uncertainties", "constant": "constants"}[role])
    solara.Button(f"{'▾' if is_open else '▸'} {title}", text=True, small=True,
                  on_click=lambda: set_open(not is_open),
                  style={"justify-content": "start", "text-transform": "none",
                         "white-space": "normal", "height": "auto", "text-align": "left"})
    if not is_open:
        return
    if role == "lever":
        solara.Text(t("levers_note"), style={"font-size": "12px"})
        start = model.value.p["lever_start_year"]
        if model.value.year < start:
            solara.Text(t("levers_held", year=start,
                          name=labels().param_label("lever_start_year")),
                        style={"font-size": "12px"})
    elif role == "uncertainty":
        solara.Text(t("uncertainties_note"), style={"font-size": "12px"})
    for prm in PANEL:
        if prm.role == role:
            ParameterInput(prm.name, panel.value[prm.name], panel, model)


def waiting(model, values: dict[str, Any], seed: int | None = None,
            scale: float | None = None) -> int:
    """How many values differ from the running model and wait for a new run.

    Args:
        model: the running model.
        values: the panel's values (live levers wait only once the run has ended).
        seed: the seed in the controls, or ``None`` (not counted).
        scale: the population scale in the controls, or ``None`` (not counted).

    """
    pending = sum(model.p[k] != v for k, v in values.items()
                  if not is_live(k) or not model.running)
    pending += seed is not None and seed != model.seed
    return pending + (scale is not None and scale != model.p["population_scale"])


@solara.component
def ParameterPanel(model: solara.Reactive, panel: solara.Reactive[dict[str, Any]],
                   restart: Callable[[dict[str, Any]], None],
                   seed: solara.Reactive[int] | None = None,
                   scale: solara.Reactive[float] | None = None):
    """Scenario buttons (applied when picked), the pending count with its button, the roles.

    The seed and the scale of the controls, when given, count among the waiting values.
    """
    lab = labels()
    preset = matching_preset(panel.value)

    def pick(name: str) -> None:
        values = preset_values(name)
        panel.value = values
        restart(values)

    with solara.Card(t("presets")):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            for name in SCENARIOS:
                solara.Button(lab.klass(name), on_click=lambda n=name: pick(n),
                              color=SCENARIO_COLOURS[name], outlined=preset != name,
                              dark=preset == name, class_=f"preset-{name}")
        solara.Text(local(describe_preset(preset, LANG.value)) if preset else t("custom"),
                    style={"font-size": "13px", "margin-top": "6px"})
        pending = waiting(model.value, panel.value, None if seed is None else seed.value,
                          None if scale is None else scale.value)
        if pending:
            solara.Warning(t("pending", n=pending), dense=True)
            solara.Button(t("apply"), color="primary", on_click=lambda: restart(panel.value),
                          class_="apply-values")
    with solara.Column(gap="0px"):
        for role in ROLES:
            RoleSection(role, panel, model)

