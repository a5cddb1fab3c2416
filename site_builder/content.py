"""The shapes that pass between pipeline steps: where the content is, and what it says.

All frozen: each step returns a new value instead of changing the one it was given, so the order
in which pages are made can never change what they show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .kinds import KINDS, ContentKind
from .models import (
    AccessibilityStatement,
    CaseStudyMeta,
    Gallery,
    NewsMeta,
    PageMeta,
    Plan,
    SiteConfig,
    Technician,
)
from .project import Project

if TYPE_CHECKING:
    from .errors import SourceError
    from .loader import Located

M = TypeVar("M")


@dataclass(frozen=True, eq=False)
class Sources:
    """Which content files exist (found, not yet read), by kind (see kinds.py)."""

    project: Project
    site: Path
    accessibility: Path | None
    files: Mapping[str, tuple[Path, ...]]  # by the kind's field: 'technicians'
    media: frozenset[str]  # every other file under content/ and galleries/, resolved
    # links that leave the project's folders or loop (boundary.py): each an error
    refused: tuple[SourceError, ...] = ()

    def of(self, kind: ContentKind) -> tuple[Path, ...]:
        """The files of one kind (a site-wide file's kind: that file, if there is one)."""
        if kind.single:
            found = self.site if kind.field == "site" else self.accessibility
            return (found,) if found is not None else ()
        return self.files.get(kind.field, ())

    def kind_of(self, path: Path) -> ContentKind | None:
        return next((kind for kind in KINDS if path in self.of(kind)), None)


@dataclass(frozen=True)
class Entry(Generic[M]):
    """One content item: its id (from the file name), its file, its fields and its body."""

    id: str
    path: Path
    meta: M
    body: str = ""
    body_line: int = 0
    located: Located | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, eq=False)
class Content:
    """Everything the content says, validated. Unpublished items are still here."""

    site_entry: Entry[SiteConfig]
    accessibility: Entry[AccessibilityStatement] | None
    entries: Mapping[str, tuple[Entry[Any], ...]]  # by the kind's field: 'technicians'

    def of(self, kind: ContentKind) -> tuple[Entry[Any], ...]:
        """The entries of a kind with a file per entry, in file-name order."""
        return self.entries.get(kind.field, ())

    # The kinds the rest of the builder reads by name, typed.
    @property
    def pages(self) -> tuple[Entry[PageMeta], ...]:
        return self.entries.get("pages", ())

    @property
    def plans(self) -> tuple[Entry[Plan], ...]:
        return self.entries.get("plans", ())

    @property
    def technicians(self) -> tuple[Entry[Technician], ...]:
        return self.entries.get("technicians", ())

    @property
    def galleries(self) -> tuple[Entry[Gallery], ...]:
        return self.entries.get("galleries", ())

    @property
    def case_studies(self) -> tuple[Entry[CaseStudyMeta], ...]:
        return self.entries.get("case_studies", ())

    @property
    def news(self) -> tuple[Entry[NewsMeta], ...]:
        return self.entries.get("news", ())

    @property
    def site(self) -> SiteConfig:
        return self.site_entry.meta
