"""Fixtures for the browser tests: build the example site, serve it, open it in headless Chromium.

One build, one HTTP server and one Chromium per test session. Browser contexts (one per viewport
and JavaScript setting) are shared by all tests; ``open_page`` opens a fresh tab for each visit and
records console errors and failed requests while it is open.

The server plays the part of the real host: the site lives under /techcommit/, ``x/`` serves
``x/index.html``, and anything missing (or outside /techcommit/) gets 404.html with status 404.

Playwright is imported lazily so that this file loads even where Playwright is not installed;
``test_pages.py`` skips itself in that case.
"""

from __future__ import annotations

import mimetypes
import posixpath
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Page,
        Playwright,
        Request,
        Response,
    )

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    # A container's /dev/shm may be 64 MB: too small for a long page's tiles.
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PREFIX = "/techcommit/"
BUILD_TIMEOUT_S = 600
DEFAULT_TIMEOUT_MS = 15_000

# Types the stdlib's mimetypes may not know (it depends on the Python version and /etc/mime.types).
_EXTRA_TYPES = {
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".ics": "text/calendar",
}


# --- viewports ----------------------------------------------------------------------------------


class ViewportLike(Protocol):
    """What a browser context needs to know about a viewport (test_pages.Viewport fits)."""

    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...

    @property
    def mobile(self) -> bool: ...


# --- static file server -------------------------------------------------------------------------


def _content_type(path: Path) -> str:
    kind = _EXTRA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind in {"application/xml", "image/svg+xml"}:
        kind += "; charset=utf-8"
    return kind


