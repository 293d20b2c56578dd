"""The app without a browser: solara.render of the page and of its parts."""

from __future__ import annotations

import subprocess
import sys

import ipyvuetify as v
import ipywidgets
import pytest
import solara
import solara.widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

import app
import app_params
import app_runs
import app_text
from app_figures import FirmsFigure
from app_verdict import tie, vote_counts
from experiments.cli import main as cli_main
from experiments.cli.viz import solara_command
from model import REGISTRY, load_preset
from model.levers import LIVE_LEVERS

JPEG = b"\xff\xd8\xff"


@pytest.fixture(autouse=True)
def french_and_no_kept_runs():
    """Each test starts as a new session does: in French, with no kept run."""
    app_text.LANG.value = "fr"
    app_runs.KEPT.value = []
    yield
    app_text.LANG.value = "fr"
    app_runs.KEPT.value = []


@pytest.fixture
def page():
    box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    return rc


def click(rc, **match) -> None:
    rc.find(v.Btn, **match).widget.click()


def now(rc) -> str:
    return rc.find(v.Html, class_="now-line").widget.children[0]


def texts(rc) -> list[str]:
    return [c for w in rc.find(v.Html, tag="span").widgets for c in w.children
            if isinstance(c, str)]


def test_page_opens_in_french_without_mesa_internals(page):
    shown = " ".join(texts(page)) + " ".join(
        c for w in page.find(v.Btn).widgets for c in w.children if isinstance(c, str))
    assert "Un trimestre" in shown and "Nouveau départ" in shown and "Leviers" in shown
    for internal in ("Time:", "Page 0", "Render Interval", "Use Threads", "subsidy_rate"):
        assert internal not in shown
    assert all(w.value[:3] == JPEG for w in page.find(ipywidgets.Image).widgets)


def test_step_shows_the_quarter_the_french_way(page):
    click(page, class_="step")
    assert now(page).startswith("2020T1 · ")


def test_language_switch_turns_the_page_to_english(page):
    app_text.LANG.value = "en"
    click(page, class_="step")
    assert now(page).startswith("2020Q1 · ")
    page.find(v.Btn, children=["One quarter"]).assert_single()


def test_picking_a_scenario_starts_a_new_run_with_its_values(page):
    click(page, class_="step")
    click(page, class_="preset-high")
    assert now(page).startswith("avant le départ")
    shown = " ".join(texts(page))
    assert "cadre sécurisant et plans de relance" in shown  # the story, in French
    click(page, class_="step")
    model = app_runs.KEPT.value and app_runs.KEPT.value[0]
    assert model.name == "trend"  # the run it replaced is kept for comparison


def test_a_lever_changed_during_a_run_holds_from_the_next_quarter():
    model = solara.reactive(app.AppModel())
    panel = solara.reactive(app_params.panel_defaults())
    model.value.step()
    app_params.set_value(panel, model, "subsidy_rate", 0.35)
    assert model.value.p["subsidy_rate"] == 0.35
    assert app_params.waiting(model.value, panel.value) == 0


def test_an_uncertainty_waits_for_a_new_run_and_the_panel_says_so():
    model = solara.reactive(app.AppModel())
    panel = solara.reactive(app_params.panel_defaults())
    app_params.set_value(panel, model, "platform_entry_rate", 0.9)
    assert model.value.p["platform_entry_rate"] != 0.9
    box, rc = solara.render(app_params.ParameterPanel(model, panel, lambda values: None),
                            handle_error=False)
    rc.find(v.Alert).assert_single()
    rc.find(v.Btn, class_="apply-values").assert_single()


def test_slider_steps_follow_the_sensitivity_range():
    for prm in app_params.PANEL:
        if prm.kind is bool:
            continue
        lo, hi, step = app_params.slider_range(prm, prm.default)
        assert 20 <= (hi - lo) / step <= 200 or prm.kind is int, prm.name
    _, _, step = app_params.slider_range(REGISTRY["subsidy_rate"], 0.2)
    assert step == 0.005


def test_slider_snapping_does_not_change_an_off_grid_value():
    model = solara.reactive(app.AppModel())
    panel = solara.reactive(app_params.panel_defaults())
    name = "cluster_imitation_multiplier"
    panel.value = {**panel.value, name: 1.5123}
    app_params.set_value(panel, model, name, 1.52)  # the widget's echo: the nearest position
    assert panel.value[name] == 1.5123


