"""The README's promise "the last good site is kept": output/ is always the last good site or
the new one, never a mix, whatever stops a build (SIGKILL at any point, a full disk, a
read-only folder); what a killed build left behind goes with the next build.

Real builds are killed: `site-builder build` in a subprocess, slowed by SITE_BUILDER_SLOW_WRITES
(a pause after each file put in the staging tree), stopped when the staging tree holds so many
files, just before the swap, just after it, or at a moment in time."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from site_builder.errors import BuildFailed
from site_builder.output import STAGING_PREFIX, clean_leftovers
from site_builder.pipeline import build
from tests.sites import ROOT, TODAY, TinySite

Tree = dict[str, bytes]


def tree(output: Path) -> Tree:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def leftovers(site: TinySite) -> list[str]:
    beside = [p.name for p in site.root.iterdir() if p.name.startswith(STAGING_PREFIX)]
    inside = [p.name for p in (site.root / "output").rglob("*.tmp")]
    return beside + inside


def command(site: TinySite) -> list[str]:
    return [
        sys.executable, "-m", "site_builder", "build", "-q", "--jobs", "1",
        "--today", TODAY.isoformat(), "--content", str(site.content),
        "--output", str(site.root / "output"),
    ]  # fmt: skip


def run(site: TinySite, slow: float = 0.0) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SITE_BUILDER_SLOW_WRITES": str(slow)}
    return subprocess.Popen(
        command(site), cwd=site.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def build_now(site: TinySite) -> None:
    process = run(site)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def version(site: TinySite, new: bool) -> None:
    """The old site, or the new one: every page changes (the site's name is on each), one page
    is added and one removed."""
    text = (site.content / "site.yaml").read_text()
    name = "University of Newford" if new else "University of Testford"
    site.write("content/site.yaml", text.replace(text.splitlines()[0], f"name: {name}"))
    added = site.content / "pages/new-page.md"
    removed = site.content / "pages/old-page.md"
    (added if new else removed).write_text("---\ntitle: A page\n---\nText.\n")
    (removed if new else added).unlink(missing_ok=True)


def staged_files(site: TinySite) -> int:
    count = 0
    for folder in site.root.glob(f"{STAGING_PREFIX}output-*"):
        for _, _, files in os.walk(folder):
            count += len(files)
    return count


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, "the build ended before the moment to stop it"
        assert time.monotonic() < deadline
        time.sleep(0.002)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TinySite]:
    tiny = TinySite(tmp_path)
    for number in range(12):  # enough files that a kill can land in the middle
        tiny.write(f"content/pages/page-{number}.md", f"---\ntitle: Page {number}\n---\nText.\n")
    yield tiny


def _staged(site: TinySite, share: float) -> Callable[[int], Callable[[], bool]]:
    return lambda total: lambda: staged_files(site) >= max(1, int(total * share))


def _swapped(site: TinySite) -> Callable[[int], Callable[[], bool]]:
    before = (site.root / "output").stat().st_ino
    return lambda total: lambda: (site.root / "output").stat().st_ino != before


def _after(seconds: float) -> Callable[[int], Callable[[], bool]]:
    started = time.monotonic()
    return lambda total: lambda: time.monotonic() - started >= seconds


# (name, when to kill, what output/ must then be: "old", "new" or either)
MOMENTS = [
    ("first file staged", lambda site: _staged(site, 0.0), "old"),
    ("a third staged", lambda site: _staged(site, 0.33), "old"),
    ("most staged", lambda site: _staged(site, 0.8), "old"),
    ("all staged, before the swap", lambda site: _staged(site, 1.0), "old"),
    ("just after the swap", _swapped, "new"),
    ("at 0.4 s", lambda site: _after(0.4), "either"),
    ("at 1.2 s", lambda site: _after(1.2), "either"),
]


@pytest.mark.parametrize("fresh", [False, True], ids=["incremental", "full"])
def test_the_last_good_site_is_kept_when_a_build_is_killed(site: TinySite, fresh: bool) -> None:
    """``fresh``: the build has no record of the last one (a first build over an old output/,
    or after .cache/ was removed), so it stages the whole site; else it links the unchanged
    files."""
    version(site, new=True)
    build_now(site)
    new = tree(site.root / "output")
    version(site, new=False)
    build_now(site)
    old = tree(site.root / "output")
    assert old != new and set(old) != set(new)
    for name, moment, expected in MOMENTS:
        if fresh:
            shutil.rmtree(site.root / ".cache")
        version(site, new=True)
        process = run(site, slow=0.02)
        wait_for(moment(site)(len(new)), process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        now = tree(site.root / "output")
        assert now in (old, new), f"{name}: a mix of old and new files"
        if expected != "either":
            assert now == (old if expected == "old" else new), name
        if expected == "old":
            assert leftovers(site), f"{name}: the kill left nothing to clean up"
        version(site, new=False)
        build_now(site)  # the next build, which cleans up
        assert tree(site.root / "output") == old, name
        assert leftovers(site) == [], name


def test_what_an_older_killed_build_left_goes_with_the_next_build(site: TinySite) -> None:
    build(site.options())
    output = site.root / "output"
    (output / ".index.html.4242.tmp").write_text("half a page")
    (output / "news/.index.html.4243.tmp").write_text("half a page")
    for name in ("old-output-999999999", "x1y2z3w4", "output-999999999-abcd1234"):
        (site.root / f"{STAGING_PREFIX}{name}/media").mkdir(parents=True)
        (site.root / f"{STAGING_PREFIX}{name}/media/photo.jpg").write_bytes(b"7 MB")
    version(site, new=True)
    build(site.options())
    assert leftovers(site) == []
    assert "Newford" in (output / "index.html").read_text()


def test_a_swap_stopped_between_two_renames_gets_the_old_site_back(site: TinySite) -> None:
    """Where there is no atomic exchange, a swap is two renames: output/ aside, then the new
    tree in. Stopped between them, output/ is missing; what comes next puts it back."""
    build(site.options())
    output = site.root / "output"
    old = tree(output)
    for pid in ("999999999", "999999998"):  # the newer of two would do as well: both are whole
        shutil.copytree(output, site.root / f"{STAGING_PREFIX}old-output-{pid}")
    shutil.rmtree(output)
    clean_leftovers(output)
    assert tree(output) == old
    assert leftovers(site) == []
    version(site, new=True)
    build(site.options())
    assert "Newford" in (output / "index.html").read_text()


def test_a_running_builds_staging_folder_is_left_alone(site: TinySite) -> None:
    build(site.options())
    running = site.root / f"{STAGING_PREFIX}output-{os.getppid()}-abcd1234"
    running.mkdir()
    version(site, new=True)
    build(site.options())
    assert running.is_dir()


def test_staging_names_are_ignored_by_git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    names = [f"{STAGING_PREFIX}output-123-abcd1234/", f"{STAGING_PREFIX}old-output-123/"]
    for name in names:
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", name], cwd=ROOT, check=False
        )
        assert ignored.returncode == 0, f"{name} is not in .gitignore"


# --- a write that fails half way ------------------------------------------------------------------


def failing_after(count: int, code: int) -> Callable[..., int]:
    real = os.write
    calls = {"n": 0}

    def write(descriptor: int, data: bytes) -> int:
        path = os.readlink(f"/proc/self/fd/{descriptor}")
        if STAGING_PREFIX in path:
            calls["n"] += 1
            if calls["n"] > count:
                raise OSError(code, os.strerror(code))
        return real(descriptor, data)

    return write


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("fresh", [False, True], ids=["incremental", "full"])
@pytest.mark.parametrize("count", [0, 5, 30])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EDQUOT])
def test_a_write_error_half_way_keeps_the_old_site_and_says_so(
    site: TinySite, monkeypatch: pytest.MonkeyPatch, fresh: bool, count: int, code: int
) -> None:
    build(site.options())
    old = tree(site.root / "output")
    if fresh:
        shutil.rmtree(site.root / ".cache")
    version(site, new=True)
    monkeypatch.setattr(os, "write", failing_after(count, code))
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    monkeypatch.undo()
    (problem,) = failed.value.problems
    assert os.strerror(code) in problem.message
    assert "output/ still holds the last good site" in (problem.hint or "")
    # named where it belongs in the site, not by the staging folder's name
    assert problem.path is not None and problem.path.is_relative_to(site.root / "output")
    assert tree(site.root / "output") == old
    assert leftovers(site) == []
    build(site.options())  # once the disk has room again
    assert "Newford" in (site.root / "output/index.html").read_text()


def _immutable(path: Path, on: bool) -> bool:
    flag = "+i" if on else "-i"
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.parametrize("where", ["output", "output/news", "output/assets/css"])
def test_a_read_only_output_folder_is_a_clear_message_and_changes_nothing(
    site: TinySite, where: str
) -> None:
    build(site.options())
    folder = site.root / where
    old = tree(site.root / "output")
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif shutil.which("chattr") is None or not _immutable(folder, True):
        pytest.skip("root ignores permissions, and chattr +i is not available here")
    try:
        version(site, new=True)
        with pytest.raises(BuildFailed) as failed:
            build(site.options())
    finally:
        if os.geteuid() != 0:
            folder.chmod(0o755)
        else:
            _immutable(folder, False)
    (problem,) = failed.value.problems
    # a folder the build writes into is found before anything is written (writing.py); one it
    # only has to move is found by the swap (output.py): either way it says so, and the fix
    assert problem.path == folder.resolve()
    said = problem.message + " " + (problem.hint or "")
    assert "read-only" in said or "cannot write into this folder" in said, said
    assert "nothing was changed" in said or "written nothing" in said, said
    assert tree(site.root / "output") == old
    assert leftovers(site) == []


def test_the_command_shows_a_write_error_without_a_traceback(site: TinySite) -> None:
    build_now(site)
    news = site.root / "output/news"
    if os.geteuid() == 0 and (shutil.which("chattr") is None or not _immutable(news, True)):
        pytest.skip("root ignores permissions, and chattr +i is not available here")
    if os.geteuid() != 0:
        news.chmod(0o555)
    try:
        version(site, new=True)
        process = run(site)
        _, err = process.communicate(timeout=120)
    finally:
        if os.geteuid() != 0:
            news.chmod(0o755)
        else:
            _immutable(news, False)
    assert process.returncode == 1
    message = err.decode()
    assert "Traceback" not in message and "read-only" in message and "output/news" in message
