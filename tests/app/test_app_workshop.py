"""What a workshop facilitator met in the app: charts, inspector, sliders, ``viz --lang``."""

from __future__ import annotations

import io
import math
import os
import re
import socket
import subprocess
import sys
import time

import ipyvuetify as v
import ipywidgets
import pytest
import solara
import solara.widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

import app
import app_inspector
import app_params
import app_runs
import app_text
from app_figures import DPI, FirmsFigure, HistoryFigure
from app_inspector import PLATFORM, AgentInspector
from experiments.cli import main as cli_main
from experiments.cli import viz
from model import load_preset
from model.scenarios import SCENARIOS


@pytest.fixture(autouse=True)
def french():
    app_text.LANG.value = "fr"
    yield
    app_text.LANG.value = "fr"


@pytest.fixture(scope="module")
def near_full_capture():
    """A run whose manufacturers hold 95 % of the service market, then 100 %."""
    model = app.AppModel(population_scale=0.02)
    for _ in range(4):
        model.step()
    capture = model.datacollector.model_vars["industrial_service_capture"]
    capture[:] = [0.95] * (len(capture) - 1) + [1.0]
    return model


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("chart", ["CAPTURE", "SERVITIZATION"])
def test_a_chart_s_legend_covers_no_data_and_a_line_at_100_percent_shows_whole(
        near_full_capture, chart, lang, dark):
    figure = getattr(app, chart)(near_full_capture, lang, dark)
    figure.frame(near_full_capture)
    renderer = figure.canvas.get_renderer()
    for ax, lines in zip(figure.axes, figure.lines, strict=True):
        legend = ax.get_legend().get_window_extent(renderer)
        assert not legend.overlaps(ax.bbox), "the legend lies over the data"
        assert not legend.overlaps(ax.xaxis.get_tightbbox(renderer)), "over the years"
        assert figure.fig.bbox.x0 <= legend.x0 and legend.x1 <= figure.fig.bbox.x1
        assert figure.fig.bbox.y0 <= legend.y0, "the legend is cut at the bottom"
        half_width = lines[0].get_linewidth() * DPI / 72 / 2
        assert ax.transData.transform((2021, 1.0))[1] + half_width <= ax.bbox.y1, \
            "a line at 100 % is cut by the top of the axes"


@pytest.mark.parametrize("kind", [0, PLATFORM])
def test_the_inspector_table_has_no_empty_header_row(kind):
    model = app.AppModel(population_scale=0.02, **load_preset("low"))  # platforms at start
    model.step()
    if kind == PLATFORM:  # else the first SME, watched from the start
        model.watch(PLATFORM, 0)
    box, rc = solara.render(AgentInspector(model), handle_error=False)
    table = rc.find(solara.widgets.HTML).widget.unsafe_innerHTML
    assert not re.search(r"<th[^>]*>\s*</th>", table), table[:200]
    first = re.search(r"<tr>(.*?)</tr>", table).group(1)
    assert "<td" in first and ("salariés" in first or "capacité" in first), first  # a datum


