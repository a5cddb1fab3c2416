"""Finding the content files (nothing parsed) and reading them, kind by kind (see kinds.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .boundary import list_project
from .content import Sources
from .errors import SourceError
from .kinds import ACCESSIBILITY, COLLECTIONS, GALLERY, KINDS, SITE, ContentKind, Document
from .loader import iter_files
from .project import Project


def discover(project: Project) -> Sources:
    """Find every content file; nothing is parsed here. A link that leaves the project's
    folders is refused (boundary.py) and what it leads to left out."""
    content = project.content
    inside = (content, project.galleries, project.themes)
    listing = list_project((content, project.galleries), inside)
    themes = list_project((project.themes,), inside)
    allowed = listing.allows
    files: dict[str, tuple[Path, ...]] = {}
    for kind in COLLECTIONS:
        if kind.folder is not None and allowed(content / kind.folder):
            found = iter_files(content / kind.folder, kind.suffixes)
            files[kind.field] = tuple(path for path in found if allowed(path))
    files[GALLERY.field] = tuple(
        gallery / "gallery.yaml"
        for gallery in sorted(project.galleries.iterdir() if project.galleries.is_dir() else ())
        if allowed(gallery) and gallery.is_dir() and not gallery.name.startswith(".")
    )
    site = _single(content, SITE)
    accessibility = _single(content, ACCESSIBILITY)
    return Sources(
        project=project,
        site=site if site is not None and allowed(site) else content / "site.yaml",
        accessibility=accessibility if accessibility and allowed(accessibility) else None,
        files=files,
        media=listing.files,
        refused=(*listing.refused, *themes.refused),
    )


def _single(content: Path, kind: ContentKind) -> Path | None:
    """A site-wide file, under either YAML suffix."""
    return next(
        (
            content / f"{kind.name}{s}"
            for s in kind.suffixes
            if (content / f"{kind.name}{s}").is_file()
        ),
        None,
    )


def read_document(kind: ContentKind, path: Path) -> Document:
    """One content file of a kind, parsed; a gallery folder without its file is an error."""
    if kind is GALLERY and not path.is_file():
        return missing_gallery_file(path)
    return kind.read(path)


def content_files(sources: Sources) -> Iterator[tuple[ContentKind, Path]]:
    """Every content file found, with its kind, in the order the kinds are checked."""
    for kind in KINDS:
        for path in sources.of(kind):
            yield kind, path


def load_documents(sources: Sources) -> dict[Path, Document]:
    """Read and parse every content file found; a file that cannot be read becomes an error."""
    documents: dict[Path, Document] = {}
    for kind, path in content_files(sources):
        if kind is SITE and not path.is_file():
            continue  # validation says what to create
        documents[path] = read_document(kind, path)
    return documents


def missing_gallery_file(path: Path) -> SourceError:
    return SourceError(
        path,
        f"the gallery folder '{path.parent.name}' has no gallery.yaml",
        hint="add gallery.yaml with at least 'title:' to the folder (or remove the folder)",
    )
