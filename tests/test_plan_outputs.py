"""The plan as open data (CSV, JSON), its chart, and the 'what we have done' list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from site_builder.charts import (
    STATUS_FILLS,
    TIMELINE_WIDTH,
    Band,
    Bar,
    TimelineGroup,
    TimelineRow,
    stacked_status_bars,
    timeline_chart,
)
from site_builder.content import Entry
from site_builder.models import Plan
from site_builder.pages.plans import completed_actions, status_history
from site_builder.plan_data import COLUMNS, plan_csv, plan_json
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


# --- timeline -------------------------------------------------------------------------------------

START, END = dt.date(2025, 1, 1), dt.date(2026, 12, 31)


def timeline(*rows: TimelineRow, today: dt.date | None = None) -> ET.Element:
    svg = timeline_chart(
        [TimelineGroup("Visibility", rows)],
        START,
        END,
        [Band("Year 1", START, dt.date(2025, 12, 31)), Band("Year 2", dt.date(2026, 1, 1), END)],
        today,
        "t1",
        "Timeline of actions",
    )
    return ET.fromstring(svg)


def x_of(day: dt.date) -> float:
    left, right = 72, TIMELINE_WIDTH - 12
    return left + (right - left) * (day - START).days / (END - START).days


def test_timeline_is_well_formed_and_described() -> None:
    root = timeline(TimelineRow("V1.1", "Gallery", "complete", START, dt.date(2025, 6, 30)))
    assert root.get("role") == "img" and root.findtext(f"{SVG}title") == "Timeline of actions"
    assert (root.findtext(f"{SVG}desc") or "").startswith(
        "1 action from January 2025 to December 2026, grouped by theme; 1 has a date"
    )
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Year 1", "Year 2", "2026", "Visibility", "V1.1"} <= set(labels)


def test_timeline_bar_runs_from_start_to_the_end_of_the_target_day() -> None:
    due = dt.date(2025, 6, 30)
    root = timeline(TimelineRow("V1.1", "Gallery", "on-track", dt.date(2025, 3, 1), due))
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart__bar")
    assert float(bar.get("x", 0)) == pytest.approx(x_of(dt.date(2025, 3, 1)), abs=0.1)
    right = float(bar.get("x", 0)) + float(bar.get("width", 0))
    assert right == pytest.approx(x_of(due + dt.timedelta(days=1)), abs=0.2)
    assert bar.get("fill") == STATUS_FILLS["on-track"]
    group = next(g for g in root.iter(f"{SVG}g"))
    assert group.findtext(f"{SVG}title") == ("V1.1 Gallery: March 2025 to June 2025. On track.")


def test_timeline_marks_a_target_without_start_as_a_milestone() -> None:
    root = timeline(TimelineRow("R1", "Award", "delayed", None, dt.date(2026, 1, 1)))
    milestone = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "chart__milestone")
    assert milestone.get("d", "").startswith(f"M{x_of(dt.date(2026, 1, 1)):.1f} ")
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart__bar"]


def test_timeline_ongoing_runs_to_the_end_with_an_arrow_and_undated_says_so() -> None:
    root = timeline(
        TimelineRow("S1", "Network", "on-track", START, None, open_ended=True),
        TimelineRow("S2", "Review", "not-started", None, None),
    )
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart__bar")
    right = float(bar.get("x", 0)) + float(bar.get("width", 0))
    assert right == pytest.approx(TIMELINE_WIDTH - 12, abs=0.2)
    assert "no date in the plan" in [t.text for t in root.iter(f"{SVG}text")]
    assert (root.findtext(f"{SVG}desc") or "").startswith("2 actions") and "1 has a date" in (
        root.findtext(f"{SVG}desc") or ""
    )


def test_timeline_draws_today_only_inside_the_period() -> None:
    inside = timeline(TimelineRow("V1", "x", "on-track", START, END), today=dt.date(2026, 1, 1))
    outside = timeline(TimelineRow("V1", "x", "on-track", START, END), today=dt.date(2030, 1, 1))
    assert "Today" in [t.text for t in inside.iter(f"{SVG}text")]
    assert "Today" not in [t.text for t in outside.iter(f"{SVG}text")]


def test_csv_has_the_new_columns() -> None:
    view = plan_view(tiny_plan())
    rows = list(csv.DictReader(io.StringIO(plan_csv(view, url_of).lstrip("\ufeff"))))
    first = rows[0]
    assert first["timing"] == "phases"
    assert first["updates"].splitlines() == [
        "2026-05-02 [Complete] Live, with 52 profiles. Evidence: Gallery </galleries/>",
        "2026-01-10 [On track] Half the profiles in.",
    ]
    assert rows[1]["timing"] == "month" and rows[1]["target_date"] == "2026-06-30"


def test_readme_lists_every_csv_column() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Action plans", 1)[1].split("\n## ", 1)[0]
    for name, _ in COLUMNS:
        assert f"| `{name}` |" in section, name


def test_status_is_a_shape_as_well_as_a_colour_in_the_charts() -> None:
    root = timeline(TimelineRow("V1", "x", "at-risk", START, END))
    icons = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart__icon"]
    # One beside the row, and one per status in the key.
    assert len(icons) == 1 + len(STATUS_FILLS)
    assert icons[0][0].get("d") == "M8 1.5l7 13H1z"  # the at-risk triangle, as on the tags
    bars = ET.fromstring(stacked_status_bars([Bar("A", {"complete": 1})], "c", "t"))
    assert sum(1 for g in bars.iter(f"{SVG}g") if g.get("class") == "chart__icon") == len(
        STATUS_FILLS
    )


def test_status_history_every_six_months_then_the_latest() -> None:
    view = plan_view(tiny_plan())  # 2025-09-01 to 2028-08-31; one action with two updates
    history = status_history(view, dt.date(2026, 6, 1))
    assert [p.day.isoformat() for p in history] == ["2026-02-28", "2026-05-02"]  # last review
    assert history[0].counts == {"not-started": 3, "on-track": 1}  # on track since 10 January
    assert history[-1].label == "Latest (May 2026)"
    assert history[-1].counts == view.counts  # the statuses as written now


def test_status_history_of_a_finished_plan_ends_at_its_end() -> None:
    entry = tiny_plan()
    view = plan_view(Entry(entry.id, entry.path, entry.meta.model_copy(update={"current": False})))
    history = status_history(view, dt.date(2030, 1, 1))
    assert len(history) == 6 and history[-1].label == "End (Aug 2028)"
