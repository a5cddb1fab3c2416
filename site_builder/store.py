"""Everything a build keeps in .cache/ for the next one, in one file format.

Each file starts with a header line: the format's mark, what the file holds, the version of
what wrote it, and how the rest is encoded: ``marshal`` for plain data (the build state of a
7,000-file site is 2 MB, written after every save under serve, and marshal writes it four
times faster than pickle), ``pickle`` for objects (parsed content, rendered cards). A file that
is missing, damaged, of another kind or from another version reads as nothing, and the build
starts that memory afresh: what is kept only ever saves work, never changes the site.
"""

from __future__ import annotations

import marshal
import pickle
from pathlib import Path
from typing import Any

from .files import write_atomic

_MARK = b"site-builder-kept/1"


def keep(file: Path, holds: str, version: str, value: Any, *, plain: bool = False) -> None:
    """Write ``value`` into ``file`` atomically; ``plain``: only dicts, lists, tuples, str,
    bytes, numbers, None (marshal), else any picklable object."""
    encoding = b"marshal" if plain else b"pickle"
    body = marshal.dumps(value) if plain else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    header = b"\0".join((_MARK, holds.encode(), version.encode(), encoding)) + b"\n"
    write_atomic(file, header + body)


def kept(file: Path, holds: str, version: str) -> Any | None:
    """What ``keep`` wrote into ``file`` for this ``holds`` and ``version``, else None."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    end = data.find(b"\n")
    fields = data[:end].split(b"\0") if end > 0 else []
    if len(fields) != 4 or fields[:3] != [_MARK, holds.encode(), version.encode()]:
        return None
    body = memoryview(data)[end + 1 :]
    try:
        if fields[3] == b"marshal":
            return marshal.loads(body)
        if fields[3] == b"pickle":
            return pickle.loads(body)
    except Exception:  # truncated, or objects of code that has since changed
        return None
    return None
