"""The search page in headless Chromium: typing finds things, the keyboard works, results are
announced, axe finds nothing wrong with results on screen, and JavaScript off is said plainly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_pages import (
    DESKTOP,
    PHONE,
    SCREENSHOT_DIR,
    format_violations,
    run_axe,
    screenshots_wanted,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import BuiltSite, VisitFactory

pytestmark = pytest.mark.browser

RESULTS = "#search-results .search-result"


def type_query(page: Page, query: str) -> None:
    box = page.get_by_label("Search this site")
    box.fill("")
    box.press_sequentially(query, delay=20)
    page.wait_for_function(
        "(text) => document.getElementById('search-status').textContent.includes(text)",
        arg=f"\u201c{query}\u201d",
    )


def test_typing_a_name_finds_their_profile(open_page: VisitFactory, built_site: BuiltSite) -> None:
    with open_page(built_site.url("search/"), PHONE) as visit:
        page = visit.page
        type_query(page, "Priya")
        first = page.locator(RESULTS).first
        assert "Priya Raman" in first.locator("h2").inner_text()
        href = first.locator("a").get_attribute("href") or ""
        assert href.startswith("/techcommit/technicians/priya-raman/"), href
        assert first.locator(".search-result__type").inner_text() == "Technician"
        assert first.locator("mark").count() >= 1
        status = page.locator("#search-status")
        assert status.get_attribute("role") == "status"
        assert "result" in status.inner_text()
        if screenshots_wanted():
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOT_DIR / "search-results-phone.png", full_page=True)
        assert visit.problems() == []


def test_search_works_from_the_keyboard_alone(
    open_page: VisitFactory, built_site: BuiltSite
) -> None:
    with open_page(built_site.url("search/"), DESKTOP) as visit:
        page = visit.page
        page.locator("#search-query").focus()
        page.keyboard.type("microscope")
        page.keyboard.press("Enter")
        page.wait_for_function(  # the index loads on the first search: slow on a busy machine
            "() => document.getElementById('search-status').textContent.includes('microscope')",
            timeout=60_000,
        )
        assert page.locator(RESULTS).count() > 0
        assert "q=microscope" in page.url  # kept in the address, so it can be shared
        page.keyboard.press("Tab")  # the Search button
        page.keyboard.press("Tab")  # the type filter
        assert page.evaluate("document.activeElement.id") == "search-type"
        page.keyboard.press("Tab")  # on to the first result
        focused = page.evaluate("document.activeElement.closest('.search-result') !== null")
        assert focused, "Tab from the form should reach the results"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/search/" not in page.url
        assert visit.problems() == []


def test_type_filter_narrows_results(open_page: VisitFactory, built_site: BuiltSite) -> None:
    with open_page(built_site.url("search/?q=technician&type=Case+study"), DESKTOP) as visit:
        page = visit.page
        page.wait_for_function(
            "() => document.getElementById('search-status').textContent.includes('case studies')"
        )
        kinds = set(page.locator(f"{RESULTS} .search-result__type").all_inner_texts())
        assert kinds == {"Case study"}
        assert page.locator("#search-type").input_value() == "Case study"


def test_no_results_is_announced(open_page: VisitFactory, built_site: BuiltSite) -> None:
    with open_page(built_site.url("search/"), PHONE) as visit:
        type_query(visit.page, "xylophonequark")
        assert visit.page.locator("#search-status").inner_text().startswith("No results")
        assert visit.page.locator(RESULTS).count() == 0


def test_private_profile_is_not_found(open_page: VisitFactory, built_site: BuiltSite) -> None:
    """Kieran's profile asks search engines to leave it out; so does our own search."""
    assert (built_site.out / "technicians/kieran-doyle/index.html").is_file()
    with open_page(built_site.url("search/"), DESKTOP) as visit:
        type_query(visit.page, "Kieran")
        hrefs = visit.page.locator(f"{RESULTS} a").evaluate_all("els => els.map(e => e.href)")
        assert not any("kieran-doyle" in href for href in hrefs), hrefs


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_nothing_with_results_shown(
    open_page: VisitFactory, built_site: BuiltSite, viewport: object
) -> None:
    with open_page(built_site.url("search/"), viewport) as visit:
        type_query(visit.page, "workshop")
        assert visit.page.locator(RESULTS).count() > 0
        result = run_axe(visit.page)
        violations = result["violations"]
        version = result.get("testEngine", {}).get("version", "?")
        assert not violations, format_violations(violations, visit.url, version)


