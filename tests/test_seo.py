"""Found and shared: descriptions, canonical, Open Graph, Twitter cards, JSON-LD, sitemap, noindex.

Pure functions are tested with values built here; the tags themselves on tiny sites built here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from site_builder.links import Urls
from site_builder.models import SiteConfig
from site_builder.pipeline import build
from site_builder.seo import (
    first_paragraph,
    json_ld_script,
    meta_description,
    organization,
    trim_description,
)
from tests.sites import TinySite

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class HeadTags(HTMLParser):
    """The <meta>, <link rel=canonical> and JSON-LD of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self.main: dict[str, str | None] = {}
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta":
            key = found.get("property") or found.get("name")
            if key:
                self.meta.setdefault(key, []).append(found.get("content") or "")
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(found.get("href") or "")
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")
        elif tag == "main":
            self.main = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld[-1] += data

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"expected one {key}, found {values}"
        return values[0]

    def data(self) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self.json_ld]


def types(tags: HeadTags) -> list[str]:
    return [data["@type"] for data in tags.data()]


def head(path: Path) -> HeadTags:
    parser = HeadTags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def site_config(**changes: Any) -> SiteConfig:
    fields: dict[str, Any] = {
        "name": "University of Testford",
        "short_name": "Testford",
        "base_url": "https://tc.example.ac.uk/",
        "contact": {"name": "Sam Lee", "email": "tc@testford.example.ac.uk"},
        "signed": "2019-03-01",
    }
    fields.update(changes)
    return SiteConfig.model_validate(fields)


# --- pure functions -------------------------------------------------------------------------------


def test_a_short_description_is_kept_whole() -> None:
    assert trim_description("  One   short\nline. ") == "One short line."


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = "word " * 60
    trimmed = trim_description(text, limit=50)
    assert len(trimmed) <= 50
    assert trimmed.endswith("word…")


def test_template_description_is_unescaped_stripped_and_trimmed() -> None:
    rendered = "<em>Tom&#39;s</em> lab " + "and more " * 40
    described = meta_description(rendered)
    assert described.startswith("Tom's lab and more")
    assert len(described) <= 160


def test_first_paragraph_drops_headings_and_markup() -> None:
    markdown = "## Why we signed\n\nWe *value* [our technicians](/technicians/).\n\nMore."
    assert first_paragraph(markdown) == "We value our technicians."


def test_json_ld_cannot_end_its_script_element_and_still_parses() -> None:
    data = {"headline": "Bad </script><script>alert(1)</script> & <!-- title", "x": "\u2028"}
    text = str(json_ld_script(data))
    assert "</script" not in text.lower() and "<!--" not in text
    assert json.loads(text) == data


def test_organisation_lists_only_web_addresses_as_same_as() -> None:
    site = site_config(
        social=[
            {"title": "Bluesky", "url": "https://bsky.app/profile/testford"},
            {"title": "Email us", "url": "mailto:tc@testford.example.ac.uk"},
        ],
        logo={"src": "media/logo.svg", "alt": "Testford"},
    )
    data = organization(site, Urls.from_base("https://tc.example.ac.uk/sub/"))
    assert data["@type"] == "CollegeOrUniversity"
    assert data["url"] == "https://tc.example.ac.uk/sub/"
    assert data["logo"] == "https://tc.example.ac.uk/sub/media/logo.svg"
    assert data["sameAs"] == ["https://bsky.app/profile/testford"]
    assert data["email"] == "tc@testford.example.ac.uk"


# --- on built pages -------------------------------------------------------------------------------

EVENT = """\
---
title: Open workshop </script> evening
date: 2026-10-05
summary: Come and see the workshops.
event:
  start: 2026-12-03 17:30
  end: 2026-12-03 19:00
  place: Main Building, room 2
  address: 1 College Road, Testford
---

Tea and biscuits.
"""

ONLINE_EVENT = """\
---
title: Online network meeting
date: 2026-10-06
summary: The network meets online.
event:
  start: 2026-12-10 12:00
  place: Online (Teams)
  booking_url: https://forms.example.ac.uk/network
---

Join us.
"""

CASE_STUDY = """\
---
title: Sharing a microscope
date: 2026-09-01
summary: How two schools share one microscope.
author: Sam Lee
technicians: [alex-morgan]
---

It went well.
"""


@pytest.fixture
def built(tiny_site: TinySite) -> Path:
    tiny_site.write("content/news/2026-10-05-open-workshop.md", EVENT)
    tiny_site.write("content/news/2026-10-06-online.md", ONLINE_EVENT)
    tiny_site.write("content/case-studies/microscope.md", CASE_STUDY)
    build(tiny_site.options())
    return tiny_site.root / "output"


