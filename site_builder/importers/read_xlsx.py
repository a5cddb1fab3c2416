"""Excel workbooks: the chosen sheet (or the first), merged ranges as empty cells after the
first, dates written the way the cell shows them (a month-only format gives '2019-12')."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .grid import Row, Table
from .problems import EXIT_USAGE, ImportStopped


def read_xlsx_table(path: Path, sheet: str | None) -> Table:
    # Not read-only: merged ranges are only known in a normal workbook.
    workbook = load_workbook(str(path), data_only=True)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ImportStopped(
                path,
                f"there is no sheet '{sheet}'",
                "sheets in this workbook: " + ", ".join(workbook.sheetnames),
                EXIT_USAGE,
            )
        _check_extent(path, worksheet.title, worksheet.max_row, worksheet.max_column)
        rows = []
        for cells in worksheet.iter_rows(min_row=1, min_col=1):  # numbers match Excel's
            if not cells:
                continue
            texts = tuple(_text(cell.value, cell.number_format) for cell in cells)
            rows.append(Row(f"row {cells[0].row}", texts))
        name = worksheet.title
        others = tuple(n for n in workbook.sheetnames if n != name)
    finally:
        workbook.close()
    return Table(tuple(rows), sheet=name, other_sheets=others)


# Reading a sheet visits every cell of its used range, so one stray cell at row 1,000,000 would
# mean a billion cells. A plan's table is a few hundred rows by a dozen columns.
MAX_CELLS = 1_000_000


def _check_extent(path: Path, sheet: str, rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        corner = f"{get_column_letter(columns)}{rows}"
        raise ImportStopped(
            path,
            f"the sheet '{sheet}' is used as far as cell {corner} ({rows:,} rows by "
            f"{columns:,} columns), more than a plan's table can be",
            "delete the rows and columns after the table (select them, right-click, Delete), "
            "save, and import again",
        )


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        shows_day = "d" in number_format.lower() or number_format.lower() == "general"
        return day.isoformat() if shows_day else day.strftime("%Y-%m")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
