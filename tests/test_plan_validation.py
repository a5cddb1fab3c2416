"""Every plan check names the file, line and field, and says what to do."""

from __future__ import annotations

import pytest

from site_builder.errors import SourceError
from tests.sites import TinySite
from tests.test_validate import validate

OLD = """\
title: Plan 2022 to 2025
period:
  start: 2022-09-01
  end: 2025-08-31
themes:
  visibility:
    goal: Be seen.
    actions:
      - id: v-1
        title: Start a web page
        status: carried-forward
        updates:
          - date: 2025-08-20
            status: carried-forward
            note: Continues as a gallery.
  recognition:
    goal: Be recognised.
    actions:
      - title: Start an award
        status: complete
  career_development:
    goal: Grow.
    actions:
      - title: Write role profiles
        status: complete
  sustainability:
    goal: Last.
    actions:
      - title: Map the workforce
        status: complete
"""

NEW = """\
title: Plan 2025 to 2028
period:
  start: 2025-09-01
  months: 36
current: true
stage: resubmission
submitted: 2025-10-01
phases:
  - id: year-1
    label: Year 1
    start: 2025-09-01
    end: 2026-08-31
themes:
  visibility:
    goal: Make technical work seen.
    objectives:
      - code: V1
        title: Galleries
        actions:
          - id: v1-1
            title: Publish a gallery of technicians
            status: on-track
            target: 2027-06
  recognition:
    goal: Recognise technical contributions.
    actions:
      - title: Start an annual award
        status: on-track
  career_development:
    goal: Grow careers.
    actions:
      - title: Fund registration fees
        status: on-track
  sustainability:
    goal: Plan for the future workforce.
    actions:
      - title: Start an apprenticeship scheme
        status: on-track
"""

NEW_FILE = "content/plans/2025-2028.yaml"
OLD_FILE = "content/plans/2022-2025.yaml"


@pytest.fixture
def plans(tiny_site: TinySite) -> TinySite:
    tiny_site.write(OLD_FILE, OLD)
    tiny_site.write(NEW_FILE, NEW)
    return tiny_site


def edit(site: TinySite, relative: str, old: str, new: str) -> str:
    text = (site.root / relative).read_text()
    assert old in text, old
    text = text.replace(old, new, 1)
    site.write(relative, text)
    return text


