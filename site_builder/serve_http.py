"""The preview's HTTP side: requests answered from the built folder, with the live-reload
script added to pages as they are served, the event stream, and the guards (host names,
lengths, a bounded pool) of serve_guards."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .serve import LiveSite

import contextlib
import io
import json
import queue
import select
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .serve_guards import (
    BACKLOG,
    MAX_STREAMS,
    POOL_SIZE,
    WorkerPool,
    host_allowed,
    refusal,
    segment_too_long,
    target_too_long,
)


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


LIVE = "__live/"  # under the base path; no page of the site can be called this


KEEPALIVE_S = 10.0


IDLE_SLICE_S = 0.25  # how often a connection waiting for its next request looks up


HANDOVER_S = 1.0  # an idle connection gives its thread up after this long, if others wait


STREAM_RETRY_MS = 5000  # a browser turned away (too many live streams) tries again after this


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
    server: PreviewHTTPServer
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
            self._send(HTTPStatus.OK, client_script(), _TYPES[".js"])
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


class PreviewHTTPServer(HTTPServer):
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


@functools.cache
def client_script() -> bytes:
    """The live-reload and problem-panel script browsers fetch from the preview."""
    return (resources.files(__package__) / "serve_client.js").read_bytes()
