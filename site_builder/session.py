"""What one build leaves for the next: parsed content, compiled templates, rendered
fragments and texts, in memory (serve) and in .cache/ (build)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from . import images as image_pipeline
from . import markup, store
from .content import Content, Entry, Sources
from .incremental import (
    Document,
    LastingHashes,
    SourceCache,
    TemplateIndex,
)
from .links import Urls
from .markup import MarkdownMemo
from .pages.machine import Make
from .photos import PICTURES_REMEMBERED, PhotoMemory
from .project import Project
from .published import PlanView, Published
from .records import (
    BuildState,
    builder_version,
    stat_signature,
)
from .template_helpers import Fragment
from .validate import EntriesMade


@dataclass
class BuildSession:
    """What one build leaves for the next: parsed content by content hash. ``serve`` keeps one
    in memory; ``build`` loads it from and saves it to the project's cache folder."""

    sources: SourceCache
    persist: bool = True
    compiled: jinja2.BytecodeCache | None = None
    resolved: dict[str, Path] = field(default_factory=dict)  # photo paths, resolved
    photos: PhotoMemory = field(default_factory=lambda: PhotoMemory())
    # <picture> markup by photo and arguments: a portrait is on its profile and on several
    # list pages (the list of all technicians has 1,000), and serve re-renders those lists
    pictures: dict[tuple[object, ...], Markup] = field(default_factory=dict)
    # cached() fragments (a technician's card) by entry, arguments and theme: the card of
    # every technician is on four list pages, and serve re-renders those lists on each save
    fragments: dict[tuple[object, ...], Fragment] = field(default_factory=dict)
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
    # what page types keep from one build to the next (the plans' pages), by page type
    kept_pages: dict[str, Any] = field(default_factory=dict)
    lasting: LastingHashes = field(default_factory=lambda: LastingHashes((Entry, PlanView)))
    templates: tuple[str, TemplateIndex] | None = None  # what the theme's templates use, by theme
    # files the watcher saw change that no build has looked at yet (None: unknown, look at all)
    unseen: frozenset[str] | None = frozenset()
    # serve: the record a build left, saved once the browser has been told (save_state)
    unsaved: tuple[BuildState, Path] | None = None
    # the keys of the fragments and texts read from .cache/ (saved again if they differ), and
    # how the last build tells which of them a later one can use
    remembered: frozenset[tuple[object, ...]] = frozenset()
    markdown: MarkdownMemo = field(default_factory=MarkdownMemo)  # conversions, by text
    reusable: tuple[Callable[[tuple[object, ...]], bool], set[tuple[object, ...]]] | None = None
    # serve: the last build's record and the photos it was made with (see PictureUse.kept)
    recorded_photos: tuple[BuildState, Mapping[Path, image_pipeline.ProcessedImage]] | None = None

    def save_state(self) -> None:
        """Save the record of the last build into .cache/ (at the latest when the next starts)."""
        if self.unsaved is not None:
            state, file = self.unsaved
            self.unsaved = None
            state.save(file)
            self.state = (state, stat_signature(file))

    def forget_if_large(self) -> None:
        """serve forgets what it remembers past these sizes; a rebuild remakes it."""
        if len(self.pictures) > PICTURES_REMEMBERED:
            self.pictures.clear()
        if len(self.fragments) > PICTURES_REMEMBERED:
            self.fragments.clear()
        if len(self.lasting.known) > LASTING_HASHES:
            self.lasting.known.clear()

    def template_index(self, theme: str, env: jinja2.Environment) -> TemplateIndex:
        """What each template of this theme uses, kept while the theme's files are unchanged."""
        if self.templates is not None and self.templates[0] == theme:
            templates = self.templates[1].rebind(env)
        else:
            templates = TemplateIndex(env, self.sources.templates)
        self.templates = (theme, templates)
        return templates

    def keep_renders(
        self,
        cache: Path,
        fragment_current: Callable[[tuple[object, ...]], bool],
        texts_used: set[tuple[object, ...]],
    ) -> None:
        """Note which remembered fragments and texts a later build can use; `build` also saves
        them and the parsed content for the next process (serve saves them when it stops)."""
        self.reusable = (fragment_current, texts_used)
        if self.persist:
            if self.sources.changed:
                self.sources.save(cache)
            self.save_rendered(cache)

    def remember_build(
        self,
        state: BuildState,
        saved_to: Path,
        changed: bool,
        processed: Mapping[Path, image_pipeline.ProcessedImage],
        image_folder: Path,
    ) -> None:
        """Keep a finished build's record for the next one: `build` saves it now, serve once
        the browser has been told (save_state); an unchanged record is not saved again."""
        self.recorded_photos = (state, processed)
        if changed:
            self.unsaved = (state, saved_to)
            if self.persist:
                self.save_state()
        else:
            self.state = (state, stat_signature(saved_to))
        kept = frozenset(image.key for image in processed.values())
        if self.pruned_for != kept:  # serve: the cache was pruned for these same photos
            image_pipeline.prune_cache(image_folder, processed.values())
            self.pruned_for = kept

    @classmethod
    def for_project(cls, project: Project, persist: bool = True) -> BuildSession:
        version = builder_version()
        on_disk = jinja2.FileSystemBytecodeCache(
            str(templates_cache(project, version)), pattern="%s.cache"
        )
        compiled = on_disk if persist else MemoryBytecodeCache(on_disk)
        session = cls(SourceCache.load(project.cache, version), persist, compiled)
        memory = RenderedMemory.load(project.cache, version)
        session.fragments, session.texts = memory.fragments, memory.texts
        session.remembered = frozenset(session.fragments) | frozenset(session.texts)
        session.markdown = MarkdownMemo(memory.conversions)
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
        if now != self.remembered or self.markdown.unsaved:
            conversions = self.markdown.recent(KEPT_CONVERSIONS)
            RenderedMemory(builder_version(), self.fragments, self.texts, conversions).save(cache)
            self.remembered = now
            self.markdown.unsaved = False


RENDERED_FILE = "rendered.kept"


# Markdown conversions kept in it, the most recently used: the reference site has 1,554 texts;
# older versions of edited texts are dropped once newer uses pass this many.
KEPT_CONVERSIONS = 10_000


@dataclass
class RenderedMemory:
    version: str
    fragments: dict[tuple[object, ...], Fragment] = field(default_factory=dict)
    texts: dict[tuple[object, ...], str] = field(default_factory=dict)
    conversions: dict[str, str] = field(default_factory=dict)  # Markdown to HTML, by text
    markdown_version: str = markup.MARKDOWN_VERSION

    @classmethod
    def load(cls, cache: Path, version: str) -> RenderedMemory:
        memory = store.kept(cache / RENDERED_FILE, "rendered cards and texts", version)
        if (
            not isinstance(memory, cls)
            or memory.version != version
            or memory.markdown_version != markup.MARKDOWN_VERSION
        ):
            return cls(version)
        return memory

    def save(self, cache: Path) -> None:
        store.keep(cache / RENDERED_FILE, "rendered cards and texts", self.version, self)


def templates_cache(project: Project, version: str) -> Path:
    """Compiled templates of this builder version; those of older versions are dropped."""
    folder = project.cache / "templates" / version
    if not folder.is_dir():
        for old in folder.parent.glob("*"):
            if old.is_dir() and len(old.name) == len(version):
                shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    return folder


class MemoryBytecodeCache(jinja2.BytecodeCache):
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


def remembered_texts(
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
