"""Which reader a file needs, and the clear refusals: encrypted, old-format, corrupt or empty."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .grid import Table
from .office_zip import check_unpacked_size
from .problems import EXIT_USAGE, ImportStopped
from .read_text import read_text_table

SUFFIXES = (".docx", ".xlsx", ".xlsm", ".csv", ".tsv", ".txt")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of encrypted and pre-2007 Office files
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")


def read_tables(path: Path, sheet: str | None = None) -> list[Table]:
    """Every table in the file, each as rows of cell strings."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportStopped(
            path,
            f"site-builder cannot read '{suffix or 'files without an extension'}'",
            "save the table as .docx (Word), .xlsx (Excel), .csv or tab-separated .txt",
            EXIT_USAGE,
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportStopped(
            path, "there is no such file", "check the name and folder", EXIT_USAGE
        ) from None
    except OSError as error:
        raise ImportStopped(
            path, f"the file cannot be read ({error.strerror})", "check it opens"
        ) from None
    if not data.strip():
        raise ImportStopped(path, "the file is empty", "save the table into it again")
    if suffix in (".docx", ".xlsx", ".xlsm"):
        _check_office(path, data)
        check_unpacked_size(path)
        try:
            if suffix == ".docx":
                from .read_docx import read_docx_tables

                return read_docx_tables(path)
            from .read_xlsx import read_xlsx_table

            return [read_xlsx_table(path, sheet)]
        except ImportStopped:
            raise
        except Exception as error:  # a damaged file: the library's own words, without a traceback
            raise ImportStopped(
                path,
                f"the file is damaged or is not really a {suffix} file ({error})",
                "open it in Word or Excel and save it again",
            ) from None
    return [read_text_table(path, data)]


def _check_office(path: Path, data: bytes) -> None:
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            raise ImportStopped(
                path,
                "the file is password-protected (encrypted), so it cannot be read",
                "open it, remove the password (File > Info > Protect), save, and import again",
            )
        raise ImportStopped(
            path,
            "this is an old-format .doc or .xls file with a new extension",
            "open it in Word or Excel and save it as .docx or .xlsx",
        )
    if not data.startswith(b"PK") or not zipfile.is_zipfile(path):
        raise ImportStopped(
            path,
            f"this is not a {path.suffix.lower()} file (its contents are not an Office document)",
            "open it in Word or Excel and save it as .docx or .xlsx",
        )
