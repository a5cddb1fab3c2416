"""The build, top to bottom: discover, load, validate, select, plan, images, render, write.

Everything is read and checked before anything is written, and the site is written into a
staging folder that replaces output/ only when every page succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from .checking import check, load_changed
from .errors import BuildFailed
from .indexing import IndexPlan, SearchTiming, index_site
from .links import Urls
from .output import (
    unsafe_output,
)
from .pages import plan_pages
from .pages.machine import TextFile, machine_files
from .photos import image_cache, process_photos
from .project import BuildOptions
from .records import (
    BuildReport,
    BuildState,
    Signatures,
    input_folders,
    input_signatures,
    save_stamp,
    search_store,
    state_file,
    unchanged_report,
)
from .render_pages import render_site
from .session import BuildSession, remembered_texts
from .site_plan import plan_files, state_key, write_site


def build(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None = None,
    session: BuildSession | None = None,
    search: SearchTiming | None = None,
    inputs: Signatures | None = None,
    changed: Iterable[Path] | None = None,
) -> BuildReport:
    """Build the site into options.output, or raise BuildFailed with every problem found.

    Only pages whose inputs changed since the last build are rendered, and only files whose
    bytes changed are written; nothing in output/ changes unless every page succeeded.
    ``progress(done, total)`` hears about new photos being processed, for a progress bar.
    ``search`` lets serve put off remaking the search index (see SearchTiming). ``inputs``:
    the signatures of every input, already found to differ from the last build's (the command
    line checks that before loading the builder; see records.unchanged_report). ``changed``:
    with a ``session``, the files serve's watcher saw change since the session's last build;
    only they are looked at again (None: every file is).
    """
    started = time.perf_counter()
    clock = _Clock()
    if session is None and inputs is None:  # `build`: its memory is kept in .cache/
        inputs = input_signatures(input_folders(options))
        unchanged = None if options.verify else unchanged_report(options, inputs, started)
        if unchanged is not None:
            return unchanged
    session = session or BuildSession.for_project(options.project)
    loaded = load_changed(options, session, changed)
    clock.lap("load and validate")
    refusal = unsafe_output(options.output, options.project)
    if refusal:
        raise BuildFailed([refusal])
    content, published = loaded.content, loaded.published
    urls = Urls.from_base(options.base_url or content.site.base_url)
    pages = plan_pages(content, published, session.kept_pages)
    texts_used: set[tuple[object, ...]] = set()
    made = remembered_texts(session, content, loaded.digests, urls, published.today, texts_used)
    files = machine_files(content, published, pages, urls, made, session.markdown)
    clock.lap("plan pages")
    photo_memory = session if not session.persist else None
    processed = process_photos(
        content, published, options, progress, photo_memory, loaded.text_only
    )
    session.unseen = frozenset()  # every changed file has been looked at
    clock.lap("images")
    rendering = render_site(options, loaded, urls, pages, processed, session)
    clock.lap("render")
    site = rendering.site
    told = plan_files(site, files, rendering.theme, options.project, processed.values())
    warnings = [*loaded.warnings, *told]
    clock.lap("plan files")
    cache = options.project.cache
    keep_renders = partial(session.keep_renders, cache, rendering.fragments.current, texts_used)
    index = IndexPlan()
    if content.site.search:
        store = search_store(cache, options.output)
        index = index_site(site, store, search or SearchTiming(), meanwhile=keep_renders)
        clock.lap("search index")
    written_paths = write_site(site, options, index.indexing)
    removed = len(site.removed())
    clock.lap("write")
    previous = rendering.previous
    state = BuildState(previous.key if previous else state_key(options, urls), site.records)
    changed_record = bool(written_paths) or previous is None or previous.outputs != site.records
    saved_to, photo_cache = state_file(cache, options.output), image_cache(options.project)
    session.remember_build(state, saved_to, changed_record, processed, photo_cache)
    if not index.meanwhile_done:
        keep_renders()
    counts = {"pages": len(pages), "files": len(files), "images": len(processed)}
    if inputs is not None:
        save_stamp(options, inputs, state.key, counts, warnings)
    clock.lap("remember")
    return BuildReport(
        pages=len(pages),
        files=len(files),
        images=len(processed),
        warnings=warnings,
        seconds=time.perf_counter() - started,
        output=options.output,
        timings=clock.laps,
        rendered=site.rendered,
        written=len(written_paths) - removed,
        removed=removed,
        incremental=previous is not None,
        changed=tuple(written_paths),
        search_pending=index.pending,
    )


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


__all__ = ["BuildReport", "SearchTiming", "TextFile", "build", "check"]
