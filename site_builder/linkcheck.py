"""Every internal link, anchor, image and asset of a built site, checked against the files.

The site is read as a visitor's browser would see it once published at its base URL: a link is
resolved against the address of the page it is on, and must land on a file inside the base
path (a GitHub Pages project site serves nothing above /<repo>/). Nothing is fetched from the
internet: external links are left alone.

Parsing (HTML with the standard library's html.parser, XML feeds and sitemaps, CSS url()) is
pure; only `check_output` reads files.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .errors import SourceError

# Which attribute of which element is a link, and what to call it when it is broken.
_LINK_ATTRIBUTES = {"href", "src", "poster", "action", "data"}
_KINDS = {
    "a": "link to",
    "area": "link to",
    "form": "form action",
    "img": "image",
    "source": "image",
    "video": "video",
    "audio": "audio",
    "track": "caption file",
    "script": "script",
    "iframe": "embedded page",
    "object": "embedded file",
    "embed": "embedded file",
}
_LINK_RELS = {"stylesheet": "stylesheet", "icon": "icon", "alternate": "feed"}
_NOT_FETCHED = ("mailto:", "tel:", "javascript:", "data:", "sms:")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass(frozen=True)
class Reference:
    """A link as written in a file: the URL and what sort of thing it should reach."""

    url: str
    kind: str = "link to"


@dataclass(frozen=True)
class ParsedFile:
    references: tuple[Reference, ...] = ()
    anchors: frozenset[str] = frozenset()  # ids and <a name>s a #fragment may point at


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the file the link is on, relative to the output folder
    reference: Reference
    reason: str

    def describe(self, output_label: str) -> str:
        where = f"{output_label.rstrip('/')}/{self.page}"
        return f"{where}: broken {self.reference.kind} {self.reference.url} ({self.reason})"


@dataclass(frozen=True)
class LinkReport:
    files: int
    references: int
    broken: tuple[BrokenLink, ...]


# --- parsing ------------------------------------------------------------------------------------


class _HtmlLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value for name, value in attrs if value is not None}
        for name in ("id", "name") if tag == "a" else ("id",):
            if found.get(name):
                self.anchors.add(found[name])
        kind = _KINDS.get(tag, "link to")
        if tag == "link":
            rels = found.get("rel", "").lower().split()
            kind = next((_LINK_RELS[r] for r in rels if r in _LINK_RELS), "linked file")
        if tag == "meta":
            # og:image, og:url, twitter:image: full addresses, checked when they are ours.
            if found.get("content", "").startswith(("http://", "https://")):
                self.references.append(Reference(found["content"], "share image or address"))
            return
        for name in _LINK_ATTRIBUTES & found.keys():
            if name == "data" and tag != "object":
                continue
            self.references.append(Reference(found[name], "poster" if name == "poster" else kind))
        for candidate in srcset_urls(found.get("srcset", "")):
            self.references.append(Reference(candidate, "image"))


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset ('a.jpg 480w, b.jpg 960w'); our URLs never contain commas."""
    return [part.split()[0] for part in srcset.split(",") if part.strip()]


def parse_html(text: str) -> ParsedFile:
    parser = _HtmlLinks()
    parser.feed(text)
    parser.close()
    return ParsedFile(tuple(parser.references), frozenset(parser.anchors))


def parse_xml(text: str) -> ParsedFile:
    """Atom feeds (<link href>) and sitemaps (<loc>): any href, src or loc in the file."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return ParsedFile((Reference("", f"XML file that cannot be read: {error}"),))
    references = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "loc" and element.text:
            references.append(Reference(element.text.strip(), "sitemap entry"))
        for attribute in ("href", "src"):
            if element.get(attribute):
                references.append(Reference(element.get(attribute, ""), "feed link"))
    return ParsedFile(tuple(references))


def parse_css(text: str) -> ParsedFile:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    urls = [m.group(2) or m.group(4) for m in _CSS_URL.finditer(text)]
    return ParsedFile(tuple(Reference(u, "file used by the stylesheet") for u in urls))


def parse_robots(text: str) -> ParsedFile:
    found = re.findall(r"^\s*sitemap:\s*(\S+)", text, flags=re.I | re.M)
    return ParsedFile(tuple(Reference(u, "sitemap") for u in found))


def parse_file(relative: str, text: str) -> ParsedFile:
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix in {".html", ".htm"}:
        return parse_html(text)
    if suffix == ".xml":
        return parse_xml(text)
    if suffix == ".css":
        return parse_css(text)
    if relative == "robots.txt":
        return parse_robots(text)
    return ParsedFile()


# --- resolving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a link lands inside the site: a path relative to the output folder, or outside."""

    path: str | None  # None: outside the base path
    fragment: str = ""


