"""The photos the site needs, their web copies from the photo cache, and which page used which."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import images as image_pipeline
from .content import Content, Entry
from .errors import BuildFailed, SourceError
from .project import BuildOptions, Project
from .published import Published
from .records import stat_signature

if TYPE_CHECKING:
    from .session import BuildSession


class PhotoMemory:
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


def image_cache(project: Project) -> Path:
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
                    focus=photo_focus(tech.meta.focus),
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


def photo_focus(focus: str | None) -> str | None:
    return "centre" if focus in {"center", "middle"} else focus


def process_photos(
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
    signatures = [stat_signature(r.source) for r in requests] if session else []
    if session is not None:
        remembered = session.photos.get(requests, settings, signatures)
        if remembered is not None:
            return remembered
    processed, problems = image_pipeline.process_images(
        requests, settings, image_cache(options.project), jobs=options.jobs, progress=progress
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
                    line=field_line(content, p.used_by, p.field),
                )
                for p in problems
            ]
        )
    return processed


def field_line(content: Content, path: Path, field_name: str) -> int | None:
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


class PictureUse:
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
        self.used[str(path)] = image_signature(image)
        return image

    def kept(self, recorded: Mapping[str, str]) -> bool:
        """As unchanged(), for a page in the record this build starts from."""
        return self.as_recorded or self.unchanged(recorded)

    def unchanged(self, recorded: Mapping[str, str]) -> bool:
        """The photos a page or card recorded are processed as they were then."""
        signatures = self._signatures
        if signatures is None:
            signatures = self._signatures = {
                str(path): image_signature(image) for path, image in self.processed.items()
            }
        return all(signatures.get(path, "none") == seen for path, seen in recorded.items())


def image_signature(image: image_pipeline.ProcessedImage | None) -> str:
    return f"{image.key}:{image.width}x{image.height}" if image else "none"


PICTURES_REMEMBERED = 20_000  # serve forgets them all past this; a rebuild remakes them
