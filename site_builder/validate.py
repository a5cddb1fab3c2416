"""Turning located YAML into typed models, and checking the content as a whole.

Every problem in every file is collected (none raised early) and each is tied to the file, line,
column and field it is about, with a fix in plain words. Nothing here reads files: existence
checks use the set of files that discovery found.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .addresses import check_names
from .content import Content, Entry, Sources
from .errors import SourceError, closest, did_you_mean
from .kinds import ACCESSIBILITY, COLLECTIONS, GALLERY, PAGE, TECHNICIAN
from .links import slugify
from .loader import FrontMatterDocument, Located, PathKey
from .models import (
    THEMES,
    AccessibilityStatement,
    CaseStudyMeta,
    FieldProblem,
    NewsMeta,
    Plan,
    PlanAction,
    SiteConfig,
    nested_models,
)
from .names import SECTIONS, canonical_spellings, free_name, page_segments, reserved_on_windows
from .text_images import check_text_images

M = TypeVar("M", bound=BaseModel)
Document = Located | FrontMatterDocument | SourceError
# By file: its document, the model it was checked against, its entry and its problems.
EntriesMade = dict[Path, tuple[Document, type[Any], Entry[Any] | None, list[SourceError]]]


# --- one file against one model ---------------------------------------------------------------


def check_model(model: type[M], located: Located) -> tuple[M | None, list[SourceError]]:
    """Validate one document; on failure return every problem, each at its line and column."""
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    if not isinstance(located.data, dict):
        found = "a list" if isinstance(located.data, list) else "plain text"
        return None, [
            SourceError(
                located.path,
                f"the file holds {found}, but it should hold 'name: value' fields",
                line=1 + located.line_offset,
                column=1,
                hint=f"start with the fields of a {_kind(model)}: "
                + ", ".join(f"'{name}:'" for name in required),
            )
        ]
    if not located.data and required:
        return None, [
            SourceError(
                located.path,
                "this is empty",
                line=1 + located.line_offset,
                column=1,
                hint=f"a {_kind(model)} needs at least: " + ", ".join(required),
            )
        ]
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        return None, list(_explain(exc, model, located))


def _explain(
    exc: ValidationError, model: type[BaseModel], located: Located
) -> Iterator[SourceError]:
    grouped: dict[PathKey, list[ErrorDetails]] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(error["loc"], located.data, error["type"])
        grouped.setdefault(path, []).append(error)
    for path, errors in grouped.items():
        yield _one_problem(path, errors, model, located)


def _one_problem(
    path: PathKey, errors: list[ErrorDetails], model: type[BaseModel], located: Located
) -> SourceError:
    error = _most_telling(errors)
    kind = error["type"]
    field_name = _dotted(path)
    value = _value_at(located.data, path)
    info = _field_info(model, path)
    about = info.description if info is not None and info.description else None
    position = located.position(path)

    if kind == "value_error" and isinstance(error.get("ctx", {}).get("error"), FieldProblem):
        problem: FieldProblem = error["ctx"]["error"]
        # An empty field means the problem is the group itself (a period with no end).
        path = (*path, problem.field) if problem.field else path
        return _at(located, path, str(problem), problem.hint, value=None)
    if kind == "missing":
        where = located.key_position(path[:-1]) or (1 + located.line_offset, 1)
        return SourceError(
            located.path,
            f"the required field '{path[-1]}' is missing",
            *where,
            field=field_name,
            hint=f"add '{path[-1]}:'" + (f" ({about})" if about else ""),
        )
    if kind == "extra_forbidden":
        owner = _model_at(model, path[:-1])
        valid = list(owner.model_fields) if owner else []
        guess = closest(str(path[-1]), valid)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else f"remove it; valid fields here: {', '.join(valid)}"
        )
        return _at(located, path, f"unknown field '{path[-1]}'", hint)
    message, hint = _describe(error, value, about)
    if path[-1:] == ("template",) and kind == "string_pattern_mismatch":
        hint = "write the template's file name without .html, e.g. template: page"
    line, column = position or (None, None)
    return SourceError(
        located.path, message, line, column, field=field_name, hint=hint, value=_show(value)
    )


# Kinds of error that mean the value is not of the type asked for: what it is not, how to write it.
_NOT_A: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("date_parsing", "date_from_datetime_parsing", "date_type", "date_from_datetime_inexact"),
        ("a date", "write the date as YYYY-MM-DD, e.g. 2026-03-14"),
    ),
    **dict.fromkeys(
        ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"),
        ("a date and time", "write YYYY-MM-DD HH:MM, e.g. 2026-03-14 10:30"),
    ),
    **dict.fromkeys(("bool_parsing", "bool_type"), ("true or false", "write true or false")),
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float"),
        ("a whole number", "write a whole number, e.g. 3"),
    ),
}
# Kinds of error that mean the value has the wrong shape: what it should be, how to make it so
# (the field's description follows the fix, in brackets).
_SHOULD_BE: dict[str, tuple[str, str]] = {
    "list_type": ("a list", "put each item on its own line, starting with '- '"),
    **dict.fromkeys(
        ("model_type", "dict_type", "model_attributes_type"),
        ("a group of 'name: value' fields", "indent the fields under this key"),
    ),
    "string_type": ("text", "put the value in quotes"),
}


def _describe(error: ErrorDetails, value: Any, about: str | None) -> tuple[str, str]:
    """A message and a fix for one pydantic error, in the words of someone editing YAML."""
    kind = error["type"]
    shown = _show(value)
    expected = about or ""
    if kind in _NOT_A:
        what, how = _NOT_A[kind]
        return f"'{shown}' is not {what}", how
    if kind in _SHOULD_BE:
        what, how = _SHOULD_BE[kind]
        return f"this should be {what}", how + (f" ({expected})" if expected else "")
    return _describe_constraint(error, value, shown, expected)


def _describe_constraint(
    error: ErrorDetails, value: Any, shown: str, expected: str
) -> tuple[str, str]:
    """A message and a fix for a value of the right type that breaks the field's rules."""
    kind = error["type"]
    if kind == "literal_error":
        options = re.findall(r"'([^']+)'", error["ctx"]["expected"])
        return f"'{shown}' is not one of the allowed values", did_you_mean(str(value), options)
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        return f"'{shown}' is not in the right form", _pattern_hint(pattern, expected)
    if kind == "string_too_short":
        return "this is empty", f"fill it in ({expected})" if expected else "fill it in"
    if kind.startswith(("greater_than", "less_than")):
        return f"{shown} is out of range: {error['msg'].lower()}", expected or "change the number"
    if kind == "value_error":
        return str(error["ctx"]["error"]), expected or "correct the value"
    return error["msg"], expected or "correct the value"


