"""Problems found in the content, and how they are shown to the person who has to fix them.

Every problem carries where it is (file, line, column), which field, what is wrong and how to fix
it. Nothing here imports the rest of the package, so any module can report a problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class SourceError:
    """One problem in one content file, located as precisely as we can."""

    path: Path | None
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None
    value: str | None = None
    severity: Severity = "error"

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return "site"
        shown = _relative(self.path, root)
        if self.line is None:
            return shown
        if self.column is None:
            return f"{shown}:{self.line}"
        return f"{shown}:{self.line}:{self.column}"

    def format(self, root: Path | None = None, source_line: str | None = None) -> str:
        """Render the problem the way compilers do: location, message, the line, the fix."""
        where = f" (field '{self.field}')" if self.field else ""
        lines = [f"{self.location(root)}: {self.severity}{where}: {self.message}"]
        if source_line is not None and self.line is not None:
            gutter = f"{self.line:>5} | "
            lines.append(gutter + source_line.rstrip("\n"))
            if self.column:
                lines.append(" " * (len(gutter) + self.column - 1) + "^")
        if self.hint:
            lines.append(f"      fix: {self.hint}")
        return "\n".join(lines)

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        return {
            "file": _relative(self.path, root) if self.path else None,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Problems:
    """Collects every problem of a run, so that one build reports all of them at once."""

    items: list[SourceError] = field(default_factory=list)

    def add(self, problem: SourceError) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[SourceError]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[SourceError]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[SourceError]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.errors)


class BuildFailed(Exception):
    """Raised at the end of a step when the content has errors; carries all of them."""

    def __init__(self, problems: Sequence[SourceError]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = list(problems)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The nearest valid spelling, for 'did you mean' hints."""
    options = list(choices)
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if match:
        return match[0]
    lowered = {o.lower().replace("-", "_"): o for o in options}
    return lowered.get(word.lower().replace("-", "_").replace(" ", "_"))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    options = sorted(set(choices))
    guess = closest(word, options)
    listed = ", ".join(options)
    if guess:
        return f"did you mean '{guess}'? Valid names: {listed}"
    return f"valid names: {listed}"


def format_report(
    problems: Sequence[SourceError], root: Path | None = None, colour: bool = False
) -> str:
    """All problems, sorted by file then line, each with its source line when we can read it."""
    cache: dict[Path, list[str]] = {}

    def source_line(problem: SourceError) -> str | None:
        if problem.path is None or problem.line is None:
            return None
        if problem.path not in cache:
            try:
                cache[problem.path] = problem.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                cache[problem.path] = []
        text = cache[problem.path]
        return text[problem.line - 1] if 0 < problem.line <= len(text) else None

    ordered = sorted(problems, key=lambda p: (str(p.path or ""), p.line or 0, p.column or 0))
    blocks = []
    for problem in ordered:
        block = problem.format(root, source_line(problem))
        if colour:
            tint = "\033[31m" if problem.severity == "error" else "\033[33m"
            head, _, rest = block.partition("\n")
            block = f"{tint}{head}\033[0m" + (f"\n{rest}" if rest else "")
        blocks.append(block)
    return "\n\n".join(blocks)


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            # the folder resolved, not the file: a link is shown where it is, not where it
            # leads (which may be outside the project, or nowhere: a loop)
            return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            pass
    return path.as_posix()
