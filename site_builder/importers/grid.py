"""What every reader produces: tables of cell strings, each row knowing where it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    place: str  # where a person finds it: 'line 12', 'row 12', 'table 2, row 3'
    cells: tuple[str, ...]
    joined: tuple[str, ...] = ()  # the places of rows that only continued this one's text

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(index, cell) for index, cell in enumerate(self.cells) if cell.strip()]

    def cell(self, index: int) -> str:
        return self.cells[index].strip() if index < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    """One table as read: merged cells are empty except their first cell, as exports show them."""

    rows: tuple[Row, ...]
    caption: str = ""  # the paragraph just before a table in a document, if any
    before: tuple[str, ...] = ()  # the paragraphs before the caption (a preamble), if any
    sheet: str = ""  # the name of the sheet it came from
    other_sheets: tuple[str, ...] = ()  # the workbook's other sheets, to suggest --sheet

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)
