"""The list of pages to make: for each, its address, template, context and source files.

Pure: published content in, page specs out. Each spec names the files it was made from, which
is what incremental builds need to know what to remake.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import links
from .content import Content, Entry
from .feeds import (
    CalendarEvent,
    FeedItem,
    SitemapEntry,
    atom_feed,
    icalendar,
    robots,
    sitemap,
)
from .links import Urls
from .markup import render_markdown
from .models import NewsMeta, SiteConfig, Technician
from .plan_data import plan_csv, plan_json
from .plan_routes import plan_specs
from .published import ActionView, PlanView, Published
from .render import KIND_CASE_STUDIES, KIND_GALLERIES, KIND_NEWS, PageSpec
from .seo import SEARCH_TYPES, is_preview


@dataclass(frozen=True)
class NavLink:
    title: str
    path: str
    external: bool = False


@dataclass(frozen=True)
class TextFile:
    """A file made without a template (feeds, calendars, sitemap)."""

    path: str
    text: str


SECTION_TITLES = {
    "home": "Home",
    "plan": "Action plan",
    "plans": "Action plans",
    "technicians": "Our technicians",
    "galleries": "Galleries",
    "case-studies": "Case studies",
    "news": "News and events",
    "events": "Events",
    "accessibility": "Accessibility",
}


def navigation(content: Content, published: Published) -> list[NavLink]:
    pages = {p.id: p for p in published.pages}
    items = []
    for item in content.site.navigation:
        if not isinstance(item, str):
            items.append(NavLink(item.title, item.url, external=item.url.startswith("http")))
        elif item in pages:
            page = pages[item]
            items.append(NavLink(page.meta.nav_title or page.meta.title, links.page_path(item)))
        elif item == "plan":
            plan = published.current_plan
            path = links.plan_path(plan.id) if plan else "plans/"
            items.append(NavLink(SECTION_TITLES[item], path))
        elif item in SECTION_TITLES:
            items.append(NavLink(SECTION_TITLES[item], links.SECTION_PATHS[item]))
    return items


@dataclass
class PlanPages:
    """The action plans' pages of the last build (serve): made again only when the plans (the
    very same views: no plan file was saved) or the date differ. A plan's charts, timeline
    and filter pages took a tenth of planning after each save."""

    plans: tuple[PlanView, ...] = ()
    today: dt.date | None = None
    pages: tuple[PageSpec, ...] = ()

    def of(self, published: Published) -> tuple[PageSpec, ...]:
        if self.plans is not published.plans or self.today != published.today:
            self.plans, self.today = published.plans, published.today
            self.pages = tuple(plan_specs(published))
        return self.pages


def plan_pages(
    content: Content, published: Published, plans: PlanPages | None = None
) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order."""
    files = {t.id: str(t.path) for t in content.technicians}  # every technician's file, by id
    return [
        *_home(content, published),
        *_free_pages(published),
        *_accessibility(content),
        *(plans or PlanPages()).of(published),
        *_technicians(published),
        *_galleries(published),
        *_case_studies(published, files),
        *_news(content, published, files),
        *_search(content),
        PageSpec("404.html", "404.html", {}, title="Page not found", in_sitemap=False),
    ]


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


def _newest(*dates: dt.date | None) -> dt.date | None:
    """The latest of some dates, for the lastmod of a page that lists dated items."""
    known = [d for d in dates if d is not None]
    return max(known) if known else None


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
        title=content.site.name,
        lastmod=_newest(
            *(n.meta.date for n in published.news if not is_preview(n.meta, published.today)),
            plan.last_updated if plan else None,
        ),
    )


def _free_pages(published: Published) -> Iterator[PageSpec]:
    for page in published.pages:
        yield PageSpec(
            links.page_path(page.id),
            f"{page.meta.template}.html" if page.meta.template else "page.html",
            {"page": page},
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
        title="Accessibility statement",
        lastmod=statement.meta.reviewed,
    )


