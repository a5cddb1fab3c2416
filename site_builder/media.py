"""Files published under their own names: content/media/ (logos, PDFs) and a theme's static/.

Each is judged by its bytes, not its name. An image (a ``.jfif``, a ``.jpe``, a ``.bmp``, or a
JPEG saved as ``poster.pdf``) is made again from its pixels, so no location, camera or date
details reach the site; an SVG is cut down to drawing (svg.py); anything else goes as it is.
Photos named as photos (``.jpg``, ``.png``...) in content/media/ are not published as files:
they reach the site only as the image pipeline's resized copies, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .boundary import files_below
from .errors import SourceError
from .images import Remade, image_format, remake_image
from .names import PHOTO_SUFFIXES
from .svg import SvgRefused, sanitise_svg

_NAMED = {"JPEG": "a JPEG", "MPO": "a JPEG", "PNG": "a PNG", "WEBP": "a WebP", "GIF": "a GIF"}
# the names that say what remake_image makes
_SUFFIXES_OF = {"JPEG": {".jpg", ".jpeg", ".jpe", ".jfif", ".jif"}, "PNG": {".png"}}
_SUFFIXES_OF["WEBP"] = {".webp"}


@dataclass(frozen=True)
class Asset:
    relative: str  # where it goes in the site: media/logo.svg
    data: bytes


def publish_folder(
    folder: Path, prefix: str, inside: Sequence[Path], photos_elsewhere: bool
) -> tuple[list[Asset], list[SourceError]]:
    """Every file under ``folder`` to publish under ``prefix``, made safe, and the problems
    (errors: refused files and links; warnings: what was taken out of an SVG).
    ``photos_elsewhere``: photos named as photos are left to the image pipeline."""
    paths, problems = files_below(folder, inside)
    assets: list[Asset] = []
    for path in paths:
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue  # editor and system files (.DS_Store, .~lock)
        if photos_elsewhere and path.suffix.lower() in PHOTO_SUFFIXES:
            continue
        data, found = safe_bytes(path)
        problems.extend(found)
        if data is not None:
            assets.append(Asset(f"{prefix}/{relative.as_posix()}", data))
    return assets, problems


def check_files(content: Path, inside: Sequence[Path], themes: Sequence[Path]) -> list[SourceError]:
    """What publishing content/media/ and the themes' static/ would tell, without publishing:
    for ``check``, which builds nothing."""
    problems: list[SourceError] = []
    for folder in themes:
        problems += publish_folder(folder / "static", "assets", inside, photos_elsewhere=False)[1]
    problems += publish_folder(content / "media", "media", inside, photos_elsewhere=True)[1]
    return problems


def safe_bytes(path: Path) -> tuple[bytes | None, list[SourceError]]:
    """What may be published of one file (None: nothing), and what to tell about it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [SourceError(path, f"cannot read the file: {error.strerror}")]
    if path.suffix.lower() == ".svgz":
        return None, [_refused(path, "a compressed SVG (.svgz) cannot be checked")]
    kind = image_format(path)  # first: a PNG called logo.svg is a PNG
    if kind is None and (path.suffix.lower() == ".svg" or _looks_like_svg(data)):
        return _svg(path, data)
    if kind is None:
        return data, []
    remade = remake_image(path)
    if not isinstance(remade, Remade):
        hint = remade.hint
        return None, [SourceError(path, remade.message, hint=hint)]
    return remade.data, list(_misnamed(path, kind, remade.format))


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in head


def _svg(path: Path, data: bytes) -> tuple[bytes | None, list[SourceError]]:
    try:
        result = sanitise_svg(data)
    except SvgRefused as refusal:
        return None, [_refused(path, str(refusal))]
    if not result.removed:
        return result.data, []
    note = SourceError(
        path,
        "these were removed from the SVG before publishing, as they could run scripts or "
        "fetch from other sites: " + ", ".join(result.removed),
        hint="nothing to do if it still looks right; to stop this warning, save the SVG again "
        "without them (in Inkscape: File > Save As > Optimized SVG)",
        severity="warning",
    )
    return result.data, [note]


def _refused(path: Path, reason: str) -> SourceError:
    return SourceError(
        path,
        f"this SVG cannot be published: {reason}",
        hint="export it again as a plain SVG (in Inkscape: File > Save As > Plain SVG), or "
        "use a PNG instead",
    )


def _misnamed(path: Path, kind: str, made: str) -> Iterator[SourceError]:
    """A warning when the name does not say what the published bytes are."""
    if path.suffix.lower() in _SUFFIXES_OF[made]:
        return
    suffix = {"JPEG": ".jpg", "WEBP": ".webp"}.get(made, ".png")
    yield SourceError(
        path,
        f"this file is {_NAMED.get(kind, 'a ' + kind)} image, whatever its name says; it is "
        f"published made again from its pixels, as {_NAMED[made]}",
        hint=f"rename it to end in {suffix}, so that browsers and people know what it is",
        severity="warning",
    )
