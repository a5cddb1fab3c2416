"""The plan model: periods, how timing is written, stages, and stable action anchors."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from pydantic import ValidationError

from site_builder.models import Action, Feedback, Period, Plan
from tests.sites import PLAN


@pytest.mark.parametrize(
    ("target", "timing", "due", "label"),
    [
        (dt.date(2026, 3, 14), "date", "2026-03-14", "14 March 2026"),
        ("2026-02", "month", "2026-02-28", "February 2026"),
        ("Dec-19", "month", "2019-12-31", "December 2019"),
        ("March 2026", "month", "2026-03-31", "March 2026"),
        (2027, "year", "2027-12-31", "2027"),
        ("all years", "all-years", None, "All years"),
        ("Ongoing", "ongoing", None, "Ongoing"),
        ("TBC after the review", "words", None, "TBC after the review"),
    ],
)
def test_timing_is_read_the_way_plans_write_it(
    target: object, timing: str, due: str | None, label: str
) -> None:
    action = Action.model_validate({"title": "x", "target": target})
    assert action.timing == timing
    assert (action.target_date.isoformat() if action.target_date else None) == due
    assert action.target_label == label


def test_phases_alone_give_the_timing() -> None:
    assert Action(title="x", phases=["year-1"]).timing == "phases"
    assert Action(title="x").timing is None


def test_start_month_is_its_first_day() -> None:
    action = Action.model_validate({"title": "x", "start": "2025-11", "target": "2026-02"})
    assert action.start_date == dt.date(2025, 11, 1) and action.start_label == "November 2025"


@pytest.mark.parametrize(
    ("period", "end", "months"),
    [
        ({"start": "2024-09-01", "months": 36}, "2027-08-31", 36),
        ({"start": "2024-09-01", "end": "2027-08-31"}, "2027-08-31", 36),
        ({"start": "2025-01-15", "months": 24}, "2027-01-14", 24),
        ({"start": "2024-09-01", "end": "2026-08-31", "months": 24}, "2026-08-31", 24),
    ],
)
def test_period_by_end_or_by_months(period: dict[str, object], end: str, months: int) -> None:
    parsed = Period.model_validate(period)
    assert (parsed.end.isoformat(), parsed.months) == (end, months)


def test_feedback_must_say_something() -> None:
    with pytest.raises(ValidationError, match="neither a summary nor a document"):
        Feedback.model_validate({"received": "2026-01-01"})


def test_stage_in_plain_words_is_accepted() -> None:
    data = yaml.safe_load(PLAN)
    data["stage"] = "Self assessment"
    assert Plan.model_validate(data).stage_label == "Self-assessment and first action plan"


def test_anchors_come_from_ids_or_objective_codes() -> None:
    plan = Plan.model_validate(yaml.safe_load(PLAN))
    anchors = [(a.anchor, a.theme_id) for a in plan.located_actions()]
    assert anchors == [
        ("v-1", "visibility"),
        ("r1-1", "recognition"),
        ("cd-1", "career-development"),
        ("s-1", "sustainability"),
    ]
