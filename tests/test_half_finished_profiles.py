"""A profile without consent is never published, so what is unfinished in it only warns."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from site_builder import scaffold
from site_builder.discovery import discover, load_documents
from site_builder.errors import BuildFailed, SourceError
from site_builder.pipeline import build
from site_builder.validate import validate_content
from tests.sites import TECHNICIAN, TODAY, TinySite

CONSENT = "consent:\n  given: true\n  date: 2025-02-01\n"
WITHOUT_CONSENT = TECHNICIAN.replace(CONSENT, "")


def validate(site: TinySite) -> tuple[bool, list[SourceError]]:
    sources = discover(site.options().project)
    content, problems = validate_content(sources, load_documents(sources), TODAY)
    return content is not None, problems


def started(site: TinySite) -> None:
    scaffold.create("technician", "Sam Okafor", site.content)  # no --gallery: a placeholder


def started_in_gallery(site: TinySite) -> None:
    path = scaffold.create("technician", "Sam Okafor", site.content, gallery="main")
    path.write_text(path.read_text().replace("photo:   ", "photo: sam.jpg  "))  # not there yet


def without_role(site: TinySite) -> None:
    site.write("content/technicians/sam-okafor.yaml", WITHOUT_CONSENT.replace("role:", "# role:"))


def photo_without_alt(site: TinySite) -> None:
    site.write("content/technicians/sam-okafor.yaml", WITHOUT_CONSENT + "photo: sam.jpg\n")


def withdrawn(site: TinySite) -> None:
    text = TECHNICIAN.replace("gallery: main", "gallery: mian") + "  withdrawn: 2026-01-01\n"
    site.write("content/technicians/sam-okafor.yaml", text)


def not_given(site: TinySite) -> None:
    text = TECHNICIAN.replace("given: true", "given: false").replace("RSciTech", "")
    site.write("content/technicians/sam-okafor.yaml", text.replace("gallery: main", "gallery: x"))


UNFINISHED: dict[str, Callable[[TinySite], None]] = {
    "new, no gallery": started,
    "new, photo not there": started_in_gallery,
    "no role yet": without_role,
    "photo without alt text": photo_without_alt,
    "consent withdrawn": withdrawn,
    "consent not given": not_given,
}


@pytest.mark.parametrize("make", UNFINISHED.values(), ids=UNFINISHED.keys())
def test_an_unfinished_profile_without_consent_warns_and_the_site_builds(
    tiny_site: TinySite, make: Callable[[TinySite], None]
) -> None:
    make(tiny_site)
    ok, problems = validate(tiny_site)
    assert ok, [p.format() for p in problems]
    about_sam = [p for p in problems if p.path and p.path.name == "sam-okafor.yaml"]
    assert about_sam and all(p.severity == "warning" for p in about_sam)
    assert any("not published" in p.message for p in about_sam)


def test_the_unfinished_profile_is_built_around_not_published(tiny_site: TinySite) -> None:
    started(tiny_site)
    report = build(tiny_site.options())
    assert not (tiny_site.root / "output/technicians/sam-okafor").exists()
    assert (tiny_site.root / "output/technicians/alex-morgan/index.html").is_file()
    warned = [w for w in report.warnings if w.path and w.path.name == "sam-okafor.yaml"]
    assert any("no gallery 'your-gallery'" in w.message for w in warned)
    html = (tiny_site.root / "output/technicians/index.html").read_text()
    assert "Sam Okafor" not in html


MISTAKES_THAT_STILL_STOP = {
    "consented, unknown gallery": TECHNICIAN.replace("gallery: main", "gallery: mian"),
    "consented, no role": TECHNICIAN.replace("role: Research Technician\n", ""),
    "unreadable YAML": WITHOUT_CONSENT + "bio: [unclosed\n",
    "consent misspelt": WITHOUT_CONSENT + "consnt:\n  given: true\n  date: 2025-02-01\n",
    "consent misspelt, capital": WITHOUT_CONSENT + "Consent:\n  given: true\n  date: 2025-02-01\n",
    "consent misspelt, no gallery": WITHOUT_CONSENT.replace("gallery: main", "gallery: x")
    + "concent: {given: true, date: 2025-02-01}\n",
}


@pytest.mark.parametrize("text", MISTAKES_THAT_STILL_STOP.values(), ids=MISTAKES_THAT_STILL_STOP)
def test_a_profile_that_would_be_published_or_cannot_be_read_still_stops_the_build(
    tiny_site: TinySite, text: str
) -> None:
    tiny_site.write("content/technicians/sam-okafor.yaml", text)
    ok, problems = validate(tiny_site)
    assert not ok
    assert any(
        p.severity == "error" and p.path and p.path.name == "sam-okafor.yaml" for p in problems
    )
    with pytest.raises(BuildFailed):
        build(tiny_site.options())
    assert not (tiny_site.root / "output").exists()


@pytest.mark.parametrize("name", ["Sam Okafor.yaml", "con.yaml", "sam\nokafor.yaml"])
def test_a_name_that_cannot_be_an_address_still_stops_the_build(
    tiny_site: TinySite, name: str
) -> None:
    tiny_site.write(f"content/technicians/{name}", WITHOUT_CONSENT)
    ok, problems = validate(tiny_site)
    assert not ok
    assert [p.severity for p in problems if p.severity == "error"] == ["error"]


@pytest.mark.parametrize("text", ["", "- name: A\n- name: B\n", "just some words\n"])
def test_a_file_that_is_not_a_profile_yet_still_stops_the_build(
    tiny_site: TinySite, text: str
) -> None:
    tiny_site.write("content/technicians/sam-okafor.yaml", text)
    ok, _ = validate(tiny_site)
    assert not ok
