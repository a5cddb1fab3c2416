"""An action's fields from its row's cells: lists split, dates and statuses read, ticks turned
into phases and pillars, and everything without a field of its own kept for a comment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..models import Action
from .columns import Column
from .draft import Draft, DraftAction
from .updates import read_updates
from .words import (
    is_tick,
    match_status,
    match_theme,
    normalise,
    parse_target,
    slug,
    split_code,
)

_LIST_SPLIT = re.compile(r"\s*(?:\n|\s\|\s|;)\s*")
_BARS = re.compile(r"\s+\|\s+")
# What carried_forward_to and carried_forward_from hold: the plan's file name / the action's id.
_PLAN_ACTION = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*")


def fill(
    draft: Draft,
    theme: str | None,
    action: DraftAction,
    columns: Sequence[Column],
    cells: dict[int, str],
) -> None:
    """The action's fields from the cells of `columns`; text without a field is kept."""
    texts: dict[str, list[tuple[str, str]]] = {}
    for column in columns:
        text = cells[column.index]
        if _passed_over(action, column, text):
            continue
        if column.role in JOINED_TEXT:
            texts.setdefault(column.role, []).append((column.label, text))
        else:
            _fill_one(draft, theme, action, column, text)
    for role, parts in texts.items():
        if len(parts) == 1:
            value = parts[0][1]
        else:
            value = "\n\n".join(f"{label}: {text}" for label, text in parts)
        action.fields[role] = joined(action.fields.get(role), value)
    _update(action)


def _passed_over(action: DraftAction, column: Column, text: str) -> bool:
    """A cell that fills no field here: the theme, objective and action are read elsewhere,
    derived columns repeat others; a code we cannot use and a misplaced tick are kept."""
    role = column.role
    if role == "code":
        written, rest = split_code(text)
        if written is None or rest:
            action.kept.append(f"{column.label}: {text}")  # not a code we can use
        return True
    if role in ("theme", "goal", "objective", "action") or column.derived:
        return True
    if is_tick(text) and not column.ticks:
        action.kept.append(f"a stray tick mark ('{text}') under '{column.label}'")
        return True
    if column.ticks and not is_tick(text):
        action.kept.append(f"{column.label}: {text}")
        return True
    return False


def _fill_one(
    draft: Draft, theme: str | None, action: DraftAction, column: Column, text: str
) -> None:
    """The field of one cell, by its column's role (the joined text fields aside)."""
    role = column.role
    reader = _READERS.get(role)
    if reader is not None:
        reader(action, column, text)
    elif role in ("lead", "success_measures"):
        split = _BARS if column.bars else _LIST_SPLIT
        add_list(action, role, [p.strip() for p in split.split(text.strip()) if p.strip()])
    elif role in ("phase", "pillar"):
        name, known = ("phases", draft.phases) if role == "phase" else ("pillars", draft.pillars)
        labels = [column.label] if column.ticks else _items(text, column.bars)
        add_list(action, name, [register(known, label) for label in labels])
    elif role == "also_serves":
        _also_serves(action, column, text, theme)
    else:
        action.kept.append(f"{column.label}: {text}")


def _id(action: DraftAction, column: Column, text: str) -> None:
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.strip()):
        action.fields["id"] = text.strip()
    else:
        action.kept.append(f"{column.label}: {text}")


def _update_date(action: DraftAction, column: Column, text: str) -> None:
    action.fields["_update_date"] = text  # read with the note, once the row is done


def _update_note(action: DraftAction, column: Column, text: str) -> None:
    action.fields["_update_note"] = text


def _update(action: DraftAction) -> None:
    date_text = action.fields.pop("_update_date", None)
    note = action.fields.pop("_update_note", None)
    if date_text is None and note is None:
        return
    try:
        date = dt.date.fromisoformat(str(date_text).strip()) if date_text else None
    except ValueError:
        date = None
    if date and note:
        action.fields["updates"] = [{"date": date, "note": note}]
        return
    if date_text:
        action.kept.append(f"latest update dated {date_text}")
    if note:
        action.kept.append(f"latest update: {note}")
    action.notes.append("a progress update without both a date and a note: add it by hand")


def _target(action: DraftAction, column: Column, text: str) -> None:
    if "target" in action.fields:
        action.fields["details"] = joined(action.fields.get("details"), f"{column.label}: {text}")
        return
    parsed = parse_target(text)
    if parsed is None and _span(action, text):
        return
    if parsed is None and re.fullmatch(r"\d{4}-\d{1,2}(?:-\d{1,2})?", text.strip()):
        # Looks like a date but is not one (month 13, 31 February): keep it, ask a person.
        action.kept.append(f"{column.label}: {text}")
        action.notes.append(f"'{text.strip()}' under '{column.label}' is not a real date")
    elif parsed is None:
        action.fields["target"] = text  # 'ongoing', 'all years' or words: the model reads them
    else:
        action.fields["target"] = _as_written_if_read(text.strip(), parsed)
        if str(action.fields["target"]) != text.strip():
            action.as_written["target"] = text.strip()


def _as_written_if_read(text: str, parsed: dt.date | str) -> dt.date | str:
    """A month the plan model reads as written ('Jul-26', 'June 2026') stays as written, so the
    plan says what the table said; other forms ('31/07/2026', 'Jun'26') become YYYY-MM-DD or
    YYYY-MM."""
    if isinstance(parsed, str) and text != parsed:
        as_written = Action(title="-", target=text)
        same = Action(title="-", target=parsed)
        if as_written.timing == "month" and as_written.target_date == same.target_date:
            return text
    return parsed


