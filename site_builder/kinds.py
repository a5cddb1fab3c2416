"""The kinds of content, each declared once: where its files are, how they are read, which model
checks them, how an entry's id is made, and how the content reference names it.

Discovery, loading, the parse cache, validation, the JSON Schemas and the content reference all
read this table, so a new kind of content is one declaration here (with its model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .errors import SourceError
from .loader import FrontMatterDocument, Located, read_front_matter, read_yaml
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

Document = Located | FrontMatterDocument | SourceError
MARKDOWN = (".md", ".markdown")
YAML = (".yaml", ".yml")


def _folder_name(path: Path) -> str:
    return path.parent.name


@dataclass(frozen=True)
class ContentKind:
    """One kind of content file."""

    name: str  # as the schemas and the content reference name it: 'technician'
    field: str  # its attribute of Sources and Content: 'technicians'
    model: type[BaseModel]
    where: str  # its files, as the content reference shows them
    front_matter: bool = False  # Markdown with YAML front matter between '---' lines; else YAML
    folder: str | None = None  # its folder under content/, one file per entry
    # an entry's id, which is its address; None: its file name without the suffix
    ident: Callable[[Path], str] | None = None
    single: bool = False  # one file for the whole site (site.yaml)

    @property
    def suffixes(self) -> tuple[str, ...]:
        return MARKDOWN if self.front_matter else YAML

    def read(self, path: Path) -> Document:
        return read_front_matter(path) if self.front_matter else read_yaml(path)


SITE = ContentKind("site", "site", SiteConfig, "content/site.yaml", single=True)
ACCESSIBILITY = ContentKind(
    "accessibility",
    "accessibility",
    AccessibilityStatement,
    "content/accessibility.yaml",
    single=True,
)
GALLERY = ContentKind(
    "gallery", "galleries", Gallery, "galleries/NAME/gallery.yaml", ident=_folder_name
)
PAGE = ContentKind(
    "page", "pages", PageMeta, "content/pages/NAME.md", front_matter=True, folder="pages"
)
PLAN = ContentKind("plan", "plans", Plan, "content/plans/NAME.yaml", folder="plans")
TECHNICIAN = ContentKind(
    "technician", "technicians", Technician, "content/technicians/ID.yaml", folder="technicians"
)
CASE_STUDY = ContentKind(
    "case study",
    "case_studies",
    CaseStudyMeta,
    "content/case-studies/NAME.md",
    front_matter=True,
    folder="case-studies",
)
NEWS = ContentKind(
    "news", "news", NewsMeta, "content/news/YYYY-MM-DD-NAME.md", front_matter=True, folder="news"
)

# In the order they are checked and their problems reported.
KINDS: tuple[ContentKind, ...] = (
    SITE,
    ACCESSIBILITY,
    GALLERY,
    PAGE,
    PLAN,
    TECHNICIAN,
    CASE_STUDY,
    NEWS,
)
# The kinds with a file per entry (every kind but the site-wide files).
COLLECTIONS: tuple[ContentKind, ...] = tuple(kind for kind in KINDS if not kind.single)
