"""The verify switch (`build --verify`, SITE_BUILDER_VERIFY=1): every page an incremental build
keeps from the last one is rendered again and compared, so a page that missed a change fails
the build instead of going out stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder import render_pages
from site_builder.errors import BuildFailed
from site_builder.pipeline import build
from tests.sites import TinySite


def _profile(site: TinySite) -> Path:
    return site.content / "technicians/alex-morgan.yaml"


def test_verify_passes_when_every_kept_page_is_as_it_would_be(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    profile = _profile(tiny_site)
    profile.write_text(profile.read_text().replace("role: ", "role: Senior "))
    report = build(tiny_site.options(verify=True))
    assert report.incremental
    assert "Senior" in (tiny_site.root / "output/technicians/alex-morgan/index.html").read_text()


def test_verify_fails_on_a_page_kept_although_what_it_shows_changed(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a builder that misses every change: each page's fingerprint is the same every time
    monkeypatch.setattr(render_pages, "page_fingerprint", lambda *args: "same")
    build(tiny_site.options())
    profile = _profile(tiny_site)
    profile.write_text(profile.read_text().replace("role: ", "role: Senior "))

    stale = build(tiny_site.options())  # without verify, the stale page goes out
    assert stale.rendered == 0
    page = tiny_site.root / "output/technicians/alex-morgan/index.html"
    assert "Senior" not in page.read_text()
    before = page.read_bytes()

    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options(verify=True))
    (problem,) = failed.value.problems
    assert problem.path is not None and problem.path.name == "index.html"
    assert "verify:" in problem.message and "technicians/alex-morgan/index.html" in problem.message
    assert problem.hint and "make clean" in problem.hint
    assert page.read_bytes() == before  # a failed build writes nothing


def test_verify_from_the_environment_skips_the_nothing_changed_answer(
    tiny_site: TinySite,
) -> None:
    def site_builder_build(**env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "site_builder", "build", "--today", "2026-11-24"],
            cwd=tiny_site.root,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    site_builder_build()
    assert "Nothing changed" in site_builder_build()
    verified = site_builder_build(SITE_BUILDER_VERIFY="1")
    assert "Nothing changed" not in verified and "Built" in verified
