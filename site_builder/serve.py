"""`site-builder serve`: build, serve the site as it will be published, rebuild on every save.

* The site is served under the same base path as production (``/techcommit/`` for a GitHub
  Pages project site), so links behave exactly as they will when published.
* content/, galleries/ and themes/ are watched (never the output folder) with ``watchfiles``
  (inotify, or polling where there is none); a burst of saves becomes one rebuild.
* Browsers hear about rebuilds over Server-Sent Events from ``<base>__live/events``: ``reload``
  once a rebuild has fully succeeded, ``css`` when only stylesheets changed (styles refresh in
  place), ``problems`` with the same report the terminal prints when a rebuild failed (a
  panel at the foot of the window, errors first, that folds away; the last good build stays
  served, as a failed build never touches it) and ``ok`` when it is fixed (the panel goes).
  The small script that listens is added to pages as they are served, never written into the
  built site.
* The search index (Pagefind, seconds on a big site) is not remade before the reload: a
  rebuild keeps the old index and it is remade in the background once saves pause for
  ``SEARCH_DELAY_S``, so search results in the preview may lag a few seconds behind a save. A
  newer save stops a running reindex. ``build`` always remakes it in the same build.
* Paths are resolved inside the output folder only: ``..`` in any spelling, backslashes and
  absolute paths get 404.

Why not ``livereload`` (which the project used to list): its watcher runs the rebuild callback
with no error handling and sends the reload whatever happened, its ``delay`` postpones the
reload message rather than merging a burst of saves, and it has no way to show build errors in
the browser.
"""

from __future__ import annotations

import contextlib
import io
import json
import queue
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import BuildFailed, SourceError, format_report
from .links import Urls
from .loader import Located, read_yaml
from .pipeline import BuildSession, SearchTiming, build
from .project import BuildOptions
from .records import BuildReport
from .search import BUNDLE, SearchCancelled
from .serve_guards import (
    BACKLOG,
    MAX_STREAMS,
    POOL_SIZE,
    WorkerPool,
    host_allowed,
    is_editor_temporary,
    refusal,
    segment_too_long,
    target_too_long,
)
from .wording import counted

LIVE = "__live/"  # under the base path; no page of the site can be called this
DEBOUNCE_STEP_MS = 25  # a burst of saves ends when nothing changed for this long (after 25-50 ms)
DEBOUNCE_MAX_MS = 1600  # and is cut there, so a long copy still shows progress
KEEPALIVE_S = 10.0
IDLE_SLICE_S = 0.25  # how often a connection waiting for its next request looks up
HANDOVER_S = 1.0  # an idle connection gives its thread up after this long, if others wait
STREAM_RETRY_MS = 5000  # a browser turned away (too many live streams) tries again after this
DELIVERY_WAIT_S = 0.1  # how long a rebuild waits for browsers to be told, before going on
SEARCH_DELAY_S = 1.0  # quiet time after a rebuild before the search index is remade
_SEARCH_LATER = SearchTiming(later=True)

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".pdf": "application/pdf",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}


# --- what browsers are told ----------------------------------------------------------------------


@dataclass(frozen=True)
class LiveEvent:
    name: str  # reload | css | problems | ok
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        return f"event: {self.name}\ndata: {json.dumps(self.data)}\n\n".encode()


