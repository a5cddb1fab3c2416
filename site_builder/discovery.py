"""Finding the content files (nothing parsed) and reading them, kind by kind (see kinds.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .content import Sources
from .errors import SourceError
from .kinds import ACCESSIBILITY, COLLECTIONS, GALLERY, KINDS, SITE, ContentKind, Document
from .loader import iter_files
from .project import Project


def discover(project: Project) -> Sources:
    """Find every content file; nothing is parsed here."""
    content = project.content
    files: dict[str, tuple[Path, ...]] = {}
    for kind in COLLECTIONS:
        if kind.folder is not None:
            files[kind.field] = tuple(iter_files(content / kind.folder, kind.suffixes))
    files[GALLERY.field] = tuple(
        gallery / "gallery.yaml"
        for gallery in sorted(project.galleries.iterdir() if project.galleries.is_dir() else ())
        if gallery.is_dir() and not gallery.name.startswith(".")
    )
    media: set[str] = set()
    for top in (content, project.galleries):
        if top.is_dir():
            media.update(_files_under(top))
    return Sources(
        project=project,
        site=_single(content, SITE) or content / "site.yaml",
        accessibility=_single(content, ACCESSIBILITY),
        files=files,
        media=frozenset(media),
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


def _files_under(top: Path) -> Iterator[str]:
    """Every file below ``top``, resolved, as text. Resolving each of thousands of photos costs a
    system call per path component, so only folders and symlinks are resolved; a plain file's
    resolved path is its resolved folder plus its name. A folder's listing says which entries
    are files, folders and links, without a stat of each."""
    folders = [str(top)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        real = Path(folder).resolve()
        for entry in entries:
            if entry.is_symlink():
                path = Path(entry.path).resolve()
                if path.is_dir():
                    folders.append(entry.path)
                elif path.is_file():
                    yield str(path)
            elif entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                yield os.path.join(real, entry.name)


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