class StaticHandler(BaseHTTPRequestHandler):
    """Serves ``site_root`` under ``site_prefix`` (set by :func:`make_handler`)."""

    server_version = "site-builder-test"
    protocol_version = "HTTP/1.0"
    site_root: Path
    site_prefix: str

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean; failed requests are reported by the browser tests."""

    def handle(self) -> None:
        # The browser drops connections it no longer needs (a page closed mid-load).
        with suppress(ConnectionError):
            super().handle()

    def _serve(self, *, send_body: bool) -> None:
        url_path = unquote(urlsplit(self.path).path)
        prefix = self.site_prefix
        if url_path == prefix.rstrip("/"):
            self._redirect(prefix)
            return
        target = self._file_for(url_path) if url_path.startswith(prefix) else None
        if target is not None and target.is_dir():
            if not url_path.endswith("/"):
                self._redirect(url_path + "/")
                return
            target = target / "index.html"
        if target is None or not target.is_file():
            self._not_found(send_body)
            return
        self._send(HTTPStatus.OK, target.read_bytes(), _content_type(target), send_body)

    def _file_for(self, url_path: str) -> Path | None:
        """The file or folder a path under the prefix names; None outside the site's folder."""
        root = self.site_root.resolve()
        relative = posixpath.normpath(url_path[len(self.site_prefix) :]).lstrip("/")
        target = (self.site_root / relative).resolve() if relative not in {"", "."} else root
        return target if target.is_relative_to(root) else None

    def _not_found(self, send_body: bool) -> None:
        page = self.site_root / "404.html"
        if page.is_file():
            body, kind = page.read_bytes(), "text/html; charset=utf-8"
        else:
            body, kind = b"404 Not Found (and the build wrote no 404.html)", "text/plain"
        self._send(HTTPStatus.NOT_FOUND, body, kind, send_body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def make_handler(root: Path, prefix: str = PREFIX) -> type[BaseHTTPRequestHandler]:
    """A handler serving ``root`` under ``prefix`` the way a plain static host would.

    ``{prefix}x/`` serves ``root/x/index.html``; ``{prefix}x`` where x is a folder redirects to
    ``{prefix}x/``; anything missing or outside the prefix gets ``root/404.html`` with status 404.
    """

    class Handler(StaticHandler):
        site_root = root
        site_prefix = prefix

    return Handler


@dataclass
class SiteServer:
    root: Path
    httpd: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def start_server(root: Path) -> SiteServer:
    """Serve ``root`` on a free port of 127.0.0.1, from a daemon thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(root))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    return SiteServer(root, httpd, thread)


@pytest.fixture(scope="session")
def site_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The HTTP server, started before the build so the build knows its port.

    Binding port 0 first and building for that port leaves no window for another process to take
    the port between choosing it and serving on it.
    """
    out = tmp_path_factory.mktemp("browser-site") / "output"
    server = start_server(out)
    yield server
    server.stop()


@dataclass(frozen=True)
class BuiltSite:
    out: Path
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def built_site(site_server: SiteServer) -> BuiltSite:
    """The example site, built once per session for the server's address."""
    command = [
        sys.executable,
        "-m",
        "site_builder",
        "build",
        "--output",
        str(site_server.root),
        "--base-url",
        site_server.base_url,
    ]
    try:
        result = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"site build took longer than {BUILD_TIMEOUT_S}s: {exc}", pytrace=False)
    assert result.returncode == 0, (
        f"site build failed with exit code {result.returncode}\n"
        f"command: {' '.join(command)}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    assert (site_server.root / "index.html").is_file(), "the build wrote no index.html"
    return BuiltSite(site_server.root, site_server.base_url)


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def chromium_browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


ContextFactory = Callable[..., "BrowserContext"]


@pytest.fixture(scope="session")
def browser_context(chromium_browser: Browser) -> Iterator[ContextFactory]:
    """``browser_context(viewport, javascript=True)``: a context shared by the whole session."""
    contexts: dict[tuple[int, int, bool, bool], BrowserContext] = {}

    def get(viewport: ViewportLike, javascript: bool = True) -> BrowserContext:
        key = (viewport.width, viewport.height, viewport.mobile, javascript)
        if key not in contexts:
            context = chromium_browser.new_context(
                viewport={"width": viewport.width, "height": viewport.height},
                device_scale_factor=1,
                is_mobile=viewport.mobile,
                has_touch=viewport.mobile,
                java_script_enabled=javascript,
                locale="en-GB",
                timezone_id="Europe/London",
                reduced_motion="reduce",
            )
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            contexts[key] = context
        return contexts[key]

    yield get
    for context in contexts.values():
        context.close()


@dataclass
class Visit:
    """One page opened in the browser, with everything that went wrong while loading it."""

    page: Page
    url: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests


VisitFactory = Callable[..., AbstractContextManager[Visit]]


@pytest.fixture(scope="session")
def open_page(browser_context: ContextFactory) -> VisitFactory:
    """``with open_page(url, viewport, javascript=True) as visit:`` load a page, record problems.

    Console errors, uncaught exceptions, failed requests and responses with status >= 400 are
    recorded from before navigation starts until the ``with`` block ends. The page document
    itself is exempt from the status check (callers check ``visit.status``: the 404 page should
    answer 404). The page is closed when the block ends.
    """

    @contextmanager
    def visit(url: str, viewport: ViewportLike, javascript: bool = True) -> Iterator[Visit]:
        page = browser_context(viewport, javascript).new_page()
        record = Visit(page, url)

        def on_console(message: ConsoleMessage) -> None:
            # Chromium also logs every failed load to the console; on_response reports those.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                where = message.location.get("url", "") if message.location else ""
                record.console_errors.append(f"console error: {message.text} ({where})")

        def on_page_error(error: Exception) -> None:
            record.console_errors.append(f"uncaught exception: {error}")

        def on_request_failed(request: Request) -> None:
            record.failed_requests.append(
                f"request failed: {request.resource_type} {request.url} ({request.failure})"
            )

        def on_response(response: Response) -> None:
            request = response.request
            if request.is_navigation_request() and request.frame == page.main_frame:
                return
            if response.status >= 400:
                record.failed_requests.append(
                    f"HTTP {response.status}: {request.resource_type} {response.url}"
                )

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        try:
            response = page.goto(url, wait_until="load")
            record.status = response.status if response else None
            if javascript:
                page.evaluate("document.fonts.ready.then(() => true)")
            yield record
        finally:
            page.close()

    return visit
