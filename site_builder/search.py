"""The site search index: Pagefind, run over the finished pages before anything is written.

Pagefind indexes the built HTML into a static index (pagefind/ beside the pages) that the
search page queries in the browser; no server is involved. Which pages go in is decided when the
pages are rendered (seo.py marks <main data-pagefind-body> on indexable pages only; with no page
marked the indexer is not run at all, as it would then index every page, private ones
included), so here we hand it those pages and turn its failures into messages a content editor
can act on.

The binary comes with the `pagefind[bin]` Python package, found through pagefind's own lookup
(PAGEFIND_BINARY_PATH, the bundled binary, then `pagefind` on PATH).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import marshal
import queue
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import BuildFailed, SourceError
from .files import write_atomic

BODY_MARKER = "data-pagefind-body"
BUNDLE = "pagefind"  # the folder Pagefind writes inside the site
TIMEOUT_S = 600
_TURN_OFF = "or turn site search off with 'search: false' in content/site.yaml"
_POLL_S = 0.05  # how often a running indexer checks whether serve wants it stopped


class SearchCancelled(Exception):
    """The indexer was stopped because serve has a newer save to build first."""


def find_pagefind() -> Path | None:
    """The Pagefind program, or None when it is not installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return found if found is not None and found.is_file() else None


_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_PAGEFIND_META = re.compile(rb"<meta\b[^>]*\bdata-pagefind-meta\b[^>]*>", re.IGNORECASE)
_MARKED_MAIN = re.compile(
    rb"<main\b[^>]*\b" + BODY_MARKER.encode() + rb"\b.*?</main>", re.IGNORECASE | re.DOTALL
)


def indexed_part(page: bytes) -> bytes | None:
    """The part of a page Pagefind reads, as a page of its own; None for an unmarked page.

    That is the language (on <html>), the title, the page's search metadata and its marked
    <main>: the navigation, footer and structured data around them are a third of the bytes
    and none of the index, and the indexer parses and the scratch folder stores every byte.
    """
    main = _MARKED_MAIN.search(page)
    if main is None:
        return None
    html = _HTML_TAG.search(page)
    title = _TITLE.search(page)
    return b"".join(
        [
            b"<!DOCTYPE html>\n",
            html.group(0) if html else b"<html>",
            b'<head><meta charset="utf-8">',
            title.group(0) if title else b"",
            *_PAGEFIND_META.findall(page),
            b"</head><body>",
            main.group(0),
            b"</body></html>\n",
        ]
    )


_STORE_VERSION = 1


def parts_fingerprint(parts: Mapping[str, bytes]) -> str:
    """What the bundle is made from: the indexed parts and their paths. Pagefind's bundle
    depends on nothing else (the order is fixed), so pages whose changes are all outside what
    it reads (a footer, a stylesheet link, a template's header) leave it as it was."""
    digest = hashlib.blake2b(digest_size=16)
    for relative in sorted(parts):
        digest.update(relative.encode() + b"\0" + hashlib.blake2b(parts[relative]).digest())
    return digest.hexdigest()


def indexed_parts(
    store: Path, digests: Mapping[str, str], read: Callable[[str], bytes]
) -> dict[str, bytes]:
    """The indexed part of every marked page among those named in ``digests`` (path in the
    site -> digest of its bytes), by path; ``read(path)`` gives a page's bytes. Only this part
    of each page is handed to the indexer, so the index sees exactly what the site serves.
    The parts are kept in ``store`` (one file) between builds: only pages whose digest changed
    are read again. An unreadable store is started again."""
    try:
        version, known = marshal.loads(store.read_bytes())
        if version != _STORE_VERSION or not isinstance(known, dict):
            known = {}
    except (OSError, ValueError, EOFError, TypeError):
        known = {}
    now: dict[str, tuple[str, bytes | None]] = {}
    for relative, digest in digests.items():
        before = known.get(relative)
        if isinstance(before, tuple) and len(before) == 2 and before[0] == digest:
            now[relative] = before
        else:
            now[relative] = (digest, indexed_part(read(relative)))
    if now != known:
        store.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(store, marshal.dumps((_STORE_VERSION, now)))
    return {relative: part for relative, (_, part) in sorted(now.items()) if part is not None}


def run_indexer(
    pages: Mapping[str, bytes],
    program: Path | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, bytes]:
    """Index ``pages`` (path in the site -> HTML) with Pagefind and return its bundle's files.

    Pagefind runs as a service: pages go to it through a pipe and the bundle comes back the
    same way, so nothing is written to disk for it to read, and nothing read back from where
    it wrote (on a slow disk, the 3,200 files of a big site took longer than the indexing).
    Raises BuildFailed when Pagefind is missing or fails, SearchCancelled when ``cancel`` is set.
    """
    if not pages:
        return {}
    program = program or find_pagefind()
    if program is None:
        raise BuildFailed(
            [
                SourceError(
                    None,
                    "site search needs the Pagefind indexer, which is not installed",
                    hint="run 'make build' (it installs it), or "
                    f".venv/bin/pip install 'pagefind[bin]'; {_TURN_OFF}",
                )
            ]
        )
    with tempfile.TemporaryFile() as log:
        try:
            service = _Service(program, log)
        except OSError as exc:
            raise BuildFailed([_failure(f"the Pagefind indexer could not run: {exc}")]) from exc
        finished = False
        try:
            bundle = service.index(pages, cancel)
            finished = True
            return bundle
        except _ServiceFailed as failed:
            service.stop(kill=True)
            log.seek(0)
            said = log.read().decode("utf-8", errors="replace").strip().splitlines()[-5:]
            raise BuildFailed([_failure(failed.message(service.returncode), said)]) from None
        finally:
            service.stop(kill=not finished)