def test_every_page_has_canonical_description_and_sharing_tags(built: Path) -> None:
    for page in sorted(built.rglob("*.html")):
        if page.name == "404.html":
            continue
        tags, where = head(page), page.relative_to(built)
        assert len(tags.canonical) == 1, where
        assert tags.canonical[0].startswith("https://technicians.testford.example.ac.uk/"), where
        assert tags.one("og:url") == tags.canonical[0], where
        description = tags.one("description")
        assert 0 < len(description) <= 160, where
        assert tags.one("og:description") == description, where
        assert tags.one("og:title"), where
        assert tags.one("og:site_name") == "University of Testford", where
        assert tags.one("og:locale") == "en_GB", where
        assert tags.one("og:type") in {"website", "article", "profile"}, where
        assert tags.one("twitter:card") in {"summary", "summary_large_image"}, where


def test_canonical_is_the_page_own_full_address(built: Path) -> None:
    tags = head(built / "technicians/alex-morgan/index.html")
    assert tags.canonical == ["https://technicians.testford.example.ac.uk/technicians/alex-morgan/"]


def test_free_page_description_comes_from_its_summary(built: Path) -> None:
    tags = head(built / "about/index.html")
    assert tags.one("description") == "What the Technician Commitment means here."


def test_og_type_follows_the_kind_of_page(built: Path) -> None:
    assert head(built / "index.html").one("og:type") == "website"
    assert head(built / "news/2026-10-01-awards/index.html").one("og:type") == "article"
    assert head(built / "technicians/alex-morgan/index.html").one("og:type") == "profile"


def test_404_is_noindex_with_no_canonical(built: Path) -> None:
    tags = head(built / "404.html")
    assert tags.canonical == []
    assert tags.one("robots") == "noindex"


def test_home_page_describes_the_organisation(built: Path) -> None:
    data = head(built / "index.html").data()
    assert types(head(built / "index.html")) == ["CollegeOrUniversity"]  # no trail at home
    assert data[0]["name"] == "University of Testford"
    assert data[0]["url"] == "https://technicians.testford.example.ac.uk/"


def test_news_item_is_a_news_article(built: Path) -> None:
    data, _ = head(built / "news/2026-10-01-awards/index.html").data()
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Award winners announced"
    assert data["datePublished"] == "2026-10-01"
    assert data["publisher"]["name"] == "University of Testford"


def test_case_study_is_an_article_by_its_author(built: Path) -> None:
    data, _ = head(built / "case-studies/microscope/index.html").data()
    assert data["@type"] == "Article"
    assert data["author"] == {"@type": "Person", "name": "Sam Lee"}


def test_event_has_dates_with_offset_place_and_organiser(built: Path) -> None:
    data, _ = head(built / "news/2026-10-05-open-workshop/index.html").data()
    assert data["@type"] == "Event"
    assert data["name"] == "Open workshop </script> evening"  # escaped, and parsed back whole
    assert data["startDate"] == "2026-12-03T17:30:00+00:00"
    assert data["endDate"] == "2026-12-03T19:00:00+00:00"
    assert data["location"] == {
        "@type": "Place",
        "name": "Main Building, room 2",
        "address": "1 College Road, Testford",
    }
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["organizer"]["name"] == "University of Testford"


def test_online_event_has_a_virtual_location(built: Path) -> None:
    data, _ = head(built / "news/2026-10-06-online/index.html").data()
    assert data["location"] == {
        "@type": "VirtualLocation",
        "url": "https://forms.example.ac.uk/network",
    }
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"


def test_technician_is_a_person_with_only_what_the_page_shows(built: Path) -> None:
    data, _ = head(built / "technicians/alex-morgan/index.html").data()
    assert data["@type"] == "Person"
    assert set(data) == {"@context", "@type", "name", "jobTitle", "url", "worksFor"}
    assert data["jobTitle"] == "Research Technician"
    assert data["worksFor"]["name"] == "University of Testford"


def test_page_without_a_picture_falls_back_to_the_logo(tiny_site: TinySite) -> None:
    tiny_site.write("content/media/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site = tiny_site.content / "site.yaml"
    site.write_text(site.read_text() + "logo: {src: media/logo.svg, alt: Testford crest}\n")
    build(tiny_site.options())
    tags = head(tiny_site.root / "output/about/index.html")
    assert tags.one("og:image") == "https://technicians.testford.example.ac.uk/media/logo.svg"
    assert tags.one("og:image:alt") == "Testford crest"
    assert tags.one("twitter:card") == "summary"  # a logo makes a poor large card


def _jpeg(path: Path, size: tuple[int, int]) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "#336699").save(path, "JPEG")


def test_site_share_image_is_used_with_its_size(tiny_site: TinySite) -> None:
    _jpeg(tiny_site.content / "media/share.jpg", (1200, 630))
    site = tiny_site.content / "site.yaml"
    site.write_text(site.read_text() + "share_image: {src: media/share.jpg, alt: Our logo}\n")
    build(tiny_site.options())
    tags = head(tiny_site.root / "output/about/index.html")
    image = tags.one("og:image")
    assert re.fullmatch(r"https://technicians\.testford\.example\.ac\.uk/images/\S+\.jpg", image)
    assert (tiny_site.root / "output" / image.split(".ac.uk/", 1)[1]).is_file()
    width, height = int(tags.one("og:image:width")), int(tags.one("og:image:height"))
    assert abs(width / height - 1200 / 630) < 0.01
    assert tags.one("og:image:alt") == "Our logo"
    assert tags.one("twitter:card") == "summary_large_image"
    assert tags.one("twitter:image") == image