def _technicians(published: Published) -> Iterator[PageSpec]:
    everyone = published.technicians
    filters = technician_filters(published)
    # Each gallery with its people (the template skips those with none), rather than the whole
    # of `published`: the list changes with them alone, and working out that it did not then
    # hashes the technicians, not every news item and plan of the site as well.
    members = tuple((g, tuple(published.in_gallery(g.id))) for g in published.galleries)
    yield PageSpec(
        "technicians/",
        "technicians.html",
        {"technicians": everyone, "filters": filters, "gallery_members": members},
        title="Our technicians",
    )
    for facet in filters:
        others = facet.as_links()  # no people: a page changes only when its own people do
        for option in facet.options:
            yield PageSpec(
                option.path,
                "technicians_filtered.html",
                {"facet": others, "option": option, "technicians": option.technicians},
                title=f"{facet.page_title} {option.label}",
            )
    for tech in everyone:
        case_studies = published.case_studies_of(tech.id)
        news = published.news_of(tech.id)
        yield PageSpec(
            links.technician_path(tech.id),
            "technician.html",
            {
                "technician": tech,
                "gallery": published.gallery(tech.meta.gallery),
                "case_studies": case_studies,
                "news": news,
            },
            inputs=frozenset((str(tech.path), KIND_NEWS, KIND_CASE_STUDIES, KIND_GALLERIES)),
            title=tech.meta.name,
            # A profile whose owner said no to search engines is left out (it is noindex too).
            in_sitemap=tech.meta.search_engines and not is_preview(tech.meta, published.today),
        )


@dataclass(frozen=True)
class FilterLink:
    """An option as another filter page links to it: its label, address and head count."""

    label: str
    slug: str
    path: str
    count: int


@dataclass(frozen=True)
class FilterOption:
    label: str
    slug: str
    path: str
    technicians: tuple[Entry[Technician], ...]

    @property
    def count(self) -> int:
        return len(self.technicians)


_Option = TypeVar("_Option", FilterOption, FilterLink)


@dataclass(frozen=True)
class Facet(Generic[_Option]):
    id: str  # department | registration
    title: str  # 'Department'
    page_title: str  # 'Technicians in'
    options: tuple[_Option, ...]

    def as_links(self) -> Facet[FilterLink]:
        """The facet as its filter pages show it, counts without people: a page built from
        it is not remade when someone listed on another of its pages changes."""
        links = tuple(FilterLink(o.label, o.slug, o.path, o.count) for o in self.options)
        return Facet(self.id, self.title, self.page_title, links)


def technician_filters(published: Published) -> list[Facet[FilterOption]]:
    """Departments and registrations, each a static page so filtering works without JS."""
    techs = published.technicians

    def facet(
        facet_id: str, title: str, page_title: str, values: Callable[[Technician], list[str]]
    ) -> Facet[FilterOption]:
        having: dict[str, list[Entry[Technician]]] = {}
        for tech in techs:  # one pass, not one per label
            for value in dict.fromkeys(values(tech.meta)):
                having.setdefault(value, []).append(tech)
        return Facet(
            facet_id,
            title,
            page_title,
            tuple(
                FilterOption(
                    label,
                    links.slugify(label),
                    links.technician_filter_path(facet_id, label),
                    tuple(having[label]),
                )
                for label in sorted(having, key=str.lower)
            ),
        )

    return [
        facet("department", "Department", "Technicians in", lambda t: [t.department]),
        facet(
            "registration",
            "Professional registration",
            "Technicians registered as",
            lambda t: list(t.registrations),
        ),
    ]


def _galleries(published: Published) -> Iterator[PageSpec]:
    yield PageSpec(
        "galleries/",
        "galleries.html",
        {"galleries": [(g, published.in_gallery(g.id)) for g in published.galleries]},
        title="Galleries",
    )
    for gallery in published.galleries:
        members = published.in_gallery(gallery.id)
        yield PageSpec(
            links.gallery_path(gallery.id),
            "gallery.html",
            {"gallery": gallery, "technicians": members},
            title=gallery.meta.title,
        )


