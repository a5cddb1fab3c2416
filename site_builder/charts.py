"""Charts drawn at build time as SVG: no chart library reaches the reader's browser.

Each chart says what it shows in a <title> and <desc>, and pages put the same numbers in a
table beside it for screen readers and for anyone who prefers numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from .models import STATUSES
from .wording import counted

# Fills chosen to differ in lightness as well as hue, with a pattern for the two that could be
# confused in greyscale; the legend repeats the words. Status is never shown by colour alone.
STATUS_FILLS = {
    "complete": "#00703c",
    "on-track": "#1d70b8",
    "at-risk": "#f47738",
    "delayed": "#d4351c",
    "not-started": "#b1b4b6",
    "carried-forward": "#6f3c97",
    "withdrawn": "#ffffff",
}

# The same shapes as the status tags on the pages (themes/default/templates/_macros.html), drawn
# on a 16-unit square, so a status can be told by its shape as well as its colour. They are in
# the text colour (currentColor), like the chart's words: with forced colours (Windows high
# contrast) and in the dark theme they follow the page's text instead of vanishing.
STATUS_SHAPES = {
    "complete": '<path d="M2 8.5l4 4 8-9" fill="none" stroke="currentColor" stroke-width="2.5"/>',
    "on-track": '<circle cx="8" cy="8" r="6" fill="currentColor"/>',
    "at-risk": '<path d="M8 1.5l7 13H1z" fill="currentColor"/>',
    "delayed": '<rect x="2" y="2" width="12" height="12" fill="currentColor"/>',
    "carried-forward": (
        '<path d="M1 8h10M8 3l5 5-5 5" fill="none" stroke="currentColor" stroke-width="2.5"/>'
    ),
    "withdrawn": (
        '<path d="M3 3l10 10M13 3L3 13" fill="none" stroke="currentColor" stroke-width="2.5"/>'
    ),
    "not-started": (
        '<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="2"/>'
    ),
}


# The smallest text in any chart, in the chart's own units (site.css sets the sizes).
SMALLEST_TEXT = 13
READABLE_PX = 12  # what the smallest text may shrink to on screen


def _never_smaller(width: int) -> str:
    """A chart is never drawn so small that its smallest text is under READABLE_PX: where the
    page is narrower, the chart's region scrolls sideways (see .chart-scroll in site.css)."""
    return f"min-width: {width * READABLE_PX / SMALLEST_TEXT:.0f}px"


def status_icon(status: str, x: float, y: float, size: float = 12) -> str:
    """The status's shape in a size x size square with its top left corner at (x, y)."""
    scale = size / 16
    return (
        f'<g transform="translate({x:.1f} {y:.1f}) scale({scale:.3f})" class="chart__icon">'
        f"{STATUS_SHAPES[status]}</g>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def stacked_status_bars(bars: Sequence[Bar], chart_id: str, title: str) -> str:
    """Horizontal bars, one per theme, split by status; the segments carry their numbers."""
    width, label_width, row, gap = 640, 170, 34, 14
    plot = width - label_width - 40
    longest = max((b.total for b in bars), default=1) or 1
    legend, legend_height = _legend(len(bars) * (row + gap) + 8, width)
    height = len(bars) * (row + gap) + 8 + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" style="{_never_smaller(width)}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(bars))}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = index * (row + gap)
        parts.append(
            f'<text x="0" y="{y + row / 2 + 5:.0f}" class="chart__label">{escape(bar.label)}</text>'
        )
        x = float(label_width)
        for status in STATUSES:
            count = bar.counts.get(status, 0)
            if not count:
                continue
            span = plot * count / longest
            fill = STATUS_FILLS[status]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{row}" fill="{fill}" '
                f'stroke="currentColor" stroke-width="1"><title>{escape(STATUSES[status])}: '
                f"{count}</title></rect>"
            )
            if span >= 18:
                ink = "#0b0c0c" if status in {"not-started", "withdrawn", "at-risk"} else "#ffffff"
                parts.append(
                    f'<text x="{x + span / 2:.1f}" y="{y + row / 2 + 5:.0f}" fill="{ink}" '
                    f'text-anchor="middle" class="chart__count">{count}</text>'
                )
            x += span
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + row / 2 + 5:.0f}" class="chart__total">'
            f"{bar.total}</text>"
        )
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def _legend(top: int, width: int) -> tuple[str, int]:
    """The key, wrapped to the chart's width; returns the SVG and the height it takes."""
    items = []
    x, y = 0, top
    for status, label in STATUSES.items():
        text_width = 32 + 8 * len(label)
        if x + text_width > width:
            x, y = 0, y + 24
        items.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{STATUS_FILLS[status]}" '
            f'stroke="currentColor"/>{status_icon(status, x + 18, y + 1)}'
            f'<text x="{x + 36}" y="{y + 12}" class="chart__legend">{escape(label)}</text>'
        )
        x += text_width + 24
    return "".join(items), y - top + 24


