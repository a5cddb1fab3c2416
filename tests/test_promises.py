"""The README's promises about what a build touches, each tried as a person runs the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.sites import TinySite

KEPT = ("output", ".cache")  # the only folders a build writes into


def _everything_else(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and folder of the project outside output/ and .cache/: size, time, bytes."""
    found: dict[str, tuple[int, int, bytes]] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in KEPT:
            continue
        info = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        found[relative.as_posix()] = (info.st_size, info.st_mtime_ns, data)
    return found


def _site_builder(site: TinySite, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *arguments],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "SITE_BUILDER_DEBUG": ""},
    )


def test_nothing_outside_output_and_the_cache_is_written(tiny_site: TinySite) -> None:
    before = _everything_else(tiny_site.root)
    steps = [
        ("build", "--today", "2026-11-24"),  # a first build
        ("build", "--today", "2026-11-24"),  # nothing changed
        ("build", "--today", "2026-11-25"),  # a full build again, into a staging folder
        ("check",),
        ("check", "--links"),
    ]
    for step in steps:
        done = _site_builder(tiny_site, *step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        assert _everything_else(tiny_site.root) == before, step

    profile = tiny_site.content / "technicians/alex-morgan.yaml"
    profile.write_text(profile.read_text() + "registration: [RSci]\n")  # an error
    before = _everything_else(tiny_site.root)
    failed = _site_builder(tiny_site, "build", "--today", "2026-11-24")
    assert failed.returncode == 1 and "registration" in failed.stdout + failed.stderr
    assert _everything_else(tiny_site.root) == before
