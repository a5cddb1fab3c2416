"""Plans written in each layout real institutions use build without losing a cell.

Each file in tests/plan_layouts/ mirrors one layout (in our own words). The test builds the tiny
site with it as the only plan and checks that every value written in the file appears on the
plan's pages (and, for each action, on the 'every action' page and in its CSV row).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.models import PLAN_STAGES, STATUSES, THEMES, Action
from site_builder.pipeline import build
from tests.sites import TinySite

LAYOUTS = sorted((Path(__file__).parent / "plan_layouts").glob("*.yaml"))
Path_ = tuple[str | int, ...]


def page_text(raw: str) -> str:
    """What a reader sees: tags removed, entities decoded, quotes plain, spaces collapsed."""
    main = raw.split("<main", 1)[-1]
    text = html.unescape(re.sub(r"<[^>]+>", " ", main))
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))
    return " ".join(text.split())


def leaves(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))
    else:
        yield path, data


# Values shown in a form their field's name decides.
_SHOWN_AS: dict[str, Callable[[Any], list[str]]] = {
    "also_serves": lambda value: [THEMES[value]],
    "status": lambda value: [STATUSES[value]],
    "stage": lambda value: [PLAN_STAGES[value]],
    "months": lambda value: [f"({value} months)"],
    "url": lambda value: [f'href="{value}"'],
    "target": lambda value: [Action(title="x", target=value).target_label or ""],
}


def expected(path: Path_, value: Any, plan: dict[str, Any]) -> list[str]:
    """Ways the value may be shown; one of them must appear. Empty: nothing to check."""
    keys = [p for p in path if isinstance(p, str)]
    key = keys[-1]
    parent = keys[-2] if len(keys) > 1 else ""
    if parent == "labels":
        return [str(value)]  # the institution's own column names
    if _not_checked_here(key, parent):
        return []
    if key == "id":
        return [f'id="{value}"']
    for named in ("phases", "pillars"):
        if named in (parent, key):
            return [next(p["label"] for p in plan[named] if p["id"] == value)]
    if key in _SHOWN_AS:
        return _SHOWN_AS[key](value)
    if key == "start" and parent != "period":
        return [Action(title="x", start=value).start_label or ""]
    if isinstance(value, dt.date):
        return [
            f'datetime="{value.isoformat()}"',
            f"{value:%-d %B %Y}",
            f"{value:%-d %b %Y}",
            f"{value:%B %Y}",
        ]
    return [str(value)]


def _not_checked_here(key: str, parent: str) -> bool:
    """Fields no page shows as such, and phase and pillar fields checked elsewhere."""
    if key in {"current", "previous"}:
        return True
    # a phase's or pillar's id is shown as its label; its dates on the timeline, checked there
    return parent in {"phases", "pillars"} and key in {"id", "start", "end"}


def build_layout(tiny_site: TinySite, layout: Path) -> tuple[dict[str, Any], Path]:
    (tiny_site.content / "plans/2025-2028.yaml").unlink()
    tiny_site.write(f"content/plans/{layout.stem}.yaml", layout.read_text(encoding="utf-8"))
    report = build(tiny_site.options())
    assert report is not None
    return yaml.safe_load(layout.read_text(encoding="utf-8")), (
        tiny_site.root / "output/plans" / layout.stem
    )


def missing_from(pages: str, raw: str, plan: dict[str, Any], data: Any, at: Path_) -> list[str]:
    lost = []
    for path, value in leaves(data, at):
        if value is None:
            continue
        forms = expected(path, value, plan)
        if forms and not any(form in pages or form in raw for form in forms):
            lost.append(f"{'.'.join(map(str, path))} = {value!r} (looked for {forms})")
    return lost


@pytest.mark.parametrize("layout", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_every_value_of_the_plan_appears_on_its_pages(tiny_site: TinySite, layout: Path) -> None:
    plan, out = build_layout(tiny_site, layout)
    files = [out / "index.html", *(out / t / "index.html" for t in THEMES)]
    raw = "".join(f.read_text(encoding="utf-8") for f in files)
    text = page_text(raw)
    top = {k: v for k, v in plan.items() if k not in {"phases", "pillars"}}
    assert missing_from(text, raw, plan, top, ()) == []


@pytest.mark.parametrize("layout", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_every_action_value_appears_on_the_every_action_page(
    tiny_site: TinySite, layout: Path
) -> None:
    plan, out = build_layout(tiny_site, layout)
    raw = (out / "actions/index.html").read_text(encoding="utf-8")
    text = page_text(raw)
    lost = []
    for theme_key, theme in plan["themes"].items():
        for path, action in _actions(theme, ("themes", theme_key)):
            lost += missing_from(text, raw, plan, action, path)
    assert lost == []


@pytest.mark.parametrize("layout", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_every_action_value_appears_in_its_csv_row(tiny_site: TinySite, layout: Path) -> None:
    plan, out = build_layout(tiny_site, layout)
    text = (out / f"{layout.stem}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    actions = [a for key, t in plan["themes"].items() for a in _actions(t, ("themes", key))]
    assert len(rows) == len(actions)
    by_title = {row["action"]: row for row in rows}
    lost = []
    for path, action in actions:
        row = by_title[action["title"]]
        cells = " ".join(row.values())
        for leaf_path, value in leaves(action, path):
            key = [p for p in leaf_path if isinstance(p, str)][-1]
            if key == "status":
                forms = [value, STATUSES[value]]  # updates are written with the label
            elif key in {"target", "start"}:
                forms = [str(value)]
            elif isinstance(value, dt.date):
                forms = [value.isoformat()]
            else:
                forms = [f.removeprefix('href="').removesuffix('"') for f in
                         expected(leaf_path, value, plan)]  # fmt: skip
                forms = [f.removeprefix('id="').removesuffix('"') for f in forms]
            if forms and not any(form in cells for form in forms):
                lost.append(f"{'.'.join(map(str, leaf_path))} = {value!r}")
    assert lost == []


def test_phase_dates_appear_on_the_timeline(tiny_site: TinySite) -> None:
    layout = next(p for p in LAYOUTS if p.stem == "tick-columns")
    plan, out = build_layout(tiny_site, layout)
    text = page_text((out / "timeline/index.html").read_text(encoding="utf-8"))
    for phase in plan["phases"]:
        assert f"{phase['label']} {phase['start']:%B %Y} to {phase['end']:%B %Y}" in text


def _actions(theme: dict[str, Any], at: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    for index, action in enumerate(theme.get("actions", [])):
        yield (*at, "actions", index), action
    for o_index, objective in enumerate(theme.get("objectives", [])):
        for index, action in enumerate(objective.get("actions", [])):
            yield (*at, "objectives", o_index, "actions", index), action