class _ServiceFailed(Exception):
    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def message(self, returncode: int | None) -> str:
        if self.reason:
            return f"the Pagefind indexer failed: {self.reason}"
        if returncode is not None:
            return f"the Pagefind indexer failed (exit code {returncode})"
        return "the Pagefind indexer stopped answering"


class _Service:
    """``pagefind --service``: requests and responses are base64-encoded JSON, each followed
    by a comma. Pages are sent from a thread while responses are read here, so neither pipe
    fills up and blocks the other side."""

    def __init__(self, program: Path, log: Any) -> None:
        self._process = subprocess.Popen(
            [str(program), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
        )
        self._responses: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="pagefind-reader", daemon=True)
        self._reader.start()
        self.returncode: int | None = None

    def index(self, pages: Mapping[str, bytes], cancel: threading.Event | None) -> dict[str, bytes]:
        deadline = time.monotonic() + TIMEOUT_S
        self._send(0, {"type": "NewIndex", "config": None})
        index = self._answer(0, cancel, deadline)["index_id"]
        files = sorted(pages)  # the order pages are added in shapes the index: keep it fixed
        feeder = threading.Thread(
            target=self._feed, args=(index, files, pages), name="pagefind-feeder", daemon=True
        )
        feeder.start()
        for number in range(1, len(files) + 1):
            self._answer(number, cancel, deadline)
        feeder.join()
        self._send(len(files) + 1, {"type": "GetFiles", "index_id": index})
        answer = self._answer(len(files) + 1, cancel, deadline)
        return {str(file["path"]): base64.b64decode(file["content"]) for file in answer["files"]}

    def _feed(self, index: int, files: list[str], pages: Mapping[str, bytes]) -> None:
        for number, relative in enumerate(files, 1):
            request = {
                "type": "AddFile",
                "index_id": index,
                "file_path": relative,  # its address is made from this, as from a site folder
                "url": None,
                "file_contents": pages[relative].decode("utf-8", errors="replace"),
            }
            if not self._send(number, request):
                return

    def _send(self, number: int, payload: dict[str, Any]) -> bool:
        message = json.dumps({"message_id": number, "payload": payload}).encode()
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(base64.b64encode(message) + b",")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return False  # it stopped; the reader reports why
        return True

    def _read(self) -> None:
        assert self._process.stdout is not None
        pending = b""
        while True:
            chunk = self._process.stdout.read1(1 << 20)
            if not chunk:
                self._responses.put(None)
                return
            pending += chunk
            *messages, pending = pending.split(b",")
            for message in messages:
                try:
                    self._responses.put(json.loads(base64.b64decode(message)))
                except ValueError:
                    self._responses.put({"payload": {"type": "Error", "message": "garbled"}})

    def _answer(
        self, number: int, cancel: threading.Event | None, deadline: float
    ) -> dict[str, Any]:
        while True:
            if cancel is not None and cancel.is_set():
                raise SearchCancelled()
            if time.monotonic() > deadline:
                raise _ServiceFailed(f"no answer in {TIMEOUT_S} s")
            try:
                response = self._responses.get(timeout=_POLL_S)
            except queue.Empty:
                continue
            if response is None:
                self.returncode = self._process.wait()
                raise _ServiceFailed()
            payload = response.get("payload") or {}
            if payload.get("type") == "Error":
                raise _ServiceFailed(str(payload.get("message") or "an unknown error"))
            if response.get("message_id") == number:
                return payload  # type: ignore[no-any-return]

    def stop(self, kill: bool = False) -> None:
        """End the service: told to (its input closed), or killed (failed, cancelled)."""
        if self._process.poll() is None and kill:
            self._process.kill()
        if self._process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                assert self._process.stdin is not None
                self._process.stdin.close()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process.wait()
        self.returncode = self._process.returncode
        self._reader.join(timeout=2)  # at the end of its output now the process is gone
        for pipe in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError, ValueError):
                if pipe is not None:
                    pipe.close()


def _failure(message: str, said: list[str] | None = None) -> SourceError:
    detail = (": " + " / ".join(line.strip() for line in said if line.strip())) if said else ""
    return SourceError(
        None,
        message + detail,
        hint=f"reinstall it with .venv/bin/pip install --force-reinstall 'pagefind[bin]', "
        f"{_TURN_OFF}",
    )
