"""The shapes that pass between pipeline steps: where the content is, and what it says.

All frozen: each step returns a new value instead of changing the one it was given, so the order
in which pages are made can never change what they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

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
    from .loader import Located

M = TypeVar("M")


@dataclass(frozen=True)
class Sources:
    """Which content files exist (found, not yet read)."""

    project: Project
    site: Path
    accessibility: Path | None
    pages: tuple[Path, ...]
    plans: tuple[Path, ...]
    technicians: tuple[Path, ...]
    galleries: tuple[Path, ...]  # the gallery.yaml of each gallery folder
    case_studies: tuple[Path, ...]
    news: tuple[Path, ...]
    media: frozenset[str]  # every other file under content/ and galleries/, resolved


@dataclass(frozen=True)
class Entry(Generic[M]):
    """One content item: its id (from the file name), its file, its fields and its body."""

    id: str
    path: Path
    meta: M
    body: str = ""
    body_line: int = 0
    located: Located | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Content:
    """Everything the content says, validated. Unpublished items are still here."""

    site_entry: Entry[SiteConfig]
    accessibility: Entry[AccessibilityStatement] | None
    pages: tuple[Entry[PageMeta], ...]
    plans: tuple[Entry[Plan], ...]
    technicians: tuple[Entry[Technician], ...]
    galleries: tuple[Entry[Gallery], ...]
    case_studies: tuple[Entry[CaseStudyMeta], ...]
    news: tuple[Entry[NewsMeta], ...]

    @property
    def site(self) -> SiteConfig:
        return self.site_entry.meta