def _describe(bars: Sequence[Bar]) -> str:
    sentences = []
    for bar in bars:
        parts = [f"{count} {STATUSES[s].lower()}" for s, count in bar.counts.items() if count]
        sentences.append(f"{bar.label}: {counted(bar.total, 'action')}, " + ", ".join(parts) + ".")
    return " ".join(sentences)


# --- timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    """One action on the timeline. No start means a milestone at the end; no end, no mark."""

    label: str  # short: 'V1.2'
    title: str
    status: str
    start: dt.date | None
    end: dt.date | None
    open_ended: bool = False  # 'ongoing' or 'all years': runs to the end of the plan


@dataclass(frozen=True)
class TimelineGroup:
    title: str
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True)
class Band:
    """A phase of the plan, shaded behind the rows."""

    label: str
    start: dt.date
    end: dt.date


TIMELINE_WIDTH = 720
_T_LABEL, _T_RIGHT, _T_ROW, _T_HEAD, _T_GROUP = 72, 12, 22, 54, 28


def timeline_chart(
    groups: Sequence[TimelineGroup],
    start: dt.date,
    end: dt.date,
    bands: Sequence[Band],
    today: dt.date | None,
    chart_id: str,
    title: str,
) -> str:
    """Actions across the plan period, grouped by theme: a bar from start to target, a diamond
    for a target with no start, an arrow for work that goes on to the end of the plan."""
    plot_left, plot_right = _T_LABEL, TIMELINE_WIDTH - _T_RIGHT
    span = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        clamped = min(max(day, start), end)
        return plot_left + (plot_right - plot_left) * (clamped - start).days / span

    rows_height = sum(_T_GROUP + len(g.rows) * _T_ROW for g in groups)
    legend, legend_height = _timeline_legend(_T_HEAD + rows_height + 16)
    height = _T_HEAD + rows_height + 16 + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--timeline" role="img" '
        f'viewBox="0 0 {TIMELINE_WIDTH} {height}" style="{_never_smaller(TIMELINE_WIDTH)}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe_timeline(groups, start, end))}</desc>',
    ]
    # Phases as shaded bands with their names across the top.
    for index, band in enumerate(bands):
        x1, x2 = x_of(band.start), x_of(band.end + dt.timedelta(days=1))
        if index % 2 == 0:
            parts.append(
                f'<rect x="{x1:.1f}" y="20" width="{x2 - x1:.1f}" '
                f'height="{rows_height + _T_HEAD - 20}" fill="#f3f2f1" class="chart__band"/>'
            )
        parts.append(
            f'<text x="{(x1 + x2) / 2:.1f}" y="14" text-anchor="middle" '
            f'class="chart__phase">{escape(band.label)}</text>'
        )
    # Year ticks, on 1 January of each year inside the period.
    for year in range(start.year + 1, end.year + 1):
        x = x_of(dt.date(year, 1, 1))
        parts.append(
            f'<line x1="{x:.1f}" y1="26" x2="{x:.1f}" y2="{_T_HEAD + rows_height}" '
            f'stroke="#b1b4b6" class="chart__tick"/>'
            f'<text x="{x:.1f}" y="{_T_HEAD - 10}" text-anchor="middle" '
            f'class="chart__year">{year}</text>'
        )
    y = _T_HEAD
    for group in groups:
        parts.append(f'<text x="0" y="{y + 19}" class="chart__group">{escape(group.title)}</text>')
        y += _T_GROUP
        for row in group.rows:
            parts.append(_timeline_row(row, y, x_of, end))
            y += _T_ROW
    if today is not None and start <= today <= end:
        x = x_of(today)
        parts.append(
            f'<line x1="{x:.1f}" y1="26" x2="{x:.1f}" y2="{_T_HEAD + rows_height}" '
            f'stroke="currentColor" stroke-width="2" stroke-dasharray="4 3" class="chart__today"/>'
            f'<text x="{x + 4:.1f}" y="{_T_HEAD + rows_height + 12}" '
            f'class="chart__today-label">Today</text>'
        )
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def _timeline_row(row: TimelineRow, y: int, x_of: Any, end: dt.date) -> str:
    fill = STATUS_FILLS[row.status]
    middle = y + _T_ROW / 2
    when = _when_words(row)
    tip = f"{row.label} {row.title}: {when}. {STATUSES[row.status]}."
    out = [f"<g><title>{escape(tip)}</title>"]
    out.append(f'<text x="0" y="{middle + 5:.0f}" class="chart__code">{escape(row.label)}</text>')
    out.append(status_icon(row.status, _T_LABEL - 16, middle - 6))
    if row.end is not None or row.open_ended:
        finish = end if row.open_ended else row.end
        assert finish is not None
        if row.start is not None:
            x1, x2 = x_of(row.start), x_of(finish + dt.timedelta(days=1))
            width = max(x2 - x1, 4.0)
            out.append(
                f'<rect x="{x1:.1f}" y="{y + 4}" width="{width:.1f}" height="{_T_ROW - 8}" '
                f'fill="{fill}" stroke="currentColor" stroke-width="1" class="chart__bar"/>'
            )
            if row.open_ended:
                tip_x = x1 + width
                out.append(
                    f'<path d="M{tip_x:.1f} {y + 2}l8 {_T_ROW / 2 - 2}l-8 {_T_ROW / 2 - 2}z" '
                    f'fill="{fill}" stroke="currentColor" stroke-width="1"/>'
                )
        else:
            x = x_of(finish)
            out.append(
                f'<path d="M{x:.1f} {y + 3}l7 {_T_ROW / 2 - 3}l-7 {_T_ROW / 2 - 3}l-7 '
                f'-{_T_ROW / 2 - 3}z" fill="{fill}" stroke="currentColor" stroke-width="1" '
                f'class="chart__milestone"/>'
            )
    else:
        out.append(
            f'<text x="{_T_LABEL + 4}" y="{middle + 5:.0f}" class="chart__undated">'
            "no date in the plan</text>"
        )
    out.append("</g>")
    return "".join(out)


