"""The plan's period, from the dates and lengths the table mentions, or a default to check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..wording import counted
from .draft import Draft

DEFAULT_MONTHS = 36


@dataclass(frozen=True)
class PeriodGuess:
    start: dt.date
    end: dt.date
    note: str


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def guess_period(draft: Draft, today: dt.date) -> PeriodGuess:
    """The title first ('2023-25', '24 Month'), then the Year or timeline columns, then the
    dates in the cells; when the title names a length the period does not have, say so."""
    guess = _from_years(draft) or _from_column_years(draft) or _from_dates(draft)
    guess = guess or _from_today(draft, today)
    named = draft.title_months
    if named is not None and months_between(guess.start, guess.end) != named:
        return PeriodGuess(
            guess.start,
            guess.end,
            guess.note + f" CHECK: the title says {named} months but this period is "
            f"{months_between(guess.start, guess.end)}: make them agree.",
        )
    return guess


def months_between(start: dt.date, end: dt.date) -> int:
    """The period's length in whole months: 1 September to 31 August is 12."""
    return round(((end - start).days + 1) / 30.4375)


def _length(draft: Draft) -> int | None:
    return draft.title_months or draft.months


def _from_years(draft: Draft) -> PeriodGuess | None:
    if not draft.years:
        return None
    first, last = draft.years
    return PeriodGuess(
        dt.date(first, 1, 1),
        dt.date(last, 12, 31),
        f"CHECK: the table names the years {first} to {last}; set the first and last days "
        "(many plans run August to July).",
    )


def _from_column_years(draft: Draft) -> PeriodGuess | None:
    """'2023/2024', '2024-2025' in a Year column: academic years, August to July."""
    spans = draft.column_years
    if not any(first < last for first, last in spans):
        return None
    first = min(span[0] for span in spans)
    last = max(span[1] for span in spans)
    return PeriodGuess(
        dt.date(first, 8, 1),
        dt.date(last, 7, 31),
        f"CHECK: the table's Year or timeline column runs from {first} to {last}, read as "
        "academic years (August to July); correct the days if yours differ.",
    )


def _from_dates(draft: Draft) -> PeriodGuess | None:
    if not draft.dates:
        return None
    months = _length(draft)
    earliest, latest = min(draft.dates), max(draft.dates)
    start = earliest.replace(day=1)
    if months:
        end = add_months(start, months) - dt.timedelta(days=1)
        why = f"starts with the earliest month the table mentions ({earliest:%B %Y}) and lasts "
        why += f"the {counted(months, 'month')} it mentions"
    else:
        end = add_months(latest.replace(day=1), 1) - dt.timedelta(days=1)
        if end <= add_months(start, 12) - dt.timedelta(days=1):
            # A plan runs a year at least; one month mentioned is not its length.
            end = add_months(start, 12) - dt.timedelta(days=1)
        why = f"from the earliest to the latest month the table mentions ({earliest:%B %Y} to "
        why += f"{latest:%B %Y}), a year at least"
    return PeriodGuess(start, end, f"CHECK: this period {why}.")


def _from_today(draft: Draft, today: dt.date) -> PeriodGuess:
    months = _length(draft)
    length = months or DEFAULT_MONTHS
    end = add_months(today, length) - dt.timedelta(days=1)
    said = (
        f"the {counted(length, 'month')} the table mentions" if months else counted(length, "month")
    )
    return PeriodGuess(
        today, end, f"CHECK: the table gives no dates, so this is today plus {said}."
    )
