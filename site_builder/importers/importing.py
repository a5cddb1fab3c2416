"""From a file to plan YAML, without touching the disk beyond reading the file: read its tables,
find each header, map the columns, read the rows, guess the period, write the YAML and check it
against the plan model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..content import Entry
from ..errors import SourceError
from ..loader import parse_yaml
from ..model_errors import check_model
from ..models import Plan
from ..plan_checks import check_plan
from ..wording import counted
from .columns import (
    Mapping,
    MappingProblem,
    apply_overrides,
    describe,
    find_header,
    guess_mapping,
    header_row_override,
)
from .dates import settle_dates
from .draft import Draft, settle_ids
from .grid import Row, Table
from .period import PeriodGuess, guess_period
from .problems import ImportStopped
from .reading import read_tables
from .rows import Reader
from .words import normalise
from .writer import plan_yaml


@dataclass(frozen=True)
class Imported:
    draft: Draft
    mappings: tuple[Mapping, ...]
    mapping_text: str
    period: PeriodGuess
    text: str  # the plan YAML


def import_file(
    path: Path,
    *,
    sheet: str | None = None,
    overrides: dict[str, Any] | None = None,
    today: dt.date | None = None,
    out: Path | None = None,
) -> Imported:
    tables = read_tables(path, sheet)
    return import_tables(tables, path, overrides=overrides, today=today, out=out)


def import_tables(
    tables: list[Table],
    path: Path,
    *,
    overrides: dict[str, Any] | None = None,
    today: dt.date | None = None,
    out: Path | None = None,
) -> Imported:
    today = today or dt.date.today()
    if not any(row.filled for table in tables for row in table.rows):
        what = {".docx": "there is no table in the document", ".xlsx": "the sheet is empty"}
        message = what.get(path.suffix.lower(), "there is no text in the file")
        raise ImportStopped(path, message, "check it is the right file (and sheet)")
    reader, mappings = _read(tables, path, overrides or {})  # MappingProblem: for the caller
    mapping_text = "\n".join(describe(m, first=n == 0) for n, m in enumerate(mappings))
    try:
        return _finish(reader.draft, mappings, mapping_text, path, today, out)
    except ImportStopped as stopped:
        stopped.mapping = mapping_text  # printed, so the person can correct it and --map it
        raise


def _finish(
    draft: Draft,
    mappings: list[Mapping],
    mapping_text: str,
    path: Path,
    today: dt.date,
    out: Path | None,
) -> Imported:
    if draft.unplaced:
        raise ImportStopped(
            path,
            "cannot tell which theme these rows belong to: " + _places(draft.unplaced),
            "add a Theme column, a row naming the theme above them, or codes such as V1 or CD2; "
            "or say which column holds the theme in a mapping file (--map)",
        )
    if not draft.actions:
        raise ImportStopped(
            path,
            "found the table's header but no actions under it",
            "check the file, or say which column holds the actions in a mapping file (--map)",
        )
    settle_ids(draft)
    if out is not None:
        note_missing_plans(draft, out)
    period = guess_period(draft, today)
    settle_dates(draft, period.start, today)
    if draft.title:
        title, title_note = draft.title, "CHECK: the line above the table; is it the title?"
    else:
        title = f"Action plan {period.start.year}-{period.end.year}"
        title_note = "CHECK: made from the period; use your plan's own title."
    text = plan_yaml(draft, period, (title, title_note), path.name, today, mapping_text)
    _check(text, out or path.with_suffix(".yaml"), today)
    return Imported(draft, tuple(mappings), mapping_text, period, text)


def _read(
    tables: list[Table], path: Path, overrides: dict[str, Any]
) -> tuple[Reader, list[Mapping]]:
    reader = Reader()
    mappings: list[Mapping] = []
    current: Mapping | None = None
    current_header: Row | None = None
    forced_header = header_row_override(overrides)
    for number, table in enumerate(tables):
        rows = table.rows
        if not rows:
            continue
        _captions(reader, table, number)
        header = forced_header if number == 0 and forced_header is not None else find_header(rows)
        if header is not None and header >= len(rows):
            raise MappingProblem(
                f"header_row is {header + 1} but the table has {counted(len(rows), 'row')}"
            )
        if header is not None:
            mapping = guess_mapping(rows, header)
            if overrides.get("columns"):
                mapping = apply_overrides(mapping, rows, overrides)
            same = current_header is not None and _same_header(current_header, rows[header])
            if same and current is not None:
                # The same table, continued on the next page.
                mapping = replace(current, header=header, header_rows=mapping.header_rows)
            else:
                mappings.append(mapping)
            reader.outside(rows[:header])
            headers = rows[header : header + mapping.header_rows]
            reader.section(mapping, headers, rows[header + mapping.header_rows :])
            current, current_header = mapping, rows[header]
        elif (
            current is not None
            and current_header is not None
            and table.width == len(current.columns)
        ):
            reader.section(current, [current_header], rows)  # continued on the next page
        else:
            reader.outside(rows)
    if current is None:
        raise _no_header(tables, path)
    return reader, mappings


def _no_header(tables: list[Table], path: Path) -> ImportStopped:
    """No row names the columns: say so, with a mapping to start from (the first row taken as
    the header, every column by letter) for the person to correct."""
    first = tables[0] if tables else None
    if first is not None and first.other_sheets:
        hint = f"this is the sheet '{first.sheet}'; to read another, pass --sheet NAME ("
        hint += ", ".join(f"'{name}'" for name in first.other_sheets) + ")"
    else:
        hint = "add a header row to the table, or give header_row and columns in a mapping "
        hint += "file (--map; see the README)"
    stopped = ImportStopped(
        path,
        "no header row found: no row names columns such as Theme, Objective, Actions, "
        "Details, Success measures or Timeline",
        hint,
    )
    rows = first.rows if first is not None else ()
    top = next((n for n, row in enumerate(rows) if row.filled), None)
    if top is not None:
        stopped.mapping = describe(guess_mapping(rows, top))
    return stopped


def _captions(reader: Reader, table: Table, number: int) -> None:
    """The paragraphs before a table and its sheet's name: a title, a preamble or a theme."""
    for line in table.before:
        reader.caption(line, f"before table {number + 1}")
    if table.caption:
        reader.caption(table.caption, f"above table {number + 1}")
    if table.sheet:
        reader.caption(table.sheet, None)


