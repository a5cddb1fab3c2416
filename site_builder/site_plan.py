"""Every file of the new site planned in memory, then written into output/ in one go."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import images as image_pipeline
from .errors import BuildFailed, SourceError
from .links import Urls
from .media import publish_folder
from .output import (
    MARKER,
    Planned,
    fill_new_folder,
    replace_site,
    staged_output,
)
from .pages.machine import TextFile
from .photos import image_cache
from .project import BuildOptions, Project
from .records import (
    BuildState,
    OutputRecord,
    content_hash,
    options_key,
    stat_signature,
    state_file,
)
from .session import BuildSession
from .writing import unwritable

if TYPE_CHECKING:
    from .indexing import Indexing


def previous_build(options: BuildOptions, urls: Urls, session: BuildSession) -> BuildState | None:
    """What the last build into this output folder made, if it can be built on; else None.
    The session's copy is used while the state file is the one that build saved."""
    output = options.output.resolve()
    if not (output / MARKER).is_file():
        return None
    saved, key = state_file(options.project.cache, options.output), state_key(options, urls)
    if session.state is not None:
        state, signature = session.state
        if state.key == key and signature is not None and stat_signature(saved) == signature:
            state.written_here = True
            return state
    return BuildState.load(saved, key)


def state_key(options: BuildOptions, urls: Urls) -> str:
    return options_key(options, base_url=urls.base_url)


class SitePlan:
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


def write_site(
    site: SitePlan, options: BuildOptions, indexing: Indexing | None = None
) -> list[str]:
    """Write the changes, only after every page has rendered: a first build into a fresh
    folder, later builds into a tree of hard links to the unchanged files, each swapped in
    whole (serve's rebuilds of its own preview: in place, see output.replace_site). A first
    build's search index is made while its pages are written: if indexing fails, the folder
    goes. A folder that cannot be written into is reported before anything is written."""
    blocked = unwritable(options.output, [*site.changes, *site.removed()])
    if blocked is not None:
        raise BuildFailed([blocked])
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
    written = replace_site(options.output, site.changes, site.records, removed, site.trusted)
    for relative, info in written.items():
        site.records[relative].stat = (info.st_size, info.st_mtime_ns)
    return [*written, *removed]


@dataclass(frozen=True)
class Theme:
    """The theme pages are rendered with: its folders (the site's over the default), its
    template environment and the values every page sees."""

    folders: list[Path]
    env: Any
    shared: dict[str, Any]


def plan_files(
    site: SitePlan,
    texts: Iterable[TextFile],
    theme: Theme,
    project: Project,
    photos: Iterable[image_pipeline.ProcessedImage],
) -> list[SourceError]:
    """Every file besides the pages: feeds and downloads, the theme's assets, media, photos.
    Returns what to tell about the theme's files and media (what was made safe)."""
    for file in texts:
        site.put(file.path, file.text.encode())
    told = plan_static(site, theme.folders, project, theme.env, theme.shared)
    plan_variants(site, photos, image_cache(project))
    return told


def plan_static(
    site: SitePlan, folders: list[Path], project: Project, env: Any, shared: dict[str, Any]
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


def plan_variants(
    site: SitePlan, images: Iterable[image_pipeline.ProcessedImage], cache: Path
) -> None:
    """Photo copies are hard links to the cache; their names carry their content hash."""
    for image in images:
        for variant in image.files():
            if variant.path not in site.records:
                site.link(variant.path, cache)
