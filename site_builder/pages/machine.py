"""Files made without templates: the Atom feed, event calendars, the sitemap, robots.txt and
the plan downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .. import links
from ..content import Content, Entry
from ..feeds import (
    CalendarEvent,
    FeedItem,
    SitemapEntry,
    atom_feed,
    icalendar,
    robots,
    sitemap,
)
from ..links import Urls
from ..markup import MarkdownMemo
from ..models import NewsMeta, SiteConfig
from ..plan_data import plan_csv, plan_json
from ..published import ActionView, Published
from ..render import PageSpec


@dataclass(frozen=True)
class TextFile:
    """A file made without a template (feeds, calendars, sitemap)."""

    path: str
    text: str


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
    markdown: MarkdownMemo | None = None,
) -> list[TextFile]:
    """The machine-read files; ``made`` remembers them, ``markdown`` the feed's conversions."""
    memo = markdown or MarkdownMemo()
    site = content.site
    news = tuple(n.path for n in published.news)
    files = [
        TextFile("feed.xml", made("feed.xml", news, lambda: _atom(content, published, urls, memo)))
    ]
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


def _atom(content: Content, published: Published, urls: Urls, markdown: MarkdownMemo) -> str:
    items = [
        FeedItem(
            title=n.meta.title,
            url=urls.absolute(links.news_path(n.id)),
            published=n.meta.date,
            updated=n.meta.date,
            summary=n.meta.summary,
            content_html=str(markdown.html(n.body, urls.absolute_link)),
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
