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
    own_export: bool = False  # the plan CSV this site publishes: phases' dates are not in it
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
    export); then make every action's address unique, as the build requires, naming the
    change where two would clash (two objectives coded V2, an id written twice, a written id
    equal to an address made from position)."""
    for prefix, actions in _groups(draft):
        for index, action in enumerate(actions, 1):
            if action.fields.get("id") == f"{prefix}-{index}" and "id" not in action.as_written:
                del action.fields["id"]
    anchors = [
        (action, action.fields.get("id") or f"{prefix}-{index}")
        for prefix, actions in _groups(draft)
        for index, action in enumerate(actions, 1)
    ]
    taken = {anchor for _, anchor in anchors}
    seen: set[str] = set()
    for action, anchor in anchors:
        if anchor in seen:
            free = next(
                f"{anchor}{letter}" for letter in _LETTERS if f"{anchor}{letter}" not in taken
            )
            action.fields["id"] = free
            taken.add(free)
            written = action.as_written.get("id")
            said = f" (written '{written}')" if written else ""
            action.notes.append(
                f"another action already has the address '{anchor}'{said}, so this one is "
                f"'{free}': give it its own id"
            )
            anchor = free
        seen.add(anchor)


_LETTERS = [chr(code) for code in range(ord("b"), ord("z") + 1)] + [
    f"x{number}" for number in range(2, 1000)
]


def _groups(draft: Draft) -> list[tuple[str, list[DraftAction]]]:
    """Each list of actions with the prefix of the addresses the plan model gives them."""
    groups = []
    for theme in in_theme_order(draft.themes):
        initial = {"career-development": "cd"}.get(theme.id, theme.id[0])
        groups.append((initial, theme.actions))
        groups += [
            ((o.code or f"{initial}{number}").lower(), o.actions)
            for number, o in enumerate(theme.objectives, 1)
        ]
    return groups
