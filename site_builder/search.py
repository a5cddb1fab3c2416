"""The site search index: Pagefind, run over the finished pages before anything is written.

Pagefind reads the built HTML and writes a static index (pagefind/ beside the pages) that the
search page queries in the browser; no server is involved. Which pages go in is decided when the
pages are rendered (seo.py marks <main data-pagefind-body> on indexable pages only), so here we
only run the indexer and turn its failures into messages a content editor can act on.

The binary comes with the `pagefind[bin]` Python package, found through pagefind's own lookup
(PAGEFIND_BINARY_PATH, the bundled binary, then `pagefind` on PATH).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import BuildFailed, SourceError

BODY_MARKER = "data-pagefind-body"
BUNDLE = "pagefind"  # the folder Pagefind writes inside the site
TIMEOUT_S = 600
_TURN_OFF = "or turn site search off with 'search: false' in content/site.yaml"


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


def search_bundle(pages: Mapping[str, bytes], program: Path | None = None) -> dict[str, bytes]:
    """The Pagefind bundle's files (paths inside pagefind/ -> bytes) for the marked pages.

    ``pages`` maps each HTML file's path in the site to its bytes. Only marked pages are handed
    to the indexer, in a scratch folder, so the index sees exactly what the site will serve
    and nothing is written into the site here.
    """
    marked = {path: data for path, data in pages.items() if BODY_MARKER.encode() in data}
    if not marked:
        return {}
    with tempfile.TemporaryDirectory(prefix="site-builder-search-") as scratch:
        site = Path(scratch)
        for path, data in marked.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        build_search_index(site, program)
        bundle = site / BUNDLE
        return {
            file.relative_to(bundle).as_posix(): file.read_bytes()
            for file in sorted(bundle.rglob("*"))
            if file.is_file()
        }


def build_search_index(site: Path, program: Path | None = None) -> int:
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
    try:
        result = subprocess.run(
            [str(program), "--site", str(site), "--output-subdir", BUNDLE, "--quiet"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildFailed([_failure(f"the Pagefind indexer could not run: {exc}")]) from exc
    if result.returncode != 0:
        said = (result.stderr.strip() or result.stdout.strip()).splitlines()[-5:]
        raise BuildFailed(
            [_failure(f"the Pagefind indexer failed (exit code {result.returncode})", said)]
        )
    return len(marked)


def _failure(message: str, said: list[str] | None = None) -> SourceError:
    detail = (": " + " / ".join(line.strip() for line in said if line.strip())) if said else ""
    return SourceError(
        None,
        message + detail,
        hint=f"reinstall it with .venv/bin/pip install --force-reinstall 'pagefind[bin]', "
        f"{_TURN_OFF}",
    )
