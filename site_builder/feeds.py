"""Machine-read files: the Atom feed, iCalendar events, sitemap.xml and robots.txt.

Pure functions from values to text, so each is tested without building a site.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .xmltext import xml_attribute, xml_text


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
        categories = "".join(f"\n    <category term={xml_attribute(c)}/>" for c in item.categories)
        entries.append(
            f"""  <entry>
    <title>{xml_text(item.title)}</title>
    <link rel="alternate" type="text/html" href={xml_attribute(item.url)}/>
    <id>{xml_text(item.url)}</id>
    <published>{stamp(item.published)}</published>
    <updated>{stamp(item.updated)}</updated>
    <summary>{xml_text(item.summary)}</summary>{categories}
    <content type="html">{xml_text(item.content_html)}</content>
  </entry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{xml_text(title)}</title>
  <link rel="self" type="application/atom+xml" href={xml_attribute(feed_url)}/>
  <link rel="alternate" type="text/html" href={xml_attribute(site_url)}/>
  <id>{xml_text(feed_url)}</id>
  <updated>{stamp(updated)}</updated>
  <author><name>{xml_text(author)}</name></author>
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
    """One event as an RFC 5545 file; times are written in UTC so no VTIMEZONE is needed.

    Written by hand rather than with the icalendar library: one event of a dozen fixed lines
    needs only the escaping and folding below, and the library keeps control characters in
    TEXT and reads a typed backslash-N as a line break. The tests read our files back with
    the library, as a calendar program would."""
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
        f"UID:{_plain(event.uid)}",
        f"DTSTAMP:{event.created:%Y%m%d}T000000Z",
        when("DTSTART", event.start),
        when("DTEND", end),
        f"SUMMARY:{_text(event.title)}",
        f"LOCATION:{_text(event.place)}",
        f"DESCRIPTION:{_text(event.description)}",
        f"URL:{_plain(event.url)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


# RFC 5545 allows no control character in a value but HTAB; line breaks are written as \n.
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): a line break in a place or title becomes the two
    characters \\n, never a real one that would start a property of its own."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", _LINE_BREAK.sub("\\\\n", escaped))


def _plain(value: str) -> str:
    """A value that is not TEXT (a URI, an id): nothing to escape, but no control character
    may reach the file either."""
    return _CONTROL.sub("", _LINE_BREAK.sub("", value))


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space.
    Folded between characters, so a UTF-8 character is never split, and never inside a
    backslash escape, which some calendar programs misread when it is split (the icalendar
    library does the same)."""
    if len(line.encode()) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in re.findall(r"\\.|.", line, flags=re.DOTALL):
        width = len(char.encode())
        if current and size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space is the 75th octet
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: dt.date | None = None


def sitemap(entries: Sequence[SitemapEntry]) -> str:
    rows = []
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        rows.append(f"  <url><loc>{xml_text(entry.url)}</loc>{lastmod}</url>")
    body = "\n".join(rows)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}\n</urlset>\n"
    )


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
