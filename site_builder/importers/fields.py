"""An action's fields from its row's cells: lists split, dates and statuses read, ticks turned
into phases and pillars, and everything without a field of its own kept for a comment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from .columns import Column
from .draft import Draft, DraftAction
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
        role = column.role
        if role == "code":
            written, rest = split_code(text)
            if written is None or rest:
                action.kept.append(f"{column.label}: {text}")  # not a code we can use
            continue
        if role in ("theme", "goal", "objective", "action"):
            continue
        if is_tick(text) and not column.ticks:
            action.kept.append(f"a stray tick mark ('{text}') under '{column.label}'")
            continue
        if column.ticks and not is_tick(text):
            action.kept.append(f"{column.label}: {text}")
            continue
        if role in ("details", "stakeholders", "evidence"):
            texts.setdefault(role, []).append((column.label, text))
        elif role in ("lead", "success_measures"):
            add_list(action, role, [p for p in _LIST_SPLIT.split(text) if p])
        elif role == "target":
            _target(action, column, text)
        elif role == "status":
            _status(action, column, text)
        elif role == "phase":
            labels = [column.label] if column.ticks else _items(text)
            add_list(action, "phases", [register(draft.phases, label) for label in labels])
        elif role == "pillar":
            labels = [column.label] if column.ticks else _items(text)
            add_list(action, "pillars", [register(draft.pillars, label) for label in labels])
        elif role == "also_serves":
            _also_serves(action, column, text, theme)
        elif role == "id":
            if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.strip()):
                action.fields["id"] = text.strip()
            else:
                action.kept.append(f"{column.label}: {text}")
        elif role == "update_date":
            action.fields["_update_date"] = text
        elif role == "update_note":
            action.fields["_update_note"] = text
        else:
            action.kept.append(f"{column.label}: {text}")
    for role, parts in texts.items():
        if len(parts) == 1:
            value = parts[0][1]
        else:
            value = "\n\n".join(f"{label}: {text}" for label, text in parts)
        action.fields[role] = joined(action.fields.get(role), value)
    _update(action)


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
    if parsed is None and re.fullmatch(r"\d{4}-\d{1,2}(?:-\d{1,2})?", text.strip()):
        # Looks like a date but is not one (month 13, 31 February): keep it, ask a person.
        action.kept.append(f"{column.label}: {text}")
        action.notes.append(f"'{text.strip()}' under '{column.label}' is not a real date")
    elif parsed is None:
        action.fields["target"] = text
    else:
        action.fields["target"] = parsed
        if str(parsed) != text.strip():
            action.as_written["target"] = text.strip()


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
        for item in _items(text):
            found = match_theme(item)
            if found:
                themes.append(found.theme)
            else:
                action.kept.append(f"{column.label}: {item}")
    themes = [t for t in themes if t != theme]
    add_list(action, "also_serves", themes)


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


def _items(text: str) -> list[str]:
    """Names listed in one cell: one a line, or separated by '|' or ';' (or commas between
    short names, as in 'Research, Teaching')."""
    parts = [p.strip() for p in re.split(r"[|;\n]", text) if p.strip()]
    if len(parts) == 1 and "," in text:
        names = [p.strip() for p in text.split(",") if p.strip()]
        if all(len(name.split()) <= 4 for name in names):
            return names
    return parts


def joined(existing: str | None, text: str) -> str:
    return f"{existing}\n\n{text}" if existing else text
