"""The app in a real browser: ``solara run`` on 127.0.0.1, headless Debian Chromium, Playwright.

Needs Debian's ``chromium`` (``apt-get install -y chromium``; ``.ci/run`` installs it) and
Solara's front-end files in the virtualenv (``scripts/offline_assets.sh`` fetches them from npm;
the server fixture in ``conftest.py`` runs it, it is quick when they are there). Never
``playwright install``.

Set ``SERVISIM_APP_SCREENSHOTS=docs/img`` to refresh the README's pictures of the French app
and of its network view.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model.labels import Labels

pytestmark = pytest.mark.browser


# While the app plays, a quarter shows for the pause between two steps only: wait for the
# now-line to reach a quarter or a later one, never for one quarter's transient text.
REACHED = """([year, q]) => {
    const m = document.querySelector('.now-line')?.innerText.match(/^(\\d{4})[TQ](\\d)/);
    return !!m && Number(m[1]) * 4 + Number(m[2]) >= year * 4 + q;
}"""


def wait_for_quarter(page, year: int, q: int, timeout: int = 60_000) -> None:
    """Wait until the now-line shows quarter ``q`` of ``year`` or a later quarter."""
    page.wait_for_function(REACHED, arg=[year, q], timeout=timeout)


def test_french_app_plays_presets_levers_network_platforms_compare_and_export(
        server, server_log_on_failure, browser, tmp_path):
    """A facilitator's path through the French app, with no console error on the way."""
    url, log = server
    problems: list[str] = []
    shots = Path(os.environ.get("SERVISIM_APP_SCREENSHOTS", tmp_path))
    page = browser.new_page(viewport={"width": 1500, "height": 1300},
                            accept_downloads=True)
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(
        f"HTTP {r.status} {r.url}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto(url)
    step = page.locator("button.step")
    step.wait_for(timeout=120_000)
    now = page.locator(".now-line")
    assert now.inner_text().startswith("avant le départ")
    for name in ("low", "trend", "high"):  # each scenario applies when picked
        page.locator(f"button.preset-{name}").click()
        now.get_by_text("avant le départ", exact=False).wait_for(timeout=30_000)
        step.click()
        page.get_by_text("2020T1 ·", exact=False).wait_for(timeout=30_000)
    page.get_by_text("Verdict provisoire à 2020T1", exact=False).wait_for()
    # Play, then move a lever during the run: it holds from the next quarter.
    page.locator("button.play").click()
    wait_for_quarter(page, 2020, 3)
    page.locator("button.play").click()
    slider = page.locator(".v-slider").nth(1)  # the first lever (after the speed)
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    lever = Labels("fr").param_label("subsidy_rate")  # 90 % of 10-40 %: 37 %
    page.get_by_text(f"{lever}\u00a0: 3", exact=False).wait_for(timeout=30_000)
    assert not page.get_by_text("attendent un nouveau départ").count()
    step.click()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "app-fr.png"))
    # The network view, then a platform in the inspector.
    page.locator(".tab-network").click()
    page.get_by_text("Inspecteur d'agent").wait_for(timeout=30_000)
    page.locator("button.kind-3").click()
    page.locator(".inspected-agent").get_by_text("Plateforme", exact=False) \
        .wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "app-network-fr.png"))
    # Compare: the runs replaced by each scenario are kept; export the trajectory.
    page.locator(".tab-compare").click()
    page.get_by_text("Trajectoire (CSV)").wait_for(timeout=30_000)
    page.locator("button.keep-run").click()
    with page.expect_download() as download:
        page.get_by_text("Trajectoire (CSV)").click()
    csv = Path(download.value.path()).read_text()
    assert csv.startswith("quarter,") and "2020Q" in csv
    unnamed = page.evaluate(
        "() => [...document.querySelectorAll('[aria-label]')]"
        ".filter(e => !e.getAttribute('aria-label').trim()).map(e => e.outerHTML"
        ".slice(0, 80))")
    assert not unnamed, unnamed  # every aria-label says something to a screen reader
    assert not problems, "\n".join(problems) + f"\n--- server log:\n{log.read_text()}"
