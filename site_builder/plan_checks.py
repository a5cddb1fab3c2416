"""The checks of action plans that no model can make alone: ids, phases and pillars, dates,
and the links between plans (carried forward, superseded)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .content import Content, Entry
from .errors import SourceError, did_you_mean
from .loader import PathKey
from .model_errors import entry_error
from .models import (
    THEMES,
    Plan,
    PlanAction,
)
from .names import free_name, reserved_on_windows


def check_plans(content: Content, today: dt.date) -> list[SourceError]:
    problems = []
    plan_ids = {p.id for p in content.plans}
    current = [p for p in content.plans if p.meta.current]
    if len(current) > 1:
        for plan in current[1:]:
            problems.append(
                entry_error(
                    plan,
                    ("current",),
                    f"more than one plan says current: true ({', '.join(p.id for p in current)})",
                    "set current: true on the plan in force now only",
                )
            )
    for plan in content.plans:
        meta = plan.meta
        if meta.previous and meta.previous not in plan_ids:
            problems.append(
                entry_error(
                    plan,
                    ("previous",),
                    f"there is no plan '{meta.previous}'",
                    did_you_mean(meta.previous, plan_ids),
                )
            )
        if meta.submitted and meta.submitted > today:
            problems.append(
                entry_error(
                    plan,
                    ("submitted",),
                    f"the submission date {meta.submitted:%-d %B %Y} is in the future",
                    "give the date it was actually submitted, or leave submitted: out until then",
                )
            )
        problems += _check_plan_actions(plan, today)
        problems += _check_plan_names(plan)
    problems += _check_carried_forward(content.plans)
    return problems


def check_plan(plan: Entry[Plan], today: dt.date) -> list[SourceError]:
    """One plan's own checks (ids, phases, pillars, dates), as `check` runs them: the importer
    runs them too, so a file it writes never fails `make check`."""
    return [*_check_plan_actions(plan, today), *_check_plan_names(plan)]


def _check_plan_names(plan: Entry[Plan]) -> list[SourceError]:
    """Phase and pillar ids name the plan's filter pages (plans/ID/phase/year-1/), so a name
    Windows keeps for a device cannot be one."""
    problems = []
    meta = plan.meta
    for group, ids in (
        ("phases", [p.id for p in meta.phases]),
        ("pillars", [p.id for p in meta.pillars]),
    ):
        for index, ident in enumerate(ids):
            if reserved_on_windows(ident):
                new = free_name(ident, ids)
                problems.append(
                    entry_error(
                        plan,
                        (group, index, "id"),
                        f"'{ident}' is a name Windows keeps for a device, so the page of its "
                        "actions could not be copied to a Windows computer or many web servers",
                        f"call it '{new}' here and in the actions' {group}: lists",
                    )
                )
    return problems


def _plan_path(entry: Entry[Plan], path: PathKey) -> PathKey:
    """The path as the file spells it: the theme may be written career-development there."""
    data = entry.located.data if entry.located else None
    themes = data.get("themes") if isinstance(data, dict) else None
    spelt_with_hyphen = isinstance(themes, dict) and "career-development" in themes
    if len(path) > 1 and path[1] == "career_development" and spelt_with_hyphen:
        return (path[0], "career-development", *path[2:])
    return path


def _plan_error(
    entry: Entry[Plan], path: PathKey, message: str, hint: str, warning: bool = False
) -> SourceError:
    return entry_error(entry, _plan_path(entry, path), message, hint, warning=warning)


def _check_plan_actions(plan: Entry[Plan], today: dt.date) -> list[SourceError]:
    problems = []
    meta = plan.meta
    phases = {p.id: p for p in meta.phases}
    pillars = {p.id for p in meta.pillars}
    seen: set[str] = set()
    for item in meta.located_actions():
        action, path = item.action, item.path
        for kind, used, defined in (
            ("phase", action.phases, set(phases)),
            ("pillar", action.pillars, pillars),
        ):
            problems += [
                _plan_error(
                    plan,
                    (*path, f"{kind}s", index),
                    f"there is no {kind} '{name}' in this plan",
                    did_you_mean(name, defined) + f" ({kind}s are listed under '{kind}s:')",
                )
                for index, name in enumerate(used)
                if name not in defined
            ]
        problems += [
            _plan_error(
                plan,
                (*path, "also_serves", index),
                f"the action is already under {THEMES[theme]}, so it cannot also serve it",
                f"remove '{theme}' from also_serves (list only other themes it supports)",
            )
            for index, theme in enumerate(action.also_serves)
            if theme == item.theme_id
        ]
        if item.anchor in seen:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "id") if action.id else (*path, "title"),
                    f"two actions have the id '{item.anchor}'"
                    + ("" if action.id else " (made from the objective code and position)"),
                    "give each action its own id (it is the link to the action)",
                )
            )
        seen.add(item.anchor)
        due = action.target_date
        if due is None and action.timing == "phases":
            ends = [phases[p].end for p in action.phases if p in phases]
            known = [end for end in ends if end is not None]
            due = max(known) if known and len(known) == len(ends) else None
        if action.status == "not-started" and due is not None and due < today:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "status"),
                    f"'{action.title[:50]}' was due by {due:%-d %B %Y} and is still not started",
                    "update its status (delayed, carried-forward, withdrawn...) or its target",
                    warning=True,
                )
            )
        start = action.start_date
        if start and due and start > due:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "start"),
                    f"the action starts ({action.start_label}) after it is due ({due:%-d %B %Y})",
                    "check start: and target:",
                )
            )
        for index, update in enumerate(action.updates):
            if update.date > today:
                problems.append(
                    _plan_error(
                        plan,
                        (*path, "updates", index, "date"),
                        f"the progress update is dated {update.date:%-d %B %Y}, in the future",
                        "date an update on the day it was written",
                    )
                )
        latest = action.latest_update
        latest_status = next(
            (u.status for u in action.updates_newest_first if u.status is not None), None
        )
        if latest is not None and latest_status and latest_status != action.status:
            problems.append(
                _plan_error(
                    plan,
                    (*path, "status"),
                    f"the status is '{action.status}' but the latest update with a status says "
                    f"'{latest_status}'",
                    "change status: to match, or add an update that explains the change",
                    warning=True,
                )
            )
    return problems


def _check_carried_forward(plans: tuple[Entry[Plan], ...]) -> list[SourceError]:
    """Links between an action in one plan and its continuation in another, both ways."""
    problems: list[SourceError] = []
    by_id = {p.id: p for p in plans}
    anchors = {p.id: {a.anchor: a for a in p.meta.located_actions()} for p in plans}
    named_as_continuation: set[tuple[str, str]] = set()
    for plan in plans:
        problems += _check_links_out(plan, by_id, anchors, named_as_continuation)
        problems += _check_carried_status(plan, anchors[plan.id].values())
    for plan in plans:
        # In the newest plan, 'carried forward' can point at a plan not yet written.
        if not any(p.meta.period.start > plan.meta.period.start for p in plans):
            continue
        problems += _check_said_where_to(plan, anchors[plan.id].values(), named_as_continuation)
    return problems


def _check_links_out(
    plan: Entry[Plan],
    by_id: dict[str, Entry[Plan]],
    anchors: dict[str, dict[str, PlanAction]],
    named_as_continuation: set[tuple[str, str]],
) -> list[SourceError]:
    """The plan's carried_forward_to/from links; adds each action a 'from' link names to
    named_as_continuation."""
    problems: list[SourceError] = []
    for item in anchors[plan.id].values():
        for field_name in ("carried_forward_to", "carried_forward_from"):
            ref = getattr(item.action, field_name)
            if ref is None:
                continue
            other_id, other_anchor = ref.split("/", 1)
            problem = _unresolved_link(
                plan, (*item.path, field_name), other_id, other_anchor, by_id, anchors
            )
            if problem is not None:
                problems.append(problem)
                continue
            other = anchors[other_id][other_anchor]
            problems += _check_direction(plan, item, field_name, by_id[other_id], other)
            if field_name == "carried_forward_from":
                named_as_continuation.add((other_id, other_anchor))
    return problems


def _unresolved_link(
    plan: Entry[Plan],
    path: PathKey,
    other_id: str,
    other_anchor: str,
    by_id: dict[str, Entry[Plan]],
    anchors: dict[str, dict[str, PlanAction]],
) -> SourceError | None:
    """The problem with a link to action `other_anchor` of plan `other_id`, if it leads nowhere."""
    if other_id not in by_id:
        return _plan_error(
            plan,
            path,
            f"there is no plan '{other_id}'",
            did_you_mean(other_id, list(by_id))
            + " (write the plan's file name, without .yaml, a slash and the action's id)",
        )
    if other_id == plan.id:
        return _plan_error(
            plan,
            path,
            "an action cannot be carried forward within the same plan",
            "name an action in another plan, e.g. the plan that follows this one",
        )
    if other_anchor not in anchors[other_id]:
        return _plan_error(
            plan,
            path,
            f"the plan '{other_id}' has no action '{other_anchor}'",
            did_you_mean(other_anchor, list(anchors[other_id]))
            + f" (the ids of actions in {other_id})",
        )
    return None


def _check_carried_status(plan: Entry[Plan], items: Iterable[PlanAction]) -> list[SourceError]:
    """An action carried forward to another plan has the status that says so."""
    return [
        _plan_error(
            plan,
            (*item.path, "status"),
            f"the action is carried forward to {item.action.carried_forward_to} but its "
            f"status is '{item.action.status}'",
            "set status: carried-forward, or remove carried_forward_to:",
        )
        for item in items
        if item.action.carried_forward_to is not None and item.action.status != "carried-forward"
    ]


def _check_said_where_to(
    plan: Entry[Plan], items: Iterable[PlanAction], named_as_continuation: set[tuple[str, str]]
) -> list[SourceError]:
    """An action marked carried forward says where to, unless a later action names it."""
    return [
        _plan_error(
            plan,
            (*item.path, "status"),
            f"'{item.action.title[:50]}' is carried forward but does not say where to",
            "add carried_forward_to: with the new plan's file name and action id "
            "(e.g. 2024-2027/v1-1), so the pages can link the two",
            warning=True,
        )
        for item in items
        if item.action.status == "carried-forward"
        and item.action.carried_forward_to is None
        and (plan.id, item.anchor) not in named_as_continuation
    ]


def _check_direction(
    plan: Entry[Plan], item: PlanAction, field_name: str, other_plan: Entry[Plan], other: PlanAction
) -> list[SourceError]:
    path = (*item.path, field_name)
    forward = field_name == "carried_forward_to"
    later, earlier = (other_plan, plan) if forward else (plan, other_plan)
    if later.meta.period.start <= earlier.meta.period.start:
        word = "earlier" if forward else "later"
        return [
            _plan_error(
                plan,
                path,
                f"'{other_plan.id}' starts {word} than this plan, so the action cannot have been "
                f"carried {'forward to' if forward else 'over from'} it",
                "carried_forward_to names a later plan; carried_forward_from an earlier one",
            )
        ]
    back = other.action.carried_forward_from if forward else other.action.carried_forward_to
    mine = f"{plan.id}/{item.anchor}"
    if back is not None and back != mine:
        reverse = "carried_forward_from" if forward else "carried_forward_to"
        return [
            _plan_error(
                plan,
                path,
                f"this points at {other_plan.id}/{other.anchor}, but that action's {reverse} "
                f"names {back}, not {mine}",
                "make the two agree (or remove one: a link written on one side is shown on both)",
            )
        ]
    return []
