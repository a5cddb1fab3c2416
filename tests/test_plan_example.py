"""The example institution's current plan shows off every feature of the plan model."""

from __future__ import annotations

import datetime as dt
from functools import cache

from site_builder.content import Content
from site_builder.discovery import discover, load_documents
from site_builder.models import STATUSES, TIMING_KINDS
from site_builder.project import Project
from site_builder.published import PlanView, select_published
from site_builder.validate import validate_content
from tests.sites import ROOT

TODAY = dt.date(2026, 11, 24)


@cache
def example() -> tuple[Content, list[PlanView]]:
    sources = discover(Project.at(ROOT / "content"))
    content, problems = validate_content(sources, load_documents(sources), TODAY)
    assert content is not None, [p.format() for p in problems]
    plan_problems = [p for p in problems if p.path and p.path.parent.name == "plans"]
    assert plan_problems == [], [p.format() for p in plan_problems]
    return content, list(select_published(content, TODAY, drafts=False).plans)


def current() -> PlanView:
    return next(p for p in example()[1] if p.plan.current)


def test_every_status_is_used_by_actions_and_by_updates() -> None:
    plan = current()
    assert set(plan.counts) == set(STATUSES)
    update_statuses = {u.status for a in plan.plan.all_actions for u in a.updates if u.status}
    assert update_statuses == set(STATUSES)


def test_every_way_of_giving_timing_is_used() -> None:
    used = {a.timing for a in current().plan.all_actions}
    assert used >= set(TIMING_KINDS)
    assert any(a.start is not None for a in current().plan.all_actions)


def test_codes_phases_pillars_alignment_and_resources_are_used() -> None:
    plan = current()
    assert all(o.code for _, t in plan.plan.themes.items() for o in t.objectives)
    actions = plan.plan.all_actions
    assert plan.plan.phases and all(a.phases for a in actions)
    assert plan.plan.pillars and {p for a in actions for p in a.pillars} == {
        p.id for p in plan.plan.pillars
    }
    assert any(a.also_serves for a in actions) and any(a.resources for a in actions)
    assert any(u.evidence for a in actions for u in a.updates)


def test_stage_submission_self_assessment_and_feedback_are_recorded() -> None:
    plan = current().plan
    assert plan.stage and plan.submitted and plan.self_assessment and plan.feedback
    assert plan.next_report_due and plan.technician_voice and plan.period.months == 36


def test_carried_forward_actions_are_linked_both_ways_from_the_archived_plan() -> None:
    archived = next(p for p in example()[1] if not p.plan.current)
    carried = [a for a in archived.actions if a.action.status == "carried-forward"]
    assert carried and all(a.carried_to is not None for a in carried)
    assert {(a.carried_to.plan_id, a.carried_to.anchor) for a in carried if a.carried_to} == {
        (current().id, a.anchor) for a in current().carried_in
    }
    # Written on one side only, on the other, and on both: all three are in the example.
    written = [
        (a.action.carried_forward_to is not None, b.action.carried_forward_from is not None)
        for a in carried
        for b in current().carried_in
        if a.carried_to and a.carried_to.anchor == b.anchor
    ]
    assert {(True, False), (False, True), (True, True)} <= set(written)