class Broadcaster:
    """Hands each event to every connected browser; each has its own queue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: list[queue.Queue[_Delivery]] = []

    def subscribe(self) -> queue.Queue[_Delivery]:
        inbox: queue.Queue[_Delivery] = queue.Queue()
        with self._lock:
            self._clients.append(inbox)
        return inbox

    def unsubscribe(self, inbox: queue.Queue[_Delivery]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._clients.remove(inbox)

    def send(self, event: LiveEvent | None, wait_s: float = 0.0) -> None:
        """``None`` tells every listener to hang up (the server is stopping). With ``wait_s``,
        return once every browser's connection has been handed the event (or that long has
        passed): the work the caller does next (saving the build record is one long call that
        holds the interpreter lock) would otherwise delay the message by 10-30 ms."""
        with self._lock:
            clients = list(self._clients)
        deliveries = [_Delivery(event) for _ in clients]
        for inbox, delivery in zip(clients, deliveries, strict=True):
            inbox.put(delivery)
        deadline = time.monotonic() + wait_s
        for delivery in deliveries:
            if not delivery.sent.wait(max(0.0, deadline - time.monotonic())):
                break


@dataclass
class _Delivery:
    """One event on its way to one browser; ``sent`` is set once it was written out."""

    event: LiveEvent | None
    sent: threading.Event = field(default_factory=threading.Event)


# --- rebuilding --------------------------------------------------------------------------------


class LiveSite:
    """The build side of the server: rebuilds, remembers the last problems, tells browsers."""

    def __init__(
        self,
        options: BuildOptions,
        say: Callable[[str], None] = print,
        root: Path | None = None,
    ) -> None:
        self.options = options
        self.session = BuildSession.for_project(options.project, persist=False)
        self.events = Broadcaster()
        self.problems: list[SourceError] = []
        self.report_text = ""
        self._say = say
        self._root = root or Path.cwd()
        self._lock = threading.Lock()
        self._building = threading.Lock()  # one build at a time, whoever asks
        self._stop_search = threading.Event()  # set: a save is waiting, stop reindexing
        self._search_timer: threading.Timer | None = None
        self._builds = 0  # counts rebuilds, so a reindex timer that fired too late stands down
        self.base_path = self._base_path()

    def status(self) -> dict[str, Any]:
        """What the terminal said about the failed build, for the browser's panel: every
        problem, errors first, and each part's report text and count apart."""
        with self._lock:
            problems = list(self.problems)
            text = self.report_text
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        return {
            "ok": not problems,
            "text": text,
            "problems": [p.as_dict(self._root) for p in problems],
            "errors": len(errors),
            "warnings": len(warnings),
            "errors_text": format_report(errors, self._root),
            "warnings_text": format_report(warnings, self._root),
        }

    def rebuild(self, changed: Iterable[Path] = ()) -> BuildReport | None:
        """Build; on success tell browsers to reload (or refresh styles); on failure keep the
        last good build and show what is wrong, in the terminal and in the browser."""
        self._stop_search.set()  # a reindex in progress gives way to this save
        self._cancel_timer()
        with self._building:
            self._stop_search.clear()
            self._builds += 1
            report = self._rebuild(list(changed))
        if report is not None and report.search_pending:
            self._schedule_search()
        return report

    def close(self) -> None:
        """Stop a pending or running reindex and wait for it (serve is stopping); leave the
        cards made for the next session or `build`."""
        with self._lock:
            timer, self._search_timer = self._search_timer, None
        self._stop_search.set()
        if timer is not None:
            timer.cancel()
            if timer.is_alive():
                timer.join()
        with self._building, contextlib.suppress(OSError):
            self.session.save_rendered(self.options.project.cache)

    def _cancel_timer(self) -> None:
        with self._lock:
            if self._search_timer is not None:
                self._search_timer.cancel()

    def _schedule_search(self) -> None:
        with self._lock:
            if self._search_timer is not None:
                self._search_timer.cancel()
            self._search_timer = threading.Timer(
                SEARCH_DELAY_S, self._remake_search, args=(self._builds,)
            )
            self._search_timer.name = "search-index"
            self._search_timer.start()

    def _remake_search(self, after: int) -> None:
        """The build serve put off: the same site, with the search index brought up to date."""
        with self._building:
            if self._stop_search.is_set() or self._builds != after:
                return  # a newer save was (or is about to be) built; it schedules its own
            self._rebuild([], SearchTiming(cancel=self._stop_search))

    def _rebuild(
        self, changed: list[Path], search: SearchTiming = _SEARCH_LATER
    ) -> BuildReport | None:
        started = time.perf_counter()
        try:
            # the watcher's list of changed files spares looking at every other one; an empty
            # list (the first build, the search index's) means look at everything
            report = build(
                self.options, session=self.session, search=search, changed=changed or None
            )
        except SearchCancelled:
            return None  # the save that stopped it is built next and reschedules it
        except BuildFailed as failed:
            self._failed(failed.problems)
            return None
        except Exception as exc:  # never let the server die: show it like any other problem
            self._failed(
                [
                    SourceError(
                        None,
                        f"site-builder stopped with an internal error: {exc!r}",
                        hint="this is a fault in site-builder itself; please report it",
                    )
                ]
            )
            return None
        self.base_path = self._base_path()
        with self._lock:
            recovered = bool(self.problems)
            self.problems, self.report_text = [], ""
        if recovered:
            self.events.send(LiveEvent("ok"))
        took = time.perf_counter() - started
        # the search index alone changing needs no reload: the search page asks for it afresh
        files = [f for f in report.changed if not f.startswith(BUNDLE + "/")]
        if files and all(f.endswith(".css") for f in files):
            self.events.send(LiveEvent("css", {"files": files}), wait_s=DELIVERY_WAIT_S)
        elif files:
            self.events.send(LiveEvent("reload", {"files": len(files)}), wait_s=DELIVERY_WAIT_S)
        self.session.save_state()  # after the browser was told: 10 ms less to wait
        names = ", ".join(sorted({p.name for p in changed})[:3])
        if search.cancel is not None and not files:
            self._say(f"Search index updated in {_took(took)}.")
            return report
        self._say(
            f"{'Built' if not changed else 'Rebuilt after ' + names}: "
            f"{counted(report.rendered, 'page')} rendered, {counted(len(files), 'file')} changed, "
            f"in {_took(took)}."
        )
        for warning in report.warnings if not changed else ():
            self._say(format_report([warning], self._root))
        return report

    def _base_path(self) -> str:
        """The production site's path (/techcommit/): from --base-url, else site.yaml (read
        on its own, so a site with errors elsewhere is still served at the right place)."""
        base_url = self.options.base_url
        if not base_url:
            site = read_yaml(self.options.project.content / "site.yaml")
            data = site.data if isinstance(site, Located) else None
            base_url = str(data.get("base_url") or "/") if isinstance(data, dict) else "/"
        return Urls.from_base(base_url).base_path

    def _failed(self, problems: list[SourceError]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        # what stopped the build comes first; format_report sorts by file within each part
        text = "\n\n".join(
            part
            for part in (format_report(errors, self._root), format_report(warnings, self._root))
            if part
        )
        with self._lock:
            self.problems, self.report_text = errors + warnings, text
        self._say(
            f"{text}\n\nThe build failed; still serving the last good build. "
            "Fix the file and save: the page updates by itself."
        )
        self.events.send(LiveEvent("problems", self.status()))


# --- serving --------------------------------------------------------------------------------------


def _took(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def resolve_request(root: Path, base_path: str, raw_path: str) -> Path | None:
    """The file under ``root`` a request path names, or None (404).

    Everything that could step outside the folder is refused before touching the disk:
    '..' and '.' segments (also percent-encoded), backslashes, NUL bytes, and a resolved path
    that is not inside ``root`` (a symlink pointing out). A segment no file name can match is
    refused too, and whatever else the disk objects to (a path too long) is a 404 as well.
    """
    path = urlsplit(raw_path).path
    if not path.startswith(base_path):
        return None
    relative = unquote(path[len(base_path) :], errors="strict")
    if "\\" in relative or "\0" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in {"..", "."} or segment_too_long(part) for part in parts):
        return None
    candidate = root.joinpath(*[p for p in parts if p])
    try:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root.resolve()):
            return None
        if resolved.is_dir():
            resolved = resolved / "index.html"
        return resolved if resolved.is_file() else None
    except (OSError, RuntimeError, ValueError):
        return None


