"""The build, top to bottom: discover, load, validate, select, plan, images, render, write.

Everything is read and checked before anything is written, and the site is written into a
staging folder that replaces output/ only when every page succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import images as image_pipeline
from . import seo
from .content import BuildOptions, Content, Entry, Project
from .errors import BuildFailed, SourceError
from .links import Urls, output_file
from .loader import discover, load_documents
from .output import copy_tree, staged_output, unsafe_output, write_text
from .published import Published, select_published
from .render import (
    PageSpec,
    make_environment,
    render_page,
    template_error,
    theme_folders,
)
from .routes import TextFile, machine_files, navigation, plan_pages
from .search import build_search_index
from .validate import validate_content

RASTER = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".avif"}


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    images: int = 0
    warnings: list[SourceError] = field(default_factory=list)
    seconds: float = 0.0
    output: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


def build(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build the site into options.output, or raise BuildFailed with every problem found.

    ``progress(done, total)`` hears about new photos being processed, for a progress bar.
    """
    started = time.perf_counter()
    clock = _Clock()
    content, published, problems = check(options)
    clock.lap("load and validate")
    refusal = unsafe_output(options.output, options.project)
    if refusal:
        raise BuildFailed([refusal])
    urls = Urls.from_base(options.base_url or content.site.base_url)
    pages = plan_pages(content, published)
    files = machine_files(content, published, pages, urls)
    clock.lap("plan pages")
    processed = _process_images(content, published, options, progress)
    clock.lap("images")
    folders = theme_folders(options.project.themes, content.site.theme)
    env = make_environment(folders, urls, _template_helpers(processed, urls, options.project))
    shared = _shared_context(content, published, urls)
    with staged_output(options.output) as staging:
        _render_pages(env, folders, pages, shared, staging)
        clock.lap("render")
        for file in files:
            write_text(staging, file.path, file.text)
        _copy_static(folders, options.project, staging, env, shared)
        image_pipeline.copy_variants(processed.values(), _image_cache(options.project), staging)
        clock.lap("write")
        if content.site.search:
            build_search_index(staging)  # before the swap: a failed index keeps output/ as it was
            clock.lap("search index")
    image_pipeline.prune_cache(_image_cache(options.project), processed.values())
    return BuildReport(
        pages=len(pages),
        files=len(files),
        images=len(processed),
        warnings=[p for p in problems if p.severity == "warning"],
        seconds=time.perf_counter() - started,
        output=options.output,
        timings=clock.laps,
    )


def check(options: BuildOptions) -> tuple[Content, Published, list[SourceError]]:
    """Read and validate everything; raise BuildFailed listing every error in every file."""
    sources = discover(options.project)
    documents = load_documents(sources)
    content, problems = validate_content(sources, documents, options.today)
    if content is None:
        raise BuildFailed(problems)
    published = select_published(content, options.today, options.drafts)
    return content, published, problems


# --- images ---------------------------------------------------------------------------------


def _image_cache(project: Project) -> Path:
    return project.cache / "images"


def image_requests(
    content: Content, published: Published, project: Project
) -> list[image_pipeline.ImageRequest]:
    requests = []
    for tech in published.technicians:
        if tech.meta.photo:
            requests.append(
                image_pipeline.ImageRequest(
                    source=(project.galleries / tech.meta.gallery / tech.meta.photo).resolve(),
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
                    source=(project.content / article.meta.image.src).resolve(),
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
) -> dict[Path, image_pipeline.ProcessedImage]:
    requests = image_requests(content, published, options.project)
    processed, problems = image_pipeline.process_images(
        requests,
        image_pipeline.ImageOptions.from_settings(content.site.images),
        _image_cache(options.project),
        jobs=options.jobs,
        progress=progress,
    )
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


def _template_helpers(
    processed: Mapping[Path, image_pipeline.ProcessedImage], urls: Urls, project: Project
) -> dict[str, Callable[..., Any]]:
    def picture(
        source: Path | str,
        alt: str,
        sizes: str = "100vw",
        lazy: bool = True,
        square: bool = False,
        css_class: str | None = None,
    ) -> Markup:
        image = processed.get(Path(source).resolve())
        if image is None:
            return Markup("")
        return image_pipeline.picture_html(
            image, alt, urls.url, sizes=sizes, lazy=lazy, square=square, css_class=css_class
        )

    def photo_of(tech: Entry[Any]) -> Path | None:
        if not tech.meta.photo:
            return None
        return project.galleries / tech.meta.gallery / tech.meta.photo

    def media(src: str) -> Path:
        return project.content / src

    page_seo = seo.template_helpers(
        seo.SeoSettings(urls, project.content, project.galleries, processed.get)
    )
    return {"picture": picture, "photo_of": photo_of, "media": media, **page_seo}


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


def _render_pages(
    env: Any, folders: list[Path], pages: list[PageSpec], shared: dict[str, Any], staging: Path
) -> None:
    problems: list[SourceError] = []
    for spec in pages:
        try:
            html = render_page(env, spec, {**shared, "page_title": spec.title})
        except Exception as exc:  # a template mistake: report it against the template
            problems.append(template_error(exc, folders, spec))
            continue
        write_text(staging, output_file(spec.path), html)
    if problems:
        raise BuildFailed(_unique(problems))


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


def _copy_static(
    folders: list[Path], project: Project, staging: Path, env: Any, shared: dict[str, Any]
) -> None:
    # Default theme first, then the site's theme over it: later copies win.
    for folder in reversed(folders):
        if (folder / "static").is_dir():
            copy_tree(folder / "static", staging / "assets")
    brand = env.get_template("brand.css").render(shared)
    write_text(staging, "assets/brand.css", brand)
    media = project.content / "media"
    if media.is_dir():
        # Photos only reach the site through the image pipeline, which strips where and when
        # they were taken; other files (logos, PDFs) are published as they are.
        for path in sorted(media.rglob("*")):
            if path.is_file() and path.suffix.lower() not in RASTER:
                target = staging / "media" / path.relative_to(media)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


__all__ = ["BuildReport", "TextFile", "build", "check"]
