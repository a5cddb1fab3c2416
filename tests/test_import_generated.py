"""Property: whatever the table (tests/plan_generator.py makes them at random from a seed),
the import writes a plan that passes the checks `make check` runs, with every word of the
table in it, or stops with a clear message. Never a traceback, never a file that fails."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from site_builder.content import Entry
from site_builder.importers import ImportStopped, import_file
from site_builder.importers.words import is_tick
from site_builder.models import Plan
from site_builder.plan_checks import check_plan
from tests.plan_generator import Generated, generate
from tests.plan_tables import words, write_rows
from tests.sites import TODAY

TEXT_SEEDS = range(300)
OFFICE_SEEDS = range(1000, 1020)  # slower to write and read: fewer, each as .docx and .xlsx


_PLACEHOLDER = words("(objective V1: write its title)")


def _table_words(table: Generated) -> set[str]:
    cells = [cell for row in table.rows for cell in row if not is_tick(cell)]
    return words(" ".join([*table.above, *cells]))


def _outcome(path: Path, table: Generated) -> str:
    try:
        result = import_file(path, today=TODAY)
    except ImportStopped as stopped:
        assert stopped.exit_code != 3, f"{path.name}: {stopped.message}"  # 3: a fault of ours
        assert stopped.message and stopped.hint, path.name
        return "stopped"
    plan = Plan.model_validate(yaml.safe_load(result.text))
    entry = Entry(path.stem, path, plan)
    errors = [p.message for p in check_plan(entry, TODAY) if p.severity == "error"]
    assert errors == [], path.name
    known = _table_words(table)
    lost = known - words(result.text)
    assert lost == set(), path.name
    # Nothing invented: every action and objective is named by words from the table (an
    # objective given only by its code says so in words of ours, to be replaced).
    for action in plan.all_actions:
        assert words(action.title) <= known, (path.name, action.title)
    for _, theme in plan.themes.items():
        for objective in theme.objectives:
            assert words(objective.title) <= known | _PLACEHOLDER, (path.name, objective.title)
    assert plan.period.end > plan.period.start + dt.timedelta(days=300), path.name
    return "written"


def _run(seeds: range, suffixes: tuple[str, ...], folder: Path) -> dict[str, int]:
    counts = {"written": 0, "stopped": 0}
    for seed in seeds:
        table = generate(seed)
        for suffix in suffixes:
            path = write_rows(
                folder / f"plan-{seed}{suffix}", table.rows, table.above, table.merges
            )
            counts[_outcome(path, table)] += 1
    return counts


def test_generated_text_tables_import_or_stop_clearly(tmp_path: Path) -> None:
    counts = _run(TEXT_SEEDS, (".txt",), tmp_path)
    # The generator makes mostly importable plans: most runs must test the written file.
    assert counts["written"] > len(TEXT_SEEDS) * 0.7, counts


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_generated_office_tables_import_or_stop_clearly(suffix: str, tmp_path: Path) -> None:
    counts = _run(OFFICE_SEEDS, (suffix,), tmp_path)
    assert counts["written"] > len(OFFICE_SEEDS) * 0.6, counts
