"""When a phase runs, from what its heading says: '0-12 months', 'Up to 12 months', '1-2 years',
'Year 2', 'Months 13-24', 'Within 6 months'. Pure functions of the heading's text."""

from __future__ import annotations

import datetime as dt
import re

from .period import add_months
from .words import years_in

_DASH = r"\s*(?:-|–|—|to)\s*"
_SPANS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b(\d{{1,3}}){_DASH}(\d{{1,3}})\s*months?\b", re.I), "months"),
    (re.compile(rf"\bmonths?\s*(\d{{1,3}}){_DASH}(\d{{1,3}})\b", re.I), "months"),
    (re.compile(rf"\b(\d{{1,2}}){_DASH}(\d{{1,2}})\s*(?:years?|yrs?)\b", re.I), "years"),
    (re.compile(r"\b(?:up to|within|first|by)\s*(\d{1,3})\s*months?\b", re.I), "up to months"),
    (re.compile(r"\b(?:up to|within|by)\s*(\d{1,2})\s*(?:years?|yrs?)\b", re.I), "up to years"),
    (re.compile(r"\b(?:year|yr|y)\s*(\d{1,2})\b", re.I), "year"),
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_ORDINAL_YEAR = re.compile(r"\b(first|second|third|fourth|fifth)\s+year\b", re.I)


def phase_months(label: str) -> tuple[int, int] | None:
    """The months from the plan's start at which the phase begins and ends: (0, 12) for
    '0-12 months' and 'Year 1', (12, 24) for '1-2 years', '12-24 months' and 'Year 2'."""
    ordinal = _ORDINAL_YEAR.search(label)
    if ordinal:
        year = _ORDINALS[ordinal[1].lower()]
        return (year - 1) * 12, year * 12
    for pattern, kind in _SPANS:
        match = pattern.search(label)
        if not match:
            continue
        numbers = [int(group) for group in match.groups()]
        span = _span(kind, numbers)
        if span is not None and 0 <= span[0] < span[1] <= 240:
            return span
    return None


def _span(kind: str, numbers: list[int]) -> tuple[int, int] | None:
    if kind == "months":
        first, last = numbers
        # 'Months 13-24' counts from 1; '12-24 months' from 0, as plans write them.
        return (first - 1 if first % 12 == 1 and first > 1 else first), last
    if kind == "years":
        first, last = numbers
        return first * 12, last * 12  # '1-2 years' runs from the first year's end to the second's
    if kind == "up to months":
        return 0, numbers[0]
    if kind == "up to years":
        return 0, numbers[0] * 12
    return (numbers[0] - 1) * 12, numbers[0] * 12  # 'Year 2'


def phase_dates(label: str, start: dt.date) -> list[tuple[str, dt.date]]:
    """A phase named by months or years ('0-12 months', '1-2 years', 'Year 3') runs from that
    many months after the plan's start; one named by its years ('2024/25', '2026') runs then.
    Its actions then have dates on the timeline."""
    span = phase_months(label)
    years = years_in(label)
    if span is None and len(years) == 1:
        first_year, last_year = years[0]
        if first_year < last_year:  # '2024/25': an academic year, August to July
            return [("start", dt.date(first_year, 8, 1)), ("end", dt.date(last_year, 7, 31))]
        return [("start", dt.date(first_year, 1, 1)), ("end", dt.date(first_year, 12, 31))]
    if span is None:
        return []
    first, last = span
    return [
        ("start", add_months(start, first)),
        ("end", add_months(start, last) - dt.timedelta(days=1)),
    ]
