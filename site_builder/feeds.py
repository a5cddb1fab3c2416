"""Machine-read files: the Atom feed, iCalendar events, sitemap.xml and robots.txt.

Pure functions from values to text, so each is tested without building a site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str  # absolute
    published: dt.date
    updated: dt.date
    summary: str
    content_html: str
    categories: tuple[str, ...] = ()


def atom_feed(
    *,
    title: str,
    site_url: str,
    feed_url: str,
    author: str,
    items: Sequence[FeedItem],
    updated: dt.date,
) -> str:
    def stamp(day: dt.date) -> str:
        return f"{day.isoformat()}T00:00:00Z"

    entries = []
    for item in items:
        categories = "".join(f"\n    <category term={quoteattr(c)}/>" for c in item.categories)
        entries.append(
            f"""  <entry>
    <title>{escape(item.title)}</title>
    <link rel="alternate" type="text/html" href={quoteattr(item.url)}/>
    <id>{escape(item.url)}</id>
    <published>{stamp(item.published)}</published>
    <updated>{stamp(item.updated)}</updated>
    <summary>{escape(item.summary)}</summary>{categories}
    <content type="html">{escape(item.content_html)}</content>
  </entry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(title)}</title>
  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>
  <link rel="alternate" type="text/html" href={quoteattr(site_url)}/>
  <id>{escape(feed_url)}</id>
  <updated>{stamp(updated)}</updated>
  <author><name>{escape(author)}</name></author>
{body}
</feed>
"""


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    title: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None
    place: str
    description: str
    url: str
    created: dt.date


def icalendar(event: CalendarEvent, timezone: str, product: str) -> str:
    """One event as an RFC 5545 file; times are written in UTC so no VTIMEZONE is needed."""
    zone = ZoneInfo(timezone)

    def when(name: str, value: dt.date | dt.datetime) -> str:
        if isinstance(value, dt.datetime):
            local = value if value.tzinfo else value.replace(tzinfo=zone)
            utc = local.astimezone(dt.UTC)
            return f"{name}:{utc:%Y%m%dT%H%M%SZ}"
        return f"{name};VALUE=DATE:{value:%Y%m%d}"

    end = event.end
    if end is None:
        end = (
            event.start + dt.timedelta(hours=1)
            if isinstance(event.start, dt.datetime)
            else event.start + dt.timedelta(days=1)
        )
    elif not isinstance(end, dt.datetime):
        end = end + dt.timedelta(days=1)  # DTEND of an all-day event is exclusive
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_text(product)}//site_builder//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{event.created:%Y%m%d}T000000Z",
        when("DTSTART", event.start),
        when("DTEND", end),
        f"SUMMARY:{_text(event.title)}",
        f"LOCATION:{_text(event.place)}",
        f"DESCRIPTION:{_text(event.description)}",
        f"URL:{event.url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1  # never split inside a UTF-8 character
        parts.append(encoded[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: dt.date | None = None


def sitemap(entries: Sequence[SitemapEntry]) -> str:
    rows = []
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        rows.append(f"  <url><loc>{escape(entry.url)}</loc>{lastmod}</url>")
    body = "\n".join(rows)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}\n</urlset>\n"
    )


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
