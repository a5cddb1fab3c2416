"""The plan pages of a built tiny site: overview, filters, timeline, links between plans, print."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.pipeline import build
from tests.sites import ROOT, TinySite
from tests.test_plan_validation import NEW, NEW_FILE, OLD, OLD_FILE


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def out(tiny_site: TinySite) -> Path:
    old = OLD.replace(
        "        status: carried-forward\n",
        "        status: carried-forward\n        carried_forward_to: 2025-2028/v1-1\n",
        1,
    )
    new = NEW.replace(
        "submitted: 2025-10-01\n",
        "submitted: 2025-10-01\n"
        "self_assessment: {title: Our self-assessment, url: /about/}\n"
        "feedback:\n  received: 2026-01-12\n  by: the review panel\n"
        "  summary: The panel liked the **galleries**.\n"
        "next_report_due: 2027-10-31\n"
        "pillars:\n  - {id: people, label: People first}\n",
    ).replace(
        "      - title: Fund registration fees\n        status: on-track\n",
        "      - title: Fund registration fees\n        status: on-track\n"
        "        phases: [year-1]\n        pillars: [people]\n        also_serves: [recognition]\n",
    )
    tiny_site.write(OLD_FILE, old)
    tiny_site.write(NEW_FILE, new)
    build(tiny_site.options())
    return tiny_site.root / "output/plans"


def test_overview_shows_stage_submission_self_assessment_and_feedback(out: Path) -> None:
    page = read(out / "2025-2028/index.html")
    assert "Re-submission: progress report and new action plan" in page
    assert '<time datetime="2025-10-01">1 October 2025</time>' in page
    assert '<a href="/about/">Our self-assessment</a>' in page
    assert "The panel liked the <strong>galleries</strong>." in page
    assert "from the review panel" in page
    assert '<time datetime="2027-10-31">October 2027</time>' in page


def test_overview_links_to_every_filter_page_and_they_exist(out: Path) -> None:
    page = read(out / "2025-2028/index.html")
    hrefs = set(re.findall(r'href="/(plans/2025-2028/[^"#]+)"', page))
    for expected in (
        "plans/2025-2028/status/on-track/",
        "plans/2025-2028/phase/year-1/",
        "plans/2025-2028/pillar/people/",
        "plans/2025-2028/actions/",
        "plans/2025-2028/timeline/",
    ):
        assert expected in hrefs
    for href in hrefs:
        target = out.parent / href
        assert (target / "index.html").is_file() or target.is_file(), href


def test_status_filter_page_lists_only_actions_with_that_status(out: Path) -> None:
    page = read(out / "2022-2025/status/complete/index.html")
    assert "3 of 4 actions have the status" in page
    assert "Start an award" in page and "Start a web page" not in page.split("<main")[1]
    assert not (out / "2022-2025/status/on-track").exists()  # no page for an empty value


def test_phase_and_pillar_filter_pages(out: Path) -> None:
    phase = read(out / "2025-2028/phase/year-1/index.html")
    assert "Fund registration fees" in phase and "Publish a gallery" not in phase
    pillar = read(out / "2025-2028/pillar/people/index.html")
    assert "support the pillar <strong>People first</strong>" in pillar
    assert 'aria-current="page">People first</a>' in pillar


def test_carried_forward_actions_link_both_ways(out: Path) -> None:
    old = read(out / "2022-2025/visibility/index.html")
    new = read(out / "2025-2028/visibility/index.html")
    assert 'href="/plans/2025-2028/visibility/#v1-1"' in old
    assert 'href="/plans/2022-2025/visibility/#v-1"' in new
    assert "Continues from:" in new and "Carried forward to:" in old
    assert "continuing" in read(out / "2025-2028/index.html")


def test_theme_page_lists_actions_from_other_themes_that_also_serve_it(out: Path) -> None:
    page = read(out / "2025-2028/recognition/index.html")
    section = page.split('id="also-title"')[1].split("</section>")[0]
    assert "Fund registration fees" in section and "/career-development/#cd-1" in section


def test_timeline_page_has_a_well_formed_chart_and_a_table_of_every_action(out: Path) -> None:
    page = read(out / "2025-2028/timeline/index.html")
    svg = re.search(r"<svg xmlns=.*?</svg>", page, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group(0))
    assert root.get("aria-labelledby") == "timeline-2025-2028-title timeline-2025-2028-desc"
    table = page.split('class="table table--timeline"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 4
    # Soonest target first: the gallery (June 2027) after the phase-dated action (August 2026).
    assert table.index("Fund registration fees") < table.index("Publish a gallery")


def test_every_action_page_has_every_anchor(out: Path) -> None:
    page = read(out / "2025-2028/actions/index.html")
    for anchor in ("v1-1", "r-1", "cd-1", "s-1"):
        assert f'id="{anchor}"' in page


def test_plan_pages_print_on_landscape_a4(out: Path) -> None:
    css = read(ROOT / "themes/default/static/css/site.css")
    rule = re.search(r"@page plan \{(.*?)\n\}", css, re.S)
    assert rule is not None and "size: A4 landscape" in rule.group(1)
    assert ".page-plan-print { page: plan; }" in css
    for page in ("", "visibility/", "actions/", "timeline/", "status/on-track/"):
        html = read(out / "2025-2028" / page / "index.html")
        assert re.search(r'<body class="[^"]*\bpage-plan-print\b', html), page
