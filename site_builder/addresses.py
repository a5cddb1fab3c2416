"""The addresses content files make: each one possible, one per file, and every fix free.

A content file's name is its address (``priya-raman.yaml`` becomes ``/technicians/priya-raman/``),
so a name is refused when it cannot be an address everywhere the site goes: two files making
the same one (``.yml`` beside ``.yaml``), control characters, names Windows keeps for devices
(a Windows checkout, and many CMSs, cannot hold a folder called ``con``), or a name the site
itself uses. Every refusal suggests a name nobody has taken, so following the fix never
overwrites another file. Pure: it reads only the listing discovery made (``Sources``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .content import Sources
from .errors import SourceError
from .kinds import COLLECTIONS, GALLERY, KINDS, PAGE, ContentKind
from .links import slugify
from .names import (
    PHOTO_SUFFIXES,
    RESERVED_PATHS,
    SLUG,
    free_name,
    reserved_on_windows,
    shown,
    unsafe_characters,
)


@dataclass(frozen=True)
class NameProblems:
    """What the file names say: refused files (not read further) and other problems."""

    refused: dict[Path, list[SourceError]] = field(default_factory=dict)
    others: list[SourceError] = field(default_factory=list)


def check_names(sources: Sources) -> NameProblems:
    """Every content file's name, kind by kind: refused ones are not validated further."""
    result = NameProblems()
    for kind in COLLECTIONS:
        _check_kind(kind, sources.of(kind), result)
    result.others.extend(_site_wide_twins(sources))
    result.others.extend(_media_names(sources))
    return result


def _ident(kind: ContentKind, path: Path) -> str:
    return kind.ident(path) if kind.ident else path.name.rpartition(".")[0]


def _check_kind(kind: ContentKind, paths: Iterable[Path], result: NameProblems) -> None:
    by_ident: dict[str, list[Path]] = {}
    for path in paths:
        by_ident.setdefault(_ident(kind, path), []).append(path)
    # Taken: every name in the folder, valid or not, and each name suggested so far, so two
    # files with problems are never told to take the same new name.
    taken = {ident.lower() for ident in by_ident}
    for ident, group in by_ident.items():
        # The kind's first suffix (.yaml, .md), in lowercase, is the one kept when two files
        # make one address: the other is the odd one out, so it is the one reported.
        if len(group) > 1:
            group.sort(key=lambda p: (_suffix_rank(kind, p), p.suffix != p.suffix.lower(), p.name))
        kept: Path | None = None
        for path in group:
            problem = _name_problem(kind, path, ident, taken)
            if problem is None and kept is not None:
                problem = _twin(kind, kept, path, ident, taken)
            if problem is not None:
                result.refused.setdefault(path, []).append(problem)
            elif kept is None:
                kept = path


def _suffix_rank(kind: ContentKind, path: Path) -> int:
    suffix = path.suffix.lower() if kind is not GALLERY else ""
    return kind.suffixes.index(suffix) if suffix in kind.suffixes else len(kind.suffixes)


def _rename(kind: ContentKind, path: Path, ident: str, taken: set[str]) -> str:
    """The fix's new name (a file, or a gallery's folder), free, and now taken."""
    new = free_name(ident, taken)
    taken.add(new)
    if kind is GALLERY:
        return f"rename the folder galleries/{shown(path.parent.name)} to galleries/{new}"
    suffix = path.suffix.lower() if path.suffix.lower() in kind.suffixes else kind.suffixes[0]
    return f"rename the file to {new}{suffix}"


def _where(kind: ContentKind, path: Path) -> Path:
    """What a name problem points at: a gallery's folder, a file's folder when its name
    cannot be printed on one line, else the file."""
    if kind is GALLERY:
        return path.parent if not unsafe_characters(path.parent.name) else path.parent.parent
    return path if not unsafe_characters(path.name) else path.parent


