"""Random plan tables, from a seed: random layouts (which columns, in which order, with plain,
blank or odd headings), theme names written every way plans write them (names, statements,
codes, broken words), merged (blank) cells, wrapped rows, heading rows, blank rows, and dates
and statuses good and bad. For the property test: whatever the table, the import writes a file
that passes the plan checks, or stops with a clear message."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.plan_tables import Merge

THEMES = (
    ("Visibility", "V", ("Visibility", "VISIBILITY", "Visib ility", "Theme 1: Visibility")),
    ("Recognition", "R", ("Recognition", "Recog nition", "2. Recognition")),
    (
        "Career development",
        "CD",
        ("Career Development", "Career Develop ment", "Career progression", "career development"),
    ),
    ("Sustainability", "S", ("Sustainability", "Sustainab ility", "Sustainability (of technical")),
)
VERBS = ("Hold", "Publish", "Create", "Fund", "Review", "Start", "Agree", "Survey", "Map", "Run")
THINGS = (
    "an open day for technicians",
    "a page of technical teams",
    "a mentoring scheme",
    "registration fees",
    "the training budget",
    "an apprenticeship route",
    "a skills register",
    "a termly newsletter",
    "a staff award category",
    "succession plans for rare skills",
)
STATEMENTS = (
    "technicians and their work are known across the university",
    "technical contributions are recognised and rewarded",
    "every technician has a route to develop",
    "we keep the technical skills we need",
)
DATES = (
    "Dec-25",
    "March 2026",
    "31/07/2026",
    "2026-09",
    "2027",
    "2023/2024",
    "2024-25",
    "All",
    "Ongoing",
    "TBC",
    "31/13/2026",
    "2026-02-30",
    "Sep 2026 - Jul 2027",
    "by the end of year 2",
    "",
)
STATUSES = ("Green", "Amber", "Red", "Complete", "Not started", "On hold", "Sort of", "", "G")
LEADS = ("HR", "Technical manager; Comms", "Heads of school", "Director", "")
ODD_HEADINGS = ("", "Notes", "???", "Column 7", "Misc.", "Who / what / when", "Year", "Ref.")

# What a column can be: its heading choices and how its cells are made.
KINDS = (
    "theme",
    "objective",
    "code",
    "action",
    "lead",
    "target",
    "status",
    "ticks",
    "evidence",
    "odd",
)
HEADINGS = {
    "theme": ("Theme", "", "Commitment area", "Goal:"),
    "objective": ("Objective", "Aim", "Objectives"),
    "code": ("Ref", "Code", "No.", "#"),
    "action": ("Actions", "What we will do", "Activity", "Up to 12 months"),
    "lead": ("Lead", "Owner", "Responsible"),
    "target": ("Timeline", "Target date", "Year", "By when", "Timescale"),
    "status": ("RAG", "Status", "Progress"),
    "ticks": ("0-12 months", "12-24 months", "Year 1", "Year 2", "2024/25", "2026"),
    "evidence": ("Evaluation of impact", "Success measures", "How impact will be evidenced"),
    "odd": ODD_HEADINGS,
}


@dataclass(frozen=True)
class Generated:
    rows: tuple[tuple[str, ...], ...]
    above: tuple[str, ...]
    merges: tuple[Merge, ...]


def generate(seed: int) -> Generated:
    rng = random.Random(seed)
    kinds = _columns(rng)
    header = tuple(_heading(rng, kind) for kind in kinds)
    rows: list[tuple[str, ...]] = [header]
    merges: list[Merge] = []
    codes_used: list[str] = []
    for theme_number in rng.sample(range(4), rng.randint(1, 4)):
        rows.extend(_theme_rows(rng, kinds, theme_number, codes_used, merges, len(rows)))
    if rng.random() < 0.2:
        at = rng.randint(1, len(rows))
        rows.insert(at, ("",) * len(kinds))  # a blank row; merges below it move down
        merges = [
            (top + (top >= at), left, bottom + (bottom >= at), right)
            if bottom >= at
            else (top, left, bottom, right)
            for top, left, bottom, right in merges
        ]
        # A merge the blank row now splits would hide the text of a row under it.
        merges = [m for m in merges if not m[0] < at <= m[2]]
    above = _above(rng)
    return Generated(tuple(rows), above, tuple(m for m in merges if m[2] < len(rows)))


def _columns(rng: random.Random) -> list[str]:
    kinds = ["action"]
    for kind in KINDS:
        if kind != "action" and rng.random() < 0.45:
            kinds.append(kind)
    if rng.random() < 0.2:
        kinds.append("ticks")  # a second phase
    if rng.random() < 0.15:
        kinds.extend(["action", "evidence"])  # phase pairs side by side
    rng.shuffle(kinds)
    if "theme" in kinds and rng.random() < 0.7:
        kinds.remove("theme")
        kinds.insert(0, "theme")
    return kinds


def _heading(rng: random.Random, kind: str) -> str:
    return rng.choice(HEADINGS[kind])


def _theme_cell(rng: random.Random, number: int) -> str:
    name, code, variants = THEMES[number]
    choice = rng.random()
    if choice < 0.3:
        return rng.choice(variants)
    if choice < 0.6:
        return f"{rng.choice((*variants[:1], name))} {STATEMENTS[number].capitalize()}"
    if choice < 0.75:
        return code
    return f"{name}: {STATEMENTS[number]}"


def _theme_rows(
    rng: random.Random,
    kinds: list[str],
    number: int,
    codes_used: list[str],
    merges: list[Merge],
    first_row: int,
) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    if "theme" not in kinds or rng.random() < 0.3:
        heading = [""] * len(kinds)
        heading[rng.randrange(len(kinds))] = _theme_cell(rng, number)
        rows.append(tuple(heading))
    for index in range(rng.randint(1, 5)):
        cells = [_cell(rng, kind, number, index, codes_used) for kind in kinds]
        if "theme" in kinds:
            at = kinds.index("theme")
            cells[at] = _theme_cell(rng, number) if index == 0 else ""
        rows.append(tuple(cells))
        if rng.random() < 0.2:
            rows.append(_wrapped(rng, kinds))
    if "theme" in kinds and len(rows) > 1 and rng.random() < 0.5:
        at = kinds.index("theme")
        start = next((r for r, row in enumerate(rows) if row[at]), None)
        if start is not None and all(not row[at] for row in rows[start + 1 :]):
            merges.append((first_row + start, at, first_row + len(rows) - 1, at))
    return rows


def _cell(rng: random.Random, kind: str, theme: int, index: int, codes_used: list[str]) -> str:
    if rng.random() < 0.12:
        return ""  # a blank (or merged) cell
    if kind == "action":
        return f"{rng.choice(VERBS)} {rng.choice(THINGS)}"
    if kind == "objective":
        code = f"{THEMES[theme][1]}{index + 1} " if rng.random() < 0.5 else ""
        return f"{code}Make {rng.choice(THINGS)} part of the plan"
    if kind == "code":
        code = f"{THEMES[theme][1]}{rng.randint(1, 2)}.{rng.randint(1, 3)}"
        codes_used.append(code)  # the same code may come twice: ids must still be unique
        return code
    if kind == "lead":
        return rng.choice(LEADS)
    if kind == "target":
        return rng.choice(DATES)
    if kind == "status":
        return rng.choice(STATUSES)
    if kind == "ticks":
        return rng.choice(("x", "", "✓", "X", "yes"))
    if kind == "evidence":
        return f"Count of {rng.choice(THINGS)}"
    return rng.choice(("", "see note", "Budget: £500", "n/a", "12", "=SUM(A1)"))


def _wrapped(rng: random.Random, kinds: list[str]) -> tuple[str, ...]:
    """A row the export wrapped: the rest of one cell, in lower case, alone on its row."""
    cells = [""] * len(kinds)
    cells[rng.randrange(len(kinds))] = rng.choice(
        ("and the wider faculty", "(with the union)", "across both campuses", "workforce)")
    )
    return tuple(cells)


def _above(rng: random.Random) -> tuple[str, ...]:
    return rng.choice(
        (
            (),
            ("## Technician Commitment 24 Month Action Plan",),
            ("Technician Commitment action plan 2023-25",),
            ("Our 36 month plan",),
            ("Action plan", "Please list your actions below."),
        )
    )
