"""The app's servers for the browser tests: ``solara run`` on a free port of 127.0.0.1.

Needs Solara's front-end files in the virtualenv (``scripts/offline_assets.sh`` fetches them
from npm; each server fixture runs it, it is quick when they are there).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from experiments.cli.viz import server_env, solara_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(command: list[str], port: int, log: Path,
          env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """Run ``command`` until it listens on ``port``; yield (URL, log); stop it after."""
    assert Path(CHROMIUM).exists(), "Debian chromium is needed: apt-get install -y chromium"
    subprocess.run([str(ROOT / "scripts" / "offline_assets.sh"), sys.prefix], check=True,
                   cwd=ROOT)
    with open(log, "w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``servisim viz``'s command and environment on a free port (French); yields URL, log."""
    port = free_port()
    log = tmp_path_factory.mktemp("solara") / "server.log"
    with serve(solara_command(port, "127.0.0.1"), port, log, server_env("fr")) as running:
        yield running


@pytest.fixture(scope="module")
def english_server(tmp_path_factory):
    """``servisim viz --lang en`` itself (the console script) on a free port; URL, log."""
    servisim = shutil.which("servisim", path=str(Path(sys.executable).parent))
    assert servisim, "the servisim console script is not installed: run ./setup.sh"
    port = free_port()
    log = tmp_path_factory.mktemp("solara") / "server.log"
    with serve([servisim, "viz", "--lang", "en", "--port", str(port)], port, log) as running:
        yield running


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory):
    """``solara run app.py`` as anyone would type it: no ``SOLARA_THEME_SHOW_BANNER``; URL, log."""
    port = free_port()
    log = tmp_path_factory.mktemp("solara") / "server.log"
    env = {k: v for k, v in os.environ.items() if k.upper() != "SOLARA_THEME_SHOW_BANNER"}
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no call out of a room that is offline
    with serve(solara_command(port, "127.0.0.1"), port, log, env) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def server_log_on_failure(server):
    """Print the app server's log when the test fails, so a CI failure shows its cause."""
    yield
    print(f"--- server log:\n{server[1].read_text()}")
