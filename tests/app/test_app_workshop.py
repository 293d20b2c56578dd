"""What a workshop facilitator met in the app: charts, inspector."""

from __future__ import annotations

import re

import pytest
import solara
import solara.widgets

import app
import app_text
from app_figures import DPI
from app_inspector import PLATFORM, AgentInspector
from model import load_preset


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
