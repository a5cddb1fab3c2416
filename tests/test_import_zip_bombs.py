""".docx and .xlsx files that unpack to far more than any plan (zip bombs), whether they say so
or lie about it, stop early with a message naming the file, and never a traceback; a real plan
with a picture in it is still read."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from site_builder.importers import ImportStopped, import_file
from site_builder.importers.office_zip import MAX_PART, MAX_TOTAL
from tests.sites import TODAY

ROWS = [
    ["Theme", "Objective", "Actions", "Timeline"],
    ["Visibility", "Make technicians seen", "Hold an open day", "Jun 2026"],
]


def docx(path: Path) -> Path:
    document = Document()
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for r, values in enumerate(ROWS):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.save(str(path))
    return path


def xlsx(path: Path) -> Path:
    book = Workbook()
    for values in ROWS:
        book.active.append(values)  # type: ignore[union-attr]
    book.save(str(path))
    return path


def _rewrite(path: Path, add: Callable[[zipfile.ZipFile], None], replace: str | None) -> Path:
    """The same Office file with `add` writing extra (or replacement) parts into it."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename != replace:
                target.writestr(info.filename, data)
        add(target)
    return path


def _zeros(target: zipfile.ZipFile, name: str, size: int) -> None:
    block = b"<x/>" * (1024 * 256)  # 1 MB of XML-looking text, so it compresses like a bomb
    with target.open(name, "w", force_zip64=size > 2**31) as stream:
        left = size
        while left > 0:
            stream.write(block[: min(left, len(block))])
            left -= len(block)


def one_huge_part(main: str) -> Callable[[zipfile.ZipFile], None]:
    return lambda target: _zeros(target, main, MAX_PART + 1024 * 1024)


def many_parts_over_the_total(target: zipfile.ZipFile) -> None:
    for number in range(MAX_TOTAL // (48 * 1024 * 1024) + 1):
        _zeros(target, f"media/filler{number}.bin", 48 * 1024 * 1024)


def many_tiny_parts(target: zipfile.ZipFile) -> None:
    for number in range(6000):
        target.writestr(f"extra/part{number}.xml", b"<a/>")


def _lie_about_size(path: Path, name: str, claimed: int) -> Path:
    """Patch the sizes the archive records for `name` to `claimed` (smaller than the truth)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            start = found + 4
            if data[found + name_at : found + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", data, found + size_at, claimed)
    path.write_bytes(bytes(data))
    return path


MAIN = {".docx": "word/document.xml", ".xlsx": "xl/worksheets/sheet1.xml"}
MAKE = {".docx": docx, ".xlsx": xlsx}


def bombs(tmp_path: Path, suffix: str) -> dict[str, Path]:
    main = MAIN[suffix]

    def made(name: str) -> Path:
        return MAKE[suffix](tmp_path / f"{name}{suffix}")

    liar = _rewrite(made("lies"), lambda t: _zeros(t, main, 32 * 1024 * 1024), main)
    return {
        "main part declared huge": _rewrite(made("huge"), one_huge_part(main), main),
        "extra parts over the total": _rewrite(made("total"), many_parts_over_the_total, None),
        "thousands of parts": _rewrite(made("parts"), many_tiny_parts, None),
        "declared small, really large": _lie_about_size(liar, main, 4096),
    }


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_zip_bombs_stop_early_with_a_message(tmp_path: Path, suffix: str) -> None:
    for kind, path in bombs(tmp_path, suffix).items():
        assert path.stat().st_size < 8 * 1024 * 1024, kind  # small on disk: a bomb
        tracemalloc.start()
        began = time.perf_counter()
        with pytest.raises(ImportStopped) as stopped:
            import_file(path, today=TODAY)
        took = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert stopped.value.path == path, kind
        message = stopped.value.message
        assert any(w in message for w in ("unpacks", "parts", "damaged")), (kind, message)
        assert stopped.value.hint, kind
        assert took < 20, (kind, took)
        assert peak < 64 * 1024 * 1024, (kind, peak)  # never the bomb's size in memory


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_plan_with_a_large_picture_still_imports(tmp_path: Path, suffix: str) -> None:
    photo = io.BytesIO(bytes(range(256)) * (40 * 4096))  # 40 MB, not XML, under the total

    def add(target: zipfile.ZipFile) -> None:
        target.writestr("media/photo.bin", photo.getvalue())

    path = _rewrite(MAKE[suffix](tmp_path / f"plan{suffix}"), add, None)
    result = import_file(path, today=TODAY)
    assert [a.title for a in result.draft.actions] == ["Hold an open day"]


def test_a_sheet_used_to_its_far_corner_stops_with_a_message(tmp_path: Path) -> None:
    for corner in ("XFD100", "A1048576", "ZZ5000"):
        book = Workbook()
        sheet = book.active
        for values in ROWS:
            sheet.append(values)  # type: ignore[union-attr]
        sheet[corner] = "stray"  # type: ignore[index]
        path = tmp_path / f"far-{corner}.xlsx"
        book.save(str(path))
        began = time.perf_counter()
        with pytest.raises(ImportStopped) as stopped:
            import_file(path, today=TODAY)
        assert time.perf_counter() - began < 20
        row = int(corner.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        assert f"{row:,} rows" in stopped.value.message
        assert "delete the rows and columns" in stopped.value.hint