def live_script(base_path: str) -> bytes:
    return f'<script src="{base_path}{LIVE}client.js" defer></script>'.encode()


def inject(html: bytes, script: bytes) -> bytes:
    """Put the live script before the last </body>, or at the end."""
    at = html.rfind(b"</body>")
    return html[:at] + script + html[at:] if at >= 0 else html + script


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle connection is closed after a minute

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal is for builds
        pass

    def handle(self) -> None:
        """Serve requests on this connection until it closes, or it is idle while other
        connections wait for a thread (then it gives its thread up)."""
        self.close_connection = False
        while not self.close_connection and self._request_arrives():
            self.handle_one_request()

    def _request_arrives(self) -> bool:
        """Wait for the next request in short slices, so that stopping the server or a queue
        of waiting connections is noticed; the standard loop would block in one read."""
        started = time.monotonic()
        while True:
            if self._buffered():
                return True
            idle = time.monotonic() - started
            if self.server.stopping.is_set() or idle >= self.timeout:
                return False
            if self.server.crowded() and idle >= HANDOVER_S:
                return False
            slice_s = min(IDLE_SLICE_S, self.timeout - idle)
            if select.select([self.connection], [], [], slice_s)[0]:
                return True  # a request, or the client hung up: the read finds out which

    def _buffered(self) -> bool:
        """Whether a request is already waiting in the read buffer (a client may send two
        at once), where select() cannot see it. The socket is made non-blocking for the look,
        so an empty buffer answers at once."""
        reader = self.rfile
        assert isinstance(reader, io.BufferedReader), "StreamRequestHandler reads buffered"
        self.connection.settimeout(0.0)
        try:
            return bool(reader.peek(1))
        except OSError:
            return True  # the read that follows reports it
        finally:
            self.connection.settimeout(self.timeout)

    def end_headers(self) -> None:
        if self.server.crowded() and not self.close_connection:
            self.send_header("Connection", "close")  # others are waiting: make room
        super().end_headers()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        host = self.headers.get("Host")
        if not self.server.host_allowed(host):
            body = refusal(host, self.server.port).encode()
            self._send(HTTPStatus.FORBIDDEN, body, _TYPES[".txt"])
            return
        if target_too_long(self.path):
            body = b"This address is too long to be a page of the site.\n"
            self._send(HTTPStatus.REQUEST_URI_TOO_LONG, body, _TYPES[".txt"])
            return
        site = self.server.site
        base = site.base_path
        path = urlsplit(self.path).path
        if path == base + LIVE + "events":
            self._events()
            return
        if path == base + LIVE + "status":
            self._send(HTTPStatus.OK, json.dumps(site.status()).encode(), "application/json")
            return
        if path == base + LIVE + "client.js":
            self._send(HTTPStatus.OK, CLIENT_JS.encode(), _TYPES[".js"])
            return
        if path in {"", "/"} and base != "/":
            self._redirect(base)
            return
        try:
            target = resolve_request(self.server.root, base, self.path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            self._not_found()
            return
        if not path.endswith("/") and target.name == "index.html" and "." not in path[-6:]:
            self._redirect(path + "/")
            return
        self._file(target, HTTPStatus.OK)

    def _file(self, target: Path, status: HTTPStatus) -> None:
        try:
            body = target.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, b"Not found", _TYPES[".txt"])
            return
        kind = _TYPES.get(target.suffix.lower(), "application/octet-stream")
        if target.suffix.lower() == ".html":
            body = inject(body, live_script(self.server.site.base_path))
        self._send(status, body, kind)

    def _not_found(self) -> None:
        page = self.server.root / "404.html"
        if page.is_file():
            self._file(page, HTTPStatus.NOT_FOUND)
            return
        body = inject(
            b"<!doctype html><html lang='en'><title>Not found</title><body><main>"
            b"<h1>Not found</h1><p>Nothing is built here yet.</p></main></body></html>",
            live_script(self.server.site.base_path),
        )
        self._send(HTTPStatus.NOT_FOUND, body, _TYPES[".html"])

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self) -> None:
        self.close_connection = True
        if not self.server.streams.acquire(blocking=False):
            # every stream holds a thread: past the limit, the browser is asked to come back
            body = f"retry: {STREAM_RETRY_MS}\n\n".encode()
            self._send(HTTPStatus.OK, body, "text/event-stream")
            return
        try:
            self._stream()
        finally:
            self.server.streams.release()

    def _stream(self) -> None:
        inbox = self.server.site.events.subscribe()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            status = self.server.site.status()
            first = LiveEvent("ok") if status["ok"] else LiveEvent("problems", status)
            self.wfile.write(b"retry: 500\n\n" + first.encode())
            self.wfile.flush()
            while not self.server.stopping.is_set():
                try:
                    delivery = inbox.get(timeout=KEEPALIVE_S)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if delivery.event is None:
                    break
                try:
                    self.wfile.write(delivery.event.encode())
                    self.wfile.flush()
                finally:
                    delivery.sent.set()
        except OSError:  # the browser went away
            pass
        finally:
            self.server.site.events.unsubscribe(inbox)


