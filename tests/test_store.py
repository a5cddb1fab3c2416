"""What builds keep in .cache/: one file format, and a file that cannot be trusted reads as
nothing (the build then starts that memory afresh) rather than as a wrong memory or a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import store
from site_builder.errors import SourceError


@pytest.mark.parametrize("plain", [True, False])
def test_what_is_kept_reads_back_the_same(tmp_path: Path, plain: bool) -> None:
    value = {"a/index.html": ("digest", None, 12, 34, {"photo.jpg": "k:1x1"})}
    store.keep(tmp_path / "x.kept", "build state", "2", value, plain=plain)
    assert store.kept(tmp_path / "x.kept", "build state", "2") == value


def test_objects_are_kept_too(tmp_path: Path) -> None:
    problem = SourceError(tmp_path / "a.yaml", "a message", line=3, field="name")
    store.keep(tmp_path / "x.kept", "build stamp", "1", [problem])
    assert store.kept(tmp_path / "x.kept", "build stamp", "1") == [problem]


def test_a_file_that_cannot_be_trusted_reads_as_nothing(tmp_path: Path) -> None:
    file = tmp_path / "x.kept"
    assert store.kept(file, "build state", "2") is None  # missing
    store.keep(file, "build state", "2", {"a": 1}, plain=True)
    assert store.kept(file, "search bundle", "2") is None  # holds something else
    assert store.kept(file, "build state", "3") is None  # written by another version
    whole = file.read_bytes()
    for damaged in (whole[: len(whole) - 3], whole[:10], b"", b"\x80\x04not ours", b"\n\n"):
        file.write_bytes(damaged)
        assert store.kept(file, "build state", "2") is None, damaged
    store.keep(file, "parsed content", "v", {"a": 1})
    file.write_bytes(file.read_bytes()[:-2])  # a pickle cut short by a killed build
    assert store.kept(file, "parsed content", "v") is None


def test_a_kept_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    file = tmp_path / "cache" / "x.kept"
    store.keep(file, "build state", "2", {"a": 1}, plain=True)
    with pytest.raises(ValueError):  # marshal cannot write this: the old file stays
        store.keep(file, "build state", "2", {"a": object()}, plain=True)
    assert store.kept(file, "build state", "2") == {"a": 1}
    assert [p.name for p in file.parent.iterdir()] == ["x.kept"]
