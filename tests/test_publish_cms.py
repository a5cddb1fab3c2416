"""`site-builder export cms`: a zip of content fragments, their files and a manifest."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from site_builder import cli
from site_builder.publish.cms import (
    CmsOptions,
    cms_path,
    fragment_name,
    read_page,
    scope_css,
    write_zip,
)
from tests.sites import TinySite

ABOUT = """\
---
title: About the Commitment
summary: What the Commitment means here.
---

## Why we signed

See [our plan](/plans/#theme-recognition), [the report](/media/report.pdf) and
![A bar chart of registrations](/media/chart.svg)
"""


@pytest.fixture
def site(tiny_site: TinySite) -> TinySite:
    """The tiny site with a photo, an image and a download, a draft and an unconsenting person."""
    tiny_site.write("content/pages/about.md", ABOUT)
    tiny_site.write("content/media/report.pdf", "%PDF-1.4 a report\n")
    tiny_site.write("content/media/chart.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    Image.new("RGB", (600, 800), (90, 120, 150)).save(tiny_site.root / "galleries/main/alex.jpg")
    with (tiny_site.content / "technicians/alex-morgan.yaml").open("a", encoding="utf-8") as f:
        f.write("photo: alex.jpg\nphoto_alt: Alex at the fume cupboard.\n")
    tiny_site.write(
        "content/technicians/jo-unconsenting.yaml",
        "name: Jo Unconsenting\nrole: Technician\ndepartment: Physics\ngallery: main\n",
    )
    tiny_site.write(
        "content/news/2026-11-01-secret.md",
        "---\ntitle: Secret plans\ndate: 2026-11-01\nsummary: Soon.\ndraft: true\n---\nNot yet.\n",
    )
    return tiny_site


def export(site: TinySite, out: Path, *extra: str) -> int:
    return cli.main(
        ["export", "cms", "-q", "--content", str(site.content), "--out", str(out), *extra]
    )


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def exported(site: TinySite, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "site-cms.zip"
    assert export(site, out, "--page-path", "/research/tc/", "--today", "2026-11-24") == 0
    return read_zip(out)


def manifest(files: dict[str, bytes]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files["manifest.csv"].decode("utf-8-sig"))))


def test_manifest_lists_every_page_with_its_columns(exported: dict[str, bytes]) -> None:
    rows = {row["path"]: row for row in manifest(exported)}
    about = rows["/research/tc/about/"]
    assert about == {
        "path": "/research/tc/about/",
        "title": "About the Commitment",
        "description": "What the Commitment means here.",
        "parent": "/research/tc/",
        "last_modified": about["last_modified"],
        "fragment": "fragments/about.html",
        "site_url": "https://technicians.testford.example.ac.uk/about/",
        "noindex": "no",
    }
    assert rows["/research/tc/technicians/alex-morgan/"]["parent"] == "/research/tc/technicians/"
    assert rows["/research/tc/"]["parent"] == ""
    assert "/research/tc/search/" not in rows  # it needs our index and script
    pages = json.loads(exported["manifest.json"])["pages"]
    assert [p["path"] for p in pages] == list(rows)
    assert all(row["fragment"] in exported for row in rows.values())


def test_fragment_is_the_main_content_only(exported: dict[str, bytes]) -> None:
    fragment = exported["fragments/about.html"].decode("utf-8")
    assert "<h1>About the Commitment</h1>" in fragment
    assert 'id="why-we-signed"' in fragment
    for chrome in ("<main", "Skip to main content", "site-header", "site-nav", "site-footer"):
        assert chrome not in fragment
    assert "<script" not in exported["fragments/technicians.html"].decode("utf-8")


def test_page_links_point_at_cms_paths(exported: dict[str, bytes]) -> None:
    fragment = exported["fragments/about.html"].decode("utf-8")
    assert 'href="/research/tc/plans/#theme-recognition"' in fragment


def test_images_and_downloads_are_copied_and_relinked(exported: dict[str, bytes]) -> None:
    about = exported["fragments/about.html"].decode("utf-8")
    assert 'href="/media/techcommit/media/report.pdf"' in about
    assert 'src="/media/techcommit/media/chart.svg"' in about
    assert exported["assets/media/report.pdf"].startswith(b"%PDF")
    profile = exported["fragments/technicians/alex-morgan.html"].decode("utf-8")
    photos = [name for name in exported if name.startswith("assets/images/")]
    assert photos
    for name in photos:
        if name.endswith("-480.jpg"):
            assert f"/media/techcommit/{name.removeprefix('assets/')} 480w" in profile


def test_drafts_and_unconsenting_people_are_left_out(exported: dict[str, bytes]) -> None:
    everything = b"\n".join(exported.values())
    assert b"Jo Unconsenting" not in everything and b"jo-unconsenting" not in everything
    assert b"Secret plans" not in everything


def test_drafts_are_exported_when_asked(site: TinySite, tmp_path: Path) -> None:
    out = tmp_path / "preview.zip"
    assert export(site, out, "--drafts", "--today", "2026-11-24") == 0
    paths = [row["path"] for row in manifest(read_zip(out))]
    assert "/news/2026-11-01-secret/" in paths
    assert not [p for p in paths if "jo-unconsenting" in p]


def test_scope_class_wraps_fragments_and_scopes_styles(site: TinySite, tmp_path: Path) -> None:
    out = tmp_path / "scoped.zip"
    assert export(site, out, "--scope-class", "tc-content") == 0
    files = read_zip(out)
    fragment = files["fragments/about.html"].decode("utf-8")
    assert fragment.startswith('<div class="tc-content">') and fragment.endswith("</div>\n")
    css = files["content-styles.css"].decode("utf-8")
    assert ".tc-content h2" in css or ".tc-content .prose h2" in css
    assert "site-header" not in css and "site-footer" not in css
    assert "--brand-primary" in css


def test_an_existing_zip_is_not_overwritten_without_force(
    site: TinySite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site-cms.zip"
    out.write_bytes(b"precious")
    assert export(site, out) == 1
    assert out.read_bytes() == b"precious"
    assert "--force" in capsys.readouterr().err
    assert export(site, out, "--force") == 0
    assert zipfile.is_zipfile(out)


def test_an_invalid_scope_class_is_a_usage_error(site: TinySite, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        export(site, tmp_path / "x.zip", "--scope-class", "tc content")
    assert stopped.value.code == 2


# --- pure parts ---------------------------------------------------------------------------------


def test_scope_css_puts_every_rule_under_the_class() -> None:
    css = """
    :root { --a: 1px; }
    body { margin: 0; }
    h2, .lead > p { color: red; }
    .site-header, .site-header a { display: flex; }
    @media (min-width: 40em) { :root { --a: 2px; } .card { padding: 0; } }
    @page { size: A4; }
    """
    assert scope_css(css, "tc").splitlines() == [
        ".tc { --a: 1px; }",
        ".tc { margin: 0; }",
        ".tc h2, .tc .lead > p { color: red; }",
        "@media (min-width: 40em) {",
        "  .tc { --a: 2px; }",
        "  .tc .card { padding: 0; }",
        "}",
    ]


def test_paths_and_fragment_names() -> None:
    options = CmsOptions(page_path="/tc/")
    assert cms_path("index.html", options) == "/tc/"
    assert cms_path("news/page/2/index.html", options) == "/tc/news/page/2/"
    assert fragment_name("index.html") == "fragments/index.html"
    assert fragment_name("technicians/ada/index.html") == "fragments/technicians/ada.html"


def test_read_page_keeps_svg_case_and_drops_hidden_parts() -> None:
    page = read_page(
        '<title>T</title><header>H</header><main id="main"><div class="container">'
        '<h1>Hello &amp; welcome</h1><svg viewBox="0 0 1 1"><path d="M0"/></svg>'
        '<form hidden><input name="q"></form><script>x()</script><a href="/a/">a</a>'
        "</div></main><footer>F</footer>",
        lambda url: "/cms" + url,
    )
    assert page.h1 == "Hello & welcome"
    assert page.main_html == (
        '<div><h1>Hello &amp; welcome</h1><svg viewBox="0 0 1 1"><path d="M0"/></svg>'
        '<a href="/cms/a/">a</a></div>\n'
    )


def test_the_zip_can_be_read_by_others_like_any_file_handed_on(
    site: TinySite, tmp_path: Path
) -> None:
    out = tmp_path / "site-cms.zip"
    assert export(site, out) == 0
    assert out.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600), (0o027, 0o640)]
)
@pytest.mark.parametrize("replacing", [False, True])
def test_the_zip_gets_the_mode_of_any_new_file(
    tmp_path: Path, umask: int, mode: int, replacing: bool
) -> None:
    """0666 less the umask, as a file saved by any program: readable by others where the
    computer's setting says so, private where it says that."""
    out = tmp_path / "exports" / "site-cms.zip"
    if replacing:
        out.parent.mkdir()
        out.write_bytes(b"old")
        out.chmod(0o600)
    before = os.umask(umask)
    try:
        write_zip({"a.html": b"<p>a</p>"}, out, force=replacing)
    finally:
        os.umask(before)
    assert out.stat().st_mode & 0o777 == mode
    assert read_zip(out) == {"a.html": b"<p>a</p>"}
    assert sorted(p.name for p in out.parent.iterdir()) == ["site-cms.zip"]  # nothing left


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("name", ["site-cms.zip", ".cms-export-0a1b2c3d4e5f.zip"])
def test_the_zip_and_its_temporary_file_are_ignored_by_git(name: str) -> None:
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "--no-index", "-q", name], check=False
    )
    assert ignored.returncode == 0, f"{name} is not in .gitignore"
