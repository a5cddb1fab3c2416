"""The three real plans in ../shared/seeds, imported: every action row becomes one action,
every cell's text is somewhere in the YAML, themes map to the four, and the site builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from site_builder.importers import import_file
from site_builder.importers.words import is_tick, normalise
from site_builder.models import Plan
from tests.importing import SEEDS, builds, yaml_text_haystack
from tests.sites import TODAY, TinySite

# For each seed: the line of the header, and how its theme heading rows look (they are not
# actions). Counted here from the file itself, not from the importer.
LAYOUTS = {
    "000_8ddc4c3ccfe51a42.txt": (7, None),
    "001_daa7585b354d6b72.txt": (3, re.compile(r"[A-Za-z ]+:")),
    "002_e6dc8806fe6286a1.txt": (3, None),
}
STATED = {
    "000_8ddc4c3ccfe51a42.txt": 7,
    "001_daa7585b354d6b72.txt": 18,
    "002_e6dc8806fe6286a1.txt": 23,
}


def seed(name: str) -> Path:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the seeds are shared study material)")
    return path


def lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n")]


def action_lines(name: str) -> list[int]:
    """Line numbers of the rows that are actions: after the header, not blank, not a heading."""
    header, heading = LAYOUTS[name]
    found = []
    for number, cells in enumerate(lines(seed(name)), 1):
        if number <= header or not any(c.strip() for c in cells):
            continue
        if heading and heading.fullmatch(cells[0].strip()):
            continue
        found.append(number)
    return found


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_action_row_becomes_exactly_one_action(name: str) -> None:
    expected = action_lines(name)
    assert len(expected) == STATED[name]
    result = import_file(seed(name), today=TODAY)
    places = [action.place for action in result.draft.actions]
    assert sorted(places, key=lambda p: int(p.split()[-1])) == [f"line {n}" for n in expected]
    plan = Plan.model_validate(yaml.safe_load(result.text))
    assert len(plan.all_actions) == STATED[name]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_cell_text_is_in_the_yaml(name: str) -> None:
    result = import_file(seed(name), today=TODAY)
    haystack = yaml_text_haystack(result.text)
    missing = [
        cell
        for cells in lines(seed(name))
        for cell in cells
        if cell.strip() and not is_tick(cell) and normalise(cell) not in haystack
    ]
    assert missing == []


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_themes_map_to_the_four(name: str) -> None:
    result = import_file(seed(name), today=TODAY)
    assert set(result.draft.themes) == {
        "visibility",
        "recognition",
        "career-development",
        "sustainability",
    }
    assert all(theme.all_actions for theme in result.draft.themes.values())


def test_broken_theme_names_are_recognised() -> None:
    result = import_file(seed("000_8ddc4c3ccfe51a42.txt"), today=TODAY)
    themes = result.draft.themes
    assert [a.place for a in themes["career-development"].all_actions] == ["line 13"]
    assert [a.place for a in themes["sustainability"].all_actions] == ["line 14"]


def test_heading_rows_give_goals_and_are_not_actions() -> None:
    result = import_file(seed("001_daa7585b354d6b72.txt"), today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    for _, theme in plan.themes.items():
        assert not theme.goal.startswith("(")  # each theme's goal came from its heading row


def test_tick_columns_become_phases() -> None:
    name = "002_e6dc8806fe6286a1.txt"
    result = import_file(seed(name), today=TODAY)
    plan = Plan.model_validate(yaml.safe_load(result.text))
    assert [p.label for p in plan.phases] == ["0-12 months", "12-24 months"]
    ticks = {
        number: [cells[1].strip() == "x", cells[2].strip() == "x"]
        for number, cells in enumerate(lines(seed(name)), 1)
        if number in action_lines(name)
    }
    phase_ids = ["0-12-months", "12-24-months"]
    for action in result.draft.actions:
        row_ticks = ticks[int(action.place[5:])]
        wanted = [pid for pid, on in zip(phase_ids, row_ticks, strict=True) if on]
        assert action.fields.get("phases", []) == wanted


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_site_builds_from_the_import(name: str, tiny_site: TinySite) -> None:
    result = import_file(seed(name), today=TODAY)
    assert builds(tiny_site, result.text) > 0
    assert (tiny_site.root / "output" / "plans" / "imported" / "index.html").exists()
