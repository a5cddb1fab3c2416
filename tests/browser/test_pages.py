"""Every kind of page of the built example site, checked in headless Chromium.

axe-core (WCAG 2.0/2.1/2.2 A and AA rules) plus checks axe cannot make: one h1, a working skip
link, no sideways scrolling on a phone, no console errors or broken requests, every image loads,
and the content is readable with JavaScript turned off.

Run just these with ``pytest -m browser``; skip them with ``pytest -m "not browser"``.
``SCREENSHOTS=1 pytest -m browser`` also saves full-page PNGs to tests/screenshots/.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def _why_no_browser() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    if importlib.util.find_spec("axe_playwright_python") is None:
        return "axe-playwright-python (which ships axe-core) is not installed"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


if (_reason := _why_no_browser()) is not None:
    pytest.skip(f"browser tests skipped: {_reason}", allow_module_level=True)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import BuiltSite, Visit, VisitFactory

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(__file__).resolve().parents[1] / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MISSING_PAGE = "this-page-does-not-exist/"
IMAGE_TIMEOUT_MS = 5000
# Folders a listing may use for pagination or indexes rather than for one item.
NOT_ITEMS = {
    "page", "tag", "tags", "category", "categories", "feed", "archive", "department",
    "registration",
}  # fmt: skip


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool

    def __str__(self) -> str:
        return f"{self.name} {self.width}x{self.height}"


PHONE = Viewport("phone", 390, 844, mobile=True)
DESKTOP = Viewport("desktop", 1280, 900, mobile=False)
# WCAG 2.2 SC 1.4.10 Reflow is defined at 320 CSS px wide; only the overflow test uses it.
NARROW = Viewport("narrow", 320, 640, mobile=True)
VIEWPORTS = [pytest.param(v, id=v.name) for v in (PHONE, DESKTOP)]


@dataclass(frozen=True)
class PageSpec:
    """A page to check. ``path`` is relative to the base URL; ``*`` is the first built item."""

    name: str
    path: str
    status: int = 200


PAGE_SPECS = [
    PageSpec("home", ""),
    PageSpec("about", "about/"),
    PageSpec("definition", "definition/"),
    PageSpec("accessibility", "accessibility/"),
    PageSpec("plans", "plans/"),
    PageSpec("plan", "plans/2024-2027/"),
    PageSpec("plan-theme", "plans/2024-2027/visibility/"),
    PageSpec("plan-done", "plans/2024-2027/done/"),
    PageSpec("plan-timeline", "plans/2024-2027/timeline/"),
    PageSpec("plan-actions", "plans/2024-2027/actions/"),
    PageSpec("plan-by-status", "plans/2024-2027/status/delayed/"),
    PageSpec("plan-by-phase", "plans/2024-2027/phase/year-2/"),
    PageSpec("plan-by-pillar", "plans/2024-2027/pillar/education/"),
    PageSpec("plan-archived", "plans/2021-2024/"),
    PageSpec("technicians", "technicians/"),
    PageSpec("technician", "technicians/*/"),
    PageSpec("technicians-by-department", "technicians/department/*/"),
    PageSpec("galleries", "galleries/"),
    PageSpec("gallery", "galleries/*/"),
    PageSpec("case-studies", "case-studies/"),
    PageSpec("case-study", "case-studies/*/"),
    PageSpec("news", "news/"),
    PageSpec("news-item", "news/*/"),
    PageSpec("events", "events/"),
    PageSpec("search", "search/"),
    PageSpec("not-found", MISSING_PAGE, status=404),
]
PAGES = [pytest.param(spec, id=spec.name) for spec in PAGE_SPECS]


# --- helpers ------------------------------------------------------------------------------------


def resolve_path(site: BuiltSite, spec: PageSpec) -> str:
    """Replace ``*`` by the first item folder the build wrote, so no content is hard-coded."""
    if "*" not in spec.path:
        return spec.path
    parent = spec.path.split("*", 1)[0]
    folder = site.out / parent
    items = sorted(
        child.name
        for child in (folder.iterdir() if folder.is_dir() else [])
        if child.is_dir() and child.name not in NOT_ITEMS and (child / "index.html").is_file()
    )
    if not items:
        pytest.fail(
            f"the build wrote no item pages under {parent} (expected {parent}<id>/index.html "
            f"in {folder}); the example site should have at least one",
            pytrace=False,
        )
    return spec.path.replace("*", items[0], 1)


def check_status(visit: Visit, spec: PageSpec) -> None:
    assert visit.status == spec.status, (
        f"{visit.url} answered HTTP {visit.status}, expected {spec.status}"
    )


def screenshots_wanted() -> bool:
    return os.environ.get("SCREENSHOTS", "") not in {"", "0", "false", "no"}


@cache
def axe_source() -> str:
    """The axe-core build that axe-playwright-python ships."""
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


RUN_AXE_JS = """
(options) => {
  // An old axe-core has no WCAG 2.2 rules and would ignore the wcag22aa tag silently.
  if (axe.getRules(['wcag22aa']).length === 0) {
    throw new Error(`axe-core ${axe.version} has no WCAG 2.2 rules: upgrade axe-playwright-python`);
  }
  return axe.run(document, options);
}
"""


def run_axe(page: Page) -> dict[str, Any]:
    page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate(RUN_AXE_JS, options)
    return result


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_violations(violations: list[dict[str, Any]], where: str, version: str) -> str:
    """Say what is wrong, on which element, and how to fix it, one violation after another."""
    lines = [f"axe-core {version} found {len(violations)} violation(s) on {where}:"]
    for violation in violations:
        lines.append("")
        lines.append(
            f"* {violation['id']} [{violation.get('impact') or 'no impact'}] {violation['help']}"
        )
        lines.append(f"  {violation['helpUrl']}")
        nodes = violation.get("nodes", [])
        for node in nodes[:10]:
            target = " >>> ".join(
                " ".join(part) if isinstance(part, list) else str(part)
                for part in node.get("target", [])
            )
            lines.append(f"  - target: {target}")
            lines.append(f"    html:   {_shorten(node.get('html', ''), 300)}")
            summary = node.get("failureSummary") or ""
            for summary_line in summary.splitlines():
                if summary_line.strip():
                    lines.append(f"    {_shorten(summary_line.strip(), 300)}")
        if len(nodes) > 10:
            lines.append(f"  ... and {len(nodes) - 10} more element(s)")
    return "\n".join(lines)


# A frame, or 100 ms if none comes: Chromium gives a page no frames while it is not being drawn,
# and a test must fail on its own timeout rather than wait for a frame forever.
NEXT_FRAME_JS = """
  const nextFrame = () => new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() => { clearTimeout(timer); resolve(); });
  });
