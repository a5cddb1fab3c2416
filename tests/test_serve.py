"""`site-builder serve`: safe paths, the last good build kept, live events only after success."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.pipeline import build
from site_builder.search import find_pagefind
from site_builder.serve import LiveSite, PreviewServer
from site_builder.serve_http import Broadcaster, LiveEvent, inject, live_script
from tests.sites import TinySite

SUBPATH_SITE = "https://org.github.io/techcommit/"


@pytest.fixture
def server(tiny_site: TinySite) -> Iterator[PreviewServer]:
    options = tiny_site.options(output=tiny_site.root / "preview", base_url=SUBPATH_SITE)
    said: list[str] = []
    preview = PreviewServer(options, port=0, say=said.append, force_polling=None)
    preview.start()
    try:
        yield preview
    finally:
        preview.stop()


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """One request written by hand, so the path reaches the server exactly as given."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


class EventClient:
    """Listens to the server's event stream in a thread; events arrive on a queue."""

    def __init__(self, port: int, base: str) -> None:
        self.events: queue.Queue[tuple[str, dict[str, object]]] = queue.Queue()
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self._sock.sendall(f"GET {base}__live/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buffer = b""
        try:
            while chunk := self._sock.recv(65536):
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    lines = block.decode().splitlines()
                    name = next((ln[7:] for ln in lines if ln.startswith("event: ")), None)
                    data = next((ln[6:] for ln in lines if ln.startswith("data: ")), "{}")
                    if name:
                        self.events.put((name, json.loads(data)))
        except OSError:
            pass

    def next(self, timeout: float = 30) -> tuple[str, dict[str, object]]:
        return self.events.get(timeout=timeout)

    def names_until(self, wanted: str, timeout: float = 30) -> list[str]:
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            name, _ = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            seen.append(name)
            if name == wanted:
                return seen

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def events(server: PreviewServer) -> Iterator[EventClient]:
    client = EventClient(server.port, "/techcommit/")
    assert client.next()[0] == "ok"  # the state on connecting
    yield client
    client.close()


# --- serving -----------------------------------------------------------------------------------


def test_site_is_served_under_its_production_path(server: PreviewServer) -> None:
    status, body = raw_get(server.port, "/techcommit/about/")
    assert status == 200 and b"About the Commitment" in body
    assert raw_get(server.port, "/")[0] == 301
    assert raw_get(server.port, "/about/")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/techcommit/../secret.txt",
        "/techcommit/../../secret.txt",
        "/techcommit/%2e%2e/secret.txt",
        "/techcommit/%2E%2E/%2e%2e/secret.txt",
        "/techcommit/.%2e/secret.txt",
        "/techcommit/..%2fsecret.txt",
        "/techcommit/%2e%2e%2fsecret.txt",
        "/techcommit/..\\secret.txt",
        "/techcommit/%5c..%5csecret.txt",
        "/techcommit//etc/passwd",
        "/techcommit/%2fetc%2fpasswd",
        "/techcommit/about/../../secret.txt",
        "/techcommit/%252e%252e/secret.txt",
        "/techcommit/%00",
        "/techcommit/%ff%fe",
        "/etc/passwd",
    ],
)
def test_paths_outside_the_output_folder_get_404(
    server: PreviewServer, tiny_site: TinySite, path: str
) -> None:
    (tiny_site.root / "secret.txt").write_text("top secret", encoding="utf-8")
    status, body = raw_get(server.port, path)
    assert status == 404
    assert b"top secret" not in body and b"root:" not in body


def test_live_script_is_added_when_serving_but_never_built(server: PreviewServer) -> None:
    _, body = raw_get(server.port, "/techcommit/")
    assert b"__live/client.js" in body
    built = server.options.output / "index.html"
    assert b"__live" not in built.read_bytes()


def test_inject_goes_before_the_last_body_end() -> None:
    assert inject(b"<body>x</body>", b"<s>") == b"<body>x<s></body>"
    assert live_script("/a/") == b'<script src="/a/__live/client.js" defer></script>'


# --- rebuilding --------------------------------------------------------------------------------


