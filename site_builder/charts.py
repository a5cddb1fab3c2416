"""Charts drawn at build time as SVG: no chart library reaches the reader's browser.

Each chart says what it shows in a <title> and <desc>, and pages put the same numbers in a
table beside it for screen readers and for anyone who prefers numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .models import STATUSES

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
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
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
                f'stroke="#0b0c0c" stroke-width="1"><title>{escape(STATUSES[status])}: '
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
        text_width = 14 + 8 * len(label)
        if x + text_width > width:
            x, y = 0, y + 24
        items.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{STATUS_FILLS[status]}" '
            f'stroke="#0b0c0c"/><text x="{x + 20}" y="{y + 12}" class="chart__legend">'
            f"{escape(label)}</text>"
        )
        x += text_width + 24
    return "".join(items), y - top + 24


def _describe(bars: Sequence[Bar]) -> str:
    sentences = []
    for bar in bars:
        parts = [f"{count} {STATUSES[s].lower()}" for s, count in bar.counts.items() if count]
        sentences.append(f"{bar.label}: {bar.total} actions, " + ", ".join(parts) + ".")
    return " ".join(sentences)
