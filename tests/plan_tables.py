"""Plan tables in the shapes real plans take, in our own words, and the same rows written as
tab-separated text (as copied out of Word), .docx and .xlsx (made here with python-docx and
openpyxl, blank cells under or beside a filled one merged into it, as a person would merge them).

Each layout says what a person reading the table counts: its actions, and the plan's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from openpyxl import Workbook

Rows = tuple[tuple[str, ...], ...]
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (of rows)


@dataclass(frozen=True)
class Layout:
    name: str
    rows: Rows  # the header first
    actions: int  # as a person counts them
    above: tuple[str, ...] = ()  # lines before the table: title, preamble
    merges: tuple[Merge, ...] = ()
    months: int | None = None  # the plan's length, when the table says it
    years: tuple[int, int] | None = None  # the first and last years, when the table says them


def _r(*cells: str) -> tuple[str, ...]:
    return cells


UNHEADED_PHASE_PAIRS = Layout(
    "unheaded-theme-phase-pairs",
    (
        _r("", "Up to 12 months", "Evaluation of impact", "1-2 years", "Evaluation of impact"),
        _r(
            "Visibility Make sure technicians and their work are known across the",
            "Publish a directory of technical teams",
            "Page views counted each term",
            "Refresh the directory every year",
            "Survey of staff who used it",
        ),
        _r(
            "university and beyond it.",
            "Film short clips of technicians at work",
            "Clips shown at open days",
            "",
            "",
        ),
        _r(
            "",
            "Name a technician on each faculty committee",
            "Committee minutes list technicians",
            "Review the committee places",
            "Places held after review",
        ),
        _r(
            "Recognition Reward technical staff for what they achieve",
            "Add a technician category to the staff awards",
            "Number of nominations",
            "Support applications for national awards",
            "Applications made",
        ),
        _r("", "Thank technicians in the annual report", "Annual report mentions", "", ""),
        _r(
            "Career Development Give every technician a clear path to grow",
            "Write career pathways for each job family",
            "Pathways published",
            "Run a mentoring scheme",
            "Mentor pairs formed",
        ),
        _r(
            "",
            "Fund professional registration fees",
            "Registrations paid for",
            "Hold a registration workshop each year",
            "Workshop attendance",
        ),
        _r(
            "Sustainability Keep a skilled technical workforce for the future",
            "Start two apprenticeships",
            "Apprentices appointed",
            "Plan for retirements in each school",
            "Succession plans agreed",
        ),
        _r(
            "",
            "Record specialist skills held by one person",
            "Skills register complete",
            "Train a second person in each rare skill",
            "Skills shared",
        ),
    ),
    actions=16,
    above=("## Technician Commitment 24 Month Action Plan",),
    merges=((4, 0, 5, 0), (6, 0, 7, 0), (8, 0, 9, 0)),
    months=24,
)

CODED_WRAPPED = Layout(
    "coded-objectives-wrapped",
    (
        _r("Objective", "Actions", "Lead", "Timescale"),
        _r("Visibility: technicians are known and their work is seen", "", "", ""),
        _r(
            "V1 Raise the profile of technicians in every",
            "Create a technicians' page on the intranet",
            "Comms team",
            "Jan 2026",
        ),
        _r("faculty", "Share a monthly story about a technical team", "Comms team", "Ongoing"),
        _r(
            "V2 Bring technicians into decisions",
            "Add a technician seat to the estates board",
            "Director of operations",
            "Mar 2026",
        ),
        _r("", "Invite technicians to plan new", "Estates", "2026"),
        _r("", "buildings from the start", "", ""),
        _r("Recognition: contributions are noticed and rewarded", "", "", ""),
        _r(
            "R1 Celebrate achievement", "Hold an annual technician awards evening", "HR", "Jul 2026"
        ),
        _r(
            "R2 Credit technical work in research",
            "Name technicians on papers they contributed to",
            "Research office",
            "Dec 2026",
        ),
        _r("Career Development: every technician can grow", "", "", ""),
        _r(
            "CD1 Open training to all technicians",
            "Give each technician five training days",
            "Line managers",
            "Sep 2026",
        ),
        _r("", "Pay for professional registration", "HR", "2027"),
        _r("CD2 Clear routes to promotion", "Publish criteria for technical promotions", "HR", ""),
        _r("Sustainability (of technical", "", "", ""),
        _r("workforce): we train and keep the skills we need", "", "", ""),
        _r("S1 Grow our own technicians", "Start an apprenticeship scheme", "HR", "Sep 2026"),
        _r("", "Map skills that only one person holds", "Heads of school", "Dec 2026"),
    ),
    actions=11,
    merges=((1, 0, 1, 3), (7, 0, 7, 3), (10, 0, 10, 3), (11, 0, 12, 0), (16, 0, 17, 0)),
)

YEAR_COLUMN = Layout(
    "year-column",
    (
        _r("Theme", "Action", "Success measure", "Year"),
        _r(
            "Visibility",
            "Launch a technician newsletter",
            "First issue out by December 2023",
            "2023/2024",
        ),
        _r("", "Hold a technical showcase", "Showcase held", "2024-2025"),
        _r("Recognition", "Include technicians in long service awards", "Awards given", "All"),
        _r(
            "Career Development",
            "Set up a technician mentoring network",
            "Twenty mentors trained",
            "2023/2024",
        ),
        _r("Sustainability", "Review technical staffing in each school", "Review out", "2024-2025"),
    ),
    actions=5,
    merges=((1, 0, 2, 0),),
    years=(2023, 2025),
)

PREAMBLE_OBJECTIVES = Layout(  # the shape of seed 000
    "preamble-theme-objective-details",
    (
        _r("Theme", "Objective", "Details", "How we will evidence the impact (expected dates)"),
        _r(
            "Visibility",
            "Set up a technician forum",
            "The forum meets each term and reports to the steering group.",
            "Minutes published (March 2025)",
        ),
        _r(
            "",
            "Improve the technicians' web page",
            "Add profiles and a map of facilities.",
            "Page live (June 2025)",
        ),
        _r(
            "Recognition",
            "Encourage professional registration",
            "Explain the registers at team meetings.",
            "Ten new registrations (July 2026)",
        ),
        _r(
            "Career Develop ment",
            "Offer secondments between departments",
            "Two secondments a year.",
            "Secondments completed (May 2027)",
        ),
        _r(
            "Sustainab ility (of technical workforc",
            "Plan for succession in specialist roles",
            "Identify roles at risk.",
            "Plans in place (January 2027)",
        ),
    ),
    actions=5,
    above=(
        "Technician Commitment",
        "Please give a 36-month plan for each theme below, saying how its impact will be shown.",
    ),
    merges=((1, 0, 2, 0),),
    months=36,
)

HEADING_ROWS = Layout(  # the shape of seed 001
    "goal-heading-rows",
    (
        _r(
            "Goal:",
            "Resources/ key stakeholders involved:",
            "Actions:",
            "Success measures:",
            "Timeline:",
        ),
        _r("Visibility:", "Technicians are known and seen across the institution.", "", "", ""),
        _r(
            "Set up channels for technicians to be heard",
            "HR, technical managers",
            "Form a working group and meet monthly",
            "Working group formed",
            "Dec-25",
        ),
        _r(
            "Hold a technician showcase",
            "Technical staff, events team",
            "Plan a showcase with live demonstrations",
            "Showcase held",
            "TBC after the working group meets",
        ),
        _r("Sustainability:", "We keep the technical skills the institution needs.", "", "", ""),
        _r("Offer apprenticeships", "HR, schools", "Advertise two posts", "Posts filled", "Sep-26"),
        _r("Recognition:", "Technical contributions are recognised.", "", "", ""),
        _r(
            "Nominate technicians for awards",
            "Heads of school",
            "Run an internal nomination round",
            "Nominations made",
            "Mar-26",
        ),
        _r("Career development:", "Technicians can develop and progress.", "", "", ""),
        _r("Publish development routes", "HR", "Write a guide to routes", "Guide out", "Jun-26"),
    ),
    actions=5,
    merges=((1, 1, 1, 4), (4, 1, 4, 4), (6, 1, 6, 4), (8, 1, 8, 4)),
)

TICK_PHASES = Layout(  # the shape of seed 002
    "theme-statement-tick-phases",
    (
        _r("Theme", "0-12 months", "12-24 months", "Our activities", "Tasks, resources and impact"),
        _r(
            "Visibility Technicians are identifiable and their contribution is seen",
            "x",
            "x",
            "Set up a steering group for the commitment",
            "Secretariat from HR; report yearly",
        ),
        _r("", "x", "", "Launch a website for technicians", "Web team time"),
        _r("", "", "", "", ""),
        _r(
            "Recognition Technicians' achievements are recognised and rewarded",
            "x",
            "",
            "Create a technician of the year prize",
            "Budget for prizes",
        ),
        _r("", "", "x", "Include technical roles in promotion panels", "HR to amend policy"),
        _r("", "", "", "", ""),
        _r(
            "Career Development Technicians have clear routes to develop",
            "x",
            "x",
            "Fund places on leadership courses",
            "Training budget",
        ),
        _r(
            "Sustainability Technical skills are kept for the future",
            "",
            "x",
            "Recruit trainee technicians",
            "Workforce plan",
        ),
    ),
    actions=6,
    merges=((1, 0, 2, 0), (4, 0, 5, 0)),
    months=24,
)

RAG_PROGRESS = Layout(
    "rag-progress-continued",
    (
        _r("Ref", "Action", "Owner", "Target date", "RAG", "Progress"),
        _r(
            "V1.1",
            "Hold a technicians' open day",
            "Technical manager",
            "31/03/2026",
            "Green",
            "Venue booked and speakers",
        ),
        _r("", "", "", "", "", "confirmed for the spring term"),
        _r(
            "V1.2",
            "Put technician profiles on staff pages",
            "Web team",
            "Jun 2026",
            "Amber",
            "Template agreed;",
        ),
        _r("", "", "", "", "", "profiles waiting for photos"),
        _r(
            "R1.1",
            "Nominate technicians for national awards",
            "Heads of department",
            "2027",
            "Complete",
            "Three nominated",
        ),
        _r("CD1.1", "Fund registration fees", "HR", "Sep 2026", "Red", "Budget not yet"),
        _r("", "", "", "", "", "approved"),
        _r("S1.1", "Start an apprenticeship scheme", "HR", "Sep 2026", "Not started", ""),
    ),
    actions=5,
)

NUMBERED_LIST = Layout(
    "numbered-list",
    (
        _r("No.", "Action", "Lead", "By when"),
        _r("1", "Visibility – technicians and their work are seen", "", ""),
        _r(
            "1.1", "Create a technicians' network that meets each term", "Network chair", "Dec 2025"
        ),
        _r("1.2", "Add a technicians' section to the staff newsletter", "Comms", "March 2026"),
        _r("2", "Recognition – technical work is valued", "", ""),
        _r("2.1", "Add technicians to the awards shortlist panel", "HR", "June 2026"),
        _r("3", "Career development – routes to grow", "", ""),
        _r("3.1", "Agree a training budget for each technician", "Finance", "April 2026"),
        _r("3.2", "Start a job shadowing scheme", "Heads of school", "October 2026"),
        _r("4", "Sustainability – skills for the future", "", ""),
        _r("4.1", "Write a succession plan for specialist roles", "Directors", "2027"),
    ),
    actions=6,
    above=("Technician Commitment action plan 2025-2028",),
    merges=((1, 1, 1, 3), (4, 1, 4, 3), (6, 1, 6, 3), (9, 1, 9, 3)),
    years=(2025, 2028),
)

LAYOUTS = (
    UNHEADED_PHASE_PAIRS,
    CODED_WRAPPED,
    YEAR_COLUMN,
    PREAMBLE_OBJECTIVES,
    HEADING_ROWS,
    TICK_PHASES,
    RAG_PROGRESS,
    NUMBERED_LIST,
)
FORMATS = (".txt", ".docx", ".xlsx")


def write_table(layout: Layout, folder: Path, suffix: str) -> Path:
    path = folder / f"{layout.name}{suffix}"
    write_rows(path, layout.rows, layout.above, layout.merges)
    return path


def write_rows(
    path: Path, rows: Sequence[Sequence[str]], above: Sequence[str], merges: Sequence[Merge]
) -> Path:
    """The rows as the file `path` names: .txt tab-separated, .docx or .xlsx with merges."""
    if path.suffix == ".txt":
        lines = [*above, "", *("\t".join(row) for row in rows)] if above else []
        lines = lines or ["\t".join(row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif path.suffix == ".docx":
        _docx(path, rows, above, merges)
    else:
        _xlsx(path, rows, above, merges)
    return path


def _docx(
    path: Path, rows: Sequence[Sequence[str]], above: Sequence[str], merges: Sequence[Merge]
) -> None:
    document = Document()
    for line in above:
        document.add_paragraph(line)
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for top, left, bottom, right in merges:
        text = rows[top][left]
        table.cell(top, left).merge(table.cell(bottom, right)).text = text
    document.save(str(path))


def _xlsx(
    path: Path, rows: Sequence[Sequence[str]], above: Sequence[str], merges: Sequence[Merge]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    offset = len(above) + 1 if above else 0
    for line in above:
        sheet.append([line])
    if above:
        sheet.append([])
    for row in rows:
        sheet.append([text or None for text in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as typed after a quote
    for top, left, bottom, right in merges:
        sheet.merge_cells(
            start_row=top + offset + 1,
            start_column=left + 1,
            end_row=bottom + offset + 1,
            end_column=right + 1,
        )
    book.save(str(path))


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    """The words of a text, lower-case letters and digits only: what a reader would compare."""
    return set(_WORD.findall(text.lower()))
