"""The app projected in a workshop room: chart text read from the back, no Solara badge.

A projector shows 1280x800 (sometimes 1920x1080); a chart's text is seen at its figure's point
size times the scale the browser draws the image at. Needs Debian's ``chromium`` and Solara's
front-end files, as ``test_app_browser.py``. Set ``SERVISIM_APP_SCREENSHOTS=DIR`` to keep the
screenshots (``app-fr-<width>x<height>.png``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app_figures import DPI, FONT

pytestmark = pytest.mark.browser

#: Every chart image shown: its box and its pixel size. The image is drawn "contained" in its
#: box (``object-fit: contain``), so its scale on screen is the smaller of the two ratios.
SCALES = """() => [...document.querySelectorAll('img.widget-image')].map(img => {
    const box = img.getBoundingClientRect();
    return Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
})"""

#: The least size, in CSS pixels, of a chart's text on screen: read across a workshop room.
LEAST_PX = 12


def smallest_text_px(page) -> list[float]:
    """The size on screen of each shown chart's smallest text (``FONT`` points), in CSS px."""
    return [round(FONT * DPI / 72 * scale, 1) for scale in page.evaluate(SCALES)]


@pytest.mark.parametrize("width, height", [(1280, 800), (1920, 1080)])
def test_chart_text_is_at_least_12_px_on_a_projector_without_folding_the_panel(
        server, browser, tmp_path, width, height):
    url, log = server
    shots = Path(os.environ.get("SERVISIM_APP_SCREENSHOTS", tmp_path))
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    step = page.locator("button.step")
    step.wait_for(timeout=120_000)
    step.click()
    page.get_by_text("2020T1 ·", exact=False).wait_for(timeout=90_000)
    page.wait_for_timeout(1000)  # the charts' new frames
    assert page.locator(".v-navigation-drawer").is_visible(), "the side panel is open"
    sizes = {"indicators": smallest_text_px(page)}
    page.screenshot(path=str(shots / f"app-fr-{width}x{height}.png"))
    for tab, shown in (("network", "Inspecteur d'agent"), ("firms", "Inspecteur d'agent"),
                       ("compare", "Trajectoire (CSV)")):
        page.locator(f".tab-{tab}").click()
        page.get_by_text(shown).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        sizes[tab] = smallest_text_px(page)
    assert len(sizes["indicators"]) == 4 and all(sizes.values()), sizes
    small = {tab: px for tab, px in sizes.items() if min(px) < LEAST_PX}
    assert not small, f"chart text under {LEAST_PX} px at {width}x{height}: {sizes}"



def test_a_bare_solara_run_hides_the_solara_badge(bare_server, browser):
    url, log = bare_server
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    page.locator("button.step").wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    assert not page.get_by_text("runs on Solara").count(), \
        f"Solara's badge is shown\n--- server log:\n{log.read_text()}"
