"""What the rows become before they are written: themes, objectives and actions, each with
where it came from, what to check, and the text that has no field of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .words import THEME_ORDER


@dataclass
class DraftAction:
    place: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # why a person should look at it
    kept: list[str] = field(default_factory=list)  # text with no field of its own
    as_written: dict[str, str] = field(default_factory=dict)  # field -> the cell, when reworded


@dataclass
class DraftObjective:
    place: str
    title: str
    code: str | None = None
    actions: list[DraftAction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftTheme:
    id: str
    goal: str | None = None
    wording: list[str] = field(default_factory=list)  # the theme cells as written, with places
    objectives: list[DraftObjective] = field(default_factory=list)
    actions: list[DraftAction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_actions(self) -> list[DraftAction]:
        return [*self.actions, *(a for o in self.objectives for a in o.actions)]


@dataclass
class Draft:
    themes: dict[str, DraftTheme] = field(default_factory=dict)
    phases: dict[str, str] = field(default_factory=dict)  # id -> label, in order of appearance
    pillars: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)  # text around the plan table
    headers: list[str] = field(default_factory=list)  # the header rows, as written
    skipped: list[str] = field(default_factory=list)  # rows left out, and why
    unplaced: list[str] = field(default_factory=list)  # rows whose theme could not be told
    dates: list[dt.date] = field(default_factory=list)
    months: int | None = None  # the plan's length, when the table says it
    title: str | None = None  # a short line above the table that names the plan
    years: tuple[int, int] | None = None  # a span of years the table names ('2025 to 2028')
    title_months: int | None = None  # the length the title names ('24 Month Action Plan')
    column_years: list[tuple[int, int]] = field(default_factory=list)  # Year column spans

    def theme(self, theme_id: str) -> DraftTheme:
        if theme_id not in self.themes:
            self.themes[theme_id] = DraftTheme(theme_id)
        return self.themes[theme_id]

    @property
    def actions(self) -> list[DraftAction]:
        return [a for t in self.themes.values() for a in t.all_actions]


def in_theme_order(themes: dict[str, DraftTheme]) -> list[DraftTheme]:
    return [themes[t] for t in THEME_ORDER if t in themes]


def settle_ids(draft: Draft) -> None:
    """Drop ids that only repeat the address the site would give anyway (as in our own CSV
    export), and a second use of an id, which the build would refuse."""
    seen: set[str] = set()
    for theme in in_theme_order(draft.themes):
        initial = {"career-development": "cd"}.get(theme.id, theme.id[0])
        groups = [(f"{initial}", theme.actions)]
        groups += [
            ((o.code or f"{initial}{number}").lower(), o.actions)
            for number, o in enumerate(theme.objectives, 1)
        ]
        for prefix, actions in groups:
            for index, action in enumerate(actions, 1):
                ident = action.fields.get("id")
                if ident is None:
                    continue
                if ident == f"{prefix}-{index}" and "id" not in action.as_written:
                    del action.fields["id"]
                elif ident in seen:
                    del action.fields["id"]
                    action.notes.append(f"the id '{ident}' is used twice, so it was left out")
                seen.add(ident)
