"""The app projected in a workshop room: no Solara badge over the charts.

Needs Debian's ``chromium`` and Solara's front-end files, as ``test_app_browser.py``.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_bare_solara_run_hides_the_solara_badge(bare_server, browser):
    url, log = bare_server
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    page.locator("button.step").wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    assert not page.get_by_text("runs on Solara").count(), \
        f"Solara's badge is shown\n--- server log:\n{log.read_text()}"