def _pattern_hint(pattern: str, about: str) -> str:
    if "/" in pattern:
        return "write the plan's file name, a slash and the action's id, e.g. 2024-2027/v1-1"
    if pattern.startswith("^[a-z0-9]+"):
        return "use lowercase letters, numbers and hyphens only, e.g. life-sciences"
    if "#" in pattern:
        return "write a colour as # and six hex digits, e.g. #1d3557"
    if "https?" in pattern:
        return "write a full address starting https://, a mailto: address, or a /site-path/"
    if "@" in pattern:
        return "write an email address, e.g. technicians@example.ac.uk"
    if "A-Z" in pattern:
        return "write a code of capital letters and a number, e.g. V1, CD3"
    if "top|centre" in pattern:
        return "write top, centre, bottom, or a point such as '45% 30%' (across, down)"
    if r"\d\." in pattern:
        return "start with the WCAG criterion number, e.g. '1.4.3 Contrast (minimum)'"
    return about or "correct the value"


def _most_telling(errors: list[ErrorDetails]) -> ErrorDetails:
    """A union field fails once per allowed type; show the error a person can act on."""
    order = [
        "value_error",
        "missing",
        "extra_forbidden",
        "literal_error",
        "string_pattern_mismatch",
    ]
    for kind in order:
        for error in errors:
            if error["type"] == kind:
                return error
    return errors[0]


