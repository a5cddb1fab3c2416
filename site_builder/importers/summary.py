"""What the person running the import reads afterwards: counts per theme and what to check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..models import THEMES, Action
from .importing import Imported
from .words import THEME_ORDER


def summary(result: Imported, source: Path, target: Path, today: dt.date | None = None) -> str:
    draft = result.draft
    total = len(draft.actions)
    lines = [f"Imported {_count(total, 'action')} from {source.name} into {target}:"]
    for theme_id in THEME_ORDER:
        theme = draft.themes.get(theme_id)
        if theme is None:
            lines.append(f"  {THEMES[theme_id]:<20} nothing in the table")
            continue
        objectives = f", {_count(len(theme.objectives), 'objective')}" if theme.objectives else ""
        lines.append(
            f"  {THEMES[theme_id]:<20} {_count(len(theme.all_actions), 'action')}{objectives}"
        )
    if draft.phases:
        lines.append("  Phases: " + ", ".join(draft.phases.values()))
    if draft.pillars:
        lines.append("  Pillars: " + ", ".join(draft.pillars.values()))
    lines.append(f"  Period: {result.period.start} to {result.period.end}")
    review = needs_a_look(result, today)
    if review:
        lines.append("Needs a human look (search the file for CHECK):")
        lines.extend(f"  - {item}" for item in review)
    lines.append(f"Next: open {target}, work through the CHECK comments, then run 'make check'.")
    return "\n".join(lines)


LONG_TITLE = 200


def needs_a_look(result: Imported, today: dt.date | None = None) -> list[str]:
    draft = result.draft
    items = []
    guessed = [c.label for m in result.mappings for c in m.columns if c.guessed]
    if guessed:
        items.append("columns whose heading was not recognised: " + ", ".join(guessed))
    items.append("the plan's title and period: " + result.period.note.removeprefix("CHECK: "))
    for theme_id in THEME_ORDER:
        theme = draft.themes.get(theme_id)
        if theme is None:
            items.append(f"{THEMES[theme_id]}: nothing in the table; write its goal and actions")
            continue
        if theme.goal is None:
            items.append(f"{THEMES[theme_id]}: no goal statement in the table; write one")
        items.extend(f"{THEMES[theme_id]}: {note}" for note in theme.notes)
        for objective in theme.objectives:
            items.extend(f"{objective.place}: {note}" for note in objective.notes)
        for action in theme.all_actions:
            items.extend(f"{action.place}: {note}" for note in action.notes)
    items.extend(f"left out: {text}" for text in draft.skipped)
    long = [a.place for a in draft.actions if len(a.title) > LONG_TITLE]
    if long:
        items.append(
            f"{_count(len(long), 'action title')} longer than {LONG_TITLE} characters (first on "
            f"{long[0]}): a sentence reads best, with the rest moved to details"
        )
    overdue = overdue_and_not_started(result, today or dt.date.today())
    if overdue:
        items.append(
            f"{_count(overdue, 'action')} not started by a target already past: give each its "
            "status (on-track, complete, delayed...) or the build will warn about it"
        )
    return items


def overdue_and_not_started(result: Imported, today: dt.date) -> int:
    count = 0
    for action in result.draft.actions:
        if action.fields.get("status", "not-started") != "not-started":
            continue
        target = action.fields.get("target")
        try:
            due = Action(title="due", target=target).target_date if target else None
        except ValueError:
            due = None
        if due is not None and due < today:
            count += 1
    return count


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")
