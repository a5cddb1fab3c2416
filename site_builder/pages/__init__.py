"""The site's pages, by family: each page type in one module, listed here in the order their
pages are planned (the sitemap's order). A new family of pages is one module and one entry."""

from __future__ import annotations

from typing import Any

from ..content import Content
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
    return [spec for page_type in PAGE_TYPES for spec in page_type.plan(planning)]


__all__ = ["PAGE_TYPES", "PageType", "Planning", "plan_pages"]