def test_broken_content_keeps_the_last_good_build_and_reports_it(
    server: PreviewServer, tiny_site: TinySite, events: EventClient
) -> None:
    before_status, before = raw_get(server.port, "/techcommit/technicians/alex-morgan/")
    profile = tiny_site.root / "content/technicians/alex-morgan.yaml"
    profile.write_text(profile.read_text().replace("registrations:", "registration:"))
    assert server.site.rebuild() is None
    after_status, after = raw_get(server.port, "/techcommit/technicians/alex-morgan/")
    assert (after_status, after) == (before_status, before)
    name, data = events.next()
    assert name == "problems"
    _, status = raw_get(server.port, "/techcommit/__live/status")
    report = json.loads(status)
    assert report["ok"] is False
    assert report["problems"][0]["file"].endswith("content/technicians/alex-morgan.yaml")
    assert report["problems"][0]["line"] == 6
    assert report["problems"][0]["field"] == "registration"
    assert "alex-morgan.yaml:6:1" in report["text"] and "fix: did you mean" in report["text"]
    assert data == report


def test_fixing_the_problem_clears_it_then_reloads(
    server: PreviewServer, tiny_site: TinySite, events: EventClient
) -> None:
    good = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
    tiny_site.write("content/technicians/alex-morgan.yaml", "name: [\n")
    server.site.rebuild()
    tiny_site.write("content/technicians/alex-morgan.yaml", good.replace("Alex Morgan", "Alex M"))
    assert server.site.rebuild() is not None
    assert events.names_until("reload") == ["problems", "ok", "reload"]
    assert json.loads(raw_get(server.port, "/techcommit/__live/status")[1])["ok"] is True


def test_no_reload_event_for_a_failed_build(
    server: PreviewServer, tiny_site: TinySite, events: EventClient
) -> None:
    tiny_site.write("content/pages/about.md", "no front matter\n")
    server.site.rebuild()
    assert events.next()[0] == "problems"
    seen = []
    with pytest.raises(queue.Empty):
        while True:  # the watcher sees the save too, and fails the same way
            seen.append(events.next(timeout=1.5)[0])
    assert "reload" not in seen


def test_css_only_change_sends_a_css_event(
    server: PreviewServer, tiny_site: TinySite, events: EventClient
) -> None:
    css = tiny_site.root / "themes/default/static/css/site.css"
    css.write_text(css.read_text() + "\n/* changed */\n", encoding="utf-8")
    server.site.rebuild()
    name, data = events.next()
    assert name == "css" and data == {"files": ["assets/css/site.css"]}


def test_a_saved_file_triggers_a_rebuild_and_reload(
    server: PreviewServer, tiny_site: TinySite, events: EventClient
) -> None:
    page = tiny_site.root / "content/pages/about.md"
    page.write_text(page.read_text().replace("Why we signed", "Why we joined"))
    assert events.names_until("reload", timeout=60)[-1] == "reload"
    _, body = raw_get(server.port, "/techcommit/about/")
    assert b"Why we joined" in body


def test_event_encoding() -> None:
    assert LiveEvent("css", {"files": ["a.css"]}).encode() == (
        b'event: css\ndata: {"files": ["a.css"]}\n\n'
    )


def test_a_reload_is_handed_to_every_browser_before_the_rebuild_goes_on() -> None:
    events = Broadcaster()
    quick, slow = events.subscribe(), events.subscribe()
    got: list[str] = []

    def browser(inbox: queue.Queue[Any], delay: float) -> None:
        delivery = inbox.get(timeout=5)
        time.sleep(delay)  # writing to a slow connection
        got.append(delivery.event.name)
        delivery.sent.set()

    threads = [threading.Thread(target=browser, args=(q, d)) for q, d in ((quick, 0), (slow, 0.2))]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    events.send(LiveEvent("reload"), wait_s=5)
    assert got == ["reload", "reload"]
    assert time.monotonic() - started >= 0.2
    for thread in threads:
        thread.join()

    events.unsubscribe(quick)
    started = time.monotonic()
    events.send(LiveEvent("reload"), wait_s=0.3)  # a browser that never reads: not waited on
    assert 0.25 <= time.monotonic() - started < 2
    events.send(LiveEvent("css"))  # without wait_s, nobody is waited for
    assert slow.qsize() == 2


def test_stop_joins_every_thread_and_releases_the_port(tiny_site: TinySite) -> None:
    options = tiny_site.options(output=tiny_site.root / "preview")
    before = set(threading.enumerate())
    preview = PreviewServer(options, port=0, say=lambda _: None, force_polling=None)
    preview.start()
    port = preview.port
    client = EventClient(port, "/")
    assert client.next()[0] == "ok"
    preview.stop()
    client.close()
    leftover = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert [t.name for t in leftover if not t.daemon] == []
    with socket.socket() as sock:
        # SO_REUSEADDR allows closed connections in TIME_WAIT, never a listening socket
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()


