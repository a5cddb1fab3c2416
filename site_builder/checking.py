"""Load and validate the content, reusing the parse of every file whose bytes are unchanged."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .content import Content, Sources
from .discovery import content_files, discover, load_documents
from .errors import BuildFailed, SourceError
from .incremental import (
    load_documents_cached,
)
from .media import check_files
from .model_errors import check_model
from .project import BuildOptions
from .published import Published, select_published
from .render import theme_folders
from .session import BuildSession
from .validate import validate_content


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


@dataclass(frozen=True)
class Loaded:
    """The checked content of one build, and what the load found changed."""

    content: Content
    published: Published
    problems: list[SourceError]  # what did not stop the build (errors raise BuildFailed)
    digests: dict[Path, str]  # every content file's hash
    text_only: bool  # only content text changed since the session's last build: photos did not

    @property
    def warnings(self) -> list[SourceError]:
        return [problem for problem in self.problems if problem.severity == "warning"]


def load_changed(
    options: BuildOptions, session: BuildSession, changed: Iterable[Path] | None
) -> Loaded:
    """Read and check the content, looking again only at what changed (see check_changed)."""
    # What the watcher saw, with what builds that stopped before the photos saw: a photo saved
    # with a broken YAML file must still be looked at once the YAML is fixed.
    hint = None
    if changed is not None and session.unseen is not None:
        hint = session.unseen | frozenset(map(str, changed))
    session.unseen = hint
    content, published, problems, digests, _ = check_changed(options, session, hint)
    text_only = hint is not None and all(path.endswith(CONTENT_TEXT) for path in hint)
    return Loaded(content, published, problems, digests, text_only)


def check_changed(
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
        session.found = found = (sources, files_of(sources))
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


CONTENT_TEXT = (".yaml", ".yml", ".md", ".markdown")


def files_of(sources: Sources) -> frozenset[str]:
    """Every file a listing of the content folders found (content files, photos, media)."""
    return frozenset([*(str(path) for _, path in content_files(sources)), *sources.media])
