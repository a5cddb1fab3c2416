"""`serve` in a browser: a save updates the page, a mistake shows the overlay, a fix clears it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from site_builder.serve import PreviewServer
from tests.browser.test_pages import format_violations, run_axe  # skips without a browser
from tests.sites import TinySite

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser
WAIT_MS = 60_000  # a save, the debounce, a rebuild and a reload, on a busy machine


@pytest.fixture
def preview(tiny_site: TinySite) -> Iterator[PreviewServer]:
    options = tiny_site.options(
        output=tiny_site.root / "preview", base_url="https://org.github.io/techcommit/"
    )
    server = PreviewServer(options, port=0, say=lambda _: None, force_polling=None)
    server.start()
    yield server
    server.stop()


def test_edit_break_and_fix_in_the_browser(
    preview: PreviewServer, tiny_site: TinySite, chromium_browser: Browser
) -> None:
    from playwright.sync_api import expect

    context = chromium_browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{preview.port}/techcommit/about/")
        expect(page.locator("main h2").first).to_have_text("Why we signed")
        page.wait_for_function("() => window.performance.now() > 0")

        about = tiny_site.root / "content/pages/about.md"
        about.write_text(about.read_text().replace("Why we signed", "Why we joined"))
        expect(page.locator("main h2").first).to_have_text("Why we joined", timeout=WAIT_MS)

        good = about.read_text()
        about.write_text(good.replace("title: About", "titel: About"))
        overlay = page.locator("#site-builder-problems")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay).to_contain_text("content/pages/about.md:2")
        expect(overlay).to_contain_text("fix:")
        expect(page.locator("main h2").first).to_have_text("Why we joined")  # last good build
        result = run_axe(page)
        assert result["violations"] == [], format_violations(
            result["violations"], "the problem overlay", result["testEngine"]["version"]
        )

        about.write_text(good)
        expect(overlay).to_have_count(0, timeout=WAIT_MS)
    finally:
        context.close()


def test_the_problem_panel_folds_away_lists_errors_first_and_remembers(
    preview: PreviewServer, tiny_site: TinySite, chromium_browser: Browser
) -> None:
    """The panel leaves the page in view, folds with the keyboard, stays folded through a
    reload, and lists (and counts) the error that stopped the build before a warning from a
    file that sorts earlier."""
    from playwright.sync_api import expect

    context = chromium_browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{preview.port}/techcommit/about/")
        profile = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
        no_consent = profile.split("consent:")[0].replace("Alex Morgan", "Aaron Able")
        tiny_site.write("content/technicians/aaron-able.yaml", no_consent)  # a warning
        alex = tiny_site.root / "content/technicians/alex-morgan.yaml"
        alex.write_text(profile.replace("gallery: main", "gallery: nowhere"))  # the error

        panel = page.locator("#site-builder-problems")
        toggle = page.locator("#site-builder-problems-toggle")
        reports = panel.locator("pre")
        expect(panel).to_be_visible(timeout=WAIT_MS)
        expect(toggle).to_contain_text("The site did not build: 1 error, 1 warning")
        expect(reports).to_have_count(2)
        expect(reports.first).to_contain_text("alex-morgan.yaml:4:1: error")
        expect(reports.nth(1)).to_contain_text("aaron-able.yaml:1:1: warning")
        assert "alex-morgan.yaml" in panel.inner_text().split("aaron-able")[0]
        box = panel.bounding_box()
        assert box is not None and box["height"] <= 400  # half the window at most
        expect(page.locator("h1").first).to_be_in_viewport()  # the page is still in view
        result = run_axe(page)
        assert result["violations"] == [], format_violations(
            result["violations"], "the problem panel", result["testEngine"]["version"]
        )

        page.keyboard.press("Tab")
        expect(toggle).to_be_focused()  # the first stop
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(panel.locator("#site-builder-problems-body")).to_be_hidden()
        folded = panel.bounding_box()
        assert folded is not None and folded["height"] < 80

        page.reload()
        expect(toggle).to_have_attribute("aria-expanded", "false", timeout=WAIT_MS)
        toggle.focus()
        page.keyboard.press("Space")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(toggle).to_have_attribute("aria-expanded", "false")

        alex.write_text(profile)
        expect(panel).to_have_count(0, timeout=WAIT_MS)
    finally:
        context.close()
