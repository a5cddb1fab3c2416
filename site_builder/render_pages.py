"""Render the pages whose inputs changed, in this process or in forked workers."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from . import images as image_pipeline
from .checking import Loaded
from .errors import BuildFailed, SourceError
from .incremental import (
    Fingerprinter,
    TemplateIndex,
    page_fingerprint,
)
from .links import Urls, output_file
from .markup import MarkdownMemo
from .pages.shared import shared_context
from .photos import PictureUse
from .project import BuildOptions
from .records import BuildState, OutputRecord, content_hash
from .render import (
    PageSpec,
    make_environment,
    render_page,
    template_error,
    theme_folders,
    theme_signature,
)
from .session import BuildSession
from .site_plan import SitePlan, Theme, previous_build
from .template_helpers import Fragment, Fragments, make_template_helpers


@dataclass
class Rendering:
    """The plan of the new site once its pages are rendered, and the theme they were made with,
    for the stages after rendering."""

    site: SitePlan
    theme: Theme
    fragments: Fragments
    previous: BuildState | None  # the last build's record this build starts from


def render_site(
    options: BuildOptions,
    loaded: Loaded,
    urls: Urls,
    pages: list[PageSpec],
    processed: Mapping[Path, image_pipeline.ProcessedImage],
    session: BuildSession,
) -> Rendering:
    """Render the pages whose inputs changed since the last build into memory (all of them on
    a first build); the others are recorded as they were."""
    content = loaded.content
    folders = theme_folders(options.project.themes, content.site.theme)
    pictures = PictureUse(processed, session.resolved)
    session.forget_if_large()
    signature = theme_signature(folders)
    fragments = Fragments(session.fragments, signature, loaded.digests, urls, pictures)
    memo = session.markdown
    helpers = make_template_helpers(
        pictures, urls, options.project, session.pictures, fragments, memo
    )
    env = make_environment(folders, urls, helpers, session.compiled, memo)
    theme = Theme(folders, env, shared_context(content, loaded.published, urls))
    session.save_state()  # serve's last build, if it was not saved yet
    previous = previous_build(options, urls, session)
    session.state = None  # until this build has succeeded
    site = SitePlan(options.output.resolve(), previous)
    recorded, session.recorded_photos = session.recorded_photos, None
    pictures.as_recorded = (
        recorded is not None and recorded[0] is previous and recorded[1] is processed
    )
    templates = session.template_index(signature, env)
    known_templates = len(session.sources.templates)
    render_changed_pages(
        site,
        theme,
        pages,
        (pictures, fragments, memo),
        templates,
        Fingerprinter(loaded.digests, session.lasting),
        options.jobs,
        options.verify,
    )
    if len(session.sources.templates) != known_templates:
        session.sources.changed = True
    return Rendering(site, theme, fragments, previous)


def own_values(spec: PageSpec) -> dict[str, Any]:
    """The values a page's template sees besides the shared ones."""
    return {
        "page_title": spec.title,
        **spec.context,
        "page_path": spec.path,
        "page_kind": spec.kind,
    }


def render_changed_pages(
    site: SitePlan,
    theme: Theme,
    pages: list[PageSpec],
    used: tuple[PictureUse, Fragments, MarkdownMemo],
    index: TemplateIndex,
    values: Fingerprinter,
    jobs: int | None = None,
    verify: bool = False,
) -> None:
    """Render the pages whose inputs changed (all of them on a first build) into memory;
    ``verify``: render the others too, and fail if any differs from the page it keeps."""
    pictures = used[0]
    env, folders, shared = theme.env, theme.folders, theme.shared
    dirty: list[tuple[PageSpec, str | None]] = []
    kept: list[tuple[PageSpec, OutputRecord]] = []
    for spec in pages:
        relative = output_file(spec.path)
        try:
            facts = index.facts(spec.template)
            fingerprint = page_fingerprint(facts, own_values(spec), values, shared)
        except Exception:  # a template that cannot be read or parsed: rendering says why
            fingerprint = None
        old = site.unchanged(relative, fingerprint)
        if old is not None and pictures.kept(old.images):
            site.keep(relative, old)
            kept.append((spec, old))
        else:
            dirty.append((spec, fingerprint))
    job = RenderJob(env, folders, [spec for spec, _ in dirty], shared, *used)
    problems: list[SourceError] = []
    for (spec, fingerprint), (result, images) in zip(dirty, job.run(jobs), strict=True):
        if isinstance(result, SourceError):
            problems.append(result)
            continue
        site.rendered += 1
        site.put(output_file(spec.path), result, fingerprint, images)
    if problems:
        raise BuildFailed(unique_problems(problems))
    if verify:
        verify_kept(site, kept, RenderJob(env, folders, [s for s, _ in kept], shared, *used))


