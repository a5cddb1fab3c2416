"""Import of layouts beyond the seeds, our own CSV export round trip, --map, and bad files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import yaml

from site_builder.cli import main
from site_builder.content import Entry
from site_builder.importers import ImportStopped, import_file
from site_builder.models import Plan
from site_builder.plan_data import plan_csv
from site_builder.published import plan_view
from tests.importing import builds
from tests.sites import PLAN, TODAY, TinySite


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def plan_of(path: Path, **options: object) -> Plan:
    result = import_file(path, today=TODAY, **options)  # type: ignore[arg-type]
    return Plan.model_validate(yaml.safe_load(result.text))


# --- a layout none of the seeds has: codes give the themes, RAG status, UK dates --------------


CODED = """\
Ref,What we will do,Owner,Due,RAG,Progress update,Date of update
V1.1,Hold a technicians' open day,Technical manager,31/03/2026,Green,"Venue booked",2026-01-15
V1.2,Put technicians on the staff pages,Web team; HR,Jun 2026,Amber,,
R1.1,Nominate technicians for awards,Heads of department,2027,Complete,,
CD2.1,Fund registration fees,HR,Ongoing,Not started,,
S1.1,Start an apprenticeship scheme,HR,Sept 2026,Red,,
"""


def test_codes_alone_give_themes_ids_status_and_targets(tmp_path: Path) -> None:
    plan = plan_of(write(tmp_path / "coded.csv", CODED))
    first, second = plan.themes.visibility.actions
    assert (first.id, first.title, first.lead) == (
        "v1-1",
        "Hold a technicians' open day",
        ["Technical manager"],
    )
    assert first.target == dt.date(2026, 3, 31) and first.status == "on-track"
    assert first.updates[0].note == "Venue booked"
    assert first.updates[0].date == dt.date(2026, 1, 15)
    assert second.lead == ["Web team", "HR"] and second.status == "at-risk"
    # A month the plan model reads as written stays as written; the site shows 'June 2026'.
    assert second.target == "Jun 2026" and second.target_date == dt.date(2026, 6, 30)
    assert plan.themes.recognition.actions[0].status == "complete"
    assert plan.themes.career_development.actions[0].target == "Ongoing"
    assert plan.themes.sustainability.actions[0].status == "delayed"
    assert plan.themes.sustainability.actions[0].target == "Sept 2026"
    assert plan.themes.sustainability.actions[0].timing == "month"


HEADINGS = """\
Action\tLead\tHow we will measure success
Theme 1: Visibility\t\t
Publish a technician of the month\tComms\tTwelve stories a year
Theme 2: Recognition\t\t
Add technicians to the awards\tHR\tAt least one nominee
Theme 3: Career development\t\t
Offer mentoring\tOD team\tTen pairs
x\tx\t
Theme 4: Sustainability\t\t
Map skills at risk\tHeads of service\tA skills register
"""


def test_theme_headings_in_the_action_column_and_stray_ticks(tmp_path: Path) -> None:
    result = import_file(write(tmp_path / "headings.txt", HEADINGS), today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    assert [len(t.all_actions) for _, t in plan.themes.items()] == [1, 1, 1, 1]
    assert plan.themes.career_development.actions[0].title == "Offer mentoring"
    assert plan.labels.success_measures == "How we will measure success"
    assert any("only tick marks" in s for s in result.draft.skipped)


def test_goal_column_beside_theme_and_objective_split_over_rows(tmp_path: Path) -> None:
    table = (
        "Theme\tGoal\tObjective\tActivity\n"
        "Visibility\tMake technicians seen\tV1 Raise the profile of\tA photo gallery\n"
        "\t\ttechnical staff\tA blog\n"
    )
    plan = plan_of(write(tmp_path / "goal.tsv", table))
    theme = plan.themes.visibility
    assert theme.goal == "Make technicians seen"
    (objective,) = theme.objectives
    assert objective.title == "Raise the profile of technical staff"
    assert [a.title for a in objective.actions] == ["A photo gallery", "A blog"]


def test_text_with_no_field_is_kept_as_a_comment(tmp_path: Path) -> None:
    table = "Theme\tAction\tBudget code\tWeird column\nVisibility\tRun a fair\tBC-12\tkeep me\n"
    result = import_file(write(tmp_path / "extra.tsv", table), today=TODAY)
    assert "keep me" in result.text and "BC-12" in result.text


def test_windows_1252_and_utf8_bom_read_the_same(tmp_path: Path) -> None:
    table = "Theme\tAction\nVisibility\tOpen the caf\u00e9 \u2013 for technicians\n"
    old = plan_of(write(tmp_path / "old.txt", table, "cp1252"))
    bom = plan_of(write(tmp_path / "bom.txt", "\ufeff" + table))
    assert old.themes == bom.themes
    assert old.themes.visibility.actions[0].title == "Open the caf\u00e9 \u2013 for technicians"


# --- our own CSV export, imported back ---------------------------------------------------------


def rich_plan() -> Plan:
    data = yaml.safe_load(PLAN)
    data["phases"] = [{"id": "year-1", "label": "Year 1"}, {"id": "year-2", "label": "Year 2"}]
    data["pillars"] = [{"id": "research", "label": "Research"}]
    visibility = data["themes"]["visibility"]["actions"]
    visibility[0].update(
        {
            "details": "Photos and short profiles.\n\nIn every building.",
            "stakeholders": "Estates, comms",
            "lead": ["Head of Technical Services", "Web team"],
            "success_measures": ["Gallery live", "50 profiles"],
            "evidence": "Visitor numbers",
            "phases": ["year-1", "year-2"],
            "also_serves": ["recognition"],
            "pillars": ["research"],
            "updates": [{"date": "2026-05-02", "note": "Live, with 52 profiles."}],
        }
    )
    visibility.append({"id": "gallery-2", "title": "Second gallery", "target": "Ongoing"})
    data["themes"]["sustainability"]["actions"][0]["target"] = dt.date(2027, 7, 31)
    return Plan.model_validate(data)


def test_csv_export_imported_back_gives_the_same_plan(tmp_path: Path) -> None:
    # Themes compared whole but for their goals, which the CSV does not carry; the example
    # plans, and what else the CSV cannot carry, are in test_import_roundtrip.py.
    original = rich_plan()
    view = plan_view(Entry("2025-2028", Path("content/plans/2025-2028.yaml"), original))
    exported = write(tmp_path / "plan.csv", plan_csv(view, lambda v: f"https://x/#{v.anchor}"))
    back = plan_of(exported)
    assert back.phases == original.phases and back.pillars == original.pillars
    for (key, theirs), (_, ours) in zip(original.themes.items(), back.themes.items(), strict=True):
        assert ours.model_dump(exclude={"goal"}) == theirs.model_dump(exclude={"goal"}), key


# --- --map, the CLI, and files it must refuse --------------------------------------------------


ODD = "Stream\tThing to do\tPerson\nVisibility\tRun a fair\tAli\n"


def test_map_overrides_a_guess_and_the_printed_mapping_can_be_reused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(
        tmp_path / "odd.txt", "Theme\tThing to do\tPerson\nVisibility\tRun a fair\tAli\n"
    )
    out = tmp_path / "plan.yaml"
    assert main(["import", str(source), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    mapping = printed.split("\n\n")[0].split("\n", 1)[1]
    assert "Person: details" in mapping and "GUESSED" in mapping
    edited = tmp_path / "map.yaml"
    edited.write_text(mapping.replace("Person: details", "Person: lead"), encoding="utf-8")
    assert main(["import", str(source), "--out", str(out), "--map", str(edited), "--force"]) == 0
    plan = Plan.model_validate(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert plan.themes.visibility.actions[0].lead == ["Ali"]


def test_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "odd.txt", ODD.replace("Stream", "Theme"))
    out = write(tmp_path / "plan.yaml", "mine\n")
    assert main(["import", str(source), "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert "--force" in capsys.readouterr().err


def test_cli_writes_into_content_plans_and_the_site_builds(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tiny_site.root)
    write(tiny_site.root / "Our Plan.csv", CODED)
    assert main(["import", "Our Plan.csv"]) == 0
    written = tiny_site.root / "content" / "plans" / "our-plan.yaml"
    out = capsys.readouterr().out
    assert "Imported 5 actions" in out and "Visibility" in out and "Needs a human look" in out
    assert builds(tiny_site, written.read_text(encoding="utf-8"), "our-plan") > 0


def _encrypted() -> bytes:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    return ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100


def _zip_without_office() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "says", "code"),
    [
        ("empty.csv", b"", "empty", 1),
        ("blank.csv", b",,\n,,\n", "there is no text", 1),
        ("junk.xlsx", bytes(range(256)) * 4, "not a .xlsx file", 1),
        ("secret.docx", _encrypted(), "password-protected", 1),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old-format", 1),
        ("zip.docx", _zip_without_office(), "damaged", 1),
        ("binary.txt", b"\x00\x01\x02abc\x00", "not a text file", 1),
        ("bad.csv", b"Theme,Action\nVisibility,\x81\x8d\x8f\x90\x9d\n", "neither UTF-8", 1),
        ("prose.txt", b"Just a letter.\nNo table here at all.\n", "no header row", 1),
        ("plan.pdf", b"%PDF-1.4", "cannot read '.pdf'", 2),
        ("nothemes.csv", b"Action,Lead\nRun a fair,Ali\n", "which theme", 1),
    ],
)
def test_bad_files_get_a_clear_message_and_exit_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    says: str,
    code: int,
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    assert main(["import", str(source), "--out", str(tmp_path / "out.yaml")]) == code
    err = capsys.readouterr().err
    assert says in err and "fix:" in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_missing_file_and_missing_sheet_are_usage_errors(tmp_path: Path) -> None:
    assert main(["import", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.yaml")]) == 2
    with pytest.raises(ImportStopped) as stopped:
        from openpyxl import Workbook

        Workbook().save(str(tmp_path / "book.xlsx"))
        import_file(tmp_path / "book.xlsx", sheet="Plan")
    assert stopped.value.exit_code == 2 and "Sheet" in stopped.value.hint


def test_a_single_cell_heading_names_the_theme_and_its_goal(tmp_path: Path) -> None:
    table = (
        "Action,Lead\n"
        "Theme 1: Visibility – technicians seen and known,\n"
        "Visibility of technicians on committees,Registrar\n"
    )
    plan = plan_of(write(tmp_path / "single.csv", table))
    assert plan.themes.visibility.goal == "technicians seen and known"
    assert [a.title for a in plan.themes.visibility.actions] == [
        "Visibility of technicians on committees"
    ]


def test_a_code_column_that_is_not_a_code_is_kept(tmp_path: Path) -> None:
    table = "No.,Theme,Action\n1.4,Visibility,Run a fair\n"
    result = import_file(write(tmp_path / "numbers.csv", table), today=TODAY)
    assert "No.: 1.4" in result.text


def test_two_columns_with_one_heading_are_mapped_by_letter(tmp_path: Path) -> None:
    table = "Theme,Notes,Action,Notes\nVisibility,first,Run a fair,second\n"
    result = import_file(write(tmp_path / "twice.csv", table), today=TODAY)
    assert "  B: details" in result.mapping_text and "  D: details" in result.mapping_text
    plan = Plan.model_validate(yaml.safe_load(result.text))
    assert plan.themes.visibility.actions[0].details == "Notes: first\n\nNotes: second"


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        ("columns:\n  Theme: wibble\n", "not a field the importer knows"),
        ("columns:\n  Nowhere: lead\n", "no column is headed 'Nowhere'"),
        ("header_row: 0\n", "header_row"),
        ("- just a list\n", "columns:"),
    ],
)
def test_a_bad_mapping_file_is_named_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mapping: str, says: str
) -> None:
    source = write(tmp_path / "plan.txt", "Theme\tAction\nVisibility\tRun a fair\n")
    map_file = write(tmp_path / "map.yaml", mapping)
    out = tmp_path / "out.yaml"
    assert main(["import", str(source), "--out", str(out), "--map", str(map_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(str(map_file)) and says in err and "fix:" in err
    assert not out.exists()


def test_a_progress_report_layout(tmp_path: Path) -> None:
    table = (
        "Theme;Action;Owner;Target date;Progress;RAG\n"
        "Sustainability;Write a succession plan;Director;30/06/2026;Draft shared with heads;A\n"
        "Sustainability;Run a skills audit;HR;2026-12;Survey sent out;G\n"
    )
    plan = plan_of(write(tmp_path / "report.csv", table))
    first, second = plan.themes.sustainability.actions
    assert first.target == dt.date(2026, 6, 30) and first.status == "at-risk"
    assert first.details == "Draft shared with heads" and plan.labels.details == "Progress"
    assert second.target == "2026-12" and second.status == "on-track"


def test_map_can_name_the_header_row(tmp_path: Path) -> None:
    text = "Our notes\tto self\nStream\tThing to do\nVisibility\tRun a fair\n"
    source = write(tmp_path / "plan.txt", text)
    mapping = {"header_row": 2, "columns": {"Stream": "theme", "Thing to do": "action"}}
    result = import_file(source, today=TODAY, overrides=mapping)
    assert result.mappings[0].header == 1
    plan = Plan.model_validate(yaml.safe_load(result.text))
    assert plan.themes.visibility.actions[0].title == "Run a fair"
    assert "line 1: Our notes" in result.text  # the row above is kept as a comment
