"""Turning mapped rows into themes, objectives and actions, the way a person reads the table.

A theme cell left empty means "same as above" (a merged cell); a row naming only a theme is a
heading, with its goal statement beside it; a theme cell that is not a theme is an objective;
a row with two phases' text side by side is two actions. Nothing is dropped: text without a
field of its own is kept as a comment beside the action, and every guess is noted for review.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .columns import TEXT_FIELDS, Column, Mapping, clean_header
from .continued import join_continuations
from .draft import Draft, DraftAction, DraftObjective
from .fields import JOINED_TEXT, add_list, fill, joined, register
from .grid import Row
from .phases import phase_months
from .words import (
    THEME_KEYS,
    Code,
    is_tick,
    match_theme,
    months_mentioned,
    normalise,
    parse_target,
    split_code,
    squash,
    years_in,
)

THEME_NAMES = dict(THEME_KEYS)  # 'careerdevelopment' -> 'career-development'


# '2', '2.', '2)', 'iv.', 'b)': a list's numbering; a letter alone ('A') is not.
_NUMBERING = re.compile(r"\d{1,2}[.):]?|(?:[ivx]{1,4}|[a-h])[.):]", re.I)
_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to|/)\s*((?:19|20)\d\d|\d\d)\b")


@dataclass
class _State:
    theme: str | None = None
    objective: DraftObjective | None = None
    theme_cell: str = ""  # the last theme cell's text, to join names broken across rows
    named_here: bool = False  # this row's own cells named the theme
    since_theme: int = 2  # rows since a theme cell gave the goal (1: it was the row above)
    last: list[DraftAction] = field(default_factory=list)


class Reader:
    """Reads the sections of one file into a Draft; state carries over between sections, so a
    table continued on the next page keeps its theme."""

    def __init__(self) -> None:
        self.draft = Draft()
        self.state = _State()

    # --- sections --------------------------------------------------------------------------

    def outside(self, rows: Sequence[Row]) -> None:
        for row in rows:
            for _, text in row.filled:
                self.draft.outside.append(f"{row.place}: {normalise(text)}")
                self._remember_dates(text, titles=True)
                self._title(text)

    def caption(self, text: str, place: str | None) -> None:
        """A heading just before a table (at `place`), or a sheet's name, that may name a theme."""
        found = match_theme(text)
        if found and (not found.rest or found.separated or found.explicit):
            self._enter_theme(found.theme, f"'{normalise(text)}' ({place or 'the sheet name'})")
            if found.statement and _is_statement(found.statement):
                self._goal(found.statement, place or "the sheet name")
        elif place:
            self.draft.outside.append(f"{place}: {normalise(text)}")
            self._remember_dates(text, titles=True)
            self._title(text)

    def section(self, mapping: Mapping, headers: Sequence[Row], rows: Sequence[Row]) -> None:
        """Rows under a header (of one or two rows; the first is the one repeated on a new
        page)."""
        header = headers[0]
        for row in headers:
            said = " | ".join(f"'{normalise(text)}'" for _, text in row.filled)
            if not any(known.endswith(f": {said}") for known in self.draft.headers):
                self.draft.headers.append(f"{row.place}: {said}")
        self._labels(mapping)
        self._remember_dates(" ".join(header.cells), titles=True)
        self._remember_years(mapping, rows)
        for row in join_continuations(rows):
            self.row(mapping, header, row)

    def _labels(self, mapping: Mapping) -> None:
        if any(c.bars for c in mapping.columns):
            self.draft.own_export = True
        for column in mapping.columns:
            label = clean_header(column.header)
            own_name = label.lower().replace(" ", "_") == column.role  # our own CSV's heading
            if column.role in TEXT_FIELDS and column.phase is None and label and not own_name:
                self.draft.labels.setdefault(column.role, label)
            if column.role == "phase" and column.ticks:
                register(self.draft.phases, column.label)
        months = re.findall(
            r"(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\s*months",
            " ".join(c.header for c in mapping.columns),
        )
        if months:
            self.draft.months = max(int(end) for _, end in months)
        spans = [phase_months(phase) for phase in mapping.phase_groups]
        spans += [phase_months(c.header) for c in mapping.columns if c.role == "phase"]
        ends = [span[1] for span in spans if span is not None]
        if ends:
            self.draft.months = max(ends)

    def _remember_years(self, mapping: Mapping, rows: Sequence[Row]) -> None:
        """Years written in the Year or timeline columns ('2023/2024', '2024-25', '2026')."""
        timeline = [c.index for c in mapping.columns if c.role in ("target", "start", "phase")]
        for row in rows:
            for index in timeline:
                self.draft.column_years.extend(years_in(row.cell(index)))

    # --- one row -----------------------------------------------------------------------------

    def row(self, mapping: Mapping, header: Row, row: Row) -> None:
        self.state.since_theme += 1
        if self._no_actions(mapping, header, row):
            self._note_joined(row, [])
            return
        cells = {c.index: row.cell(c.index) for c in mapping.columns}
        self.state.named_here = False
        if not mapping.of("theme"):
            self._theme_in_text_cell(mapping, row, cells)
        objective_text = self._theme_and_goal(mapping, row, cells)
        code = _code_in(mapping, cells)
        for column in mapping.of("objective"):
            if cells[column.index]:
                objective_text = cells[column.index]
        if code and not any(cells[c.index] for c in mapping.of("theme")):
            self._enter_theme(code.theme, None)
        if objective_text:
            self._objective(objective_text, row.place, code if mapping.of("objective") else None)
        actions = self._actions(mapping, row, cells, code, objective_text)
        if not actions:
            self._keep_unused(mapping, row, cells, bool(objective_text or self.state.named_here))
        self._note_joined(row, actions)
        self.state.last = actions or self.state.last

    def _keep_unused(self, mapping: Mapping, row: Row, cells: dict[int, str], named: bool) -> None:
        """A row that made no action (text only in a code or ignored column, say, beside a
        theme or objective) keeps the cells nothing read in a comment, so no text is lost."""
        if row.place in self._used_rows():
            return
        read = ("theme", "goal", "objective") if named else ()
        said = " | ".join(
            cells[c.index] for c in mapping.columns if cells[c.index] and c.role not in read
        )
        if said:
            self.draft.skipped.append(f"{row.place}: {normalise(said)} (no action in it)")

    def _used_rows(self) -> set[str]:
        # Rows added to the action above say so in its notes.
        return {
            note.split(" had no action", 1)[0]
            for action in self.state.last
            for note in action.notes
            if " had no action of its own" in note
        }

    def _note_joined(self, row: Row, actions: Sequence[DraftAction]) -> None:
        if not row.joined:
            return
        note = (
            f"{row.place} and {', '.join(row.joined)} were read as one row: the later text "
            "looked like the rest of the cell above (check it belongs there)"
        )
        if actions:
            for action in actions:
                action.notes.append(note)
        elif self.state.theme is not None:
            self.draft.theme(self.state.theme).notes.append(note)
        else:
            self.draft.skipped.append(note)

    def _no_actions(self, mapping: Mapping, header: Row, row: Row) -> bool:
        """An empty row, the header repeated, a row of ticks alone or a heading: what it says
        is noted (dates, skipped rows, a theme) and no action is made from it."""
        filled = row.filled
        if not filled:
            return True
        if [normalise(c) for c in row.cells] == [normalise(c) for c in header.cells]:
            self.draft.skipped.append(f"{row.place}: the header repeated (a new page)")
            return True
        for _, text in filled:
            self._remember_dates(text)
        if all(is_tick(text) for _, text in filled):
            ticks = " ".join(text for _, text in filled)
            self.draft.skipped.append(f"{row.place}: only tick marks ({ticks}), no action")
            return True
        return self._heading(mapping, row)

    def _theme_and_goal(self, mapping: Mapping, row: Row, cells: dict[int, str]) -> str:
        """Read the row's theme and goal cells; returns the objective a theme cell holds."""
        objective_text = ""
        for column in mapping.of("theme"):
            if cells[column.index]:
                objective_text = self._theme_cell(cells[column.index], row, mapping)
        for column in mapping.of("goal"):
            if cells[column.index]:
                self._goal(cells[column.index], row.place)
        return objective_text

    def _theme_in_text_cell(self, mapping: Mapping, row: Row, cells: dict[int, str]) -> None:
        """With no theme column, a cell of a text column that opens with a theme's name and
        its statement ('Recognition: technical work is valued', 'Visibility Ensure that ...')
        names the row's theme, wherever it is; the cell is then read as the theme, not as
        more detail."""
        for column in mapping.columns:
            if column.role in ("action", "objective", "code", "id") or column.ticks:
                continue
            text = cells[column.index]
            found = match_theme(text) if text else None
            if found is None or found.partial:
                continue
            if (
                found.explicit
                or (found.statement and found.separated)
                or _opens_statement(found.statement)
            ):
                self._enter_theme(found.theme, f"'{normalise(text)}' ({row.place})")
                self.state.named_here = True
                if found.statement and _is_statement(found.statement):
                    self._goal(found.statement, row.place)
                cells[column.index] = ""
                return

    def _heading(self, mapping: Mapping, row: Row) -> bool:
        """A row that only names a theme, perhaps with its goal statement in another cell."""
        text_cells = [(i, t) for i, t in row.filled if not is_tick(t)]
        # A numbered list's heading ('2 | Recognition - ...'): the number is not its text.
        numbers = [t for _, t in text_cells if _NUMBERING.fullmatch(t.strip())]
        if numbers and len(numbers) < len(text_cells):
            text_cells = [(i, t) for i, t in text_cells if not _NUMBERING.fullmatch(t.strip())]
        if not 1 <= len(text_cells) <= 2:
            return False
        first_index, first = text_cells[0]
        found = match_theme(first)
        if not found or (len(first) > 60 and not found.rest):
            return False
        action_columns = {
            c.index for c in mapping.columns if c.role == "action" or c.phase is not None
        }
        if len(text_cells) == 2 and text_cells[1][0] in action_columns:
            return False
        theme_columns = {c.index for c in mapping.of("theme")}
        if first_index not in theme_columns:
            # 'Theme 1: Visibility - our goal' is a heading; 'Visibility of technicians on
            # committees' is an action, or more text for the action above.
            said_so = found.explicit or found.separated or _opens_statement(found.statement)
            if not said_so or (not found.rest and len(first) > 40):
                return False
        said = " ".join([*numbers, normalise(first)])
        self._enter_theme(found.theme, f"'{said}' ({row.place}, a heading row)")
        goal = text_cells[1][1] if len(text_cells) == 2 else found.statement
        if goal and _is_statement(goal):
            self._goal(goal, row.place)
        elif len(text_cells) == 2:
            self.draft.theme(found.theme).notes.append(
                f"the heading row {row.place} also says: {normalise(goal)}"
            )
        return True

    def _theme_cell(self, text: str, row: Row, mapping: Mapping) -> str:
        """Set the theme from its cell; returns the text when it is an objective, not a theme."""
        state = self.state
        found = match_theme(text)
        if found:
            theme = self.draft.themes.get(found.theme)
            repeated = (
                found.theme == state.theme
                and theme is not None
                and theme.goal
                and found.statement
                and _is_statement(found.statement)
                and normalise(found.statement) != normalise(theme.goal)
            )
            if not repeated:
                self._enter_theme(found.theme, f"'{normalise(text)}' ({row.place})")
                state.named_here = True
                state.theme_cell = text
                if found.statement and _is_statement(found.statement):
                    self._goal(found.statement, row.place)
                    state.since_theme = 0
                return ""
        if not found and state.since_theme == 1 and self._goal_continues(text, row.place):
            return ""
        code, rest = split_code(text)
        if code is not None and not rest:
            # 'R2' or 'S1.1' alone in the theme column: the code's letters name the theme.
            self._enter_theme(code.theme, f"'{normalise(text)}' ({row.place})")
            state.named_here = True
            return ""
        before = squash(state.theme_cell)
        whole = squash(state.theme_cell + text)
        joined = state.theme_cell and whole in THEME_NAMES and before not in THEME_NAMES
        if joined and THEME_NAMES[whole] == state.theme and not found:
            # The rest of a name the export broke across two rows ('Career Develop' / 'ment').
            self.draft.theme(THEME_NAMES[whole]).wording.append(
                f"'{normalise(text)}' ({row.place})"
            )
            state.theme_cell = ""
            return ""
        state.theme_cell = ""
        if mapping.of("objective"):
            # The theme column holds a statement under a theme already named: its goal, or
            # (when it has one) a note beside the theme, so the text is not lost.
            if state.theme and not self.draft.theme(state.theme).goal:
                self._goal(text, row.place)
            elif state.theme:
                self.draft.theme(state.theme).notes.append(
                    f"the theme column at {row.place} also says: {normalise(text)}"
                )
            else:
                self.draft.outside.append(f"{row.place}: {normalise(text)}")
            return ""
        return text

    def _goal_continues(self, text: str, place: str) -> bool:
        """A theme cell just under the one that gave the goal, carrying on its sentence
        ('... known across the' / 'university and beyond it.'), is the rest of the goal."""
        theme = self.draft.theme(self.state.theme) if self.state.theme else None
        if theme is None or not theme.goal:
            return False
        unfinished = theme.goal.rstrip()[-1:] not in ".!?"
        if not (text.strip()[:1].islower() or (unfinished and text.strip()[:1] in "(),;")):
            return False
        theme.goal = f"{theme.goal.rstrip()} {text.strip()}"
        theme.notes.append(
            f"the goal statement continues on {place}, so the two rows were joined (check it)"
        )
        self.state.since_theme = 2
        return True

    def _enter_theme(self, theme_id: str, wording: str | None) -> None:
        state = self.state
        if theme_id != state.theme:
            state.objective = None
            state.last = []  # a row with no action of its own never joins another theme's
        state.theme = theme_id
        theme = self.draft.theme(theme_id)
        if wording is None:
            return
        said = wording.rsplit(" (", 1)[0]
        if said and not any(w.rsplit(" (", 1)[0] == said for w in theme.wording):
            theme.wording.append(wording)

    def _goal(self, text: str, place: str) -> None:
        if self.state.theme is None:
            self.draft.outside.append(f"{place}: {normalise(text)}")
            return
        theme = self.draft.theme(self.state.theme)
        if theme.goal is None:
            theme.goal = text.strip()
        elif normalise(theme.goal) != normalise(text):
            theme.notes.append(f"another goal statement at {place}: {normalise(text)}")

    def _objective(self, text: str, place: str, code: Code | None) -> None:
        state = self.state
        written_code, title = split_code(text)
        code = written_code or code
        current = state.objective
        if current and title[:1].islower() and not written_code and code is None:
            # The rest of a title the export split over two rows.
            current.title = f"{current.title} {title}"
            current.notes.append(f"its title continues on {place}")
            return
        same_code = (
            written_code is None or written_code.objective == current.code if current else True
        )
        if current and normalise(title) == normalise(current.title) and same_code:
            return
        if code and (state.theme is None or not state.named_here):
            self._enter_theme(code.theme, None)  # 'R2 ...' under a merged 'Visibility' cell
        objective = DraftObjective(place, title, code.objective if code else None)
        if written_code and written_code.text != written_code.objective:
            objective.notes.append(f"written '{written_code.text}' in the table")
        if not title:
            objective.notes.append("the table gives only its code: write its title")
        if state.theme is None:
            # No theme named yet: keep its words, and let actions under it say they are lost.
            self.draft.outside.append(f"{place}: {normalise(text)} (an objective with no theme)")
        else:
            self.draft.theme(state.theme).objectives.append(objective)
        state.objective = objective

    # --- actions -----------------------------------------------------------------------------

    def _actions(
        self,
        mapping: Mapping,
        row: Row,
        cells: dict[int, str],
        code: Code | None,
        objective_text: str,
    ) -> list[DraftAction]:
        shared = [c for c in mapping.columns if c.phase is None]
        groups = mapping.phase_groups
        made = []
        if groups:
            ticked = []  # a tick in a phase's column says the row's action is in that phase
            for phase in groups:
                own = [c for c in mapping.columns if c.phase == phase]
                texts = [cells[c.index] for c in own if cells[c.index]]
                if not texts:
                    continue
                if all(is_tick(text) for text in texts):
                    ticked.append(register(self.draft.phases, phase))
                    continue
                action = self._action(row, [*shared, *own], cells, code, objective_text, phase)
                if action:
                    made.append(action)
            if not made:
                made = self._without_phase(row, shared, cells, code, objective_text)
            for action in made:
                add_list(action, "phases", ticked)
        else:
            action = self._action(row, shared, cells, code, objective_text, None)
            made = [action] if action else []
        return made

    def _action(
        self,
        row: Row,
        columns: Sequence[Column],
        cells: dict[int, str],
        code: Code | None,
        objective_text: str,
        phase: str | None,
    ) -> DraftAction | None:
        # The first action column with text: two columns under one phase heading are both
        # action columns, and either may hold the row's action.
        action_columns = [c for c in columns if c.role == "action"]
        title_column = next((c for c in action_columns if cells[c.index]), None)
        title_column = title_column or (action_columns[0] if action_columns else None)
        title = cells[title_column.index] if title_column else ""
        content = [
            c
            for c in columns
            if c.role not in ("theme", "goal", "objective", "code", "action", "ignore")
            and cells[c.index]
        ]
        if not title and not content:
            return None
        action = DraftAction(row.place, title)
        used: Column | None = None  # a column whose text became the title
        if not title:
            if objective_text:
                written, rest = split_code(objective_text)
                action.title = rest or objective_text
                action.notes.append(
                    "the table has no action text in this row, so its title repeats the "
                    "objective: reword it"
                )
            elif self.state.last and phase is None and not objective_text:
                self._add_to_last(row, columns, cells)
                return None
            else:
                worded = [c for c in content if not is_tick(cells[c.index])]
                if not worded:  # only tick marks: no action of its own to name
                    if self.state.last:
                        self._add_to_last(row, columns, cells)
                    return None
                first = used = worded[0]
                action.title = cells[first.index]
                action.notes.append(
                    f"no action text in this row: the title is the '{first.label}' cell"
                )
        if title:
            written, rest = split_code(title)
            if written and rest:
                action.title = rest
                action.fields["id"] = written.action_id
                action.as_written["id"] = written.text
                if not self.state.theme or not mapping_has_theme(columns, cells):
                    self._enter_theme(written.theme, None)
        if code and "id" not in action.fields and (not objective_text or code.action is not None):
            action.fields["id"] = code.action_id
            action.as_written["id"] = code.text
        if phase is not None:
            add_list(action, "phases", [register(self.draft.phases, phase)])
        # A second column of action text (beside a phase's own) is more detail, not lost.
        filled = [
            replace(c, role="details") if c.role == "action" and c is not title_column else c
            for c in columns
            if cells[c.index] and c is not used
        ]
        fill(self.draft, self.state.theme, action, filled, cells)
        self._place(action)
        return action

    def _add_to_last(self, row: Row, columns: Sequence[Column], cells: dict[int, str]) -> None:
        """A row with no action of its own adds to the action above (its cell was merged)."""
        for action in self.state.last:
            extra = DraftAction(row.place, action.title)
            fill(self.draft, self.state.theme, extra, [c for c in columns if cells[c.index]], cells)
            for name, value in extra.fields.items():
                if isinstance(value, list):
                    add_list(action, name, value)
                elif name not in action.fields:
                    action.fields[name] = value
                elif name in JOINED_TEXT:
                    action.fields[name] = joined(action.fields[name], str(value))
                elif action.fields[name] != value:
                    action.kept.append(f"{name} on {row.place}: {value}")  # one value only
            action.kept.extend(extra.kept)
            action.notes.extend(extra.notes)
            action.kept.extend(
                f"{name}: written '{text}'" for name, text in extra.as_written.items()
            )
            action.kept.extend(
                f"{c.label} on {row.place}: {cells[c.index]}"
                for c in columns
                if c.role == "code" and cells[c.index] and split_code(cells[c.index])[0]
            )
            action.notes.append(f"{row.place} had no action of its own and was added to this one")

    def _without_phase(
        self,
        row: Row,
        shared: Sequence[Column],
        cells: dict[int, str],
        code: Code | None,
        objective_text: str,
    ) -> list[DraftAction]:
        """A row of a side-by-side layout with nothing in any phase's columns: more for the
        action above, or an action of its own when there is none."""
        own = [c for c in shared if c.role not in ("theme", "goal", "objective", "code", "ignore")]
        if not any(cells[c.index] for c in own):
            return []
        titled = any(c.role == "action" and cells[c.index] for c in own)
        if self.state.last and not titled:
            self._add_to_last(row, shared, cells)
            return []
        action = self._action(row, shared, cells, code, objective_text, None)
        return [action] if action else []

    def _place(self, action: DraftAction) -> None:
        state = self.state
        if state.theme is None:
            self.draft.unplaced.append(action.place)
            return
        if (
            state.objective is not None
            and state.objective in self.draft.theme(state.theme).objectives
        ):
            state.objective.actions.append(action)
        else:
            self.draft.theme(state.theme).actions.append(action)

    # --- plan-wide lists ---------------------------------------------------------------------

    def _title(self, text: str) -> None:
        # A Markdown heading's '## ' or a bullet is how the line was written, not its words.
        text = normalise(text).lstrip("#*•-–> ").strip()
        if self.draft.title is None and len(text) <= 80 and "plan" in text.lower():
            self.draft.title = text
            months = re.search(r"\b(\d{1,3})[- ]?months?\b", text, re.I)
            if months:
                self.draft.title_months = int(months[1])

    def _remember_dates(self, text: str, titles: bool = False) -> None:
        """Months mentioned anywhere; a span of years only in titles and headers, where it
        names the plan's own years rather than something an action refers to."""
        self.draft.dates.extend(months_mentioned(text))
        parsed = parse_target(text)  # a cell that is a date: '31/03/2026', '2026-09'
        if isinstance(parsed, dt.date):
            self.draft.dates.append(parsed.replace(day=1))
        elif isinstance(parsed, str) and re.fullmatch(r"\d{4}-\d{2}", parsed):
            self.draft.dates.append(dt.date(int(parsed[:4]), int(parsed[5:]), 1))
        years = _YEARS.search(text) if titles else None
        if years and self.draft.years is None:
            first, last = int(years[1]), int(years[2])
            last = last + first // 100 * 100 if last < 100 else last
            if 0 < last - first <= 10:
                self.draft.years = (first, last)
        match = re.search(r"\b(\d{2})[- ]month", text, re.I)
        if match and self.draft.months is None:
            self.draft.months = int(match.group(1))


def _opens_statement(rest: str) -> bool:
    """'Visibility Ensure that ...': after the name, a sentence of its own begins (a capital),
    unlike 'Visibility of technicians on committees', which is one phrase."""
    return _is_statement(rest) and rest[:1].isupper()


def mapping_has_theme(columns: Sequence[Column], cells: dict[int, str]) -> bool:
    return any(c.role == "theme" and cells[c.index] for c in columns)


def _is_statement(text: str) -> bool:
    """A goal statement, not a qualifier such as '(of technical workforce' or 'theme'."""
    words = text.split()
    return len(words) >= 3 and not text.lstrip().startswith("(")


def _code_in(mapping: Mapping, cells: dict[int, str]) -> Code | None:
    """The objective's code from the row's code cells (the last filled one), if it is one."""
    code = None
    for column in mapping.of("code"):
        if cells[column.index]:
            code, rest = split_code(cells[column.index])
            if code is None or rest:
                code = None
    return code
