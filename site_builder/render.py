"""Templates: the Jinja environment, its filters, and rendering one page to a string.

A site's own theme (named in site.yaml) is searched first and the default theme after it, so a
site overrides just the templates it wants to change.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .errors import SourceError
from .links import Urls, slugify
from .markup import MarkdownMemo
from .models import STATUSES, THEMES
from .records import content_hash, stat_signature


class PageKind(enum.Enum):
    """What a page is, for search engines and the site search (seo.py): declared by the code
    that plans the page, never guessed from what its context holds. A kind that presents one
    content entry names the context value holding it."""

    HOME = ("home", None)
    TECHNICIAN = ("technician", "technician")  # a profile
    NEWS = ("news", "article")  # a news item or an event
    CASE_STUDY = ("case study", "article")
    PAGE = ("page", "page")  # a page of content/pages/
    STATEMENT = ("statement", None)  # the accessibility statement
    PLAN = ("plan", None)  # a plan's overview
    PLAN_THEME = ("plan theme", None)  # one theme of a plan
    PLAN_ACTIONS = ("plan actions", None)  # a plan's actions: all, by filter, by date
    PLAN_DONE = ("plan done", None)  # what we have done: the plan's completed actions again
    LISTING = ("listing", None)  # a list of other pages (people, news, galleries, plans), 404

    def __init__(self, label: str, entry: str | None) -> None:
        self.label = label
        self.entry = entry  # the context name of the entry the page presents, if it is one


@dataclass(frozen=True)
class PageSpec:
    """One page to make: where it goes, which template, what it shows, what it was made from."""

    path: str  # URL path relative to the site root: '' for home, 'news/', 'feed.xml'
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    kind: PageKind = field(default_factory=lambda: PageKind.LISTING)
    title: str = ""
    in_sitemap: bool = True
    lastmod: dt.date | None = None


def theme_folders(themes: Path, theme: str | None) -> list[Path]:
    chain = [themes / theme] if theme else []
    chain.append(themes / "default")
    return [folder for folder in chain if folder.is_dir()]


class ThemeEnvironment(jinja2.Environment):
    """A Jinja environment that keeps the tree of each template it compiles until the template
    analysis takes it (take_tree, for incremental.TemplateIndex): a template is then parsed
    once for both, and, compiled before render workers are forked, not once in each of them."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._trees: dict[str, tuple[str, jinja2.nodes.Template]] = {}

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        tree = super()._parse(source, name, filename)
        if name is not None:
            self._trees[name] = (source, tree)
        return tree

    def take_tree(self, name: str, source: str) -> jinja2.nodes.Template | None:
        """The tree of ``name`` as compiled from ``source``, compiling it if it was not yet;
        None when the compiled template came from the bytecode cache, without parsing.

        Compiling folds constant expressions in the tree, which changes none of the names or
        template references the analysis looks for."""
        self.get_template(name)
        kept = self._trees.pop(name, None)
        return kept[1] if kept is not None and kept[0] == source else None


def make_environment(
    folders: list[Path],
    urls: Urls,
    helpers: Mapping[str, Callable[..., Any]] | None = None,
    compiled: jinja2.BytecodeCache | None = None,
    markdown: MarkdownMemo | None = None,
) -> jinja2.Environment:
    """``compiled`` keeps compiled templates between builds (by name and source checksum), so
    a rebuild does not spend a second compiling twenty unchanged templates again."""
    memo = markdown or MarkdownMemo()
    env = ThemeEnvironment(
        loader=jinja2.FileSystemLoader([str(f / "templates") for f in folders]),
        bytecode_cache=compiled,
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        url=urls.url,
        absolute_url=urls.absolute,
        THEMES=THEMES,
        STATUSES=STATUSES,
        **(helpers or {}),
    )
    env.filters.update(
        markdown=lambda text: memo.html(text or "", urls.content_link),
        inline_markdown=lambda text: memo.inline(text or "", urls.content_link),
        date=format_date,
        datetime=format_datetime,
        iso=lambda value: value.isoformat(),
        theme_name=lambda theme_id: THEMES[theme_id],
        status_label=lambda status: STATUSES[status],
        plural=plural,
        # what a name is compared by: 'Chemistry' and 'chemistry.' are one department
        slug=slugify,
        event_over=event_over,
    )
    return env


def event_over(meta: Any, today: dt.date) -> bool:
    """Whether an item is an event that has ended by ``today`` (False for plain news): a
    template gets ``today`` from its context, which macros imported from _macros.html do not
    see, so the page says it and passes the answer on."""
    event = getattr(meta, "event", None)
    if event is None:
        return False
    end = event.end or event.start
    return bool((end.date() if isinstance(end, dt.datetime) else end) < today)