class _Server(HTTPServer):
    """The standard library's server, with connections served by a bounded pool of threads
    (joined on close: nothing is left running) instead of one new thread each."""

    request_queue_size = BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        site: LiveSite,
        root: Path,
        say: Callable[[str], None] = print,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.site = site
        self.root = root
        self.bind = address[0]
        self.stopping = threading.Event()
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        self.pool = WorkerPool(POOL_SIZE, self._serve_one)
        self._say = say
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def host_allowed(self, header: str | None) -> bool:
        return host_allowed(header, self.bind) or host_allowed(header, str(self.server_address[0]))

    def crowded(self) -> bool:
        """Whether connections are waiting for a thread."""
        return self.pool.waiting() > 0

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(request, client_address)

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback; a browser that went away is not worth a line."""
        problem = sys.exc_info()[1]
        if isinstance(problem, ConnectionError | TimeoutError) or self.stopping.is_set():
            return
        self._say(f"The preview could not answer one request ({problem!r}); it goes on serving.")

    def server_close(self) -> None:
        super().server_close()
        self.pool.close(self.shutdown_request)

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def hang_up(self) -> None:
        """End every open connection: a browser's idle keep-alive connection would otherwise
        hold its thread (and Ctrl-C) until the browser let go."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class PreviewServer:
    """Build, serve and watch; ``start()`` returns once it is serving, ``stop()`` joins all."""

    def __init__(
        self,
        options: BuildOptions,
        bind: str = "127.0.0.1",
        port: int = 8000,
        say: Callable[[str], None] = print,
        force_polling: bool | None = None,
    ) -> None:
        self.site = LiveSite(options, say)
        self.options = options
        self._http = _Server((bind, port), self.site, options.output.resolve(), say)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._force_polling = force_polling

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._http.server_address[0])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{self.site.base_path}"

    def start(self) -> None:
        self.site.rebuild()
        watching = threading.Event()
        self._threads = [
            threading.Thread(target=self._http.serve_forever, args=(0.1,), name="http"),
            threading.Thread(target=self._watch, args=(watching,), name="watch"),
        ]
        for thread in self._threads:
            thread.start()
        watching.wait(30)  # watching from here on: a save after start() is seen

    def stop(self) -> None:
        self._stop.set()
        self._http.stopping.set()
        self.site.events.send(None)
        self._http.shutdown()
        for thread in self._threads:
            thread.join()
        self.site.close()
        self._http.hang_up()
        self._http.server_close()  # joins request threads and releases the port

    def _watch(self, ready: threading.Event) -> None:
        import watchfiles

        project = self.options.project
        folders = [
            str(f) for f in (project.content, project.galleries, project.themes) if f.is_dir()
        ]
        output = self.options.output.resolve()

        usual = watchfiles.DefaultFilter()  # .git, caches, swap and backup files

        def wanted(change: watchfiles.Change, path: str) -> bool:
            where = Path(path)
            return (
                not where.is_relative_to(output)
                and not is_editor_temporary(where.name)
                and usual(change, path)
            )

        for changes in watchfiles.watch(
            *folders,
            watch_filter=wanted,
            debounce=DEBOUNCE_MAX_MS,
            step=DEBOUNCE_STEP_MS,
            stop_event=self._stop,
            yield_on_timeout=True,
            rust_timeout=200,
            force_polling=self._force_polling,
            ignore_permission_denied=True,
        ):
            ready.set()
            if changes and not self._stop.is_set():
                self.site.rebuild(Path(path) for _, path in changes)

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(options: BuildOptions, bind: str, port: int) -> int:
    """Run until Ctrl-C; returns the exit code."""
    server = PreviewServer(options, bind, port)
    server.start()
    print(f"Serving {server.url}  (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopping...", file=sys.stderr, flush=True)
    finally:
        server.stop()
    return 0


