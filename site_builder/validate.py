"""Turning located YAML into typed models, and checking the content as a whole.

Every problem in every file is collected (none raised early) and each is tied to the file, line,
column and field it is about, with a fix in plain words. Nothing here reads files: existence
checks use the set of files that discovery found.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .addresses import check_names
from .content import Content, Entry, Sources
from .errors import SourceError, closest, did_you_mean
from .kinds import ACCESSIBILITY, COLLECTIONS, GALLERY, PAGE, TECHNICIAN
from .links import slugify
from .loader import FrontMatterDocument, Located, PathKey
from .model_errors import M, check_model, entry_error
from .models import (
    AccessibilityStatement,
    CaseStudyMeta,
    NewsMeta,
    SiteConfig,
)
from .names import SECTIONS, canonical_spellings, page_segments
from .plan_checks import check_plans
from .text_images import check_text_images

Document = Located | FrontMatterDocument | SourceError
# By file: its document, the model it was checked against, its entry and its problems.
EntriesMade = dict[Path, tuple[Document, type[Any], Entry[Any] | None, list[SourceError]]]


# --- one file against one model ---------------------------------------------------------------


# --- the whole content ----------------------------------------------------------------------


def validate_content(
    sources: Sources,
    documents: dict[Path, Document],
    today: dt.date,
    check: Callable[[type[Any], Located], tuple[Any, list[SourceError]]] = check_model,
    made: EntriesMade | None = None,
) -> tuple[Content | None, list[SourceError]]:
    """Check every file, then the references between them. Returns all problems found.

    ``check`` validates one document against its model; incremental builds pass a cached one,
    and ``made``, the entries of the last check by file, kept while a file's document is the
    very same object (serve: 1,500 entries not made again per save).
    """
    made = {} if made is None else made
    # Names first, from the listing alone: a file whose name cannot be its address is not
    # read further (checked every time, not cached: a suggested name depends on the others).
    names = check_names(sources)
    problems: list[SourceError] = [*sources.refused, *names.others]

    def entries(paths: Iterable[Path], model: type[M], ident: Any = None) -> list[Entry[M]]:
        found: list[Entry[M]] = []
        for path in paths:
            if path in names.refused:
                problems.extend(names.refused[path])
                continue
            document = documents[path]
            last = made.get(path)
            if last is None or last[0] is not document or last[1] is not model:
                last = made[path] = (document, model, *_entry(path, document, model, ident, check))
            problems.extend(last[3])
            if last[2] is not None:
                found.append(last[2])
        return found

    site_doc = documents.get(sources.site)
    site_entry: Entry[SiteConfig] | None = None
    if site_doc is None:
        problems.append(
            SourceError(
                sources.site,
                "there is no site.yaml in the content folder",
                hint="create content/site.yaml with at least name, short_name, base_url, "
                "contact and signed (run 'site-builder schema' for every field)",
            )
        )
    else:
        site_entry, found = _entry(sources.site, site_doc, SiteConfig, lambda _: "site", check)
        problems.extend(found)

    accessibility = None
    if sources.accessibility is not None:
        statements = entries([sources.accessibility], AccessibilityStatement)
        accessibility = statements[0] if statements else None
    else:
        problems.append(
            SourceError(
                sources.project.content / "accessibility.yaml",
                "there is no accessibility statement",
                hint="UK public-sector websites must publish one: create "
                "content/accessibility.yaml (see the example site's file)",
            )
        )

    found_by_kind = {
        kind.field: tuple(entries(sources.of(kind), kind.model, kind.ident))
        for kind in COLLECTIONS
        if kind is not ACCESSIBILITY
    }
    if site_entry is None:
        return None, unpublished_profiles_warn(problems, sources, documents, names.refused)
    content = Content(site_entry, accessibility, found_by_kind)
    problems.extend(check_references(content, sources, today))
    problems = unpublished_profiles_warn(problems, sources, documents, names.refused)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return content, problems


def unpublished_profiles_warn(
    problems: list[SourceError],
    sources: Sources,
    documents: dict[Path, Document],
    refused: Collection[Path] = (),
) -> list[SourceError]:
    """A profile without consent is never published, so what is unfinished in it (a
    placeholder gallery, a photo not yet there, a field still empty) warns instead of stopping
    the build: `site-builder new` makes exactly such a file. A file that cannot be read, or
    whose name is refused, still stops it: there is no telling what it says."""
    waiting = {
        path
        for path in sources.of(TECHNICIAN)
        if path not in refused
        and not _consent_given(documents.get(path))
        and not isinstance(documents.get(path), SourceError)
    }
    if not waiting:
        return problems
    return [
        replace(
            problem,
            severity="warning",
            message=problem.message + " (the profile has no consent yet, so it is not published "
            "and this does not stop the build)",
        )
        if problem.path in waiting and problem.severity == "error"
        else problem
        for problem in problems
    ]


def _consent_given(document: Document | None) -> bool:
    """Whether a profile records consent, or means to: an empty file, or one that is not
    fields at all, is not a profile yet, and one with a misspelt consent: key was meant to be
    published, so the errors of either stand."""
    data = document.data if isinstance(document, Located) else None
    if not isinstance(data, dict) or not data:
        return True
    if any(key != "consent" and closest(str(key), ["consent"]) for key in data):
        return True  # consent written, but misspelt: the person meant to publish it
    consent = data.get("consent")
    return (
        isinstance(consent, dict) and consent.get("given") is True and not consent.get("withdrawn")
    )


def _entry(
    path: Path,
    document: Document,
    model: type[M],
    ident: Any = None,
    check: Callable[[type[Any], Located], tuple[Any, list[SourceError]]] = check_model,
) -> tuple[Entry[M] | None, list[SourceError]]:
    if isinstance(document, SourceError):
        return None, [document]
    located = document.meta if isinstance(document, FrontMatterDocument) else document
    entry_id = ident(path) if ident else path.stem
    meta, found = check(model, located)
    if meta is None:
        return None, found
    if isinstance(document, FrontMatterDocument):
        return Entry(entry_id, path, meta, document.body, document.body_line, located), found
    return Entry(entry_id, path, meta, located=located), found


# --- references between files --------------------------------------------------------------


def check_references(content: Content, sources: Sources, today: dt.date) -> list[SourceError]:
    problems: list[SourceError] = []
    problems += _check_site(content, sources)
    problems += _check_technicians(content, sources)
    problems += _check_articles(content, sources)
    problems += check_plans(content, today)
    problems += _check_spellings(content)
    problems += check_text_images(content, sources)
    return problems


def _check_spellings(content: Content) -> list[SourceError]:
    """Departments and registrations that differ only in case or punctuation make one page;
    each profile spelling it differently from the most used spelling is told so."""
    problems: list[SourceError] = []
    # those with consent: the pages are made from them alone
    technicians = [t for t in content.technicians if t.meta.published]
    for field_name, page in (("department", "department"), ("registrations", "registration")):
        written = [
            (tech, path, value)
            for tech in technicians
            for path, value in _values_of(tech.meta, field_name)
        ]
        if len({slugify(value) for _, _, value in written}) == len({v for _, _, v in written}):
            continue  # each address written one way only: the usual case
        canonical = canonical_spellings(value for _, _, value in written)
        segments = page_segments(canonical)
        for tech, path, value in written:
            slug = slugify(value)
            usual = canonical[slug]
            if value == usual:
                continue
            others = sorted({t.path.name for t, _, v in written if v == usual})
            named = _listed(others[:3] + ([f"{len(others) - 3} more"] if len(others) > 3 else []))
            problems.append(
                entry_error(
                    tech,
                    path,
                    f"'{value}' and '{usual}' make the same page "
                    f"(technicians/{page}/{segments[slug]}/), "
                    f"so they are shown as one, '{usual}'",
                    f"write '{usual}', as {named} {'does' if len(others) == 1 else 'do'}",
                    warning=True,
                )
            )
    return problems


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _values_of(meta: Any, field_name: str) -> list[tuple[PathKey, str]]:
    value = getattr(meta, field_name)
    if isinstance(value, str):
        return [((field_name,), value)]
    return [((field_name, index), item) for index, item in enumerate(value)]


def _check_site(content: Content, sources: Sources) -> list[SourceError]:
    problems = []
    site = content.site
    entry = content.site_entry
    # every page file, valid or not: a broken page is reported once, in its own file
    pages = {p.id for p in content.pages} | {path.stem for path in sources.of(PAGE)}
    known = set(SECTIONS) | pages | {"accessibility"}
    for index, item in enumerate(site.navigation):
        if isinstance(item, str) and item not in known:
            problems.append(
                entry_error(
                    entry,
                    ("navigation", index),
                    f"the menu entry '{item}' is not a section or a page",
                    did_you_mean(item, known),
                )
            )
    if site.logo is not None:
        problems += _check_file(
            entry, ("logo", "src"), sources.project.content / site.logo.src, sources
        )
    if site.share_image is not None:
        problems += _check_file(
            entry,
            ("share_image", "src"),
            sources.project.content / site.share_image.src,
            sources,
        )
    if _contrast(site.colours.primary, "#ffffff") < 4.5:
        problems.append(
            entry_error(
                entry,
                ("colours", "primary"),
                f"white text on {site.colours.primary} is hard to read "
                f"(contrast {_contrast(site.colours.primary, '#ffffff'):.1f}:1, WCAG needs 4.5:1)",
                "choose a darker primary colour",
            )
        )
    return problems


def _check_file(
    entry: Entry[Any], path: PathKey, file: Path, sources: Sources
) -> list[SourceError]:
    # most names are already resolved (the project folders are): skip a resolve() per photo
    if str(file) in sources.media:
        return []
    try:
        real = file.resolve()
    except (OSError, RuntimeError):  # a link in a loop: boundary.py reports it
        return []
    if str(real) in sources.media:
        return []
    project = sources.project
    if not any(real.is_relative_to(top) for top in (project.content, project.galleries)):
        return [
            entry_error(
                entry,
                path,
                f"this leads outside the project's folders, to {real}, which is never read",
                "put the file in content/media/ (a photo: in its gallery's folder) and give "
                "its name from there, such as media/open-day.jpg",
            )
        ]
    folder = file.parent
    names = [Path(p).name for p in sources.media if Path(p).parent == folder.resolve()]
    guess = closest(file.name, names)
    hint = f"did you mean '{guess}'?" if guess else f"put the file in {folder} or fix the name"
    return [
        entry_error(entry, path, f"the file '{file.name}' does not exist in {folder.name}/", hint)
    ]


def _check_technicians(content: Content, sources: Sources) -> list[SourceError]:
    problems = []
    galleries = {g.id for g in content.galleries}
    gallery_folders = {p.parent.name for p in sources.of(GALLERY)}
    galleries_folder = str(sources.project.galleries)
    for tech in content.technicians:
        meta = tech.meta
        if meta.gallery not in galleries:
            if meta.gallery in gallery_folders:
                continue  # the gallery's own file is broken; that error is already reported
            problems.append(
                entry_error(
                    tech,
                    ("gallery",),
                    f"there is no gallery '{meta.gallery}'",
                    did_you_mean(meta.gallery, galleries)
                    + " (a gallery is a folder in galleries/ with a gallery.yaml)",
                )
            )
        elif meta.photo and (
            # the usual case first, without a Path made for each of 1,000 photos
            os.path.join(galleries_folder, meta.gallery, meta.photo) not in sources.media
        ):
            photo = sources.project.galleries / meta.gallery / meta.photo
            problems += _check_file(tech, ("photo",), photo, sources)
        if meta.consent is None and not meta.draft:
            problems.append(
                entry_error(
                    tech,
                    ("name",),
                    f"{meta.name} has no recorded consent, so the profile is not published",
                    "add a consent: section (given: true, date: ...) once they have agreed",
                    warning=True,
                )
            )
    return problems


def _check_articles(content: Content, sources: Sources) -> list[SourceError]:
    problems = []
    # Ids of every technician file, valid or not: a broken profile is reported once, in its own
    # file, not again in every article that names it.
    technicians = {path.stem for path in sources.of(TECHNICIAN)}
    articles: tuple[Entry[CaseStudyMeta] | Entry[NewsMeta], ...] = (
        *content.case_studies,
        *content.news,
    )
    for article in articles:
        for index, tech_id in enumerate(article.meta.technicians):
            if tech_id not in technicians:
                problems.append(
                    entry_error(
                        article,
                        ("technicians", index),
                        f"there is no technician '{tech_id}'",
                        did_you_mean(tech_id, technicians)
                        + " (use the file name in content/technicians, without .yaml)",
                    )
                )
        if article.meta.image is not None:
            file = sources.project.content / article.meta.image.src
            problems += _check_file(article, ("image", "src"), file, sources)
    return problems


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


contrast_ratio = _contrast
