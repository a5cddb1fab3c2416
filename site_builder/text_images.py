"""Images written in the Markdown text of pages, news items and case studies.

The README says files for the site go in content/media/ and are written ``media/x.svg``; an
image in a story's text may also be written relative to its file (``../media/x.svg``) or from
the site's root (``/media/x.svg``). All three are published (links.media_reference). Anything
else would build into a broken image, so it is refused here with the path to write instead.

Photos are a case of their own: they reach the site only through the photo pipeline, which
re-makes them without their location and camera details, and it serves a story's ``image:``
field, not its text. A photo written in the text is refused with that field as the fix, rather
than published as it is. Pure: existence is checked against the files discovery listed.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .content import Content, Entry, Sources
from .errors import SourceError, closest
from .links import media_reference
from .markup import render_markdown
from .names import PHOTO_SUFFIXES


class _Images(HTMLParser):
    """The src of every <img>, as Markdown made it (inline, reference-style or raw HTML), and
    the href of every link into content/media/ (a PDF, or a photo linked rather than shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        src = found.get("src") if tag == "img" else found.get("href") if tag == "a" else None
        if src and (tag == "img" or _into_media(src)):
            self.sources.append(src)


def _into_media(href: str) -> bool:
    return media_reference(href) is not None or href.startswith("/media/")


def image_sources(markdown_text: str) -> list[str]:
    """Every image address a Markdown text shows, and every link it makes into media/."""
    if (
        "media/" not in markdown_text
        and "![" not in markdown_text
        and ("<img" not in markdown_text.lower())
    ):
        return []  # most stories have none: no conversion needed to know it
    parser = _Images()
    parser.feed(str(render_markdown(markdown_text)))
    return list(dict.fromkeys(parser.sources))


def check_text_images(content: Content, sources: Sources) -> list[SourceError]:
    problems: list[SourceError] = []
    articles: tuple[Entry[Any], ...] = (*content.pages, *content.news, *content.case_studies)
    for entry in articles:
        for src in image_sources(entry.body):
            problem = _problem(entry, src, sources)
            if problem is not None:
                problems.append(problem)
    return problems


def _target(src: str, entry: Entry[Any], content_folder: Path) -> Path | None:
    """The file an image address names, or None when it is not the content's to check (an
    address elsewhere, or a site path such as /assets/ that a theme provides)."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return content_folder / path.lstrip("/") if path.startswith("/media/") else None
    media = media_reference(path)
    if media is not None:
        return content_folder / media
    return Path(os.path.normpath(entry.path.parent / path))


def _problem(entry: Entry[Any], src: str, sources: Sources) -> SourceError | None:
    content_folder = sources.project.content
    target = _target(src, entry, content_folder)
    if target is None:
        return None
    media = content_folder / "media"
    published = target.is_relative_to(media)
    if not published and target.name in _names_in(sources, media):
        target = media / target.name  # written from the wrong folder: the file is there
    exists = str(target) in sources.media or str(target.resolve()) in sources.media
    write = f"media/{target.relative_to(media).as_posix()}" if exists or published else None
    photo = target.suffix.lower() in PHOTO_SUFFIXES
    if published and exists and not photo:
        return None
    line, column = _position(entry, src)
    at: dict[str, Any] = {"line": line, "column": column, "value": src}
    if exists and photo:
        return SourceError(
            entry.path,
            f"the photo '{src}' in the text would not be published: photos reach the site only "
            "through the image: field, which removes where and when they were taken",
            hint=_photo_hint(entry, write or src),
            **at,
        )
    if exists:
        return SourceError(
            entry.path,
            f"the file '{src}' is looked for outside content/media/, so it would not be found",
            hint=f"write {write} (the file is in content/media/)",
            **at,
        )
    if published:
        guess = closest(target.name, _names_in(sources, target.parent))
        folder = Path(write or "media").parent.as_posix()
        return SourceError(
            entry.path,
            f"the file '{src}' does not exist: there is no {write} in content/",
            hint=f"did you mean {folder}/{guess}?"
            if guess
            else f"put the file in content/{folder}/ and write {write}",
            **at,
        )
    return SourceError(
        entry.path,
        f"the file '{src}' is not in content/media/, so it would not be published",
        hint=f"put the file in content/media/ and write media/{target.name}",
        **at,
    )


def _photo_hint(entry: Entry[Any], write: str) -> str:
    if hasattr(entry.meta, "image"):
        return (
            f"remove it from the text and give it as the story's picture: 'image:' with "
            f"'src: {write}' and 'alt:' saying what it shows"
        )
    return "a page's text can show drawings (SVG) from content/media/, not photos: remove it"


def _names_in(sources: Sources, folder_path: Path) -> list[str]:
    folder = str(folder_path.resolve())
    return [Path(p).name for p in sources.media if os.path.dirname(p) == folder]


def _position(entry: Entry[Any], src: str) -> tuple[int | None, int | None]:
    """Where the address is written in the file (the first line that has it)."""
    for offset, text in enumerate(entry.body.splitlines()):
        column = text.find(src)
        if column >= 0:
            return entry.body_line + offset, column + 1
    return None, None
