"""When the computer, not the content, stops a build from writing: say so, and where.

A read-only or locked output folder, a read-only disk or a full one is checked for before the
first byte is written, where it can be (each folder the build writes into), so the site is not
left half updated; what could not be foreseen (a single locked file, a disk filling up meanwhile)
becomes the same kind of message, naming the file, instead of a fault report.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import SourceError

_LOCKED = (
    "the folder is read-only, locked, or owned by another user: make it writable (or delete "
    "it, and build again), or build somewhere else with --output FOLDER"
)
_HINTS = {
    errno.EACCES: _LOCKED,
    errno.EPERM: _LOCKED,
    errno.EROFS: "the disk is read-only: build onto another one with --output FOLDER",
    errno.ENOSPC: "the disk is full: free some space (make clean removes output/ and .cache/), "
    "then build again",
    errno.EDQUOT: "your share of the disk is used up: free some space (make clean removes "
    "output/ and .cache/), then build again",
}


def unwritable(output: Path, relatives: Iterable[str]) -> SourceError | None:
    """The first folder the build would write into (for ``relatives``, paths in the site) that
    this process may not change; None when every one may be."""
    root = output.absolute()
    folders = {root.parent, root}
    for relative in relatives:
        folders.add((root / relative).parent)
    for folder in sorted(folders, key=lambda path: len(path.parts)):
        existing = _nearest_existing(folder, root.parent)
        if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
            return SourceError(
                existing,
                "the build cannot write into this folder, so it has written nothing",
                hint=_LOCKED,
            )
    return None


def _nearest_existing(folder: Path, top: Path) -> Path | None:
    while not folder.is_dir():
        if folder == top or folder.parent == folder:
            return None
        folder = folder.parent
    return folder


def refusal(error: OSError) -> SourceError | None:
    """An error from writing that the person can fix (permissions, a full or read-only
    disk), as a problem naming the file; None for anything else."""
    hint = _HINTS.get(error.errno or 0)
    if hint is None:
        return None
    name = error.filename2 or error.filename  # a rename's target, else the one file
    where = Path(os.fsdecode(name)) if name else None
    if where is not None and (temporary := _TEMPORARY.match(where.name)):
        where = where.with_name(temporary.group(1))  # the file it was to become
    return SourceError(where, f"cannot write this file: {error.strerror}", hint=hint)


_TEMPORARY = re.compile(r"^\.(.+)\.\d+\.tmp$")  # files.write_atomic's and output.put_file's