def test_a_replaced_photo_is_picked_up_by_the_next_rebuild(tmp_path: Path) -> None:
    from PIL import Image

    site = TinySite(tmp_path)
    site.write(
        "content/technicians/alex-morgan.yaml",
        (site.root / "content/technicians/alex-morgan.yaml").read_text()
        + "photo: alex.jpg\nphoto_alt: Alex at work.\n",
    )
    photo = site.root / "galleries/main/alex.jpg"
    Image.new("RGB", (300, 400), "red").save(photo)
    preview = PreviewServer(
        site.options(output=site.root / "preview"), port=0, say=lambda _: None, force_polling=None
    )
    preview.start()
    try:
        page = site.root / "preview/technicians/alex-morgan/index.html"
        first = page.read_text()
        Image.new("RGB", (300, 400), "blue").save(photo)
        assert preview.site.rebuild() is not None
        assert page.read_text() != first  # the copies' names carry the new photo's hash
    finally:
        preview.stop()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.mark.skipif(find_pagefind() is None, reason="the Pagefind binary is not installed")
def test_search_index_is_remade_after_the_reload_and_matches_a_clean_build(
    tiny_site: TinySite,
) -> None:
    site = LiveSite(tiny_site.options(output=tiny_site.root / "preview"), say=lambda _: None)
    try:
        assert site.rebuild() is not None
        before = {k: v for k, v in _files(tiny_site.root / "preview").items() if "pagefind/" in k}
        page = tiny_site.root / "content/pages/about.md"
        page.write_text(page.read_text().replace("Why we signed", "Why we joined"))
        report = site.rebuild([page])
        assert report is not None and report.search_pending
        after = _files(tiny_site.root / "preview")
        assert {k: v for k, v in after.items() if "pagefind/" in k} == before  # not yet
        deadline = time.monotonic() + 60
        clean = tiny_site.root / "clean"
        build(tiny_site.options(output=clean))
        while _files(tiny_site.root / "preview") != _files(clean):
            assert time.monotonic() < deadline, "the search index was not brought up to date"
            time.sleep(0.1)
    finally:
        site.close()


def test_a_serve_session_leaves_its_cards_for_the_next(tiny_site: TinySite) -> None:
    """Cards made while previewing are kept when serve stops, so the next session's first
    save does not make the cards of every list again."""
    from site_builder.session import RENDERED_FILE

    options = tiny_site.options(output=tiny_site.root / "preview")
    memory = options.project.cache / RENDERED_FILE
    first = LiveSite(options, say=lambda _: None)
    try:
        assert first.rebuild() is not None
        assert not memory.exists()  # serve saves when it stops, not on every save
    finally:
        first.close()
    second = LiveSite(options, say=lambda _: None)
    try:
        assert any("alex-morgan" in str(key[2]) for key in second.session.fragments)
    finally:
        second.close()