def note_missing_plans(draft: Draft, out: Path) -> None:
    """A carried-forward link to a plan that is not beside the new file stops the build until
    that plan is there too: say so where the link is."""
    for action in draft.actions:
        for name in ("carried_forward_to", "carried_forward_from"):
            ref = action.fields.get(name)
            plan = str(ref).split("/", 1)[0] if ref else None
            if plan and plan != out.stem and not (out.parent / f"{plan}.yaml").exists():
                action.notes.append(
                    f"{name} names the plan '{plan}', which is not in {out.parent}: add that "
                    "plan too, or remove the line"
                )


def _same_header(first: Row, second: Row) -> bool:
    return [normalise(c) for c in first.cells] == [normalise(c) for c in second.cells]


def _places(places: list[str]) -> str:
    shown = ", ".join(places[:5])
    return shown + (f" and {len(places) - 5} more" if len(places) > 5 else "")


def _check(text: str, path: Path, today: dt.date) -> None:
    """The YAML must load and validate exactly as a build would read it, and pass the plan's
    own checks that `make check` runs (unique ids, phases and pillars defined, dates in order);
    warnings, such as an action overdue and not started, are for the person to act on."""
    located = parse_yaml(text, path)
    if isinstance(located, SourceError):
        problems = [located]
    else:
        plan, problems = check_model(Plan, located)
        if plan is not None:
            entry = Entry(path.stem, path, plan, located=located)
            problems = [p for p in check_plan(entry, today) if p.severity == "error"]
    if problems:
        first = problems[0]
        raise ImportStopped(
            path,
            "the imported plan does not pass the plan checks (a fault in the importer): "
            f"{first.message}",
            "please report it with the file; meanwhile a mapping file (--map) may avoid it",
            3,
        )
