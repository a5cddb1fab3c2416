"""Rows that only continue the row above: an export that wraps a long cell onto a second table
row ('Invite technicians to plan new' / 'buildings from the start'), or splits a heading
('Sustainability (of technical' / 'workforce): ...'). Such a row is joined to the one above, so
it never becomes an objective, an action or a theme of its own; the joined row remembers which
rows it was made from, so the file can say so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .grid import Row
from .words import THEME_CODES, is_tick, match_theme, split_code

_SENTENCE_END = ".!?"


def join_continuations(rows: Sequence[Row]) -> list[Row]:
    joined: list[Row] = []
    for row in rows:
        above = joined[-1] if joined else None
        if above is not None and continues(above, row):
            cells = [
                _join(above.cell(i), row.cell(i)) if row.cell(i) else above.cells[i]
                for i in range(len(above.cells))
            ]
            extra = tuple(row.cells[len(above.cells) :])
            joined[-1] = replace(above, cells=(*cells, *extra), joined=(*above.joined, row.place))
        else:
            joined.append(row)
    return joined


def continues(above: Row, row: Row) -> bool:
    """Every filled cell of `row` carries on the text of the cell above it: it starts in
    lower case or with a bracket or a comma, and is no code, tick or theme name of its own.
    A cell starting with a capital is a new item even when the one above has no full stop,
    so a table whose rows really are separate items is never run together."""
    filled = row.filled
    if not filled or not above.filled:
        return False
    if len(filled) == 1 and _unfinished(above.cell(filled[0][0])) and _plain(filled[0][1]):
        return True  # 'Hold an event for' / 'Technicians Week': the sentence ends here
    for index, text in filled:
        before = above.cell(index)
        stripped = text.strip()
        if not before or is_tick(before) or is_tick(stripped) or _only_a_code(before):
            return False
        if split_code(stripped)[0] is not None or match_theme(stripped):
            return False
        if not (stripped[:1].islower() or stripped[:1] in "(),;"):
            return False
    return True


# Words a sentence never ends on: a cell ending with one was cut off by the export.
_OPEN_ENDINGS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "into",
        "our",
        "their",
        "its",
        "as",
        "than",
        "that",
    ]
)


def _only_a_code(text: str) -> bool:
    """'V', 'CD', 'R2.1': a code says all it has to; nothing continues it."""
    code, rest = split_code(text.strip())
    return text.strip() in THEME_CODES or (code is not None and not rest)


def _unfinished(text: str) -> bool:
    words = text.strip().split()
    return bool(words) and words[-1].lower() in _OPEN_ENDINGS


def _plain(text: str) -> bool:
    """Text that can only be the rest of a sentence: no code, tick or theme name."""
    stripped = text.strip()
    return not (is_tick(stripped) or split_code(stripped)[0] or match_theme(stripped))


def _join(before: str, after: str) -> str:
    before, after = before.rstrip(), after.strip()
    if before.endswith("-") and not before.endswith(" -"):
        return before + after  # a word broken by a hyphen at the end of the line
    return f"{before} {after}"