# 'Sep 2025 - Jul 2026', '2025-09 to 2026-07': a start and a target in one cell.
_SPAN = re.compile(r"^(?:from\s+)?(.+?)(?:\s+(?:-|to|until)\s+|\s*[–—]\s*)(.+)$", re.I)


def _span(action: DraftAction, text: str) -> bool:
    """A cell giving when work begins and when it is due becomes start and target."""
    match = _SPAN.match(text.strip().rstrip("."))
    if not match or "start" in action.fields or "target" in action.fields:
        return False
    begins, due = parse_target(match[1]), parse_target(match[2])
    if begins is None or not _is_point(begins) or due is None:
        return False
    action.fields["start"] = _as_written_if_read(match[1].strip(), begins)
    action.fields["target"] = _as_written_if_read(match[2].strip(), due)
    action.as_written["start and target"] = text.strip()
    return True


def _is_point(value: dt.date | str) -> bool:
    """A date or a month: what the plan model takes as a start."""
    return isinstance(value, dt.date) or (isinstance(value, str) and "-" in value)


def _start(action: DraftAction, column: Column, text: str) -> None:
    """When work begins: the plan model takes a date or a month, nothing vaguer."""
    if "start" in action.fields:  # a second start column: more detail, not lost
        action.fields["details"] = joined(action.fields.get("details"), f"{column.label}: {text}")
        return
    parsed = parse_target(text)
    if parsed is None and _span(action, text):
        return
    if parsed is not None and _is_point(parsed):
        action.fields["start"] = _as_written_if_read(text.strip(), parsed)
        if str(action.fields["start"]) != text.strip():
            action.as_written["start"] = text.strip()
    else:
        action.kept.append(f"{column.label}: {text}")
        action.notes.append(
            f"'{normalise(text)}' under '{column.label}' is not a date or a month: write start: "
            "as YYYY-MM-DD or YYYY-MM, or leave it out"
        )


def _carried(action: DraftAction, column: Column, text: str) -> None:
    value = text.strip()
    if not _PLAN_ACTION.fullmatch(value):
        action.kept.append(f"{column.label}: {text}")
        action.notes.append(
            f"'{normalise(text)}' under '{column.label}' is not a plan and action id "
            "(such as 2021-2024/v1-2): write it that way"
        )
    elif column.role in action.fields:
        action.kept.append(f"{column.label}: {text}")
        action.notes.append(f"a second {column.role} link ('{value}'): an action has one")
    else:
        action.fields[column.role] = value


def _updates(action: DraftAction, column: Column, text: str) -> None:
    found = read_updates(text)
    if found.problems or not found.updates:
        action.kept.append(f"{column.label}: {text}")
        why = "; ".join(found.problems) or "no dated update"
        action.notes.append(f"the updates under '{column.label}' could not all be read ({why})")
        return
    action.fields["updates"] = [*action.fields.get("updates", []), *found.updates]


def _status(action: DraftAction, column: Column, text: str) -> None:
    status = match_status(column.label) if column.ticks else match_status(text)
    if status:
        action.fields["status"] = status
        if not column.ticks and slug(text) != status:
            action.as_written["status"] = text.strip()
    else:
        action.kept.append(f"{column.label}: {text}")
        action.notes.append(f"status '{normalise(text)}' is not one we know: it is not started")


def _also_serves(action: DraftAction, column: Column, text: str, theme: str | None) -> None:
    if column.ticks:
        found = match_theme(column.label)
        themes = [found.theme] if found else []
    else:
        themes = []
        for item in _items(text, column.bars):
            found = match_theme(item)
            if found:
                themes.append(found.theme)
            else:
                action.kept.append(f"{column.label}: {item}")
    themes = [t for t in themes if t != theme]
    add_list(action, "also_serves", themes)


# The roles whose cell one function reads into the action's fields.
_READERS: dict[str, Callable[[DraftAction, Column, str], None]] = {
    "target": _target,
    "start": _start,
    "carried_forward_to": _carried,
    "carried_forward_from": _carried,
    "updates": _updates,
    "status": _status,
    "id": _id,
    "update_date": _update_date,
    "update_note": _update_note,
}

# Text fields whose cells, when several columns or rows give them, are joined as paragraphs.
JOINED_TEXT = ("details", "resources", "stakeholders", "evidence")


def add_list(action: DraftAction, name: str, values: list[Any]) -> None:
    current = action.fields.setdefault(name, [])
    for value in values:
        if value not in current:
            current.append(value)


def register(known: dict[str, str], label: str) -> str:
    label = normalise(label)
    for ident, existing in known.items():
        if existing.lower() == label.lower():
            return ident
    ident = slug(label)
    base, number = ident, 2
    while ident in known:
        ident, number = f"{base}-{number}", number + 1
    known[ident] = label
    return ident


def _items(text: str, bars: bool = False) -> list[str]:
    """Names listed in one cell: one a line, or separated by '|' or ';' (or commas between
    short names, as in 'Research, Teaching'); only by ' | ' in our own CSV export."""
    if bars:
        return [p.strip() for p in _BARS.split(text.strip()) if p.strip()]
    parts = [p.strip() for p in re.split(r"[|;\n]", text) if p.strip()]
    if len(parts) == 1 and "," in text:
        names = [p.strip() for p in text.split(",") if p.strip()]
        if all(len(name.split()) <= 4 for name in names):
            return names
    return parts


def joined(existing: str | None, text: str) -> str:
    return f"{existing}\n\n{text}" if existing else text