def test_viz_refuses_a_language_the_app_does_not_speak_before_starting(capsys):
    with pytest.raises(SystemExit) as stop:
        cli_main(["viz", "--lang", "de"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "'de'" in err and "'fr', 'en'" in err


def test_viz_help_names_the_language_option(capsys):
    with pytest.raises(SystemExit):
        cli_main(["viz", "--help"])
    assert "--lang {fr,en}" in capsys.readouterr().out


@pytest.mark.parametrize("given, lang", [([], "fr"), (["--lang", "en"], "en")])
def test_viz_passes_the_language_to_the_server_and_hides_solara_s_badge(
        monkeypatch, given, lang):
    started = {}
    monkeypatch.setattr(viz.os, "execve",
                        lambda path, command, env: started.update(command=command, env=env))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert cli_main(["viz", "--port", str(port), *given]) == 0
    assert started["env"][viz.LANG_VARIABLE] == lang
    assert started["env"]["SOLARA_THEME_SHOW_BANNER"] == "False"
    assert started["command"][started["command"].index("--port") + 1] == str(port)


@pytest.mark.parametrize("value, opens, warned", [("en", "en", False), ("fr", "fr", False),
                                                  ("de", "fr", True)])
def test_the_app_opens_in_the_language_the_server_was_given(value, opens, warned):
    assert app_text.LANG_VARIABLE == viz.LANG_VARIABLE
    code = "import app_text; print(app_text.LANG.value)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, viz.LANG_VARIABLE: value}, check=True)
    assert done.stdout.split()[-1] == opens
    assert (viz.LANG_VARIABLE in done.stderr) == warned, done.stderr


def vuetify_snap(value: float, lo: float, hi: float, step: float) -> float:
    """What Vuetify 2's slider reports for ``value`` (VSlider.roundValue)."""
    text = repr(step)
    decimals = len(text) - text.index(".") - 1 if "." in text else 0
    offset = math.fmod(lo, step)
    snapped = math.floor((value - offset) / step + 0.5) * step + offset  # JS Math.round
    return round(min(snapped, hi), decimals)


@pytest.mark.parametrize("preset", [None, *SCENARIOS])
def test_opening_a_folded_section_changes_no_value(preset):
    values = app_params.panel_defaults() if preset is None else app_params.preset_values(preset)
    moved = {}
    for prm in app_params.PANEL:
        if prm.kind is bool:
            continue
        panel = solara.reactive(dict(values))
        lo, hi, step = app_params.slider_range(prm, values[prm.name])
        app_params.set_value(panel, None, prm.name, vuetify_snap(values[prm.name], lo, hi, step))
        if panel.value[prm.name] != values[prm.name]:
            moved[prm.name] = (values[prm.name], panel.value[prm.name])
    assert moved == {}  # else the panel says values wait for a new run nobody asked for


@pytest.mark.parametrize("steps", [3, 40])
def test_compare_figure_labels_shares_in_whole_percent_early_and_late(steps):
    model = app.AppModel(population_scale=0.02)
    for _ in range(steps):
        model.step()
    figure = app_runs.compare_figure(model, [], "fr")
    FigureCanvasAgg(figure).draw()
    for ax in figure.axes[:3]:  # the shares
        y0, y1 = ax.get_ylim()
        shown = [t.get_text() for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)
                 if y0 <= y <= y1]
        assert len(shown) >= 3 and len(set(shown)) == len(shown), shown
        assert not [s for s in shown if "," in s], shown  # not 92,550 % for a quarter's move


@pytest.mark.parametrize("part", ["chart", "compare"])
def test_the_theme_toggle_redraws_the_charts_at_once_not_a_quarter_later(part):
    model = app.AppModel(population_scale=0.02)
    model.step()
    component = app.LiveChart(model, app.CAPTURE) if part == "chart" \
        else app_runs.ComparePanel(model)
    box, rc = solara.render(component, handle_error=False)
    solara.lab.theme.dark_effective = False

    def images() -> list[bytes]:
        return [w.value for w in rc.find(ipywidgets.Image).widgets]

    light = images()
    try:
        solara.lab.theme.dark_effective = True
        assert images() != light  # drawn again, on the dark theme's background
    finally:
        solara.lab.theme.dark_effective = False


@pytest.mark.parametrize("dark, colour", [(False, "en noir"), (True, "en blanc")])
def test_the_compare_note_names_the_current_run_s_colour_on_either_theme(dark, colour):
    model = app.AppModel(population_scale=0.02)
    solara.lab.theme.dark_effective = dark
    try:
        box, rc = solara.render(app_runs.ComparePanel(model), handle_error=False)
        shown = [c for w in rc.find(v.Html, tag="span").widgets for c in w.children
                 if isinstance(c, str)]
    finally:
        solara.lab.theme.dark_effective = False
    assert any(s.endswith(f"le parcours en cours est {colour}.") for s in shown), shown


def test_the_comparison_png_is_downloaded_on_white_on_the_dark_theme_too():
    from solara.components.file_download import FileDownloadWidget

    model = app.AppModel(population_scale=0.02)
    model.step()
    solara.lab.theme.dark_effective = True
    try:
        box, rc = solara.render(app_runs.ComparePanel(model), handle_error=False)
        download = rc.find(FileDownloadWidget, filename="servisim-compare.png").widget
        download.request_download = True  # the click on the button
        deadline = time.time() + 30
        while download.bytes is None and time.time() < deadline:
            time.sleep(0.05)  # Solara reads the data in a thread
        png = Image.open(io.BytesIO(download.bytes)).convert("RGB")
    finally:
        solara.lab.theme.dark_effective = False
    w, h = png.size
    corners = [png.getpixel(xy) for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
    assert all(min(rgb) >= 250 for rgb in corners), f"not white: {corners}"


@pytest.mark.parametrize("lang, money, per", [("fr", "M€", "pour 1\u00a0000 entreprises par an"),
                                              ("en", "€", "per 1,000 firms a year")])
def test_the_cyber_and_subsidy_caption_gives_its_units(lang, money, per):
    model = app.AppModel(population_scale=0.02)
    for _ in range(4):
        model.step()
    figure = app.CYBER_SUBSIDY(model, lang, False)
    figure.frame(model)
    incidents, subsidy = figure.caption.split("|")
    assert per in incidents and money in subsidy, figure.caption  # 1 000 never cut in two


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_inspector_history_legend_covers_no_line(near_full_capture, lang):
    figure = HistoryFigure(near_full_capture, lang, False)
    figure.frame(near_full_capture)
    renderer = figure.canvas.get_renderer()
    legend = figure.fig.legends[0].get_window_extent(renderer)
    for ax in figure.axes:
        assert not legend.overlaps(ax.bbox), "the legend lies over a chart"
        assert not legend.overlaps(ax.xaxis.get_tightbbox(renderer)), "over the years"
    assert figure.fig.bbox.x0 <= legend.x0 and legend.x1 <= figure.fig.bbox.x1
    ax = figure.axes[0]
    half_width = figure.lines[0].get_linewidth() * DPI / 72 / 2
    assert ax.transData.transform((2021, 1.0))[1] + half_width <= ax.bbox.y1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_firms_view_names_the_kinds_under_its_charts_not_over_the_firms(lang):
    model = app.AppModel(population_scale=0.02)
    model.step()
    figure = FirmsFigure(model, lang, False)
    figure.frame(model)
    renderer = figure.canvas.get_renderer()
    (legend,) = figure.fig.legends
    box = legend.get_window_extent(renderer)
    assert [t.get_text() for t in legend.get_texts()] == list(app_text.KINDS[lang][:3])
    for ax in figure.axes:
        assert not box.overlaps(ax.get_tightbbox(renderer)), "the legend lies over a chart"
    assert figure.fig.bbox.x0 <= box.x0 and box.x1 <= figure.fig.bbox.x1


@pytest.mark.parametrize("kind, heading", [(0, "PME n°"), (PLATFORM, "Plateforme n°")])
def test_the_inspector_heading_and_slider_number_the_agent_alike_from_one(kind, heading):
    model = app.AppModel(population_scale=0.02, **load_preset("low"))
    model.step()
    model.watch(kind, int(app_inspector.rows_of_kind(model, kind)[1]))  # the second one
    box, rc = solara.render(AgentInspector(model), handle_error=False)
    title = rc.find(v.Html, class_="inspected-agent").widget.children[0]
    slider = rc.find(v.Slider).widget
    assert slider.v_model == 2 and slider.min == 1, (slider.v_model, slider.min)
    assert title.replace("\u00a0", " ").startswith(f"{heading} 2 ("), title