def preview_options(options: BuildOptions, output: Path | None) -> BuildOptions:
    """Serve builds into the project's cache unless told otherwise, so a preview (perhaps with
    drafts) never replaces the output/ folder that gets published."""
    return replace(options, output=output or options.project.cache / "preview")


CLIENT_JS = r"""// site-builder serve: live reload and the problem panel. Never in a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/__live\/client\.js.*$/, "") : "/";
  var OVERLAY = "site-builder-problems";
  var FOLDED = "site-builder-problems-folded";  // kept in sessionStorage across reloads
  var paddingBefore = null;

  function remembered() {
    try { return window.sessionStorage.getItem(FOLDED) === "1"; } catch (e) { return false; }
  }

  function remember(folded) {
    try { window.sessionStorage.setItem(FOLDED, folded ? "1" : "0"); } catch (e) { /* private */ }
  }

  function count(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // The panel sits at the foot of the window; the page keeps room below its own end for it,
  // so every part of the last good build can still be scrolled into view.
  function makeRoom(box) {
    if (paddingBefore === null) { paddingBefore = document.body.style.paddingBottom; }
    document.body.style.paddingBottom = box.offsetHeight + "px";
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY);
    if (old) { old.remove(); }
    if (paddingBefore !== null) {
      document.body.style.paddingBottom = paddingBefore;
      paddingBefore = null;
    }
  }

  function part(heading, text, colour) {
    var section = document.createElement("div");
    var title = document.createElement("h3");
    title.style.cssText = "margin:1rem 0 .25rem;font-size:1.1rem;color:" + colour + ";";
    title.textContent = heading;
    var report = document.createElement("pre");
    report.style.cssText = "margin:0;white-space:pre-wrap;background:#f3f2f1;color:#1a1a1a;" +
      "padding:.75rem 1rem;border-left:6px solid " + colour + ";" +
      "font:0.95rem/1.5 ui-monospace,monospace;";
    report.textContent = text;
    section.appendChild(title);
    section.appendChild(report);
    return section;
  }

  function showOverlay(status) {
    hideOverlay();
    var errors = status.errors || 0;
    var warnings = status.warnings || 0;
    var box = document.createElement("section");
    box.id = OVERLAY;
    box.setAttribute("aria-labelledby", OVERLAY + "-title");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;" +
      "max-height:50vh;display:flex;flex-direction:column;background:#fff;color:#1a1a1a;" +
      "border-top:6px solid #a4000f;box-shadow:0 -4px 16px rgba(0,0,0,.25);" +
      "font:1rem/1.5 system-ui,sans-serif;text-align:left;";
    var heading = document.createElement("h2");
    heading.id = OVERLAY + "-title";
    heading.style.cssText = "margin:0;font-size:1.25rem;";
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.id = OVERLAY + "-toggle";
    toggle.setAttribute("aria-controls", OVERLAY + "-body");
    toggle.style.cssText = "display:flex;gap:.5rem;align-items:baseline;width:100%;" +
      "margin:0;padding:.6rem 1rem;border:0;background:#fff;color:#a4000f;cursor:pointer;" +
      "font:inherit;font-weight:700;text-align:left;";
    var arrow = document.createElement("span");
    arrow.setAttribute("aria-hidden", "true");
    var label = document.createElement("span");
    label.textContent = "The site did not build: " + count(errors, "error") +
      (warnings ? ", " + count(warnings, "warning") : "");
    var hint = document.createElement("span");
    hint.setAttribute("aria-hidden", "true");  // aria-expanded already says it
    hint.style.cssText = "margin-left:auto;font-weight:400;font-size:.9rem;color:#1a1a1a;";
    toggle.appendChild(arrow);
    toggle.appendChild(label);
    toggle.appendChild(hint);
    heading.appendChild(toggle);
    var body = document.createElement("div");
    body.id = OVERLAY + "-body";
    body.style.cssText = "overflow:auto;padding:0 1rem 1rem;";
    body.tabIndex = 0;  // it scrolls: the keyboard must be able to reach it
    body.setAttribute("role", "group");
    body.setAttribute("aria-labelledby", OVERLAY + "-title");
    var help = document.createElement("p");
    help.style.cssText = "margin:0;";
    help.textContent = "You are looking at the last good build. Fix the file below and " +
      "save it: this panel goes away by itself. Hide it to look at the page.";
    body.appendChild(help);
    if (errors) { body.appendChild(part(count(errors, "error"), status.errors_text, "#a4000f")); }
    if (warnings) {
      body.appendChild(part(count(warnings, "warning"), status.warnings_text, "#6b4e00"));
    }
    if (!errors && !warnings) { body.appendChild(part("Problems", status.text, "#a4000f")); }

    function fold(folded) {
      body.hidden = folded;
      toggle.setAttribute("aria-expanded", folded ? "false" : "true");
      arrow.textContent = folded ? "\u25B8" : "\u25BE";
      hint.textContent = folded ? "Show" : "Hide";
      remember(folded);
      makeRoom(box);
    }
    toggle.addEventListener("click", function () { fold(!body.hidden); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !body.hidden) { fold(true); toggle.focus(); }
    });
    box.appendChild(heading);
    box.appendChild(body);
    // first in the page, so the first Tab reaches it
    document.body.insertBefore(box, document.body.firstChild);
    fold(remembered());
  }

  function refreshStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("live", String(Date.now()));
      links[i].href = url.toString();
    }
  }

  if (!window.EventSource) { return; }
  var source = new EventSource(base + "__live/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("css", refreshStyles);
  source.addEventListener("problems", function (e) { showOverlay(JSON.parse(e.data)); });
  source.addEventListener("ok", hideOverlay);
})();
"""

__all__ = ["LiveSite", "PreviewServer", "inject", "resolve_request", "serve"]
