"""The workshop report in a real browser: Debian's headless Chromium, driven by Playwright.

Runs in the default ``pytest`` (marked ``browser`` so it can be selected or left out with
``-m``); it needs ``/usr/bin/chromium`` (``apt-get install chromium``, done by ``.ci/run``) and
never downloads a browser (no ``playwright install``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.report.build import build_report
from experiments.report.i18n import LANGS, Translator

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_files(report_batch) -> dict[str, Path]:
    """The report of a small finished batch, in both languages."""
    return {lang: build_report(report_batch, lang) for lang in LANGS}


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, launched by Playwright with ``executable_path``."""
    assert Path(CHROMIUM).is_file(), (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("lang", LANGS)
def test_report_opens_without_error_and_screenshots_its_first_page(browser, report_files,
                                                                    lang, tmp_path):
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url[:120]}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report_files[lang].resolve().as_uri(), wait_until="load")

    t = Translator(lang)
    assert page.locator("h2").first.inner_text() == t("first.heading")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(".card").count() == 3
    images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    assert len(images) >= 5 and all(done and width > 100 for done, width in images)
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert problems == []

    shot = tmp_path / f"report-{lang}.png"
    page.screenshot(path=str(shot))  # the first page, as a workshop participant opens it
    page.close()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 1100)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 500  # text, cards and colours, not blank


def _headings(page) -> list[str]:
    # A finding's class tag (its h3) cannot be left alone (a finding never breaks), and its word
    # ends many table cells too: it is not a heading this check looks for.
    return [" ".join(h.split())
            for h in page.locator("main h2, main h3:not(.finding *)").all_inner_texts()]


def test_french_report_prints_every_section_with_no_heading_alone_at_a_page_foot(
        browser, report_files, tmp_path):
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(report_files["fr"].resolve().as_uri(), wait_until="load")
    headings = _headings(page)
    folded = page.locator("details").count()
    pdf = tmp_path / "report-fr.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    text = " ".join(pages)
    t = Translator("fr")
    for key in ("first.heading", "sens.heading", "params.heading", "facts.heading",
                "scen.heading"):
        assert " ".join(t(key).split()) in text, key
    assert folded > 0 and all(h in text for h in headings)  # folded parts print open
    for number, content in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in content.splitlines() if line.strip()]
        tail = content[-120:]
        alone = [h for h in headings if tail.rstrip().endswith(h)]
        assert not alone, f"page {number} ends with the heading {alone}: {lines[-1:]}"


def test_report_fits_a_phone_width_with_tables_scrolling_sideways(browser, report_files):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(report_files["fr"].resolve().as_uri(), wait_until="load")
    width = page.evaluate("document.documentElement.scrollWidth")
    tables = page.evaluate("[...document.querySelectorAll('table')].map(t => "
                           "getComputedStyle(t).overflowX)")
    page.close()
    assert width <= 390
    assert tables and set(tables) == {"auto"}


def test_report_tables_stay_inside_their_section_on_a_laptop(browser, report_files):
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    page.goto(report_files["fr"].resolve().as_uri(), wait_until="load")
    overflowing = page.evaluate("[...document.querySelectorAll('section')]"
                                ".filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.id)")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert overflowing == []
    assert width <= 1024
