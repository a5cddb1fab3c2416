"""Each kind of problem from issue 18, tried in several variants: themes named in any column,
continuation rows, the period and phases, the title, and addresses that would clash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from site_builder.importers import import_file
from site_builder.importers.phases import phase_months
from site_builder.models import Plan
from tests.sites import TODAY


def _plan(tmp_path: Path, text: str, name: str = "plan.txt") -> tuple[str, Plan]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_file(path, today=TODAY)
    return result.text, Plan.model_validate(yaml.safe_load(result.text))


def _said(text: str) -> str:
    """The file's text with comment marks taken out, so a note wrapped over lines reads whole."""
    return " ".join(line.strip().lstrip("#").strip() for line in text.splitlines())


def _rows(*rows: tuple[str, ...]) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


# --- a theme named at the start of a cell, in any column -------------------------------------

THEME_CELLS = [
    ("Visibility Make technical work seen by everyone", "visibility"),
    ("Recognition: reward what technicians achieve", "recognition"),
    ("Career Develop ment Give every technician a path", "career_development"),
    ("Sustainab ility (of technical workforce) Keep the skills we need", "sustainability"),
    ("Theme 2 - Recognition Reward what technicians achieve", "recognition"),
    ("VISIBILITY Make technical work seen by everyone", "visibility"),
]


@pytest.mark.parametrize(("cell", "theme"), THEME_CELLS)
@pytest.mark.parametrize("heading", ["", "Area", "Theme", "Notes"])
def test_a_theme_at_the_start_of_a_cell_under_any_heading(
    tmp_path: Path, cell: str, theme: str, heading: str
) -> None:
    text = _rows(
        (heading, "Actions", "Lead"),
        (cell, "Run a fair", "Ali"),
        ("", "Open the labs", "Sam"),
    )
    _, plan = _plan(tmp_path, text)
    group = getattr(plan.themes, theme)
    assert [a.title for a in group.all_actions] == ["Run a fair", "Open the labs"]
    assert not group.goal.startswith("(")  # the rest of the cell is its goal


@pytest.mark.parametrize(
    ("code", "theme"),
    [
        ("V1", "visibility"),
        ("R2", "recognition"),
        ("CD3", "career_development"),
        ("S4", "sustainability"),
    ],
)
@pytest.mark.parametrize("heading", ["Ref", "", "Objective"])
def test_codes_give_the_theme_in_any_column(
    tmp_path: Path, code: str, theme: str, heading: str
) -> None:
    text = _rows((heading, "Actions", "Lead"), (f"{code} Make work seen", "Run a fair", "Ali"))
    _, plan = _plan(tmp_path, text)
    assert [a.title for a in getattr(plan.themes, theme).all_actions] == ["Run a fair"]


# --- continuation rows ------------------------------------------------------------------------

CONTINUED = [
    # (the row above's cell, the continuation, what the cell reads as once joined)
    (
        "Invite technicians to plan new",
        "buildings from the start",
        "Invite technicians to plan new buildings from the start",
    ),
    (
        "Publish a guide for",
        "(and with) line managers",
        "Publish a guide for (and with) line managers",
    ),
    ("Fund places on leader-", "ship courses", "Fund places on leader-ship courses"),
    ("Hold an event for", "Technicians Week", "Hold an event for Technicians Week"),
    ("Share the results with the", "Steering Group.", "Share the results with the Steering Group."),
]


@pytest.mark.parametrize(("above", "rest", "joined"), CONTINUED)
@pytest.mark.parametrize("column", [1, 2])
def test_a_row_that_only_continues_the_cell_above_is_joined_with_a_check(
    tmp_path: Path, above: str, rest: str, joined: str, column: int
) -> None:
    first = ["Visibility", "Run a fair", "Ali"]
    wrapped = ["", "", ""]
    first[column] = above
    wrapped[column] = rest
    text = _rows(
        ("Theme", "Actions", "Progress"),
        tuple(first),
        tuple(wrapped),
        ("", "Open the labs", "Done"),
    )
    written, plan = _plan(tmp_path, text)
    actions = plan.themes.visibility.actions
    assert len(actions) == 2  # no action made from the continuation
    assert joined in (actions[0].title, actions[0].details)
    assert "line 3 were read as one row" in _said(written)


