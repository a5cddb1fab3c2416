"""Nothing outside the project's folders is read: a link that leaves content/, galleries/ or
themes/, or loops, is an error naming it, and what it leads to never reaches the site (issue 20,
items 1 and 7)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.errors import BuildFailed, format_report
from site_builder.pipeline import build, check
from tests.sites import SITE, TECHNICIAN, TinySite
from tests.test_build import run_cli

SECRET = "secret-4f1c9e outside the project"


def outside(tmp_path: Path) -> Path:
    """A folder beside the project (the project is tmp_path/site), holding a secret file."""
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    (folder / "secret.txt").write_text(SECRET)
    (folder / "secret.yaml").write_text(f"name: {SECRET}\n")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "more.txt").write_text(SECRET)
    return folder


def link(site: TinySite, relative: str, target: str | Path) -> str:
    path = site.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    return relative


@pytest.fixture
def site(tmp_path: Path) -> TinySite:
    return TinySite(tmp_path / "site")


# each returns the link it made, relative to the project
LEAVING: dict[str, Callable[[TinySite, Path], str]] = {
    "media file": lambda s, o: link(s, "content/media/report.txt", o / "secret.txt"),
    "media file, relative": lambda s, o: link(
        s, "content/media/notes.pdf", "../../../elsewhere/secret.txt"
    ),
    "media folder": lambda s, o: link(s, "content/media/docs", o / "sub"),
    "nested media folder": lambda s, o: link(s, "content/media/a/b/c", o),
    "content file": lambda s, o: link(s, "content/technicians/sam.yaml", o / "secret.yaml"),
    "page": lambda s, o: link(s, "content/pages/secret.md", o / "secret.txt"),
    "content folder": lambda s, o: link(s, "content/case-studies", o),
    "photo": lambda s, o: link(s, "galleries/main/face.jpg", o / "secret.txt"),
    "gallery folder": lambda s, o: link(s, "galleries/elsewhere", o),
    "gallery file": lambda s, o: link(s, "galleries/main/gallery.yaml.bak", o / "secret.yaml"),
    "theme template": lambda s, o: link(
        s, "themes/default/templates/secret.html", o / "secret.txt"
    ),
    "theme static": lambda s, o: link(s, "themes/default/static/css/extra.css", o / "secret.txt"),
    "theme folder": lambda s, o: link(s, "themes/mine", o),
    "to the root": lambda s, o: link(s, "content/media/everything", "/"),
    "to the project itself": lambda s, o: link(s, "content/media/project", "../.."),
    "to the cache": lambda s, o: link(s, "content/media/cache", "../../.cache"),
}


@pytest.mark.parametrize("kind", LEAVING)
def test_nothing_outside_the_project_is_read(site: TinySite, tmp_path: Path, kind: str) -> None:
    made = LEAVING[kind](site, outside(tmp_path))
    (site.root / ".cache").mkdir(exist_ok=True)
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    report = format_report(failed.value.problems, site.root)
    assert f"{made}: error: this is a link to " in report, report
    assert "outside the project's folders" in report and "delete the link" in report
    assert SECRET not in report
    assert not (site.root / "output").exists()
    for path in (site.root / ".cache").rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path
    with pytest.raises(BuildFailed):
        check(site.options())


@pytest.mark.parametrize("kind", ["media file", "gallery folder", "theme static"])
def test_the_command_line_names_the_link_and_shows_nothing_of_it(
    site: TinySite, tmp_path: Path, kind: str
) -> None:
    made = LEAVING[kind](site, outside(tmp_path))
    for command in (["build", "--today", "2026-11-24"], ["check"]):
        result = run_cli(*command, cwd=site.root)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and SECRET not in result.stderr
        assert f"{made}: error: this is a link to" in result.stderr


def test_a_link_out_added_after_a_build_fails_the_next_and_keeps_the_site(
    site: TinySite, tmp_path: Path
) -> None:
    build(site.options())
    before = {p: p.read_bytes() for p in (site.root / "output").rglob("*") if p.is_file()}
    link(site, "content/media/leak.txt", outside(tmp_path) / "secret.txt")
    with pytest.raises(BuildFailed):
        build(site.options())
    after = {p: p.read_bytes() for p in (site.root / "output").rglob("*") if p.is_file()}
    assert after == before


LOOPS: dict[str, list[tuple[str, str]]] = {
    "two links in media": [("content/media/a", "b"), ("content/media/b", "a")],
    "a link to itself": [("content/media/self.pdf", "self.pdf")],
    "media folder containing itself": [("content/media/again", ".")],
    "media back to content": [("content/media/up", "..")],
    "in a gallery": [("galleries/main/loop", "loop")],
    "gallery back to galleries": [("galleries/main/all", "..")],
    "a gallery folder": [("galleries/round", "round")],
    "a content file": [
        ("content/technicians/x.yaml", "y.yaml"),
        ("content/technicians/y.yaml", "x.yaml"),
    ],
    "a theme": [("themes/default/static/loop", "../static")],
}


@pytest.mark.parametrize("kind", LOOPS)
def test_a_link_loop_is_a_located_error_not_a_crash(site: TinySite, kind: str) -> None:
    for relative, target in LOOPS[kind]:
        link(site, relative, target)
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    report = format_report(failed.value.problems, site.root)
    first = LOOPS[kind][0][0]
    assert any(
        problem.path is not None and problem.path == site.root / relative
        for problem in failed.value.problems
        for relative, _ in LOOPS[kind]
    ), report
    assert "loop" in report or "a folder that contains it" in report
    assert first.split("/")[0] in report
    result = run_cli("build", "--today", "2026-11-24", cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr


def test_links_that_stay_inside_the_project_still_work(site: TinySite) -> None:
    site.write("content/media/real/guide.pdf", "%PDF-1.4 guide")
    link(site, "content/media/guide.pdf", "real/guide.pdf")
    link(site, "content/media/copies", "real")
    link(site, "content/media/from-gallery.yaml.txt", "../../galleries/main/gallery.yaml")
    site.write("elsewhere-in-project.txt", "x")
    build(site.options())
    output = site.root / "output"
    assert (output / "media/guide.pdf").read_bytes() == b"%PDF-1.4 guide"
    assert (output / "media/real/guide.pdf").read_bytes() == b"%PDF-1.4 guide"


FIELDS = {
    "photo": (
        "content/technicians/alex-morgan.yaml",
        TECHNICIAN + "photo_alt: A face\nphoto: ../../elsewhere/secret.txt\n",
    ),
    "image.src": (
        "content/news/2026-10-03-x.md",
        "---\ntitle: T\ndate: 2026-10-03\nsummary: S\nimage:\n"
        "  src: ../../elsewhere/secret.txt\n  alt: A\n---\n\nBody.\n",
    ),
    "logo.src": ("content/site.yaml", SITE + "logo:\n  src: {outside}/secret.txt\n  alt: L\n"),
    "share_image.src": (
        "content/site.yaml",
        SITE + "share_image:\n  src: ../elsewhere/../../elsewhere/secret.txt\n  alt: S\n",
    ),
}


@pytest.mark.parametrize("field", FIELDS)
def test_a_field_naming_a_file_outside_the_project_is_refused(
    site: TinySite, tmp_path: Path, field: str
) -> None:
    relative, text = FIELDS[field]
    site.write(relative, text.replace("{outside}", str(outside(tmp_path))))
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    report = format_report(failed.value.problems, site.root)
    assert f"(field '{field}'): this leads outside the project's folders" in report, report
    assert SECRET not in report