def render_page(env: jinja2.Environment, spec: PageSpec, shared: Mapping[str, Any]) -> str:
    template = env.get_template(spec.template)
    return template.render(
        {**shared, **spec.context, "page_path": spec.path, "page_kind": spec.kind}
    )


def template_error(exc: Exception, folders: list[Path], spec: PageSpec) -> SourceError:
    """A template mistake, pointed at the template's file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = Path(exc.filename) if exc.filename else None
        return SourceError(
            path,
            f"template error: {exc.message}",
            line=exc.lineno,
            hint="fix the template syntax on this line",
        )
    asked_by = _asked_for(spec)
    if asked_by is not None:
        return _template_asked_for(exc, folders, spec, asked_by)
    made_from = _made_from(spec)
    if isinstance(exc, jinja2.TemplateNotFound):
        return SourceError(
            None,
            f"the template '{exc.name}' was not found (needed for /{spec.path}{made_from})",
            hint=f"add it to one of: {', '.join(str(f / 'templates') for f in folders)}",
        )
    line, name = _template_frame(exc)
    return SourceError(
        Path(name) if name else None,
        f"{exc} (while making /{spec.path}{made_from})",
        line=line,
        hint="a template refers to something the page does not have; check the name",
    )


def _entries(spec: PageSpec) -> list[Any]:
    """The content entries a page shows (duck-typed: anything with a file and fields)."""
    return [v for v in spec.context.values() if hasattr(v, "meta") and hasattr(v, "path")]


def _asked_for(spec: PageSpec) -> Any:
    """The content entry whose `template:` chose this page's template, if one did."""
    return next(
        (
            entry
            for entry in _entries(spec)
            if getattr(entry.meta, "template", None)
            and f"{entry.meta.template}.html" == spec.template
        ),
        None,
    )


def _made_from(spec: PageSpec) -> str:
    entries = _entries(spec)
    return f" from {entries[0].path}" if len(entries) == 1 else ""


def template_names(folders: list[Path]) -> list[str]:
    """The templates a content file can name in `template:` (without .html): partials
    (_macros) and the base layout are not pages."""
    names = {
        path.stem
        for folder in folders
        for path in (folder / "templates").glob("*.html")
        if not path.stem.startswith("_") and path.stem != "base"
    }
    return sorted(name for name in names if name.replace("-", "").isalnum() and name.islower())


def _template_asked_for(
    exc: Exception, folders: list[Path], spec: PageSpec, entry: Any
) -> SourceError:
    """A template named in a content file's `template:` is missing or does not fit it: the
    problem is in that file, at that field, whatever the template's own line says."""
    located = getattr(entry, "located", None)
    line, column = (located.key_position(("template",)) if located else None) or (None, None)
    wanted = entry.meta.template
    there = ", ".join(template_names(folders))
    if isinstance(exc, jinja2.TemplateNotFound) and exc.name == spec.template:
        message = f"there is no template '{wanted}' ({wanted}.html in the theme's templates)"
        hint = f"use one of the templates there are: {there}; or remove template: to use page"
    else:
        where, name = _template_frame(exc)
        inside = f" ({Path(name).name} line {where})" if name and where else ""
        message = f"the template '{wanted}' cannot make this page: {exc}{inside}"
        hint = (
            f"choose a template made for this kind of content (the templates are: {there}), "
            "or remove template: to use the usual one"
        )
    return SourceError(entry.path, message, line, column, field="template", hint=hint)


def _template_frame(exc: BaseException) -> tuple[int | None, str | None]:
    tb = exc.__traceback__
    found: tuple[int | None, str | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".css", ".txt", ".svg")):
            found = (tb.tb_lineno, filename)
        tb = tb.tb_next
    return found


def format_date(value: dt.date | None, style: str = "long") -> str:
    if value is None:
        return ""
    if style == "short":
        return value.strftime("%-d %b %Y")
    if style == "month":
        return value.strftime("%B %Y")
    return value.strftime("%-d %B %Y")


def format_datetime(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        hour = value.strftime("%-I:%M%p").lower().replace(":00", "")
        return f"{format_date(value)}, {hour}"
    return format_date(value)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def markup(html: str) -> Markup:
    return Markup(html)


def theme_signature(folders: Iterable[Path]) -> str:
    """Changes when any template file of the theme chain is added, removed or saved."""
    listing = []
    for folder in folders:
        for path in sorted((folder / "templates").rglob("*")):
            signature = stat_signature(path)
            listing.append(f"{path} {signature}")
    return content_hash("\n".join(listing).encode())