@dataclass(frozen=True)
class SiteAddress:
    """The address the site is published at, which decides what counts as internal."""

    base_url: str  # ends with '/'

    @classmethod
    def of(cls, base_url: str) -> SiteAddress:
        return cls(base_url.rstrip("/") + "/")

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def page_url(self, relative: str) -> str:
        """The address of an output file ('about/index.html' is served as /base/about/)."""
        path = relative[: -len("index.html")] if relative.endswith("index.html") else relative
        return self.base_url + path

    def resolve(self, page: str, link: str) -> Target | None:
        """The output path a link on `page` reaches, or None when the link leaves the site."""
        link = link.strip()
        if not link or link.lower().startswith(_NOT_FETCHED):
            return None
        absolute = urljoin(self.page_url(page), link)
        parts = urlsplit(absolute)
        site = urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None  # another site: not fetched
        path = unquote(parts.path) or "/"
        if not path.startswith(self.base_path):
            if link.startswith(("http://", "https://", "//")):
                return None  # a full address elsewhere on the same host: another site
            return Target(None, parts.fragment)
        relative = path[len(self.base_path) :]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return Target(relative, unquote(parts.fragment))


# --- checking -----------------------------------------------------------------------------------


def find_broken(
    parsed: Mapping[str, ParsedFile], files: frozenset[str], site: SiteAddress
) -> list[BrokenLink]:
    """Every broken link in the parsed files. Pure: the site's files are given as a set."""
    broken = []
    for page in sorted(parsed):
        for reference in parsed[page].references:
            reason = _problem(reference, page, parsed, files, site)
            if reason is not None:
                broken.append(BrokenLink(page, reference, reason))
    return broken


def _problem(
    reference: Reference,
    page: str,
    parsed: Mapping[str, ParsedFile],
    files: frozenset[str],
    site: SiteAddress,
) -> str | None:
    if reference.kind.startswith("XML file"):
        return "fix the file"
    target = site.resolve(page, reference.url)
    if target is None:
        return None
    if target.path is None:
        return f"outside the site's base path {site.base_path}"
    path = target.path
    if path not in files and f"{path}/index.html" in files:
        path = f"{path}/index.html"  # /about without the slash: servers redirect to /about/
    if path not in files:
        return "no such file"
    fragment = target.fragment
    # ':~:text=' is a browser text fragment, not an id.
    checkable = path.endswith((".html", ".htm")) and not fragment.startswith(":~:")
    if fragment and checkable and fragment not in parsed[path].anchors:
        on = "this page" if path == page else path
        return f"no element with id '{fragment}' on {on}"
    return None


def check_output(output: Path, base_url: str) -> LinkReport:
    """Read every file of a built site and check every link in its HTML, XML and CSS."""
    files = frozenset(
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    parsed: dict[str, ParsedFile] = {}
    for relative in sorted(files):
        if PurePosixPath(relative).suffix.lower() in {".html", ".htm", ".xml", ".css"} or (
            relative == "robots.txt"
        ):
            text = (output / relative).read_text(encoding="utf-8", errors="replace")
            parsed[relative] = parse_file(relative, text)
    broken = find_broken(parsed, files, SiteAddress.of(base_url))
    references = sum(len(p.references) for p in parsed.values())
    return LinkReport(files=len(parsed), references=references, broken=tuple(broken))


def base_url_of_output(output: Path) -> str | None:
    """The address a built site was made for, from its home page's canonical link."""
    home = output / "index.html"
    if not home.is_file():
        return None
    finder = _CanonicalFinder()
    finder.feed(home.read_text(encoding="utf-8", errors="replace"))
    return finder.canonical


class _CanonicalFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and (found.get("rel") or "").lower() == "canonical" and found.get("href"):
            self.canonical = self.canonical or found["href"]


# --- reporting ----------------------------------------------------------------------------------


HINTS = {
    "no such file": "a page or file that does not exist: correct the address in the content "
    "file that makes the page (site links are written /plans/ or /technicians/ada/, from the "
    "site root), or add the missing file to content/media/ (a photo there is published only as "
    "the image: of a story, never under its own name)",
    "no element with id": "a #anchor that is not on the target page: headings get their id "
    "from their words (## Our plan becomes #our-plan); use the id the page really has",
    "outside the site's base path": "a link from the domain root: write site links in Markdown "
    "as /page/ (site_builder adds the base path), and in templates use url('page/')",
}


def format_broken(broken: Iterable[BrokenLink], output_label: str) -> str:
    """Each broken link on a line, grouped by the page it is on, then what to do about them."""
    groups: dict[str, list[BrokenLink]] = {}
    for item in broken:
        groups.setdefault(item.page, []).append(item)
    blocks = ["\n".join(item.describe(output_label) for item in groups[page]) for page in groups]
    reasons = {item.reason for items in groups.values() for item in items}
    found = [hint for key, hint in HINTS.items() if any(key in r for r in reasons)]
    lines = ["\n\n".join(blocks)]
    if found:
        lines.append("")
        lines += [f"      fix: {hint}" for hint in found]
    return "\n".join(lines)


def as_source_error(broken: BrokenLink, output: Path) -> SourceError:
    """A broken link as a problem, for `check --json`."""
    hint = next((h for key, h in HINTS.items() if key in broken.reason), None)
    message = f"broken {broken.reference.kind} {broken.reference.url} ({broken.reason})"
    return SourceError(output / broken.page, message, hint=hint)
