"""The search index (Pagefind), remade only when what it reads of the pages changed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .search import (
    BUNDLE,
    indexed_parts,
    parts_fingerprint,
    remember_bundle,
    remembered_bundle,
    run_indexer,
)

if TYPE_CHECKING:
    from .site_plan import SitePlan


@dataclass(frozen=True)
class SearchTiming:
    """When the search index is remade. ``build`` remakes it in the same build (the default);
    serve passes ``later=True`` so a save reaches the browser without waiting for Pagefind
    (seconds on a big site): the old bundle is kept, recorded as out of date, and serve's
    next build remakes it, stopping early (SearchCancelled) if ``cancel`` is set."""

    later: bool = False
    cancel: threading.Event | None = None


@dataclass(frozen=True)
class IndexPlan:
    """What the search stage leaves for writing: a first build's indexing (run while the pages
    are written), whether the index was left out of date for later, and whether what the
    caller asked to be done meanwhile was done."""

    indexing: Indexing | None = None
    pending: bool = False
    meanwhile_done: bool = False


def index_site(
    site: SitePlan, store: Path, timing: SearchTiming, meanwhile: Callable[[], None]
) -> IndexPlan:
    """Plan the search index's files; ``meanwhile`` runs while Pagefind does (its own
    process), when it runs in this build and output/ is not new."""
    planned = plan_search_index(site, timing, store)
    if isinstance(planned, Indexing) and site.previous is not None:
        # before anything is written into output/
        with ThreadPoolExecutor(1, thread_name_prefix="search-index") as pool:
            bundle = pool.submit(planned.run)
            meanwhile()
            planned.put(site, bundle.result())
        return IndexPlan(meanwhile_done=True)
    if isinstance(planned, Indexing):
        return IndexPlan(indexing=planned)  # a fresh build: made while the pages are written
    return IndexPlan(pending=planned is False)


def plan_search_index(site: SitePlan, timing: SearchTiming, store: Path) -> bool | Indexing:
    """The Pagefind bundle, made from the finished pages and written like any other output:
    True when the bundle is up to date, False when it is out of date and was left for later,
    else the indexing to do.

    Its files carry the fingerprint of what the indexer reads of every page (parts_fingerprint),
    so it is remade only when that changed; and it is made before anything is written into
    output/, so a failing indexer leaves it as it was. serve (``timing.later``) does not even
    look at the parts: when a page changed, the bundle is kept marked as pending.
    """
    previous = {
        relative: record
        for relative, record in (site.previous or {}).items()
        if relative.startswith(BUNDLE + "/")
    }
    made_from = {_without_pending(record.fingerprint) for record in previous.values()}
    if timing.later and previous:
        # a page is new, changed or gone: only what this build writes or leaves out can say
        pending = (
            any(relative.endswith(".html") for relative in site.changes)
            or any(r.endswith(".html") and r not in site.records for r in site.previous or ())
            or any(_is_pending(r.fingerprint) for r in previous.values())
        )
        if pending or len(made_from) != 1:
            for relative, record in previous.items():
                if not _is_pending(record.fingerprint):
                    record = replace(record, fingerprint=_pending(record.fingerprint))
                site.keep(relative, record)
            return False
    html = sorted(relative for relative in site.records if relative.endswith(".html"))
    digests = {relative: site.records[relative].hash for relative in html}
    indexing = Indexing(digests, partial(planned_bytes, site), store, timing.cancel)
    if not previous:
        return indexing
    fingerprint = indexing.fingerprint_parts()
    if made_from == {fingerprint} and all(
        site.unchanged(relative, record.fingerprint) for relative, record in previous.items()
    ):
        for relative, record in previous.items():
            site.keep(relative, replace(record, fingerprint=fingerprint))
        return True
    return indexing


_PENDING = "pending:"  # a kept bundle's fingerprint, while serve has its remaking still to do


def _pending(fingerprint: str | None) -> str:
    return _PENDING + _without_pending(fingerprint)


def _is_pending(fingerprint: str | None) -> bool:
    return bool(fingerprint and fingerprint.startswith(_PENDING))


def _without_pending(fingerprint: str | None) -> str:
    return (fingerprint or "").removeprefix(_PENDING)


@dataclass
class Indexing:
    """Pagefind run over the pages planned. ``run`` only reads the planned pages (and, in a
    later build, unchanged ones from output/), so it can run in a thread while a first build's
    pages are written (Pagefind itself is a separate process)."""

    digests: dict[str, str]
    read: Callable[[str], bytes]
    store: Path
    cancel: threading.Event | None
    parts: dict[str, bytes] | None = None
    fingerprint: str = ""

    def fingerprint_parts(self) -> str:
        self.parts = indexed_parts(self.store, self.digests, self.read)
        self.fingerprint = parts_fingerprint(self.parts)
        return self.fingerprint

    def run(self) -> dict[str, bytes]:
        if self.parts is None:
            self.fingerprint_parts()
        assert self.parts is not None
        if not self.parts:
            return {}
        bundle = remembered_bundle(self.store, self.fingerprint)
        if bundle is None:
            bundle = run_indexer(self.parts, cancel=self.cancel)
            remember_bundle(self.store, self.fingerprint, bundle)
        return bundle

    def put(self, site: SitePlan, bundle: Mapping[str, bytes]) -> None:
        for relative, data in bundle.items():
            site.put(f"{BUNDLE}/{relative}", data, self.fingerprint)


def planned_bytes(site: SitePlan, relative: str) -> bytes:
    planned = site.changes.get(relative)
    if planned is not None and planned.data is not None:
        return planned.data
    return (site.output / relative).read_bytes()