def test_article_image_is_its_share_image(tiny_site: TinySite) -> None:
    _jpeg(tiny_site.content / "media/award.jpg", (800, 600))
    news = tiny_site.content / "news/2026-10-01-awards.md"
    news.write_text(
        news.read_text().replace("---\n\n", "image: {src: media/award.jpg, alt: A trophy}\n---\n\n")
    )
    build(tiny_site.options())
    tags = head(tiny_site.root / "output/news/2026-10-01-awards/index.html")
    assert tags.one("og:image:alt") == "A trophy"
    width, height = int(tags.one("og:image:width")), int(tags.one("og:image:height"))
    assert width <= 800 and width * 3 == height * 4  # the largest copy made, never enlarged
    data, _ = tags.data()
    assert data["image"] == [tags.one("og:image")]


def test_missing_share_image_is_reported_against_site_yaml(tiny_site: TinySite) -> None:
    from site_builder.errors import BuildFailed

    site = tiny_site.content / "site.yaml"
    site.write_text(site.read_text() + "share_image: {src: media/shar.jpg, alt: Our logo}\n")
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    (problem,) = failed.value.problems
    assert problem.path == site and problem.field == "share_image.src"


# --- noindex profiles, drafts, sitemap ----------------------------------------------------------

PRIVATE = """\
name: Robin Quill
role: Workshop Technician
department: Physics
gallery: main
search_engines: false
consent:
  given: true
  date: 2025-02-01
"""


def sitemap_entries(output: Path) -> dict[str, str | None]:
    root = ET.parse(output / "sitemap.xml").getroot()
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS) or "": url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_noindex_profile_is_on_the_site_but_not_offered_to_search_engines(
    tiny_site: TinySite,
) -> None:
    tiny_site.write("content/technicians/robin-quill.yaml", PRIVATE)
    build(tiny_site.options())
    out = tiny_site.root / "output"
    tags = head(out / "technicians/robin-quill/index.html")
    assert tags.one("robots") == "noindex"
    assert types(tags) == ["BreadcrumbList"]  # no Person data for a crawler to pick up
    assert "data-pagefind-body" not in tags.main
    assert not any("robin-quill" in url for url in sitemap_entries(out))
    assert "Robin Quill" in (out / "galleries/main/index.html").read_text(encoding="utf-8")
    assert "Robin Quill" in (out / "technicians/index.html").read_text(encoding="utf-8")


def test_other_profiles_are_indexable(built: Path) -> None:
    tags = head(built / "technicians/alex-morgan/index.html")
    assert "robots" not in tags.meta
    assert "data-pagefind-body" in tags.main


DRAFT = """\
---
title: Secret plans
date: 2026-10-02
summary: Not yet.
draft: true
---

Unannounced.
"""


def test_drafts_built_for_preview_are_noindex_and_not_in_the_sitemap(tiny_site: TinySite) -> None:
    tiny_site.write("content/news/2026-10-02-secret.md", DRAFT)
    build(tiny_site.options(drafts=True))
    out = tiny_site.root / "output"
    tags = head(out / "news/2026-10-02-secret/index.html")
    assert tags.one("robots") == "noindex"
    assert types(tags) == ["BreadcrumbList"]
    assert not any("secret" in url for url in sitemap_entries(out))


def test_sitemap_dates_pages_and_lists_by_their_newest_item(built: Path) -> None:
    entries = sitemap_entries(built)
    base = "https://technicians.testford.example.ac.uk/"
    assert entries[base + "news/2026-10-01-awards/"] == "2026-10-01"
    assert entries[base + "news/"] == "2026-10-06"
    assert entries[base + "events/"] == "2026-10-06"
    assert entries[base + "case-studies/"] == "2026-09-01"
    assert entries[base] == "2026-10-06"
    for url, lastmod in entries.items():
        if lastmod is not None:
            assert dt.date.fromisoformat(lastmod), url
    assert base + "search/" not in entries
    assert base + "404.html" not in entries


def test_feed_is_autodiscoverable_from_every_page(built: Path) -> None:
    pattern = re.compile(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="/feed.xml"'
    )
    for page in built.rglob("*.html"):
        assert pattern.search(page.read_text(encoding="utf-8")), page


def test_breadcrumb_list_follows_the_visible_trail(built: Path) -> None:
    _, trail = head(built / "technicians/alex-morgan/index.html").data()
    base = "https://technicians.testford.example.ac.uk/"
    assert trail["@type"] == "BreadcrumbList"
    assert [(i["position"], i["name"], i["item"]) for i in trail["itemListElement"]] == [
        (1, "Home", base),
        (2, "Our technicians", base + "technicians/"),
        (3, "Alex Morgan", base + "technicians/alex-morgan/"),
    ]