@pytest.mark.parametrize(
    "second",
    [
        ("", "Open the labs", ""),  # a capital: a new action, not a continuation
        ("", "V2 open the labs", ""),  # a code
        ("", "x", ""),  # a tick
        ("", "recognition of long service", ""),  # lower case, but a theme's name
        ("", "Technicians Week", "Sam"),  # two cells: a row of its own
    ],
)
def test_rows_that_are_not_continuations_are_not_joined(
    tmp_path: Path, second: tuple[str, ...]
) -> None:
    text = _rows(("Theme", "Actions", "Lead"), ("Visibility", "Run a fair", "Ali"), second)
    written, _ = _plan(tmp_path, text)
    assert "read as one row" not in _said(written)


def test_a_theme_statement_wrapped_onto_the_next_row_is_its_goal_not_an_objective(
    tmp_path: Path,
) -> None:
    for second in ("and beyond it.", "(and beyond it)", "beyond it"):
        text = _rows(
            ("", "Up to 12 months", "Evaluation of impact", "1-2 years", "Evaluation of impact"),
            ("Visibility Make technicians known across the university", "A", "B", "C", "D"),
            (second, "Film clips", "Shown", "", ""),
        )
        _, plan = _plan(tmp_path, text)
        theme = plan.themes.visibility
        assert theme.objectives == []
        assert theme.goal.endswith(second)
        assert [a.title for a in theme.actions] == ["A", "C", "Film clips"]


def test_a_theme_heading_split_over_two_rows_is_one_heading(tmp_path: Path) -> None:
    text = _rows(
        ("Objective", "Actions"),
        ("Sustainability (of technical", ""),
        ("workforce): we keep the skills we need", ""),
        ("S1 Grow our own", "Start apprenticeships"),
    )
    written, plan = _plan(tmp_path, text)
    theme = plan.themes.sustainability
    assert [o.code for o in theme.objectives] == ["S1"]
    assert [a.title for a in theme.all_actions] == ["Start apprenticeships"]
    assert "workforce" in written and "we keep the skills we need" in theme.goal


# --- period, phases and title -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "months"),
    [
        ("Technician Commitment 24 Month Action Plan", 24),
        ("Our 36 month plan", 36),
        ("36-month action plan", 36),
        ("Action plan (12 months)", 12),
    ],
)
def test_the_title_gives_the_length(tmp_path: Path, title: str, months: int) -> None:
    text = f"{title}\n\n" + _rows(("Theme", "Actions"), ("Visibility", "Run a fair"))
    written, plan = _plan(tmp_path, text)
    assert plan.period.end == _add(plan.period.start, months) - dt.timedelta(days=1)
    assert "the title says" not in written


