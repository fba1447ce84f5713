"""The HTML report in a real headless Chromium: tables and charts render, no console errors.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package; .ci/run installs both.
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import ok

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def overview(enrolled, tmp_path) -> Path:
    ok("score", "--all")
    path = tmp_path / "overview.html"
    ok("--lang", "id", "report", "overview", "--top", "10", "-o", path)
    return path


def test_overview_renders_in_chromium_without_errors(overview, tmp_path):
    assert CHROMIUM.exists(), "install Debian's chromium package (.ci/run does)"
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(overview.as_uri())
        page.wait_for_load_state("load")
        tables = page.locator("table")
        assert tables.count() == 4
        assert page.locator("table").first.locator("tbody tr").count() == 10
        bars = page.locator("svg rect.bar")
        assert bars.count() >= 10
        widths = [bars.nth(i).bounding_box()["width"] for i in range(10)]
        assert all(w > 0 for w in widths), widths
        assert page.locator("svg").count() == 4
        text = page.inner_text("body")
        assert "Rp17.990.227.397" in text
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        browser.close()
    assert problems == []
    assert all(url.startswith("file://") for url in requests), requests
    assert (tmp_path / "overview.png").stat().st_size > 10_000
