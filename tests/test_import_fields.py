"""Columns for the plan model's newer fields: resources apart from stakeholders, start, timing
kinds of the target, every progress update in one cell, and carried-forward links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from site_builder.importers import import_file
from site_builder.importers.columns import role_from_wording
from site_builder.importers.updates import read_updates
from site_builder.models import Plan
from tests.sites import TODAY


def imported(tmp_path: Path, table: str) -> tuple[Plan, str]:
    path = tmp_path / "plan.tsv"
    path.write_text(table, encoding="utf-8")
    result = import_file(path, today=TODAY)
    return Plan.model_validate(yaml.safe_load(result.text)), result.text


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Resources", "resources"),
        ("Budget", "resources"),
        ("Costs and funding", "resources"),
        ("Stakeholders", "stakeholders"),
        ("Partners involved", "stakeholders"),
        ("Resources and key stakeholders", "stakeholders"),
        ("Resources/ key stakeholders involved:", "stakeholders"),
        ("Tasks, Resources and Impact", "action"),
        ("Start date", "start"),
        ("Start", "start"),
        ("Timeline", "target"),
        ("Projected dates", "target"),
        ("Carried forward to", "carried_forward_to"),
        ("carried_forward_from", "carried_forward_from"),
        ("Updates", "updates"),
        ("Progress update", "update_note"),
    ],
)
def test_header_wording_gives_the_newer_fields(header: str, role: str) -> None:
    assert role_from_wording(header) == role


def test_separate_resources_and_stakeholders_columns_each_keep_their_own(tmp_path: Path) -> None:
    plan, _ = imported(
        tmp_path,
        "Theme\tAction\tResources\tStakeholders\nVisibility\tRun a fair\t£500\tEstates\n",
    )
    action = plan.themes.visibility.actions[0]
    assert (action.resources, action.stakeholders) == ("£500", "Estates")


def test_a_combined_resources_and_stakeholders_column_is_stakeholders(tmp_path: Path) -> None:
    plan, _ = imported(
        tmp_path, "Theme\tAction\tResources and key stakeholders\nVisibility\tRun a fair\tHR\n"
    )
    action = plan.themes.visibility.actions[0]
    assert (action.resources, action.stakeholders) == (None, "HR")
    assert plan.labels.stakeholders == "Resources and key stakeholders"


def test_a_resources_column_keeps_its_heading_as_the_label(tmp_path: Path) -> None:
    plan, _ = imported(tmp_path, "Theme\tAction\tBudget\nVisibility\tRun a fair\t£500\n")
    assert plan.themes.visibility.actions[0].resources == "£500"
    assert plan.labels.resources == "Budget"


@pytest.mark.parametrize(
    ("cell", "target", "timing"),
    [
        ("Jul-26", "Jul-26", "month"),
        ("July 2026", "July 2026", "month"),
        ("2026-07", "2026-07", "month"),
        ("Jul'26", "2026-07", "month"),
        ("31/07/2026", dt.date(2026, 7, 31), "date"),
        ("2026-07-31", dt.date(2026, 7, 31), "date"),
        ("2027", "2027", "year"),
        ("All years", "All years", "all-years"),
        ("ongoing", "ongoing", "ongoing"),
        ("TBC after the review", "TBC after the review", "words"),
    ],
)
def test_a_timeline_cell_becomes_a_target_of_the_right_kind(
    tmp_path: Path, cell: str, target: object, timing: str
) -> None:
    plan, _ = imported(tmp_path, f"Theme\tAction\tTimeline\nVisibility\tRun a fair\t{cell}\n")
    action = plan.themes.visibility.actions[0]
    assert (action.target, action.timing) == (target, timing)


def test_a_start_column_gives_start_and_a_vague_start_is_kept_for_a_person(
    tmp_path: Path,
) -> None:
    plan, text = imported(
        tmp_path,
        "Theme\tAction\tStart date\tTimeline\n"
        "Visibility\tRun a fair\tSep 2025\tJul-26\n"
        "Visibility\tHold a forum\tAutumn term\t2026\n",
    )
    first, second = plan.themes.visibility.actions
    assert first.start == "Sep 2025" and first.start_date == dt.date(2025, 9, 1)
    assert second.start is None
    assert "Start date: Autumn term" in text and "CHECK: 'Autumn term'" in text


UPDATES = (
    "2026-03-01 [At risk] The venue fell through.\n"
    "We are looking again. Evidence: Minutes, March <https://x.example/m.pdf>, Plan </plan/>\n"
    "2025-11-02 Booked."
)


def test_every_update_in_one_cell_is_read_oldest_first() -> None:
    found = read_updates(UPDATES)
    assert found.problems == []
    first, second = found.updates
    assert first == {"date": dt.date(2025, 11, 2), "note": "Booked."}
    assert second["status"] == "at-risk"
    assert second["note"] == "The venue fell through.\nWe are looking again."
    assert second["evidence"] == [
        {"title": "Minutes, March", "url": "https://x.example/m.pdf"},
        {"title": "Plan", "url": "/plan/"},
    ]


def test_an_updates_cell_that_cannot_be_read_is_kept_for_a_person(tmp_path: Path) -> None:
    plan, text = imported(
        tmp_path, 'Theme\tAction\tUpdates\nVisibility\tRun a fair\t"Spring: venue booked"\n'
    )
    assert plan.themes.visibility.actions[0].updates == []
    assert "venue booked" in text and "could not all be read" in text


def test_carried_forward_columns_give_links_and_a_bad_one_is_kept(tmp_path: Path) -> None:
    plan, text = imported(
        tmp_path,
        "Theme\tAction\tCarried forward from\n"
        "Visibility\tRun a fair\t2021-2024/v1-2\n"
        "Visibility\tHold a forum\tthe last plan\n",
    )
    first, second = plan.themes.visibility.actions
    assert first.carried_forward_from == "2021-2024/v1-2"
    assert second.carried_forward_from is None and "the last plan" in text


def test_columns_worked_out_from_others_are_not_kept_as_comments(tmp_path: Path) -> None:
    plan, text = imported(
        tmp_path,
        "Theme\tAction\tTarget\tTiming\tTarget date\tStatus\tStatus label\n"
        "Visibility\tRun a fair\tJul-26\tmonth\t2026-07-31\ton-track\tOn track\n",
    )
    assert plan.themes.visibility.actions[0].target == "Jul-26"
    assert "month" not in text.split("themes:")[1] and "On track" not in text.split("themes:")[1]


def test_a_timing_column_of_the_tables_own_is_kept_as_detail(tmp_path: Path) -> None:
    plan, _ = imported(
        tmp_path, "Theme\tAction\tTarget\tTiming\nVisibility\tRun a fair\t2026\tSpring term\n"
    )
    action = plan.themes.visibility.actions[0]
    assert action.target == "2026" and action.details == "Spring term"


@pytest.mark.parametrize(
    ("cell", "start", "target"),
    [
        ("Sep 2025 - Jul 2026", "Sep 2025", "Jul 2026"),
        ("2025-09 to 2026-07-31", "2025-09", dt.date(2026, 7, 31)),
        ("01/09/2025 – Dec-26", dt.date(2025, 9, 1), "Dec-26"),
    ],
)
def test_a_timeline_cell_with_a_span_gives_start_and_target(
    tmp_path: Path, cell: str, start: object, target: object
) -> None:
    plan, text = imported(tmp_path, f"Theme\tAction\tTimeline\nVisibility\tRun a fair\t{cell}\n")
    action = plan.themes.visibility.actions[0]
    assert (action.start, action.target) == (start, target)
    assert cell in text  # as written, in a comment


def test_a_span_of_years_or_words_stays_words(tmp_path: Path) -> None:
    plan, _ = imported(tmp_path, "Theme\tAction\tTimeline\nVisibility\tRun a fair\t2025 - 2026\n")
    action = plan.themes.visibility.actions[0]
    assert (action.start, action.target) == (None, "2025 - 2026")


def test_a_link_to_a_plan_not_beside_the_new_file_is_marked_to_check(tmp_path: Path) -> None:
    (tmp_path / "2021-2024.yaml").write_text("title: old\n", encoding="utf-8")
    source = tmp_path / "plan.tsv"
    source.write_text(
        "Theme\tAction\tCarried forward from\n"
        "Visibility\tRun a fair\t2021-2024/v1-2\n"
        "Visibility\tHold a forum\t2018-2021/v-1\n",
        encoding="utf-8",
    )
    text = import_file(source, today=TODAY, out=tmp_path / "2024-2027.yaml").text
    assert text.count("CHECK: carried_forward_from names the plan") == 1
    assert "the plan '2018-2021', which is not in" in text


def test_evidence_that_is_not_a_web_address_stays_in_the_note() -> None:
    (update,) = read_updates("2026-01-10 Shared. Evidence: Minutes <www.example.com>").updates
    assert update == {
        "date": dt.date(2026, 1, 10),
        "note": "Shared. Evidence: Minutes <www.example.com>",
    }


def test_a_progress_column_beside_an_updates_column_is_kept(tmp_path: Path) -> None:
    plan, _ = imported(
        tmp_path,
        "Theme\tAction\tUpdates\tProgress update\n"
        "Visibility\tRun a fair\t2026-01-10 Booked.\tGoing well\n",
    )
    action = plan.themes.visibility.actions[0]
    assert [u.note for u in action.updates] == ["Booked."]
    assert action.details == "Going well"
