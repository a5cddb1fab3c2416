"""What a family of pages is (a page type): which pages it makes, from which content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..content import Content
from ..kinds import ContentKind
from ..published import Published
from ..render import PageSpec


@dataclass
class Planning:
    """What a page type plans its pages from."""

    content: Content
    published: Published
    # what a page type keeps from one build to the next of a serve session, by its name
    kept: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PageType:
    """One family of pages. Each of its pages (PageSpec) names its address, template, context
    and kind of page (PageKind); ``reads`` are the kinds of content those pages show."""

    name: str
    reads: tuple[ContentKind, ...]
    plan: Callable[[Planning], Iterable[PageSpec]]


def newest(*dates: dt.date | None) -> dt.date | None:
    """The latest of some dates, for the lastmod of a page that lists dated items."""
    known = [d for d in dates if d is not None]
    return max(known) if known else None
