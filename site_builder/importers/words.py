"""Reading the words people put in plan tables: theme names, tick marks, codes, statuses, dates.

Everything here is a pure function of a string. Exports break words ("Career Develop ment"),
cut cells short ("Sustainab ility (of technical workforc") and use look-alike characters (a
Cyrillic "х" for a tick), so matching works on letters only, not on the text as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Theme ids, each with the letters-only spellings that name it. Longer names first, so that
# "career development" wins over a bare "career".
THEME_KEYS: tuple[tuple[str, str], ...] = (
    ("careerdevelopment", "career-development"),
    ("careerprogression", "career-development"),
    ("visibility", "visibility"),
    ("recognition", "recognition"),
    ("sustainability", "sustainability"),
    ("career", "career-development"),
)
THEME_ORDER = ("visibility", "recognition", "career-development", "sustainability")
THEME_CODES = {
    "V": "visibility",
    "R": "recognition",
    "CD": "career-development",
    "C": "career-development",
    "S": "sustainability",
}

# x and X, the Cyrillic look-alikes х and Х, and the tick and check-box characters.
TICKS = frozenset("xXхХ✓✔☑✅√●•*yY") | {"yes", "Yes", "YES", "✗"}
_TICK_CHARS = frozenset("xXхХ✓✔☑✅√●•*✗")

_LETTERS = re.compile(r"[^a-z]")
_QUALIFIER = re.compile(r"\([^()]*\)\s*[:;,.\-–—]?\s*")
_LEADING_NUMBERING = re.compile(r"^\s*(?:theme\s*)?(?:\d{1,2}|[ivx]{1,4})?\s*[.:)\-–]?\s*", re.I)


def squash(text: str) -> str:
    """Lower-case letters only: 'Career Develop ment' -> 'careerdevelopment'."""
    return _LETTERS.sub("", text.lower())


@dataclass(frozen=True)
class ThemeMatch:
    theme: str
    rest: str  # the text after the theme's name: a goal statement, a qualifier, or nothing
    partial: bool  # only the start of the name was there ('Sustainab')
    separated: bool = True  # nothing follows the name, or punctuation does ('Visibility: ...')
    explicit: bool = False  # the cell says 'Theme 1: ...' or '2. ...'

    @property
    def statement(self) -> str:
        """The rest without a qualifier in brackets: 'Sustainability (of technical workforce)
        Keep the skills' states 'Keep the skills'. An unclosed bracket is no qualifier."""
        qualifier = _QUALIFIER.match(self.rest)
        return self.rest[qualifier.end() :] if qualifier else self.rest


def match_theme(text: str) -> ThemeMatch | None:
    """The theme a cell names at its start, allowing spaces inside the name and a cut-off end."""
    stripped = (
        _LEADING_NUMBERING.sub("", text, count=1)
        if text[:1].isdigit() or text[:5].lower() == "theme"
        else text
    )
    explicit = stripped != text
    letters = squash(stripped)
    if not letters:
        return None
    if stripped.strip() in ("V", "R", "CD", "S"):  # a theme column holding only codes
        return ThemeMatch(THEME_CODES[stripped.strip()], "", partial=False)
    for key, theme in THEME_KEYS:
        if letters.startswith(key):
            tail = _tail(stripped, len(key))
            if tail[:1].isalpha():
                continue  # 'Careers fair' is not the theme 'career'
            rest = tail.lstrip(" \t\n:;,.-–—")
            separated = not rest or tail.lstrip(" \t")[:1] in ":;,.-–—\n("
            return ThemeMatch(theme, rest, False, separated, explicit)
    # A name cut short by the export: the whole cell is the first letters of a theme's name.
    for key, theme in THEME_KEYS:
        if len(letters) >= 5 and key.startswith(letters) and len(stripped) < 30:
            return ThemeMatch(theme, "", partial=True)
    return None


def _tail(text: str, count: int) -> str:
    """The text after its first `count` letters."""
    seen = 0
    for index, char in enumerate(text):
        if char.isalpha():
            seen += 1
            if seen == count:
                return text[index + 1 :]
    return ""


def is_tick(text: str) -> bool:
    """A cell holding only tick marks ('x', 'X', 'х', '✓', 'x x' all count as one tick)."""
    value = text.strip()
    if not value:
        return False
    if value in TICKS:
        return True
    return all(char in _TICK_CHARS or char.isspace() for char in value)


# Objective and action codes: V1, R2, CD3, S4, with an optional letter and action number (V1.2).
_CODE = re.compile(
    r"^\s*(?P<prefix>CD|[VRSC])\s?(?P<number>\d{1,2})(?P<letter>[a-z])?"
    r"(?:\.(?P<action>\d{1,2}))?(?=$|[\s:.)\-–])[\s:.)\-–]*",
)


