"""Limits no real site comes near, so that hostile or broken input ends in seconds with a message.

Each limit is far beyond what the comms team writes (the example site's largest content file is
under 100 KB, its deepest YAML 9 levels, its longest field 4,000 characters), and each one, once
passed, is named in the message with where it was passed. Pure functions only: the loader and
the Markdown renderer call them; nothing here reads a file or imports the rest of the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FILE_BYTES = 2 * 1024 * 1024  # one content file (YAML or Markdown)
MAX_YAML_VALUES = 100_000  # values in one YAML document, aliases expanded
MAX_YAML_DEPTH = 40  # sections and lists inside each other
MAX_TEXT_CHARS = 200_000  # one text value, or a Markdown body
MAX_LIST_DEPTH = 20  # Markdown lists and quotes inside each other
# Python-Markdown matches each '[' by scanning the rest of its paragraph, so its time grows with
# their number times the paragraph's length: 100 '[' in a 48,000-character paragraph took 2.9 s,
# 2,000 '[' before 100,000 characters 82 s, and 100,000 '[' would take hours. Table rows cost
# their '|' times their length, row by row (200 rows of 200 '|': 1.7 s). A long article with a
# dozen links in each paragraph scores about 400,000; at this limit a text takes about 2 s.
MAX_MARKUP_COST = 5_000_000

# C0 controls but tab, newline and carriage return, and DEL: typed by no one, invalid in XML,
# cut short any file name (NUL), and used by Python-Markdown as its own placeholders (STX, ETX)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIST_PREFIX = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|>[ \t]*)")
_MAY_NEST = frozenset(" \t-*+>0123456789")
_STARTS_BLOCK = re.compile(r"[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|[>#|])")


@dataclass(frozen=True)
class Passed:
    """A limit passed: what was found, and how to come back under it."""

    message: str
    hint: str
    line: int = 0  # 0-based line in the text checked, where it is known


def control_character(text: str) -> Passed | None:
    """A control character in a text value or body, which no content can use."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    return Passed(
        f"the text holds the invisible control character {code} (character "
        f"{found.start() + 1:,}), which no text or file name can use",
        "delete it: retype the words around it (it usually comes with text pasted from "
        "another program)",
        text.count("\n", 0, found.start()),
    )


def text_limits(text: str) -> Passed | None:
    """The first limit a text value (Markdown or plain) passes, if any."""
    if len(text) > MAX_TEXT_CHARS:
        return Passed(
            f"the text is {len(text):,} characters long, over the limit of {MAX_TEXT_CHARS:,}",
            "split it into several pages or items; no page needs this much text",
        )
    return markdown_limits(text)


def markdown_limits(text: str) -> Passed | None:
    """Markdown that would take the converter minutes or exhaust its recursion: lists or
    quotes nested beyond any real use, or a paragraph dense with '[' or '|'."""
    deep = _deepest_list(text)
    if deep is not None:
        line, depth = deep
        return Passed(
            f"lists or quotes are nested {depth} levels deep here, over the limit of "
            f"{MAX_LIST_DEPTH}",
            "flatten the list: no reader can follow that many levels (a line starting with "
            "several '-', '*', '1.' or '>' makes a level for each)",
            line,
        )
    return _dense_brackets(text) or _dense_tables(text)


def _dense_brackets(text: str) -> Passed | None:
    """Brackets are matched within one run of text: a paragraph, a list item, a table row, a
    heading; each line that starts one of those (or a blank line) ends the run before it."""
    if text.count("[") * len(text) <= MAX_MARKUP_COST:
        return None  # no run can cost more than the whole text: nearly every text
    cost, first, marks, length = 0, 0, 0, 0
    for number, row in enumerate([*text.splitlines(), ""]):
        if not row.strip() or _STARTS_BLOCK.match(row):
            cost += marks * length
            if cost > MAX_MARKUP_COST:
                return Passed(
                    f"this paragraph has {marks:,} '[' characters in {length:,}: more than "
                    "Markdown can read in reasonable time",
                    "split the paragraph, or write a '[' that starts no link as '\\['",
                    first,
                )
            first, marks, length = (number if row.strip() else number + 1), 0, 0
        # an escaped '\\[' is taken out before links are looked for: it costs nothing
        marks += row.count("[") - row.count("\\[")
        length += len(row) + 1
    return None


def _dense_tables(text: str) -> Passed | None:
    """A table row is read in time growing with its '|' times its length, row by row."""
    if text.count("|") * len(text) <= MAX_MARKUP_COST:
        return None  # no more than the whole text at once
    cost = 0
    for number, row in enumerate(text.splitlines()):
        cost += row.count("|") * len(row)
        if cost > MAX_MARKUP_COST:
            return Passed(
                f"the table rows up to here have too many '|' characters ({row.count('|'):,} "
                "in this one) for Markdown to read in reasonable time",
                "use fewer columns (a table of more than 50 columns cannot be read on a "
                "screen), or write a '|' that is not a column break as '\\|'",
                number,
            )
    return None


def _deepest_list(text: str) -> tuple[int, int] | None:
    """The first line nested past MAX_LIST_DEPTH (0-based) and its depth, counting a level
    for each marker at the start of the line and each four spaces of indentation."""
    for number, line in enumerate(text.splitlines()):
        if line[:1] not in _MAY_NEST:
            continue  # neither indented nor a marker: a line of words, level 0
        row = line.expandtabs(4) if "\t" in line else line
        indent = len(row) - len(row.lstrip(" "))
        if indent // 4 > MAX_LIST_DEPTH:
            return number, indent // 4
        depth, at = indent // 4, 0
        while depth <= MAX_LIST_DEPTH:
            match = _LIST_PREFIX.match(row, at)
            if match is None or match.end() == at:
                break
            depth, at = depth + 1, match.end()
        if depth > MAX_LIST_DEPTH:
            return number, _count_markers(row, indent // 4)
    return None


def _count_markers(row: str, depth: int) -> int:
    at = 0
    while (match := _LIST_PREFIX.match(row, at)) is not None and match.end() > at:
        depth, at = depth + 1, match.end()
    return depth