"""


LOAD_ALL_IMAGES_JS = """
async (timeoutMs) => {
${NEXT_FRAME}
  const settle = (img) => new Promise((resolve) => {
    if (img.complete) { resolve(); return; }
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => { clearTimeout(timer); resolve(); };
    img.addEventListener('load', done, { once: true });
    img.addEventListener('error', done, { once: true });
  });
  const frames = async () => {
    for (let i = 0; i < 2; i++) await nextFrame();
  };
  // A lazy image inside something hidden (a closed menu, a lightbox) is never fetched.
  const images = Array.from(document.images).filter(
    (img) => img.loading !== 'lazy' || img.getClientRects().length > 0);
  // Scroll down a screen at a time so lazy images start loading, then wait for them all.
  const step = Math.max(window.innerHeight, 200);
  for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await frames();
  }
  await Promise.all(images.map(settle));
  // Whatever is still waiting may sit sideways (a carousel): bring each one into view.
  for (const img of images.filter((img) => !img.complete)) {
    img.scrollIntoView({ block: 'center', inline: 'center' });
    await frames();
    await settle(img);
  }
  window.scrollTo(0, 0);
  return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => ({
    src: img.getAttribute('src'),
    currentSrc: img.currentSrc,
    state: img.complete ? 'broken' : `still loading after ${timeoutMs} ms`,
    html: img.outerHTML,
  }));
}
""".replace("${NEXT_FRAME}", NEXT_FRAME_JS)

OVERFLOW_JS = """
(width) => {
  const doc = document.documentElement;
  const limit = width + 1;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    for (const cls of el.classList) name += '.' + cls;
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return text ? `${name} ("${text}")` : name;
  };
  const left = (el) => el.getBoundingClientRect().left + window.scrollX;
  const right = (el) => el.getBoundingClientRect().right + window.scrollX;
  const wide = [];
  const wideElements = [];
  const spilling = [];
  for (const el of [document.body, ...document.body.querySelectorAll('*')]) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const parent = el.parentElement;
    if (right(el) > limit) {
      if (!parent || parent === doc || right(parent) <= limit) {
        wideElements.push(el);
        wide.push(`${describe(el)} is ${Math.round(box.width)}px wide, `
          + `right edge at ${Math.round(right(el))}px`);
      }
    } else if (getComputedStyle(el).overflowX === 'visible'
               && left(el) + el.scrollWidth > limit) {
      spilling.push(el);
    }
  }
  // Overflowing content makes every ancestor overflow too: name only the innermost, and
  // nothing that merely holds an element already named as too wide.
  const innermost = spilling.filter((el) => !spilling.some((o) => o !== el && el.contains(o))
    && !wideElements.some((w) => el.contains(w)));
  const spilled = innermost.map((el) => `${describe(el)}: its content runs on to `
    + `${Math.round(left(el) + el.scrollWidth)}px (a long word, URL or e-mail that cannot wrap?)`);
  return {
    scrollWidth: doc.scrollWidth,
    clientWidth: doc.clientWidth,
    offenders: [...wide, ...spilled].slice(0, 10),
  };
}
"""

SETTLE_JS = """
async () => {
${NEXT_FRAME}
  // Wait for running transitions (a style change under the usual reduced-motion rule becomes a
  // 0.01ms transition of every property) and for two frames, so layout is measured at rest.
  const running = document.getAnimations().map((a) => a.finished.catch(() => null));
  await Promise.race([Promise.all(running), new Promise((resolve) => setTimeout(resolve, 2000))]);
  for (let i = 0; i < 2; i++) await nextFrame();
}
""".replace("${NEXT_FRAME}", NEXT_FRAME_JS)

STRUCTURE_JS = """
() => ({
  h1: Array.from(document.querySelectorAll('h1'), (h) => (h.textContent || '').trim()),
  lang: document.documentElement.getAttribute('lang'),
})
"""

SKIP_LINK_JS = """
async () => {
${NEXT_FRAME}
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // Let a focus transition finish (a slide-in, or the 0.01ms one that the usual
  // reduced-motion rule gives every property) before measuring where the link is.
  const settled = Promise.all(el.getAnimations().map((a) => a.finished.catch(() => null)));
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2000))]);
  await nextFrame();
  const href = el.getAttribute('href') || '';
  let target = null;
  if (href.startsWith('#') && href.length > 1) {
    target = document.getElementById(decodeURIComponent(href.slice(1)));
  }
  const main = document.querySelector('main');
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.textContent || '').trim(),
    href,
    html: el.outerHTML.slice(0, 300),
    targetExists: target !== null,
    targetIsMain: target !== null && main !== null
      && (target === main || target.contains(main) || main.contains(target)),
    onScreen: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
      && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
  };
}
""".replace("${NEXT_FRAME}", NEXT_FRAME_JS)


# --- one visit per page and viewport, shared by the tests ----------------------------------------


@dataclass
class PageReport:
    """What one visit found; each test asserts on one part, so a page loads once per viewport."""

    spec: PageSpec
    viewport: Viewport
    url: str
    status: int | None = None
    problems: list[str] = field(default_factory=list)
    found: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.url} ({self.viewport})"

    def check_status(self) -> None:
        assert self.status == self.spec.status, (
            f"{self.url} answered HTTP {self.status}, expected {self.spec.status}"
        )

    def __getitem__(self, step: str) -> Any:
        """The result of one step of the visit; fail the test if that step went wrong."""
        self.check_status()
        if step in self.errors:
            pytest.fail(f"{self.where}: {step} failed: {self.errors[step]}", pytrace=False)
        return self.found[step]


def inspect_page(visit: Visit, spec: PageSpec, viewport: Viewport) -> PageReport:
    """Run every check on a loaded page, in an order where none disturbs the next."""
    page = visit.page
    report = PageReport(spec, viewport, visit.url, visit.status)

    def step(name: str, action: Callable[[], Any]) -> None:
        try:
            report.found[name] = action()
        except Exception as exc:  # reported by the test that needs this step
            report.errors[name] = f"{type(exc).__name__}: {exc}"

    def skip_link() -> Any:
        page.keyboard.press("Tab")  # first, while nothing has moved focus
        focused = page.evaluate(SKIP_LINK_JS)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate(SETTLE_JS)
        return focused

    def screenshot() -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{spec.name}-{viewport.name}.png"
        page.screenshot(path=path, full_page=True)

    page.evaluate(SETTLE_JS)
    step("skip link", skip_link)
    step("structure", lambda: page.evaluate(STRUCTURE_JS))
    step("overflow", lambda: page.evaluate(OVERFLOW_JS, viewport.width))
    step("images", lambda: page.evaluate(LOAD_ALL_IMAGES_JS, IMAGE_TIMEOUT_MS))
    if screenshots_wanted():
        step("screenshot", screenshot)
    step("axe", lambda: run_axe(page))
    if viewport == PHONE:
        # Reflow at 320px on the same page: cheaper than loading it again in another context.
        page.set_viewport_size({"width": NARROW.width, "height": NARROW.height})
        page.evaluate(SETTLE_JS)
        step("overflow at 320px", lambda: page.evaluate(OVERFLOW_JS, NARROW.width))
    report.problems = visit.problems()  # everything up to now, lazy images included
    return report


ReportFactory = Callable[[PageSpec, Viewport], PageReport]


@pytest.fixture(scope="session")
def page_report(built_site: BuiltSite, open_page: VisitFactory) -> ReportFactory:
    """``page_report(spec, viewport)``: the page's report, visiting it on first use."""
    reports: dict[tuple[str, str], PageReport] = {}

    def get(spec: PageSpec, viewport: Viewport) -> PageReport:
        key = (spec.name, viewport.name)
        if key not in reports:
            url = built_site.url(resolve_path(built_site, spec))
            with open_page(url, viewport) as visit:
                reports[key] = inspect_page(visit, spec, viewport)
        return reports[key]

    return get


