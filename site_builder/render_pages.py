"""Render the pages whose inputs changed, in this process or in forked workers."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from . import images as image_pipeline
from . import kinds
from .checking import Loaded
from .errors import BuildFailed, SourceError
from .incremental import (
    Fingerprinter,
    TemplateFacts,
    TemplateIndex,
    page_fingerprint,
)
from .links import Urls, output_file
from .markup import MarkdownMemo
from .photos import PictureUse
from .project import BuildOptions
from .records import BuildState, OutputRecord, content_hash
from .render import (
    KIND_CASE_STUDIES,
    KIND_GALLERIES,
    KIND_NEWS,
    PageSpec,
    make_environment,
    render_page,
    template_error,
    theme_folders,
    theme_signature,
)
from .routes import shared_context
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
    reach: Reach
    previous: BuildState | None  # the last build's record this build starts from


def render_site(
    options: BuildOptions,
    loaded: Loaded,
    urls: Urls,
    pages: list[PageSpec],
    processed: Mapping[Path, image_pipeline.ProcessedImage],
    session: BuildSession,
    layouts: dict[tuple[str, tuple[str, ...]], bytes] | None,
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
    reach = Reach.of(loaded.looked_at, session, layouts, site.trusted, session.check_reach)
    render_changed_pages(
        site,
        theme,
        pages,
        (pictures, fragments, memo),
        (templates, reach),
        Fingerprinter(loaded.digests, session.lasting),
        options.jobs,
        options.verify,
    )
    if len(session.sources.templates) != known_templates:
        session.sources.changed = True
    return Rendering(site, theme, fragments, reach, previous)


@dataclass
class Reach:
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
    ) -> Reach:
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
            _, shared_part = values.layout(facts, shared, own_values(spec))
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
    templates: tuple[TemplateIndex, Reach],
    values: Fingerprinter,
    jobs: int | None = None,
    verify: bool = False,
) -> None:
    """Render the pages whose inputs changed (all of them on a first build) into memory;
    ``verify``: render the others too, and fail if any differs from the page it keeps."""
    pictures = used[0]
    env, folders, shared = theme.env, theme.folders, theme.shared
    index, reach = templates
    dirty: list[tuple[PageSpec, str | None]] = []
    kept: list[tuple[PageSpec, OutputRecord]] = []
    for spec in pages:
        relative = output_file(spec.path)
        try:
            facts = index.facts(spec.template)
            passed_over = reach.passes_over(spec, facts, values, shared)
            fingerprint = (
                None if passed_over else page_fingerprint(facts, own_values(spec), values, shared)
            )
        except Exception:  # a template that cannot be read or parsed: rendering says why
            passed_over, fingerprint = False, None
        if passed_over:
            old = site.previous.get(relative) if site.previous is not None else None
            if old is not None and old.fingerprint and pictures.kept(old.images):
                if reach.check:
                    again = page_fingerprint(facts, own_values(spec), values, shared)
                    reach.confirm(relative, old, again)
                site.keep(relative, old)
                kept.append((spec, old))
                continue
            fingerprint = page_fingerprint(facts, own_values(spec), values, shared)
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
