"""Text tables: .csv (comma or semicolon) and tab-separated .tsv/.txt, as copied out of Word or
Excel; UTF-8 with or without a byte-order mark, UTF-16 (Excel's 'Unicode text'), or Windows-1252.
A cell our own CSV download made safe for spreadsheets (a quote before =, +, -, @) reads back
as it was written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..spreadsheet import read_cell
from .grid import Row, Table
from .problems import ImportStopped


def decode(data: bytes, path: Path) -> str:
    """The text of a file, trying the encodings Office on Windows actually writes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", path)
    if b"\x00" in data:
        raise ImportStopped(
            path,
            "this is not a text file (it contains binary data)",
            "save the table from Word or Excel as .docx, .xlsx, .csv or tab-separated .txt",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportStopped(
            path,
            f"the text is neither UTF-8 nor Windows-1252 (byte {error.start + 1} cannot be read)",
            "in Excel use File > Save As > 'CSV UTF-8'; in a text editor save as UTF-8",
        ) from None


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportStopped(
            path,
            f"the file says it is {encoding.upper()} but byte {error.start + 1} is not",
            "save it again as UTF-8 text",
        ) from None


def read_text_table(path: Path, data: bytes) -> Table:
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() == ".csv" and "\t" not in text.split("\n", 1)[0]:
        rows = _delimited(text, _comma_or_semicolon(text))
    elif "\t" in text:
        rows = _tab_separated(text)
    else:
        rows = _delimited(text, _comma_or_semicolon(text))
    return Table(tuple(rows))


def _comma_or_semicolon(text: str) -> str:
    sample = text[:20000]
    return ";" if sample.count(";") > sample.count(",") else ","


def _delimited(text: str, delimiter: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    line = 1
    for cells in reader:
        rows.append(Row(f"line {line}", tuple(map(read_cell, cells))))
        line = reader.line_num + 1
    return rows


def _tab_separated(text: str) -> list[Row]:
    """Tab-separated rows, where a cell wrapped in quotes may hold line breaks (as Excel copies
    them), and a quote inside ordinary text is kept as it is (as Word copies it)."""
    rows: list[Row] = []
    cells: list[str] = []
    position, line, row_line = 0, 1, 1
    while position <= len(text):
        cell, position, newlines = _cell(text, position)
        cells.append(cell)
        line += newlines
        end = text[position] if position < len(text) else "\n"
        position += 1
        if end == "\n":
            rows.append(Row(f"line {row_line}", tuple(map(read_cell, cells))))
            cells = []
            line += 1
            row_line = line
    if rows and rows[-1].cells == ("",):
        rows.pop()  # the file's final line break
    return rows


def _cell(text: str, start: int) -> tuple[str, int, int]:
    """One cell from `start`: its text, the position of the tab or line break after it, and the
    line breaks inside it."""
    if text.startswith('"', start):
        index = start + 1
        while True:
            quote = text.find('"', index)
            if quote == -1:
                break
            if text.startswith('""', quote):
                index = quote + 2
                continue
            if quote + 1 >= len(text) or text[quote + 1] in "\t\n":
                value = text[start + 1 : quote].replace('""', '"')
                return value, quote + 1, value.count("\n")
            break
    end = start
    while end < len(text) and text[end] not in "\t\n":
        end += 1
    return text[start:end], end, 0