def _data_path(loc: tuple[int | str, ...], data: Any, kind: str) -> PathKey:
    """Drop the type names pydantic puts in union locations, keeping the path into the data."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str) and part not in current:
            part = part.replace("_", "-") if part.replace("_", "-") in current else part
        if _holds(current, part):
            path.append(part)
            current = current[part]
        elif last and kind in {"missing", "extra_forbidden"} and isinstance(current, dict):
            path.append(part)
    return tuple(path)


def _holds(container: Any, part: str | int) -> bool:
    """Whether `part` is a key of the mapping, or an index into the list, `container`."""
    if isinstance(container, dict):
        return isinstance(part, str) and part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _at(located: Located, path: PathKey, message: str, hint: str, value: Any = None) -> SourceError:
    line, column = located.key_position(path) or (None, None)
    return SourceError(
        located.path, message, line, column, field=_dotted(path), hint=hint, value=value
    )


def _dotted(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _show(value: Any) -> str:
    text = str(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(model: type[BaseModel]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _model_at(model: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in path:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part) or current.model_fields.get(part.replace("-", "_"))
        if info is None:
            return None
        current = next(nested_models(info.annotation), None)
    return current


def _field_info(model: type[BaseModel], path: PathKey) -> FieldInfo | None:
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return None
    owner = _model_at(model, tuple(p for p in path[: _last_str(path)]))
    return owner.model_fields.get(names[-1].replace("-", "_")) if owner else None


def _last_str(path: PathKey) -> int:
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], str):
            return index
    return 0


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
    problems += _check_plans(content, today)
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
                _error(
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


def _error(
    entry: Entry[Any], path: PathKey, message: str, hint: str, warning: bool = False
) -> SourceError:
    located = entry.located
    line, column = (located.key_position(path) if located else None) or (None, None)
    return SourceError(
        entry.path,
        message,
        line,
        column,
        field=_dotted(path),
        hint=hint,
        severity="warning" if warning else "error",
    )


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
                _error(
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
            _error(
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
            _error(
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
    return [_error(entry, path, f"the file '{file.name}' does not exist in {folder.name}/", hint)]


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
                _error(
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
                _error(
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
                    _error(
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


def _check_plans(content: Content, today: dt.date) -> list[SourceError]:
    problems = []
    plan_ids = {p.id for p in content.plans}
    current = [p for p in content.plans if p.meta.current]
    if len(current) > 1:
        for plan in current[1:]:
            problems.append(
                _error(
                    plan,
                    ("current",),
                    f"more than one plan says current: true ({', '.join(p.id for p in current)})",
                    "set current: true on the plan in force now only",
                )
            )
    for plan in content.plans:
        meta = plan.meta
        if meta.previous and meta.previous not in plan_ids:
            problems.append(
                _error(
                    plan,
                    ("previous",),
                    f"there is no plan '{meta.previous}'",
                    did_you_mean(meta.previous, plan_ids),
                )
            )
        if meta.submitted and meta.submitted > today:
            problems.append(
                _error(
                    plan,
                    ("submitted",),
                    f"the submission date {meta.submitted:%-d %B %Y} is in the future",
                    "give the date it was actually submitted, or leave submitted: out until then",
                )
            )
        problems += _check_plan_actions(plan, today)
        problems += _check_plan_names(plan)
    problems += _check_carried_forward(content.plans)
    return problems


def check_plan(plan: Entry[Plan], today: dt.date) -> list[SourceError]:
    """One plan's own checks (ids, phases, pillars, dates), as `check` runs them: the importer
    runs them too, so a file it writes never fails `make check`."""
    return [*_check_plan_actions(plan, today), *_check_plan_names(plan)]


def _check_plan_names(plan: Entry[Plan]) -> list[SourceError]:
    """Phase and pillar ids name the plan's filter pages (plans/ID/phase/year-1/), so a name
    Windows keeps for a device cannot be one."""
    problems = []
    meta = plan.meta
    for group, ids in (
        ("phases", [p.id for p in meta.phases]),
        ("pillars", [p.id for p in meta.pillars]),
    ):
        for index, ident in enumerate(ids):
            if reserved_on_windows(ident):
                new = free_name(ident, ids)
                problems.append(
                    _error(
                        plan,
                        (group, index, "id"),
                        f"'{ident}' is a name Windows keeps for a device, so the page of its "
                        "actions could not be copied to a Windows computer or many web servers",
                        f"call it '{new}' here and in the actions' {group}: lists",
                    )
                )
    return problems


def _plan_path(entry: Entry[Plan], path: PathKey) -> PathKey:
    """The path as the file spells it: the theme may be written career-development there."""
    data = entry.located.data if entry.located else None
    themes = data.get("themes") if isinstance(data, dict) else None
    spelt_with_hyphen = isinstance(themes, dict) and "career-development" in themes
    if len(path) > 1 and path[1] == "career_development" and spelt_with_hyphen:
        return (path[0], "career-development", *path[2:])
    return path


def _plan_error(
    entry: Entry[Plan], path: PathKey, message: str, hint: str, warning: bool = False
) -> SourceError:
    return _error(entry, _plan_path(entry, path), message, hint, warning=warning)


def _check_plan_actions(plan: Entry[Plan], today: dt.date) -> list[SourceError]:
    problems = []
    meta = plan.meta
    phases = {p.id: p for p in meta.phases}
    pillars = {p.id for p in meta.pillars}
    seen: set[str] = set()
    for item in meta.located_actions():
        action, path = item.action, item.path
        for kind, used, defined in (
            ("phase", action.phases, set(phases)),
            ("pillar", action.pillars, pillars),
        ):
            problems += [
                _plan_error(
                    plan,
                    (*path, f"{kind}s", index),
                    f"there is no {kind} '{name}' in this plan",
                    did_you_mean(name, defined) + f" ({kind}s are listed under '{kind}s:')",
                )
                for index, name in enumerate(used)
                if name not in defined
            ]
        problems += [
            _plan_error(
                plan,
                (*path, "also_serves", index),
                f"the action is already under {THEMES[theme]}, so it cannot also serve it",
                f"remove '{theme}' from also_serves (list only other themes it supports)",
            )
            for index, theme in enumerate(action.also_serves)
            if theme == item.theme_id
        ]
        if item.anchor in seen:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "id") if action.id else (*path, "title"),
                    f"two actions have the id '{item.anchor}'"
                    + ("" if action.id else " (made from the objective code and position)"),
                    "give each action its own id (it is the link to the action)",
                )
            )
        seen.add(item.anchor)
        due = action.target_date
        if due is None and action.timing == "phases":
            ends = [phases[p].end for p in action.phases if p in phases]
            known = [end for end in ends if end is not None]
            due = max(known) if known and len(known) == len(ends) else None
        if action.status == "not-started" and due is not None and due < today:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "status"),
                    f"'{action.title[:50]}' was due by {due:%-d %B %Y} and is still not started",
                    "update its status (delayed, carried-forward, withdrawn...) or its target",
                    warning=True,
                )
            )
        start = action.start_date
        if start and due and start > due:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "start"),
                    f"the action starts ({action.start_label}) after it is due ({due:%-d %B %Y})",
                    "check start: and target:",
                )
            )
        for index, update in enumerate(action.updates):
            if update.date > today:
                problems.append(
                    _plan_error(
                        plan,
                        (*path, "updates", index, "date"),
                        f"the progress update is dated {update.date:%-d %B %Y}, in the future",
                        "date an update on the day it was written",
                    )
                )
        latest = action.latest_update
        latest_status = next(
            (u.status for u in action.updates_newest_first if u.status is not None), None
        )
        if latest is not None and latest_status and latest_status != action.status:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "status"),
                    f"the status is '{action.status}' but the latest update with a status says "
                    f"'{latest_status}'",
                    "change status: to match, or add an update that explains the change",
                    warning=True,
                )
            )
    return problems


def _check_carried_forward(plans: tuple[Entry[Plan], ...]) -> list[SourceError]:
    """Links between an action in one plan and its continuation in another, both ways."""
    problems: list[SourceError] = []
    by_id = {p.id: p for p in plans}
    anchors = {p.id: {a.anchor: a for a in p.meta.located_actions()} for p in plans}
    named_as_continuation: set[tuple[str, str]] = set()
    for plan in plans:
        problems += _check_links_out(plan, by_id, anchors, named_as_continuation)
        problems += _check_carried_status(plan, anchors[plan.id].values())
    for plan in plans:
        # In the newest plan, 'carried forward' can point at a plan not yet written.
        if not any(p.meta.period.start > plan.meta.period.start for p in plans):
            continue
        problems += _check_said_where_to(plan, anchors[plan.id].values(), named_as_continuation)
    return problems


def _check_links_out(
    plan: Entry[Plan],
    by_id: dict[str, Entry[Plan]],
    anchors: dict[str, dict[str, PlanAction]],
    named_as_continuation: set[tuple[str, str]],
) -> list[SourceError]:
    """The plan's carried_forward_to/from links; adds each action a 'from' link names to
    named_as_continuation."""
    problems: list[SourceError] = []
    for item in anchors[plan.id].values():
        for field_name in ("carried_forward_to", "carried_forward_from"):
            ref = getattr(item.action, field_name)
            if ref is None:
                continue
            other_id, other_anchor = ref.split("/", 1)
            problem = _unresolved_link(
                plan, (*item.path, field_name), other_id, other_anchor, by_id, anchors
            )
            if problem is not None:
                problems.append(problem)
                continue
            other = anchors[other_id][other_anchor]
            problems += _check_direction(plan, item, field_name, by_id[other_id], other)
            if field_name == "carried_forward_from":
                named_as_continuation.add((other_id, other_anchor))
    return problems


def _unresolved_link(
    plan: Entry[Plan],
    path: PathKey,
    other_id: str,
    other_anchor: str,
    by_id: dict[str, Entry[Plan]],
    anchors: dict[str, dict[str, PlanAction]],
) -> SourceError | None:
    """The problem with a link to action `other_anchor` of plan `other_id`, if it leads nowhere."""
    if other_id not in by_id:
        return _plan_error(
            plan,
            path,
            f"there is no plan '{other_id}'",
            did_you_mean(other_id, list(by_id))
            + " (write the plan's file name, without .yaml, a slash and the action's id)",
        )
    if other_id == plan.id:
        return _plan_error(
            plan,
            path,
            "an action cannot be carried forward within the same plan",
            "name an action in another plan, e.g. the plan that follows this one",
        )
    if other_anchor not in anchors[other_id]:
        return _plan_error(
            plan,
            path,
            f"the plan '{other_id}' has no action '{other_anchor}'",
            did_you_mean(other_anchor, list(anchors[other_id]))
            + f" (the ids of actions in {other_id})",
        )
    return None


def _check_carried_status(plan: Entry[Plan], items: Iterable[PlanAction]) -> list[SourceError]:
    """An action carried forward to another plan has the status that says so."""
    return [
        _plan_error(
            plan,
            (*item.path, "status"),
            f"the action is carried forward to {item.action.carried_forward_to} but its "
            f"status is '{item.action.status}'",
            "set status: carried-forward, or remove carried_forward_to:",
        )
        for item in items
        if item.action.carried_forward_to is not None and item.action.status != "carried-forward"
    ]


def _check_said_where_to(
    plan: Entry[Plan], items: Iterable[PlanAction], named_as_continuation: set[tuple[str, str]]
) -> list[SourceError]:
    """An action marked carried forward says where to, unless a later action names it."""
    return [
        _plan_error(
            plan,
            (*item.path, "status"),
            f"'{item.action.title[:50]}' is carried forward but does not say where to",
            "add carried_forward_to: with the new plan's file name and action id "
            "(e.g. 2024-2027/v1-1), so the pages can link the two",
            warning=True,
        )
        for item in items
        if item.action.status == "carried-forward"
        and item.action.carried_forward_to is None
        and (plan.id, item.anchor) not in named_as_continuation
    ]


def _check_direction(
    plan: Entry[Plan], item: PlanAction, field_name: str, other_plan: Entry[Plan], other: PlanAction
) -> list[SourceError]:
    path = (*item.path, field_name)
    forward = field_name == "carried_forward_to"
    later, earlier = (other_plan, plan) if forward else (plan, other_plan)
    if later.meta.period.start <= earlier.meta.period.start:
        word = "earlier" if forward else "later"
        return [
            _plan_error(
                plan,
                path,
                f"'{other_plan.id}' starts {word} than this plan, so the action cannot have been "
                f"carried {'forward to' if forward else 'over from'} it",
                "carried_forward_to names a later plan; carried_forward_from an earlier one",
            )
        ]
    back = other.action.carried_forward_from if forward else other.action.carried_forward_to
    mine = f"{plan.id}/{item.anchor}"
    if back is not None and back != mine:
        reverse = "carried_forward_from" if forward else "carried_forward_to"
        return [
            _plan_error(
                plan,
                path,
                f"this points at {other_plan.id}/{other.anchor}, but that action's {reverse} "
                f"names {back}, not {mine}",
                "make the two agree (or remove one: a link written on one side is shown on both)",
            )
        ]
    return []


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


contrast_ratio = _contrast
