"""The Word and Excel readers, on tables made here with python-docx and openpyxl: merged cells,
a table split over two pages, tick columns, codes and two phases side by side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import Workbook

from site_builder.importers import ImportStopped, import_file
from site_builder.importers.read_docx import read_docx_tables
from site_builder.importers.read_xlsx import read_xlsx_table
from site_builder.models import Plan
from tests.importing import builds
from tests.sites import TODAY, TinySite

HEADER = ["Theme", "Objective", "Action", "Year 1", "Year 2", "Success measures"]
FIRST_PAGE = [
    ["Visibility", "V1 Make technical work seen", "Open the labs to visitors", "x", "", "Two days"],
    ["", "", "Add technicians to staff pages", "", "✓", "Profiles online"],
    ["", "V2 Tell their stories", "Write a monthly story", "х", "Х", ""],  # Cyrillic ticks
]
SECOND_PAGE = [
    ["Recognition", "R1 Reward excellence", "Start an annual award", "X", "", "Awards given"],
    ["Career Develop ment", "CD1 Clear paths", "Publish career paths", "", "☑", ""],
    ["Sustainab ility", "S1 Grow new technicians", "Recruit apprentices", "x", "x x", "Four"],
]
THIRD_PAGE = [["", "", "Mentor the apprentices", "", "x", ""]]  # no header repeated


def _fill(table: object, rows: list[list[str]], start: int) -> None:
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(start + r, c).text = value  # type: ignore[attr-defined]


def split_plan_docx(path: Path) -> Path:
    document = Document()
    document.add_paragraph("Our Technician Commitment action plan")
    first = document.add_table(rows=1 + len(FIRST_PAGE), cols=len(HEADER))
    _fill(first, [HEADER], 0)
    _fill(first, FIRST_PAGE, 1)
    # The theme cell spans the three rows; the first objective spans two.
    first.cell(1, 0).merge(first.cell(3, 0)).text = "Visibility"
    first.cell(1, 1).merge(first.cell(2, 1)).text = "V1 Make technical work seen"
    document.add_paragraph("")
    second = document.add_table(rows=1 + len(SECOND_PAGE), cols=len(HEADER))
    _fill(second, [HEADER], 0)  # the header row repeated on the new page
    _fill(second, SECOND_PAGE, 1)
    third = document.add_table(rows=1, cols=len(HEADER))
    _fill(third, THIRD_PAGE, 0)
    document.save(str(path))
    return path


def test_docx_reader_leaves_merged_cells_empty_after_the_first(tmp_path: Path) -> None:
    tables = read_docx_tables(split_plan_docx(tmp_path / "plan.docx"))
    assert len(tables) == 3
    first = tables[0]
    assert [row.cell(0) for row in first.rows] == ["Theme", "Visibility", "", ""]
    assert [row.cell(1) for row in first.rows][1:3] == ["V1 Make technical work seen", ""]
    assert first.rows[2].place == "table 1, row 3"
    assert first.caption == "Our Technician Commitment action plan"


def test_docx_horizontal_merge_keeps_the_grid(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=2, cols=3)
    _fill(table, [["Action", "Lead", "Target"], ["Run a survey", "", "2026-03"]], 0)
    table.cell(1, 0).merge(table.cell(1, 1)).text = "Run a survey"
    document.save(str(tmp_path / "wide.docx"))
    (only,) = read_docx_tables(tmp_path / "wide.docx")
    assert only.rows[1].cells == ("Run a survey", "", "2026-03")


def test_docx_plan_split_over_pages_imports_whole(tmp_path: Path) -> None:
    result = import_file(split_plan_docx(tmp_path / "plan.docx"), today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    counts = {key: len(theme.all_actions) for key, theme in plan.themes.items()}
    assert counts == {
        "visibility": 3,
        "recognition": 1,
        "career-development": 1,
        "sustainability": 2,
    }
    visibility = plan.themes.visibility
    assert [(o.code, o.title, len(o.actions)) for o in visibility.objectives] == [
        ("V1", "Make technical work seen", 2),
        ("V2", "Tell their stories", 1),
    ]
    assert [o.code for _, t in plan.themes.items() for o in t.objectives] == [
        "V1",
        "V2",
        "R1",
        "CD1",
        "S1",
    ]
    assert [p.label for p in plan.phases] == ["Year 1", "Year 2"]
    phases = {a.title: a.phases for a in plan.all_actions}
    assert phases["Add technicians to staff pages"] == ["year-2"]
    assert phases["Write a monthly story"] == ["year-1", "year-2"]
    assert phases["Recruit apprentices"] == ["year-1", "year-2"]  # 'x x' is one tick
    assert phases["Mentor the apprentices"] == ["year-2"]  # the third table continues S1
    assert plan.themes.sustainability.objectives[0].actions[1].title == "Mentor the apprentices"


def test_docx_two_phases_side_by_side_become_two_actions(tmp_path: Path) -> None:
    document = Document()
    rows = [
        ["Theme", "Year 1 action", "Year 1 impact", "Year 2 action", "Year 2 impact"],
        ["Visibility", "Run a survey", "A baseline", "Repeat the survey", "Change measured"],
        ["Recognition", "", "", "Start awards", "Nominations received"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    _fill(table, rows, 0)
    document.save(str(tmp_path / "phases.docx"))
    result = import_file(tmp_path / "phases.docx", today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    got = [(a.title, a.phases, a.evidence) for a in plan.all_actions]
    assert got == [
        ("Run a survey", ["year-1"], "A baseline"),
        ("Repeat the survey", ["year-2"], "Change measured"),
        ("Start awards", ["year-2"], "Nominations received"),
    ]


def plan_workbook(path: Path) -> Path:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes["A1"] = "Read me first"
    sheet = workbook.create_sheet("Plan")
    sheet["A1"] = "Action plan 2025 to 2028"
    sheet.merge_cells("A1:G1")
    sheet.append([])
    sheet.append(["Ref", "Theme", "Action", "Lead", "By when", "Research", "Teaching"])
    sheet.append(["V1.1", "Visibility", "Hold a showcase", "Comms team", None, "✔", None])
    sheet.append(["V1.2", None, "Film technicians at work", "Media unit", None, None, "✔"])
    sheet.append(["R1.1", "Recognition", "Nominate for awards", "HR", None, "✔", "✔"])
    sheet.merge_cells("B4:B5")
    sheet["E4"] = dt.datetime(2026, 7, 1)
    sheet["E4"].number_format = "mmm-yy"
    sheet["E5"] = dt.datetime(2026, 9, 30)
    sheet["E5"].number_format = "dd/mm/yyyy"
    workbook.save(str(path))
    return path


def test_xlsx_reader_reads_the_chosen_sheet_with_merges_and_dates(tmp_path: Path) -> None:
    table = read_xlsx_table(plan_workbook(tmp_path / "plan.xlsx"), "Plan")
    assert table.rows[0].cells[:2] == ("Action plan 2025 to 2028", "")
    assert table.rows[4].cell(1) == ""  # under the merged theme cell
    assert table.rows[3].cell(4) == "2026-07"  # shown as a month
    assert table.rows[4].cell(4) == "2026-09-30"
    assert table.rows[4].place == "row 5"


def test_xlsx_reads_the_first_sheet_unless_told(tmp_path: Path) -> None:
    table = read_xlsx_table(plan_workbook(tmp_path / "plan.xlsx"), None)
    assert table.rows[0].cells[0] == "Read me first"


def test_xlsx_plan_imports_codes_pillars_and_targets(tmp_path: Path, tiny_site: TinySite) -> None:
    result = import_file(plan_workbook(tmp_path / "plan.xlsx"), sheet="Plan", today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    visibility = plan.themes.visibility.actions
    assert [(a.id, a.title, a.lead, a.target) for a in visibility] == [
        ("v1-1", "Hold a showcase", ["Comms team"], "2026-07"),
        ("v1-2", "Film technicians at work", ["Media unit"], dt.date(2026, 9, 30)),
    ]
    assert [(p.id, p.label) for p in plan.pillars] == [
        ("research", "Research"),
        ("teaching", "Teaching"),
    ]
    assert plan.themes.recognition.actions[0].pillars == ["research", "teaching"]
    assert plan.labels.lead == "Lead" and plan.labels.target == "By when"
    assert builds(tiny_site, result.text) > 0


def test_docx_two_row_header_under_a_merged_heading(tmp_path: Path) -> None:
    document = Document()
    rows = [
        ["Theme", "Action", "Timescale", "", "", "Lead"],
        ["", "", "Year 1", "Year 2", "Year 3", ""],
        ["Recognition", "Start a long-service award", "", "✓", "✓", "HR"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    _fill(table, rows, 0)
    table.cell(0, 2).merge(table.cell(0, 4)).text = "Timescale"
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Theme"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Action"
    document.save(str(tmp_path / "two-rows.docx"))
    plan = Plan.model_validate(yaml.safe_load(import_file(tmp_path / "two-rows.docx").text))
    assert [p.label for p in plan.phases] == ["Year 1", "Year 2", "Year 3"]
    (action,) = plan.all_actions
    assert (action.title, action.phases, action.lead) == (
        "Start a long-service award",
        ["year-2", "year-3"],
        ["HR"],
    )


def test_docx_one_table_per_theme_under_its_heading(tmp_path: Path) -> None:
    document = Document()
    header = ["Objective No.", "Objective", "Action No.", "Action", "Status"]
    for heading, rows in (
        (
            "Theme 1: Visibility – technicians seen across campus",
            [["V1", "Be seen", "1", "Hold a fair", "On hold"]],
        ),
        ("Recognition", [["R1", "Be thanked", "1", "Add an award", "Not yet due"]]),
    ):
        document.add_paragraph(heading)
        table = document.add_table(rows=2, cols=len(header))
        _fill(table, [header, *rows], 0)
    document.save(str(tmp_path / "per-theme.docx"))
    result = import_file(tmp_path / "per-theme.docx", today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    assert plan.themes.visibility.goal == "technicians seen across campus"
    (v1,) = plan.themes.visibility.objectives
    (r1,) = plan.themes.recognition.objectives
    assert (v1.code, v1.title, v1.actions[0].title, v1.actions[0].status) == (
        "V1",
        "Be seen",
        "Hold a fair",
        "delayed",
    )
    assert (r1.code, r1.actions[0].status) == ("R1", "not-started")
    assert "Action No.: 1" in result.text  # a number that is not a code is kept


def test_docx_paragraphs_in_a_cell_become_lines_and_list_items(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=2, cols=4)
    _fill(table, [["Theme", "Action", "Details", "Success measures"]], 0)
    _fill(table, [["Visibility", "Hold a fair", "", ""]], 1)
    details = table.cell(1, 2)
    details.text = "Book the hall."
    details.add_paragraph("Invite schools: 'all of them'.")
    measures = table.cell(1, 3)
    measures.text = "100 visitors"
    measures.add_paragraph("Ten stands")
    document.save(str(tmp_path / "paragraphs.docx"))
    result = import_file(tmp_path / "paragraphs.docx", today=TODAY)
    (action,) = Plan.model_validate(yaml.safe_load(result.text)).all_actions
    assert action.details == "Book the hall.\nInvite schools: 'all of them'."
    assert action.success_measures == ["100 visitors", "Ten stands"]
    assert "details: |-" in result.text  # written as a block, readable as paragraphs


def test_xlsx_without_a_plan_on_the_first_sheet_suggests_the_others(tmp_path: Path) -> None:
    with pytest.raises(ImportStopped) as stopped:
        import_file(plan_workbook(tmp_path / "plan.xlsx"), today=TODAY)
    assert "--sheet" in stopped.value.hint and "'Plan'" in stopped.value.hint
