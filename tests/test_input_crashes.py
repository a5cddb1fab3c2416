"""Broken input that used to stop the builder with a fault report: each now a located message
with a fix, and nothing changed (issue 20, item 7). Link loops are in test_input_boundary.py,
YAML keys, merges and deep nesting in test_input_limits.py."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.errors import BuildFailed, format_report
from site_builder.pipeline import build
from tests.sites import SITE, TECHNICIAN, TinySite
from tests.test_build import run_cli

BUILD = ("build", "--today", "2026-11-24", "--jobs", "1")


def failure(site: TinySite) -> str:
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    return format_report(failed.value.problems, site.root)


@pytest.mark.parametrize(
    "zone, suggestion",
    [
        ("Europe/Londn", "did you mean 'Europe/London'?"),
        ("europe/london", "did you mean 'Europe/London'?"),
        ("London", "did you mean 'Europe/London'?"),
        ("America/New York", "did you mean 'America/New_York'?"),
        ("Erope/Paris", "did you mean 'Europe/Paris'?"),
        ("../../etc/passwd", "such as Europe/London"),
        ("/etc/localtime", "such as Europe/London"),
        ("Europe/../../etc/passwd", "such as Europe/London"),
        ("Mars/Olympus_Mons", "such as Europe/London"),
        ("", "such as Europe/London"),
    ],
)
def test_a_time_zone_that_does_not_exist_is_named_with_the_nearest_real_one(
    tiny_site: TinySite, zone: str, suggestion: str
) -> None:
    tiny_site.write("content/site.yaml", SITE + f'timezone: "{zone}"\n')
    report = failure(tiny_site)
    assert (
        f"content/site.yaml:10:1: error (field 'timezone'): '{zone}' is not a time zone" in report
    )
    assert suggestion in report


def test_a_real_time_zone_builds(tiny_site: TinySite) -> None:
    for zone in ("Europe/London", "UTC", "America/New_York", "Asia/Kolkata"):
        tiny_site.write("content/site.yaml", SITE + f"timezone: {zone}\n")
        build(tiny_site.options())


PHOTO = TECHNICIAN + "photo_alt: Alex at the bench\n"
ARTICLE = "---\ntitle: T\ndate: 2026-10-03\nsummary: S\n{extra}---\n\nBody.\n"


@pytest.mark.parametrize(
    "relative, text, field",
    [
        ("content/technicians/alex-morgan.yaml", PHOTO + 'photo: "alex\\0.jpg"\n', "photo"),
        ("content/technicians/alex-morgan.yaml", PHOTO + 'photo: "../x/\\0"\n', "photo"),
        ("content/technicians/alex-morgan.yaml", PHOTO.replace("main", '"ma\\0in"'), "gallery"),
        (
            "content/news/2026-10-03-x.md",
            ARTICLE.format(extra='image:\n  src: "media/a\\0.jpg"\n  alt: A\n'),
            "image.src",
        ),
        ("content/site.yaml", SITE + 'logo:\n  src: "media/l\\0.svg"\n  alt: L\n', "logo.src"),
        (
            "content/site.yaml",
            SITE + 'share_image:\n  src: "media/\\x01s.jpg"\n  alt: S\n',
            "share_image.src",
        ),
        (
            "content/technicians/alex-morgan.yaml",
            PHOTO.replace("bio: Alex runs the teaching labs.", 'bio: "Runs\\x1b[31m labs"'),
            "bio",
        ),
    ],
)
def test_a_control_character_in_a_file_name_or_text_is_located(
    tiny_site: TinySite, relative: str, text: str, field: str
) -> None:
    tiny_site.write(relative, text)
    report = failure(tiny_site)
    assert f"{relative}:" in report and f"(field '{field}')" in report
    assert "invisible control character U+00" in report and "fix:" in report
    result = run_cli(*BUILD, cwd=tiny_site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_a_control_character_in_a_body_is_located(tiny_site: TinySite) -> None:
    for character in ("\x00", "\x02", "\x03", "\x7f"):
        tiny_site.write(
            "content/news/2026-10-03-x.md", ARTICLE.format(extra="") + f"\nLine{character}.\n"
        )
        report = failure(tiny_site)
        assert "content/news/2026-10-03-x.md:9: error: the text holds the invisible" in report


# --- the computer refuses to write ----------------------------------------------------------


def chattr(flag: str, path: Path) -> None:
    subprocess.run(["chattr", flag, str(path)], check=True, capture_output=True)


@pytest.fixture
def locked(tiny_site: TinySite) -> Iterator[list[Path]]:
    """Paths made immutable by the test (so even root cannot write), unlocked afterwards."""
    if shutil.which("chattr") is None:
        pytest.skip("needs chattr to make a folder read-only even for root")
    probe = tiny_site.root / "probe"
    probe.mkdir()
    if subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a folder immutable")
    chattr("-i", probe)
    probe.rmdir()
    paths: list[Path] = []
    yield paths
    for path in paths:
        chattr("-i", path)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("where", ["output", "output/about", "output/news", "."])
def test_a_read_only_output_folder_is_said_before_anything_is_written(
    tiny_site: TinySite, locked: list[Path], where: str
) -> None:
    fresh = where == "."
    if not fresh:
        assert run_cli(*BUILD, cwd=tiny_site.root).returncode == 0
    before = snapshot(tiny_site.root / "output") if not fresh else {}
    page = "---\ntitle: About us now\nsummary: Changed.\n---\n\nNew words.\n"
    tiny_site.write("content/pages/about.md", page)
    tiny_site.write("content/news/2026-10-01-awards.md", ARTICLE.format(extra=""))
    target = tiny_site.root / where
    chattr("+i", target)
    locked.append(target)
    result = run_cli(*BUILD, cwd=tiny_site.root)
    assert result.returncode == 1, result.stderr
    assert (
        "Traceback" not in result.stderr and "problem in site-builder itself" not in result.stderr
    )
    assert "make it writable" in result.stderr and "--output" in result.stderr
    if fresh:  # the project folder itself: its .cache/ is the first thing written
        assert ".cache: error: cannot write this file" in result.stderr
        assert not (tiny_site.root / "output").exists()
    else:
        assert f"{where}: error: the build cannot write into this folder" in result.stderr
        assert snapshot(tiny_site.root / "output") == before


def test_a_file_that_cannot_be_replaced_is_named_not_a_fault(
    tiny_site: TinySite, locked: list[Path]
) -> None:
    assert run_cli(*BUILD, cwd=tiny_site.root).returncode == 0
    tiny_site.write("content/pages/about.md", "---\ntitle: About\nsummary: S.\n---\n\nNew.\n")
    target = tiny_site.root / "output/about/index.html"
    chattr("+i", target)
    locked.append(target)
    result = run_cli(*BUILD, cwd=tiny_site.root)
    # The new site is built beside the old one and swapped in whole (output.py), so a file
    # of the old site that cannot be replaced no longer stops the build, nor is it a fault.
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "problem in site-builder itself" not in result.stderr
    assert "New." in target.read_text()
    # the old site, with the file that could not be removed, is what a later build cleans up
    locked.extend(tiny_site.root.glob(".output*/**/about/index.html"))
