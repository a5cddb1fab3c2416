"""The plan as open data (CSV, JSON), its chart, and the 'what we have done' list."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from site_builder.charts import Bar, stacked_status_bars
from site_builder.content import Entry
from site_builder.models import Plan
from site_builder.plan_data import COLUMNS, plan_csv, plan_json
from site_builder.plan_routes import completed_actions
from site_builder.published import plan_view
from tests.sites import PLAN

SVG = "{http://www.w3.org/2000/svg}"


def tiny_plan() -> Entry[Plan]:
    data = yaml.safe_load(PLAN)
    data["phases"] = [{"id": "year-1", "label": "Year 1"}]
    action = data["themes"]["visibility"]["actions"][0]
    action.update(
        {
            "phases": ["year-1"],
            "lead": ["Head of Technical Services", "Web team"],
            "success_measures": ["Gallery live", "50 profiles"],
            "updates": [
                {"date": "2026-01-10", "status": "on-track", "note": "Half the profiles in."},
                {
                    "date": "2026-05-02",
                    "status": "complete",
                    "note": "Live, with 52 profiles.",
                    "evidence": [{"title": "Gallery", "url": "/galleries/"}],
                },
            ],
        }
    )
    return Entry("2025-2028", Path("content/plans/2025-2028.yaml"), Plan.model_validate(data))


def url_of(view: object) -> str:
    return f"https://x.example/#{view.anchor}"  # type: ignore[attr-defined]


def test_csv_has_one_row_per_action_with_documented_columns() -> None:
    view = plan_view(tiny_plan())
    text = plan_csv(view, url_of)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(view.actions) == 4
    assert list(rows[0]) == [name for name, _ in COLUMNS]
    first = rows[0]
    assert first["theme"] == "visibility" and first["status_label"] == "Complete"
    assert first["lead"] == "Head of Technical Services | Web team"
    assert first["phases"] == "Year 1"
    assert first["last_update"] == "2026-05-02"
    recognition = next(r for r in rows if r["theme"] == "recognition")
    assert recognition["objective_code"] == "R1" and recognition["action_id"] == "r1-1"
    assert recognition["target_date"] == "2026-06-30"


def test_json_keeps_the_whole_plan_and_adds_ids_and_addresses() -> None:
    view = plan_view(tiny_plan())
    data = json.loads(plan_json(view, url_of))
    assert data["title"] == "Action plan 2025-2028"
    assert data["themes"]["visibility"]["goal"] == "Make technical work seen."
    assert [a["id"] for a in data["actions"]] == [a.anchor for a in view.actions]
    assert data["actions"][0]["updates"][1]["evidence"][0]["url"] == "/galleries/"
    assert set(data["columns"]) == {name for name, _ in COLUMNS}


def test_status_chart_is_well_formed_and_its_numbers_add_up() -> None:
    bars = [Bar("Visibility", {"complete": 2, "on-track": 3}), Bar("Recognition", {"delayed": 1})]
    svg = stacked_status_bars(bars, "c1", "Actions by status")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Actions by status"
    description = root.findtext(f"{SVG}desc") or ""
    assert "Visibility: 5 actions, 2 complete, 3 on track." in description
    segments = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert sorted(r.findtext(f"{SVG}title") for r in segments) == [
        "Complete: 2",
        "Delayed: 1",
        "On track: 3",
    ]
    widths = {r.findtext(f"{SVG}title"): float(r.get("width", 0)) for r in segments}
    assert abs(widths["On track: 3"] - 3 * widths["Delayed: 1"]) < 0.5


def test_what_we_have_done_lists_complete_actions_newest_first() -> None:
    view = plan_view(tiny_plan())
    done = completed_actions(view)
    assert [v.action.title for _, v in done] == ["Publish a gallery of technicians"]
    assert str(done[0][0]) == "2026-05-02"
