"""A plan published as CSV (plan_data.plan_csv) and imported back is the same plan, compared
field by field for every action, objective and theme.

What the CSV cannot carry, and so is left out of the comparison: everything about the plan as
a whole (title, period, current, stage, submitted, self_assessment, feedback, next_report_due,
approved, approved_by, summary, technician_voice, updated, previous, labels), each theme's goal,
objectives with no actions (the CSV has a row per action), and the phases' and pillars' ids and
dates (the CSV names them by label; the importer makes ids from the labels). An action's id is
compared as its address on the site: an id that only repeats the address the site would make
anyway is left out on import. A lead or success measure that itself holds ' | ' would come back
as two, since that is the CSV's separator. A carried-forward link is carried whichever plan
wrote it, and comes back written on this plan's action, which the site reads the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.content import Entry
from site_builder.importers import import_file
from site_builder.loader import parse_yaml
from site_builder.models import Plan
from site_builder.plan_data import plan_csv
from site_builder.published import ActionLink, PlanView, carried_forward_links, plan_view
from tests.sites import ROOT, TODAY

PLANS = ROOT / "content" / "plans"

TINY = """\
title: A tiny plan
period: {start: 2025-09-01, months: 36}
phases:
  - {id: first-year, label: "Year 1, autumn start"}
  - {id: later, label: Later years}
pillars:
  - {id: people, label: "People, Place and Culture"}
  - {id: research, label: Research}
themes:
  visibility:
    goal: Seen.
    actions:
      - title: A theme-level action before the objectives
        resources: "£2,000; two days of photography"
        stakeholders: Comms; Estates
        lead: [Head of Technical Services; deputy, Web team]
        success_measures: ["A gallery, live", "50 profiles; at least"]
        start: 2025-10
        target: Jul-26
        phases: [later, first-year]
        pillars: [people, research]
        also_serves: [recognition, sustainability]
        status: on-track
        carried_forward_from: 2021-2024/v-3
        updates:
          - date: 2025-11-02
            status: on-track
            note: |
              Photography booked.

              Consent forms approved [see below].
            evidence:
              - {title: "Consent form, version 2", url: /consent/}
              - {title: Gallery, url: "https://example.ac.uk/gallery?a=1"}
          - {date: 2025-11-02, note: "[Draft] a second note the same day"}
          - {date: 2026-01-10, status: at-risk, note: "Photographer ill. Evidence: to follow"}
    objectives:
      - code: V1
        title: lower-case title of an objective
        actions:
          - {id: showcase, title: An explicit id, target: 2026-07-31, start: 2025-09-01}
          - {title: Every year, target: all years, status: withdrawn}
      - title: An objective without a code
        actions:
          - {title: Ongoing work, target: Ongoing, status: carried-forward,
             carried_forward_to: 2028-2031/v-1}
          - {title: A year, target: 2027, status: complete}
          - {title: Words, target: "TBC after the review, probably 2027"}
      - code: V3
        title: An objective with no actions (the CSV cannot carry it)
  recognition:
    goal: Recognised.
    actions:
      - {title: Phases only, phases: [first-year], status: delayed, details: "Two\\n\\nparagraphs"}
  career_development: {goal: Grown.}
  sustainability:
    goal: Sustained.
    objectives:
      - code: S2
        title: Skills
        actions:
          - {title: A month, target: 2027-03, evidence: "Annual survey", status: not-started}
"""


def tiny() -> Entry[Plan]:
    return Entry("2025-2028", Path("content/plans/2025-2028.yaml"), _plan(TINY))


def _plan(text: str) -> Plan:
    return Plan.model_validate(yaml.safe_load(text))


def examples() -> list[Entry[Plan]]:
    entries = []
    for path in sorted(PLANS.glob("*.yaml")):
        located = parse_yaml(path.read_text(encoding="utf-8"), path)
        entries.append(Entry(path.stem, path, Plan.model_validate(located.data)))  # type: ignore[union-attr]
    return entries


def round_trip(entries: list[Entry[Plan]], name: str, tmp_path: Path) -> tuple[PlanView, Plan]:
    carried = carried_forward_links(entries)
    view = plan_view(next(e for e in entries if e.id == name), carried)
    path = tmp_path / f"{name}.csv"
    path.write_text(plan_csv(view, lambda v: f"https://x.example/#{v.anchor}"), encoding="utf-8")
    result = import_file(path, today=TODAY)
    return view, _plan(result.text)


def _link(link: ActionLink | None) -> str | None:
    return f"{link.plan_id}/{link.anchor}" if link else None


def comparable(plan: Plan, view: PlanView | None = None) -> dict[str, Any]:
    """The plan as the CSV carries it. With `view`, carried-forward links are those the site
    shows (written on either side), or as written when the other plan is not on the site;
    without, the links this plan's file writes."""
    phases = {p.id: p.label for p in plan.phases}
    pillars = {p.id: p.label for p in plan.pillars}
    links = {a.anchor: (a.carried_to, a.carried_from) for a in view.actions} if view else {}
    anchors = {id(item.action): item.anchor for item in plan.located_actions()}

    def action(a: Any) -> dict[str, Any]:
        data = a.model_dump()
        data["id"] = anchors[id(a)]
        data["phases"] = [phases[p] for p in a.phases]
        data["pillars"] = [pillars[p] for p in a.pillars]
        if view is not None:
            to, came = links[data["id"]]
            data["carried_forward_to"] = _link(to) or a.carried_forward_to
            data["carried_forward_from"] = _link(came) or a.carried_forward_from
        return data

    themes = {}
    for key, theme in plan.themes.items():
        themes[key] = {
            "actions": [action(a) for a in theme.actions],
            "objectives": [
                {"code": o.code, "title": o.title, "actions": [action(a) for a in o.actions]}
                for o in theme.objectives
                if o.actions
            ],
        }
    used_phases = {p for a in plan.all_actions for p in a.phases}
    used_pillars = {p for a in plan.all_actions for p in a.pillars}
    return {
        "phases": sorted(phases[p] for p in used_phases),
        "pillars": sorted(pillars[p] for p in used_pillars),
        "themes": themes,
    }