def _add(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


@pytest.mark.parametrize(
    ("title", "first", "last"),
    [("Action plan 2023-25", 2023, 2025), ("Plan for 2025 to 2028", 2025, 2028)],
)
def test_the_title_gives_the_years(tmp_path: Path, title: str, first: int, last: int) -> None:
    text = f"{title}\n\n" + _rows(
        ("Theme", "Actions", "Timeline"), ("Visibility", "Run a fair", "by December 2030")
    )
    _, plan = _plan(tmp_path, text)
    assert (plan.period.start.year, plan.period.end.year) == (first, last)


def test_a_title_whose_months_disagree_with_the_years_says_check(tmp_path: Path) -> None:
    text = "Our 12 month plan\n\n" + _rows(
        ("Theme", "Actions", "Year"),
        ("Visibility", "Run a fair", "2023/2024"),
        ("", "Open the labs", "2025/2026"),
    )
    written, plan = _plan(tmp_path, text)
    assert (plan.period.start, plan.period.end) == (dt.date(2023, 8, 1), dt.date(2026, 7, 31))
    assert "the title says 12 months but this period is 36" in _said(written)


@pytest.mark.parametrize(
    "years",
    [
        ("2023/2024", "2024-2025", "All"),
        ("2023-24", "2024/25", "2023/2024"),
        ("2024-2025", "2023/24", ""),
    ],
)
def test_year_columns_give_the_period_not_a_date_in_a_sentence(
    tmp_path: Path, years: tuple[str, str, str]
) -> None:
    text = _rows(
        ("Theme", "Actions", "Success measure", "Year"),
        ("Visibility", "Run a fair", "First one by December 2023", years[0]),
        ("", "Open the labs", "Held", years[1]),
        ("", "Thank them", "Thanked", years[2]),
    )
    _, plan = _plan(tmp_path, text)
    assert (plan.period.start, plan.period.end) == (dt.date(2023, 8, 1), dt.date(2025, 7, 31))
    assert plan.title == "Action plan 2023-2025"


def test_one_month_mentioned_is_not_a_one_month_plan(tmp_path: Path) -> None:
    for cell in ("by December 2023", "Dec-23", "December 2023"):
        text = _rows(("Theme", "Actions", "Success measure"), ("Visibility", "Run a fair", cell))
        _, plan = _plan(tmp_path, text)
        assert plan.period.end - plan.period.start >= dt.timedelta(days=364)


@pytest.mark.parametrize(
    ("label", "span"),
    [
        ("0-12 months", (0, 12)),
        ("12-24 months", (12, 24)),
        ("Up to 12 months", (0, 12)),
        ("Within 6 months", (0, 6)),
        ("1-2 years", (12, 24)),
        ("2-3 years", (24, 36)),
        ("Year 1", (0, 12)),
        ("Year 3", (24, 36)),
        ("Months 13-24", (12, 24)),
        ("Second year", (12, 24)),
        ("Short term", None),
        ("2024/25", None),
    ],
)
def test_phases_named_by_months_or_years_run_then(label: str, span: tuple[int, int] | None) -> None:
    assert phase_months(label) == span


def test_phases_get_dates_so_their_actions_are_on_the_timeline(tmp_path: Path) -> None:
    text = "Our 24 month plan\n\n" + _rows(
        ("Theme", "Up to 12 months", "1-2 years"),
        ("Visibility Make technical work seen by all", "Run a fair", "Run two"),
    )
    _, plan = _plan(tmp_path, text)
    start = plan.period.start
    first, second = plan.phases
    assert (first.start, first.end) == (start, _add(start, 12) - dt.timedelta(days=1))
    assert (second.start, second.end) == (_add(start, 12), plan.period.end)


@pytest.mark.parametrize(
    "line",
    [
        "## Our action plan",
        "# Our action plan",
        "**Our action plan",
        "- Our action plan",
        "Our action plan",
    ],
)
def test_a_title_keeps_its_words_not_its_markup(tmp_path: Path, line: str) -> None:
    text = f"{line}\n\n" + _rows(("Theme", "Actions"), ("Visibility", "Run a fair"))
    _, plan = _plan(tmp_path, text)
    assert plan.title == "Our action plan"


# --- addresses that would clash ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "rows"),
    [
        # two objectives with one code
        ("Objective", (("V2 Make work seen", "Run a fair"), ("V2 Tell stories", "Write a story"))),
        # an objective without a code in second place, beside one coded V2
        (
            "Objective",
            (
                ("V1 Make work seen", "Run a fair"),
                ("Tell stories", "Write a story"),
                ("V2 More", "Go"),
            ),
        ),
        # one action code written twice
        ("Ref", (("V1.1", "Run a fair"), ("V1.1", "Write a story"))),
    ],
)
def test_actions_that_would_share_an_address_are_given_their_own(
    tmp_path: Path, heading: str, rows: tuple[tuple[str, str], ...]
) -> None:
    written, plan = _plan(tmp_path, _rows((heading, "Actions"), *rows))
    anchors = [item.anchor for item in plan.located_actions()]
    assert len(anchors) == len(set(anchors)) == len(rows)
    assert "another action already has the address" in _said(written)


