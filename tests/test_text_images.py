"""Images in the Markdown text of a story or page: written as the README says they work, and
anything else fails the build with the path to write."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from site_builder.errors import BuildFailed, SourceError
from site_builder.pipeline import build
from site_builder.svg import sanitise_svg
from tests.sites import NEWS, PAGE, TinySite

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
STORY = "content/news/2026-10-01-awards.md"
FILES = {
    "news": (STORY, "news/2026-10-01-awards/index.html", NEWS),
    "page": ("content/pages/about.md", "about/index.html", PAGE),
    "case study": (
        "content/case-studies/shared.md",
        "case-studies/shared/index.html",
        "---\ntitle: Shared\ndate: 2026-09-01\nsummary: One microscope.\n---\n",
    ),
}


def with_media(site: TinySite) -> None:
    site.write("content/media/chart.svg", SVG)
    site.write("content/media/figures/flow chart.svg", SVG)
    Image.new("RGB", (40, 30), "teal").save(site.content / "media" / "lab.jpg")


def write_text(site: TinySite, kind: str, text: str) -> tuple[str, str]:
    source, page, front = FILES[kind]
    site.write(source, front + "\n" + text + "\n")
    return source, page


def shown_images(html: str) -> list[str]:
    main = html.split("<main", 1)[1]
    return re.findall(r'<img[^>]* src="([^"]+)"', main)


WORKING = [
    ("![A chart](media/chart.svg)", "media/chart.svg"),
    ("![A chart](../media/chart.svg)", "media/chart.svg"),
    ("![A chart](/media/chart.svg)", "media/chart.svg"),
    ("![A chart](./media/chart.svg)", "media/chart.svg"),
    ("![A chart][c]\n\n[c]: media/chart.svg", "media/chart.svg"),
    ('<img src="../media/chart.svg" alt="A chart">', "media/chart.svg"),
    ("![A flow](media/figures/flow%20chart.svg)", "media/figures/flow%20chart.svg"),
]


@pytest.mark.parametrize("kind", FILES)
@pytest.mark.parametrize("base", ["https://t.example.ac.uk/", "https://org.github.io/tc/"])
def test_an_image_written_as_the_readme_says_is_shown(
    tiny_site: TinySite, kind: str, base: str
) -> None:
    with_media(tiny_site)
    # every way of writing it in one text, each in its own paragraph: one build for them all
    _, page = write_text(tiny_site, kind, "\n\n".join(written for written, _ in WORKING))
    build(tiny_site.options(base_url=base))
    out = tiny_site.root / "output"
    prefix = "/tc/" if "github" in base else "/"
    assert shown_images((out / page).read_text()) == [prefix + p for _, p in WORKING]
    for _, published in WORKING:
        # published as every SVG is: made safe (svg.py), drawing unchanged
        assert (out / published.replace("%20", " ")).read_bytes() == sanitise_svg(SVG.encode()).data


def test_an_image_in_a_story_reaches_the_feed_as_a_full_address(tiny_site: TinySite) -> None:
    with_media(tiny_site)
    write_text(tiny_site, "news", "![A chart](../media/chart.svg)")
    build(tiny_site.options())
    feed = (tiny_site.root / "output/feed.xml").read_text()
    assert "https://technicians.testford.example.ac.uk/media/chart.svg" in feed


def failure(site: TinySite) -> SourceError:
    build_ok = site.root / "output"
    before = sorted(build_ok.rglob("*")) if build_ok.exists() else []
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    errors = [p for p in failed.value.problems if p.severity == "error"]
    assert len(errors) == 1, [e.format() for e in errors]
    assert (sorted(build_ok.rglob("*")) if build_ok.exists() else []) == before
    return errors[0]


@pytest.mark.parametrize(
    "written", ["media/lab.jpg", "../media/lab.jpg", "/media/lab.jpg", "lab.jpg", "./lab.jpg"]
)
@pytest.mark.parametrize("kind", ["news", "case study"])
def test_a_photo_in_the_text_is_refused_with_the_image_field_to_write(
    tiny_site: TinySite, kind: str, written: str
) -> None:
    with_media(tiny_site)
    source, _ = write_text(tiny_site, kind, f"Intro line.\n\n![The lab]({written})\n")
    error = failure(tiny_site)
    assert error.path == tiny_site.root / source
    text = (tiny_site.root / source).read_text().splitlines()
    assert error.line is not None and written in text[error.line - 1]
    assert "photo" in error.message
    assert "'src: media/lab.jpg'" in (error.hint or "")


def test_a_photo_in_a_pages_text_is_refused_saying_what_a_page_can_show(
    tiny_site: TinySite,
) -> None:
    with_media(tiny_site)
    write_text(tiny_site, "page", "![The lab](media/lab.jpg)")
    error = failure(tiny_site)
    assert "drawings (SVG)" in (error.hint or "")


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("media/chrt.svg", "did you mean media/chart.svg?"),
        ("../media/chrat.svg", "did you mean media/chart.svg?"),
        ("chart.svg", "write media/chart.svg (the file is in content/media/)"),
        ("../chart.svg", "write media/chart.svg (the file is in content/media/)"),
        (
            "../../elsewhere/diagram.svg",
            "put the file in content/media/ and write media/diagram.svg",
        ),
        (
            "media/figures/new.svg",
            "put the file in content/media/figures/ and write media/figures/new.svg",
        ),
    ],
)
@pytest.mark.parametrize("kind", FILES)
def test_an_image_that_would_be_broken_fails_with_the_path_to_write(
    tiny_site: TinySite, kind: str, written: str, hint: str
) -> None:
    with_media(tiny_site)
    build(tiny_site.options())  # a last good site, which must stay as it was
    source, _ = write_text(tiny_site, kind, f"![A chart]({written})")
    error = failure(tiny_site)
    assert error.path == tiny_site.root / source and error.value == written
    assert error.hint == hint


@pytest.mark.parametrize(
    ("written", "works"),
    [
        ("[the report](media/report.pdf)", True),
        ("[the report](../media/report.pdf)", True),
        ("[the report](/media/report.pdf)", True),
        ("[the report](media/reprot.pdf)", False),
        ("[a photo of the lab](media/lab.jpg)", False),
        ("[the plan](/plans/) and [about](../about/)", True),  # links to pages are not files
    ],
)
def test_a_link_into_media_in_the_text_reaches_the_file_or_fails(
    tiny_site: TinySite, written: str, works: bool
) -> None:
    with_media(tiny_site)
    tiny_site.write("content/media/report.pdf", "%PDF-1.4\n")
    _, page = write_text(tiny_site, "news", f"Read {written}.")
    if not works:
        error = failure(tiny_site)
        assert error.hint and (
            "did you mean media/report.pdf?" in error.hint or "image:" in error.hint
        )
        return
    build(tiny_site.options())
    html = (tiny_site.root / "output" / page).read_text()
    for href in re.findall(r'<a href="(/media/[^"]+)"', html.split("<main", 1)[1]):
        assert (tiny_site.root / "output" / href.lstrip("/")).is_file(), href
