"""Every CSV file we write (the plan download, the CMS manifest) goes through here, so that no
cell can run as a formula when someone opens the file in Excel, LibreOffice or Google Sheets.

OWASP's advice for CSV export: a cell that begins with = + - @, a tab or a carriage return is
read as a formula; prefix it with a single quote (which the spreadsheet shows as text and hides)
and quote every field. Plain numbers such as -3 or +1.5 are left alone: they cannot be formulas.

Not defusedcsv (the PyPI package): it leaves cells beginning with a tab or a carriage return as
they are, and rewrites | inside the text, so the file no longer reads back as written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# OWASP's list, a line feed (also a line break to a spreadsheet), and the full-width forms that
# some spreadsheets in East Asian locales read as the same operators.
_FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?")
_QUOTE = "'"


def _starts_formula(text: str) -> bool:
    # Quotes are skipped so that a cell that already begins with one gets one more, and
    # spreadsheet_cell and read_cell stay exact inverses.
    rest = text.lstrip(_QUOTE)
    return rest[:1] in _FORMULA_START and not _NUMBER.fullmatch(rest)


def spreadsheet_cell(value: object) -> str:
    """One cell's text, with a single quote in front when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return _QUOTE + text if _starts_formula(text) else text


def read_cell(text: str) -> str:
    """The value that ``spreadsheet_cell`` wrote: used when our own CSV is imported back."""
    if text.startswith(_QUOTE) and _starts_formula(text[1:]):
        return text[1:]
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV file as Excel opens it best: a byte order mark (so accented names read right),
    CRLF line ends, every field quoted and every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(name) for name in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()
