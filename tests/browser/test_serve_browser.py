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
        expect(page.locator("h2").first).to_have_text("Why we signed")
        page.wait_for_function("() => window.performance.now() > 0")

        about = tiny_site.root / "content/pages/about.md"
        about.write_text(about.read_text().replace("Why we signed", "Why we joined"))
        expect(page.locator("h2").first).to_have_text("Why we joined", timeout=WAIT_MS)

        good = about.read_text()
        about.write_text(good.replace("title: About", "titel: About"))
        overlay = page.locator("#site-builder-problems")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay).to_contain_text("content/pages/about.md:2")
        expect(overlay).to_contain_text("fix:")
        expect(page.locator("h2").first).to_have_text("Why we joined")  # last good build
        result = run_axe(page)
        assert result["violations"] == [], format_violations(
            result["violations"], "the problem overlay", result["testEngine"]["version"]
        )

        about.write_text(good)
        expect(overlay).to_have_count(0, timeout=WAIT_MS)
    finally:
        context.close()