def test_without_javascript_the_page_says_search_cannot_work(
    open_page: VisitFactory, built_site: BuiltSite
) -> None:
    with open_page(built_site.url("search/?q=priya"), PHONE, javascript=False) as visit:
        page = visit.page
        assert not page.locator("#site-search").is_visible(), "no form that cannot search"
        # (Playwright's text selectors skip <noscript>, so find the notice by its class.)
        notice = page.locator("main .notice__title")
        assert notice.is_visible() and notice.inner_text() == "Search needs JavaScript"
        assert page.locator("main .notice a").count() >= 3
        assert page.locator(RESULTS).count() == 0


LISTINGS = ("/actions/", "/timeline/", "/done/", "/status/", "/phase/", "/pillar/")


@pytest.mark.parametrize(
    ("query", "own_page"),
    [
        ("Priya", "technicians/priya-raman/"),  # a person
        ("Tomasz", "technicians/tomasz-wojcik/"),
        ("mentoring", "plans/2024-2027/recognition/"),  # a word from an action
        ("secondment", "case-studies/shared-microscopy-secondment/"),  # a story
        ("rainwater", "news/2026-04-22-glasshouse-rainwater/"),
    ],
)
def test_a_thing_is_found_once_on_its_own_page_first(
    open_page: VisitFactory, built_site: BuiltSite, query: str, own_page: str
) -> None:
    with open_page(built_site.url("search/"), DESKTOP) as visit:
        type_query(visit.page, query)
        hrefs = visit.page.locator(f"{RESULTS} h2 a").evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)"
        )
        assert hrefs and hrefs[0] == "/techcommit/" + own_page, hrefs
        assert len(hrefs) == len(set(hrefs)), hrefs
        assert not [h for h in hrefs if any(part in h for part in LISTINGS)], hrefs


def test_every_result_can_be_reached_page_by_page(
    open_page: VisitFactory, built_site: BuiltSite
) -> None:
    with open_page(built_site.url("search/"), PHONE) as visit:
        page = visit.page
        type_query(page, "technician")
        status = page.locator("#search-status").inner_text()
        total = int(status.split(" ")[0])
        assert total > 20, status
        assert page.locator(RESULTS).count() == 20
        more = page.get_by_role("button", name="Show more results")
        pages = 1
        while more.is_visible():
            shown = page.locator(RESULTS).count()
            more.click()
            page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length > {shown}")
            # The focus goes to the first new result, where reading carries on.
            focused = page.evaluate(
                "[...document.querySelectorAll('.search-result')]"
                ".indexOf(document.activeElement.closest('.search-result'))"
            )
            assert focused == shown
            pages += 1
        hrefs = page.locator(f"{RESULTS} h2 a").evaluate_all("els => els.map(e => e.href)")
        assert len(hrefs) == total == len(set(hrefs)), (total, len(hrefs))
        assert pages == -(-total // 20)
        assert visit.problems() == []


@pytest.mark.parametrize("query", ["technician", "Faculty", "Hollins", "network"])
def test_excerpts_are_readable_sentences(
    open_page: VisitFactory, built_site: BuiltSite, query: str
) -> None:
    with open_page(built_site.url("search/"), DESKTOP) as visit:
        type_query(visit.page, query)
        excerpts = visit.page.locator(f"{RESULTS} .search-result__excerpt").all_inner_texts()
        assert excerpts
        for text in excerpts:
            # From the start of a sentence (or plainly marked as cut), and labels kept apart
            # from their values: "Faculty: Faculty of Science", not "FacultyFaculty of Science".
            assert text[0].isupper() or text[0].isdigit() or text.startswith("\u2026"), text
            assert not re.search(r"\b(Faculty|Gallery|Starts|Ends|Where|Lead|Target)[A-Z]", text)
            assert len(text.split()) <= 45, text


@pytest.mark.parametrize("query", ["xylophonequark", "zzzz", "quokka wombat"])
def test_nothing_found_says_what_to_try(
    open_page: VisitFactory, built_site: BuiltSite, query: str
) -> None:
    with open_page(built_site.url("search/"), PHONE) as visit:
        page = visit.page
        type_query(page, query)
        assert page.locator("#search-status").inner_text().startswith("No results")
        help_box = page.locator("#search-help")
        assert help_box.is_visible()
        assert "spelling" in help_box.inner_text()
        assert help_box.locator("a").count() >= 3
        assert not page.get_by_role("button", name="Show more results").is_visible()
        type_query(page, "Priya")  # a search that finds something puts the help away
        assert not help_box.is_visible()
        result = run_axe(page)
        assert not result["violations"], format_violations(result["violations"], visit.url, "")
