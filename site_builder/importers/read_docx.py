"""Word documents: every table, in order, with merged cells read the way exports show them
(text in the first cell of a merge, the others empty). python-docx reads the file; we only walk
its table grid, because its convenience API repeats a merged cell's text in every cell it spans.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from docx import Document
from docx.oxml.table import CT_Tc
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .grid import Row, Table


def read_docx_tables(path: Path) -> list[Table]:
    document = Document(str(path))
    tables: list[Table] = []
    paragraphs: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                paragraphs.append(block.text.strip())
        elif isinstance(block, DocxTable):
            # The paragraph just before a table is its caption; any before that are kept too.
            caption = paragraphs[-1] if paragraphs else ""
            table = _table(block, len(tables) + 1, caption)
            tables.append(replace(table, before=tuple(paragraphs[:-1])))
            paragraphs = []
    return tables


def _table(table: DocxTable, number: int, caption: str) -> Table:
    rows = []
    for index, row in enumerate(table.rows, 1):
        cells: list[str] = [""] * row.grid_cols_before
        for tc in row._tr.tc_lst:  # the cells as stored, with their spans
            # A vertically merged cell's later rows are stored as vMerge="continue": empty here.
            text = "" if tc.vMerge == "continue" else _text(tc)
            cells.append(text)
            cells.extend([""] * (tc.grid_span - 1))
        cells.extend([""] * row.grid_cols_after)
        rows.append(Row(f"table {number}, row {index}", tuple(cells)))
    return Table(tuple(rows), caption)


def _text(tc: CT_Tc) -> str:
    # Paragraphs of a cell become lines; nested tables' text is kept too.
    paragraphs = tc.xpath("./w:p | ./w:tbl//w:p")
    lines = ["".join(t.text or "" for t in p.xpath(".//w:t")) for p in paragraphs]
    return "\n".join(lines).strip()
