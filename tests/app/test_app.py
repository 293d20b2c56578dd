"""The SolaraViz app without a browser: solara.render of the page and of its parts."""

from __future__ import annotations

import subprocess
import sys

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
import solara.widgets
from mesa.visualization.solara_viz import ModelController

import app
from app_figures import FirmsFigure
from experiments.cli import main as cli_main
from experiments.cli.viz import solara_command
from model import PARAMETERS, REGISTRY, classify, load_preset, votes
from model.state import LARGE

JPEG = b"\xff\xd8\xff"


@pytest.fixture
def panel():
    """A parameter panel at the registry defaults (each page has its own)."""
    return solara.reactive(app.panel_defaults())


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def controller(model):
    """Mesa's ModelController, with the reactive settings SolaraViz gives it."""
    return ModelController(model, play_interval=solara.reactive(100),
                           render_interval=solara.reactive(1),
                           use_threads=solara.reactive(False))


def test_page_renders_controls_charts_scenario_and_parameter_panel():
    box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    rc.find(v.Btn, children=["Step"]).assert_single()
    rc.find(v.Btn, children=["Reset"]).assert_single()
    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 6  # five chart figures and the inspector's history
    assert all(w.value[:3] == JPEG for w in images)
    rc.find(v.Html, children=["Time: 0.0"]).assert_single()
    rc.find(v.CardTitle, children=["Scenario preset and parameters"]).assert_single()
    # The levers are open: one slider per lever, labelled with its value and unit.
    levers = [p for p in PARAMETERS if p.group == "policy"]
    for prm in levers:
        rc.find(v.Html, children=[f"{prm.name} = {app.fmt(prm.default)} {prm.unit}"]) \
            .assert_single()
    assert app.matching_preset(app.panel_defaults()) == "trend"  # the defaults are "trend"


def test_step_and_reset_change_model_time():
    model = solara.reactive(app.AppModel())
    first = model.value
    box, rc = solara.render(controller(model), handle_error=False)
    click(rc, "Step")
    assert model.value.time == 1.0
    assert model.value.quarter_label == "2020Q1"
    click(rc, "Step")
    assert model.value.time == 2.0
    click(rc, "Reset")
    assert model.value is not first
    assert model.value.time == 0.0
    assert model.value.quarter == 0


def test_preset_sets_the_parameters_and_reset_starts_a_run_with_them(panel):
    model = solara.reactive(app.model_class(panel)())
    box, rc = solara.render(app.ParameterPanel(model, panel), handle_error=False)
    toggle = rc.find(v.BtnToggle).widgets[0]  # the preset picker comes first
    toggle.v_model = list(app.SCENARIO_PRESETS).index("high")
    assert panel.value == app.preset_values("high")
    assert panel.value["subsidy_rate"] == load_preset("high")["subsidy_rate"] != \
        REGISTRY["subsidy_rate"].default
    changed = sum(model.value.p[k] != v for k, v in panel.value.items())
    assert changed == sum(REGISTRY[k].default != v for k, v in load_preset("high").items()) > 5
    rc.find(v.Alert).assert_single()  # "... press Reset to start a run with them"
    # Mesa's Reset builds the next model from the panel.
    box2, rc2 = solara.render(controller(model), handle_error=False)
    click(rc2, "Reset")
    for name, value in load_preset("high").items():
        assert model.value.p[name] == value, name
    assert model.value.p["population_scale"] == app.SCALE


def test_moving_a_slider_sets_that_parameter_and_the_preset_becomes_custom(panel):
    model = solara.reactive(app.model_class(panel)())
    box, rc = solara.render(app.ParameterPanel(model, panel), handle_error=False)
    slider = rc.find(v.Slider).widgets[0]  # the first lever: subsidy_rate
    slider.v_model = 0.3
    assert panel.value["subsidy_rate"] == 0.3
    assert app.matching_preset(panel.value) is None
    rc.find(v.Html, children=["Custom values (no preset)."]).assert_single()


def test_sliders_use_the_registry_ranges_and_hold_every_preset_value():
    for prm in app.PANEL:
        if prm.kind is bool:
            continue
        lo, hi, step = app.slider_range(prm, prm.default)
        assert (lo, hi) == tuple(prm.sa_range or prm.bounds), prm.name
        assert 0 < step <= (hi - lo) / 100 or prm.kind is int
        for preset in app.SCENARIO_PRESETS:
            value = app.preset_values(preset)[prm.name]
            lo, hi, step = app.slider_range(prm, value)
            on_grid = round((value - lo) / step) * step + lo
            assert on_grid == pytest.approx(value, rel=1e-9, abs=1e-12), (prm.name, preset)
    assert "population_scale" not in {p.name for p in app.PANEL}  # in Mesa's card
    assert app.MODEL_PARAMS["population_scale"]["value"] == 0.1
    assert [p.group for p in app.PANEL][0] == "policy"


def test_scenario_panel_shows_the_class_and_the_votes():
    model = app.AppModel()
    for _ in range(8):
        model.step()
    box, rc = solara.render(app.ScenarioPanel(model), handle_error=False)
    expected = classify(model.indicators())
    assert rc.find(v.Chip).widget.children == [expected]
    table = rc.find(solara.widgets.HTML).widget
    for indicator, vote in votes(model.indicators()).items():
        assert indicator in table.unsafe_innerHTML
        assert f">{vote or 'none'}</b>" in table.unsafe_innerHTML


def test_inspector_picks_a_firm_and_follows_its_history():
    model = app.AppModel()
    box, rc = solara.render(app.AgentInspector(model), handle_error=False)
    toggle = rc.find(v.BtnToggle).widget
    toggle.v_model = app.KIND_LABELS.index("Large firm")
    row = model.watched_row
    assert model.firms.kind[row] == LARGE
    for _ in range(3):
        model.step()
    history = np.array(model.watched_history)
    assert len(history) == 4  # picked at the start, then three quarters
    assert history[-1, 1] == model.firms.digital[row]
    assert history[-1, 4] == pytest.approx(model.firms.cash[row] / 1e3)
    box2, rc2 = solara.render(app.FirmHistory(model), handle_error=False)
    assert rc2.find(ipywidgets.Image).widget.value[:3] == JPEG


def test_firms_view_draws_dots_at_small_scale_and_a_density_at_large_scale():
    small_model = app.AppModel()
    small = FirmsFigure(small_model)
    assert small.dots
    assert small.frame(small_model)[:3] == JPEG
    large_model = app.AppModel(population_scale=0.5)
    large = FirmsFigure(large_model)
    assert not large.dots
    assert large.frame(large_model)[:3] == JPEG


def test_app_model_takes_mesa_reset_arguments():
    scenario = app.AppModel().scenario  # Mesa passes a scenario object on Reset
    model = app.AppModel(rng=3, population_scale=0.05, scenario=type(scenario)())
    assert model.p["population_scale"] == 0.05
    assert REGISTRY["population_scale"].coerce(0.05) == model.p["population_scale"]


def test_viz_command_runs_solara_on_localhost_without_importing_the_app():
    command = solara_command(8765, "127.0.0.1")
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8765"
    assert command[command.index("run") + 1].endswith("app.py")
    code = ("import sys, experiments.cli as c; c.build_parser(); "
            "sys.exit('app' in sys.modules or 'solara' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_viz_command_rejects_a_bad_port(capsys):
    assert cli_main(["viz", "--port", "70000"]) == 2
    assert "--port: 70000 is not a port number" in capsys.readouterr().err
