"""Names that become addresses: which ones no system can hold, and a free one to use instead.

Pure text functions, and light: `site-builder new` uses them before the builder is loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

from .links import slugify

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTIONS = ("home", "plan", "plans", "technicians", "galleries", "case-studies", "news", "events")
# Top-level names the site's own pages and files use: a free page cannot have one.
RESERVED_PATHS = frozenset(
    {*SECTIONS, "accessibility", "assets", "images", "media", "search"}
    | {"feed.xml", "404", "sitemap", "pagefind", "robots.txt", "sitemap.xml"}
)
# Photos: the build leaves files named so in content/media/ to the photo pipeline, which names
# their copies itself (media.publish_folder).
PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".avif"}
)
# Device names Windows refuses as a file or folder name, whatever the case and whatever
# extension follows (aux.html too); the digit forms include 0 since Windows 11 refuses those.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(10)}
)
# Unicode categories no file name of ours should hold: control and format characters,
# surrogates (bytes that are not UTF-8), and the line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def reserved_on_windows(name: str) -> bool:
    """Whether Windows refuses ``name`` as a file or folder: CON, aux.html, Com1.tar.gz..."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_RESERVED


def unsafe_characters(name: str) -> list[str]:
    """The characters of ``name`` that no address can hold (a line break, a tab, a NUL...)."""
    if name.isprintable():  # every category below is unprintable: the usual case, at C speed
        return []
    return [c for c in dict.fromkeys(name) if unicodedata.category(c) in _UNSAFE_CATEGORIES]


def shown(name: str) -> str:
    """A name with its invisible characters written out, so a message stays on one line."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    return "".join(
        named.get(c, f"\\u{ord(c):04x}") if unicodedata.category(c) in _UNSAFE_CATEGORIES else c
        for c in name
    )


def free_name(wanted: str, taken: Collection[str]) -> str:
    """``wanted`` if no one has it and it can be an address everywhere, else the first free
    ``wanted-2``, ``wanted-3``... (compared without case: macOS and Windows ignore it)."""
    lowered = {name.lower() for name in taken}
    base = slugify(wanted)
    if reserved_on_windows(base):
        base = f"{base}-page"
    candidate, number = base, 1
    while candidate in lowered or candidate in RESERVED_PATHS:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def canonical_spellings(spellings: Iterable[str]) -> dict[str, str]:
    """For each address a name makes, the spelling most people wrote ('Chemistry' over
    'chemistry' and 'CHEMISTRY.'), a tie going to the spelling met first (files are read in
    name order): names that differ only in case or punctuation make one page, under one name."""
    counts: dict[str, dict[str, int]] = {}
    for spelling in spellings:
        seen = counts.setdefault(slugify(spelling), {})
        seen[spelling] = seen.get(spelling, 0) + 1
    # max() keeps the first of equal counts, and a dict keeps the order spellings were met
    return {slug: max(seen, key=seen.__getitem__) for slug, seen in counts.items()}


def page_segments(slugs: Collection[str]) -> dict[str, str]:
    """The folder name of each option's page: its slug, unless Windows keeps that name for a
    device (a department called Aux), when it gets a free one beside the others."""
    return {
        slug: free_name(slug, set(slugs) - {slug}) if reserved_on_windows(slug) else slug
        for slug in slugs
    }
