"""Finding the header row and deciding what each column holds, from the header's wording and
the cells under it; a mapping file overrides any of it, and the mapping used can be printed in
that same form to be saved and edited.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, replace

import yaml

from ..models import STATUSES, TIMING_KINDS
from .grid import Row
from .words import is_tick, match_status, match_theme, normalise, split_code

# What a column can hold. Text fields go to the action field of the same name.
TEXT_FIELDS = (
    "details",
    "resources",
    "stakeholders",
    "lead",
    "success_measures",
    "evidence",
    "target",
)
ROLES = (
    "theme",
    "goal",
    "objective",
    "code",
    "action",
    "id",
    *TEXT_FIELDS,
    "start",
    "status",
    "phase",
    "pillar",
    "also_serves",
    "carried_forward_to",
    "carried_forward_from",
    "update_date",
    "update_note",
    "updates",
    "ignore",
)
ROLE_MEANING = {
    "theme": "the theme (and its goal statement, or an objective when it is not a theme)",
    "goal": "the theme's goal statement",
    "objective": "the objective (a leading code such as V1 is its code)",
    "code": "objective or action codes (V1, R2.1, CD3)",
    "action": "the action's title",
    "id": "the action's id (the end of its address)",
    "details": "more detail",
    "resources": "resources it needs (budget, time, equipment)",
    "stakeholders": "resources and key stakeholders",
    "lead": "who leads it",
    "success_measures": "success measures",
    "evidence": "how impact will be evidenced",
    "start": "when work begins (a date or month)",
    "target": "when it is due",
    "status": "its status",
    "phase": "a phase: tick marks, or phase names",
    "pillar": "a strategic pillar: tick marks, or pillar names",
    "also_serves": "other themes it serves: tick marks or theme names",
    "carried_forward_to": "where a carried-forward action continues (plan/action id)",
    "carried_forward_from": "the earlier plan's action it continues (plan/action id)",
    "update_date": "date of the latest progress update",
    "update_note": "the latest progress update",
    "updates": "every progress update, one a line, each starting with its date",
    "ignore": "not imported (its text is kept as a comment)",
}

# A column naming resources alone is `resources`; one naming people ('Stakeholders', 'Partners')
# is `stakeholders`, and so is the combined 'Resources and key stakeholders' column that most
# plans have, since the model's stakeholders field is that column.
_RESOURCES = r"\bresources?\b|\bbudget\b|\bcosts?\b|\bfunding\b"
_STAKEHOLDERS = r"\bstakeholders?\b|\bpartners?\b|\binvolved\b"

# Header wording -> role. The match that starts earliest in the header wins, then the longest:
# 'Tasks, Resources and Impact' is about tasks; 'How impact will be evidenced' about evidence.
_WORDS: tuple[tuple[str, str], ...] = (
    ("id", r"\baction id\b|^id$"),
    (
        "code",
        r"\b(?:objective|action) (?:code|no\b\.?|number|ref\b\.?|reference|id\b)"
        r"|^(?:code|ref\.?|reference|no\.?|number|#)$",
    ),
    ("ignore", r"\bstatus label\b|^url$|^link$|^plan$"),
    ("carried_forward_to", r"\bcarried (?:forward|over) to\b|\bcontinues in\b"),
    ("carried_forward_from", r"\bcarried (?:forward|over) from\b|\bcontinues from\b"),
    ("updates", r"^updates$|\bupdate history\b|\ball (?:progress )?updates\b"),
    (
        "start",
        r"^start\b|\bstart(?:s|ing)? (?:date|month|on|by)\b|\bbegins?\b|\bcommenc\w*"
        r"|\bwhen (?:it )?starts\b",
    ),
    ("update_note", r"\blast update note\b|\bprogress updates?\b|\bupdate notes?\b"),
    (
        "update_date",
        r"\blast update\b|\bupdate date\b|\bdate updated\b|\bdate of (?:last )?update\b",
    ),
    (
        "also_serves",
        r"\btheme alignment\b|\balso serves\b|\bother themes\b|\bthemes? addressed\b"
        r"|\baligned (?:to )?themes?\b|\bcross cutting\b",
    ),
    ("pillar", r"\bpillars?\b|\bstrateg(?:y|ic) (?:aims?|priorit(?:y|ies)|areas?)\b"),
    ("theme", r"\bthemes?\b|\bgoals?\b|\bcommitment areas?\b|\bpriority areas?\b"),
    ("objective", r"\bobjectives?\b|\baims?\b"),
    (
        "action",
        r"\bactions?\b|\bactivit(?:y|ies)\b|\btasks?\b|\binitiatives?\b|\bwhat we will do\b"
        r"|\bdeliverables?\b|\binterventions?\b",
    ),
    (
        "details",
        r"\bdetails?\b|\bdescription\b|\bnotes?\b|\bcomments?\b|\brationale\b|\bcontext\b"
        r"|\bbackground\b|\bapproach\b",
    ),
    ("resources", _RESOURCES),
    ("stakeholders", _STAKEHOLDERS),
    ("lead", r"\bleads?\b|\bowners?\b|\bresponsib\w*|\baccountab\w*|\bwho\b|\bchampions?\b"),
    (
        "success_measures",
        r"\bsuccess\b|\bmeasures?\b|\bkpis?\b|\bindicators?\b|\btargets\b|\boutputs?\b"
        r"|\bmetrics?\b|\boutcomes?\b",
    ),
    ("evidence", r"\bevidence[ds]?\b|\bimpact\b|\bevaluat\w*|\bmonitor\w*|\bhow will we know\b"),
    (
        "target",
        r"\btimeline\b|\btime ?scales?\b|\btime ?frames?\b|\bdeadlines?\b|\bdue\b|\bdates?\b"
        r"|\bwhen\b|\btarget\b|\bcompletion\b|\bmilestones?\b|\bby when\b|\btiming\b"
        r"|\bprojected\b|\byears?\b",
    ),
    ("status", r"\bstatus\b|\bprogress\b|\brag\b"),
    ("phase", r"\bphases?\b"),
)
_COMPILED = tuple((role, re.compile(pattern)) for role, pattern in _WORDS)

# A phase named in a header: "0-12 months", "Year 1", "short term", "Q3", "2024/25", "Phase 2".
_PHASE = re.compile(
    r"\b\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s*months?\b|\bmonths?\s*\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\b"
    r"|\b(?:year|yr|y)\s*\d\b|\b(?:short|medium|long)[- ]term\b|\bq[1-4]\b"
    r"|\b(?:19|20)\d\d\s*(?:/|-|–)\s*\d{2,4}\b|\bphase\s*\d{1,2}\b"
    r"|\b(?:within|up to|first) \d{1,2} (?:months?|years?)\b|\b\d\s*(?:-|–|to)\s*\d\s*years?\b"
    r"|\b(?:first|second|third|fourth|fifth) year\b|^(?:19|20)\d\d$",
    re.I,
)


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    role: str
    phase: str | None = None  # a column of one phase's text in a side-by-side layout
    guessed: bool = False  # the wording said nothing we know: a person should check it
    ticks: bool = False  # holds tick marks
    bars: bool = False  # lists separated by ' | ' only, as our own CSV export writes them
    derived: bool = False  # worked out from other columns (our CSV's timing): nothing to keep

    @property
    def label(self) -> str:
        return clean_header(self.header) or column_letter(self.index)


@dataclass(frozen=True)
class Mapping:
    header: int  # index of the header row within its table
    columns: tuple[Column, ...]
    header_rows: int = 1  # 2 when a second header row names the columns under a merged one

    def of(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role and c.phase is None]

    @property
    def phase_groups(self) -> list[str]:
        seen: list[str] = []
        for column in self.columns:
            if column.phase is not None and column.phase not in seen:
                seen.append(column.phase)
        return seen


def clean_header(text: str) -> str:
    return normalise(text).rstrip(":").strip()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = string.ascii_uppercase[remainder] + letters
    return letters


def role_from_wording(header: str) -> str | None:
    text = clean_header(header).lower().replace("_", " ")
    best: tuple[int, int, str] | None = None
    for role, pattern in _COMPILED:
        for match in pattern.finditer(text):
            key = (match.start(), -(match.end() - match.start()), role)
            if best is None or key[:2] < best[:2]:
                best = key
            break
    found = best[2] if best else None
    if found == "resources" and re.search(_STAKEHOLDERS, text):
        return "stakeholders"  # 'Resources and key stakeholders': the combined column
    return found


def phase_in(header: str) -> str | None:
    match = _PHASE.search(clean_header(header))
    return match.group(0) if match else None


def header_score(row: Row) -> int:
    """How much a row looks like a header: short cells whose wording names a column we know."""
    filled = row.filled
    if len(filled) < 2:
        return 0
    return sum(
        1 for _, text in filled if len(text) <= 80 and (role_from_wording(text) or phase_in(text))
    )


def find_header(rows: Sequence[Row], look: int = 40) -> int | None:
    """The row naming the most columns we know; failing that, a first row of short cells that
    names at least one ('Theme | Thing to do | Person')."""
    best, best_score = None, 1
    for index, row in enumerate(rows[:look]):
        score = header_score(row)
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        return best
    for index, row in enumerate(rows[:look]):
        if row.filled:
            short = all(len(text) <= 40 for _, text in row.filled)
            return index if short and header_score(row) == 1 else None
    return None


def guess_mapping(rows: Sequence[Row], header: int) -> Mapping:
    """Each column's role from its header's wording and from what its cells hold."""
    head = rows[header]
    depth = 2 if header + 1 < len(rows) and _names_columns_below(head, rows[header + 1]) else 1
    data = rows[header + depth :]
    width = max(len(r.cells) for r in rows)
    columns = []
    for index in range(width):
        title = head.cell(index)
        if depth == 2 and rows[header + 1].cell(index):
            title = rows[header + 1].cell(index)  # 'Year 1' under a merged 'Timescale'
        values = [r.cell(index) for r in data if r.cell(index)]
        columns.append(_classify(index, title, values))
    columns = _phase_pairs(_codes_by_content(_themes_by_content(columns, data), data))
    if is_own_export(head):
        columns = [replace(c, bars=True) for c in columns]
        columns = [
            replace(c, role="ignore", derived=True) if _plain(c) in ("plan", "url") else c
            for c in columns
        ]
    settled = _confirm_derived(_settle(columns), data)
    return Mapping(header, tuple(settled), depth)


def is_own_export(head: Row) -> bool:
    """The header of the plan CSV this site publishes (plan_data.COLUMNS): its lists are joined
    with ' | ', so a comma inside one ('People, Place and Culture') is not a separator."""
    names = {clean_header(text).lower() for _, text in head.filled}
    return {"action_id", "objective_code", "status_label"} <= names


def _names_columns_below(top: Row, below: Row) -> bool:
    """A second header row: short names, at least one under a cell merged into its neighbour
    ('Timescale' over 'Year 1 | Year 2 | Year 3'), none a tick or a sentence."""
    filled = below.filled
    if not filled or any(len(text) > 40 or is_tick(text) for _, text in filled):
        return False
    under_merge = [i for i, _ in filled if not top.cell(i)]
    named = [t for _, t in filled if role_from_wording(t) or phase_in(t)]
    return bool(under_merge) and len(named) >= max(1, len(filled) // 2)


def _classify(index: int, title: str, values: list[str]) -> Column:
    ticks = [v for v in values if is_tick(v)]
    tick_column = bool(ticks) and (
        len(ticks) == len(values) or len(ticks) >= 2 * (len(values) - len(ticks))
    )
    phase = phase_in(title) if title else None
    # 'Year 1 impact' is about impact: the phase's words say nothing about the field.
    role = role_from_wording(title.replace(phase, " ") if phase else title) if title else None
    if not title and not values:
        return Column(index, title, "ignore")
    if phase and not values:
        return Column(index, title, "phase", ticks=True)  # a phase column nobody ticked
    if tick_column:
        if phase or role == "phase":
            return Column(index, title, "phase", ticks=True)
        if title and (theme := match_theme(title)) and not theme.rest:
            return Column(index, title, "also_serves", ticks=True)
        if title and match_status(title):
            return Column(index, title, "status", ticks=True)
        return Column(index, title, "pillar", guessed=role != "pillar", ticks=True)
    if phase and role not in ("theme", "objective", "code", "status", "id"):
        field = role if role in ("action", *TEXT_FIELDS) and role != "target" else "action"
        return Column(index, title, field, phase=phase)
    if role is None:
        return Column(index, title, "details", guessed=True)
    if role == "status" and sum(1 for v in values if match_status(v)) * 2 < len(values):
        # 'Progress' holding sentences rather than statuses: more detail, in its own words.
        return Column(index, title, "details")
    return Column(index, title, role)


def _themes_by_content(columns: list[Column], data: Sequence[Row]) -> list[Column]:
    """A column with no heading we know, whose cells mostly open with a theme's name or code
    ('Visibility Ensure that ...', 'CD Career development'), is the theme column: what the
    cells say counts, not the heading, which is often left blank."""
    if any(c.role == "theme" and not c.guessed for c in columns):
        return columns
    for number, column in enumerate(columns):
        if column.header.strip() and not column.guessed:
            continue
        values = [r.cell(column.index) for r in data if r.cell(column.index)]
        named = [v for v in values if (found := match_theme(v)) and not found.partial]
        # A blank heading over one theme's name is enough; an odd heading needs two.
        enough = 1 if not column.header.strip() else 2
        if len(named) >= enough and 2 * len(named) >= len(values):
            columns[number] = replace(column, role="theme", guessed=False)
            return columns
    return columns


def _codes_by_content(columns: list[Column], data: Sequence[Row]) -> list[Column]:
    """Cells that open with a code ('V1 Make technical work seen', 'CD3'), under a blank or
    unknown heading or a code heading: codes alone are codes; codes with words are the
    objectives they name (when no other column holds objectives)."""
    has_objectives = any(c.role == "objective" for c in columns)
    for number, column in enumerate(columns):
        unknown = not column.header.strip() or column.guessed
        if not (unknown or column.role == "code"):
            continue
        values = [r.cell(column.index) for r in data if r.cell(column.index)]
        coded = [split_code(v) for v in values]
        worded = [code for code, rest in coded if code is not None and rest]
        bare = [code for code, rest in coded if code is not None and not rest]
        if not values or 2 * (len(worded) + len(bare)) < len(values):
            continue
        if len(worded) >= len(bare) and not has_objectives:
            columns[number] = replace(column, role="objective", guessed=False)
            has_objectives = True
        elif unknown and len(bare) > len(worded):
            columns[number] = replace(column, role="code", guessed=False)
    return columns


def _phase_pairs(columns: list[Column]) -> list[Column]:
    """Phases side by side, each a run of columns ('Up to 12 months | Evaluation of impact |
    1-2 years | Evaluation of impact'): a column whose heading repeats, each time just after a
    phase's column, holds that phase's text for the same field."""
    phased = [c for c in columns if c.phase is not None and not c.ticks]
    if len({c.phase for c in phased}) < 2:
        return columns
    headers = [clean_header(c.header).lower() for c in columns]
    paired = list(columns)
    for number, column in enumerate(columns):
        before = paired[number - 1] if number else None
        repeated = headers.count(headers[number]) >= 2 and headers[number] != ""
        if (
            before is not None
            and before.phase is not None
            and not before.ticks
            and column.phase is None
            and repeated
            and column.role in (*TEXT_FIELDS, "details")
        ):
            paired[number] = replace(column, phase=before.phase, guessed=False)
    return paired


def _settle(columns: list[Column]) -> list[Column]:
    """One theme, objective, code, action, id and status column; a second becomes details
    (the goal, when the theme has its own goal column; a comment, for a second code)."""
    settled = _one_of_each(columns)
    settled = _leave_out_repeats(settled)
    if not any(c.role == "action" for c in settled):
        _make_actions(settled)
    return settled


_ONE_OF_EACH = ("theme", "objective", "code", "action", "id", "status")


def _one_of_each(columns: list[Column]) -> list[Column]:
    """A second column of a role only one column can have takes another role."""
    seen: set[str] = set()
    settled = []
    for column in columns:
        role = column.role
        if column.phase is None and role in _ONE_OF_EACH:
            if role in seen:
                if role == "theme" and "goal" in column.header.lower() and "goal" not in seen:
                    column = replace(column, role="goal")
                elif role in ("code", "id"):
                    column = replace(column, role="ignore")  # 'Action No.' beside 'Objective No.'
                else:
                    column = replace(column, role="details")
            seen.add(column.role)
        settled.append(column)
    return settled


def _leave_out_repeats(settled: list[Column]) -> list[Column]:
    """Columns that repeat what others say are left out (marked derived); an update's date or
    note without the other is more detail."""
    targets = [c for c in settled if c.role == "target" and c.phase is None]
    if any(_plain(c) == "target" for c in targets):
        # Our own CSV has 'target' as written, and 'target_date' and 'timing' worked out from it.
        settled = [
            replace(c, role="ignore", derived=True)
            if c in targets and _plain(c) in _WORKED_OUT
            else c
            for c in settled
        ]
    roles = {c.role for c in settled}
    if "updates" in roles:
        # Every update is in its own column: the latest update's date and note repeat one.
        settled = [
            replace(c, role="ignore", derived=True)
            if c.role in ("update_note", "update_date")
            else c
            for c in settled
        ]
        roles = {c.role for c in settled}
    if "status" in roles:
        # 'status_label' is the status in words: the status column already says it.
        settled = [
            replace(c, derived=True) if c.role == "ignore" and _plain(c) == "status label" else c
            for c in settled
        ]
    if ("update_note" in roles) != ("update_date" in roles):
        # A progress update needs a date and a note; one without the other is more detail.
        settled = [
            replace(c, role="details") if c.role in ("update_note", "update_date") else c
            for c in settled
        ]
    return settled


def _make_actions(settled: list[Column]) -> None:
    """No column of actions: the objectives (or the first text column) are the actions."""
    for wanted in ("objective", "details"):
        found = next((c for c in settled if c.role == wanted and c.phase is None), None)
        if found:
            settled[settled.index(found)] = replace(found, role="action")
            return


_WORKED_OUT = ("target date", "timing")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _confirm_derived(columns: list[Column], data: Sequence[Row]) -> list[Column]:
    """A column left out as worked out from others must hold what our CSV export writes there;
    a 'Timing' column of the table's own ('Q3', 'Spring') is more detail, and is kept."""
    updates = next((c for c in columns if c.role == "updates"), None)
    statuses = {label.lower() for label in STATUSES.values()}

    def fits(column: Column, row: Row) -> bool:
        text = row.cell(column.index).strip()
        if not text:
            return True
        name = _plain(column)
        if name in ("plan", "url"):
            return True  # only ever left out in our own export
        if name == "timing":
            return text in TIMING_KINDS
        if name in ("target date", "last update"):
            return bool(_ISO_DATE.fullmatch(text))
        if name == "status label":
            return text.lower() in statuses
        if name == "last update note" and updates is not None:
            return normalise(text) in normalise(row.cell(updates.index))
        return False  # a column of the table's own ('Progress update' beside 'Updates'): kept

    return [
        replace(c, role="details", derived=False)
        if c.derived and not all(fits(c, row) for row in data)
        else c
        for c in columns
    ]


def _plain(column: Column) -> str:
    return clean_header(column.header).lower().replace("_", " ")


# --- the mapping file ----------------------------------------------------------------------------


class MappingProblem(ValueError):
    """A mapping file that cannot be used; the message says which entry and why."""


def apply_overrides(mapping: Mapping, rows: Sequence[Row], overrides: dict[str, object]) -> Mapping:
    """Columns named in a mapping file (by header wording or letter) take the role it gives."""
    columns = list(mapping.columns)
    entries = overrides.get("columns") or {}
    if not isinstance(entries, dict):
        raise MappingProblem("'columns' must be a list of 'header: role' lines")
    for key, value in entries.items():
        index = _find_column(str(key), columns)
        if index is None:
            raise MappingProblem(
                f"no column is headed '{key}' (headers: "
                + ", ".join(f"'{c.label}'" for c in columns if c.header)
                + ")"
            )
        role, phase = _role_of(key, value)
        derived = columns[index].derived and role == "ignore"
        columns[index] = replace(
            columns[index], role=role, phase=phase, guessed=False, derived=derived
        )
    return replace(mapping, columns=tuple(columns))


def _find_column(key: str, columns: Sequence[Column]) -> int | None:
    """A column named by its heading, its letter (A, B, ... as a spreadsheet shows them) or
    its position (1, 2, ...; 'column 3'); a blank heading is named by letter or position."""
    position = re.fullmatch(r"(?:column\s*)?(\d{1,3})", key.strip(), re.I)
    if position:
        number = int(position[1])
        if 1 <= number <= len(columns):
            return number - 1
        raise MappingProblem(f"'{key}': the table has {len(columns)} columns, numbered from 1")
    if re.fullmatch(r"[A-Z]{1,2}", key.strip()):
        letters = [column_letter(c.index) for c in columns]
        if key.strip() in letters:
            return letters.index(key.strip())
    wanted = clean_header(key).lower()
    blank = [column_letter(c.index) for c in columns if not clean_header(c.header)]
    if not wanted and len(blank) > 1:
        raise MappingProblem(
            "more than one column has no heading: name each by its letter ("
            + ", ".join(blank)
            + ") or its position (1, 2, ...)"
        )
    for column in columns:
        if clean_header(column.header).lower() == wanted:
            return column.index
    return None


def _role_of(key: object, value: object) -> tuple[str, str | None]:
    if isinstance(value, dict):
        role, phase = value.get("field", "action"), value.get("phase")
    else:
        role, phase = value, None
    if role not in ROLES:
        raise MappingProblem(
            f"'{key}: {role}' is not a field the importer knows; use one of: " + ", ".join(ROLES)
        )
    return str(role), (str(phase) if phase is not None else None)


def header_row_override(overrides: dict[str, object]) -> int | None:
    value = overrides.get("header_row")
    if value is None:
        return None
    if not isinstance(value, int) or value < 1:
        raise MappingProblem("'header_row' must be the number of the header row (1 or more)")
    return value - 1


def describe(mapping: Mapping, first: bool = True) -> str:
    """The mapping as a file for --map: edit a line, save it, import again with --map FILE.
    Columns are named by heading, or by letter where the heading is blank or repeated; the
    first table's mapping also says which row is the header."""
    lines = ["columns:"]
    if first:
        lines.insert(
            0, f"header_row: {mapping.header + 1}  # the row naming the columns (1 is the first)"
        )
    if mapping.header_rows == 2:
        lines.insert(0, "# (the header is two rows; the lower row's names are used)")
    names = [clean_header(c.header).lower() for c in mapping.columns]
    for column in mapping.columns:
        key = clean_header(column.header)
        if not key or names.count(key.lower()) > 1:
            key = column_letter(column.index)  # by letter: two columns share this heading
        key_text = yaml.safe_dump(key, allow_unicode=True, width=1000).strip().removesuffix("\n...")
        if column.phase is not None:
            value = f"{{field: {column.role}, phase: {_quoted(column.phase)}}}"
        else:
            value = column.role
        why = ROLE_MEANING.get(column.role, "")
        if column.derived:
            why = "not imported: worked out from the other columns"
        if column.ticks:
            why += " (tick marks)"
        if column.guessed:
            why += "; GUESSED, please check"
        lines.append(f"  {key_text}: {value}  # {why}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).strip().removesuffix("\n...")
