"""The build, top to bottom: discover, load, validate, select, plan, images, render, write.

Everything is read and checked before anything is written, and the site is written into a
staging folder that replaces output/ only when every page succeeded.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, cast

import jinja2
import jinja2.bccache
from markupsafe import Markup

from . import images as image_pipeline
from . import kinds, markup, seo
from .content import Content, Entry, Sources
from .discovery import content_files, discover, load_documents
from .errors import BuildFailed, SourceError
from .files import write_atomic
from .incremental import (
    Document,
    Fingerprinter,
    LastingHashes,
    SourceCache,
    TemplateFacts,
    TemplateIndex,
    load_documents_cached,
    page_fingerprint,
)
from .links import Urls, output_file
from .media import check_files, publish_folder
from .output import (
    MARKER,
    Planned,
    apply_changes,
    fill_new_folder,
    staged_output,
    unsafe_output,
)
from .project import BuildOptions, Project
from .published import PlanView, Published, select_published
from .records import (
    BuildReport,
    BuildStamp,
    BuildState,
    OutputRecord,
    Signatures,
    builder_version,
    content_hash,
    file_signature,
    input_folders,
    input_signatures,
    options_key,
    search_store,
    stamp_file,
    stamp_key,
    state_file,
    unchanged_report,
)
from .render import (
    KIND_CASE_STUDIES,
    KIND_GALLERIES,
    KIND_NEWS,
    PageSpec,
    make_environment,
    render_page,
    template_error,
    theme_folders,
)
from .routes import Make, PlanPages, TextFile, machine_files, navigation, plan_pages
from .search import (
    BUNDLE,
    indexed_parts,
    parts_fingerprint,
    remember_bundle,
    remembered_bundle,
    run_indexer,
)
from .validate import EntriesMade, check_model, validate_content
from .writing import unwritable


@dataclass
class BuildSession:
    """What one build leaves for the next: parsed content by content hash. ``serve`` keeps one
    in memory; ``build`` loads it from and saves it to the project's cache folder."""

    sources: SourceCache
    persist: bool = True
    compiled: jinja2.BytecodeCache | None = None
    resolved: dict[str, Path] = field(default_factory=dict)  # photo paths, resolved
    photos: _PhotoMemory = field(default_factory=lambda: _PhotoMemory())
    # <picture> markup by photo and arguments: a portrait is on its profile and on several
    # list pages (the list of all technicians has 1,000), and serve re-renders those lists
    pictures: dict[tuple[object, ...], Markup] = field(default_factory=dict)
    # cached() fragments (a technician's card) by entry, arguments and theme: the card of
    # every technician is on four list pages, and serve re-renders those lists on each save
    fragments: dict[tuple[object, ...], _Fragment] = field(default_factory=dict)
    # feeds and plan downloads by path and the digests of what they are made from
    texts: dict[tuple[object, ...], str] = field(default_factory=dict)
    pruned_for: frozenset[str] | None = None  # the photos the image cache was last pruned for
    # the last build's record and its state file's signature: serve need not re-read it
    state: tuple[BuildState, tuple[int, int, int, int] | None] | None = None
    # the last listing of the content folders, and every file in it (serve: reused while
    # the watcher sees only known files change)
    found: tuple[Sources, frozenset[str]] | None = None
    # the last check's documents and digests, for that listing, and its entries by file
    loaded: tuple[Sources, dict[Path, Document], dict[Path, str]] | None = None
    entries: EntriesMade = field(default_factory=dict)
    published: Published | None = None  # the last check's (its plan views are reused)
    plan_pages: PlanPages = field(default_factory=lambda: PlanPages())  # the last build's
    lasting: LastingHashes = field(default_factory=lambda: LastingHashes((Entry, PlanView)))
    templates: tuple[str, TemplateIndex] | None = None  # what the theme's templates use, by theme
    # files the watcher saw change that no build has looked at yet (None: unknown, look at all)
    unseen: frozenset[str] | None = frozenset()
    # serve: the record a build left, saved once the browser has been told (save_state)
    unsaved: tuple[BuildState, Path] | None = None
    # the keys of the fragments and texts read from .cache/ (saved again if they differ), and
    # how the last build tells which of them a later one can use
    remembered: frozenset[tuple[object, ...]] = frozenset()
    conversions_saved: int = 0  # markup.conversion_count() when the memory was read or saved
    reusable: tuple[Callable[[tuple[object, ...]], bool], set[tuple[object, ...]]] | None = None
    # serve: each kind of page's template and shared values in the last build (see _Reach)
    layouts: dict[tuple[str, tuple[str, ...]], bytes] | None = None
    # serve: the last build's record and the photos it was made with (see _PictureUse.kept)
    recorded_photos: tuple[BuildState, Mapping[Path, image_pipeline.ProcessedImage]] | None = None
    check_reach: bool = False  # tests: work out every passed-over page's fingerprint anyway

    def save_state(self) -> None:
        """Save the record of the last build into .cache/ (at the latest when the next starts)."""
        if self.unsaved is not None:
            state, file = self.unsaved
            self.unsaved = None
            state.save(file)
            self.state = (state, _signature(file))

    @classmethod
    def for_project(cls, project: Project, persist: bool = True) -> BuildSession:
        version = builder_version()
        on_disk = jinja2.FileSystemBytecodeCache(
            str(_templates_cache(project, version)), pattern="%s.cache"
        )
        compiled = on_disk if persist else _MemoryBytecodeCache(on_disk)
        session = cls(SourceCache.load(project.cache, version), persist, compiled)
        memory = _RenderedMemory.load(project.cache, version)
        session.fragments, session.texts = memory.fragments, memory.texts
        session.remembered = frozenset(session.fragments) | frozenset(session.texts)
        markup.remember_conversions(memory.conversions)
        session.conversions_saved = markup.conversion_count()
        return session

    def save_rendered(self, cache: Path) -> None:
        """Keep the fragments that are still current and the texts the last build used in
        .cache/, for the next `build` process or serve session: after one profile edit, the
        lists of 1,000 cards are then made from remembered cards. ``build`` saves after each
        build, serve when it stops."""
        if self.reusable is None:
            return
        fragment_current, texts_used = self.reusable
        self.fragments = {k: v for k, v in self.fragments.items() if fragment_current(k)}
        self.texts = {k: v for k, v in self.texts.items() if k in texts_used}
        now = frozenset(self.fragments) | frozenset(self.texts)
        converted = markup.conversion_count()
        if now != self.remembered or converted != self.conversions_saved:
            conversions = markup.recent_conversions(KEPT_CONVERSIONS)
            _RenderedMemory(builder_version(), self.fragments, self.texts, conversions).save(cache)
            self.remembered = now
            self.conversions_saved = converted


