"""Case studies and news: the lists, each article, the events page."""

from __future__ import annotations

import math
from collections.abc import Iterator

from .. import kinds, links
from ..content import Content
from ..published import Published
from ..render import PageKind, PageSpec
from ..seo import is_preview
from .page_type import PageType, newest


def _case_studies(published: Published) -> Iterator[PageSpec]:
    yield PageSpec(
        "case-studies/",
        "case_studies.html",
        {"case_studies": published.case_studies},
        title="Case studies",
        lastmod=newest(
            *(
                c.meta.date
                for c in published.case_studies
                if not is_preview(c.meta, published.today)
            )
        ),
    )
    for case in published.case_studies:
        people = published.people(case.meta.technicians)
        yield PageSpec(
            links.case_study_path(case.id),
            "case_study.html",
            {"article": case, "people": people},
            kind=PageKind.CASE_STUDY,
            title=case.meta.title,
            lastmod=case.meta.date,
            in_sitemap=not is_preview(case.meta, published.today),
        )


def _news(content: Content, published: Published) -> Iterator[PageSpec]:
    per_page = content.site.news_per_page
    # Coming events are in the first page's "Coming up" box, so the list leaves them out.
    coming = {id(e) for e in published.upcoming_events}
    listed = [n for n in published.news if id(n) not in coming]
    items = published.news
    pages = max(1, math.ceil(len(listed) / per_page))
    for number in range(1, pages + 1):
        chunk = listed[(number - 1) * per_page : number * per_page]
        yield PageSpec(
            links.news_list_path(number),
            "news_list.html",
            {
                "items": chunk,
                "page_number": number,
                "page_count": pages,
                "previous_page": links.news_list_path(number - 1) if number > 1 else None,
                "next_page": links.news_list_path(number + 1) if number < pages else None,
                "upcoming_events": published.upcoming_events if number == 1 else [],
            },
            title="News and events" + (f" (page {number} of {pages})" if number > 1 else ""),
            lastmod=newest(
                *(
                    n.meta.date
                    for n in [*chunk, *(published.upcoming_events if number == 1 else [])]
                    if not is_preview(n.meta, published.today)
                )
            ),
        )
    yield PageSpec(
        "events/",
        "events.html",
        {"upcoming": published.upcoming_events, "past": published.past_events[:10]},
        title="Events",
        lastmod=newest(
            *(n.meta.date for n in published.events if not is_preview(n.meta, published.today))
        ),
    )
    for item in items:
        people = published.people(item.meta.technicians)
        yield PageSpec(
            links.news_path(item.id),
            "news_item.html",
            {
                "article": item,
                "people": people,
                "calendar": links.event_calendar_path(item.id) if item.meta.event else None,
            },
            kind=PageKind.NEWS,
            title=item.meta.title,
            lastmod=item.meta.date,
            in_sitemap=not is_preview(item.meta, published.today),
        )


CASE_STUDIES = PageType(
    "case studies",
    (kinds.CASE_STUDY, kinds.TECHNICIAN),
    lambda planning: _case_studies(planning.published),
)
NEWS = PageType(
    "news",
    (kinds.NEWS, kinds.TECHNICIAN),
    lambda planning: _news(planning.content, planning.published),
)
