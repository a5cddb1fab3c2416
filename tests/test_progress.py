"""Every progress figure on the site, recomputed from the plan files it comes from.

Withdrawn actions are out of the share and out of the number it is a share of, and are named
beside it; the home page, the plans list, the plan overview and the theme pages all say it in
the same words, and the bar is drawn at the percentage written under it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.pipeline import build
from tests.sites import PLAN, ROOT, TinySite
from tests.test_example_site import build_example

_BAR = re.compile(
    r'<div class="progress__fill" style="width: (\d+)%"></div></div>\s*'
    r'<p class="progress__label">([^<]*)</p>'
)
_LABEL = re.compile(r"(\d+)% complete: (\d+) of (\d+) live actions?(?:; (\d+) withdrawn)?\Z")
_DD = re.compile(r"<dt>Progress</dt><dd>([^<]*)</dd>")
_HEADLINE = re.compile(r'<p class="lead plan-headline">([^<]*)</p>')


def _headline(counts: Counter[str]) -> str:
    """The overview's first sentence, said in the test's own words from the counts."""
    _, complete, live, withdrawn = _expected(counts)
    parts = [f"{complete} of {live} live action{'' if live == 1 else 's'} complete"]
    troubles = [f"{counts[s]} {s.replace('-', ' ')}" for s in ("at-risk", "delayed") if counts[s]]
    parts += [", ".join(troubles)] if troubles else []
    parts += [f"{withdrawn} withdrawn"] if withdrawn else []
    return "; ".join(parts) + "."


def _statuses(plan: dict[str, Any]) -> dict[str, Counter[str]]:
    """Status counts by theme, read from the plan file as written (no status: not started)."""
    by_theme: dict[str, Counter[str]] = {}
    for theme_id, theme in plan["themes"].items():
        actions = list(theme.get("actions") or [])
        for objective in theme.get("objectives") or []:
            actions += objective.get("actions") or []
        by_theme[theme_id.replace("_", "-")] = Counter(
            a.get("status", "not-started") for a in actions
        )
    return by_theme


def _figures(label: str) -> tuple[int, int, int, int]:
    found = _LABEL.match(label)
    assert found, f"progress worded otherwise: {label!r}"
    percent, complete, live, withdrawn = found.groups()
    return int(percent), int(complete), int(live), int(withdrawn or 0)


def _expected(counts: Counter[str]) -> tuple[int, int, int, int]:
    withdrawn = counts["withdrawn"]
    live = sum(counts.values()) - withdrawn
    complete = counts["complete"]
    return (round(100 * complete / live) if live else 0), complete, live, withdrawn


def _bars(page: Path) -> list[tuple[int, int, int, int]]:
    shown = []
    for width, label in _BAR.findall(page.read_text(encoding="utf-8")):
        figures = _figures(label)
        assert int(width) == figures[0], f"{page}: bar at {width}% under {label!r}"
        shown.append(figures)
    return shown


def _check_site(output: Path, plans: dict[str, dict[str, Any]], current: str) -> int:
    """Compare every progress figure in ``output`` with the plan files; how many were checked."""
    checked = 0
    for plan_id, plan in plans.items():
        themes = _statuses(plan)
        overall = _expected(sum(themes.values(), Counter()))
        each = [_expected(counts) for counts in themes.values()]
        overview = output / "plans" / plan_id / "index.html"
        assert _bars(overview) == each
        assert [_figures(t) for t in _DD.findall(overview.read_text("utf-8"))] == [overall]
        total = sum(themes.values(), Counter())
        assert _HEADLINE.findall(overview.read_text("utf-8")) == [_headline(total)]
        for theme_id, counts in themes.items():
            assert _bars(output / "plans" / plan_id / theme_id / "index.html") == [
                _expected(counts)
            ]
        checked += 2 + 2 * len(each)
    listed = _bars(output / "plans" / "index.html")
    assert sorted(listed) == sorted(
        _expected(sum(_statuses(p).values(), Counter())) for p in plans.values()
    )
    home = _bars(output / "index.html")
    assert home == [_expected(c) for c in _statuses(plans[current]).values()]
    return checked + len(listed) + len(home)


def test_every_figure_of_the_example_site_matches_its_plan_file(tmp_path: Path) -> None:
    output = build_example(tmp_path, "https://tc.example.ac.uk/")
    plans = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "content" / "plans").glob("*.yaml"))
    }
    current = next(plan_id for plan_id, plan in plans.items() if plan.get("current"))
    assert _check_site(output, plans, current) > 20
    # The example has withdrawn actions, so the wording that names them is shown.
    assert "withdrawn" in (output / "plans" / current / "index.html").read_text("utf-8")


# Status mixes for the one-theme-per-status plan of the tiny site: each theme gets these.
MIXES = [
    ["complete", "withdrawn", "on-track", "delayed"],  # withdrawn left out: 1 of 3
    ["withdrawn", "withdrawn", "withdrawn", "complete"],  # 1 of 1 live action
    ["withdrawn", "withdrawn", "withdrawn", "withdrawn"],  # nothing left to do
    ["complete", "complete", "at-risk", "not-started"],  # none withdrawn: no mention
    ["carried-forward", "complete", "complete", "withdrawn"],
]


@pytest.mark.parametrize("mix", MIXES, ids=["-".join(m) for m in MIXES])
def test_tiny_plans_count_the_same_way_on_every_page(tiny_site: TinySite, mix: list[str]) -> None:
    plan = yaml.safe_load(PLAN)
    for shift, theme in enumerate(plan["themes"].values()):
        theme.pop("objectives", None)
        rotated = mix[shift:] + mix[:shift]
        theme["actions"] = [
            {"title": f"Action {n} of the theme", "status": status}
            for n, status in enumerate(rotated[: 1 + shift])
        ]
    tiny_site.write("content/plans/2025-2028.yaml", yaml.safe_dump(plan, sort_keys=False))
    build(tiny_site.options())
    assert _check_site(tiny_site.root / "output", {"2025-2028": plan}, "2025-2028") > 0
