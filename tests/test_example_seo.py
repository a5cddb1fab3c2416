"""The example site, built under a subpath: every page found and shared well, and searchable."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.search import find_pagefind
from tests.search_index import fragments, indexed_text
from tests.test_example_site import build_example
from tests.test_seo import SITEMAP_NS, head

BASE = "https://org.github.io/techcommit/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("example-seo"), BASE)


def test_every_page_has_canonical_description_and_open_graph(site: Path) -> None:
    pages = [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]
    assert len(pages) > 50
    descriptions = {}
    for page in pages:
        tags, where = head(page), page.relative_to(site)
        assert len(tags.canonical) == 1 and tags.canonical[0].startswith(BASE), where
        assert tags.one("og:url") == tags.canonical[0], where
        description = tags.one("description")
        assert 20 <= len(description) <= 160, (where, description)
        descriptions[str(where)] = description
        for key in ("og:title", "og:description", "og:type", "og:image", "og:site_name"):
            assert tags.one(key), (where, key)
        assert tags.one("og:locale") == "en_GB"
        assert tags.one("og:image").startswith(BASE), where
        assert tags.one("twitter:card") == "summary_large_image", where  # share image fallback
    # Content pages describe themselves rather than repeating the site's default sentence.
    assert descriptions["about/index.html"] != descriptions["definition/index.html"]


def test_every_json_ld_block_parses_and_has_a_type(site: Path) -> None:
    kinds = set()
    for page in sorted(site.rglob("*.html")):
        for data in head(page).data():
            assert data["@context"] == "https://schema.org"
            kinds.add(data["@type"])
    assert {
        "CollegeOrUniversity",
        "NewsArticle",
        "Article",
        "Event",
        "Person",
        "BreadcrumbList",
    } <= kinds


def test_sitemap_has_lastmod_for_dated_pages_and_leaves_out_noindex_ones(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    entries = {
        u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for u in root.findall("s:url", SITEMAP_NS)
    }
    assert all(url and url.startswith(BASE) for url in entries)
    for section in ("", "news/", "case-studies/", "plans/", "events/", "about/"):
        assert entries[BASE + section], f"{section or 'home'} has no lastmod"
    assert BASE + "technicians/kieran-doyle/" not in entries
    assert BASE + "technicians/priya-raman/" in entries
    noindexed = [p for p in site.rglob("*.html") if head(p).meta.get("robots") == ["noindex"]]
    for page in noindexed:
        url = BASE + str(page.relative_to(site)).removesuffix("index.html")
        assert url not in entries, url


def test_robots_txt_points_at_the_sitemap(site: Path) -> None:
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(find_pagefind() is None, reason="Pagefind is not installed")
def test_index_covers_every_content_type_and_not_the_private_profile(site: Path) -> None:
    records = fragments(site)
    types = {r["meta"].get("type") for r in records}
    assert types == {"Technician", "Action plan", "Case study", "News", "Page"}
    assert all(r["url"].startswith("/") for r in records)
    assert "/technicians/priya-raman/" in {r["url"] for r in records}
    assert "kieran-doyle" not in indexed_text(site)
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en-gb"]["page_count"] == len(records)
