"""The action plans: the list, and each plan's overview, themes, actions by filter and date,
timeline and what was done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markupsafe import Markup

from .. import kinds, links
from ..charts import Band, Bar, TimelineGroup, TimelineRow, stacked_status_bars, timeline_chart
from ..models import STATUSES, Action, add_months
from ..plan_data import COLUMNS
from ..published import ActionView, PlanView, Published
from ..render import PageKind, PageSpec
from .page_type import PageType, Planning


@dataclass
class PlanPages:
    """The action plans' pages of the last build (serve): made again only when the plans (the
    very same views: no plan file was saved) or the date differ. A plan's charts, timeline
    and filter pages took a tenth of planning after each save."""

    plans: tuple[PlanView, ...] = ()
    today: dt.date | None = None
    pages: tuple[PageSpec, ...] = ()

    def of(self, published: Published) -> tuple[PageSpec, ...]:
        if self.plans is not published.plans or self.today != published.today:
            self.plans, self.today = published.plans, published.today
            self.pages = tuple(plan_specs(published))
        return self.pages


@dataclass(frozen=True)
class PlanFilter:
    """One value of a facet (a status, a phase, a pillar) and the actions that have it."""

    facet: str  # 'status' | 'phase' | 'pillar'
    value: str
    label: str
    path: str
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class PlanFacet:
    id: str
    title: str  # 'Status'
    options: tuple[PlanFilter, ...]


def plan_filters(plan: PlanView) -> list[PlanFacet]:
    """Status, phase and pillar, each value a page of its own. Empty values get no page."""

    def facet(
        facet_id: str,
        title: str,
        values: list[tuple[str, str]],
        has: Callable[[ActionView, str], bool],
    ) -> PlanFacet:
        options = []
        for value, label in values:
            matching = tuple(a for a in plan.actions if has(a, value))
            if matching:
                path = links.plan_filter_path(plan.id, facet_id, value)
                options.append(PlanFilter(facet_id, value, label, path, matching))
        return PlanFacet(facet_id, title, tuple(options))

    facets = [
        facet("status", "Status", list(STATUSES.items()), lambda a, v: a.action.status == v),
        facet(
            "phase",
            "Phase",
            [(p.id, p.label) for p in plan.plan.phases],
            lambda a, v: v in a.action.phases,
        ),
        facet(
            "pillar",
            "Strategic pillar",
            [(p.id, p.label) for p in plan.plan.pillars],
            lambda a, v: v in a.action.pillars,
        ),
    ]
    return [f for f in facets if f.options]


def plan_specs(published: Published) -> Iterator[PageSpec]:
    yield PageSpec(
        "plans/",
        "plans.html",
        {"plans": published.plans},
        title="Action plans",
        lastmod=max((p.last_updated for p in published.plans if p.last_updated), default=None),
    )
    for plan in published.plans:
        yield from _one_plan(plan, published)


def _one_plan(plan: PlanView, published: Published) -> Iterator[PageSpec]:
    previous = next((p for p in published.plans if p.id == plan.plan.previous), None)
    following = next((p for p in published.plans if p.plan.previous == plan.id), None)
    filters = plan_filters(plan)
    context: dict[str, object] = {
        "plan": plan,
        "previous": previous,
        "following": following,
        "filters": filters,
        "downloads": {
            "csv": links.plan_download_path(plan.id, "csv"),
            "json": links.plan_download_path(plan.id, "json"),
        },
        "columns": COLUMNS,
    }
    chart = stacked_status_bars(
        [Bar(theme.title, theme.counts) for theme in plan.themes],
        f"status-{plan.id}",
        f"Actions in each status, by theme: {plan.plan.title}",
    )
    history = status_history(plan, published.today)
    history_chart = stacked_status_bars(
        [Bar(point.label, point.counts) for point in history],
        f"history-{plan.id}",
        f"Status of the actions over the life of the plan: {plan.plan.title}",
    )
    context["history"] = history
    context["history_chart"] = Markup(history_chart)
    lastmod = plan.last_updated
    yield PageSpec(
        links.plan_path(plan.id),
        "plan.html",
        {**context, "status_chart": Markup(chart)},
        kind=PageKind.PLAN,
        title=plan.plan.title,
        lastmod=lastmod,
    )
    yield PageSpec(
        links.plan_page_path(plan.id, "done"),
        "plan_done.html",
        {**context, "done": completed_actions(plan)},
        kind=PageKind.PLAN_DONE,
        title=f"What we have done: {plan.plan.title}",
        lastmod=lastmod,
    )
    yield PageSpec(
        links.plan_page_path(plan.id, "timeline"),
        "plan_timeline.html",
        {
            **context,
            "timeline": Markup(timeline_svg(plan, published.today)),
            "by_date": actions_by_date(plan),
            "phase_summary": phase_summary(plan),
        },
        kind=PageKind.PLAN_ACTIONS,
        title=f"Timeline: {plan.plan.title}",
        lastmod=lastmod,
    )
    yield PageSpec(
        links.plan_page_path(plan.id, "actions"),
        "plan_filtered.html",
        {**context, "facet": None, "option": None, "actions": tuple(plan.actions)},
        kind=PageKind.PLAN_ACTIONS,
        title=f"Every action: {plan.plan.title}",
        lastmod=lastmod,
    )
    for facet in filters:
        for option in facet.options:
            yield PageSpec(
                option.path,
                "plan_filtered.html",
                {**context, "facet": facet, "option": option, "actions": option.actions},
                kind=PageKind.PLAN_ACTIONS,
                title=f"{facet.title}: {option.label}: {plan.plan.title}",
                lastmod=lastmod,
            )
    for theme in plan.themes:
        yield PageSpec(
            links.plan_path(plan.id, theme.id),
            "plan_theme.html",
            {**context, "theme": theme, "also_serving": plan.also_serving(theme.id)},
            kind=PageKind.PLAN_THEME,
            title=f"{theme.title}: {plan.plan.title}",
            lastmod=lastmod,
        )


def completed_actions(plan: PlanView) -> list[tuple[dt.date | None, ActionView]]:
    """Complete actions, newest first, dated by the update that completed them."""
    done = []
    for view in plan.actions:
        if view.action.status != "complete":
            continue
        completing = [u for u in view.action.updates if u.status == "complete"]
        latest = max(completing or view.action.updates, key=lambda u: u.date, default=None)
        done.append((latest.date if latest else None, view))
    return sorted(done, key=lambda item: item[0] or dt.date.min, reverse=True)


def timeline_svg(plan: PlanView, today: dt.date) -> str:
    period = plan.plan.period
    groups = [
        TimelineGroup(
            theme.title,
            tuple(
                TimelineRow(
                    view.code or view.anchor.upper(),
                    view.action.title,
                    view.action.status,
                    view.starts,
                    view.due,
                    open_ended=view.action.timing in {"all-years", "ongoing"},
                )
                for view in sorted(theme.actions, key=_by_start)
            ),
        )
        for theme in plan.themes
        if theme.actions
    ]
    bands = [
        Band(p.label, p.start, p.end) for p in plan.plan.phases if p.start is not None and p.end
    ]
    return timeline_chart(
        groups,
        period.start,
        period.end,
        bands,
        today if plan.plan.current else None,
        f"timeline-{plan.id}",
        f"Timeline of actions: {plan.plan.title}",
    )


def _by_start(view: ActionView) -> tuple[dt.date, dt.date, str]:
    return (view.starts or view.due or dt.date.max, view.due or dt.date.max, view.anchor)


def actions_by_date(plan: PlanView) -> list[ActionView]:
    """Every action by its target, then those with no date (ongoing, words) at the end."""
    return sorted(plan.actions, key=lambda v: (v.due or dt.date.max, v.starts or dt.date.max))


@dataclass(frozen=True)
class PhaseSummary:
    label: str
    start: dt.date | None
    end: dt.date | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def phase_summary(plan: PlanView) -> list[PhaseSummary]:
    rows = []
    for phase in plan.plan.phases:
        counts: dict[str, int] = {}
        for view in plan.actions:
            if phase.id in view.action.phases:
                counts[view.action.status] = counts.get(view.action.status, 0) + 1
        rows.append(PhaseSummary(phase.label, phase.start, phase.end, counts))
    return rows


@dataclass(frozen=True)
class StatusPoint:
    """How many actions were in each status on one day of the plan."""

    day: dt.date
    label: str
    counts: dict[str, int]


def status_history(plan: PlanView, today: dt.date) -> list[StatusPoint]:
    """The actions' statuses every six months of the plan, and as they stand now (or at the end).

    An action's status on a day is the one its latest update on or before that day gave; before
    its first update it had not started. The last point uses the statuses as written now.
    """
    period = plan.plan.period
    last = min(today, period.end) if plan.plan.current else period.end
    days = []
    step = 1
    while (day := add_months(period.start, 6 * step) - dt.timedelta(days=1)) < last:
        days.append(day)
        step += 1
    points = []
    for day in days:
        counts: dict[str, int] = {}
        for view in plan.actions:
            status = status_on(view.action, day)
            counts[status] = counts.get(status, 0) + 1
        points.append(StatusPoint(day, f"{day:%B %Y}", counts))
    if plan.plan.current and last == today:
        # Dated by the last review, not the build: the page may be rebuilt any day.
        last = plan.last_updated or today
        final = f"Latest ({last:%b %Y})"
    else:
        final = f"End ({last:%b %Y})"
    points.append(StatusPoint(last, final, plan.counts))
    return points


def status_on(action: Action, day: dt.date) -> str:
    dated = [u for u in action.updates if u.status is not None and u.date <= day]
    latest = max(dated, key=lambda u: u.date, default=None)
    return latest.status if latest and latest.status else "not-started"


PLANS = PageType("plans", (kinds.PLAN,), lambda planning: _plan_pages(planning))


def _plan_pages(planning: Planning) -> tuple[PageSpec, ...]:
    kept = planning.kept.setdefault("plans", PlanPages())
    return kept.of(planning.published) if isinstance(kept, PlanPages) else ()
