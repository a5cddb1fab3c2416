"""The column mapping: printed even when the import stops, so it can be corrected; a mapping
file may name a column by heading, by letter or by position, blank headings included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from site_builder.cli import main
from site_builder.models import Plan

BLANK_LEAD = "Theme\tAction\t\nVisibility\tRun a fair\tAli\n\tOpen the labs\tSam\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _printed_mapping(out: str) -> str:
    """The mapping as printed: the lines after the line that introduces it, up to a blank."""
    after = out.split("--map FILE):\n", 1)[1]
    return after.split("\n\n", 1)[0]


@pytest.mark.parametrize(
    "table",
    [
        "Area\tAction\nVis.\tRun a fair\nRec.\tGive an award\n",  # themes no one could tell
        "Area\tAction\tLead\nVis.\tRun a fair\t\n",
        "\tAction\tLead\nVis.\tRun a fair\tAli\n",  # and a blank heading
    ],
)
def test_a_stopped_import_still_prints_the_mapping_it_would_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    source = _write(tmp_path / "plan.txt", table)
    out = tmp_path / "plan.yaml"
    assert main(["import", str(source), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "cannot tell which theme" in captured.err
    mapping = _printed_mapping(captured.out)
    data = yaml.safe_load(mapping)
    assert data["header_row"] == 1
    assert "Action" in data["columns"] or "B" in data["columns"]
    if table.startswith("\t"):
        assert "A" in data["columns"]  # the blank heading, by letter
    # Saved as it is, it is a mapping file the importer accepts (it stops for the same reason).
    map_file = _write(tmp_path / "map.yaml", mapping)
    assert main(["import", str(source), "--out", str(out), "--map", str(map_file)]) == 1
    assert "cannot tell which theme" in capsys.readouterr().err
    assert not out.exists()


def test_a_table_with_no_header_prints_a_mapping_to_start_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "plan.txt", "Visibility\tRun a fair\tAli\n")
    assert main(["import", str(source), "--out", str(tmp_path / "plan.yaml")]) == 1
    captured = capsys.readouterr()
    assert "no header row found" in captured.err
    assert "header_row: 1" in _printed_mapping(captured.out)


@pytest.mark.parametrize("key", ["C", "3", "column 3", "''"])
def test_a_mapping_names_a_blank_heading_by_letter_position_or_blank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    source = _write(tmp_path / "plan.txt", BLANK_LEAD)
    out = tmp_path / "plan.yaml"
    map_file = _write(tmp_path / "map.yaml", f"columns:\n  {key}: lead\n")
    assert main(["import", str(source), "--out", str(out), "--map", str(map_file)]) == 0
    plan = Plan.model_validate(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert [a.lead for a in plan.themes.visibility.actions] == [["Ali"], ["Sam"]]


def test_two_blank_headings_must_be_named_by_letter_or_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "plan.txt", "Theme\t\tAction\t\nVisibility\tx1\tRun\tAli\n")
    map_file = _write(tmp_path / "map.yaml", "columns:\n  '': lead\n")
    assert (
        main(["import", str(source), "--out", str(tmp_path / "p.yaml"), "--map", str(map_file)])
        == 1
    )
    err = capsys.readouterr().err
    assert "more than one column has no heading" in err and "B, D" in err


@pytest.mark.parametrize("key", ["0", "9", "column 12"])
def test_a_position_outside_the_table_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    source = _write(tmp_path / "plan.txt", BLANK_LEAD)
    map_file = _write(tmp_path / "map.yaml", f"columns:\n  {key}: lead\n")
    assert (
        main(["import", str(source), "--out", str(tmp_path / "p.yaml"), "--map", str(map_file)])
        == 1
    )
    assert "the table has 3 columns, numbered from 1" in capsys.readouterr().err


def test_the_printed_mapping_of_phase_pairs_reimports_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = (
        "\tUp to 12 months\tEvaluation of impact\t1-2 years\tEvaluation of impact\n"
        "Visibility Make technical work seen by all\tRun a fair\tVisitors\tRun two\tMore\n"
    )
    source = _write(tmp_path / "plan.txt", table)
    out = tmp_path / "plan.yaml"
    assert main(["import", str(source), "--out", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    printed = capsys.readouterr().out.split("\n", 1)[1].split("\n\n", 1)[0]
    map_file = _write(tmp_path / "map.yaml", printed)
    assert main(["import", str(source), "--out", str(out), "--map", str(map_file), "--force"]) == 0
    plan = Plan.model_validate(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert [(a.title, a.evidence, a.phases) for a in plan.themes.visibility.actions] == [
        ("Run a fair", "Visitors", ["up-to-12-months"]),
        ("Run two", "More", ["1-2-years"]),
    ]
    assert out.read_text(encoding="utf-8").count("title:") == first.count("title:")


def test_the_readme_mapping_example_works(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("A mapping looks like this:", 1)[1].split("```yaml\n", 1)[1]
    example = example.split("```", 1)[0]
    table = (
        "Our plan\n\n"
        "\tSponsor\tAction\tOwner\tNotes\n"
        "Visibility\tDean\tRun a fair\tAli\tVisitors counted\n"
    )
    source = _write(tmp_path / "plan.txt", table)
    map_file = _write(tmp_path / "map.yaml", example)
    out = tmp_path / "plan.yaml"
    assert main(["import", str(source), "--out", str(out), "--map", str(map_file)]) == 0
    plan = Plan.model_validate(yaml.safe_load(out.read_text(encoding="utf-8")))
    (action,) = plan.themes.visibility.actions
    assert (action.title, action.lead, action.stakeholders) == ("Run a fair", ["Ali"], "Dean")
    assert action.evidence == "Visitors counted" and action.phases == ["up-to-12-months"]
