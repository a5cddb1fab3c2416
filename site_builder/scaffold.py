"""`site-builder new`: start a content file from a commented template. Never overwrites."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import BuildFailed, SourceError, closest
from .links import slugify
from .names import free_name, reserved_on_windows

KINDS = ("technician", "news", "event", "case-study")
# The suffixes a kind's files may have (as kinds.py declares them; not imported from there, so
# `new` does not load pydantic).
_YAML = (".yaml", ".yml")
_MARKDOWN = (".md", ".markdown")

_TECHNICIAN = """\
# A technician profile. It is only published once consent is recorded below.
# Every field is explained by: site-builder schema (or hover in VS Code).
name: {title}
role: Job title
department: Department or facility
gallery: {gallery}          # a folder in galleries/
photo:                      # file name of the photo inside that gallery folder
photo_alt:                  # what the photo shows, e.g. "{title} at the confocal microscope"
bio: |
  Two or three sentences about their work, in their words where possible.
registrations: []           # e.g. [RSciTech] - shown after their name
expertise: []
# consent:
#   given: true
#   date: {today}
#   recorded_by: Your name
"""

_ARTICLE = """\
---
title: "{title}"
date: {today}
summary: One or two sentences that say what happened and why it matters.
themes: []          # visibility, recognition, career-development, sustainability
technicians: []     # file names in content/technicians, without .yaml
# image:
#   src: media/your-photo.jpg
#   alt: What the photo shows
draft: true         # remove this line when it is ready to publish
{extra}---

Write the story here. Use ## for headings.
"""

_EVENT = """\
event:
  start: {today} 10:00
  end: {today} 12:00
  place: Room, building
  # booking_url: https://...
"""


def create(kind: str, title: str, content: Path, gallery: str | None = None) -> Path:
    """Write the new file and return its path; raise BuildFailed if it already exists."""
    today = dt.date.today().isoformat()
    slug = slugify(title)
    if reserved_on_windows(slug):  # a person called Con: their page needs another address
        slug = free_name(slug, ())
    if kind == "technician":
        _check_gallery(gallery, content.parent / "galleries")
        path = content / "technicians" / f"{slug}.yaml"
        text = _TECHNICIAN.format(title=title, gallery=gallery or "your-gallery", today=today)
    elif kind == "case-study":
        path = content / "case-studies" / f"{slug}.md"
        text = _ARTICLE.format(title=_quoted(title), today=today, extra="")
    else:
        path = content / "news" / f"{today}-{slug}.md"
        extra = _EVENT.format(today=today) if kind == "event" else ""
        text = _ARTICLE.format(title=_quoted(title), today=today, extra=extra)
    _refuse_taken(path, _YAML if kind == "technician" else _MARKDOWN)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
        handle.write(text)
    return path


def _refuse_taken(path: Path, suffixes: tuple[str, ...]) -> None:
    """The new file's address must be free: a file of the same name under another suffix or
    case (sam-okafor.yml, Sam-Okafor.yaml) would make the same address."""
    try:
        names = [p.name for p in path.parent.iterdir()]
    except OSError:  # no folder yet: nothing is taken
        return
    same = sorted(
        n for n in names if Path(n).stem.lower() == path.stem and Path(n).suffix.lower() in suffixes
    )
    if not same:
        return
    free = free_name(path.stem, {n.split(".", 1)[0] for n in names})
    raise BuildFailed(
        [
            SourceError(
                path.parent / same[0],
                f"{same[0]} already exists and makes the same address, so nothing was created",
                hint=f"open {same[0]} to change it; if this is a different item, create "
                f"{free}{path.suffix} instead (that name is free)",
            )
        ]
    )


def _check_gallery(gallery: str | None, galleries: Path) -> None:
    """A gallery named for a new profile must exist: the profile would not build otherwise."""
    if gallery is None or (galleries / gallery / "gallery.yaml").is_file():
        return
    names = sorted(
        folder.name for folder in galleries.glob("*") if (folder / "gallery.yaml").is_file()
    )
    guess = closest(gallery, names)
    choose = f"did you mean '{guess}'? " if guess else ""
    raise BuildFailed(
        [
            SourceError(
                galleries / gallery,
                f"there is no gallery '{gallery}', so nothing was created",
                hint=choose
                + (
                    "the galleries are: " + ", ".join(names)
                    if names
                    else "make a gallery first: a folder in galleries/ with a gallery.yaml"
                ),
            )
        ]
    )


def _quoted(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')
