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
    months = draft.months
    if draft.years:
        first, last = draft.years
        return PeriodGuess(
            dt.date(first, 1, 1),
            dt.date(last, 12, 31),
            f"CHECK: the table names the years {first} to {last}; set the first and last days "
            "(many plans run August to July).",
        )
    if draft.dates:
        earliest, latest = min(draft.dates), max(draft.dates)
        start = earliest.replace(day=1)
        if months:
            end = add_months(start, months) - dt.timedelta(days=1)
            why = f"starts with the earliest month the table mentions ({earliest:%B %Y}) and lasts "
            why += f"the {counted(months, 'month')} it mentions"
        else:
            end = add_months(latest.replace(day=1), 1) - dt.timedelta(days=1)
            if end <= start:
                end = add_months(start, 12) - dt.timedelta(days=1)
            why = f"from the earliest to the latest month the table mentions ({earliest:%B %Y} to "
            why += f"{latest:%B %Y})"
        return PeriodGuess(start, end, f"CHECK: this period {why}.")
    start = today
    length = months or DEFAULT_MONTHS
    end = add_months(start, length) - dt.timedelta(days=1)
    said = (
        f"the {counted(length, 'month')} the table mentions" if months else counted(length, "month")
    )
    return PeriodGuess(
        start, end, f"CHECK: the table gives no dates, so this is today plus {said}."
    )