# --- tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("spec", PAGES)
def test_axe_finds_no_wcag_violations(
    page_report: ReportFactory, spec: PageSpec, viewport: Viewport
) -> None:
    report = page_report(spec, viewport)
    if screenshots_wanted():
        report["screenshot"]  # fails the test if the screenshot could not be saved
    result = report["axe"]
    violations = result["violations"]
    version = result.get("testEngine", {}).get("version", "?")
    assert not violations, format_violations(violations, report.where, version)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("spec", PAGES)
def test_one_h1_and_a_language(
    page_report: ReportFactory, spec: PageSpec, viewport: Viewport
) -> None:
    report = page_report(spec, viewport)
    found, where = report["structure"], report.where
    headings = found["h1"]
    assert len(headings) == 1, f"{where} has {len(headings)} <h1> elements: {headings}"
    lang = found["lang"]
    assert lang, f"{where}: <html> has no lang attribute"
    assert re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", lang), (
        f"{where}: <html lang={lang!r}> is not a language tag like 'en' or 'en-GB'"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("spec", PAGES)
def test_skip_link_comes_first(
    page_report: ReportFactory, spec: PageSpec, viewport: Viewport
) -> None:
    report = page_report(spec, viewport)
    focused, where = report["skip link"], report.where
    assert focused is not None, f"{where}: pressing Tab once focused nothing"
    is_skip_link = focused["tag"] == "a" and bool(re.search(r"\bskip\b", focused["text"], re.I))
    assert is_skip_link, (
        f"{where}: the first focusable element should be a 'Skip to main content' link, "
        f"got {focused['html']}"
    )
    assert focused["targetExists"], (
        f"{where}: the skip link points to {focused['href']!r}, which is no element's id "
        f"on the page"
    )
    assert focused["targetIsMain"], (
        f"{where}: the skip link's target {focused['href']!r} is not, and does not contain "
        f"or sit inside, <main>"
    )
    assert focused["onScreen"], f"{where}: the focused skip link is not visible on screen"


