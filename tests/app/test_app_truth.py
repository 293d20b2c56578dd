"""What the app says matches what the run does: levers, kept runs, labels, notes."""

from __future__ import annotations

import time

import ipyvuetify as v
import numpy as np
import pytest
import solara
import solara.widgets

import app
import app_params
import app_runs
import app_text
from app_inspector import PLATFORM, AgentInspector
from model import load_preset


@pytest.fixture(autouse=True)
def french_light_and_no_kept_runs():
    """Each test starts as a new session does: French, the light theme, no kept run."""
    app_text.LANG.value = "fr"
    app_runs.KEPT.value = []
    solara.lab.theme.dark_effective = False
    yield
    app_text.LANG.value = "fr"
    app_runs.KEPT.value = []
    solara.lab.theme.dark_effective = False


def texts(rc) -> list[str]:
    return [c for w in rc.find(v.Html, tag="span").widgets for c in w.children
            if isinstance(c, str)]


def test_a_lever_moved_before_the_levers_start_year_holds_from_that_year_as_shown():
    values = {**app_params.panel_defaults(), "lever_start_year": 2022, "subsidy_rate": 0.3}
    panel = solara.reactive(values)
    model = solara.reactive(app.AppModel(**values))
    model.value.step()
    app_params.set_value(panel, model, "subsidy_rate", 0.15)
    while model.value.year < 2022:
        model.value.step()
    model.value.step()
    assert model.value.p["subsidy_rate"] == panel.value["subsidy_rate"] == 0.15


def test_before_the_levers_start_year_the_panel_says_they_keep_their_defaults():
    values = {**app_params.panel_defaults(), "lever_start_year": 2025}
    model = solara.reactive(app.AppModel(population_scale=0.02, **values))
    box, rc = solara.render(app_params.RoleSection("lever", solara.reactive(values), model),
                            handle_error=False)
    assert any("2025" in s for s in texts(rc)), texts(rc)[:3]


def test_a_lever_moved_after_the_run_ended_waits_for_a_new_run():
    model = solara.reactive(app.AppModel(population_scale=0.02))
    panel = solara.reactive(app_params.panel_defaults())
    model.value.run()
    app_params.set_value(panel, model, "subsidy_rate", 0.35)
    assert app_params.waiting(model.value, panel.value) == 1


def test_a_run_kept_by_hand_is_kept_once_when_a_new_run_replaces_it():
    model = app.AppModel(population_scale=0.02)
    for _ in range(3):
        model.step()
    app_runs.keep(model, None)  # the "keep this run" button
    model.step()
    app_runs.keep(model, None)  # the new run that replaces it
    (kept,) = app_runs.KEPT.value
    assert kept.trajectory["quarter"].iloc[-1] == "2020Q4"  # as far as it went


def test_a_kept_run_whose_levers_moved_is_not_named_after_its_scenario_alone():
    panel = solara.reactive(app_params.preset_values("high"))
    model = solara.reactive(app.AppModel(population_scale=0.02, preset="high",
                                         **panel.value))
    model.value.step()
    app_params.set_value(panel, model, "subsidy_rate", 0.12)
    model.value.step()
    app_runs.keep(model.value, model.value.preset_name)
    label = app_runs.KEPT.value[0].label("fr")
    assert label.startswith("haut") and "leviers" in label, label


def test_before_the_first_quarter_the_comparison_names_no_2019():
    model = app.AppModel(population_scale=0.02)
    figure = app_runs.compare_figure(model, [], "fr")
    names = [t.get_text() for t in figure.legends[0].get_texts()]
    assert names == ["en cours, avant le départ"], names


def test_a_platform_there_from_the_start_is_not_said_to_have_entered_in_2020():
    model = app.AppModel(population_scale=0.02, **load_preset("low"))
    model.watch(PLATFORM, 0)
    box, rc = solara.render(AgentInspector(model), handle_error=False)
    table = rc.find(solara.widgets.HTML).widget.unsafe_innerHTML
    entered = table.split("entrée</td>")[1].split("</td>")[0]
    assert "2020" not in entered and "avant le départ" in entered, entered


def test_on_the_dark_theme_the_compare_note_says_the_png_draws_the_run_in_black_on_white():
    model = app.AppModel(population_scale=0.02)
    solara.lab.theme.dark_effective = True
    box, rc = solara.render(app_runs.ComparePanel(model), handle_error=False)
    shown = " ".join(texts(rc))
    assert "en blanc" in shown and "PNG" in shown and "noir" in shown, shown


def test_the_network_view_says_it_draws_a_sample_of_the_2020_firms():
    model = app.AppModel(population_scale=0.1)
    from app_network import NetworkFigure

    figure = NetworkFigure(model, "fr")
    figure.frame(model)
    assert figure.caption.startswith(f"300 des {model.initial_firms}"), figure.caption


def test_picking_a_scenario_while_playing_starts_the_new_run_paused():
    box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    rc.find(v.Btn, class_="play").widget.click()
    rc.find(v.Btn, class_="preset-high").widget.click()
    time.sleep(1.5)  # a quarter and more at the default pause between quarters
    assert rc.find(v.Html, class_="now-line").widget.children[0].startswith("avant le départ")
    rc.find(v.Btn, class_="play", children=["▶ Lecture"]).assert_single()


def test_the_firms_view_draws_each_firm_as_a_dot_up_to_2500_firms():
    from app_figures import MAX_DOTS, FirmsFigure

    model = app.AppModel(population_scale=0.25)  # 2,435 firms, room for 3,339
    assert model.initial_firms <= MAX_DOTS
    assert FirmsFigure(model).dots


def test_a_platforms_revenue_and_profit_are_the_whole_region_s_as_the_indicators_are():
    from types import SimpleNamespace

    from app_inspector import platform_state, w

    model = app.AppModel(population_scale=0.1, **load_preset("low"))
    # a tenth of the region's firms: the platform earns a tenth of what it earns in the region
    agent = SimpleNamespace(row=0, capability=0.5, market_share=0.1, customers=40,
                            revenue=8.0e6, profit=1.0e6, entry_quarter=0)
    rows = dict(platform_state(model, agent))
    assert "région" in w("revenue") and "région" in w("profit")
    assert rows[w("revenue")] == "80\u00a0M€" and rows[w("profit")] == "10\u00a0M€", rows


def test_firms_that_sell_services_from_the_start_are_not_counted_as_servitized():
    from app_figures import FirmsFigure
    from app_network import STATES, NetworkFigure, firm_states

    model = app.AppModel()
    f = model.firms
    from_start = int((f.servitized & f.service_intensive & f.alive).sum())  # repair, install
    moved = int((f.servitized & ~f.service_intensive & f.alive).sum())
    figure = FirmsFigure(model, "fr")
    figure.frame(model)
    assert f"dont {moved} servicialisées" in figure.caption, figure.caption
    assert str(from_start) in figure.caption, figure.caption
    network = NetworkFigure(model, "fr")
    shown = np.array([key for key, _ in STATES])[firm_states(model, network.rows)]
    assert not (shown[f.service_intensive[network.rows]] == "servitized_state").any()
