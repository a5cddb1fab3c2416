"""The site's pages, by family: each page type in one module, listed here in the order their
pages are planned (the sitemap's order). A new family of pages is one module and one entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import links, names
from ..content import Content, Entry
from ..errors import BuildFailed, SourceError
from ..published import Published
from ..render import PageSpec
from .articles import CASE_STUDIES, NEWS
from .galleries import GALLERIES
from .home import HOME
from .page_type import PageType, Planning
from .plans import PLANS
from .standalone import FREE_PAGES, NOT_FOUND, SEARCH, STATEMENT
from .technicians import TECHNICIANS

PAGE_TYPES: tuple[PageType, ...] = (
    HOME,
    FREE_PAGES,
    STATEMENT,
    PLANS,
    TECHNICIANS,
    GALLERIES,
    CASE_STUDIES,
    NEWS,
    SEARCH,
    NOT_FOUND,
)


def plan_pages(
    content: Content, published: Published, kept: dict[str, Any] | None = None
) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order. ``kept``: what page types keep from
    one build to the next (serve's session), by their name."""
    planning = Planning(content, published, {} if kept is None else kept)
    return one_page_per_address(
        [spec for page_type in PAGE_TYPES for spec in page_type.plan(planning)]
    )


def one_page_per_address(pages: list[PageSpec]) -> list[PageSpec]:
    """The pages, or BuildFailed when two would be written to one file, or one to a folder
    Windows cannot hold. Validation refuses the names that cause either (addresses.py); this
    catches any way of making them that it does not know yet, rather than write one page
    over another."""
    seen: dict[str, PageSpec] = {}
    problems: list[SourceError] = []
    for spec in pages:
        first = seen.setdefault(links.output_file(spec.path), spec)
        if first is not spec:
            problems.append(
                SourceError(
                    _made_from(spec),
                    f"two pages would have the address /{spec.path}: one made from "
                    f"{_made_from(first) or 'the site itself'}, one from "
                    f"{_made_from(spec) or 'the site itself'}",
                    hint="rename the file, so that each page has an address of its own",
                )
            )
        device = [part for part in spec.path.split("/") if names.reserved_on_windows(part)]
        if device:
            problems.append(
                SourceError(
                    _made_from(spec),
                    f"the address /{spec.path} has a folder called '{device[0]}', a name "
                    "Windows keeps for a device",
                    hint="rename what makes that part of the address",
                )
            )
    if problems:
        raise BuildFailed(problems)
    return pages


def _made_from(spec: PageSpec) -> Path | None:
    """The content file a page shows, when it shows one."""
    entries = [v for v in spec.context.values() if isinstance(v, Entry)]
    return entries[0].path if len(entries) == 1 else None


__all__ = ["PAGE_TYPES", "PageType", "Planning", "one_page_per_address", "plan_pages"]
