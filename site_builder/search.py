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
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

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


def search_bundle(
    pages: Mapping[str, bytes],
    program: Path | None = None,
    cancel: threading.Event | None = None,
    scratch: Path | None = None,
) -> dict[str, bytes]:
    """The Pagefind bundle's files (paths inside pagefind/ -> bytes) for the marked pages.

    ``pages`` maps each HTML file's path in the site to its bytes. Only marked pages are handed
    to the indexer, in a scratch folder, so the index sees exactly what the site will serve
    and nothing is written into the site here. ``scratch``, if given, is a folder kept between
    builds: only pages whose bytes changed are rewritten there (writing and deleting 1,500
    pages each time cost more than Pagefind itself). Setting ``cancel`` stops the indexer and
    raises SearchCancelled.
    """
    marked = {path: data for path, data in pages.items() if BODY_MARKER.encode() in data}
    if not marked:
        return {}
    if scratch is None:
        with tempfile.TemporaryDirectory(prefix="site-builder-search-") as folder:
            return _index_in(Path(folder), marked, program, cancel)
    return _index_in(scratch, marked, program, cancel)


def _index_in(
    folder: Path, pages: Mapping[str, bytes], program: Path | None, cancel: threading.Event | None
) -> dict[str, bytes]:
    bundle = folder / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    _mirror(folder, pages)
    build_search_index(folder, program, cancel)
    return {
        file.relative_to(bundle).as_posix(): file.read_bytes()
        for file in sorted(bundle.rglob("*"))
        if file.is_file()
    }


def _mirror(folder: Path, pages: Mapping[str, bytes]) -> None:
    """Make ``folder`` hold exactly ``pages``, rewriting only files whose bytes differ."""
    folder.mkdir(parents=True, exist_ok=True)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for relative in present - pages.keys():
        (folder / relative).unlink()
    for relative, data in pages.items():
        target = folder / relative
        if relative in present and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build_search_index(
    site: Path, program: Path | None = None, cancel: threading.Event | None = None
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
    marked = pages_to_index(site)
    if not marked:
        return 0
    command = [str(program), "--site", str(site), "--output-subdir", BUNDLE, "--quiet"]
    try:
        returncode, said = _run_indexer(command, cancel)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildFailed([_failure(f"the Pagefind indexer could not run: {exc}")]) from exc
    if returncode != 0:
        raise BuildFailed([_failure(f"the Pagefind indexer failed (exit code {returncode})", said)])
    return len(marked)


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
