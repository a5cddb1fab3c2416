"""The plan YAML, written for people: fields in the order the content reference lists them,
where each action came from, and a CHECK comment wherever the importer was unsure."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import yaml

from ..models import THEMES
from .draft import Draft, DraftAction, DraftObjective, DraftTheme
from .period import PeriodGuess
from .phases import phase_dates
from .words import THEME_ORDER

WIDTH = 96
_ACTION_ORDER = (
    "id",
    "title",
    "details",
    "resources",
    "stakeholders",
    "lead",
    "success_measures",
    "evidence",
    "start",
    "target",
    "phases",
    "also_serves",
    "pillars",
    "status",
    "carried_forward_to",
    "carried_forward_from",
    "updates",
)
_ID_LISTS = ("phases", "also_serves", "pillars")
_THEME_KEYS = {"career-development": "career_development"}


class _Dumper(yaml.SafeDumper):
    """Text with line breaks as a literal block, so a cell's paragraphs read as paragraphs."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def goal_placeholder(theme_id: str) -> str:
    return f"(The {THEMES[theme_id]} goal is not in the table: write it here.)"


def plan_yaml(
    draft: Draft,
    period: PeriodGuess,
    title: tuple[str, str],
    source: str,
    today: dt.date,
    mapping_text: str,
) -> str:
    out = _Lines()
    _about_the_import(out, draft, source, today, mapping_text)
    out.blank()
    _plan_fields(out, draft, period, title)
    out.blank()
    out.lines.append("themes:")
    for theme_id in THEME_ORDER:
        _theme(out, theme_id, draft.themes.get(theme_id))
    return "\n".join(out.lines).rstrip("\n") + "\n"


def _about_the_import(
    out: _Lines, draft: Draft, source: str, today: dt.date, mapping_text: str
) -> None:
    """The comments that open the file: where it came from, the column mapping, the table's
    header, and the text and rows that are not in the plan."""
    out.comment(0, f"Imported by 'site-builder import' from {source} on {today.isoformat()}.")
    out.comment(
        0,
        "Lines marked CHECK need a person to look at them. Text from the table that has no "
        "field of its own is kept in comments like these, so nothing is lost.",
    )
    out.comment(0, "Column mapping used (save it to a file and pass --map FILE to change it):")
    for line in mapping_text.rstrip("\n").split("\n"):
        out.lines.append("#   " + line)
    for header in draft.headers:
        out.comment(0, f"The table's header, {header}")
    if draft.outside:
        out.comment(0, "Text around the table, not part of the plan:")
        for text in draft.outside:
            out.comment(0, text, bullet=True)
    if draft.skipped:
        out.comment(0, "Rows left out:")
        for text in draft.skipped:
            out.comment(0, text, bullet=True)


def _plan_fields(out: _Lines, draft: Draft, period: PeriodGuess, title: tuple[str, str]) -> None:
    """The plan's own fields, before its themes: title, period, labels, phases, pillars."""
    out.comment(0, title[1])
    out.field(0, "title", title[0])
    out.comment(0, period.note)
    out.lines.append("period:")
    out.field(2, "start", period.start)
    out.field(2, "end", period.end)
    out.comment(0, "true if this is the plan in force now (only one plan may say true)")
    out.field(0, "current", False)
    if draft.labels:
        out.comment(0, "Your table's own column headings, shown on the plan pages.")
        out.lines.append("labels:")
        for key, label in draft.labels.items():
            out.field(2, key, label)
    if draft.phases:
        out.lines.append("phases:")
        for ident, label in draft.phases.items():
            dates = [] if draft.own_export else phase_dates(label, period.start)
            out.item(2, [("id", ident), ("label", label), *dates])
    if draft.pillars:
        out.lines.append("pillars:")
        for ident, label in draft.pillars.items():
            out.item(2, [("id", ident), ("label", label)])


def _theme(out: _Lines, theme_id: str, theme: DraftTheme | None) -> None:
    key = _THEME_KEYS.get(theme_id, theme_id)
    if theme is None:
        out.comment(2, f"CHECK: the table has nothing for {THEMES[theme_id]}.")
        out.lines.append(f"  {key}:")
        out.field(4, "goal", goal_placeholder(theme_id))
        out.blank()
        return
    if theme.wording:
        out.comment(2, f"{THEMES[theme_id]}, from the table: " + "; ".join(theme.wording))
    out.lines.append(f"  {key}:")
    if theme.goal is None:
        out.comment(4, "CHECK: the table has no goal statement for this theme.")
    for note in theme.notes:
        out.comment(4, f"CHECK: {note}")
    out.field(4, "goal", theme.goal or goal_placeholder(theme_id))
    if theme.objectives:
        out.lines.append("    objectives:")
        for objective in theme.objectives:
            _objective(out, objective)
    if theme.actions:
        out.lines.append("    actions:")
        for action in theme.actions:
            _action(out, 6, action)
    out.blank()


def _objective(out: _Lines, objective: DraftObjective) -> None:
    out.comment(6, objective.place)
    for note in objective.notes:
        out.comment(6, f"CHECK: {note}")
    fields: list[tuple[str, Any]] = []
    if objective.code:
        fields.append(("code", objective.code))
    fields.append(("title", objective.title or f"(objective {objective.code}: write its title)"))
    out.item(6, fields)
    if objective.actions:
        out.lines.append("        actions:")
        for action in objective.actions:
            _action(out, 10, action)


def _action(out: _Lines, indent: int, action: DraftAction) -> None:
    out.comment(indent, action.place)
    for note in action.notes:
        out.comment(indent, f"CHECK: {note}")
    for name, written in action.as_written.items():
        out.comment(indent, f"{name}: written '{written}' in the table")
    for text in action.kept:
        out.comment(indent, f"from the table: {text}")
    fields = [("title", action.title)]
    fields += [(name, action.fields[name]) for name in _ACTION_ORDER if name in action.fields]
    if "status" not in action.fields:
        fields.append(("status", "not-started"))  # written out, so it is plain where to change it
    fields.sort(key=lambda pair: _ACTION_ORDER.index(pair[0]))
    out.item(indent, fields)


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def comment(self, indent: int, text: str, bullet: bool = False) -> None:
        pad = " " * indent
        first, rest = ("#   - ", "#     ") if bullet else ("# ", "# ")
        wrapped = textwrap.wrap(
            " ".join(text.split()),
            width=max(40, WIDTH - indent - len(first)),
            break_long_words=False,
            break_on_hyphens=False,
        )
        for number, line in enumerate(wrapped):
            self.lines.append(pad + (first if number == 0 else rest) + line)

    def field(self, indent: int, key: str, value: Any) -> None:
        self.lines.extend(" " * indent + line for line in _dumped(key, value, indent))

    def item(self, indent: int, fields: list[tuple[str, Any]]) -> None:
        """One list entry ('- key: value' then the other keys under it)."""
        pad = " " * indent
        for number, (key, value) in enumerate(fields):
            for index, line in enumerate(_dumped(key, value, indent + 2)):
                lead = "- " if number == 0 and index == 0 else "  "
                self.lines.append(pad + lead + line)


def _dumped(key: str, value: Any, indent: int) -> list[str]:
    if key in _ID_LISTS:
        # On one line, as people write them; quoted where an id would read as a number.
        flow = yaml.safe_dump(list(value), default_flow_style=True, width=10_000).strip()
        return [f"{key}: {flow}"]
    text = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=max(40, WIDTH - indent),
    )
    return text.rstrip("\n").split("\n")