def _case_studies(published: Published, files: Mapping[str, str]) -> Iterator[PageSpec]:
    yield PageSpec(
        "case-studies/",
        "case_studies.html",
        {"case_studies": published.case_studies},
        inputs=frozenset((KIND_CASE_STUDIES,)),
        title="Case studies",
        lastmod=_newest(
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
            inputs=_article_inputs(case, files),
            title=case.meta.title,
            lastmod=case.meta.date,
            in_sitemap=not is_preview(case.meta, published.today),
        )


def _article_inputs(article: Entry[Any], files: Mapping[str, str]) -> frozenset[str]:
    """A news item or case study: its file and the files of everyone it names, published or
    not (a technician giving consent appears on it)."""
    named = (files[i] for i in article.meta.technicians if i in files)
    return frozenset((str(article.path), *named))


def _news(content: Content, published: Published, files: Mapping[str, str]) -> Iterator[PageSpec]:
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
            inputs=frozenset((KIND_NEWS,)),
            title="News and events" + (f" (page {number} of {pages})" if number > 1 else ""),
            lastmod=_newest(
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
        inputs=frozenset((KIND_NEWS,)),
        title="Events",
        lastmod=_newest(
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
            inputs=_article_inputs(item, files),
            title=item.meta.title,
            lastmod=item.meta.date,
            in_sitemap=not is_preview(item.meta, published.today),
        )


# --- files made without templates ------------------------------------------------------------


# made(path, sources, make): the text make() returns; serve may give back the text it made last
# time from the same source files (and the same site settings, address and date).
Make = Callable[[str, tuple[Path, ...], Callable[[], str]], str]


def make_now(path: str, sources: tuple[Path, ...], make: Callable[[], str]) -> str:
    return make()


def machine_files(
    content: Content,
    published: Published,
    pages: list[PageSpec],
    urls: Urls,
    made: Make = make_now,
) -> list[TextFile]:
    site = content.site
    news = tuple(n.path for n in published.news)
    files = [TextFile("feed.xml", made("feed.xml", news, lambda: _atom(content, published, urls)))]
    for item in published.events:
        path = links.event_calendar_path(item.id)
        text = made(path, (item.path,), partial(_calendar, item, site, urls))
        files.append(TextFile(path, text))
    # a plan's actions link to those of the plans they continue from or into
    plans = tuple(plan.entry.path for plan in published.plans)
    for plan in published.plans:

        def action_url(view: ActionView, plan_id: str = plan.id) -> str:
            return urls.absolute(links.plan_path(plan_id, view.theme_id)) + f"#{view.anchor}"

        for extension, render in (("csv", plan_csv), ("json", plan_json)):
            path = links.plan_download_path(plan.id, extension)
            text = made(
                path,
                plans,
                partial(render, plan, action_url),
            )
            files.append(TextFile(path, text))
    entries = [SitemapEntry(urls.absolute(p.path), p.lastmod) for p in pages if p.in_sitemap]
    files.append(TextFile("sitemap.xml", sitemap(entries)))
    files.append(TextFile("robots.txt", robots(urls.absolute("sitemap.xml"))))
    return files


def _calendar(item: Entry[NewsMeta], site: SiteConfig, urls: Urls) -> str:
    event = item.meta.event
    assert event is not None
    return icalendar(
        CalendarEvent(
            uid=f"{item.id}@{urls.absolute('').split('://', 1)[-1].rstrip('/')}",
            title=item.meta.title,
            start=event.start,
            end=event.end,
            place=", ".join(filter(None, [event.place, event.address])),
            description=item.meta.summary,
            url=urls.absolute(links.news_path(item.id)),
            created=item.meta.date,
        ),
        site.timezone,
        site.short_name,
    )


def _atom(content: Content, published: Published, urls: Urls) -> str:
    items = [
        FeedItem(
            title=n.meta.title,
            url=urls.absolute(links.news_path(n.id)),
            published=n.meta.date,
            updated=n.meta.date,
            summary=n.meta.summary,
            content_html=str(render_markdown(n.body, urls.absolute_link)),
            categories=tuple(n.meta.themes),
        )
        for n in published.news[:20]
    ]
    return atom_feed(
        title=f"{content.site.short_name} technicians: news and events",
        site_url=urls.absolute(""),
        feed_url=urls.absolute("feed.xml"),
        author=content.site.name,
        items=items,
        updated=max((n.meta.date for n in published.news), default=published.today),
    )