@dataclass(frozen=True)
class Code:
    text: str  # as written, e.g. 'V1.2'
    objective: str  # 'V1'
    action: int | None  # 2
    theme: str

    @property
    def action_id(self) -> str:
        base = self.objective.lower()
        return f"{base}-{self.action}" if self.action is not None else base


def split_code(text: str) -> tuple[Code | None, str]:
    """('V1.2', 'Hold an open day') from 'V1.2 Hold an open day'; (None, text) without a code."""
    match = _CODE.match(text)
    if not match:
        return None, text
    prefix = match["prefix"]
    objective = f"{prefix}{int(match['number'])}{match['letter'] or ''}"
    action = int(match["action"]) if match["action"] else None
    written = text[: match.end()].strip(" \t:.)-–")
    code = Code(written, objective, action, THEME_CODES[prefix])
    return code, text[match.end() :].strip()


STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("notstarted", "not-started"),
    ("notyetstarted", "not-started"),
    ("planned", "not-started"),
    ("ontrack", "on-track"),
    ("inprogress", "on-track"),
    ("underway", "on-track"),
    ("ongoing", "on-track"),
    ("started", "on-track"),
    ("green", "on-track"),
    ("atrisk", "at-risk"),
    ("amber", "at-risk"),
    ("delayed", "delayed"),
    ("behind", "delayed"),
    ("red", "delayed"),
    ("onhold", "delayed"),
    ("paused", "delayed"),
    ("partiallycomplete", "on-track"),
    ("partlycomplete", "on-track"),
    ("notdue", "not-started"),
    ("notyetdue", "not-started"),
    ("g", "on-track"),
    ("a", "at-risk"),
    ("r", "delayed"),
    ("complete", "complete"),
    ("completed", "complete"),
    ("done", "complete"),
    ("achieved", "complete"),
    ("carriedforward", "carried-forward"),
    ("carriedover", "carried-forward"),
    ("withdrawn", "withdrawn"),
    ("cancelled", "withdrawn"),
    ("dropped", "withdrawn"),
)


def match_status(text: str) -> str | None:
    letters = squash(text)
    for word, status in STATUS_WORDS:
        if letters == word:
            return status
    return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?[\s\-/']*(\d{{4}}|\d{{2}})\b", re.I)
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def parse_target(text: str) -> dt.date | str | None:
    """A cell that is only a date or a month, as the plan model writes it; None otherwise.

    'Dec-19' and 'December 2019' become '2019-12' (a month), '31/07/2026' a date (UK order).
    """
    value = text.strip().rstrip(".")
    iso = _ISO.match(value)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), iso[3]
        try:
            return dt.date(year, month, int(day)) if day else _month(year, month)
        except ValueError:
            return None
    uk = _UK_DATE.match(value)
    if uk:
        try:
            return dt.date(_year(uk[3]), int(uk[2]), int(uk[1]))
        except ValueError:
            return None
    whole = _MONTH_YEAR.fullmatch(value)
    if whole:
        return _month(_year(whole[2]), _MONTHS[whole[1].lower()])
    if re.fullmatch(r"20\d\d", value):
        return value
    return None


def _month(year: int, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None


def months_mentioned(text: str) -> list[dt.date]:
    """First days of every month-and-year written anywhere in a text ('by August 2022')."""
    found = []
    for match in _MONTH_YEAR.finditer(text):
        year = _year(match[2])
        if 2000 <= year <= 2100:
            found.append(dt.date(year, _MONTHS[match[1].lower()], 1))
    return found


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """An identifier the plan model accepts: '0-12 months' -> '0-12-months'."""
    value = _SLUG.sub("-", text.lower()).strip("-")
    return value or "item"


def normalise(text: str) -> str:
    """Whitespace made single spaces, for comparing cells."""
    return " ".join(text.split())


_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)(?:\s*(?:/|-|–|to)\s*((?:19|20)?\d\d))?\b")


def years_in(text: str) -> list[tuple[int, int]]:
    """Years a timeline cell names, each as (first, last): '2023/2024' and '2023-24' give
    (2023, 2024), '2026' gives (2026, 2026). Months ('2026-03') are not years."""
    found = []
    for match in _YEAR_SPAN.finditer(text):
        first = int(match[1])
        last_text = match[2]
        if last_text is None:
            found.append((first, first))
            continue
        last = int(last_text) if len(last_text) == 4 else first // 100 * 100 + int(last_text)
        if first < last <= first + 10:
            found.append((first, last))
        elif len(last_text) == 2 and int(last_text) <= 12:
            found.append((first, first))  # '2026-03' is a month of 2026
    return found
