"""The app as a workshop room sees it: ``servisim viz --lang en`` on a 1280x800 screen.

Set ``SERVISIM_APP_SCREENSHOTS=DIR`` to keep the screenshots (``app-en-1280x800.png``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model.labels import Labels

pytestmark = pytest.mark.browser

#: The page's elements that show ``label`` on screen: a 1-pixel box is for screen readers only.
SHOWN = """(label) => [...document.querySelectorAll('body *')].filter(e => {
    const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    const box = e.getBoundingClientRect();
    return own.trim().startsWith(label) && box.width > 1 && box.height > 1;
}).length"""

#: Chart images whose bottom right corner is covered by another element, once scrolled into
#: view at the bottom of the window (where Solara's badge sat).
COVERED = """() => [...document.querySelectorAll('img.widget-image')].filter(img => {
    img.scrollIntoView({block: 'end'});
    const box = img.getBoundingClientRect();
    const top = document.elementFromPoint(box.right - 4, box.bottom - 4);
    return top !== img;
}).map(img => img.getBoundingClientRect().right)"""


def test_english_app_at_1280x800_names_each_parameter_once_and_nothing_covers_the_charts(
        english_server, browser, tmp_path):
    url, log = english_server
    problems: list[str] = []
    shots = Path(os.environ.get("SERVISIM_APP_SCREENSHOTS", tmp_path))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(url)
    step = page.locator("button.step")
    step.wait_for(timeout=120_000)
    now = page.locator(".now-line")
    assert now.inner_text().startswith("before the start"), "--lang en: opens in English"
    step.click()
    page.get_by_text("2020Q1 ·", exact=False).wait_for(timeout=90_000)  # on a busy machine
    page.wait_for_timeout(1000)  # the charts' new frames
    assert not page.get_by_text("runs on Solara").count(), "Solara's badge is shown"
    assert page.locator("img.widget-image").count() >= 4  # the indicator charts
    assert page.evaluate(COVERED) == [], "something covers a chart's bottom right corner"
    page.screenshot(path=str(shots / "app-en-1280x800.png"))
    for folded in page.locator("button", has_text="▸").all():  # uncertainties, constants
        folded.click()
    page.get_by_text("number of neighbours: 8", exact=False).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # each slider's first report of its value
    assert not page.get_by_text("wait for a new run").count(), "a section moved a value"
    for lang in ("en", "fr"):  # the FR / EN switch still turns the page to French
        if lang == "fr":
            page.locator(".language-switch button").first.click()
            page.get_by_text("2020T1 ·", exact=False).wait_for(timeout=60_000)
        for name in ("subsidy_rate", "cluster_share"):
            label = Labels(lang).param_label(name)
            assert page.evaluate(SHOWN, label) == 1, f"{label!r} is not shown once"
    assert not problems, "\n".join(problems) + f"\n--- server log:\n{log.read_text()}"
