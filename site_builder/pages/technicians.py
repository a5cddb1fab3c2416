"""The technicians: everyone, the filter pages (by department, registration...), each profile."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from .. import kinds, links, names
from ..content import Entry
from ..models import Technician
from ..published import Published
from ..render import PageKind, PageSpec
from ..seo import is_preview
from .page_type import PageType


def _technicians(published: Published) -> Iterator[PageSpec]:
    everyone = published.technicians
    filters = technician_filters(published)
    # Each gallery with its people (the template skips those with none), rather than the whole
    # of `published`: the list changes with them alone, and working out that it did not then
    # hashes the technicians, not every news item and plan of the site as well.
    members = tuple((g, tuple(published.in_gallery(g.id))) for g in published.galleries)
    yield PageSpec(
        "technicians/",
        "technicians.html",
        {"technicians": everyone, "filters": filters, "gallery_members": members},
        title="Our technicians",
    )
    for facet in filters:
        others = facet.as_links()  # no people: a page changes only when its own people do
        for option in facet.options:
            yield PageSpec(
                option.path,
                "technicians_filtered.html",
                {"facet": others, "option": option, "technicians": option.technicians},
                title=f"{facet.page_title} {option.label}",
            )
    for tech in everyone:
        case_studies = published.case_studies_of(tech.id)
        news = published.news_of(tech.id)
        yield PageSpec(
            links.technician_path(tech.id),
            "technician.html",
            {
                "technician": tech,
                "gallery": published.gallery(tech.meta.gallery),
                "case_studies": case_studies,
                "news": news,
            },
            kind=PageKind.TECHNICIAN,
            title=tech.meta.name,
            # A profile whose owner said no to search engines is left out (it is noindex too).
            in_sitemap=tech.meta.search_engines and not is_preview(tech.meta, published.today),
        )


@dataclass(frozen=True)
class FilterLink:
    """An option as another filter page links to it: its label, address and head count."""

    label: str
    slug: str
    path: str
    count: int


@dataclass(frozen=True)
class FilterOption:
    label: str
    slug: str
    path: str
    technicians: tuple[Entry[Technician], ...]

    @property
    def count(self) -> int:
        return len(self.technicians)


_Option = TypeVar("_Option", FilterOption, FilterLink)


@dataclass(frozen=True)
class Facet(Generic[_Option]):
    id: str  # department | registration
    title: str  # 'Department'
    page_title: str  # 'Technicians in'
    options: tuple[_Option, ...]

    def as_links(self) -> Facet[FilterLink]:
        """The facet as its filter pages show it, counts without people: a page built from
        it is not remade when someone listed on another of its pages changes."""
        links = tuple(FilterLink(o.label, o.slug, o.path, o.count) for o in self.options)
        return Facet(self.id, self.title, self.page_title, links)


def technician_filters(published: Published) -> list[Facet[FilterOption]]:
    """Departments and registrations, each a static page so filtering works without JS."""
    techs = published.technicians

    def facet(
        facet_id: str, title: str, page_title: str, values: Callable[[Technician], list[str]]
    ) -> Facet[FilterOption]:
        # By address, not spelling: 'Chemistry' and 'chemistry.' make one page, so both
        # people are on it (two pages at one address would drop one of them).
        having: dict[str, list[Entry[Technician]]] = {}
        spellings: list[tuple[str, str]] = []
        for tech in techs:  # one pass, not one per label
            own = {links.slugify(value): value for value in reversed(values(tech.meta))}
            for slug, value in own.items():
                having.setdefault(slug, []).append(tech)
                spellings.append((tech.path.name, value))
        # in file order, as the build's warning about other spellings counts them
        labels = names.canonical_spellings(value for _, value in sorted(spellings))
        segments = names.page_segments(having)
        return Facet(
            facet_id,
            title,
            page_title,
            tuple(
                FilterOption(
                    labels[slug],
                    slug,
                    links.technician_filter_path(facet_id, segments[slug]),
                    tuple(having[slug]),
                )
                for slug in sorted(having, key=lambda slug: labels[slug].lower())
            ),
        )

    return [
        facet("department", "Department", "Technicians in", lambda t: [t.department]),
        facet(
            "registration",
            "Professional registration",
            "Technicians registered as",
            lambda t: list(t.registrations),
        ),
    ]


TECHNICIANS = PageType(
    "technicians",
    (kinds.TECHNICIAN, kinds.GALLERY, kinds.NEWS, kinds.CASE_STUDY),
    lambda planning: _technicians(planning.published),
)
