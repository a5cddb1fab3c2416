"""Real plans, as exported tables (../shared/seeds), fit the model and reach the pages whole.

Each seed is read the way a person would copy it into YAML: one action per table row, theme
heading rows giving the goal, tick columns becoming phases, the header row giving the column
labels. The plan is built with the tiny site and every non-empty cell must appear on the plan's
pages. The seeds' text only ever lives in a temporary folder; skipped when the seeds are absent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.models import THEMES, Action
from site_builder.pipeline import build
from tests.sites import ROOT, TinySite
from tests.test_plan_layouts import page_text

SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
pytestmark = pytest.mark.skipif(not SEED_FILES, reason=f"no seed plans in {SEEDS}")

Row = list[str]


def rows_of(path: Path) -> tuple[Row, list[Row]]:
    """The header row and the table rows after it (blank separator rows dropped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.count("\t") >= 3)
    rows = [[c.strip() for c in line.split("\t")] for line in lines[at + 1 :]]
    return [c.strip() for c in lines[at].split("\t")], [r for r in rows if any(r)]


def theme_of(cell: str) -> str | None:
    """'Career Develop ment', 'Sustainab ility (of ...', 'Visibility:' -> a theme id."""
    squashed = re.sub(r"[^a-z]", "", cell.lower())
    for theme_id in THEMES:
        if squashed.startswith(theme_id.replace("-", "")):
            return theme_id
    return None


def plan_from(path: Path) -> tuple[dict[str, Any], list[str]]:
    """A plan as someone would write it from this table, and every cell that must be kept."""
    header, rows = rows_of(path)
    themes: dict[str, dict[str, Any]] = {t: {"goal": "", "actions": []} for t in THEMES}
    cells: list[str] = []
    plan: dict[str, Any] = {
        "title": "Seed plan",
        "period": {"start": "2024-09-01", "months": 36},
        "current": True,
    }
    current = "visibility"
    if "Objective" in header:  # Theme / Objective / Details / How impact will be evidenced
        plan["labels"] = {"action": header[1], "details": header[2], "evidence": header[3]}
        for row in rows:
            theme_cell, title, details, evidence = (row + [""] * 4)[:4]
            current = theme_of(theme_cell) or current
            themes[current]["actions"].append(
                _drop_empty(title, details=details, evidence=evidence)
            )
            cells += [title, details, evidence]
    elif header[0].startswith("Goal"):  # Goal / Resources / Actions / Success / Timeline
        labels = [h.rstrip(":") for h in header]
        plan["labels"] = {
            "action": labels[0],
            "stakeholders": labels[1],
            "details": labels[2],
            "success_measures": labels[3],
            "target": labels[4],
        }
        for row in rows:
            row = (row + [""] * 5)[:5]
            heading = theme_of(row[0]) if row[0].endswith(":") else None
            if heading:
                current = heading
                themes[current]["goal"] = row[1]
                cells.append(row[1])
                continue
            title, stakeholders, details, measure, target = row
            themes[current]["actions"].append(
                _drop_empty(
                    title,
                    stakeholders=stakeholders,
                    details=details,
                    success_measures=[measure] if measure else [],
                    target=target,
                )
            )
            # A timeline written 'Dec-19' is shown as 'December 2019': the same month, in words.
            cells += [title, stakeholders, details, measure]
            cells.append(Action(title=title, target=target).target_label or "" if target else "")
    else:  # Theme and goal / 0-12 months / 12-24 months / activities / tasks, resources, impact
        plan["labels"] = {"action": header[3], "details": header[4]}
        plan["phases"] = [{"id": "first", "label": header[1]}, {"id": "second", "label": header[2]}]
        for row in rows:
            row = (row + [""] * 5)[:5]
            if row[0]:
                current = theme_of(row[0]) or current
                goal = row[0].split(" ", 2 if current == "career-development" else 1)[-1]
                themes[current]["goal"] = goal
                cells.append(goal)
            ticks = [p for p, cell in zip(("first", "second"), row[1:3], strict=True) if cell]
            themes[current]["actions"].append(_drop_empty(row[3], details=row[4], phases=ticks))
            cells += [row[3], row[4]]
    for theme in themes.values():
        theme["goal"] = theme["goal"] or "No goal statement in this plan."
    plan["themes"] = themes
    return plan, [c for c in cells if c]


def _drop_empty(title: str, **fields: Any) -> dict[str, Any]:
    assert title, "every row of a seed plan has an action"
    return {"title": title, **{k: v for k, v in fields.items() if v}}


def words(text: str) -> str:
    """Text as a page shows it once Markdown has had its way with emphasis characters."""
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))
    return " ".join(re.sub(r"[*_`]", "", text).split())


@pytest.mark.parametrize("seed", SEED_FILES, ids=[p.name[:3] for p in SEED_FILES])
def test_every_cell_of_a_real_plan_reaches_its_pages(tiny_site: TinySite, seed: Path) -> None:
    plan, cells = plan_from(seed)
    (tiny_site.content / "plans/2025-2028.yaml").unlink()
    tiny_site.write(
        "content/plans/seed.yaml", yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
    )
    build(tiny_site.options())
    out = tiny_site.root / "output/plans/seed"
    pages = [out / "index.html", *(out / t / "index.html" for t in THEMES)]
    text = words(page_text("".join(p.read_text(encoding="utf-8") for p in pages)))
    lost = [cell for cell in cells if words(cell) not in text]
    assert lost == []
    every = (out / "actions/index.html").read_text(encoding="utf-8")
    assert every.count('<tr id="') == sum(len(t["actions"]) for t in plan["themes"].values())


def test_the_seeds_have_the_rows_their_readme_promises() -> None:
    counts = [
        sum(len(t["actions"]) for t in plan_from(p)[0]["themes"].values()) for p in SEED_FILES
    ]
    assert counts == [7, 18, 23]
