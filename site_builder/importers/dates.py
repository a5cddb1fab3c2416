"""The last look at each action's dates before writing, so the file passes the plan checks:
a start after the action is due, or a progress update dated in the future, is kept as a
comment with a CHECK instead of a field that would stop `make check`."""

from __future__ import annotations

import datetime as dt

from ..models import Action
from .draft import Draft, DraftAction
from .phases import phase_dates


def settle_dates(draft: Draft, start: dt.date, today: dt.date) -> None:
    ends = {}
    for ident, label in draft.phases.items():
        dates = dict(phase_dates(label, start)) if not draft.own_export else {}
        ends[ident] = dates.get("end")
    for action in draft.actions:
        _start_before_due(action, ends)
        _no_future_updates(action, today)


def _start_before_due(action: DraftAction, ends: dict[str, dt.date | None]) -> None:
    begins = action.fields.get("start")
    if begins is None:
        return
    try:
        model = Action(title="-", start=begins, target=action.fields.get("target"))
    except ValueError:
        return  # the plan model's own check names it
    due = model.target_date
    if due is None and model.target is None and action.fields.get("phases"):
        phases = action.fields["phases"]
        known = [end for p in phases if (end := ends.get(p)) is not None]
        due = max(known) if known and len(known) == len(phases) else None
    started = model.start_date
    if started and due and started > due:
        del action.fields["start"]
        written = action.as_written.pop("start", None) or str(begins)
        action.kept.append(f"start: {written}")
        action.notes.append(
            f"it starts ({written}) after it is due ({due:%-d %B %Y}), so start: was left out: "
            "check which is right"
        )


def _no_future_updates(action: DraftAction, today: dt.date) -> None:
    updates = action.fields.get("updates")
    if not updates:
        return
    future = [u for u in updates if u["date"] > today]
    if not future:
        return
    action.fields["updates"] = [u for u in updates if u["date"] <= today]
    if not action.fields["updates"]:
        del action.fields["updates"]
    for update in future:
        action.kept.append(f"update dated {update['date']}: {update['note']}")
    action.notes.append(
        "a progress update is dated after today, so it was left out: check its date"
    )
