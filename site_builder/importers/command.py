"""`site-builder import`: read a table, print the mapping and a summary, write the plan YAML.

The only writer here refuses to replace an existing file without --force, and writes to a
temporary file first so an interrupted import never leaves half a plan behind.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, TextIO

import yaml

from ..errors import SourceError
from .columns import MappingProblem
from .importing import import_file
from .problems import EXIT_CONTENT, EXIT_USAGE, ImportStopped
from .summary import summary
from .words import slug

EXIT_OK = 0


def run_import(
    file: Path,
    *,
    out: Path | None = None,
    map_file: Path | None = None,
    force: bool = False,
    sheet: str | None = None,
    today: dt.date | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Everything the command does; returns its exit code and never raises for a bad file."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    target = out or Path("content") / "plans" / f"{slug(file.stem)}.yaml"
    try:
        if out is None and not Path("content").is_dir():
            raise ImportStopped(
                Path("content"),
                "there is no content folder here to put the plan in",
                "run the command from the project folder, or pass --out FILE",
                EXIT_USAGE,
            )
        if target.exists() and not force:
            raise ImportStopped(
                target,
                "this file already exists and was left as it is",
                "pass --force to replace it, or --out another-name.yaml",
                EXIT_USAGE,
            )
        overrides = read_mapping(map_file) if map_file else None
        try:
            result = import_file(file, sheet=sheet, overrides=overrides, today=today, out=target)
        except MappingProblem as problem:
            raise ImportStopped(
                map_file, str(problem), "fix that line of the mapping file", EXIT_CONTENT
            ) from None
    except ImportStopped as stopped:
        if stopped.mapping:
            print(
                "Column mapping it would use (save it to a file, correct it and pass --map FILE):",
                file=stdout,
            )
            print(stopped.mapping, file=stdout)
        print(SourceError(stopped.path, stopped.message, hint=stopped.hint).format(), file=stderr)
        return stopped.exit_code
    print("Column mapping (save it to a file and pass --map FILE to change it):", file=stdout)
    print(result.mapping_text, file=stdout)
    write_new(target, result.text)
    print(summary(result, file, target, today), file=stdout)
    return EXIT_OK


def read_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ImportStopped(
            path, "there is no such mapping file", "check its name", EXIT_USAGE
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ImportStopped(
            path,
            f"the mapping file cannot be read ({str(error).splitlines()[0]})",
            "start from the mapping the import prints, saved as it is",
            EXIT_CONTENT,
        ) from None
    if not isinstance(data, dict):
        raise ImportStopped(
            path,
            "a mapping file lists 'columns:' with one 'Header: field' line each",
            "start from the mapping the import prints, saved as it is",
            EXIT_CONTENT,
        )
    return data


def write_new(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.importing")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)
