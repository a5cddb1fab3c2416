"""Progress updates written one after another in one cell, as the plan CSV's `updates` column
holds them: each starts on a new line with its date, then its status in brackets if it has one,
the note (which may run over several lines), and last any evidence as
'Evidence: title <address>, title <address>'."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..models import Link
from .words import match_status

_START = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})(?:\s+\[(?P<status>[^\]]+)\])?(?:\s+|$)"
)
_LINK = r"[^<>\n]+? <[^<>\s]+>"
_EVIDENCE = re.compile(rf"(?:^|\s)Evidence: (?P<links>{_LINK}(?:, {_LINK})*)$")
_ONE_LINK = re.compile(r"(?:, )?(?P<title>[^<>\n]+?) <(?P<url>[^<>\s]+)>")


@dataclass
class ReadUpdates:
    updates: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why some text is not an update


def read_updates(text: str) -> ReadUpdates:
    """The updates in a cell, oldest first (the CSV lists them newest first)."""
    found = ReadUpdates()
    pieces: list[tuple[str, str | None, list[str]]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        start = _START.match(line)
        if start and _date(start["date"]) is not None:
            pieces.append((start["date"], start["status"], [line[start.end() :]]))
        elif pieces:
            pieces[-1][2].append(line)  # the note goes on over another line
        elif line.strip():
            found.problems.append(f"'{line.strip()}' does not start with a date")
    for date_text, status_text, lines in pieces:
        found.updates.append(_update(date_text, status_text, "\n".join(lines).strip()))
    if any(not u["note"] for u in found.updates):
        found.problems.append("an update has a date but no note")
    found.updates.sort(key=lambda u: u["date"])  # stable: same-day updates keep their order
    return found


def _update(date_text: str, status_text: str | None, body: str) -> dict[str, Any]:
    update: dict[str, Any] = {"date": _date(date_text)}
    status = match_status(status_text) if status_text else None
    if status:
        update["status"] = status
    elif status_text:
        body = f"[{status_text}] {body}"  # brackets that are not a status belong to the note
    evidence = _EVIDENCE.search(body)
    links = []
    if evidence:
        links = [
            {"title": m["title"].strip(), "url": m["url"]}
            for m in _ONE_LINK.finditer(evidence["links"])
        ]
        if all(_is_link(link) for link in links):
            body = body[: evidence.start()].strip()
        else:
            links = []  # 'www.example.com' is not an address the site can link: keep the words
    update["note"] = body
    if links:
        update["evidence"] = links
    return update


def _is_link(link: dict[str, str]) -> bool:
    try:
        Link.model_validate(link)
    except ValidationError:
        return False
    return True


def _date(text: str) -> dt.date | None:
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
