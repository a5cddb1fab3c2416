"""A zip for a university CMS (TerminalFour, Squiz Matrix, Drupal, WordPress, SharePoint): for each
page its main content as an HTML fragment, the images and downloads it uses, and a manifest
(JSON and CSV) for bulk upload.

The export is made from a built site, so drafts and people without consent are left out exactly
as on the site. Reading the built pages (rather than rendering again) also means a site's own
theme is exported as it looks. Links are rewritten: pages to their CMS paths, files to the asset
path the web team chooses.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import tinycss2

from ..linkcheck import SiteAddress, srcset_urls
from ..spreadsheet import csv_text

MANIFEST_COLUMNS = (
    "path",
    "title",
    "description",
    "parent",
    "last_modified",
    "fragment",
    "site_url",
    "noindex",
)
# Parts of the theme that belong to the site around the content, not to the content: the CMS
# has its own header, menu and footer, and its own page container.
# The search page needs the static index and our script, which a CMS has its own answer to.
NOT_FOR_A_CMS = {"search/index.html"}
CHROME = ("site-header", "site-nav", "site-footer", "skip-link", "print-source", "breadcrumbs")
_DROPPED_CLASSES = {"container"}
_URL_ATTRIBUTES = {"href", "src", "poster", "action"}
_SKIPPED_ELEMENTS = {"script", "template", "noscript"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
CSS_CLASS = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class CmsOptions:
    asset_path: str = "/media/techcommit/"  # where the web team will put the files
    page_path: str = "/"  # where the pages will live in the CMS
    scope_class: str | None = None  # wrap fragments and scope the theme's styles under it


@dataclass(frozen=True)
class ManifestRow:
    path: str
    title: str
    description: str
    parent: str
    last_modified: str
    fragment: str
    site_url: str
    noindex: bool


@dataclass
class CmsExport:
    rows: list[ManifestRow] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # zip entry name -> bytes
    assets: set[str] = field(default_factory=set)  # output-relative paths of files used


# --- one page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageParts:
    title: str
    h1: str
    description: str
    noindex: bool
    main_html: str


class _PageReader(HTMLParser):
    """Copies the inside of <main> token by token, each link passed through `rewrite`; the
    tokens are written back as they were, so SVG keeps its case and entities stay escaped."""

    def __init__(self, rewrite: Callable[[str], str]):
        super().__init__(convert_charrefs=False)
        self.rewrite = rewrite
        self.out: list[str] = []
        self.depth = 0  # elements open inside <main>; -1 before it
        self.in_main = False
        self.skip_until: int | None = None  # depth at which a skipped element closes
        self.title: list[str] = []
        self.h1: list[str] = []
        self.in_title = self.in_h1 = False
        self.description = ""
        self.noindex = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta":
            name = (found.get("name") or "").lower()
            if name == "description":
                self.description = found.get("content") or ""
            elif name == "robots":
                self.noindex = "noindex" in (found.get("content") or "").lower()
        if tag == "title":
            self.in_title = True
        if not self.in_main:
            if tag == "main":
                self.in_main, self.depth = True, 0
            return
        if tag == "h1":
            self.in_h1 = True
        void = tag in _VOID
        if self.skip_until is None and (tag in _SKIPPED_ELEMENTS or "hidden" in found):
            # Scripts and what only scripts reveal: our script does not run in the CMS.
            if not void:
                self.skip_until = self.depth
        elif self.skip_until is None:
            self.out.append(self._start_tag(tag, attrs))
        if not void:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.in_main and self.skip_until is None:
            self.out.append(self._start_tag(tag, attrs))
        elif tag == "meta":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if not self.in_main or tag in _VOID:
            return
        if tag == "h1":
            self.in_h1 = False
        self.depth -= 1
        if self.depth < 0:  # </main>
            self.in_main = False
            return
        if self.skip_until is None:
            self.out.append(f"</{tag}>")
        elif self.depth == self.skip_until:
            self.skip_until = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.in_main and self.skip_until is None:
            self.out.append(data)
            if self.in_h1:
                self.h1.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def _start_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        changed = False
        written = []
        for name, value in attrs:
            new = value
            if value is not None and name in _URL_ATTRIBUTES:
                new = self.rewrite(value)
            elif value is not None and name == "srcset":
                new = ", ".join(
                    self.rewrite(url) + part.strip()[len(url) :]
                    for part, url in zip(value.split(","), srcset_urls(value), strict=True)
                )
            elif value is not None and name == "class":
                new = " ".join(c for c in value.split() if c not in _DROPPED_CLASSES)
            if new != value:
                changed = True
            if name == "class" and not new:
                continue
            written.append(name if new is None else f'{name}="{html.escape(new)}"')
        if not changed:
            return self.get_starttag_text() or f"<{tag}>"
        return f"<{tag}{''.join(' ' + w for w in written)}>"


def read_page(text: str, rewrite: Callable[[str], str]) -> PageParts:
    """The parts of a built page a CMS needs. Pure: HTML in, parts out."""
    reader = _PageReader(rewrite)
    reader.feed(text)
    reader.close()
    return PageParts(
        title=html.unescape("".join(reader.title)).strip(),
        h1=" ".join(html.unescape("".join(reader.h1)).split()),
        description=reader.description,
        noindex=reader.noindex,
        main_html=_tidy("".join(reader.out)),
    )


def _tidy(fragment: str) -> str:
    """Blank lines left where header parts were skipped would show up in CMS source views."""
    return re.sub(r"\n\s*\n+", "\n", fragment).strip() + "\n"


# --- the whole site -----------------------------------------------------------------------------


def export_site(output: Path, base_url: str, options: CmsOptions) -> CmsExport:
    """Read a built site and make every entry of the zip (nothing is written here)."""
    site = SiteAddress.of(base_url)
    files = {
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    pages = sorted(
        f
        for f in files
        if (f == "index.html" or f.endswith("/index.html")) and f not in NOT_FOR_A_CMS
    )
    lastmod = _sitemap_dates(output / "sitemap.xml", site)
    export = CmsExport()
    for page in pages:
        parts = read_page(
            (output / page).read_text(encoding="utf-8"),
            partial(_rewrite, page=page, site=site, files=files, options=options, export=export),
        )
        main = parts.main_html
        if options.scope_class:
            main = f'<div class="{options.scope_class}">\n{main}</div>\n'
        fragment = fragment_name(page)
        export.files[fragment] = main.encode("utf-8")
        export.rows.append(
            ManifestRow(
                path=cms_path(page, options),
                title=parts.h1 or parts.title,
                description=parts.description,
                parent=_parent(page, set(pages), options),
                last_modified=lastmod.get(page, ""),
                fragment=fragment,
                site_url=site.page_url(page),
                noindex=parts.noindex,
            )
        )
    for asset in sorted(export.assets):
        export.files[f"assets/{asset}"] = (output / asset).read_bytes()
    if options.scope_class:
        export.files["content-styles.css"] = scoped_theme_styles(
            output, pages, site, options.scope_class
        ).encode("utf-8")
    export.files["manifest.json"] = manifest_json(export.rows, base_url, options)
    export.files["manifest.csv"] = manifest_csv(export.rows)
    export.files["README.txt"] = _readme(options).encode("utf-8")
    return export


def cms_path(page: str, options: CmsOptions) -> str:
    """'technicians/ada/index.html' -> '/technician-commitment/technicians/ada/'."""
    return options.page_path + page.removesuffix("index.html")


def fragment_name(page: str) -> str:
    """'technicians/ada/index.html' -> 'fragments/technicians/ada.html'; home -> index.html."""
    folder = page.removesuffix("index.html").rstrip("/")
    return f"fragments/{folder or 'index'}.html"


def _parent(page: str, pages: set[str], options: CmsOptions) -> str:
    """The nearest page above this one ('news/page/2/' belongs under 'news/'); home has none."""
    if page == "index.html":
        return ""
    folder = PurePosixPath(page).parent
    while str(folder) != ".":
        folder = folder.parent
        candidate = "index.html" if str(folder) == "." else f"{folder}/index.html"
        if candidate in pages:
            return cms_path(candidate, options)
    return ""


def _rewrite(
    link: str,
    page: str,
    site: SiteAddress,
    files: set[str],
    options: CmsOptions,
    export: CmsExport,
) -> str:
    target = site.resolve(page, link)
    if target is None or target.path is None or link.startswith("#"):
        return link  # other sites, mail, anchors on the same page: as they are
    path = target.path
    if path not in files and f"{path}/index.html" in files:
        path = f"{path}/index.html"
    if path not in files:
        return link  # already broken on the site (check --links reports it): leave it be
    fragment = f"#{target.fragment}" if target.fragment else ""
    if path == "index.html" or path.endswith("/index.html"):
        return cms_path(path, options) + fragment
    export.assets.add(path)
    return options.asset_path + path + fragment


def _sitemap_dates(sitemap: Path, site: SiteAddress) -> dict[str, str]:
    if not sitemap.is_file():
        return {}
    dates = {}
    for url in ElementTree.parse(sitemap).getroot():
        loc = next((c.text for c in url if c.tag.endswith("loc")), None)
        lastmod = next((c.text for c in url if c.tag.endswith("lastmod")), None)
        target = site.resolve("index.html", loc or "")
        if target is not None and target.path is not None and lastmod:
            dates[target.path] = lastmod.strip()
    return dates


# --- styles -------------------------------------------------------------------------------------


def scoped_theme_styles(output: Path, pages: list[str], site: SiteAddress, scope: str) -> str:
    """The stylesheets the pages link to, in order, with every rule scoped under `.scope`."""
    sheets: list[str] = []
    for page in pages[:1]:
        for href in _stylesheets((output / page).read_text(encoding="utf-8")):
            target = site.resolve(page, href)
            if target is not None and target.path and (output / target.path).is_file():
                sheets.append(target.path)
    parts = [
        f"/* {sheet}, scoped under .{scope} */\n"
        + scope_css((output / sheet).read_text(encoding="utf-8"), scope)
        for sheet in sheets
    ]
    return "\n\n".join(parts) + "\n"


def _stylesheets(text: str) -> list[str]:
    found: list[str] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            if tag == "link" and "stylesheet" in (values.get("rel") or "").split():
                found.append(values.get("href") or "")

    Finder().feed(text)
    return [href for href in found if href]


def scope_css(css: str, scope: str, chrome: tuple[str, ...] = CHROME) -> str:
    """Every selector put under `.scope`; html, body and :root become `.scope` itself (so the
    theme's custom properties reach the content); rules for the site's own header, menu and
    footer, @page and @import are dropped. Pure: CSS text in, CSS text out."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    out: list[str] = []
    hidden = tuple(f".{name}" for name in (*chrome, *_DROPPED_CLASSES))
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = _selectors(tinycss2.serialize(rule.prelude))
            kept = [_scoped(s, scope) for s in selectors if not _mentions(s, hidden)]
            if kept:
                body = tinycss2.serialize(rule.content).strip()
                out.append(f"{', '.join(kept)} {{ {body} }}")
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword in {"media", "supports", "container", "layer"} and rule.content:
                inner = scope_css(tinycss2.serialize(rule.content), scope, chrome)
                if inner.strip():
                    prelude = tinycss2.serialize(rule.prelude).strip()
                    indented = "\n".join("  " + line for line in inner.splitlines())
                    out.append(f"@{rule.at_keyword} {prelude} {{\n{indented}\n}}")
            elif keyword not in {"page", "import", "charset"}:
                out.append(tinycss2.serialize([rule]).strip())
    return "\n".join(out)


def _selectors(prelude: str) -> list[str]:
    """Split a selector list at its top-level commas (not those inside :is(a, b))."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += char in "(["
        depth -= char in ")]"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _mentions(selector: str, classes: tuple[str, ...]) -> bool:
    # .site-header, and its BEM parts .site-header__inner and .site-header--dark
    return any(re.search(re.escape(c) + r"(?=$|[^\w-]|__|--)", selector) for c in classes)


def _scoped(selector: str, scope: str) -> str:
    root = re.match(r"^(:root|html|body)(?![\w-])\s*", selector)
    if root:
        rest = selector[root.end() :]
        return f".{scope}" + (f" {rest}" if rest and not rest.startswith((".", ":", "[")) else rest)
    return f".{scope} {selector}"


# --- manifest and zip ---------------------------------------------------------------------------


def manifest_json(rows: list[ManifestRow], base_url: str, options: CmsOptions) -> bytes:
    data = {
        "exported_from": base_url,
        "page_path": options.page_path,
        "asset_path": options.asset_path,
        "scope_class": options.scope_class,
        "columns": list(MANIFEST_COLUMNS),
        "pages": [asdict(row) for row in rows],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def manifest_csv(rows: list[ManifestRow]) -> bytes:
    """Every cell safe to open in a spreadsheet: a title may begin with = or @ (spreadsheet.py)."""
    values = [asdict(row) for row in rows]
    table = ([_cell(v[column]) for column in MANIFEST_COLUMNS] for v in values)
    return csv_text(MANIFEST_COLUMNS, table).encode("utf-8")


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _readme(options: CmsOptions) -> str:
    styles = (
        f"content-styles.css  the theme's content styles, every rule under .{options.scope_class};"
        f'\n                    each fragment is wrapped in <div class="{options.scope_class}">.\n'
        if options.scope_class
        else ""
    )
    return (
        "Technician Commitment pages, exported for a content management system.\n\n"
        "manifest.csv / manifest.json  one row per page: path (in the CMS), title, description\n"
        "                    (meta description), parent (path of the page above), last_modified,\n"
        "                    fragment (file with the page's content), site_url, noindex.\n"
        "fragments/          each page's main content as HTML, without the site's header, menu\n"
        "                    and footer. Links to pages point at the paths in the manifest.\n"
        f"assets/             images and downloads; links expect them at {options.asset_path}\n"
        f"{styles}"
    )


def write_zip(entries: Mapping[str, bytes], target: Path, force: bool = False) -> None:
    """Write the zip beside the target then move it in place: never half a zip, and an existing
    file is replaced only when asked (`force`)."""
    if target.exists() and not force:
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _new_file_beside(target)
    try:
        with (
            os.fdopen(handle, "wb") as stream,
            zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for name in sorted(entries):
                # A fixed date: the same site makes the same zip, byte for byte.
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, entries[name])
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _new_file_beside(target: Path) -> tuple[int, Path]:
    """A new file with a name of its own next to ``target``, with the mode every new file gets
    (0666 less the umask: 0644 for most). Not mkstemp: its file is private (0600), and the zip
    is meant to be handed on."""
    for _ in range(100):
        candidate = target.parent / f".cms-export-{secrets.token_hex(6)}.zip"
        try:
            return os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(target.parent / ".cms-export-*.zip")
