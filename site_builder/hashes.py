"""Files' content hashes, each file read again only when its stat says it changed: the one
place where a file's stat signature becomes the hash of its bytes (content files, photos)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .records import file_signature

Signature = tuple[int, int, int, int]  # size, mtime, inode, ctime (records.file_signature)
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks into one reused buffer."""
    digest = hashlib.sha256()
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while read := handle.readinto(buffer):
            digest.update(view[:read])
    return digest.hexdigest()


@dataclass
class FileHashes:
    """The SHA-256 of each file seen, with the stat signature it had then. ctime is in the
    signature because, unlike mtime, no tool can set it back: rewriting a file changes it."""

    known: dict[str, tuple[Signature, str]] = field(default_factory=dict)

    def digest(self, path: Path, info: os.stat_result | None = None, trust: bool = False) -> str:
        """The hash of ``path``'s bytes; ``info``: its stat, when the caller has it;
        ``trust``: the caller knows it is unchanged since it was last seen (no stat at all).
        Raises OSError when the file cannot be read."""
        name = str(path)
        known = self.known.get(name)
        if trust and known is not None:
            return known[1]
        signature = file_signature(info if info is not None else path.stat())
        if known is not None and known[0] == signature:
            return known[1]
        digest = sha256_file(path)
        self.known[name] = (signature, digest)
        return digest

    def keep_only(self, names: Collection[str]) -> None:
        """Forget the files not named (gone, or no longer used)."""
        if len(self.known) != len(names) or not self.known.keys() <= set(names):
            self.known = {name: kept for name, kept in self.known.items() if name in names}
