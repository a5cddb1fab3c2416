"""Small things a reader trips over, checked in the built pages of the example site: a status
shown once per action, a real heading on status pages, a profile's trail, a favicon on every
page, covers on the galleries index and thumbnails on the news list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.models import STATUSES
from tests.test_example_site import build_example


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("reader"), "https://tc.example.ac.uk/")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _status_cells(page: str) -> list[str]:
    return re.findall(r'<td data-label="Status">(.*?)</td>', page, re.DOTALL)


def test_each_action_shows_its_status_once(site: Path) -> None:
    pages = [*site.glob("plans/*/*/index.html"), *site.glob("plans/*/status/*/index.html")]
    cells = [cell for page in pages for cell in _status_cells(_read(page))]
    assert len(cells) > 50
    for cell in cells:
        current = cell.split('class="updates__earlier"', 1)[0]  # earlier updates are a history
        tags = re.findall(r'class="tag tag--([a-z-]+)"', current)
        # The action's tag, and the latest update's only where it says something else.
        assert tags and len(tags) == len(set(tags)), tags


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_a_status_page_is_headed_in_words(site: Path, status: str) -> None:
    found = list(site.glob(f"plans/*/status/{status}/index.html"))
    assert found, status
    for page in found:
        heading = re.search(r"<h1>(.*?)</h1>", _read(page), re.DOTALL)
        assert heading is not None
        text = re.sub(r"<[^>]+>", " ", heading.group(1))
        words = " ".join(text.split())
        assert words.endswith(f"Actions {STATUSES[status].lower()}"), words
        assert 'class="tag' not in heading.group(1)


def test_a_profile_trail_is_its_address(site: Path) -> None:
    profiles = [p for p in site.glob("technicians/*/index.html") if "department" not in str(p)]
    assert len(profiles) > 5
    for page in profiles:
        trail = _read(page).split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
        hrefs = re.findall(r'href="([^"]+)"', trail)
        assert hrefs == ["/", "/technicians/"], (page, hrefs)


def test_every_page_declares_the_favicon_that_is_built(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert (
        b"<svg" in (site / "assets" / "favicon.svg").read_bytes()[:100]
    )  # made safe: an XML line first
    for page in pages:
        icons = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', _read(page))
        assert icons == ["/assets/favicon.svg"], page


def test_the_galleries_index_has_a_cover_for_each_gallery_with_photos(site: Path) -> None:
    page = _read(site / "galleries" / "index.html")
    cards = page.split('<li class="gallery-card">')[1:]
    assert len(cards) >= 3
    for card in cards:
        if "<img" in card.split('class="gallery-card__faces"')[-1]:
            assert 'class="gallery-card__cover"' in card


def test_news_with_a_photo_has_a_thumbnail_on_the_list(site: Path) -> None:
    lists = [site / "news" / "index.html", *site.glob("news/page/*/index.html")]
    seen = 0
    for page in lists:
        listed = _read(page).split(">Latest news</h2>", 1)[1].split("</ul>", 1)[0]
        for card in listed.split('<li class="article-card')[1:]:
            slug = re.search(r'href="/news/([^/"]+)/"', card)
            assert slug is not None
            has_image = "article__image" in _read(site / "news" / slug.group(1) / "index.html")
            assert ('class="article-card__thumb"' in card) is has_image, slug.group(1)
            seen += has_image
    assert seen >= 2