def assert_no_overflow(found: dict[str, Any], where: str, width: int) -> None:
    assert found["clientWidth"] == width, (
        f"{where}: the page is laid out {found['clientWidth']}px wide on a {width}px "
        f'screen; is <meta name="viewport" content="width=device-width, initial-scale=1"> '
        f"missing?"
    )
    assert found["scrollWidth"] <= width, (
        f"{where}: the page scrolls sideways (content is {found['scrollWidth']}px wide on a "
        f"{width}px screen). Elements sticking out:\n  "
        + "\n  ".join(found["offenders"] or ["(none found: look for pseudo-elements)"])
    )


@pytest.mark.parametrize("spec", PAGES)
def test_no_sideways_scrolling_on_a_phone(page_report: ReportFactory, spec: PageSpec) -> None:
    report = page_report(spec, PHONE)
    assert_no_overflow(report["overflow"], report.where, PHONE.width)


@pytest.mark.parametrize("spec", PAGES)
def test_no_sideways_scrolling_at_320px(page_report: ReportFactory, spec: PageSpec) -> None:
    """WCAG 2.2 SC 1.4.10 Reflow: usable at 320 CSS px without scrolling in two directions."""
    report = page_report(spec, PHONE)
    where = f"{report.url} ({NARROW})"
    assert_no_overflow(report["overflow at 320px"], where, NARROW.width)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("spec", PAGES)