RENDERED_FILE = "rendered.pickle"
# Markdown conversions kept in it, the most recently used: the reference site has 1,554 texts;
# older versions of edited texts are dropped once newer uses pass this many.
KEPT_CONVERSIONS = 10_000


@dataclass
class _RenderedMemory:
    version: str
    fragments: dict[tuple[object, ...], _Fragment] = field(default_factory=dict)
    texts: dict[tuple[object, ...], str] = field(default_factory=dict)
    conversions: dict[str, str] = field(default_factory=dict)  # Markdown to HTML, by text
    markdown_version: str = markup.MARKDOWN_VERSION

    @classmethod
    def load(cls, cache: Path, version: str) -> _RenderedMemory:
        try:
            with (cache / RENDERED_FILE).open("rb") as handle:
                memory = pickle.load(handle)
        except Exception:  # missing, truncated or from other code: start afresh
            return cls(version)
        if (
            not isinstance(memory, cls)
            or memory.version != version
            or memory.markdown_version != markup.MARKDOWN_VERSION
        ):
            return cls(version)
        return memory

    def save(self, cache: Path) -> None:
        write_atomic(cache / RENDERED_FILE, pickle.dumps(self, pickle.HIGHEST_PROTOCOL))


class _PhotoMemory:
    """serve's last photo results: reused while the same photos are asked for with the same
    settings and none of their files changed (a stat each, instead of reading 1,000 cache
    manifests). ``build`` runs once per process and asks the photo cache every time."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._signatures: list[tuple[int, int, int, int] | None] = []
        self._processed: dict[Path, image_pipeline.ProcessedImage] = {}

    def get(
        self,
        requests: list[image_pipeline.ImageRequest],
        settings: image_pipeline.ImageOptions,
        signatures: list[tuple[int, int, int, int] | None] | None,
    ) -> dict[Path, image_pipeline.ProcessedImage] | None:
        """The remembered results; ``signatures`` None: the caller knows no photo changed."""
        if self._key != (tuple(requests), settings):
            return None
        if signatures is not None and self._signatures != signatures:
            return None
        return self._processed

    def remember(
        self,
        requests: list[image_pipeline.ImageRequest],
        settings: image_pipeline.ImageOptions,
        signatures: list[tuple[int, int, int, int] | None],
        processed: dict[Path, image_pipeline.ProcessedImage],
    ) -> None:
        self._key = (tuple(requests), settings)
        self._signatures = signatures
        self._processed = processed


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        return file_signature(path.stat())
    except OSError:
        return None


def _templates_cache(project: Project, version: str) -> Path:
    """Compiled templates of this builder version; those of older versions are dropped."""
    folder = project.cache / "templates" / version
    if not folder.is_dir():
        for old in folder.parent.glob("*"):
            if old.is_dir() and len(old.name) == len(version):
                shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    return folder


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory, for serve's rebuilds, in front of the ones `build`
    keeps in .cache/: serve's first save then compiles nothing (six templates, 0.3 s)."""

    def __init__(self, disk: jinja2.BytecodeCache | None = None) -> None:
        self._store: dict[str, bytes] = {}
        self._disk = disk

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])
        elif self._disk is not None:
            self._disk.load_bytecode(bucket)
            if bucket.code is not None:
                self._store[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
        if self._disk is not None:
            with contextlib.suppress(OSError):  # a read-only cache folder: memory will do
                self._disk.dump_bytecode(bucket)


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
        unchanged = unchanged_report(options, inputs, started)
        if unchanged is not None:
            return unchanged
    session = session or BuildSession.for_project(options.project)
    # What the watcher saw, with what builds that stopped before the photos saw: a photo saved
    # with a broken YAML file must still be looked at once the YAML is fixed.
    hint = None
    if changed is not None and session.unseen is not None:
        hint = session.unseen | frozenset(map(str, changed))
    session.unseen = hint
    content, published, problems, digests, looked_at = _check(options, session, hint)
    layouts, session.layouts = session.layouts, None  # until this build has succeeded
    clock.lap("load and validate")
    refusal = unsafe_output(options.output, options.project)
    if refusal:
        raise BuildFailed([refusal])
    urls = Urls.from_base(options.base_url or content.site.base_url)
    pages = plan_pages(content, published, session.plan_pages)
    texts_used: set[tuple[object, ...]] = set()
    made = _remembered_texts(session, content, digests, urls, published.today, texts_used)
    files = machine_files(content, published, pages, urls, made)
    clock.lap("plan pages")
    processed = _process_images(
        content,
        published,
        options,
        progress,
        session if not session.persist else None,
        text_only=hint is not None and all(p.endswith(_CONTENT_TEXT) for p in hint),
    )
    session.unseen = frozenset()  # every changed file has been looked at
    clock.lap("images")
    folders = theme_folders(options.project.themes, content.site.theme)
    pictures = _PictureUse(processed, session.resolved)
    if len(session.pictures) > PICTURES_REMEMBERED:
        session.pictures.clear()
    if len(session.fragments) > PICTURES_REMEMBERED:
        session.fragments.clear()
    theme = _theme_signature(folders)
    fragments = _Fragments(session.fragments, theme, digests, urls, pictures)
    helpers = _template_helpers(pictures, urls, options.project, session.pictures, fragments)
    env = make_environment(folders, urls, helpers, session.compiled)
    shared = _shared_context(content, published, urls)
    session.save_state()  # serve's last build, if it was not saved yet
    previous = _previous_build(options, urls, session)
    session.state = None  # until this build has succeeded
    site = _SitePlan(options.output.resolve(), previous)
    recorded, session.recorded_photos = session.recorded_photos, None
    pictures.as_recorded = (
        recorded is not None and recorded[0] is previous and recorded[1] is processed
    )
    if session.templates is not None and session.templates[0] == theme:
        templates = session.templates[1].rebind(env)
    else:
        templates = TemplateIndex(env, session.sources.templates)
    session.templates = (theme, templates)
    if len(session.lasting.known) > LASTING_HASHES:
        session.lasting.known.clear()
    known_templates = len(session.sources.templates)
    reach = _Reach.of(looked_at, session, layouts, site.trusted, session.check_reach)
    _plan_pages(
        site,
        env,
        folders,
        pages,
        shared,
        (pictures, fragments),
        (templates, reach),
        Fingerprinter(digests, session.lasting),
        options.jobs,
    )
    clock.lap("render")
    if len(session.sources.templates) != known_templates:
        session.sources.changed = True
    for file in files:
        site.put(file.path, file.text.encode())
    problems = [*problems, *_plan_static(site, folders, options.project, env, shared)]
    _plan_variants(site, processed.values(), _image_cache(options.project))
    clock.lap("plan files")
    pending, indexing, remembered = False, None, False
    if content.site.search:
        store = search_store(options.project.cache, options.output)
        planned = _plan_search_index(site, search or SearchTiming(), store)
        if isinstance(planned, _Indexing) and site.previous is not None:
            # before anything is written into output/; the caches are saved while it runs
            with ThreadPoolExecutor(1, thread_name_prefix="search-index") as pool:
                bundle = pool.submit(planned.run)
                _remember_renders(session, options, fragments, texts_used)
                remembered = True
                planned.put(site, bundle.result())
        elif isinstance(planned, _Indexing):
            indexing = planned  # a fresh build: made while the pages are written
        pending = planned is False
        clock.lap("search index")
    blocked = unwritable(options.output, [*site.changes, *site.removed()])
    if blocked is not None:
        raise BuildFailed([blocked])
    written_paths = _write(site, options, indexing)
    removed = len(site.removed())
    written = len(written_paths) - removed
    clock.lap("write")
    state = BuildState(previous.key if previous else _state_key(options, urls), site.records)
    saved_to = state_file(options.project.cache, options.output)
    session.layouts = reach.layouts
    session.recorded_photos = (state, processed)
    if written or removed or previous is None or previous.outputs != site.records:
        session.unsaved = (state, saved_to)
        if session.persist:
            session.save_state()
    else:
        session.state = (state, _signature(saved_to))
    kept = frozenset(image.key for image in processed.values())
    if session.pruned_for != kept:  # serve: the cache was pruned for these same photos
        image_pipeline.prune_cache(_image_cache(options.project), processed.values())
        session.pruned_for = kept
    if not remembered:
        _remember_renders(session, options, fragments, texts_used)
    warnings = [p for p in problems if p.severity == "warning"]
    if inputs is not None:
        stamp = BuildStamp(
            stamp_key(options),
            inputs,
            state.key,
            {"pages": len(pages), "files": len(files), "images": len(processed)},
            warnings,
        )
        stamp.save(stamp_file(options.project.cache, options.output))
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
        written=written,
        removed=removed,
        incremental=previous is not None,
        changed=tuple(written_paths),
        search_pending=pending,
    )