def test_an_unfinished_cell_takes_only_a_row_of_one_cell(tmp_path: Path) -> None:
    text = _rows(
        ("Theme", "Actions", "Lead"),
        ("Visibility", "Hold an event for", "Ali"),
        ("", "Technicians Week", "Sam"),  # a lead of its own: a second action
    )
    written, plan = _plan(tmp_path, text)
    assert [a.title for a in plan.themes.visibility.actions] == [
        "Hold an event for",
        "Technicians Week",
    ]
    assert "read as one row" not in _said(written)


def test_dates_written_as_dates_count_for_the_period(tmp_path: Path) -> None:
    for first, last in (("31/03/2026", "30/09/2027"), ("2026-03", "2027-09")):
        text = _rows(
            ("Theme", "Actions", "Target date"),
            ("Visibility", "Run a fair", first),
            ("", "Open the labs", last),
        )
        _, plan = _plan(tmp_path, text)
        assert (plan.period.start, plan.period.end) == (dt.date(2026, 3, 1), dt.date(2027, 9, 30))


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2024/25", dt.date(2024, 8, 1), dt.date(2025, 7, 31)),
        ("2025-2026", dt.date(2025, 8, 1), dt.date(2026, 7, 31)),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_phases_named_by_their_years_run_then(
    tmp_path: Path, label: str, start: dt.date, end: dt.date
) -> None:
    text = _rows(("Theme", label, "Actions"), ("Visibility", "x", "Run a fair"))
    _, plan = _plan(tmp_path, text)
    (phase,) = plan.phases
    assert (phase.label, phase.start, phase.end) == (label, start, end)
    assert plan.themes.visibility.actions[0].phases == [phase.id]


@pytest.mark.parametrize(
    ("timing", "more"),
    [
        ("31/07/2026", "Sep 2026 - Jul 2027"),  # a start, on the next row, after the target
        ("Jul 2026", "Sep 2026 - Dec 2026"),
    ],
)
def test_a_start_after_the_due_date_is_kept_as_a_comment(
    tmp_path: Path, timing: str, more: str
) -> None:
    text = _rows(
        ("Theme", "Actions", "Target date"),
        ("Visibility", "Run a fair", timing),
        ("", "", more),
    )
    written, plan = _plan(tmp_path, text)
    (action,) = plan.themes.visibility.actions
    assert action.start is None
    assert "after it is due" in _said(written) and "Sep 2026" in written


def test_a_progress_update_dated_after_today_is_kept_as_a_comment(tmp_path: Path) -> None:
    later = (TODAY + dt.timedelta(days=40)).isoformat()
    text = _rows(
        ("Theme", "Actions", "Last update", "Last update note"),
        ("Visibility", "Run a fair", later, "Booked the hall"),
        ("", "Open the labs", TODAY.isoformat(), "Done"),
    )
    written, plan = _plan(tmp_path, text)
    first, second = plan.themes.visibility.actions
    assert first.updates == [] and "Booked the hall" in written
    assert "dated after today" in _said(written)
    assert [u.note for u in second.updates] == ["Done"]


@pytest.mark.parametrize("code", ["V", "CD", "R2", "S1.1"])
def test_nothing_continues_a_cell_that_is_only_a_code(tmp_path: Path, code: str) -> None:
    text = _rows(
        ("Theme", "Objective", "Actions"),
        (code, "Make work seen", "Run a fair"),
        ("(with the union)", "", ""),
    )
    written, plan = _plan(tmp_path, text)
    assert "read as one row" not in _said(written)
    assert "with the union" in written
    assert len(plan.all_actions) == 1
