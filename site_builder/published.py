"""What the public sees: the content after drafts, future items and non-consenting profiles
are taken out, sorted the way pages list it, with the cross-references pages need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .content import Content, Entry
from .models import (
    STATUSES,
    THEMES,
    Action,
    CaseStudyMeta,
    Gallery,
    NewsMeta,
    Objective,
    PageMeta,
    Plan,
    PlanAction,
    PlanTheme,
    Technician,
    field_of,
)


@dataclass(frozen=True)
class ActionLink:
    """An action in another plan: where a carried-forward action went, or came from."""

    plan_id: str
    plan_title: str
    theme_id: str
    anchor: str
    code: str | None
    title: str
    status: str


@dataclass(frozen=True)
class ActionView:
    anchor: str
    action: Action
    theme_id: str
    objective: Objective | None
    code: str | None = None  # 'V1.2': the objective's code and the action's place under it
    starts: dt.date | None = None  # its start, or the start of its first phase
    due: dt.date | None = None  # its target, or the end of its last phase
    carried_to: ActionLink | None = None
    carried_from: ActionLink | None = None

    @property
    def phase_ids(self) -> tuple[str, ...]:
        return tuple(self.action.phases)


@dataclass(frozen=True)
class ThemeView:
    id: str
    title: str
    theme: PlanTheme
    actions: tuple[ActionView, ...]

    @property
    def counts(self) -> dict[str, int]:
        return status_counts(a.action for a in self.actions)

    @property
    def progress(self) -> Progress:
        return progress_of(a.action for a in self.actions)

    def in_objective(self, objective: Objective | None) -> list[ActionView]:
        return [a for a in self.actions if a.objective is objective]


@dataclass(frozen=True)
class PlanView:
    entry: Entry[Plan]
    themes: tuple[ThemeView, ...]

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def plan(self) -> Plan:
        return self.entry.meta

    @property
    def actions(self) -> list[ActionView]:
        return [a for t in self.themes for a in t.actions]

    @property
    def counts(self) -> dict[str, int]:
        return status_counts(a.action for a in self.actions)

    @property
    def progress(self) -> Progress:
        return progress_of(a.action for a in self.actions)

    @property
    def headline(self) -> str:
        """The plan in one sentence: how much is done, what is in trouble, what was dropped."""
        counts = self.counts
        progress = self.progress
        noun = "live action" if progress.live == 1 else "live actions"
        parts = [f"{progress.complete} of {progress.live} {noun} complete"]
        troubles = [
            f"{counts[s]} {STATUSES[s].lower()}" for s in ("at-risk", "delayed") if counts.get(s)
        ]
        if troubles:
            parts.append(", ".join(troubles))
        if progress.withdrawn:
            parts.append(f"{progress.withdrawn} withdrawn")
        return "; ".join(parts) + "."

    @property
    def last_updated(self) -> dt.date | None:
        if self.plan.updated:
            return self.plan.updated
        dates = [u.date for a in self.plan.all_actions for u in a.updates]
        return max(dates, default=self.plan.approved)

    def theme(self, theme_id: str) -> ThemeView:
        return next(t for t in self.themes if t.id == theme_id)

    def also_serving(self, theme_id: str) -> list[ActionView]:
        """Actions filed under other themes that say they also serve this one."""
        return [a for a in self.actions if theme_id in a.action.also_serves]

    def phase_label(self, phase_id: str) -> str:
        return next((p.label for p in self.plan.phases if p.id == phase_id), phase_id)

    def pillar_label(self, pillar_id: str) -> str:
        return next((p.label for p in self.plan.pillars if p.id == pillar_id), pillar_id)

    @property
    def carried_in(self) -> list[ActionView]:
        return [a for a in self.actions if a.carried_from is not None]

    @property
    def carried_out(self) -> list[ActionView]:
        return [a for a in self.actions if a.carried_to is not None]


@dataclass(frozen=True)
class Published:
    pages: tuple[Entry[PageMeta], ...]
    plans: tuple[PlanView, ...]
    current_plan: PlanView | None
    technicians: tuple[Entry[Technician], ...]
    galleries: tuple[Entry[Gallery], ...]
    case_studies: tuple[Entry[CaseStudyMeta], ...]
    news: tuple[Entry[NewsMeta], ...]  # newest first
    today: dt.date

    def technician(self, technician_id: str) -> Entry[Technician] | None:
        return self._technicians_by_id.get(technician_id)

    @cached_property
    def _technicians_by_id(self) -> dict[str, Entry[Technician]]:
        # 500 news items naming 1,000 technicians: a dict, not a search per name
        return {t.id: t for t in self.technicians}

    def gallery(self, gallery_id: str) -> Entry[Gallery] | None:
        return self._galleries_by_id.get(gallery_id)

    @cached_property
    def _galleries_by_id(self) -> dict[str, Entry[Gallery]]:
        found: dict[str, Entry[Gallery]] = {}
        for gallery in self.galleries:
            found.setdefault(gallery.id, gallery)
        return found

    def in_gallery(self, gallery_id: str) -> list[Entry[Technician]]:
        return list(self._technicians_by_gallery.get(gallery_id, ()))

    @cached_property
    def _technicians_by_gallery(self) -> dict[str, list[Entry[Technician]]]:
        found: dict[str, list[Entry[Technician]]] = {}
        for technician in self.technicians:
            found.setdefault(technician.meta.gallery, []).append(technician)
        return found

    def case_studies_of(self, technician_id: str) -> list[Entry[CaseStudyMeta]]:
        return list(self._case_studies_by_technician.get(technician_id, ()))

    @cached_property
    def _case_studies_by_technician(self) -> dict[str, list[Entry[CaseStudyMeta]]]:
        # asked once per profile: a thousand scans of every case study otherwise
        found: dict[str, list[Entry[CaseStudyMeta]]] = {}
        for study in self.case_studies:
            for technician_id in dict.fromkeys(study.meta.technicians):
                found.setdefault(technician_id, []).append(study)
        return found

    def news_of(self, technician_id: str) -> list[Entry[NewsMeta]]:
        return self._news_by_technician.get(technician_id, [])

    @cached_property
    def _news_by_technician(self) -> dict[str, list[Entry[NewsMeta]]]:
        found: dict[str, list[Entry[NewsMeta]]] = {}
        for item in self.news:  # newest first, as self.news
            for technician_id in dict.fromkeys(item.meta.technicians):
                found.setdefault(technician_id, []).append(item)
        return found

    def people(self, ids: Iterable[str]) -> list[Entry[Technician]]:
        """The published technicians among these ids: unpublished ones are never named."""
        return [t for t in (self.technician(i) for i in ids) if t is not None]

    @property
    def events(self) -> list[Entry[NewsMeta]]:
        return [n for n in self.news if n.meta.event is not None]

    @property
    def upcoming_events(self) -> list[Entry[NewsMeta]]:
        upcoming = [e for e in self.events if event_end(e.meta) >= self.today]
        return sorted(upcoming, key=lambda e: event_start(e.meta))

    @property
    def past_events(self) -> list[Entry[NewsMeta]]:
        return [e for e in self.events if event_end(e.meta) < self.today]

    @property
    def featured(self) -> list[Entry[Technician]]:
        return [t for t in self.technicians if t.meta.featured]


def select_published(
    content: Content, today: dt.date, drafts: bool, last: Published | None = None
) -> Published:
    """What the site shows on ``today``. ``last``: the previous build's (serve), whose plan
    views are kept when they were made from these very plan entries (no plan file changed)."""

    def visible(meta: PageMeta | CaseStudyMeta | NewsMeta | Technician) -> bool:
        if drafts:
            return True
        if meta.draft:
            return False
        published_on = field_of(meta, "date")
        return not (isinstance(published_on, dt.date) and published_on > today)

    galleries = sorted(content.galleries, key=lambda g: (g.meta.order, g.meta.title))
    gallery_ids = {g.id for g in galleries}
    technicians = sorted(
        (
            t
            for t in content.technicians
            if t.meta.published and visible(t.meta) and t.meta.gallery in gallery_ids
        ),
        key=lambda t: (t.meta.order, _sort_name(t.meta.name)),
    )
    if last is not None and _same_entries([p.entry for p in last.plans], content.plans):
        plans = last.plans
    else:
        newest_first = sorted(content.plans, key=lambda p: p.meta.period.start, reverse=True)
        carried = carried_forward_links(newest_first)
        plans = tuple(plan_view(p, carried) for p in newest_first)
    current = next((p for p in plans if p.plan.current), plans[0] if plans else None)
    return Published(
        pages=tuple(sorted((p for p in content.pages if visible(p.meta)), key=_page_order)),
        plans=plans,
        current_plan=current,
        technicians=tuple(technicians),
        galleries=tuple(galleries),
        case_studies=tuple(
            sorted(
                (c for c in content.case_studies if visible(c.meta)),
                key=lambda c: c.meta.date,
                reverse=True,
            )
        ),
        news=tuple(
            sorted(
                (n for n in content.news if visible(n.meta)),
                key=lambda n: (n.meta.date, n.id),
                reverse=True,
            )
        ),
        today=today,
    )


def _same_entries(these: Iterable[Entry[Any]], those: Iterable[Entry[Any]]) -> bool:
    return {id(e) for e in these} == {id(e) for e in those}  # both alive: ids are theirs


Carried = dict[tuple[str, str], tuple[ActionLink | None, ActionLink | None]]


def carried_forward_links(plans: Iterable[Entry[Plan]]) -> Carried:
    """For each (plan, action): where it was carried forward to and where it came from.

    A link written on either side (carried_forward_to on the old action or carried_forward_from
    on the new one) is shown on both, so people find the story from either plan.
    """
    plans = list(plans)
    located = {
        (p.id, a.anchor): (p, a, _action_code(a)) for p in plans for a in p.meta.located_actions()
    }

    def link(key: tuple[str, str]) -> ActionLink | None:
        found = located.get(key)
        if found is None:
            return None
        plan, item, code = found
        return ActionLink(
            plan.id,
            plan.meta.title,
            item.theme_id,
            item.anchor,
            code,
            item.action.title,
            item.action.status,
        )

    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for plan in plans:
        for item in plan.meta.located_actions():
            here = (plan.id, item.anchor)
            if item.action.carried_forward_to:
                to_plan, to_anchor = item.action.carried_forward_to.split("/", 1)
                pairs.add((here, (to_plan, to_anchor)))
            if item.action.carried_forward_from:
                from_plan, from_anchor = item.action.carried_forward_from.split("/", 1)
                pairs.add(((from_plan, from_anchor), here))
    links: Carried = {}
    for old, new in sorted(pairs):
        to_link, from_link = link(new), link(old)
        if to_link is None or from_link is None:
            continue  # validation has already said which reference is wrong
        links[old] = (to_link, links.get(old, (None, None))[1])
        links[new] = (links.get(new, (None, None))[0], from_link)
    return links


def _action_code(item: PlanAction) -> str | None:
    if item.objective is None or not item.objective.code:
        return None
    position = next(i for i, a in enumerate(item.objective.actions, 1) if a is item.action)
    return f"{item.objective.code}.{position}"


def plan_view(entry: Entry[Plan], carried: Carried | None = None) -> PlanView:
    plan = entry.meta
    phases = {p.id: p for p in plan.phases}
    by_theme: dict[str, list[ActionView]] = {theme_id: [] for theme_id, _ in plan.themes.items()}
    for item in plan.located_actions():
        action = item.action
        in_phases = [phases[p] for p in action.phases if p in phases]
        starts = action.start_date or min((p.start for p in in_phases if p.start), default=None)
        due = action.target_date or (
            max((p.end for p in in_phases if p.end), default=None)
            if action.timing == "phases"
            else None
        )
        if action.timing in {"all-years", "ongoing"}:
            starts = starts or plan.period.start
        to_link, from_link = (carried or {}).get((entry.id, item.anchor), (None, None))
        by_theme[item.theme_id].append(
            ActionView(
                item.anchor,
                action,
                item.theme_id,
                item.objective,
                _action_code(item),
                starts,
                due,
                to_link,
                from_link,
            )
        )
    themes = [
        ThemeView(theme_id, THEMES[theme_id], theme, tuple(by_theme[theme_id]))
        for theme_id, theme in plan.themes.items()
    ]
    return PlanView(entry, tuple(themes))


def status_counts(actions: Iterable[Action]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for action in actions:
        counts[action.status] = counts.get(action.status, 0) + 1
    return counts


@dataclass(frozen=True)
class Progress:
    """How far a plan or a theme has got: the one definition every page shows.

    Withdrawn actions are no longer part of the plan, so they count neither in the share nor
    in the number it is a share of; they are named beside it so that the total still adds up
    to the actions listed."""

    complete: int
    live: int  # every action that is not withdrawn
    withdrawn: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.live) if self.live else 0

    @property
    def label(self) -> str:
        noun = "live action" if self.live == 1 else "live actions"
        text = f"{self.percent}% complete: {self.complete} of {self.live} {noun}"
        return text + (f"; {self.withdrawn} withdrawn" if self.withdrawn else "")


def progress_of(actions: Iterable[Action]) -> Progress:
    statuses = [a.status for a in actions]
    withdrawn = statuses.count("withdrawn")
    return Progress(statuses.count("complete"), len(statuses) - withdrawn, withdrawn)


def event_start(meta: NewsMeta) -> dt.date:
    assert meta.event is not None
    return _as_date(meta.event.start)


def event_end(meta: NewsMeta) -> dt.date:
    assert meta.event is not None
    return _as_date(meta.event.end or meta.event.start)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


_HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"}


@lru_cache(maxsize=8192)  # 1,000 names sorted on every save under serve
def _sort_name(name: str) -> tuple[str, str]:
    """Sort by family name (the last word), ignoring titles such as Dr."""
    parts = [p for p in name.split() if p.lower().rstrip(".") not in _HONORIFICS] or [name]
    return (parts[-1].lower(), " ".join(parts).lower())


def _page_order(page: Entry[PageMeta]) -> tuple[int, str]:
    return (page.meta.order, page.meta.title.lower())


def source_paths(*entries: Entry[object] | None) -> tuple[Path, ...]:
    return tuple(e.path for e in entries if e is not None)
