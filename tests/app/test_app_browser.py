"""The app in a real browser: ``solara run`` on 127.0.0.1, headless Debian Chromium, Playwright.

Needs Debian's ``chromium`` (``apt-get install -y chromium``; ``.ci/run`` installs it) and
Solara's front-end files in the virtualenv (``scripts/offline_assets.sh`` fetches them from npm;
this module runs it, it is quick when they are there). Never ``playwright install``.

Set ``SERVISIM_APP_SCREENSHOT=docs/app.png`` (and ``SERVISIM_APP_STEPS=40``) to refresh the
README's picture.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments.cli.viz import solara_command

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``servisim viz``'s command on a free port; yields the URL, stops the server after."""
    assert Path(CHROMIUM).exists(), "Debian chromium is needed: apt-get install -y chromium"
    subprocess.run([str(ROOT / "scripts" / "offline_assets.sh"), sys.prefix], check=True,
                   cwd=ROOT)
    port = free_port()
    log = tmp_path_factory.mktemp("solara") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    with open(log, "w") as out:
        proc = subprocess.Popen(solara_command(port, "127.0.0.1"), env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, f"solara stopped:\n{log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.time() < deadline, f"solara did not listen:\n{log.read_text()}"
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/", log
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_app_in_chromium_steps_draws_charts_without_console_errors(server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, log = server
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("response", lambda r: r.status >= 400 and problems.append(
                f"HTTP {r.status} {r.url}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.goto(url)
            step = page.get_by_role("button", name="Step")
            step.wait_for(timeout=120_000)
            page.get_by_text("Time: 0.0").wait_for(timeout=30_000)
            # The charts: six PNGs drawn by the server and decoded by the browser.
            page.wait_for_function(
                "() => [...document.images].filter(i => i.src.startsWith('blob:')"
                " || i.src.startsWith('data:')).filter(i => i.naturalWidth > 300).length >= 6",
                timeout=60_000)
            page.get_by_text("Scenario class at 2019Q4:").wait_for()
            page.get_by_text("Scenario preset and parameters").wait_for()
            latencies = []
            steps = int(os.environ.get("SERVISIM_APP_STEPS", "3"))
            for n in range(1, steps + 1):
                start = time.perf_counter()
                step.click()
                page.get_by_text(f"Time: {n}.0", exact=True).wait_for(timeout=30_000)
                latencies.append(time.perf_counter() - start)
            quarter = f"{2020 + (steps - 1) // 4}Q{(steps - 1) % 4 + 1}"
            page.get_by_text(f"Scenario class at {quarter}", exact=False).wait_for()
            if steps < 80:
                # Play: the page keeps showing new quarters while the model runs.
                page.get_by_role("button", name="\u25b6").click()
                page.get_by_text(f"Time: {steps + 2}.0", exact=True).wait_for(timeout=60_000)
                page.get_by_role("button", name="\u275a\u275a").click()
                page.wait_for_timeout(2000)  # a quarter already under way still shows
                played = page.get_by_text("Time: ", exact=False).inner_text()
                page.wait_for_timeout(2000)
                assert page.get_by_text("Time: ", exact=False).inner_text() == played  # paused
                steps = int(float(played.split(":")[1]))
                quarter = f"{2020 + (steps - 1) // 4}Q{(steps - 1) % 4 + 1}"
                page.get_by_text(f"Scenario class at {quarter}", exact=False).wait_for()
            page.wait_for_timeout(500)  # let the last images decode
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 50_000
    if os.environ.get("SERVISIM_APP_SCREENSHOT"):
        shutil.copy(shot, ROOT / os.environ["SERVISIM_APP_SCREENSHOT"])
    print(f"step-to-screen latency in Chromium: {', '.join(f'{t:.2f}' for t in latencies)} s")
    assert not problems, "\n".join(problems) + f"\n--- server log:\n{log.read_text()}"
    assert max(latencies) < 15, latencies