def test_parameters_are_grouped_levers_first():
    roles = [p.role for p in app_params.PANEL]
    assert roles == sorted(roles, key=app_params.ROLES.index)
    assert set(LIVE_LEVERS) <= {p.name for p in app_params.PANEL if p.role == "lever"}


def test_the_verdict_is_provisional_before_2040_and_final_after():
    model = app.AppModel(population_scale=0.02)
    model.step()
    from app_verdict import ScenarioPanel

    box, rc = solara.render(ScenarioPanel(model), handle_error=False)
    assert rc.find(v.Chip, class_="scenario-class").widget.outlined
    assert any("indicatif" in s for s in texts(rc))
    model.run()
    box, rc = solara.render(ScenarioPanel(model), handle_error=False)
    assert not rc.find(v.Chip, class_="scenario-class").widget.outlined


def test_a_tie_between_two_classes_is_named():
    counts = vote_counts({"a": "low", "b": "high", "c": "high", "d": "low", "e": "trend"})
    assert tie(counts) == ("low", "high")
    assert tie(vote_counts({"a": "low", "b": "low", "c": "high"})) is None


def test_inspector_shows_a_platform():
    model = app.AppModel(**load_preset("low"))
    from app_inspector import PLATFORM, AgentInspector

    model.watch(PLATFORM, 0)
    box, rc = solara.render(AgentInspector(model), handle_error=False)
    assert rc.find(v.Html, class_="inspected-agent").widget.children[0].startswith("Plateforme")
    table = rc.find(solara.widgets.HTML).widget.unsafe_innerHTML
    assert "part du marché des services" in table


