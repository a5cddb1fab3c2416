"""Plans in eight shapes (tests/plan_tables.py), each as tab-separated text, .docx and .xlsx,
import with no mapping into files that pass the plan checks, with every action the table has,
none it does not, and every word of the table somewhere in the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from site_builder.cli import main
from site_builder.importers import import_file
from site_builder.importers.words import THEME_ORDER, is_tick
from site_builder.models import Plan
from tests.plan_tables import FORMATS, LAYOUTS, Layout, words, write_table
from tests.sites import TODAY, TinySite

CASES = [(layout, suffix) for layout in LAYOUTS for suffix in FORMATS]
IDS = [f"{layout.name}{suffix}" for layout, suffix in CASES]


def table_words(layout: Layout) -> set[str]:
    """Every word of the table and the lines above it; tick marks become phases, not words."""
    cells = [cell for row in layout.rows for cell in row if not is_tick(cell)]
    return words(" ".join([*layout.above, *cells]))


def imported(layout: Layout, suffix: str, folder: Path) -> tuple[str, Plan]:
    result = import_file(write_table(layout, folder, suffix), today=TODAY)
    return result.text, Plan.model_validate(yaml.safe_load(result.text))


@pytest.mark.parametrize(("layout", "suffix"), CASES, ids=IDS)
def test_every_action_and_no_other(layout: Layout, suffix: str, tmp_path: Path) -> None:
    _, plan = imported(layout, suffix, tmp_path)
    assert len(plan.all_actions) == layout.actions
    known = table_words(layout)
    for action in plan.all_actions:
        assert words(action.title) <= known, action.title  # no action the table did not give
    for theme_id in THEME_ORDER:
        theme = getattr(plan.themes, theme_id.replace("-", "_"))
        assert theme.all_actions, theme_id  # every fixture has all four themes
        for objective in theme.objectives:
            assert words(objective.title) <= known, objective.title
            assert objective.actions, objective.title  # no objective made from a wrapped line


@pytest.mark.parametrize(("layout", "suffix"), CASES, ids=IDS)
def test_no_word_of_the_table_is_lost(layout: Layout, suffix: str, tmp_path: Path) -> None:
    text, _ = imported(layout, suffix, tmp_path)
    assert table_words(layout) - words(text) == set()


@pytest.mark.parametrize(("layout", "suffix"), CASES, ids=IDS)
def test_the_period_is_the_one_the_table_gives(layout: Layout, suffix: str, tmp_path: Path) -> None:
    _, plan = imported(layout, suffix, tmp_path)
    start, end = plan.period.start, plan.period.end
    months = round(((end - start).days + 1) / 30.4375)
    if layout.months:
        assert months == layout.months
    if layout.years:
        assert (start.year, end.year) in (layout.years, (layout.years[0], layout.years[1]))
        assert months >= 12
    assert end > start + dt.timedelta(days=300)
    assert not plan.title.startswith("#")


@pytest.mark.parametrize(("layout", "suffix"), CASES, ids=IDS)
def test_theme_goals_come_from_the_table(layout: Layout, suffix: str, tmp_path: Path) -> None:
    _, plan = imported(layout, suffix, tmp_path)
    known = table_words(layout)
    stated = [t for t in THEME_ORDER if _has_statement(layout, t)]
    for theme_id in stated:
        goal = getattr(plan.themes, theme_id.replace("-", "_")).goal
        assert not goal.startswith("("), (theme_id, goal)
        assert words(goal) <= known, goal


def _has_statement(layout: Layout, theme_id: str) -> bool:
    """Whether the table states this theme's goal (a cell naming it followed by a sentence)."""
    name = theme_id.replace("-", " ")
    for row in layout.rows[1:]:
        for number, cell in enumerate(row):
            lowered = cell.lower()
            if not lowered.startswith(name) and not lowered.lstrip("0123456789. ").startswith(name):
                continue
            after = cell[len(name) :].strip(" :–-")
            later = [c for c in row[number + 1 :] if c]
            if len(after.split()) >= 3 or (len(later) == 1 and len(later[0].split()) >= 3):
                return True
    return False


def test_every_written_file_passes_site_builder_check(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """All 24 files at once in one site, checked as `make check` checks them."""
    folder = tiny_site.root / "tables"
    folder.mkdir()
    for layout, suffix in CASES:
        result = import_file(write_table(layout, folder, suffix), today=TODAY)
        name = f"{layout.name}-{suffix[1:]}"
        tiny_site.write(f"content/plans/{name}.yaml", result.text)
    monkeypatch.chdir(tiny_site.root)
    code = main(["check", "--today", TODAY.isoformat()])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert ": error" not in captured.out + captured.err
