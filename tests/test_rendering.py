"""Pure pieces of rendering: links, Markdown, feeds, calendars, templates from a dict loader."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import jinja2
import pytest

from site_builder.feeds import CalendarEvent, FeedItem, SitemapEntry, atom_feed, icalendar, sitemap
from site_builder.links import Urls, output_file
from site_builder.markup import MarkdownMemo, render_inline, render_markdown
from site_builder.render import format_datetime, make_environment


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://tc.example.ac.uk/", "technicians/ada/", "/technicians/ada/"),
        ("https://org.github.io/techcommit/", "technicians/ada/", "/techcommit/technicians/ada/"),
        ("https://org.github.io/techcommit", "", "/techcommit/"),
        ("https://org.github.io/techcommit/", "/about/", "/techcommit/about/"),
        ("https://org.github.io/techcommit/", "https://other.org/x", "https://other.org/x"),
        ("https://org.github.io/techcommit/", "mailto:a@b.org", "mailto:a@b.org"),
        ("https://org.github.io/techcommit/", "#main", "#main"),
    ],
)
def test_every_url_goes_through_the_base_path(base: str, path: str, expected: str) -> None:
    assert Urls.from_base(base).url(path) == expected


def test_absolute_urls_for_feeds() -> None:
    urls = Urls.from_base("https://org.github.io/techcommit/")
    assert urls.absolute("feed.xml") == "https://org.github.io/techcommit/feed.xml"


def test_output_file_of_a_page_path() -> None:
    assert output_file("") == "index.html"
    assert output_file("news/page/2/") == "news/page/2/index.html"
    assert output_file("feed.xml") == "feed.xml"


def test_markdown_links_get_the_base_path() -> None:
    urls = Urls.from_base("https://org.github.io/techcommit/")
    html = render_markdown(
        "See [the plan](/plans/) and [GOV.UK](https://www.gov.uk/).", urls.content_link
    )
    assert 'href="/techcommit/plans/"' in html
    assert 'href="https://www.gov.uk/"' in html


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<img src="x.png" onerror="alert(1)" alt="">',
        '<p onclick="alert(1)">hi</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_is_sanitised(dangerous: str) -> None:
    html = str(render_markdown(f"Hello\n\n{dangerous}\n"))
    lowered = html.lower()
    for bad in ("<script", "javascript:", "onerror", "onclick", "<iframe", "<style"):
        assert bad not in lowered


def test_markdown_keeps_tables_and_heading_ids() -> None:
    html = str(render_markdown("## Our teams\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert '<h2 id="our-teams">' in html and "<table>" in html


def test_inline_markdown_has_no_paragraph() -> None:
    assert str(render_inline("A *short* note")) == "A <em>short</em> note"


def test_markdown_memo_knows_what_is_new_whoever_made_it() -> None:
    """A build's memo of conversions says when it has something new to save, made here or
    handed back by a render worker; a known text is not converted again, a worker hands back
    only what it made, and the memo keeps the most recently used."""
    memo = MarkdownMemo({"from *the* last build": "<p>kept</p>"})
    assert not memo.unsaved
    assert memo.converted("from *the* last build") == "<p>kept</p>"  # not converted again
    assert not memo.unsaved and memo.take_made() == {}
    assert memo.converted("made *here*") == "<p>made <em>here</em></p>"
    assert memo.unsaved and memo.take_made() == {"made *here*": "<p>made <em>here</em></p>"}
    assert memo.take_made() == {}
    memo.unsaved = False
    memo.add({"made *here*": "<p>other</p>"})  # known: kept as it was
    assert not memo.unsaved and memo.converted("made *here*") == "<p>made <em>here</em></p>"
    memo.add({"by a worker": "<p>w</p>"})
    assert memo.unsaved
    memo.converted("from *the* last build")  # used again: the most recent
    assert list(memo.recent(2)) == ["by a worker", "from *the* last build"]
    assert str(memo.html("\nmade *here*\n\n")) == "<p>made <em>here</em></p>"


def test_markdown_memo_forgets_the_oldest_half_past_its_limit() -> None:
    memo = MarkdownMemo(limit=4)
    for number in range(5):
        memo.converted(f"text {number}")
    assert list(memo.recent(10)) == ["text 2", "text 3", "text 4"]


def test_atom_feed_is_well_formed_and_escaped() -> None:
    feed = atom_feed(
        title="News & events",
        site_url="https://x.example/",
        feed_url="https://x.example/feed.xml",
        author="Uni <Test>",
        items=[
            FeedItem(
                "Award & prize",
                "https://x.example/news/a/",
                dt.date(2026, 1, 2),
                dt.date(2026, 1, 2),
                "Summary <b>",
                "<p>Body</p>",
                ("recognition",),
            )
        ],
        updated=dt.date(2026, 1, 2),
    )
    root = ET.fromstring(feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert entry is not None
    assert entry.findtext("a:title", namespaces=ns) == "Award & prize"
    assert entry.findtext("a:content", namespaces=ns) == "<p>Body</p>"


def test_icalendar_uses_utc_and_folds_long_lines() -> None:
    text = icalendar(
        CalendarEvent(
            uid="talk@x.example",
            title="A very long title, with commas; and semicolons " * 3,
            start=dt.datetime(2026, 7, 1, 10, 0),
            end=dt.datetime(2026, 7, 1, 12, 30),
            place="Room 1, Main Building",
            description="Line one\nLine two",
            url="https://x.example/news/talk/",
            created=dt.date(2026, 6, 1),
        ),
        "Europe/London",
        "Testford",
    )
    lines = text.split("\r\n")
    assert "DTSTART:20260701T090000Z" in lines  # 10:00 BST is 09:00 UTC
    assert "DTEND:20260701T113000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "LOCATION:Room 1\\, Main Building" in lines
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:A very long title\\, with commas\\; and semicolons" in unfolded
    assert text.endswith("END:VCALENDAR\r\n")


def test_all_day_event_has_exclusive_end_date() -> None:
    text = icalendar(
        CalendarEvent(
            "d@x",
            "Open day",
            dt.date(2026, 7, 1),
            dt.date(2026, 7, 2),
            "Campus",
            "",
            "u",
            dt.date(2026, 1, 1),
        ),
        "Europe/London",
        "T",
    )
    assert "DTSTART;VALUE=DATE:20260701" in text and "DTEND;VALUE=DATE:20260703" in text


def test_sitemap_lists_urls_with_lastmod() -> None:
    xml = sitemap(
        [
            SitemapEntry("https://x.example/a/", dt.date(2026, 1, 2)),
            SitemapEntry("https://x.example/"),
        ]
    )
    root = ET.fromstring(xml)
    assert len(root) == 2
    assert "<lastmod>2026-01-02</lastmod>" in xml


def test_format_datetime_reads_naturally() -> None:
    assert format_datetime(dt.datetime(2026, 12, 3, 10, 0)) == "3 December 2026, 10am"
    assert format_datetime(dt.datetime(2026, 12, 3, 14, 30)) == "3 December 2026, 2:30pm"


def test_templates_autoescape_and_are_strict() -> None:
    env = make_environment([], Urls.from_base("https://x.example/sub/"))
    env.loader = jinja2.DictLoader(
        {"t.html": "<a href='{{ url(\"news/\") }}'>{{ title }}</a>", "u.html": "{{ missing }}"}
    )
    assert env.get_template("t.html").render(title="<b>") == "<a href='/sub/news/'>&lt;b&gt;</a>"
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("u.html").render()


def test_cached_each_gives_what_a_loop_over_cached_gives_and_remembers_it() -> None:
    """A list of cards in one call: the first item's options can differ (its photo not lazy),
    and a card is made once while its file is unchanged."""
    from pathlib import Path

    from site_builder.content import Entry
    from site_builder.photos import PictureUse
    from site_builder.template_helpers import Fragments

    made: list[str] = []
    env = jinja2.Environment(autoescape=True)
    macro = env.from_string(
        "{% macro card(item, lazy=True) %}<li>{{ item.id }} {{ lazy }}</li>{% endmacro %}"
    ).module.card
    calls = made.append

    def counted(item: Entry[None], **options: bool) -> str:
        calls(item.id)
        return macro(item, **options)

    counted.name = "card"  # type: ignore[attr-defined]
    people = [Entry(name, Path(f"/site/{name}.yaml"), None) for name in ("ada", "bo", "cy")]
    digests = {person.path: "1" for person in people}
    fragments = Fragments({}, "theme", digests, Urls.from_base("/"), PictureUse({}, {}))
    page = env.from_string(
        "{{ each(card, people, lazy=True, first={'lazy': False}) }}|"
        "{% for p in people %}{{ one(card, p, lazy=not loop.first) }}{% endfor %}"
    )
    listed, looped = page.render(
        each=fragments.each, one=fragments, card=counted, people=people
    ).split("|")
    assert listed == looped == "<li>ada False</li><li>bo True</li><li>cy True</li>"
    assert made == ["ada", "bo", "cy"]  # the loop found every card remembered
    digests[people[1].path] = "2"  # bo's file changed
    page.render(each=fragments.each, one=fragments, card=counted, people=people)
    assert made == ["ada", "bo", "cy", "bo"]