def test_serve_starts_with_the_templates_build_compiled(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve keeps compiled templates in memory, in front of the ones `build` left in
    .cache/: its first build compiles nothing that was compiled before."""
    import jinja2

    from site_builder.pipeline import BuildSession

    build(tiny_site.options())
    compiled: list[str | None] = []
    real = jinja2.Environment._compile

    def counted(env: jinja2.Environment, source: str, filename: str) -> object:
        compiled.append(filename)
        return real(env, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counted)
    session = BuildSession.for_project(tiny_site.options().project, persist=False)
    report = build(tiny_site.options(output=tiny_site.root / "preview"), session=session)
    assert report.rendered == report.pages and compiled == []


def test_the_bench_reads_what_serve_says_after_a_rebuild(tiny_site: TinySite) -> None:
    """`make bench` times serve's rebuilds from what it prints: the two must agree."""
    from benchmarks.bench_site import _rebuild_figures

    said: list[str] = []
    site = LiveSite(tiny_site.options(output=tiny_site.root / "preview"), say=said.append)
    try:
        site.rebuild()
        page = tiny_site.root / "content/pages/about.md"
        page.write_text(page.read_text().replace("Why we signed", "Why we joined"))
        started = time.perf_counter()
        report = site.rebuild([page])
        took = time.perf_counter() - started
    finally:
        site.close()
    assert report is not None
    seconds, rendered = _rebuild_figures(said[-1])
    assert rendered == report.rendered > 0
    assert 0 < seconds <= took + 0.001
    slow = "Rebuilt after a.yaml: 3 pages rendered, 4 files changed, in 1.25 s."
    assert _rebuild_figures(slow) == (pytest.approx(1.25), 3)
    one = "Rebuilt after a.md: 1 page rendered, 1 file changed, in 12 ms."
    assert _rebuild_figures(one) == (pytest.approx(0.012), 1)


def test_editor_temporary_files_start_no_rebuild_and_stay_out_of_the_log(
    tiny_site: TinySite,
) -> None:
    """sed -i, vim and others write a file of their own, then rename it over the real one:
    the log names the real file only, and a temporary file alone rebuilds nothing."""
    said: list[str] = []
    preview = PreviewServer(
        tiny_site.options(output=tiny_site.root / "preview"),
        port=0,
        say=said.append,
        force_polling=None,
    )
    preview.start()
    try:
        pages = tiny_site.root / "content/pages"
        for name in ("4913", "about.md~", ".#about.md", "about.md.tmp", ".about.md.swp"):
            (pages / name).write_text("scratch\n", encoding="utf-8")
            (pages / name).unlink()
        time.sleep(1.5)  # longer than a burst of saves takes to be built
        assert said[1:] == []
        about = pages / "about.md"
        temporary = pages / "sedMkvWoy"
        temporary.write_text(about.read_text().replace("Why we signed", "Why we joined"))
        temporary.replace(about)
        deadline = time.monotonic() + 30
        while len(said) < 2:
            assert time.monotonic() < deadline, "the save was not rebuilt"
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        preview.stop()
    assert said[1].startswith("Rebuilt after about.md:"), said
    assert not any("sed" in line or "4913" in line or "~" in line for line in said), said


NO_CONSENT = (
    "content/technicians/aaron-able.yaml",
    "name: Aaron Able\nrole: Technician\n"
    "department: Physics\ngallery: main\nbio: Aaron looks after the lasers.\n",
)
OVERDUE = (
    "content/plans/2025-2028.yaml",
    lambda text: text.replace(
        "      - title: Fund registration fees\n",
        "      - title: Fund registration fees\n        status: not-started\n"
        "        target: 2025-10\n",
    ),
)


@pytest.mark.parametrize(
    ("changes", "errors", "warnings"),
    [
        # a warning in a file that sorts before the error's
        ([NO_CONSENT, ("content/technicians/alex-morgan.yaml", "gallery: nowhere")], 1, 1),
        ([OVERDUE, NO_CONSENT, ("content/technicians/alex-morgan.yaml", "gallery: nowhere")], 1, 2),
        (
            [
                ("content/technicians/alex-morgan.yaml", "gallery: nowhere"),
                ("content/news/2026-10-01-awards.md", "technicians: [nobody]"),
            ],
            2,
            0,
        ),
    ],
)
def test_a_failed_build_lists_errors_first_and_counts_what_it_lists(
    tiny_site: TinySite, changes: list[tuple[str, Any]], errors: int, warnings: int
) -> None:
    for relative, change in changes:
        path = tiny_site.root / relative
        if callable(change):
            path.write_text(change(path.read_text()))
        elif path.exists():
            key = change.split(":")[0]
            lines = [
                change if ln.startswith(key + ":") else ln for ln in path.read_text().split("\n")
            ]
            path.write_text("\n".join(lines))
        else:
            path.write_text(change)
    said: list[str] = []
    site = LiveSite(tiny_site.options(output=tiny_site.root / "preview"), say=said.append)
    try:
        assert site.rebuild() is None
        status = site.status()
    finally:
        site.close()
    severities = [p["severity"] for p in status["problems"]]
    assert severities == ["error"] * errors + ["warning"] * warnings
    assert (status["errors"], status["warnings"]) == (errors, warnings)
    blocks = status["text"].split("\n\n")
    heads = [
        b.split(": ", 2)[1].split(" ")[0] for b in blocks if ": error" in b or ": warning" in b
    ]
    assert heads == ["error"] * errors + ["warning"] * warnings
    assert status["text"] == "\n\n".join(
        t for t in (status["errors_text"], status["warnings_text"]) if t
    )
    assert said[0].startswith(status["text"])  # the terminal says the same, in the same order