def _name_problem(kind: ContentKind, path: Path, ident: str, taken: set[str]) -> SourceError | None:
    what = "gallery folder" if kind is GALLERY else "file"
    name = path.parent.name if kind is GALLERY else path.name
    unsafe = unsafe_characters(name)
    if unsafe:
        message = (
            f"the {what} name '{shown(name)}' has "
            + ("an invisible character" if len(unsafe) == 1 else "invisible characters")
            + f" in it ({', '.join(shown(c) for c in unsafe)}), which no web address can hold"
        )
    elif not SLUG.match(ident):
        message = f"the name '{ident}' cannot be used in a web address"
    elif reserved_on_windows(ident):
        message = (
            f"the name '{ident}' is one Windows keeps for a device, so the site's folder "
            f"'{ident}' could not be copied to a Windows computer or many web servers"
        )
    elif kind is PAGE and ident in RESERVED_PATHS:
        message = f"the page name '{ident}' is used by the site itself"
    else:
        return None
    hint = _rename(kind, path, ident, taken)
    if not SLUG.match(ident) and not unsafe:
        hint += " (lowercase letters, numbers and hyphens)"
    return SourceError(_where(kind, path), message, hint=hint)


def _twin(kind: ContentKind, first: Path, second: Path, ident: str, taken: set[str]) -> SourceError:
    return SourceError(
        second,
        f"{first.name} and {second.name} both make the address of '{ident}', so one would "
        "silently replace the other",
        hint=f"keep one file: merge the two into {first.name} and delete {second.name}; "
        f"if they are about different things, {_rename(kind, second, ident, taken)}",
    )


def _site_wide_twins(sources: Sources) -> Iterator[SourceError]:
    """site.yaml beside site.yml (or accessibility.*): only one would be read."""
    folder = sources.project.content.resolve()
    for kind in KINDS:
        if not kind.single:
            continue
        present = [s for s in kind.suffixes if str(folder / f"{kind.name}{s}") in sources.media]
        if len(present) > 1:
            used, *others = present
            for suffix in others:
                yield SourceError(
                    sources.project.content / f"{kind.name}{suffix}",
                    f"{kind.name}{used} and {kind.name}{suffix} are both here, and only "
                    f"{kind.name}{used} would be read",
                    hint=f"merge the two into {kind.name}{used} and delete {kind.name}{suffix}",
                )


def _media_names(sources: Sources) -> Iterator[SourceError]:
    """Files under content/media/ are published under their own names, so those names must
    be possible addresses too. Photos are not (the photo pipeline names their copies), but a
    name with invisible characters cannot be written in a content file either."""
    media = sources.project.content.resolve() / "media"
    prefix = str(media) + "/"
    reported: set[Path] = set()
    for file in sorted(sources.media):
        if not file.startswith(prefix):
            continue
        parts = Path(file[len(prefix) :]).parts
        photo = Path(file).suffix.lower() in PHOTO_SUFFIXES
        for index, part in enumerate(parts):
            problem = _media_part_problem(part, photo and index == len(parts) - 1)
            if problem is None:
                continue
            message, unprintable = problem
            at = media.joinpath(*parts[: index if unprintable else index + 1])
            if at not in reported:  # a folder's problem once, not once per file in it
                reported.add(at)
                yield SourceError(
                    at,
                    message,
                    hint=f"rename '{shown(part)}' to '{_free_media_name(part, sources)}'",
                )
            break


def _free_media_name(part: str, sources: Sources) -> str:
    stem, dot, rest = part.partition(".")
    siblings = {Path(f).name.split(".", 1)[0] for f in sources.media}
    return free_name(stem, siblings) + dot + ".".join(slugify(p) for p in rest.split(".") if p)


def _media_part_problem(part: str, photo: bool) -> tuple[str, bool] | None:
    """What is wrong with one part of a media file's path, and whether it cannot be printed."""
    if unsafe_characters(part):
        return (
            f"the name '{shown(part)}' has invisible characters in it, so no link can reach it",
            True,
        )
    if reserved_on_windows(part) and not photo:
        return (
            f"the name '{part}' is one Windows keeps for a device, so it could not be copied "
            "to a Windows computer or many web servers"
        ), False
    return None