def assert_same(original: dict[str, Any], back: dict[str, Any]) -> None:
    assert back["phases"] == original["phases"]
    assert back["pillars"] == original["pillars"]
    for key, theme in original["themes"].items():
        ours = back["themes"][key]
        assert [o["code"] for o in ours["objectives"]] == [o["code"] for o in theme["objectives"]]
        assert [o["title"] for o in ours["objectives"]] == [o["title"] for o in theme["objectives"]]
        pairs = [
            *zip(theme["actions"], ours["actions"], strict=True),
            *(
                pair
                for mine, theirs in zip(theme["objectives"], ours["objectives"], strict=True)
                for pair in zip(mine["actions"], theirs["actions"], strict=True)
            ),
        ]
        for expected, got in pairs:
            for field, value in expected.items():
                assert got[field] == value, f"{key} {expected['id']} {field}"


def test_a_tiny_plan_with_every_action_field_comes_back_the_same(tmp_path: Path) -> None:
    entry = tiny()
    view, back = round_trip([entry], entry.id, tmp_path)
    assert_same(comparable(entry.meta, view), comparable(back))


def test_the_tiny_plan_round_trip_keeps_what_each_cell_means(tmp_path: Path) -> None:
    """Spot checks of the hard cases, so a failure above is easy to read."""
    _, back = round_trip([tiny()], "2025-2028", tmp_path)
    first = back.themes.visibility.actions[0]
    assert first.resources == "£2,000; two days of photography"
    assert first.lead == ["Head of Technical Services; deputy", "Web team"]
    assert first.start == "2025-10" and first.target == "Jul-26" and first.timing == "month"
    assert [p.label for p in back.pillars] == ["People, Place and Culture", "Research"]
    assert [(u.date, u.status) for u in first.updates] == [
        (dt.date(2025, 11, 2), "on-track"),
        (dt.date(2025, 11, 2), None),
        (dt.date(2026, 1, 10), "at-risk"),
    ]
    assert first.updates[0].note == "Photography booked.\n\nConsent forms approved [see below]."
    assert [e.title for e in first.updates[0].evidence] == ["Consent form, version 2", "Gallery"]
    assert first.updates[1].note == "[Draft] a second note the same day"
    assert first.updates[2].note == "Photographer ill. Evidence: to follow"
    # Links to plans this site does not have (yet) are carried as written.
    assert first.carried_forward_from == "2021-2024/v-3"
    carried = back.themes.visibility.objectives[1].actions[0]
    assert carried.carried_forward_to == "2028-2031/v-1"


def current_plan() -> str:
    return next(e.id for e in examples() if e.meta.current)


@pytest.mark.parametrize("name", [p.stem for p in sorted(PLANS.glob("*.yaml"))])
def test_each_example_plan_comes_back_the_same(name: str, tmp_path: Path) -> None:
    entries = examples()
    view, back = round_trip(entries, name, tmp_path)
    original = next(e.meta for e in entries if e.id == name)
    assert len(back.all_actions) == len(original.all_actions)
    assert_same(comparable(original, view), comparable(back))


def test_the_current_example_plan_is_among_those_compared() -> None:
    # The example's current plan uses every status, timing, resources, starts, evidence links
    # and carried-forward links written each way, which is why it is the one that matters.
    assert f"{current_plan()}.yaml" in {p.name for p in PLANS.glob("*.yaml")}
    assert any(a.carried_forward_from for e in examples() for a in e.meta.all_actions)