def line_of(text: str, fragment: str, after: str = "") -> int:
    """The line number of the first line containing fragment (after another fragment)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(start, len(lines)) if fragment in lines[i]) + 1


def problems_of(site: TinySite, severity: str = "error") -> list[SourceError]:
    _, problems = validate(site)
    return [p for p in problems if p.severity == severity]


def only(site: TinySite, severity: str = "error") -> SourceError:
    found = problems_of(site, severity)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def assert_at(problem: SourceError, file: str, line: int, field: str) -> None:
    assert problem.path is not None and problem.path.name == file.rsplit("/", 1)[-1]
    assert (problem.line, problem.field) == (line, field), problem.format()
    assert problem.hint


def test_the_two_plans_are_valid_and_quiet(plans: TinySite) -> None:
    assert problems_of(plans) == []
    # The old plan's carried-forward action does not say where it went: the one warning.
    warning = only(plans, "warning")
    assert "does not say where to" in warning.message


# --- period ---------------------------------------------------------------------------------


def test_period_with_neither_end_nor_months(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "  months: 36\n", "")
    error = only(plans)
    assert_at(error, NEW_FILE, line_of(text, "period:"), "period")
    assert error.message == "the period has no end"
    assert "months:" in (error.hint or "")


def test_months_that_disagree_with_end(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "  months: 36\n", "  months: 24\n  end: 2028-08-31\n")
    error = only(plans)
    assert_at(error, NEW_FILE, line_of(text, "months: 24"), "period.months")
    assert "is 36 months, not 24" in error.message


def test_months_work_out_the_end(plans: TinySite) -> None:
    content, _ = validate(plans)
    assert content is not None
    plan = next(p for p in content.plans if p.id == "2025-2028").meta
    assert str(plan.period.end) == "2028-08-31" and plan.period.months == 36


def test_phase_ending_before_it_starts(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "    end: 2026-08-31\n", "    end: 2025-08-31\n")
    assert_at(only(plans), NEW_FILE, line_of(text, "end: 2025-08-31"), "phases[1].end")


# --- timing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("2027-02-30", "is not a date"),
        ("2027-13", "is not a month"),
        ("1066", "is not a likely year"),
    ],
)
def test_target_that_looks_like_a_date_but_is_not(plans: TinySite, written: str, says: str) -> None:
    text = edit(plans, NEW_FILE, "target: 2027-06", f'target: "{written}"')
    error = only(plans)
    field = "themes.visibility.objectives[1].actions[1].target"
    assert_at(error, NEW_FILE, line_of(text, f'target: "{written}"'), field)
    assert says in error.message


def test_start_must_be_a_date_or_a_month(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "target: 2027-06", "target: 2027-06\n            start: soon")
    error = only(plans)
    field = "themes.visibility.objectives[1].actions[1].start"
    assert_at(error, NEW_FILE, line_of(text, "start: soon"), field)
    assert "not a date or a month" in error.message


def test_start_after_target(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "target: 2027-06", "target: 2027-06\n            start: 2027-09")
    error = only(plans)
    field = "themes.visibility.objectives[1].actions[1].start"
    assert_at(error, NEW_FILE, line_of(text, "start: 2027-09"), field)
    assert "starts (September 2027) after it is due (30 June 2027)" in error.message


def test_overdue_by_phase_is_a_warning(plans: TinySite) -> None:
    text = edit(
        plans,
        NEW_FILE,
        "      - title: Fund registration fees\n        status: on-track\n",
        "      - title: Fund registration fees\n        phases: [year-1]\n",
    )
    warning = next(p for p in problems_of(plans, "warning") if "still not started" in p.message)
    field = "themes.career_development.actions[1].status"
    line = line_of(text, "title: Fund registration fees")
    assert (warning.line, warning.field) == (line, field)
    assert "due by 31 August 2026" in warning.message


# --- stage, submission, feedback -------------------------------------------------------------


def test_unknown_stage_suggests_the_nearest(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "stage: resubmission", "stage: resubmision")
    error = only(plans)
    assert_at(error, NEW_FILE, line_of(text, "stage:"), "stage")
    assert error.hint and error.hint.startswith("did you mean 'resubmission'?")


def test_draft_with_a_submission_date(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "stage: resubmission", "stage: draft")
    assert_at(only(plans), NEW_FILE, line_of(text, "submitted:"), "submitted")


def test_submission_in_the_future(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "submitted: 2025-10-01", "submitted: 2027-01-01")
    error = only(plans)
    assert_at(error, NEW_FILE, line_of(text, "submitted:"), "submitted")
    assert "in the future" in error.message


def test_feedback_before_submission(plans: TinySite) -> None:
    text = edit(
        plans,
        NEW_FILE,
        "submitted: 2025-10-01\n",
        "submitted: 2025-10-01\nfeedback:\n  received: 2025-09-01\n  summary: Good.\n",
    )
    error = only(plans)
    assert_at(error, NEW_FILE, line_of(text, "feedback:"), "feedback")
    assert "earlier than the submission" in error.message


def test_feedback_needs_a_summary_or_a_document(plans: TinySite) -> None:
    text = edit(
        plans,
        NEW_FILE,
        "submitted: 2025-10-01\n",
        "submitted: 2025-10-01\nfeedback:\n  received: 2026-01-10\n  by: the panel\n",
    )
    error = only(plans)
    assert_at(error, NEW_FILE, line_of(text, "received:"), "feedback.received")
    assert "neither a summary nor a document" in error.message


# --- carried forward --------------------------------------------------------------------------


def test_carried_forward_both_ways_is_quiet(plans: TinySite) -> None:
    edit(plans, OLD_FILE, "        status: carried-forward\n", "        status: carried-forward\n"
         "        carried_forward_to: 2025-2028/v1-1\n")  # fmt: skip
    edit(plans, NEW_FILE, "            status: on-track\n            target: 2027-06",
         "            status: on-track\n            target: 2027-06\n"
         "            carried_forward_from: 2022-2025/v-1")  # fmt: skip
    assert problems_of(plans) == [] and problems_of(plans, "warning") == []


def test_link_written_on_the_new_side_only_is_enough(plans: TinySite) -> None:
    carry_from(plans, "2022-2025/v-1")
    assert problems_of(plans) == [] and problems_of(plans, "warning") == []


def carry_from(site: TinySite, ref: str) -> str:
    return edit(
        site,
        NEW_FILE,
        "            target: 2027-06",
        f"            target: 2027-06\n            carried_forward_from: {ref}",
    )


def carry_to(site: TinySite, ref: str) -> str:
    return edit(
        site,
        OLD_FILE,
        "        status: carried-forward\n",
        f"        status: carried-forward\n        carried_forward_to: {ref}\n",
    )


def test_carried_forward_to_a_reference_in_the_wrong_form(plans: TinySite) -> None:
    text = carry_to(plans, "v1-1")
    error = only(plans)
    field = "themes.visibility.actions[1].carried_forward_to"
    assert_at(error, OLD_FILE, line_of(text, "carried_forward_to"), field)
    assert error.hint and "2024-2027/v1-1" in error.hint


def test_carried_forward_to_an_unknown_plan(plans: TinySite) -> None:
    text = carry_to(plans, "2025-2029/v1-1")
    error = only(plans)
    field = "themes.visibility.actions[1].carried_forward_to"
    assert_at(error, OLD_FILE, line_of(text, "carried_forward_to"), field)
    assert error.message == "there is no plan '2025-2029'"
    assert error.hint and "2025-2028" in error.hint


def test_carried_forward_to_an_unknown_action(plans: TinySite) -> None:
    text = carry_to(plans, "2025-2028/v1-2")
    error = only(plans)
    assert_at(
        error,
        OLD_FILE,
        line_of(text, "carried_forward_to"),
        "themes.visibility.actions[1].carried_forward_to",
    )
    assert error.message == "the plan '2025-2028' has no action 'v1-2'"
    assert error.hint and error.hint.startswith("did you mean 'v1-1'?")


def test_carried_forward_within_the_same_plan(plans: TinySite) -> None:
    text = carry_from(plans, "2025-2028/r-1")
    error = only(plans)
    field = "themes.visibility.objectives[1].actions[1].carried_forward_from"
    assert_at(error, NEW_FILE, line_of(text, "carried_forward_from"), field)
    assert "within the same plan" in error.message


def test_carried_forward_to_an_earlier_plan(plans: TinySite) -> None:
    text = edit(
        plans,
        NEW_FILE,
        "            status: on-track\n            target: 2027-06",
        "            status: carried-forward\n            target: 2027-06\n"
        "            carried_forward_to: 2022-2025/v-1",
    )
    errors = problems_of(plans)
    error = next(e for e in errors if "starts earlier" in e.message)
    field = "themes.visibility.objectives[1].actions[1].carried_forward_to"
    assert_at(error, NEW_FILE, line_of(text, "carried_forward_to"), field)


def test_two_sides_that_disagree(plans: TinySite) -> None:
    text = carry_to(plans, "2025-2028/v1-1")
    carry_from(plans, "2022-2025/r-1")
    error = only(plans)
    field = "themes.visibility.actions[1].carried_forward_to"
    assert_at(error, OLD_FILE, line_of(text, "carried_forward_to"), field)
    assert "names 2022-2025/r-1, not 2022-2025/v-1" in error.message
    assert "make the two agree" in (error.hint or "")


def test_carried_forward_to_needs_the_status_to_match(plans: TinySite) -> None:
    text = edit(
        plans,
        OLD_FILE,
        "      - title: Start an award\n        status: complete\n",
        "      - title: Start an award\n        status: complete\n"
        "        carried_forward_to: 2025-2028/v1-1\n",
    )
    error = only(plans)
    field = "themes.recognition.actions[1].status"
    assert_at(error, OLD_FILE, line_of(text, "status: complete", after="Start an award"), field)
    assert "set status: carried-forward" in (error.hint or "")


def test_newest_plan_may_carry_forward_to_a_plan_not_yet_written(plans: TinySite) -> None:
    edit(plans, NEW_FILE, "            status: on-track\n            target: 2027-06",
         "            status: carried-forward\n            target: 2027-06")  # fmt: skip
    warnings = problems_of(plans, "warning")
    assert [w.path.name for w in warnings if w.path] == ["2022-2025.yaml"]


# --- updates ----------------------------------------------------------------------------------


def test_update_dated_in_the_future(plans: TinySite) -> None:
    text = edit(plans, OLD_FILE, "date: 2025-08-20", "date: 2027-08-20")
    error = only(plans)
    field = "themes.visibility.actions[1].updates[1].date"
    assert_at(error, OLD_FILE, line_of(text, "date: 2027-08-20"), field)


def test_status_that_contradicts_the_latest_update_is_a_warning(plans: TinySite) -> None:
    text = edit(plans, OLD_FILE, "        status: carried-forward\n", "        status: complete\n")
    warning = only(plans, "warning")
    field = "themes.visibility.actions[1].status"
    assert_at(warning, OLD_FILE, line_of(text, "status: complete"), field)
    assert "latest update with a status says 'carried-forward'" in warning.message


def test_generated_id_clashing_with_a_written_one(plans: TinySite) -> None:
    text = edit(
        plans,
        NEW_FILE,
        "      - title: Start an annual award\n",
        "      - id: r-2\n        title: Start an annual award\n        status: on-track\n"
        "      - title: Second award\n",
    )
    error = only(plans)
    field = "themes.recognition.actions[2].title"
    assert_at(error, NEW_FILE, line_of(text, "title: Second award"), field)
    assert "two actions have the id 'r-2'" in error.message


def test_hyphenated_theme_errors_point_at_the_line(plans: TinySite) -> None:
    text = edit(plans, NEW_FILE, "career_development:", "career-development:")
    text = edit(plans, NEW_FILE, "      - title: Fund registration fees\n",
                "      - title: Fund registration fees\n        pillars: [people]\n")  # fmt: skip
    error = only(plans)
    assert_at(
        error,
        NEW_FILE,
        line_of(text, "pillars: [people]"),
        "themes.career-development.actions[1].pillars[1]",
    )


def test_an_action_cannot_also_serve_its_own_theme(plans: TinySite) -> None:
    text = edit(
        plans,
        NEW_FILE,
        "      - title: Fund registration fees\n",
        "      - title: Fund registration fees\n        also_serves: [recognition, career]\n",
    )
    error = only(plans)
    field = "themes.career_development.actions[1].also_serves[2]"
    assert_at(error, NEW_FILE, line_of(text, "also_serves:"), field)
    assert "already under Career Development" in error.message
