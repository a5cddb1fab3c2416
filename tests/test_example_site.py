"""The shipped example institution, built as a user would, checked as HTML."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.pipeline import build
from site_builder.project import BuildOptions, Project
from tests.sites import ROOT

TODAY = dt.date(2026, 11, 24)


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.images_without_alt: list[str] = []
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "h1":
            self.h1 += 1
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(found[name] or "")
        if found.get("srcset"):
            self.links += [
                part.strip().split(" ")[0] for part in (found["srcset"] or "").split(",")
            ]
        if tag == "img" and found.get("alt") is None:
            self.images_without_alt.append(found.get("src") or "")


def build_example(tmp: Path, base_url: str) -> Path:
    project = tmp / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    output = project / "output"
    build(
        BuildOptions(
            project=Project.at(project / "content"),
            output=output,
            base_url=base_url,
            today=TODAY,
        )
    )
    return output


@pytest.fixture(
    scope="module", params=["https://tc.example.ac.uk/", "https://org.github.io/techcommit/"]
)
def example(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    output = build_example(tmp_path_factory.mktemp("example"), request.param)
    return output, urlsplit(request.param).path


def pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def resolve(output: Path, base: str, page: Path, link: str) -> Path | None:
    """The file a link points at, or None when the link leaves the site."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "tel:")):
        return None
    if not parts.path:
        return page
    path = unquote(parts.path)
    if path.startswith("/"):
        assert path.startswith(base), f"{link} on {page} is outside the base path {base}"
        target = output / path[len(base) :]
    else:
        target = page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def test_every_page_type_is_present(example: tuple[Path, str]) -> None:
    output, _ = example
    needed = [
        "index.html", "about/index.html", "definition/index.html", "accessibility/index.html",
        "plans/index.html", "technicians/index.html", "galleries/index.html",
        "case-studies/index.html", "news/index.html", "events/index.html", "404.html",
        "feed.xml", "sitemap.xml", "robots.txt",
    ]  # fmt: skip
    for name in needed:
        assert (output / name).is_file(), name
    assert len(list((output / "technicians").glob("*/index.html"))) >= 12
    assert len(list((output / "galleries").glob("*/index.html"))) >= 3
    assert len(list((output / "case-studies").glob("*/index.html"))) >= 3
    assert len(list((output / "news").glob("*/index.html"))) >= 8
    plans = list((output / "plans").glob("*/index.html"))
    assert plans
    for plan in plans:
        for theme in ("visibility", "recognition", "career-development", "sustainability"):
            assert (plan.parent / theme / "index.html").is_file()
    assert list((output / "news").glob("*/*.ics"))


def test_every_internal_link_and_image_resolves(example: tuple[Path, str]) -> None:
    output, base = example
    broken = []
    for page in pages(output):
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for link in collector.links:
            target = resolve(output, base, page, link)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{page.relative_to(output)} -> {link}")
                continue
            fragment = urlsplit(link).fragment
            if fragment and target.suffix == ".html":
                other = LinkCollector()
                other.feed(target.read_text(encoding="utf-8"))
                if fragment not in other.ids:
                    broken.append(f"{page.relative_to(output)} -> {link} (no such anchor)")
    assert broken == []


def test_every_page_has_one_h1_and_images_have_alt(example: tuple[Path, str]) -> None:
    output, _ = example
    for page in pages(output):
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        assert collector.h1 == 1, page
        assert collector.images_without_alt == [], page


def test_unpublished_people_and_drafts_are_absent(example: tuple[Path, str]) -> None:
    output, _ = example
    unpublished = []
    for path in sorted((ROOT / "content/technicians").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        no_consent = "consent:" not in text
        if no_consent or "withdrawn:" in text or re.search(r"^draft: true", text, re.M):
            unpublished.append(path.stem)
    assert unpublished, "the example site should show that unpublished profiles stay hidden"
    drafts = [
        p.stem
        for p in (ROOT / "content/news").glob("*.md")
        if re.search(r"^draft: true", p.read_text(encoding="utf-8"), re.M)
    ]
    assert drafts, "the example site should include a draft"
    everything = "\n".join(
        p.read_text(encoding="utf-8")
        for p in output.rglob("*")
        if p.suffix in {".html", ".xml", ".ics", ".txt"}
    )
    for slug in unpublished + drafts:
        assert f"/{slug}/" not in everything, slug


def test_photos_carry_no_location_or_camera(example: tuple[Path, str]) -> None:
    output, _ = example
    images = list((output / "images").glob("*"))
    assert images
    for image in images:
        data = image.read_bytes()
        assert b"Exif" not in data and b"GPS" not in data, image.name


def test_no_raster_photo_is_copied_unprocessed(example: tuple[Path, str]) -> None:
    output, _ = example
    media = output / "media"
    if media.is_dir():
        assert not [p for p in media.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"}]
