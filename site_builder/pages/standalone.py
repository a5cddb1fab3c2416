"""Pages of their own: the pages of content/pages/, the accessibility statement, search and
the 404 page."""

from __future__ import annotations

from collections.abc import Iterator

from .. import kinds, links
from ..content import Content
from ..published import Published
from ..render import PageKind, PageSpec
from ..seo import SEARCH_TYPES, is_preview
from .page_type import PageType


def _free_pages(published: Published) -> Iterator[PageSpec]:
    for page in published.pages:
        yield PageSpec(
            links.page_path(page.id),
            f"{page.meta.template}.html" if page.meta.template else "page.html",
            {"page": page},
            kind=PageKind.PAGE,
            title=page.meta.title,
            lastmod=page.meta.updated,
            in_sitemap=not is_preview(page.meta, published.today),
        )


def _accessibility(content: Content) -> Iterator[PageSpec]:
    statement = content.accessibility
    if statement is None:
        return
    yield PageSpec(
        "accessibility/",
        "accessibility.html",
        {"statement": statement.meta},
        kind=PageKind.STATEMENT,
        title="Accessibility statement",
        lastmod=statement.meta.reviewed,
    )


def _search(content: Content) -> Iterator[PageSpec]:
    if content.site.search:
        # Not in the sitemap: a search form has nothing for a search engine to list.
        yield PageSpec(
            "search/",
            "search.html",
            {"search_types": SEARCH_TYPES},
            title="Search",
            in_sitemap=False,
        )


FREE_PAGES = PageType("pages", (kinds.PAGE,), lambda planning: _free_pages(planning.published))
STATEMENT = PageType(
    "accessibility statement",
    (kinds.ACCESSIBILITY,),
    lambda planning: _accessibility(planning.content),
)
SEARCH = PageType("search", (kinds.SITE,), lambda planning: _search(planning.content))
NOT_FOUND = PageType("not found", (), lambda planning: _not_found())


def _not_found() -> Iterator[PageSpec]:
    yield PageSpec("404.html", "404.html", {}, title="Page not found", in_sitemap=False)