def _remember_renders(
    session: BuildSession,
    options: BuildOptions,
    fragments: _Fragments,
    texts_used: set[tuple[object, ...]],
) -> None:
    """Note which remembered fragments and texts a later build can use; `build` also saves
    them and the parsed content for the next process (serve saves them when it stops)."""
    session.reusable = (fragments.current, texts_used)
    if session.persist:
        if session.sources.changed:
            session.sources.save(options.project.cache)
        session.save_rendered(options.project.cache)


def check(options: BuildOptions) -> tuple[Content, Published, list[SourceError]]:
    """Read and validate everything; raise BuildFailed listing every error in every file."""
    sources = discover(options.project)
    documents = load_documents(sources)
    content, problems = validate_content(sources, documents, options.today)
    if content is None:
        raise BuildFailed(problems)
    project = options.project
    folders = theme_folders(project.themes, content.site.theme)
    inside = (project.content, project.galleries, project.themes)
    problems = [*problems, *check_files(project.content, inside, folders)]
    if any(problem.severity == "error" for problem in problems):
        raise BuildFailed(problems)
    published = select_published(content, options.today, options.drafts)
    return content, published, problems


def _check(
    options: BuildOptions, session: BuildSession, changed: frozenset[str] | None = None
) -> tuple[Content, Published, list[SourceError], dict[Path, str], frozenset[str] | None]:
    """As check(), reusing the parse and validation of every file whose bytes are unchanged.
    With ``changed`` (serve's watcher), only those files are looked at again, and the content
    folders are not listed again when each of them is a file the last listing found.
    Also returns the files looked at again (None: every file was)."""
    cache = session.sources
    found = session.found
    if (
        changed is None
        or found is None
        or not all(
            path in found[1] and os.path.isfile(path) and not os.path.islink(path)
            for path in changed
        )
    ):
        sources = discover(options.project)
        session.found = found = (sources, _files_of(sources))
        changed = None  # a file added, removed or unknown: look at every file
    sources = found[0]
    last = session.loaded[1:] if session.loaded and session.loaded[0] is sources else None
    documents, digests = load_documents_cached(sources, cache, changed, last)
    session.loaded = (sources, documents, digests)
    if changed is None:  # listed again, so files may have gone: forget their entries
        session.entries = {k: v for k, v in session.entries.items() if k in documents}
    content, problems = validate_content(
        sources,
        documents,
        options.today,
        lambda model, doc: cache.check(model, doc, check_model),
        session.entries,
    )
    if content is None:
        raise BuildFailed(problems)
    published = select_published(content, options.today, options.drafts, session.published)
    session.published = published
    return content, published, problems, digests, changed