def _when_words(row: TimelineRow) -> str:
    if row.open_ended:
        return f"from {row.start:%B %Y}, ongoing" if row.start else "ongoing"
    if row.end is None:
        return "no date given"
    if row.start is None:
        return f"due by {row.end:%-d %B %Y}"
    return f"{row.start:%B %Y} to {row.end:%B %Y}"


def _timeline_legend(top: int) -> tuple[str, int]:
    shapes = (
        f'<rect x="0" y="{top}" width="28" height="12" fill="#ffffff" stroke="currentColor"/>'
        f'<text x="34" y="{top + 11}" class="chart__legend">From start to target</text>'
        f'<path d="M214 {top - 1}l7 7l-7 7l-7 -7z" fill="#ffffff" stroke="currentColor"/>'
        f'<text x="228" y="{top + 11}" class="chart__legend">Target date only</text>'
        f'<rect x="372" y="{top}" width="20" height="12" fill="#ffffff" stroke="currentColor"/>'
        f'<path d="M392 {top - 1}l8 7l-8 7z" fill="#ffffff" stroke="currentColor"/>'
        f'<text x="406" y="{top + 11}" class="chart__legend">Ongoing</text>'
    )
    colours, height = _legend(top + 24, TIMELINE_WIDTH)
    return shapes + colours, height + 24


def _describe_timeline(groups: Sequence[TimelineGroup], start: dt.date, end: dt.date) -> str:
    count = sum(len(g.rows) for g in groups)
    dated = sum(1 for g in groups for r in g.rows if r.end is not None or r.open_ended)
    return (
        f"{counted(count, 'action')} from {start:%B %Y} to {end:%B %Y}, grouped by theme; "
        f"{dated} {'has' if dated == 1 else 'have'} "
        "a date or phase. The table after the chart lists each action with its dates and status."
    )