def verify_kept(site: SitePlan, kept: list[tuple[PageSpec, OutputRecord]], job: RenderJob) -> None:
    """Render the kept pages again, every card too (no remembered fragments), and fail on the
    first that differs: a page the build kept although something it shows changed."""
    remembered, job.fragments.memory = job.fragments.memory, {}
    try:
        results = job.render(0, len(job.specs), 1)
    finally:
        job.fragments.memory = remembered
    differing = [
        output_file(spec.path)
        for (spec, old), (result, _) in zip(kept, results, strict=True)
        if isinstance(result, SourceError) or content_hash(result) != old.hash
    ]
    if differing:
        shown = ", ".join(differing[:5]) + (" and more" if len(differing) > 5 else "")
        raise BuildFailed(
            [
                SourceError(
                    site.output / differing[0],
                    f"verify: {len(differing)} pages kept from the last build differ when "
                    f"rendered again ({shown})",
                    hint="a page did not record something it shows: report this with the "
                    "files you changed; `make clean` and build again gives the right site",
                )
            ]
        )


PARALLEL_MIN_PAGES = 300  # below this, starting worker processes costs more than it saves


Rendered = tuple[bytes | SourceError, dict[str, str]]


@dataclass
class RenderJob:
    """Pages to render; on a first build of a big site, in forked worker processes (which
    inherit the templates and content, so nothing has to be pickled on the way in)."""

    env: Any
    folders: list[Path]
    specs: list[PageSpec]
    shared: dict[str, Any]
    pictures: PictureUse
    fragments: Fragments
    markdown: MarkdownMemo

    def run(self, jobs: int | None) -> list[Rendered]:
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
        self.markdown.take_made()  # the workers hand back only what they convert
        FORKED.append(self)
        # The workers share this process's memory until either writes to a page of it: the
        # collector walking every object in a worker would write to (and so copy) them all.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(render_forked, [(k, slices) for k in range(slices)])
        finally:
            gc.unfreeze()
            FORKED.clear()
        results: list[Rendered | None] = [None] * len(self.specs)
        for k, (part, made, converted) in enumerate(parts):
            results[k::slices] = part
            # what the workers made, for the next build: cards and Markdown conversions
            self.fragments.memory.update(made)
            self.markdown.add(converted)
        return cast(list[Rendered], results)  # every slot is filled by one of the slices

    def render(self, start: int, stop: int, step: int) -> list[Rendered]:
        results: list[Rendered] = []
        for spec in self.specs[start:stop:step]:
            self.pictures.used = {}
            try:
                html = render_page(self.env, spec, {**self.shared, "page_title": spec.title})
                results.append((html.encode(), self.pictures.used))
            except Exception as exc:  # a template mistake: report it against the template
                results.append((template_error(exc, self.folders, spec), {}))
        return results


# The job a forked worker inherits: set only while its pool runs.
FORKED: list[RenderJob] = []


def render_forked(
    part: tuple[int, int],
) -> tuple[list[Rendered], dict[tuple[object, ...], Fragment], dict[str, str]]:
    start, step = part
    job = FORKED[0]
    rendered = job.render(start, len(job.specs), step)
    # A worker renders several parts: each hands back only what it made itself.
    cards, job.fragments.made = job.fragments.made, {}
    return rendered, cards, job.markdown.take_made()


def unique_problems(problems: list[SourceError]) -> list[SourceError]:
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
