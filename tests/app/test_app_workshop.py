"""What a workshop facilitator met in the app."""

from __future__ import annotations

import re

import pytest
import solara
import solara.widgets

import app
import app_text
from app_inspector import PLATFORM, AgentInspector
from model import load_preset


@pytest.fixture(autouse=True)
def french():
    app_text.LANG.value = "fr"
    yield
    app_text.LANG.value = "fr"


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
