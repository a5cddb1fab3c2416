"""An action plan as open data: one CSV row per action, and the whole plan as JSON.

The columns are documented here once; the plan page and the README list them from COLUMNS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .models import STATUSES, THEMES, ProgressUpdate
from .published import ActionLink, ActionView, PlanView
from .spreadsheet import csv_text

COLUMNS: list[tuple[str, str]] = [
    ("plan", "The plan's file name, e.g. 2024-2027."),
    ("theme", "visibility, recognition, career-development or sustainability."),
    ("objective_code", "The objective's code (V1, R2...), if it has one."),
    ("objective", "The objective's title, if the action sits under one."),
    ("action_id", "The action's stable id: the page address ends #action_id."),
    ("action", "The action, in a sentence."),
    ("details", "More detail (Markdown)."),
    ("lead", "Who leads it; several are separated by ' | '."),
    ("stakeholders", "Resources and key stakeholders."),
    ("resources", "Resources it needs (budget, time, equipment), where the plan keeps them apart."),
    ("success_measures", "Success measures, separated by ' | '."),
    ("evidence", "How impact will be evidenced."),
    ("start", "When work begins, as written (a date or month), if the plan says."),
    ("target", "The target as written: a date, month, year, 'all years', 'ongoing' or words."),
    ("timing", "How the timing is given: date, month, year, all-years, ongoing, phases or words."),
    ("target_date", "The last day the target allows (YYYY-MM-DD), or the end of its last phase."),
    ("phases", "The plan phases it falls in, separated by ' | '."),
    ("also_serves", "Other themes it also serves, separated by ' | '."),
    ("pillars", "Strategic pillars, separated by ' | '."),
    ("status", "not-started, on-track, at-risk, delayed, complete, carried-forward, withdrawn."),
    ("status_label", "The status in words."),
    ("carried_forward_to", "Where a carried-forward action continues: plan/action_id."),
    ("carried_forward_from", "The earlier plan's action this one continues: plan/action_id."),
    ("last_update", "Date of the latest progress update (YYYY-MM-DD)."),
    ("last_update_note", "What the latest progress update says."),
    (
        "updates",
        "Every progress update, newest first, each starting on a new line: date, status in "
        "brackets, note, then any evidence as 'Evidence: title <address>, title <address>'.",
    ),
    ("url", "The action's address on this site."),
]

_JOIN = " | "


def action_row(plan: PlanView, view: ActionView, url: str) -> dict[str, str]:
    action = view.action
    latest = action.latest_update
    phases = {p.id: p.label for p in plan.plan.phases}
    pillars = {p.id: p.label for p in plan.plan.pillars}
    row = {
        "plan": plan.id,
        "theme": view.theme_id,
        "objective_code": (view.objective.code or "") if view.objective else "",
        "objective": view.objective.title if view.objective else "",
        "action_id": view.anchor,
        "action": action.title,
        "details": action.details or "",
        "lead": _JOIN.join(action.lead),
        "stakeholders": action.stakeholders or "",
        "resources": action.resources or "",
        "success_measures": _JOIN.join(action.success_measures),
        "evidence": action.evidence or "",
        "start": str(action.start) if action.start is not None else "",
        "target": str(action.target) if action.target is not None else "",
        "timing": action.timing or "",
        "target_date": view.due.isoformat() if view.due else "",
        "phases": _JOIN.join(phases.get(p, p) for p in action.phases),
        "also_serves": _JOIN.join(THEMES[t] for t in action.also_serves),
        "pillars": _JOIN.join(pillars.get(p, p) for p in action.pillars),
        "status": action.status,
        "status_label": STATUSES[action.status],
        "carried_forward_to": _ref(view.carried_to) or action.carried_forward_to or "",
        "carried_forward_from": _ref(view.carried_from) or action.carried_forward_from or "",
        "last_update": latest.date.isoformat() if latest else "",
        "last_update_note": latest.note if latest else "",
        "updates": "\n".join(_update_line(u) for u in action.updates_newest_first),
        "url": url,
    }
    assert list(row) == [name for name, _ in COLUMNS]
    return row


def _ref(link: ActionLink | None) -> str:
    """A link the site resolved, written on either plan; the caller falls back to the link as
    this plan writes it (a plan not yet on the site, e.g. the next one)."""
    return f"{link.plan_id}/{link.anchor}" if link else ""


def _update_line(update: ProgressUpdate) -> str:
    status = f" [{STATUSES[update.status]}]" if update.status else ""
    # 'Evidence:' marks where the note ends, so the line reads back into the same update.
    links = ", ".join(f"{e.title} <{e.url}>" for e in update.evidence)
    evidence = f" Evidence: {links}" if links else ""
    return f"{update.date.isoformat()}{status} {update.note}{evidence}"


def plan_csv(plan: PlanView, action_url: Callable[[ActionView], str]) -> str:
    """One row per action, every cell safe to open in a spreadsheet (spreadsheet.py)."""
    rows = (action_row(plan, view, action_url(view)).values() for view in plan.actions)
    return csv_text([name for name, _ in COLUMNS], (list(row) for row in rows))


def plan_json(plan: PlanView, action_url: Callable[[ActionView], str]) -> str:
    """The whole plan as written, plus each action's id, address and status in words."""
    data = plan.plan.model_dump(mode="json")
    data["id"] = plan.id
    data["stage_label"] = plan.plan.stage_label
    data["actions"] = [
        {**view.action.model_dump(mode="json"), **_extra(plan, view, action_url(view))}
        for view in plan.actions
    ]
    data["columns"] = dict(COLUMNS)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _extra(plan: PlanView, view: ActionView, url: str) -> dict[str, Any]:
    return {
        "id": view.anchor,
        "theme": view.theme_id,
        "objective_code": view.objective.code if view.objective else None,
        "code": view.code,
        "timing": view.action.timing,
        "due": view.due.isoformat() if view.due else None,
        "carried_forward_to": _ref(view.carried_to) or view.action.carried_forward_to,
        "carried_forward_from": _ref(view.carried_from) or view.action.carried_forward_from,
        "status_label": STATUSES[view.action.status],
        "url": url,
    }
