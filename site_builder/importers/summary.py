"""What the person running the import reads afterwards: counts per theme and what to check."""

from __future__ import annotations

from pathlib import Path

from ..models import THEMES
from .importing import Imported
from .words import THEME_ORDER


def summary(result: Imported, source: Path, target: Path) -> str:
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
    review = needs_a_look(result)
    if review:
        lines.append("Needs a human look (search the file for CHECK):")
        lines.extend(f"  - {item}" for item in review)
    lines.append(f"Next: open {target}, work through the CHECK comments, then run 'make check'.")
    return "\n".join(lines)


def needs_a_look(result: Imported) -> list[str]:
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
    return items


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")
