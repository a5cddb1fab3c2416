"""Counts agree with their nouns wherever a number is printed or shown: "1 photo", "2 photos"."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from site_builder import cli
from site_builder.charts import (
    Band,
    Bar,
    TimelineGroup,
    TimelineRow,
    stacked_status_bars,
    timeline_chart,
)
from site_builder.wording import counted
from tests.sites import TinySite


@pytest.mark.parametrize(
    ("number", "singular", "plural", "said"),
    [
        (0, "photo", None, "0 photos"),
        (1, "photo", None, "1 photo"),
        (2, "new photo", None, "2 new photos"),
        (1, "news item", None, "1 news item"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
        (-1, "degree", None, "-1 degrees"),
    ],
)
def test_a_count_agrees_with_its_noun(
    number: int, singular: str, plural: str | None, said: str
) -> None:
    assert counted(number, singular, plural) == said


SVG = "{http://www.w3.org/2000/svg}"
SINGULAR_WITH_S = re.compile(
    r"\b1 (pages|photos|files|links|technicians|news items|plans|actions|errors|warnings|"
    r"months|rows|objectives)\b"
)


def test_what_check_and_build_print_for_a_site_of_one_of_each(
    tiny_site: TinySite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tiny site has one technician, one news item and one plan."""
    monkeypatch.chdir(tiny_site.root)
    monkeypatch.setenv("CI", "")
    assert cli.main(["check", "--today", "2026-11-24"]) == 0
    checked = capsys.readouterr().out
    assert "1 technician, 1 news item, 1 plan checked." in checked
    assert cli.main(["build", "--today", "2026-11-24", "--jobs", "1"]) == 0
    built = capsys.readouterr()
    assert cli.main(["build", "--today", "2026-11-24", "--jobs", "1"]) == 0
    again = capsys.readouterr()
    everything = checked + built.out + built.err + again.out + again.err
    assert "photos" in everything or "photo" in everything
    assert SINGULAR_WITH_S.search(everything) is None, everything


@pytest.mark.parametrize("actions", [1, 2, 3])
def test_chart_descriptions_count_their_actions(actions: int) -> None:
    start, end = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
    rows = tuple(
        TimelineRow(f"V{n}", "Gallery", "complete", start, dt.date(2025, 6, 30))
        for n in range(actions)
    )
    group = TimelineGroup("Visibility", rows)
    line = timeline_chart([group], start, end, [Band("Year 1", start, end)], None, "t1", "When")
    bars = stacked_status_bars([Bar("Visibility", {"complete": actions})], "c1", "By status")
    said = " ".join(
        ET.fromstring(svg).findtext("{http://www.w3.org/2000/svg}desc") or ""
        for svg in (line, bars)
    )
    assert counted(actions, "action") in said
    assert SINGULAR_WITH_S.search(said) is None, said
    assert ("1 has a date" in said) == (actions == 1)