def test_compare_keeps_runs_and_exports_the_trajectory_as_csv():
    model = app.AppModel(population_scale=0.02)
    for _ in range(3):
        model.step()
    app_runs.keep(model, "low")
    assert len(app_runs.KEPT.value) == 1
    csv = app_runs.trajectory_csv(model)
    assert csv.splitlines()[0].startswith("quarter,") and len(csv.splitlines()) == 5
    png = app_runs.png(app_runs.compare_figure(model, app_runs.KEPT.value, "fr"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_network_view_samples_firms_and_links_platforms_to_customers():
    from app_network import SAMPLE, NetworkFigure, platform_customers

    model = app.AppModel(population_scale=0.25, **load_preset("low"))
    for _ in range(12):
        model.step()
    figure = NetworkFigure(model)
    assert len(figure.rows) == SAMPLE
    assert sum(len(p) for p in figure.links.values()) > SAMPLE  # the sample keeps its links
    served = platform_customers(model, figure.rows, figure.draws)
    assert (served >= 0).any()
    assert model.platforms.alive[served[served >= 0]].all()
    assert figure.frame(model)[:3] == JPEG


def test_firms_view_draws_dots_at_small_scale_and_a_density_at_large_scale():
    small_model = app.AppModel()
    small = FirmsFigure(small_model)
    assert small.dots
    assert small.frame(small_model)[:3] == JPEG
    large_model = app.AppModel(population_scale=0.5)
    large = FirmsFigure(large_model)
    assert not large.dots
    assert large.frame(large_model)[:3] == JPEG


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


def test_before_the_first_quarter_no_part_of_the_page_names_2019():
    model = app.AppModel(population_scale=0.02)
    from app_inspector import AgentInspector
    from app_verdict import ScenarioPanel

    shown = []
    for component in (ScenarioPanel(model), AgentInspector(model)):
        box, rc = solara.render(component, handle_error=False)
        shown += texts(rc)
    figure = app.CAPTURE(model, "fr", False)
    figure.frame(model)
    shown.append(figure.caption)
    assert not [s for s in shown if "2019" in s]
    assert any(s.startswith("Verdict provisoire avant le départ") for s in shown)


def test_the_inspector_says_a_firms_choice_in_french():
    model = app.AppModel(population_scale=0.02)
    model.step()
    from agents import OPTION_NAMES
    from app_inspector import OPTIONS, AgentInspector

    assert set(OPTIONS) == set(OPTION_NAMES)
    box, rc = solara.render(AgentInspector(model), handle_error=False)
    table = rc.find(solara.widgets.HTML).widget.unsafe_innerHTML
    choice = table.split("choisirait maintenant</td>")[1].split("</td>")[0]
    for english in ("none", "digital", "climb", "security"):
        assert english not in choice


def test_the_inspector_s_status_agrees_with_every_kind_of_firm_in_french():
    model = app.AppModel(population_scale=0.02)
    model.step()
    from app_inspector import AgentInspector

    box, rc = solara.render(AgentInspector(model), handle_error=False)
    title = rc.find(v.Html, class_="inspected-agent").widget.children[0]
    assert "(en activité)" in title or "(activité cessée)" in title, title


def tick_labels(figure, axis: str = "y") -> list[str]:
    FigureCanvasAgg(figure).draw()
    return [t.get_text() for ax in figure.axes
            for t in getattr(ax, f"get_{axis}ticklabels")() if t.get_text()]


def test_french_chart_ticks_have_a_decimal_comma_and_a_spaced_percent_sign():
    model = app.AppModel(population_scale=0.02)
    model.step()
    figure = app.JOBS_EXITS(model, "fr", False)
    figure.frame(model)
    shown = tick_labels(figure.fig) + tick_labels(FirmsFigure(model, "fr").fig, "x")
    assert "0,9" in shown and "10\u00a0%" in shown and "0,2" in shown
    assert not [s for s in shown if "." in s or s.endswith("0%")]


def test_compare_figure_marks_whole_years_and_distinct_percentages():
    model = app.AppModel(population_scale=0.02)
    for _ in range(6):
        model.step()
    figure = app_runs.compare_figure(model, [], "fr")
    years = tick_labels(figure, "x")
    assert years and all(y.isdigit() for y in years)
    for ax in figure.axes:
        FigureCanvasAgg(figure).draw()
        shares = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert len(shares) == len(set(shares)), shares


def test_french_page_sets_non_breaking_spaces_before_colons_and_semicolons(page):
    click(page, class_="step")
    for closed in [b for b in page.find(v.Btn).widgets
                   if any(isinstance(c, str) and c.startswith("▸") for c in b.children)]:
        closed.click()
    shown = texts(page) + [w.unsafe_innerHTML for w in page.find(solara.widgets.HTML).widgets]
    spaced_wrong = [s for s in shown if " :" in s or " ;" in s or "« " in s or " »" in s]
    assert not spaced_wrong, spaced_wrong[:3]


def test_the_scale_reads_the_french_way_and_a_new_scale_waits_for_a_new_run(page):
    select = page.find(v.Select, label="Échelle (1,0 = la région, ~9\u00a0740 entreprises)")
    assert select.widget.v_model == "0,1" and "0,25" in select.widget.items
    page.find(v.Alert).assert_empty()
    select.widget.v_model = "0,25"
    page.find(v.Alert).assert_single()
    click(page, class_="apply-values")
    assert app_runs.KEPT.value == [] and "2\u00a04" in now(page)  # about 2,435 firms


def test_a_new_seed_waits_for_a_new_run_and_the_panel_says_so(page):
    page.find(v.Select, label="Graine aléatoire").widget.v_model = 7
    assert "1 valeur(s) attendent" in " ".join(texts(page) + [
        c for w in page.find(v.Alert).widgets for c in w.children if isinstance(c, str)])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_indicator_chart_titles_fit_in_their_figure(lang):
    model = app.AppModel(population_scale=0.02)
    for make in (app.CAPTURE, app.SERVITIZATION, app.JOBS_EXITS, app.CYBER_SUBSIDY):
        figure = make(model, lang, False)
        figure.frame(model)
        for ax in figure.axes:
            title = next(c for c in ax.get_children() if isinstance(c, Text)
                         and c.get_text() == ax.get_title(loc="left"))
            assert title.get_window_extent().x1 <= figure.fig.bbox.x1, title.get_text()


def test_a_platforms_revenue_and_profit_are_written_in_one_unit():
    from types import SimpleNamespace

    from app_inspector import platform_state, w

    model = app.AppModel(**load_preset("low"), population_scale=0.1)
    # as a workshop saw them: "8,58 M€" beside "775 000 €" (the region's: ten times the
    # simulated tenth's)
    agent = SimpleNamespace(row=0, capability=0.5, market_share=0.1, customers=40,
                            revenue=8.58e5, profit=7.75e4, entry_quarter=0)
    rows = dict(platform_state(model, agent))
    assert rows[w("revenue")].endswith("M€") and rows[w("profit")].endswith("M€")
    agent.revenue, agent.profit = 9.0e4, -2.0e3
    rows = dict(platform_state(model, agent))
    assert not rows[w("revenue")].endswith("M€") and not rows[w("profit")].endswith("M€")
