"""The site search index: Pagefind, run over the finished pages before anything is written.

Pagefind indexes the built HTML into a static index (pagefind/ beside the pages) that the
search page queries in the browser; no server is involved. Which pages go in is decided when the
pages are rendered (seo.py marks <main data-pagefind-body> on indexable pages only; with no page
marked the indexer is not run at all, as it would then index every page, private ones
included), so here we hand it those pages and turn its failures into messages a content editor
can act on.

The binary comes with the `pagefind[bin]` Python package, found the way pagefind's own lookup
finds it (PAGEFIND_BINARY_PATH, the bundled binary, then `pagefind` on PATH).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import BuildFailed, SourceError
from .output import Planned, fill_new_folder
from .store import keep, kept

BODY_MARKER = "data-pagefind-body"
BUNDLE = "pagefind"  # the folder Pagefind writes inside the site
TIMEOUT_S = 600
_TURN_OFF = "or turn site search off with 'search: false' in content/site.yaml"
_POLL_S = 0.05  # how often a running indexer checks whether serve wants it stopped


class SearchCancelled(Exception):
    """The indexer was stopped because serve has a newer save to build first."""


def find_pagefind() -> Path | None:
    """The Pagefind program, or None when it is not installed.

    Looked for as pagefind's Python package looks (PAGEFIND_BINARY_PATH, then the binary of
    `pagefind[extended]`, then of `pagefind[bin]`, then pagefind_extended or pagefind on the
    PATH), but without importing its service module, which brings in asyncio: 10 to 40 ms
    of every build that runs the indexer, for nothing we use."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named is not None:
        candidates = [Path(named)]
    else:
        candidates = [path for path in map(_bundled, _BUNDLED) if path is not None]
        candidates += [Path(p) for p in map(shutil.which, ("pagefind_extended", "pagefind")) if p]
    return next((path for path in candidates if path.is_file()), None)


_BUNDLED = ("pagefind_bin_extended", "pagefind_bin")  # the packages that ship the binary


def _bundled(package: str) -> Path | None:
    try:
        found: Path = importlib.import_module(package).get_executable()
    except (ImportError, OSError):  # not installed, or installed without its binary
        return None
    return found


_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_PAGEFIND_META = re.compile(rb"<meta\b[^>]*\bdata-pagefind-meta\b[^>]*>", re.IGNORECASE)
_MARKED_MAIN = re.compile(
    rb"<main\b[^>]*\b" + BODY_MARKER.encode() + rb"\b.*?</main>", re.IGNORECASE | re.DOTALL
)


# Pagefind runs the text of neighbouring cells and of a term and its description together
# ("FacultyFaculty of Science"); its excerpts are shown to readers, so the indexed copy gets the
# separators a reader would expect. Column headings and captions say what the page's headings
# already say (the same words on every table), so they are left out of the index.
_READABLE = (
    (re.compile(rb"<(thead|caption)\b.*?</\1>", re.IGNORECASE | re.DOTALL), b""),
    (re.compile(rb"</dt>\s*(?=<dd\b)", re.IGNORECASE), b"</dt>: "),
    (re.compile(rb"</(td|th)>", re.IGNORECASE), rb"</\1> "),
)


def readable(main: bytes) -> bytes:
    """The marked <main> with separators between labels and values, and no table headings."""
    for pattern, replacement in _READABLE:
        main = pattern.sub(replacement, main)
    return main


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
            readable(main.group(0)),
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
    known = kept(store, "indexed parts", str(_STORE_VERSION))
    if not isinstance(known, dict):
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
        keep(store, "indexed parts", str(_STORE_VERSION), now, plain=True)
    return {relative: part for relative, (_, part) in sorted(now.items()) if part is not None}


def remembered_bundle(store: Path, fingerprint: str) -> dict[str, bytes] | None:
    """The bundle last made beside ``store``, if it was made from the same parts (their
    ``fingerprint``) by the same indexer: a first build after output/ was deleted, or after
    an edit was undone, then need not run Pagefind again."""
    found = kept(_bundle_file(store), "search bundle", str(_STORE_VERSION))
    if not (isinstance(found, tuple) and len(found) == 2):
        return None
    key, bundle = found
    if key != _bundle_key(fingerprint) or not isinstance(bundle, dict):
        return None
    return bundle


