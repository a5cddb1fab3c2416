"""The home page."""

from __future__ import annotations

from collections.abc import Iterator

from .. import kinds
from ..content import Content
from ..published import Published
from ..render import PageKind, PageSpec
from ..seo import is_preview
from .page_type import PageType, newest


def _home(content: Content, published: Published) -> Iterator[PageSpec]:
    featured = published.featured[: content.site.featured_technicians]
    plan = published.current_plan
    yield PageSpec(
        "",
        "home.html",
        {
            "plan": plan,
            "latest_news": [n for n in published.news if n.meta.event is None][:3],
            "upcoming_events": published.upcoming_events[:3],
            "featured": featured,
            "case_studies": published.case_studies[:2],
        },
        kind=PageKind.HOME,
        title=content.site.name,
        lastmod=newest(
            *(n.meta.date for n in published.news if not is_preview(n.meta, published.today)),
            plan.last_updated if plan else None,
        ),
    )


HOME = PageType(
    "home",
    (kinds.SITE, kinds.PLAN, kinds.NEWS, kinds.TECHNICIAN, kinds.CASE_STUDY),
    lambda planning: _home(planning.content, planning.published),
)