_CONTENT_TEXT = (".yaml", ".yml", ".md", ".markdown")


def _files_of(sources: Sources) -> frozenset[str]:
    """Every file a listing of the content folders found (content files, photos, media)."""
    return frozenset([*(str(path) for _, path in content_files(sources)), *sources.media])


def _remembered_texts(
    session: BuildSession,
    content: Content,
    digests: Mapping[Path, str],
    urls: Urls,
    today: object,
    used: set[tuple[object, ...]],
) -> Make:
    """machine_files' ``made``: a feed or a plan download is remade only when a file it is
    made from, site.yaml, the address or the date changed (JSON of 150 actions takes 40 ms).
    ``used`` collects the keys asked for, which `build` keeps for the next process."""
    site = digests.get(content.site_entry.path)

    def made(path: str, sources: tuple[Path, ...], make: Callable[[], str]) -> str:
        # paths too: a renamed news item keeps its bytes, but its address changes
        key = (path, site, urls.base_url, today, *((str(s), digests.get(s)) for s in sources))
        used.add(key)
        text = session.texts.get(key)
        if text is None:
            if len(session.texts) > TEXTS_REMEMBERED:
                session.texts.clear()
            text = session.texts[key] = make()
        return text

    return made


TEXTS_REMEMBERED = 1_000
LASTING_HASHES = 20_000  # serve forgets them all past this (each save adds a few)


# --- images ---------------------------------------------------------------------------------


def _image_cache(project: Project) -> Path:
    return project.cache / "images"


def image_requests(
    content: Content,
    published: Published,
    project: Project,
    resolved: dict[str, Path] | None = None,
) -> list[image_pipeline.ImageRequest]:
    """Every photo the site needs; ``resolved`` (serve's session) remembers resolved paths."""
    known = {} if resolved is None else resolved

    def resolve(path: Path) -> Path:
        found = known.get(str(path))
        if found is None:
            found = known[str(path)] = path.resolve()
        return found

    def photo(gallery: str, name: str) -> Path:
        found = known.get(f"{gallery}\0{name}")  # no Path made for a photo seen before
        if found is None:
            # The folder resolved once per gallery, each file with one lstat: resolving a
            # path walks every folder above it (1,000 photos took 80 ms).
            candidate = resolve(project.galleries / gallery) / name
            if "/" in name or "\\" in name or name in (".", "..") or candidate.is_symlink():
                candidate = candidate.resolve()
            found = known[f"{gallery}\0{name}"] = candidate
        return found

    requests = []
    for tech in published.technicians:
        if tech.meta.photo:
            requests.append(
                image_pipeline.ImageRequest(
                    source=photo(tech.meta.gallery, tech.meta.photo),
                    used_by=tech.path,
                    field="photo",
                    square=True,
                    focus=_focus(tech.meta.focus),
                )
            )
    articles: list[Entry[Any]] = [*published.case_studies, *published.news]
    for article in articles:
        if article.meta.image is not None:
            requests.append(
                image_pipeline.ImageRequest(
                    source=resolve(project.content / article.meta.image.src),
                    used_by=article.path,
                    field="image.src",
                )
            )
    if content.site.share_image is not None:
        requests.append(
            image_pipeline.ImageRequest(
                source=(project.content / content.site.share_image.src).resolve(),
                used_by=content.site_entry.path,
                field="share_image.src",
            )
        )
    unique: dict[tuple[Path, bool], image_pipeline.ImageRequest] = {}
    for request in requests:
        unique.setdefault((request.source, request.square), request)
    return list(unique.values())


def _focus(focus: str | None) -> str | None:
    return "centre" if focus in {"center", "middle"} else focus


def _process_images(
    content: Content,
    published: Published,
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    session: BuildSession | None = None,
    text_only: bool = False,
) -> dict[Path, image_pipeline.ProcessedImage]:
    """Every photo's web copies, from the photo cache (made when missing). ``text_only``: only
    content text files changed since the session's last build, so its photos are as they were.
    """
    resolved = session.resolved if session is not None else None
    requests = image_requests(content, published, options.project, resolved)
    settings = image_pipeline.ImageOptions.from_settings(content.site.images)
    if session is not None and text_only:  # serve's watcher saw only content text change
        remembered = session.photos.get(requests, settings, None)
        if remembered is not None:
            return remembered
    # Signatures taken before processing: a photo saved meanwhile is seen as changed next time.
    signatures = [_signature(r.source) for r in requests] if session else []
    if session is not None:
        remembered = session.photos.get(requests, settings, signatures)
        if remembered is not None:
            return remembered
    processed, problems = image_pipeline.process_images(
        requests, settings, _image_cache(options.project), jobs=options.jobs, progress=progress
    )
    if session is not None and not problems:
        session.photos.remember(requests, settings, signatures, processed)
    if problems:
        raise BuildFailed(
            [
                SourceError(
                    p.used_by,
                    p.message,
                    field=p.field,
                    hint=p.hint,
                    line=_field_line(content, p.used_by, p.field),
                )
                for p in problems
            ]
        )
    return processed