def test_no_console_errors_or_failed_requests(
    page_report: ReportFactory, spec: PageSpec, viewport: Viewport
) -> None:
    report = page_report(spec, viewport)
    report.check_status()
    problems = report.problems
    assert not problems, f"{report.where}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("spec", PAGES)
def test_every_image_loads(page_report: ReportFactory, spec: PageSpec, viewport: Viewport) -> None:
    report = page_report(spec, viewport)
    broken = report["images"]
    assert not broken, f"{report.where}: {len(broken)} image(s) did not load:\n" + "\n".join(
        f"  - {img['state']}: src={img['src']!r} currentSrc={img['currentSrc']!r}\n"
        f"    {_shorten(img['html'], 300)}"
        for img in broken
    )


@pytest.mark.parametrize("spec", PAGES)
def test_readable_without_javascript(
    open_page: VisitFactory, built_site: BuiltSite, spec: PageSpec
) -> None:
    """On a phone, where menus and other JavaScript-driven parts are most likely to hide things."""
    url = built_site.url(resolve_path(built_site, spec))
    with open_page(url, PHONE, javascript=False) as visit:
        check_status(visit, spec)
        page, where = visit.page, f"{visit.url} ({PHONE}, JavaScript off)"
        main = page.locator("main")
        assert main.count() == 1, f"{where}: expected one <main>, found {main.count()}"
        assert main.is_visible(), f"{where}: <main> is not visible"
        heading = page.locator("h1").first
        assert heading.count() and heading.is_visible(), f"{where}: the <h1> is not visible"
        text = main.inner_text().strip()
        rest = text.replace(heading.inner_text().strip(), "", 1).strip()
        assert rest, f"{where}: <main> shows nothing but its heading: {text!r}"


def test_technician_filter_narrows_the_list_in_place(
    open_page: VisitFactory, built_site: BuiltSite
) -> None:
    """With JavaScript the filter form appears and shows the same people as the static page."""
    registrations = sorted(p.name for p in (built_site.out / "technicians/registration").iterdir())
    assert registrations, "the example site should have registered technicians"
    static = built_site.out / "technicians/registration" / registrations[0] / "index.html"
    expected = static.read_text(encoding="utf-8").count('class="person-card"')
    with open_page(built_site.url("technicians/"), DESKTOP) as visit:
        page = visit.page
        form = page.locator("#technician-filter")
        assert form.is_visible(), "the filter form should appear when JavaScript runs"
        select = page.locator("#filter-registration")
        label = select.locator("option").nth(1).get_attribute("value")
        select.select_option(label)
        shown = page.locator(".person-card:visible").count()
        assert shown == expected, f"filtering by {label} shows {shown}, the static page {expected}"
        status = page.locator(".filter-form__status").inner_text()
        assert status.startswith(f"Showing {shown} of"), status
        select.select_option("")
        assert page.locator(".person-card:visible").count() > shown
        assert visit.problems() == []


def test_technician_filter_form_is_hidden_without_javascript(
    open_page: VisitFactory, built_site: BuiltSite
) -> None:
    with open_page(built_site.url("technicians/"), PHONE, javascript=False) as visit:
        assert not visit.page.locator("#technician-filter").is_visible()
        assert visit.page.locator(".filter-links a").count() > 0
