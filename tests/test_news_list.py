"""The news list: coming events once, in their box; the list under it newest first by the date
it shows; a past event labelled as past wherever events are listed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from site_builder.pipeline import build
from tests.sites import TODAY, TinySite

# (file date, days from today to the event or None for plain news)
STORIES = {
    "a": (-200, None),
    "b": (-150, -120),  # a past event, announced long before
    "c": (-90, 40),  # a coming event announced early: its date is far from its publication
    "d": (-60, None),
    "e": (-30, -3),  # a past event
    "f": (-5, 10),  # a coming event
    "g": (-1, None),
}


def _story(site: TinySite, key: str, published: int, event: int | None) -> None:
    day = TODAY + dt.timedelta(days=published)
    lines = ["---", f"title: Story {key.upper()} headline", f"date: {day}", "summary: Words."]
    if event is not None:
        lines += ["event:", f"  start: {TODAY + dt.timedelta(days=event)}", "  place: Room 1"]
    site.write(f"content/news/{day}-story-{key}.md", "\n".join([*lines, "---", "", "Body.", ""]))


def _titles(html: str) -> list[str]:
    return re.findall(r"Story ([A-Z]) headline", html)


def _list_part(html: str) -> str:
    return html.split(">Latest news</h2>", 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize("per_page", [2, 3, 100])
def test_coming_events_are_boxed_once_and_the_list_is_newest_first(
    tiny_site: TinySite, per_page: int
) -> None:
    (tiny_site.content / "news" / "2026-10-01-awards.md").unlink()
    site = (tiny_site.content / "site.yaml").read_text(encoding="utf-8")
    tiny_site.write("content/site.yaml", site + f"news_per_page: {per_page}\n")
    for key, (published, event) in STORIES.items():
        _story(tiny_site, key, published, event)
    build(tiny_site.options())
    out = tiny_site.root / "output"
    first = (out / "news" / "index.html").read_text(encoding="utf-8")
    box = first.split('id="upcoming-title"', 1)[1].split("</section>", 1)[0]
    assert _titles(box) == ["F", "C"]  # soonest first
    listed: list[str] = []
    pages = [out / "news" / "index.html", *sorted((out / "news" / "page").rglob("index.html"))]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        part = _list_part(html)
        listed += _titles(part)
        # The list shows the publication date first, and is in that order.
        shown = re.findall(r'<p class="article-card__meta">\s*<time datetime="([\d-]+)"', part)
        assert shown == sorted(shown, reverse=True) and len(shown) == len(_titles(part))
    assert listed == ["G", "E", "D", "B", "A"]  # every other item once, newest first
    for html, key, label in [(first, "E", "Past event"), (first, "F", "Event")]:
        card = html.split(f"Story {key} headline", 1)[1].split("</li>", 1)[0]
        assert f">{label}</span>" in card, (key, card)
    events = (out / "events" / "index.html").read_text(encoding="utf-8")
    for key in ("B", "E"):
        card = events.split(f"Story {key} headline", 1)[1].split("</li>", 1)[0]
        assert ">Past event</span>" in card
    for key in ("C", "F"):
        card = events.split(f"Story {key} headline", 1)[1].split("</li>", 1)[0]
        assert ">Event</span>" in card


def test_with_nothing_coming_there_is_no_box(tiny_site: TinySite) -> None:
    _story(tiny_site, "b", -150, -120)
    build(tiny_site.options())
    html = (tiny_site.root / "output" / "news" / "index.html").read_text(encoding="utf-8")
    assert "Coming up" not in html
    assert _titles(_list_part(html)) == ["B"]
    assert ">Past event</span>" in html