def _field_line(content: Content, path: Path, field_name: str) -> int | None:
    entries: list[Entry[Any]] = [
        content.site_entry,
        *content.technicians,
        *content.case_studies,
        *content.news,
    ]
    for entry in entries:
        if entry.path == path and entry.located is not None:
            position = entry.located.key_position(tuple(field_name.split(".")))
            return position[0] if position else None
    return None


class _PictureUse:
    """The processed photos, and which of them the page being rendered asked for: a page
    whose inputs are unchanged still changes when one of its photos does."""

    def __init__(
        self,
        processed: Mapping[Path, image_pipeline.ProcessedImage],
        resolved: dict[str, Path],
    ):
        self.processed = processed
        self.used: dict[str, str] = {}
        self._resolved = resolved  # kept by the session: resolving costs a call per folder
        self._signatures: dict[str, str] | None = None  # by path as text, made once
        # serve: the build whose record this one starts from had these very photos, so each
        # page it recorded was checked against them (3,000 checks a save)
        self.as_recorded = False

    def get(self, source: Path | str) -> image_pipeline.ProcessedImage | None:
        name = str(source)
        path = self._resolved.get(name)
        if path is None:
            path = self._resolved[name] = Path(source).resolve()
        image = self.processed.get(path)
        self.used[str(path)] = _image_signature(image)
        return image

    def kept(self, recorded: Mapping[str, str]) -> bool:
        """As unchanged(), for a page in the record this build starts from."""
        return self.as_recorded or self.unchanged(recorded)

    def unchanged(self, recorded: Mapping[str, str]) -> bool:
        """The photos a page or card recorded are processed as they were then."""
        signatures = self._signatures
        if signatures is None:
            signatures = self._signatures = {
                str(path): _image_signature(image) for path, image in self.processed.items()
            }
        return all(signatures.get(path, "none") == seen for path, seen in recorded.items())


def _image_signature(image: image_pipeline.ProcessedImage | None) -> str:
    return f"{image.key}:{image.width}x{image.height}" if image else "none"


PICTURES_REMEMBERED = 20_000  # serve forgets them all past this; a rebuild remakes them


@dataclass
class _Fragment:
    html: Markup
    images: dict[str, str]  # the photos it shows, as _PictureUse.used records them


