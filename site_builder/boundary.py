"""What a build may read: the project's folders, and nothing a link in them leads to elsewhere.

Every folder the builder reads is listed here once (content/, galleries/, themes/), so this is the
one place a link is judged. A link (to a file or a folder) is followed only when it ends inside
one of those folders; a link that leaves them, goes round in a loop, or leads back to a folder
that contains it is a problem naming the link, and what it leads to is never read.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceError


@dataclass(frozen=True)
class Listing:
    """The files found under some folders, resolved, and the links refused on the way."""

    files: frozenset[str] = frozenset()
    refused: tuple[SourceError, ...] = ()
    refused_links: frozenset[Path] = frozenset()  # as found: content/media/x.jpg

    def allows(self, path: Path) -> bool:
        """Whether ``path`` (a file or folder as listed, not resolved) may be read."""
        if not self.refused_links:
            return True
        return path not in self.refused_links and not any(
            parent in self.refused_links for parent in path.parents
        )


def list_project(tops: Sequence[Path], inside: Sequence[Path]) -> Listing:
    """Every file under ``tops``, through links that stay within ``inside`` (the project's
    folders); each link that does not is refused."""
    roots = tuple(Path(os.path.realpath(root)) for root in inside)
    walk = _Walk(roots)
    for top in tops:
        walk.run(top)
    return Listing(frozenset(walk.files), tuple(walk.refused), frozenset(walk.refused_links))


def files_below(top: Path, inside: Sequence[Path]) -> tuple[list[Path], list[SourceError]]:
    """The files under ``top`` to publish under their own names, sorted: links to files
    followed when they stay within ``inside``, links to folders not entered (what they lead to
    is published under its own name), every other link refused."""
    walk = _Walk(tuple(Path(os.path.realpath(root)) for root in inside))
    found: list[Path] = []
    folders = [top] if top.is_dir() else []
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                target = walk.follow(path, os.path.realpath(folder))
                if target is not None and os.path.isfile(target):
                    found.append(path)
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.is_file(follow_symlinks=False):
                found.append(path)
    return sorted(found), walk.refused


@dataclass
class _Walk:
    roots: tuple[Path, ...]
    files: set[str] = field(default_factory=set)
    refused: list[SourceError] = field(default_factory=list)
    refused_links: set[Path] = field(default_factory=set)
    visited: set[str] = field(default_factory=set)  # real folders listed

    def run(self, top: Path) -> None:
        """Resolving each of thousands of photos costs a system call per path component, so
        only folders and links are resolved; a plain file's resolved path is its resolved
        folder plus its name. A folder's listing says which entries are files, folders and
        links, without a stat of each."""
        if not top.is_dir():
            return
        folders = [(str(top), os.path.realpath(top))]
        while folders:
            folder, real = folders.pop()
            if real in self.visited:
                continue  # reached through a link as well: its files are already listed
            self.visited.add(real)
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.is_symlink():
                    target = self.follow(Path(entry.path), real)
                    if target is not None and os.path.isdir(target):
                        folders.append((entry.path, target))
                    elif target is not None and os.path.isfile(target):
                        self.files.add(target)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, os.path.join(real, entry.name)))
                elif entry.is_file(follow_symlinks=False):
                    self.files.add(os.path.join(real, entry.name))

    def follow(self, link: Path, real_folder: str) -> str | None:
        """Where a link found in ``real_folder`` ends, if it may be followed."""
        try:
            target = link.resolve(strict=True)
        except RuntimeError:  # Python before 3.13 says "Symlink loop" this way
            self._refuse(link, _LOOP, _LOOP_FIX)
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                self._refuse(link, _LOOP, _LOOP_FIX)
            return None
            return None  # leads nowhere (a dangling link): nothing to read
        if not any(target.is_relative_to(root) for root in self.roots):
            self._refuse(
                link,
                f"this is a link to {target}, outside the project's folders; nothing outside "
                "them is read",
                "copy the file or folder into the project (photos into galleries/, other "
                "files into content/media/) and delete the link",
            )
            return None
        if target.is_dir() and Path(real_folder).is_relative_to(target):
            self._refuse(
                link,
                f"this link leads back to {target.name}/, a folder that contains it, so the "
                "folder would never end",
                _LOOP_FIX,
            )
            return None
        return str(target)

    def _refuse(self, link: Path, message: str, hint: str) -> None:
        self.refused.append(SourceError(link, message, hint=hint))
        self.refused_links.add(link)


_LOOP = "this link leads round in a loop (through other links, back to itself)"
_LOOP_FIX = "delete the link, or point it at the real file or folder"
