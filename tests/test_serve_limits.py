"""`serve` against hostile requests and crowds: other sites' host names are refused, odd and
long paths get an answer (never a dropped connection or a traceback), many clients are all
served, and editors' temporary files start no rebuild."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from site_builder.serve import PreviewServer
from site_builder.serve_guards import host_allowed, host_name, is_editor_temporary
from tests.sites import TinySite

BASE = "/techcommit/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    """One preview for the whole module: these tests only read."""
    site = TinySite(tmp_path_factory.mktemp("limits"))
    options = site.options(output=site.root / "preview", base_url="https://org.github.io" + BASE)
    preview = PreviewServer(options, port=0, say=lambda _: None, force_polling=None)
    preview.start()
    yield preview
    preview.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class RawConnection:
    """A keep-alive connection that writes requests byte for byte as given, so paths and host
    names reach the server exactly as a hostile client would send them."""

    port: int
    sock: socket.socket = field(init=False)
    buffer: bytes = b""

    def __post_init__(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def get(self, target: bytes, host: bytes | None = b"127.0.0.1") -> Answer:
        head = b"GET " + target + b" HTTP/1.1\r\n"
        if host is not None:
            head += b"Host: " + host + b"\r\n"
        self.sock.sendall(head + b"\r\n")
        raw = self._until(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._read()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Answer(int(lines[0].split()[1]), headers, body)

    def _until(self, end: bytes) -> bytes:
        while end not in self.buffer:
            self._read()
        raw, _, self.buffer = self.buffer.partition(end)
        return raw

    def _read(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server dropped the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def connection(server: PreviewServer) -> Iterator[RawConnection]:
    conn = RawConnection(server.port)
    yield conn
    conn.close()


# --- Host: (DNS rebinding) -----------------------------------------------------------------------

OTHER_SITES = [
    b"evil.example",
    b"evil.example:8000",
    b"localhost.evil.example",
    b"127.0.0.1.evil.example",
    b"evil.example#@localhost",
    b"localhost:8000@evil.example",
    b"localhost:abc",
    b"[::1",
    b"::1",
    b"",
    b"192.168.1.20",  # a real address, but not the one bound: on 127.0.0.1 nobody else sees it
]


@pytest.mark.parametrize("host", OTHER_SITES, ids=lambda h: h.decode() or "empty")
@pytest.mark.parametrize(
    "path", [BASE, BASE + "about/", BASE + "__live/status", BASE + "__live/client.js", "/"]
)
def test_requests_for_another_sites_name_are_refused(
    connection: RawConnection, host: bytes, path: str
) -> None:
    answer = connection.get(path.encode(), host)
    assert answer.status == 403
    assert answer.headers["content-type"].startswith("text/plain")
    assert b"answers only at this computer's own address" in answer.body
    assert b"About the Commitment" not in answer.body and b'"ok"' not in answer.body
    assert b"EventSource" not in answer.body and b"--bind NAME" in answer.body
    assert connection.get(BASE.encode()).status == 200  # the connection is still good


def test_a_request_without_a_host_is_refused(connection: RawConnection) -> None:
    assert connection.get(BASE.encode(), host=None).status == 403


def test_the_live_reload_stream_is_refused_to_another_site(connection: RawConnection) -> None:
    answer = connection.get((BASE + "__live/events").encode(), b"evil.example")
    assert answer.status == 403 and b"event:" not in answer.body


@pytest.mark.parametrize(
    "host",
    [b"localhost", b"LOCALHOST:8000", b"127.0.0.1", b"127.0.0.1:1", b"[::1]", b"[::1]:8000"],
)
def test_this_computers_own_names_are_answered_on_any_port(
    connection: RawConnection, host: bytes
) -> None:
    answer = connection.get((BASE + "about/").encode(), host)
    assert answer.status == 200 and b"About the Commitment" in answer.body


@pytest.mark.parametrize(
    ("header", "bind", "allowed"),
    [
        ("myhost.local:8000", "myhost.local", True),  # the --bind name itself
        ("192.168.1.20:8000", "192.168.1.20", True),
        ("192.168.1.20:8000", "0.0.0.0", True),  # every address bound: digits cannot rebind
        ("[fe80::1]:8000", "::", True),
        ("evil.example", "0.0.0.0", False),
        ("evil.example", "evil.example.attacker", False),
        ("192.168.1.20", "127.0.0.1", False),
        ("localhost", "192.168.1.20", True),
    ],
)
def test_which_names_are_this_computers(header: str, bind: str, allowed: bool) -> None:
    assert host_allowed(header, bind) is allowed


def test_host_names_are_read_without_their_port() -> None:
    assert host_name("LocalHost:8000") == "localhost"
    assert host_name("[::1]:80") == "::1"
    assert host_name("[::1]x") is None
    assert host_name("a:b:c") is None
    assert host_name(":8000") is None


# --- long and odd paths --------------------------------------------------------------------------

ODD_PATHS = [
    BASE + "a" * 300,  # one segment longer than any file name
    BASE + "a" * 300 + "/index.html",
    BASE + ("b" * 200 + "/") * 40,  # 8,000 characters in segments a disk would take
    BASE + "c" * 8000,
    BASE + "%61" * 2000,  # 300-byte segment only once decoded
    BASE + "%e2%82%ac" * 100,  # 300 bytes of euro signs
    BASE + "about/%00",
    BASE + "%00/about/",
    BASE + "about%00.html",
    BASE + "%ff",
    BASE + "%c0%ae%c0%ae/",  # overlong UTF-8 dots
    BASE + "%e2%82",  # UTF-8 cut short
    BASE + "%",
    BASE + "%zz",
    BASE + "caf\xe9/",  # a raw byte above 127, not percent-encoded
    BASE + "\x7f\x01",
    BASE + "about/?" + "q" * 3000,
]


@pytest.mark.parametrize("path", ODD_PATHS, ids=lambda p: repr(p[:40]) + f"..{len(p)}")
def test_odd_and_long_paths_get_an_answer_on_a_connection_that_stays_open(
    connection: RawConnection, capfd: pytest.CaptureFixture[str], path: str
) -> None:
    answer = connection.get(path.encode("latin-1"))
    assert answer.status in {404, 414} or (answer.status == 200 and "?" in path)
    assert connection.get(BASE.encode()).status == 200  # not dropped
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Error" not in out + err


@pytest.mark.parametrize("length", [4097, 20_000, 65_000])
def test_a_path_longer_than_any_address_gets_414(
    connection: RawConnection, capfd: pytest.CaptureFixture[str], length: int
) -> None:
    answer = connection.get((BASE + "d" * length).encode())
    assert answer.status == 414 and b"too long" in answer.body
    assert connection.get(BASE.encode()).status == 200
    assert "Traceback" not in "".join(capfd.readouterr())


# --- many clients at once ------------------------------------------------------------------------


@dataclass
class Tally:
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    slowest_connect_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(port: int, until: float, keep_alive: bool, tally: Tally) -> None:
    paths = [BASE, BASE + "about/", BASE + "technicians/alex-morgan/", BASE + "nothing-here/"]
    conn: http.client.HTTPConnection | None = None
    done = 0
    while time.monotonic() < until:
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                started = time.monotonic()
                conn.connect()
                took = time.monotonic() - started
                with tally.lock:
                    tally.slowest_connect_s = max(tally.slowest_connect_s, took)
            path = paths[done % len(paths)]
            conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            response = conn.getresponse()
            response.read()
            if response.status != (404 if "nothing" in path else 200):
                raise AssertionError(f"{path}: {response.status}")
            done += 1
            if not keep_alive or response.will_close:
                conn.close()
                conn = None
        except Exception as problem:
            with tally.lock:
                tally.failures.append(repr(problem))
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()
    with tally.lock:
        tally.answered += done


def test_a_hundred_clients_at_once_are_all_served(server: PreviewServer) -> None:
    """100 clients for 2 s, half opening a connection per request, half keeping theirs: every
    request is answered, and nobody waits for the kernel to accept their connection (a full
    backlog drops the first try, and the next comes a second later)."""
    tally = Tally()
    until = time.monotonic() + 2.0
    threads = [
        threading.Thread(target=_client, args=(server.port, until, n % 2 == 0, tally))
        for n in range(100)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    print(f"answered {tally.answered}, slowest connect {tally.slowest_connect_s:.3f} s")
    assert tally.failures == []
    assert tally.answered >= 100
    assert tally.slowest_connect_s < 0.9


# --- editors' temporary files --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "sedMkvWoy",
        "sed0aZ9xQ",
        "about.md~",
        ".#about.md",
        "#about.md#",
        "4913",
        "5036",
        ".about.md.swp",
        ".about.md.swx",
        "about.md.tmp",
        "about.tmp",
        "x.temp",
        "about.md___jb_tmp___",
        ".goutputstream-4JQ1Z2",
        ".~lock.plan.xlsx#",
        "~$plan.docx",
        "photo.jpg.crdownload",
        "photo.jpg.part",
        ".DS_Store",
    ],
)
def test_editor_temporary_files_are_recognised(name: str) -> None:
    assert is_editor_temporary(name)


@pytest.mark.parametrize(
    "name",
    [
        "about.md",
        "sed.md",
        "sedation.md",
        "priya-raman.yaml",
        "4913.jpg",
        "4914",
        "2024",
        "tmp.md",
        "gallery.yaml",
        "site.css",
        "photo.jpg",
        "logo.svg",
        "plan.csv",
    ],
)
def test_content_files_are_not_taken_for_editor_files(name: str) -> None:
    assert not is_editor_temporary(name)
