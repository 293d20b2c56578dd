"""The app as a workshop room sees it: ``servisim viz --lang en`` on a 1280x800 screen.

Set ``SERVISIM_APP_SCREENSHOTS=DIR`` to keep the screenshots (``app-en-1280x800.png``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

#: Chart images whose bottom right corner is covered by another element, once scrolled into
#: view at the bottom of the window (where Solara's badge sat).
COVERED = """() => [...document.querySelectorAll('img.widget-image')].filter(img => {
    img.scrollIntoView({block: 'end'});
    const box = img.getBoundingClientRect();
    const top = document.elementFromPoint(box.right - 4, box.bottom - 4);
    return top !== img;
}).map(img => img.getBoundingClientRect().right)"""


def test_english_app_at_1280x800_nothing_covers_the_charts(
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
    page.locator(".language-switch button").first.click()  # FR / EN still works
    page.get_by_text("2020T1 ·", exact=False).wait_for(timeout=60_000)
    assert not problems, "\n".join(problems) + f"\n--- server log:\n{log.read_text()}"
