"""Bounds on what a .docx or .xlsx unpacks to, checked before Word's or Excel's reader opens it.

An Office file is a zip archive; a small one can declare, or really hold, gigabytes of XML (a
"zip bomb"). python-docx and openpyxl read whole parts into memory, so the sizes are checked
first: the sizes the archive declares (cheap, from its directory), then the bytes each part
really unpacks to, read in chunks and stopped at the first byte over its bound. No real plan
comes near these limits: a plan's document is a few megabytes, with its photos at most tens.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from .problems import ImportStopped

MAX_TOTAL = 256 * 1024 * 1024  # every part together, unpacked
MAX_PART = 64 * 1024 * 1024  # one XML part (the document, a sheet, the shared strings)
MAX_PARTS = 5000
_CHUNK = 1024 * 1024
_HINT = (
    "if it really is your plan, open it in Word or Excel, copy the plan's table into a new "
    "document or workbook, save that and import it (or save the table as tab-separated .txt)"
)


def check_unpacked_size(path: Path) -> None:
    """Stop with a message when the archive would unpack to more than a plan ever holds."""
    if path.stat().st_size > MAX_TOTAL:
        raise ImportStopped(
            path,
            f"the file is {_size(path.stat().st_size)} (more than {_size(MAX_TOTAL)})",
            _HINT,
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_declared(path, parts)
            for part in parts:
                _check_actual(path, archive, part)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
        # A CRC or length mismatch (a part larger or smaller than declared), an unknown
        # compression method or an encrypted part.
        raise ImportStopped(
            path,
            f"the file is damaged or crafted (its zip archive cannot be read: {error})",
            "open it in Word or Excel and save it again",
        ) from None


def _part_limit(part: zipfile.ZipInfo) -> int:
    # Pictures and embedded files are not parsed as XML, so only the total bounds them.
    return MAX_PART if part.filename.lower().endswith((".xml", ".rels")) else MAX_TOTAL


def _check_declared(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise ImportStopped(
            path,
            f"the file holds {len(parts):,} parts (more than {MAX_PARTS:,}); a plan has a few "
            "dozen, so this is not a document we can read safely",
            _HINT,
        )
    total = 0
    for part in parts:
        if part.file_size > _part_limit(part):
            raise ImportStopped(
                path,
                f"its part '{part.filename}' says it unpacks to {_size(part.file_size)} (more "
                f"than {_size(_part_limit(part))}): this is not a plan we can read safely",
                _HINT,
            )
        total += part.file_size
    if total > MAX_TOTAL:
        raise ImportStopped(
            path,
            f"it says it unpacks to {_size(total)} (more than {_size(MAX_TOTAL)}): this is "
            "not a plan we can read safely",
            _HINT,
        )


def _check_actual(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """The declared size may be a lie. zipfile's reader (which python-docx and openpyxl use
    too) never returns more than the declared size and then fails its CRC check, so reading
    each part through it once, in chunks, proves the parts are what they say."""
    seen = 0
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
    if seen != part.file_size:
        raise ImportStopped(
            path,
            f"its part '{part.filename}' unpacks to {_size(seen)}, not the "
            f"{_size(part.file_size)} it says: the file is damaged or crafted",
            _HINT,
        )


def _size(count: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
