"""The repository itself: nothing half-merged ships, and the theme's stylesheets parse."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import tinycss2

ROOT = Path(__file__).resolve().parent.parent
CONFLICT_MARKER = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.MULTILINE)


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.decode().split("\0") if name]


def conflict_markers(text: str) -> list[int]:
    """Line numbers of the lines that are merge-conflict markers."""
    return [text.count("\n", 0, match.start()) + 1 for match in CONFLICT_MARKER.finditer(text)]


def test_conflict_markers_are_found() -> None:
    assert conflict_markers("a {}\n=======\nb {}\n") == [2]
    assert conflict_markers("<<<<<<< HEAD\nx\n>>>>>>> branch\n") == [1, 3]
    assert conflict_markers("a ======= b\n") == []


def test_no_tracked_file_has_merge_conflict_markers() -> None:
    found = []
    for path in _tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # photos and other binary files
        lines = conflict_markers(text)
        if path.suffix == ".md":  # a line of = under a heading is Markdown, not a conflict
            lines = [n for n in lines if not text.splitlines()[n - 1].startswith("=")]
        found += [f"{path.relative_to(ROOT)}:{line}" for line in lines]
    assert not found, f"merge-conflict markers left in: {', '.join(found)}"


def test_theme_stylesheets_parse_without_errors() -> None:
    sheets = sorted((ROOT / "themes").glob("*/static/**/*.css"))
    assert sheets, "no theme stylesheet found"
    errors = []
    for sheet in sheets:
        rules = tinycss2.parse_stylesheet(
            sheet.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
        )
        for rule in rules:
            if rule.type == "error":
                errors.append(f"{sheet.relative_to(ROOT)}:{rule.source_line}: {rule.message}")
            elif rule.type == "qualified-rule":
                prelude = tinycss2.serialize(rule.prelude).strip()
                # a selector never starts with these: a stray line swallowed into the rule
                if prelude[:1] in {"=", "<", ">"}:
                    errors.append(f"{sheet.relative_to(ROOT)}:{rule.source_line}: '{prelude}'")
    assert not errors, "stylesheet errors: " + "; ".join(errors)
