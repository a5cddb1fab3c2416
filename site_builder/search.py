"""The site search index: Pagefind, run over the finished pages before anything is written.

Pagefind reads the built HTML and writes a static index (pagefind/ beside the pages) that the
search page queries in the browser; no server is involved. Which pages go in is decided when the
pages are rendered (seo.py marks <main data-pagefind-body> on indexable pages only), so here we
only run the indexer and turn its failures into messages a content editor can act on.

The binary comes with the `pagefind[bin]` Python package, found through pagefind's own lookup
(PAGEFIND_BINARY_PATH, the bundled binary, then `pagefind` on PATH).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import BuildFailed, SourceError

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


def pages_to_index(site: Path) -> list[Path]:
    """HTML files marked for the index.

    Pagefind indexes every page when no page carries the marker, which would put drafts and
    private profiles in; so with nothing marked the indexer is not run at all.
    """
    return [
        path
        for path in sorted(site.rglob("*.html"))
        if BODY_MARKER in path.read_text(encoding="utf-8", errors="replace")
    ]


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


def index_pages(
    digests: Mapping[str, str],
    read: Callable[[str], bytes],
    scratch: Path,
    program: Path | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, bytes]:
    """The Pagefind bundle's files (paths inside pagefind/ -> bytes) for the marked pages
    among those named in ``digests`` (path in the site -> digest of its bytes); ``read(path)``
    gives a page's bytes. Only the indexed part of each marked page is handed to the indexer,
    in ``scratch``, so the index sees exactly what the site will serve and nothing is written
    into the site here. ``scratch`` is kept between builds and only pages whose digest changed
    are read and rewritten there (writing 1,500 pages each time, and reading them back to
    compare, cost more than Pagefind itself). Setting ``cancel`` stops the indexer and raises
    SearchCancelled."""
    marked = _mirror(scratch, digests, read)
    if not marked:
        return {}
    bundle = scratch / "site" / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    build_search_index(scratch / "site", program, cancel, marked=marked)
    return {
        file.relative_to(bundle).as_posix(): file.read_bytes()
        for file in sorted(bundle.rglob("*"))
        if file.is_file()
    }


_MANIFEST = "pages.json"  # in the scratch folder: each page's digest and whether it is marked


def _mirror(scratch: Path, digests: Mapping[str, str], read: Callable[[str], bytes]) -> int:
    """Make ``scratch`` hold the indexed part of exactly the marked pages; returns how many.

    A manifest remembers what each file was made from, so an unchanged page costs nothing;
    without a readable manifest the folder is emptied and filled again.
    """
    manifest_file = scratch / _MANIFEST
    try:
        known: dict[str, list[Any]] = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
        shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    manifest_file.unlink(missing_ok=True)  # until the folder matches it again
    folders: set[Path] = set()
    for relative in known.keys() - digests.keys():
        if known[relative][1]:
            (scratch / "site" / relative).unlink(missing_ok=True)
    now: dict[str, list[Any]] = {}
    for relative, digest in digests.items():
        before = known.get(relative)
        if before is not None and before[0] == digest:
            now[relative] = before
            continue
        data = indexed_part(read(relative))
        target = scratch / "site" / relative
        if data is None:
            if before is not None and before[1]:
                target.unlink(missing_ok=True)
        else:
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            target.write_bytes(data)
        now[relative] = [digest, data is not None]
    manifest_file.write_text(json.dumps(now, sort_keys=True), encoding="utf-8")
    return sum(1 for _, marked in now.values() if marked)


def build_search_index(
    site: Path,
    program: Path | None = None,
    cancel: threading.Event | None = None,
    marked: int | None = None,
) -> int:
    """Index the pages in `site` (the staging folder) into site/pagefind/; returns pages indexed.

    Raises BuildFailed, leaving the caller to discard the staging folder, when Pagefind is
    missing or fails.
    """
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
    if marked is None:  # the caller did not say: look
        marked = len(pages_to_index(site))
    if not marked:
        return 0
    command = [str(program), "--site", str(site), "--output-subdir", BUNDLE, "--quiet"]
    try:
        returncode, said = _run_indexer(command, cancel)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildFailed([_failure(f"the Pagefind indexer could not run: {exc}")]) from exc
    if returncode != 0:
        raise BuildFailed([_failure(f"the Pagefind indexer failed (exit code {returncode})", said)])
    return marked


def _run_indexer(command: list[str], cancel: threading.Event | None) -> tuple[int, list[str]]:
    """Run Pagefind to the end (exit code, its last lines of output), or until ``cancel``."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + TIMEOUT_S
        try:
            while process.poll() is None:
                if cancel is not None and cancel.is_set():
                    raise SearchCancelled()
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(command, TIMEOUT_S)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(_POLL_S if cancel is not None else 1.0)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        log.seek(0)
        said = log.read().decode("utf-8", errors="replace").strip().splitlines()[-5:]
    return process.returncode, said


def _failure(message: str, said: list[str] | None = None) -> SourceError:
    detail = (": " + " / ".join(line.strip() for line in said if line.strip())) if said else ""
    return SourceError(
        None,
        message + detail,
        hint=f"reinstall it with .venv/bin/pip install --force-reinstall 'pagefind[bin]', "
        f"{_TURN_OFF}",
    )