@dataclass
class _Fragments:
    """``cached(macro, entry, **options)`` for templates: the macro's output for an entry,
    remembered while the entry's file, the arguments, the address and the theme's templates
    are the same and its photos are unchanged. A page showing a remembered fragment records
    the fragment's photos as its own, as if it had rendered it."""

    memory: dict[tuple[object, ...], _Fragment]
    theme: str
    digests: Mapping[Path, str]
    urls: Urls
    pictures: _PictureUse
    made: dict[tuple[object, ...], _Fragment] = field(default_factory=dict)  # in this process
    _named: dict[object, str] | None = field(default=None, init=False, repr=False)

    def current(self, key: tuple[object, ...]) -> bool:
        """Could a later build use this remembered fragment? (Its file, theme and address are
        as they are now; photos are checked when it is used.)"""
        if self._named is None:
            self._named = {str(path): digest for path, digest in self.digests.items()}
        theme, _, path, digest, base_url, _ = key
        return (
            theme == self.theme
            and base_url == self.urls.base_url
            and (self._named.get(path) == digest)
        )

    def __call__(self, macro: Any, entry: Entry[Any], **options: Any) -> Markup:
        return self._one(macro, entry, options, tuple(options.items()))

    def each(
        self,
        macro: Any,
        entries: Iterable[Entry[Any]],
        first: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> Markup:
        """``cached_each(macro, entries, first={...}, **options)``: the fragments of a list of
        entries, joined; ``first`` overrides options for the first one (its photo not lazy,
        say). One call instead of a template loop calling ``cached`` a thousand times."""
        parts = []
        arguments = tuple(options.items())
        for number, entry in enumerate(entries):
            if number == 0 and first:
                chosen = {**options, **first}
                parts.append(self._one(macro, entry, chosen, tuple(chosen.items())))
            else:
                parts.append(self._one(macro, entry, options, arguments))
        return Markup("".join(parts))

    def _one(
        self,
        macro: Any,
        entry: Entry[Any],
        options: Mapping[str, Any],
        arguments: tuple[tuple[str, Any], ...],
    ) -> Markup:
        digest = self.digests.get(entry.path)
        if digest is None:  # not read from a file: nothing to key it on
            return Markup(macro(entry, **options))
        # the path as text: the keys are pickled into .cache/, and paths unpickle 4x slower
        key = (self.theme, macro.name, str(entry.path), digest, self.urls.base_url, arguments)
        found = self.memory.get(key)
        if found is not None and self.pictures.unchanged(found.images):
            self.pictures.used.update(found.images)
            return found.html
        page_photos, self.pictures.used = self.pictures.used, {}
        try:
            html = Markup(macro(entry, **options))
            images = self.pictures.used
        finally:
            page_photos.update(self.pictures.used)
            self.pictures.used = page_photos
        self.memory[key] = self.made[key] = _Fragment(html, images)
        return html


def _theme_signature(folders: Iterable[Path]) -> str:
    """Changes when any template file of the theme chain is added, removed or saved."""
    listing = []
    for folder in folders:
        for path in sorted((folder / "templates").rglob("*")):
            signature = _signature(path)
            listing.append(f"{path} {signature}")
    return content_hash("\n".join(listing).encode())


def _template_helpers(
    pictures: _PictureUse,
    urls: Urls,
    project: Project,
    markup: dict[tuple[object, ...], Markup],
    fragments: _Fragments,
) -> dict[str, Callable[..., Any]]:
    def picture(
        source: Path | str,
        alt: str,
        sizes: str = "100vw",
        lazy: bool = True,
        square: bool = False,
        css_class: str | None = None,
    ) -> Markup:
        image = pictures.get(source)  # also records the photo as used by this page
        if image is None:
            return Markup("")
        key = (image, urls.base_url, alt, sizes, lazy, square, css_class)
        html = markup.get(key)
        if html is None:
            html = markup[key] = image_pipeline.picture_html(
                image, alt, urls.url, sizes=sizes, lazy=lazy, square=square, css_class=css_class
            )
        return html

    def photo_of(tech: Entry[Any]) -> Path | None:
        if not tech.meta.photo:
            return None
        return project.galleries / tech.meta.gallery / tech.meta.photo

    def media(src: str) -> Path:
        return project.content / src

    page_seo = seo.template_helpers(
        seo.SeoSettings(urls, project.content, project.galleries, pictures.get)
    )
    return {
        "picture": picture,
        "photo_of": photo_of,
        "media": media,
        "cached": fragments,
        "cached_each": fragments.each,
        **page_seo,
    }


# --- rendering and writing -------------------------------------------------------------------


def _shared_context(content: Content, published: Published, urls: Urls) -> dict[str, Any]:
    return {
        "site": content.site,
        "nav": navigation(content, published),
        "published": published,
        "today": published.today,
        "current_plan": published.current_plan,
        "has_accessibility": content.accessibility is not None,
        "base_path": urls.base_path,
    }


def _previous_build(options: BuildOptions, urls: Urls, session: BuildSession) -> BuildState | None:
    """What the last build into this output folder made, if it can be built on; else None.
    The session's copy is used while the state file is the one that build saved."""
    output = options.output.resolve()
    if not (output / MARKER).is_file():
        return None
    saved, key = state_file(options.project.cache, options.output), _state_key(options, urls)
    if session.state is not None:
        state, signature = session.state
        if state.key == key and signature is not None and _signature(saved) == signature:
            state.written_here = True
            return state
    return BuildState.load(saved, key)


def _state_key(options: BuildOptions, urls: Urls) -> str:
    return options_key(options, base_url=urls.base_url)


class _SitePlan:
    """Every file of the new site: the ones to write (bytes, or a cached photo to link) and the
    record of each for the next build. Unchanged files are only recorded."""

    def __init__(self, output: Path, previous: BuildState | None):
        self.output = output
        self._prefix = f"{output}{os.sep}"  # joined as text: a Path per file costs 15 ms a build
        self.previous = previous.outputs if previous else None
        # When this process wrote the last build (serve, into its own preview folder), a stat
        # of each of thousands of files per save is not worth catching a hand-edited copy.
        self.trusted = previous is not None and previous.written_here
        self.records: dict[str, OutputRecord] = {}
        self.changes: dict[str, Planned] = {}
        self.rendered = 0

    def unchanged(self, relative: str, fingerprint: str | None) -> OutputRecord | None:
        """The previous record of a file whose inputs are the same, if it is still in place."""
        old = self.previous.get(relative) if self.previous is not None else None
        if old is None or fingerprint is None or old.fingerprint != fingerprint:
            return None
        return old if self.trusted or old.intact(self._prefix + relative) else None

    def keep(self, relative: str, record: OutputRecord) -> None:
        self.records[relative] = record

    def put(
        self,
        relative: str,
        data: bytes,
        fingerprint: str | None = None,
        images: dict[str, str] | None = None,
    ) -> None:
        digest = content_hash(data)
        self._put(relative, digest, Planned(data=data), fingerprint, images or {})

    def link(self, relative: str, folder: Path) -> None:
        """``relative`` is a hard link to the file of the same name in ``folder``."""
        digest = f"link:{relative}"
        old = self.previous.get(relative) if self.previous is not None else None
        if self.trusted and old is not None and old.fingerprint == digest:
            self.keep(relative, old)
        elif (kept := self.unchanged(relative, digest)) is None:
            self._put(relative, digest, Planned(link_to=folder / relative), digest, {})
        else:
            self.keep(relative, kept)

    def _put(
        self,
        relative: str,
        digest: str,
        planned: Planned,
        fingerprint: str | None,
        images: dict[str, str],
    ) -> None:
        old = self.previous.get(relative) if self.previous is not None else None
        if old is not None and old.hash == digest and old.intact(self._prefix + relative):
            self.records[relative] = OutputRecord(digest, fingerprint, old.stat, images)
            return
        self.records[relative] = OutputRecord(digest, fingerprint, (0, 0), images)
        self.changes[relative] = planned

    def removed(self) -> list[str]:
        if self.previous is None:
            return []
        return sorted(set(self.previous) - set(self.records))


@dataclass
class _Reach:
    """Which pages a save under serve cannot have changed, so that their fingerprints need not
    be worked out (1,700 of them were a fifth of a rebuild on the reference site).

    A page that declares the files its context is made from (PageSpec.inputs) is passed over
    when none of them is among the files looked at again, nothing was added or removed (the
    watcher's files were all known), and its kind of page (template, names in its context) has
    the same templates and shared values as in the last build of this session, whose record
    this build starts from. Any other page, and every page of any other build, is
    fingerprinted as before."""

    changed: frozenset[str] | None  # the files looked at again and the markers of their kinds
    before: dict[tuple[str, tuple[str, ...]], bytes]  # the last build's kinds of page
    layouts: dict[tuple[str, tuple[str, ...]], bytes] = field(default_factory=dict)
    check: bool = False

    @classmethod
    def of(
        cls,
        looked_at: frozenset[str] | None,
        session: BuildSession,
        before: dict[tuple[str, tuple[str, ...]], bytes] | None,
        same_record: bool,
        check: bool,
    ) -> _Reach:
        if looked_at is None or before is None or not same_record or session.found is None:
            return cls(None, {}, check=check)
        sources = session.found[0]
        if str(sources.site) in looked_at:  # settings any page may show: look at them all
            return cls(None, {}, check=check)
        files_of_kind = {
            KIND_NEWS: {str(p) for p in sources.of(kinds.NEWS)},
            KIND_CASE_STUDIES: {str(p) for p in sources.of(kinds.CASE_STUDY)},
            KIND_GALLERIES: {str(p) for p in sources.of(kinds.GALLERY)},
        }
        markers = {kind for kind, files in files_of_kind.items() if looked_at & files}
        return cls(looked_at | markers, before, check=check)

    def passes_over(
        self,
        spec: PageSpec,
        facts: TemplateFacts,
        values: Fingerprinter,
        shared: Mapping[str, Any],
    ) -> bool:
        if spec.inputs is None:
            return False
        kind = (spec.template, tuple(spec.context))
        layout = self.layouts.get(kind)
        if layout is None:
            _, shared_part = values.layout(facts, shared, _own(spec))
            layout = self.layouts[kind] = facts.digest + shared_part
        return (
            self.changed is not None
            and self.before.get(kind) == layout
            and spec.inputs.isdisjoint(self.changed)
        )

    @staticmethod
    def confirm(relative: str, old: OutputRecord, fingerprint: str | None) -> None:
        if fingerprint != old.fingerprint:
            raise AssertionError(f"{relative} was passed over, but what it shows changed")


def _own(spec: PageSpec) -> dict[str, Any]:
    """The values a page's template sees besides the shared ones."""
    return {"page_title": spec.title, **spec.context, "page_path": spec.path}


def _plan_pages(
    site: _SitePlan,
    env: Any,
    folders: list[Path],
    pages: list[PageSpec],
    shared: dict[str, Any],
    used: tuple[_PictureUse, _Fragments],
    templates: tuple[TemplateIndex, _Reach],
    values: Fingerprinter,
    jobs: int | None = None,
) -> None:
    """Render the pages whose inputs changed (all of them on a first build) into memory."""
    pictures, fragments = used
    index, reach = templates
    dirty: list[tuple[PageSpec, str | None]] = []
    for spec in pages:
        relative = output_file(spec.path)
        try:
            facts = index.facts(spec.template)
            passed_over = reach.passes_over(spec, facts, values, shared)
            fingerprint = (
                None if passed_over else page_fingerprint(facts, _own(spec), values, shared)
            )
        except Exception:  # a template that cannot be read or parsed: rendering says why
            passed_over, fingerprint = False, None
        if passed_over:
            old = site.previous.get(relative) if site.previous is not None else None
            if old is not None and old.fingerprint and pictures.kept(old.images):
                if reach.check:
                    again = page_fingerprint(facts, _own(spec), values, shared)
                    reach.confirm(relative, old, again)
                site.keep(relative, old)
                continue
            fingerprint = page_fingerprint(facts, _own(spec), values, shared)
        old = site.unchanged(relative, fingerprint)
        if old is not None and pictures.kept(old.images):
            site.keep(relative, old)
        else:
            dirty.append((spec, fingerprint))
    job = _RenderJob(env, folders, [spec for spec, _ in dirty], shared, pictures, fragments)
    problems: list[SourceError] = []
    for (spec, fingerprint), (result, images) in zip(dirty, job.run(jobs), strict=True):
        if isinstance(result, SourceError):
            problems.append(result)
            continue
        site.rendered += 1
        site.put(output_file(spec.path), result, fingerprint, images)
    if problems:
        raise BuildFailed(_unique(problems))


PARALLEL_MIN_PAGES = 300  # below this, starting worker processes costs more than it saves
_Rendered = tuple[bytes | SourceError, dict[str, str]]


@dataclass
class _RenderJob:
    """Pages to render; on a first build of a big site, in forked worker processes (which
    inherit the templates and content, so nothing has to be pickled on the way in)."""

    env: Any
    folders: list[Path]
    specs: list[PageSpec]
    shared: dict[str, Any]
    pictures: _PictureUse
    fragments: _Fragments
    converted_before: int = 0  # markup.conversion_count() when the workers were forked

    def run(self, jobs: int | None) -> list[_Rendered]:
        workers = min(jobs or os.cpu_count() or 1, len(self.specs) // (PARALLEL_MIN_PAGES // 2))
        # fork is only safe before any thread starts (serve's first build, or `build`)
        if (
            workers < 2
            or len(self.specs) < PARALLEL_MIN_PAGES
            or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return self.render(0, len(self.specs), 1)
        slices = workers * 4  # interleaved, so the heavy list pages spread over workers
        self.converted_before = markup.conversion_count()
        _FORKED.append(self)
        # The workers share this process's memory until either writes to a page of it: the
        # collector walking every object in a worker would write to (and so copy) them all.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_render_forked, [(k, slices) for k in range(slices)])
        finally:
            gc.unfreeze()
            _FORKED.clear()
        results: list[_Rendered | None] = [None] * len(self.specs)
        for k, (part, made, converted) in enumerate(parts):
            results[k::slices] = part
            # what the workers made, for the next build: cards and Markdown conversions
            self.fragments.memory.update(made)
            markup.remember_conversions(converted)
        return cast(list[_Rendered], results)  # every slot is filled by one of the slices

    def render(self, start: int, stop: int, step: int) -> list[_Rendered]:
        results: list[_Rendered] = []
        for spec in self.specs[start:stop:step]:
            self.pictures.used = {}
            try:
                html = render_page(self.env, spec, {**self.shared, "page_title": spec.title})
                results.append((html.encode(), self.pictures.used))
            except Exception as exc:  # a template mistake: report it against the template
                results.append((template_error(exc, self.folders, spec), {}))
        return results


# The job a forked worker inherits: set only while its pool runs.
_FORKED: list[_RenderJob] = []


def _render_forked(
    part: tuple[int, int],
) -> tuple[list[_Rendered], dict[tuple[object, ...], _Fragment], dict[str, str]]:
    start, step = part
    job = _FORKED[0]
    rendered = job.render(start, len(job.specs), step)
    # A worker renders several parts: each hands back only what it made itself.
    cards, job.fragments.made = job.fragments.made, {}
    converted = markup.conversions_added(job.converted_before)
    job.converted_before = markup.conversion_count()
    return rendered, cards, converted


@dataclass(frozen=True)
class SearchTiming:
    """When the search index is remade. ``build`` remakes it in the same build (the default);
    serve passes ``later=True`` so a save reaches the browser without waiting for Pagefind
    (seconds on a big site): the old bundle is kept, recorded as out of date, and serve's
    next build remakes it, stopping early (SearchCancelled) if ``cancel`` is set."""

    later: bool = False
    cancel: threading.Event | None = None


def _plan_search_index(site: _SitePlan, timing: SearchTiming, store: Path) -> bool | _Indexing:
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
    indexing = _Indexing(digests, partial(_planned_bytes, site), store, timing.cancel)
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
class _Indexing:
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

    def put(self, site: _SitePlan, bundle: Mapping[str, bytes]) -> None:
        for relative, data in bundle.items():
            site.put(f"{BUNDLE}/{relative}", data, self.fingerprint)


def _planned_bytes(site: _SitePlan, relative: str) -> bytes:
    planned = site.changes.get(relative)
    if planned is not None and planned.data is not None:
        return planned.data
    return (site.output / relative).read_bytes()


def _write(site: _SitePlan, options: BuildOptions, indexing: _Indexing | None = None) -> list[str]:
    """Write the changes: a first build into a fresh folder swapped in whole, later builds
    file by file (each atomically), only after every page has rendered. A first build's
    search index is made while its pages are written: if indexing fails, the folder goes."""
    if site.previous is None:
        with staged_output(options.output) as staging:
            pages = dict(site.changes)
            with ThreadPoolExecutor(1, thread_name_prefix="search-index") as pool:
                bundle = pool.submit(indexing.run) if indexing is not None else None
                written = fill_new_folder(staging, pages)
            if bundle is not None and indexing is not None:
                indexing.put(site, bundle.result())  # raises the indexer's failure
                rest = {r: planned for r, planned in site.changes.items() if r not in pages}
                written.update(fill_new_folder(staging, rest))
            for relative, info in written.items():
                site.records[relative].stat = (info.st_size, info.st_mtime_ns)
        return list(site.changes)
    removed = site.removed()
    if not site.changes and not removed:
        return []
    # If writing stops half-way (a full disk), the next build must not trust the old record.
    BuildState.forget(state_file(options.project.cache, options.output))
    written = apply_changes(options.output, site.changes, removed)
    for relative, info in written.items():
        site.records[relative].stat = (info.st_size, info.st_mtime_ns)
    return [*written, *removed]


def _unique(problems: list[SourceError]) -> list[SourceError]:
    """One template mistake breaks every page using it: report it once, with the count."""
    groups: dict[tuple[object, ...], list[SourceError]] = {}
    for problem in problems:
        cause = problem.message.split(" (while making")[0]
        groups.setdefault((problem.path, problem.line, cause), []).append(problem)
    merged = []
    for same in groups.values():
        first = same[0]
        if len(same) > 1:
            first = replace(first, message=f"{first.message} and {len(same) - 1} other pages")
        merged.append(first)
    return merged


def _plan_static(
    site: _SitePlan, folders: list[Path], project: Project, env: Any, shared: dict[str, Any]
) -> list[SourceError]:
    """The theme's files and content/media/, made safe (media.py); returns what to tell."""
    inside = (project.content, project.galleries, project.themes)
    problems: list[SourceError] = []
    # Default theme first, then the site's theme over it: later copies win.
    assets: dict[str, bytes] = {}
    for folder in reversed(folders):
        found, told = publish_folder(folder / "static", "assets", inside, photos_elsewhere=False)
        assets.update((asset.relative, asset.data) for asset in found)
        problems += told
    for relative, data in assets.items():
        site.put(relative, data)
    brand = env.get_template("brand.css").render(shared)
    site.put("assets/brand.css", brand.encode())
    media, told = publish_folder(project.content / "media", "media", inside, photos_elsewhere=True)
    for asset in media:
        site.put(asset.relative, asset.data)
    problems += told
    if any(problem.severity == "error" for problem in problems):
        raise BuildFailed(problems)
    return problems


def _plan_variants(
    site: _SitePlan, images: Iterable[image_pipeline.ProcessedImage], cache: Path
) -> None:
    """Photo copies are hard links to the cache; their names carry their content hash."""
    for image in images:
        for variant in image.files():
            if variant.path not in site.records:
                site.link(variant.path, cache)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


__all__ = ["BuildReport", "SearchTiming", "TextFile", "build", "check"]