def remember_bundle(store: Path, fingerprint: str, bundle: Mapping[str, bytes]) -> None:
    """Keep the bundle just made (one, the latest) for remembered_bundle."""
    key = _bundle_key(fingerprint)
    if key is not None:
        keep(
            _bundle_file(store),
            "search bundle",
            str(_STORE_VERSION),
            (key, dict(bundle)),
            plain=True,
        )


def _bundle_file(store: Path) -> Path:
    return store.with_suffix(".bundle")


def _bundle_key(fingerprint: str) -> str | None:
    """The parts' fingerprint and the indexer's identity (another Pagefind makes another
    bundle from the same parts); None when there is no indexer to name."""
    program = find_pagefind()
    if program is None:
        return None
    try:
        info = program.stat()
    except OSError:
        return None
    return f"{fingerprint}:{program}:{info.st_size}:{info.st_mtime_ns}"


def run_indexer(
    pages: Mapping[str, bytes],
    program: Path | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, bytes]:
    """Index ``pages`` (path in the site -> HTML) with Pagefind and return its bundle's files.

    The pages go into a scratch folder in memory (/dev/shm, when it has room) for Pagefind to
    read, and its bundle is read back from there: on this kind of machine that is about a second
    quicker for 1,600 pages than sending them through ``pagefind --service``, whose requests
    are JSON, one page at a time, and creating files on a slow disk costs more than either.
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
    size = sum(map(len, pages.values()))
    with tempfile.TemporaryDirectory(prefix="site-builder-search-", dir=_scratch(size)) as tmp:
        scratch = Path(tmp)
        try:
            fill_new_folder(scratch / "site", {r: Planned(data=pages[r]) for r in sorted(pages)})
        except OSError as exc:
            problem = SourceError(
                None,
                f"the pages could not be copied for the Pagefind indexer: {exc}",
                hint=f"make room on the disk holding {tempfile.gettempdir()}, {_TURN_OFF}",
            )
            raise BuildFailed([problem]) from None
        with open(scratch / "log", "w+b") as log:
            try:
                process = subprocess.Popen(
                    [str(program), "--site", "site", "--output-path", "bundle"],
                    cwd=scratch,  # so that no pagefind.yml of the user's is read
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=_environment(),
                )
            except OSError as exc:
                raise BuildFailed([_failure(f"the Pagefind indexer could not run: {exc}")]) from exc
            returncode = _wait(process, cancel)
            log.seek(0)
            said = log.read().decode("utf-8", errors="replace").strip().splitlines()[-5:]
        bundle = _read_bundle(scratch / "bundle")
        if returncode != 0:
            raise BuildFailed(
                [_failure(f"the Pagefind indexer failed (exit code {returncode})", said)]
            )
        if "pagefind-entry.json" not in bundle:
            raise BuildFailed([_failure("the Pagefind indexer wrote no index", said)])
        return bundle


def _scratch(size: int) -> str | None:
    """Where the scratch folder goes: shared memory when it has room for the pages and the
    bundle (a container's is often 64 MB), else the system's temporary folder."""
    shared = "/dev/shm"
    try:
        if os.access(shared, os.W_OK) and shutil.disk_usage(shared).free > 3 * size + (32 << 20):
            return shared
    except OSError:
        pass
    return None


def _read_bundle(folder: Path) -> dict[str, bytes]:
    bundle: dict[str, bytes] = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            bundle[path.relative_to(folder).as_posix()] = path.read_bytes()
    return bundle


def _environment() -> dict[str, str]:
    """Pagefind reads its settings from PAGEFIND_* variables too: only ours count."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}


def _wait(process: subprocess.Popen[bytes], cancel: threading.Event | None) -> int:
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while True:
            try:
                return process.wait(timeout=_POLL_S)
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel.is_set():
                raise SearchCancelled()
            if time.monotonic() > deadline:
                raise BuildFailed(
                    [_failure(f"the Pagefind indexer gave no answer in {TIMEOUT_S} s")]
                )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _failure(message: str, said: list[str] | None = None) -> SourceError:
    detail = (": " + " / ".join(line.strip() for line in said if line.strip())) if said else ""
    return SourceError(
        None,
        message + detail,
        hint=f"reinstall it with .venv/bin/pip install --force-reinstall 'pagefind[bin]', "
        f"{_TURN_OFF}",
    )
