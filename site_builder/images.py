"""Photos in, web-ready responsive images out.

For every photo a content file uses, :func:`process_images` makes a set of resized copies (every
configured width, in JPEG and WebP and optionally AVIF) plus, for gallery grids, a square
thumbnail. Each photo is

1. opened with a pixel limit, so a "decompression bomb" becomes a problem report, not a crash;
2. decoded at the smallest JPEG scale that still serves the largest copy (``Image.draft``);
3. turned the right way up (EXIF orientation) and converted to 8-bit sRGB (embedded ICC profile,
   CMYK, 16-bit, palette and grey-scale photos all handled);
4. copied into a brand new image, so no metadata can follow the pixels: no EXIF (GPS position,
   camera serial number, date), XMP, IPTC, comments or ICC profile reaches the published site;
5. resized (never enlarged) and encoded.

Encoder settings and the measurements behind them: three 2400x1600 camera-like photos from
:func:`benchmarks.bench_images.make_reference_photos`, resized with Lanczos, then encoded;
CPU ms of one encode (best of 3), mean KiB, and block-SSIM of the luma against the resized
photo. Pillow 13, libjpeg-turbo 3.2, libwebp 1.6, libavif 1.4; re-run with
``python -m benchmarks.bench_images --encoders``.

                                  1600 px              960 px              480 px
    setting                     ms   KiB  SSIM      ms   KiB  SSIM      ms   KiB  SSIM
    JPEG q80 baseline           13   223  .929       4    78  .960       1    21  .966
    JPEG q80 progr.+optimize    71   204  .929      17    75  .960       4    21  .966
    WebP q75 method 0           73   126  .906      26    54  .955       6    17  .967
    WebP q75 method 1           65   115  .906      28    51  .955       9    16  .967
    WebP q75 method 2          144   106  .905      37    45  .951      12    14  .960
    WebP q75 method 3          247   101  .906     108    43  .952      30    14  .960
    WebP q75 method 4          258   101  .906     119    43  .952      36    14  .960
    WebP q75 method 5          261    94  .904     110    42  .951      39    13  .958
    WebP q75 method 6          414    90  .904     186    41  .950      62    13  .958
    WebP q70 method 4          255    92  .904      91    41  .950      30    13  .958
    AVIF q50 speed 8           583    71  .902     141    30  .942      54    10  .945

* JPEG ``progressive=True, optimize=True``: 3-8 % smaller than baseline for the very same
  pixels (same SSIM), and it draws coarse-to-fine on slow connections; ~50 ms more per 1600 px.
  (``optimize`` alone is -3 % for 2x baseline time; with progressive it is free, as
  libjpeg-turbo always optimises progressive files' Huffman tables: identical bytes.)
* WebP method 4 (libwebp's default). Compare at equal quality, not equal ``quality=``: the
  scale shifts with the method. At 1600 px, methods 0-2 are 10-14 % larger for the same SSIM
  (method 2 costs half the time); methods 5-6 are smaller only because they lose quality
  (method 4 at q70 matches them in size and SSIM, at method 4's speed); method 3 equals 4. So 4
  is the knee, and as every copy is made once and then served from the cache many times, bytes
  win over the ~0.2 s a photo that method 2 would save.
* AVIF (off by default): quality 50, speed 8: about 25 % fewer bytes than WebP q75 at a
  slightly lower SSIM, for 2-3x WebP's encode time; speed 6 was 3-4x slower again.

The machine was a shared 2-core one under load, so timings are +-30 %; sizes are exact.

Cache: sources are keyed by the SHA-256 of their bytes, so renaming or moving a photo does not
reprocess it. Under ``cache_dir`` live ``images/`` (the variant files, named as on the site),
``manifests/<key>.json`` (one per photo and settings; written last, so its presence means every
variant is complete) and ``source-hashes.kept`` (size, mtime, inode, ctime -> hash, so an
untouched photo is not even re-read). Every write is a temporary file plus ``os.replace``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
import stat
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import lru_cache
from io import BytesIO
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Protocol

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from site_builder.errors import closest
from site_builder.files import write_atomic

from . import store
from .hashes import FileHashes

# Bump whenever a code change alters the bytes of an output, so every cache refreshes.
PIPELINE_VERSION = 1
# Biggest photo we agree to decode: 60 MP is a 9500x6300 image, beyond any camera the team uses,
# and already ~180 MB of RGB pixels in memory.
MAX_PIXELS = 60_000_000
WEBP_METHOD = 4  # see the measurements in the module docstring
AVIF_QUALITY = 50
AVIF_SPEED = 8
# Starting worker processes costs ~0.1-0.3 s; below this much work it is not worth it.
SERIAL_MAX_JOBS = 2

_FORMATS: dict[str, tuple[str, str, str]] = {  # ours -> (Pillow format, extension, MIME type)
    "jpeg": ("JPEG", "jpg", "image/jpeg"),
    "webp": ("WEBP", "webp", "image/webp"),
    "avif": ("AVIF", "avif", "image/avif"),
}
# Only formats a photo can sensibly arrive in; anything else (EPS, PSD, ICO...) is refused, which
# also keeps external helpers such as Ghostscript out of the build.
_READABLE_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF", "TIFF", "GIF", "BMP")
# Vertical position of the square crop in a portrait photo, as a fraction of the spare height.
# A third keeps the eyes of a typical head-and-shoulders shot on the upper third line.
_FOCUS_POSITION: dict[str | None, float] = {"top": 0.0, "centre": 0.5, "bottom": 1.0, None: 1 / 3}
_FOCUS_POINT = re.compile(r"^(\d{1,3}(?:\.\d+)?)%\s+(\d{1,3}(?:\.\d+)?)%$")


def focus_centring(focus: str | None) -> tuple[float, float] | None:
    """Where a square crop centres: a named position, or 'X% Y%' from the top left."""
    if focus in _FOCUS_POSITION:
        return (0.5, _FOCUS_POSITION[focus])
    match = _FOCUS_POINT.match(focus or "")
    if match:
        x, y = float(match.group(1)), float(match.group(2))
        if x <= 100 and y <= 100:
            return (x / 100, y / 100)
    return None


_FOCUS_ALIASES = {"center": "centre", "middle": "centre"}
_VARIANT_NAME = re.compile(r"^[0-9a-f]{12}-(?:sq)?\d+\.(?:jpg|webp|avif)$")
_HASH_INDEX = "source-hashes.kept"
_MANIFEST_VERSION = 1


# --- public data ---------------------------------------------------------------------------------


class ImageSettingsLike(Protocol):
    """What :meth:`ImageOptions.from_settings` reads (``models.ImageSettings`` has it).
    Read-only, as the frozen settings model is."""

    @property
    def widths(self) -> Sequence[int]: ...
    @property
    def thumbnail(self) -> int: ...
    @property
    def jpeg_quality(self) -> int: ...
    @property
    def webp_quality(self) -> int: ...
    @property
    def avif(self) -> bool: ...


@dataclass(frozen=True)
class ImageOptions:
    """How photos are turned into web images (site.yaml's ``images:`` plus tuned constants)."""

    widths: tuple[int, ...] = (480, 960, 1600)
    thumbnail: int = 400  # square thumbnail edge in px
    jpeg_quality: int = 80
    webp_quality: int = 75
    avif: bool = False
    avif_quality: int = AVIF_QUALITY
    webp_method: int = WEBP_METHOD
    max_pixels: int = MAX_PIXELS  # never shapes an output, so it is not in the fingerprint

    def __post_init__(self) -> None:
        widths = tuple(sorted({int(width) for width in self.widths}))
        if not widths or widths[0] < 1:
            raise ValueError(f"image widths must be positive whole numbers, got {self.widths!r}")
        if self.thumbnail < 1:
            raise ValueError(f"thumbnail size must be positive, got {self.thumbnail!r}")
        object.__setattr__(self, "widths", widths)

    @classmethod
    def from_settings(cls, settings: ImageSettingsLike) -> ImageOptions:
        return cls(
            widths=tuple(settings.widths),
            thumbnail=settings.thumbnail,
            jpeg_quality=settings.jpeg_quality,
            webp_quality=settings.webp_quality,
            avif=settings.avif,
        )

    @property
    def formats(self) -> tuple[str, ...]:
        return ("jpeg", "webp", "avif") if self.avif else ("jpeg", "webp")

    def fingerprint(self) -> str:
        """Short hash of every setting that shapes an output file."""
        shaping = {
            "pipeline": PIPELINE_VERSION,
            "widths": list(self.widths),
            "thumbnail": self.thumbnail,
            "jpeg_quality": self.jpeg_quality,
            "webp_quality": self.webp_quality,
            "webp_method": self.webp_method,
            "avif": self.avif,
            "avif_quality": self.avif_quality,
            "avif_speed": AVIF_SPEED,
        }
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ImageRequest:
    source: Path  # absolute path of the source photo
    used_by: Path  # the content file that uses it (for error messages)
    field: str  # the field in that file, e.g. "photo" or "image.src"
    square: bool = False  # also make a square thumbnail (gallery grids)
    focus: str | None = None  # "top" | "centre" | "bottom" | None (portraits: upper third)


@dataclass(frozen=True)
class Variant:
    path: str  # POSIX path relative to the site root, e.g. "images/3fa9c1d2e4b7-960.webp"
    width: int
    height: int
    format: str  # "jpeg" | "webp" | "avif"
    bytes: int = 0  # file size


@dataclass(frozen=True)
class ProcessedImage:
    width: int  # display size of the largest variant (after EXIF orientation)
    height: int
    variants: tuple[Variant, ...]  # responsive variants, every width x format
    thumbnails: tuple[Variant, ...] = ()  # square thumbnails, one per format, if requested
    key: str = ""  # cache key: content hash + settings; names the files and the manifest

    def srcset(self, format: str, url: Callable[[str], str]) -> str:
        return srcset_of(self.variants, format, url)

    def fallback(self) -> Variant:
        """The largest JPEG: what browsers without <picture> support show."""
        return largest_of(self.variants, "jpeg")

    def files(self) -> tuple[Variant, ...]:
        return self.variants + self.thumbnails


@dataclass(frozen=True)
class ImageProblem:
    """A photo that could not be used; the pipeline turns it into a user-facing error."""

    used_by: Path
    field: str
    source: Path
    message: str
    hint: str


# --- processing ----------------------------------------------------------------------------------


def process_images(
    requests: Sequence[ImageRequest],
    options: ImageOptions,
    cache_dir: Path,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[Path, ProcessedImage], list[ImageProblem]]:
    """Make (or reuse from cache) every variant; never raises for bad images.

    ``progress(done, total)`` is called as new photos finish (never when all are cached).

    Requests for the same source are merged (a thumbnail is made if any of them wants one; the
    first focus given wins), so pass every request of a build in one call: that also keeps all
    cores busy. Returns the images by ``request.source`` and one problem per request whose photo
    could not be used. Only photos that are new or changed are decoded, in ``jobs`` worker
    processes (default: every core this process may use).
    """
    groups = _group_by_source(requests)
    problems: list[ImageProblem] = []
    hashes = _SourceHashes(cache_dir)
    # One listing of the cache instead of a stat per variant: a no-change build of 1,000
    # photos checks 8,000 files, and that alone cost a quarter of a second.
    cached_files = {f"images/{entry.name}" for entry in _files_in(cache_dir / "images")}
    fingerprint = options.fingerprint()
    failures: dict[Path, _Failure] = {}
    key_of: dict[Path, str] = {}
    ready: dict[str, ProcessedImage] = {}
    pending: dict[str, _Job] = {}
    sizes: dict[str, int] = {}
    for source, group in groups.items():
        square, focus, focus_problems = _merge_requests(group)
        problems.extend(focus_problems)
        try:
            digest, size = hashes.digest(source)
        except _BadImage as bad:
            failures[source] = bad.failure
            continue
        key = _cache_key(digest, fingerprint, square, focus)
        key_of[source] = key
        if key in ready or key in pending:
            continue  # the same bytes under another name: made once, shared
        cached = _read_manifest(cache_dir, key, cached_files)
        if cached is not None:
            ready[key] = cached
        else:
            pending[key] = _Job(key, source, options, square, focus, cache_dir)
            sizes[key] = size
    hashes.save()

    # Biggest files first, so one large photo does not finish alone at the end.
    work = sorted(pending.values(), key=lambda job: -sizes[job.key])
    failed_keys: dict[str, _Failure] = {}
    if progress is not None and work:
        progress(0, len(work))
    for done, outcome in enumerate(_run_jobs(work, _worker_count(jobs)), 1):
        if progress is not None:
            progress(done, len(work))
        if outcome.manifest is not None:
            ready[outcome.key] = _image_from_manifest(outcome.manifest)
        else:
            failed_keys[outcome.key] = outcome.failure or _UNEXPECTED

    results: dict[Path, ProcessedImage] = {}
    for source, group in groups.items():
        key = key_of.get(source, "")
        failure = failures.get(source) or failed_keys.get(key)
        if failure is not None:
            problems.extend(_problem(request, failure) for request in group)
        else:
            results[source] = ready[key]
    return results, problems


def _group_by_source(requests: Sequence[ImageRequest]) -> dict[Path, list[ImageRequest]]:
    groups: dict[Path, list[ImageRequest]] = {}
    for request in requests:
        groups.setdefault(request.source, []).append(request)
    return groups


def _merge_requests(
    group: Sequence[ImageRequest],
) -> tuple[bool, str | None, list[ImageProblem]]:
    """One photo, several uses: what to make for all of them, and any bad focus values."""
    square = any(request.square for request in group)
    focus: str | None = None
    problems = []
    for request in group:
        if request.focus is None:
            continue
        wanted = _FOCUS_ALIASES.get(request.focus.strip().lower(), request.focus.strip().lower())
        if focus_centring(wanted) is None:
            problems.append(
                ImageProblem(
                    request.used_by,
                    request.field,
                    request.source,
                    f"'{request.focus}' is not a focus the thumbnail crop understands",
                    "use top, centre or bottom, a point such as '40% 25%' (across, down), or "
                    "leave it out to keep the upper part of portrait photos",
                )
            )
        elif request.square and focus is None:
            focus = wanted
    # Focus only moves the square crop; without one it must not change the cache key.
    return square, (focus if square else None), problems


def _cache_key(digest: str, fingerprint: str, square: bool, focus: str | None) -> str:
    """Content, settings and crop: renaming a photo keeps its key, changing any of these not."""
    shape = f"sq-{focus or 'default'}" if square else "plain"
    return hashlib.sha256(f"{digest}:{fingerprint}:{shape}".encode()).hexdigest()


def _worker_count(jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    try:  # the CPUs this process may use (containers, taskset), not all the machine has
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


# --- why a photo cannot be used ------------------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    """What is wrong with a photo: ``reason`` completes "the file X ...", ``hint`` is the fix."""

    reason: str
    hint: str


class _BadImage(Exception):
    def __init__(self, failure: _Failure):
        super().__init__(failure.reason)
        self.failure = failure


_COPY_AGAIN = "copy the photo in again from the original (camera, phone or shared drive)"
_MISSING_HINT = "check the file name, including capitals and the extension"
_EMPTY = _Failure(
    "is empty (0 bytes)", f"the copy or upload probably failed part-way: {_COPY_AGAIN}"
)
_FOLDER = _Failure(
    "is a folder, not a photo", "give the name of a photo file inside the folder instead"
)
_UNREADABLE = _Failure(
    "cannot be opened (permission denied)",
    "check the file is not open in another program and that you have permission to read it, "
    "or copy it in again",
)
_HEIC = _Failure(
    "is a HEIC photo (the iPhone format), which web browsers cannot show",
    "export it as JPEG and use that file: on a Mac open it in Preview and choose File > Export "
    "> JPEG; on Windows open it in Photos and choose Save as > .jpg; on the iPhone itself, "
    "Settings > Camera > Formats > Most Compatible takes JPEG photos from then on",
)
_TRUNCATED = _Failure(
    "is incomplete: the image data stops part-way through",
    f"the copy or download was probably interrupted: {_COPY_AGAIN}",
)
_DAMAGED = _Failure(
    "is damaged and cannot be read as an image",
    "try opening it in an image editor and exporting it again as JPEG; if it does not open, "
    f"{_COPY_AGAIN}",
)
_CRASHED = _Failure(
    "stopped the image processor unexpectedly (it may have run out of memory)",
    "make a smaller copy of the photo (about 4000 pixels wide) and use that, or build again",
)
_UNEXPECTED = _Failure(
    "could not be processed",
    "export the photo again as JPEG; if the problem stays, tell the site's maintainers",
)


def _missing(path: Path) -> _Failure:
    folder = path.parent
    if not folder.is_dir():
        return _Failure(
            "does not exist",
            f"the folder {_shown(folder)} does not exist either: check the folder and file "
            "names, including capitals",
        )
    return _Failure("does not exist", _MISSING_HINT + _did_you_mean(path))


def _did_you_mean(path: Path) -> str:
    """Most missing photos are a capital letter or an extension away from a real file."""
    try:
        names = sorted(entry.name for entry in os.scandir(path.parent) if entry.is_file())
    except OSError:
        return ""
    by_name = {name.lower(): name for name in names}
    by_stem = {Path(name).stem.lower(): name for name in names}
    stem = path.stem.lower()
    guess = by_name.get(path.name.lower()) or by_stem.get(stem)
    if guess is None:  # compare stems: a shared ".jpg" makes any two names look alike
        near = closest(stem, by_stem)
        guess = by_stem[near] if near else None
    return f" (did you mean '{guess}'?)" if guess else ""


def _too_large(width: int, height: int, limit: int) -> _Failure:
    return _Failure(
        f"is too large to process: {width} x {height} pixels "
        f"({width * height / 1e6:.0f} megapixels; the limit is {limit / 1e6:.0f})",
        "make a smaller copy, about 4000 pixels wide (any photo editor's Resize or Export "
        "does it), and use that",
    )


def _not_an_image(path: Path) -> _Failure:
    kind = _sniff_kind(path)
    if kind == "heic":
        return _HEIC
    if kind in ("jpeg", "png", "gif", "webp", "tiff", "bmp"):
        return _DAMAGED  # right signature, but Pillow cannot make sense of what follows
    looks_like = f" (it looks like {kind})" if kind else ""
    return _Failure(
        f"is not an image the site can use{looks_like}",
        "photos must be JPEG, PNG or WebP files: open it in an image editor and export it as JPEG",
    )


def _sniff_kind(path: Path) -> str | None:
    """Recognise a file from its first bytes, to explain why it is not usable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return None
    if head[4:8] == b"ftyp" and head[8:12] in {
        b"heic",
        b"heix",
        b"hevc",
        b"hevx",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
    }:
        return "heic"
    signatures = {
        b"\xff\xd8\xff": "jpeg",
        b"\x89PNG": "png",
        b"GIF8": "gif",
        b"II*\x00": "tiff",
        b"MM\x00*": "tiff",
        b"BM": "bmp",
        b"%PDF": "a PDF document",
        b"8BPS": "a Photoshop file",
        b"PK\x03\x04": "a zip archive or Office document",
    }
    for magic, kind in signatures.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    text = head.lstrip().lower()
    if text.startswith((b"<svg", b"<?xml")):
        return "an SVG drawing"
    if text.startswith((b"<!doctype html", b"<html")):
        return "a web page, saved instead of the picture"
    return None


def _shown(path: Path) -> str:
    """The path as people see it from the site folder (where builds run), else in full."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _problem(request: ImageRequest, failure: _Failure) -> ImageProblem:
    return ImageProblem(
        used_by=request.used_by,
        field=request.field,
        source=request.source,
        message=f"the file {_shown(request.source)} {failure.reason}",
        hint=failure.hint,
    )


# --- source hashing ------------------------------------------------------------------------------


class _SourceHashes:
    """Each photo's content hash, read again only when its stat says it changed (FileHashes),
    kept in the cache folder: hashing 1,000 photos of 2 MB takes 4.2 s, every build; the same
    untouched 1,000 cost 13 ms."""

    def __init__(self, cache_dir: Path):
        self._file = cache_dir / _HASH_INDEX
        known = store.kept(self._file, "photo hashes", str(_MANIFEST_VERSION))
        self._before = known if isinstance(known, dict) else {}
        self._hashes = FileHashes(dict(self._before))
        self._seen: set[str] = set()

    def digest(self, path: Path) -> tuple[str, int]:
        """(hash, size) of a source, or _BadImage saying why it is not a usable file."""
        info = _stat_source(path)
        try:
            digest = self._hashes.digest(path, info)
        except PermissionError:
            raise _BadImage(_UNREADABLE) from None
        except OSError:
            raise _BadImage(_missing(path)) from None
        self._seen.add(str(path))
        return digest, info.st_size

    def save(self) -> None:
        """Record what was hashed; entries of files that are gone are dropped, others kept (a
        caller may well process the galleries and the news photos in separate calls)."""
        known = {
            path: entry
            for path, entry in self._hashes.known.items()
            if path in self._seen or os.path.exists(path)
        }
        if known != self._before:
            store.keep(self._file, "photo hashes", str(_MANIFEST_VERSION), known, plain=True)


def _stat_source(path: Path) -> os.stat_result:
    try:
        info = path.stat()
    except PermissionError:
        raise _BadImage(_UNREADABLE) from None
    except OSError:  # FileNotFoundError, or NotADirectoryError when a "folder" is a file
        raise _BadImage(_missing(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise _BadImage(_FOLDER)
    if info.st_size == 0:
        raise _BadImage(_EMPTY)
    return info


# --- the cache -----------------------------------------------------------------------------------


def _manifest_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "manifests" / f"{key}.json"


def _read_manifest(cache_dir: Path, key: str, cached_files: set[str]) -> ProcessedImage | None:
    """The cached result for a key, if its manifest and every file it lists are there."""
    data = _read_json(_manifest_path(cache_dir, key))
    if not isinstance(data, dict) or data.get("version") != _MANIFEST_VERSION:
        return None
    try:
        image = _image_from_manifest(data)
    except (KeyError, TypeError, ValueError):
        return None
    if not all(variant.path in cached_files for variant in image.files()):
        return None  # someone deleted a cached file: make them all again
    return image


def _image_from_manifest(data: dict[str, Any]) -> ProcessedImage:
    return ProcessedImage(
        width=int(data["width"]),
        height=int(data["height"]),
        variants=tuple(Variant(**item) for item in data["variants"]),
        thumbnails=tuple(Variant(**item) for item in data["thumbnails"]),
        key=str(data["key"]),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def copy_variants(images: Iterable[ProcessedImage], cache_dir: Path, site_dir: Path) -> int:
    """Place every variant file at ``site_dir/variant.path``; returns how many distinct files.

    Hard links cost no space or time; they are safe because the cache only ever replaces files
    (os.replace), never rewrites them in place. Falls back to copying across file systems.
    """
    placed: set[str] = set()
    for image in images:
        for variant in image.files():
            if variant.path not in placed:
                _link_or_copy(cache_dir / variant.path, site_dir / variant.path)
                placed.add(variant.path)
    return len(placed)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if os.path.samefile(source, target):
            return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def prune_cache(cache_dir: Path, keep: Iterable[ProcessedImage]) -> int:
    """Delete cached variant files that none of ``keep`` uses; returns how many.

    Pass every image of a successful build: anything not kept is made again next time. Only
    files named like ours are touched, so a mistyped cache_dir cannot lose anyone's photos.
    Stale manifests and temporary files left by a killed build go too.
    """
    kept = list(keep)
    kept_files = {Path(variant.path).name for image in kept for variant in image.files()}
    kept_manifests = {f"{image.key}.json" for image in kept}
    removed = 0
    for entry in _files_in(cache_dir / "images"):
        if _VARIANT_NAME.match(entry.name) and entry.name not in kept_files:
            Path(entry.path).unlink(missing_ok=True)
            removed += 1
        elif entry.name.endswith(".tmp") and entry.name.startswith("."):
            Path(entry.path).unlink(missing_ok=True)
    for entry in _files_in(cache_dir / "manifests"):
        if entry.name.endswith((".json", ".tmp")) and entry.name not in kept_manifests:
            Path(entry.path).unlink(missing_ok=True)
    return removed


def _files_in(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return [entry for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []


# --- running the work ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """One photo to make variants of; pickled to a worker process."""

    key: str
    source: Path
    options: ImageOptions
    square: bool
    focus: str | None
    cache_dir: Path
    encoder_threads: int = 0  # 0: the encoder library's default (all cores)


@dataclass(frozen=True)
class _Outcome:
    key: str
    manifest: dict[str, Any] | None
    failure: _Failure | None = None


def _run_jobs(jobs: list[_Job], workers: int) -> Iterator[_Outcome]:
    if workers <= 1 or len(jobs) <= SERIAL_MAX_JOBS:
        yield from map(_render, jobs)
        return
    context = _pool_context()
    unfinished: list[_Job] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        if not _pool_works(pool):
            # Workers cannot even start here (e.g. the main script cannot be re-imported, as
            # with `python - < script`): do the work in this process instead.
            yield from map(_render, jobs)
            return
        # Each worker already runs one photo per core: multi-threaded encoders would only fight.
        futures: dict[Future[_Outcome], _Job] = {
            pool.submit(_render, replace(job, encoder_threads=1)): job for job in jobs
        }
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                unfinished.append(futures[future])
    # A worker died (out of memory, a crash in a decoder) and took the pool with it: redo the
    # unfinished photos one at a time, each in its own process, to find the one to blame.
    for job in unfinished:
        yield _render_isolated(job, context)


def _pool_works(pool: ProcessPoolExecutor) -> bool:
    try:
        return pool.submit(_ping).result() == "pong"
    except BrokenProcessPool:
        return False


def _ping() -> str:
    return "pong"


def _render_isolated(job: _Job, context: BaseContext) -> _Outcome:
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(_render, job).result()
        except BrokenProcessPool:
            return _Outcome(job.key, None, _CRASHED)


def _pool_context() -> BaseContext:
    """forkserver: workers fork from a clean single-threaded server, so it is safe while the
    live-reload server runs threads, and cheap once Pillow is preloaded there."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _render(job: _Job) -> _Outcome:
    """Make one photo's variants into the cache. Never raises: one bad photo stops nothing."""
    try:
        return _Outcome(job.key, _render_variants(job))
    except _BadImage as bad:
        return _Outcome(job.key, None, bad.failure)
    except MemoryError:
        return _Outcome(job.key, None, _CRASHED)
    except Exception as error:  # a Pillow error we did not foresee: still a report, not a crash
        detail = f"{_UNEXPECTED.reason} ({type(error).__name__}: {error})"
        return _Outcome(job.key, None, _Failure(detail, _UNEXPECTED.hint))


def _render_variants(job: _Job) -> dict[str, Any]:
    options = job.options
    picture, (width, height) = _load_picture(job)
    name = job.key[:12]
    variants: list[dict[str, Any]] = []
    copies = [picture]
    for target in reversed(_plan_widths(width, options.widths)):
        size = (target, max(1, round(height * target / width)))
        copies.append(_shrink(copies[-1], size))
        for fmt in options.formats:
            path = f"images/{name}-{target}.{_FORMATS[fmt][1]}"
            variants.append(_store(copies[-1], fmt, path, job))
    thumbnails: list[dict[str, Any]] = []
    if job.square:
        edge = min(options.thumbnail, width, height)
        # Crop from the smallest copy that still has the pixels: the same result, less work.
        base = min((c for c in copies if min(c.size) >= edge), key=lambda c: c.width * c.height)
        centring = focus_centring(job.focus) or (0.5, _FOCUS_POSITION[None])
        square = ImageOps.fit(base, (edge, edge), _RESAMPLE, centering=centring)
        for fmt in options.formats:
            path = f"images/{name}-sq{edge}.{_FORMATS[fmt][1]}"
            thumbnails.append(_store(square, fmt, path, job))
    variants.sort(key=lambda item: (item["width"], item["format"]))
    largest = variants[-1]
    manifest = {
        "version": _MANIFEST_VERSION,
        "key": job.key,
        "width": largest["width"],
        "height": largest["height"],
        "variants": variants,
        "thumbnails": thumbnails,
    }
    # Written last: a manifest on disk promises that every file it lists is complete.
    write_atomic(_manifest_path(job.cache_dir, job.key), json.dumps(manifest).encode())
    return manifest


_RESAMPLE = Image.Resampling.LANCZOS  # the sharpest of Pillow's filters for downscaling


def _shrink(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Resize the next larger copy rather than the photo: each Lanczos pass costs about the
    same whatever the target width, so chaining 2400 -> 1600 -> 960 -> 480 takes 40 % less CPU
    (228 vs 375 ms a photo) for a result within block-SSIM 0.997 of resizing each directly."""
    return picture if picture.size == size else picture.resize(size, _RESAMPLE)


def _plan_widths(source_width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The widths to make: never wider than the photo; a small photo gets one copy as is."""
    return tuple(width for width in widths if width <= source_width) or (source_width,)


def _store(image: Image.Image, fmt: str, path: str, job: _Job) -> dict[str, Any]:
    data = _encode(image, fmt, job)
    write_atomic(job.cache_dir / path, data)
    width, height = image.size
    return {"path": path, "width": width, "height": height, "format": fmt, "bytes": len(data)}


def _encode(image: Image.Image, fmt: str, job: _Job) -> bytes:
    """Encode with settings only: no exif=, icc_profile=, xmp= or comment= is ever passed."""
    options = job.options
    buffer = BytesIO()
    if fmt == "jpeg":
        _on_white(image).save(
            buffer, "JPEG", quality=options.jpeg_quality, progressive=True, optimize=True
        )
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=options.webp_quality, method=options.webp_method)
    elif fmt == "avif":
        threads = {"max_threads": job.encoder_threads} if job.encoder_threads else {}
        image.save(buffer, "AVIF", quality=options.avif_quality, speed=AVIF_SPEED, **threads)
    else:
        raise ValueError(f"unknown image format {fmt!r}")
    return buffer.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: lay transparent photos on white, like the page behind them."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


# --- decoding ------------------------------------------------------------------------------------


def _load_picture(job: _Job) -> tuple[Image.Image, tuple[int, int]]:
    """The photo's pixels, upright, 8-bit sRGB, no bigger than needed, and with no metadata;
    plus its full display size (width, height)."""
    with _open_photo(job.source, job.options.max_pixels) as image:
        turned = _orientation(image) in (5, 6, 7, 8)
        stored_width, stored_height = image.size
        display = (stored_height, stored_width) if turned else (stored_width, stored_height)
        need = _needed_size(display, job)
        if image.format in ("JPEG", "MPO"):
            # libjpeg scales by 1/2, 1/4 or 1/8 while decoding: a 6000 px photo that only has
            # to serve 1600 px copies decodes at 3000 px, 4x less memory and time.
            image.draft("RGB", (need[1], need[0]) if turned else need)
        _decode(image)
        ImageOps.exif_transpose(image, in_place=True)
        picture = _to_srgb(image)
    picture = _reduce_towards(picture, need)
    return _fresh_copy(picture), display


@contextlib.contextmanager
def _open_photo(path: Path, max_pixels: int) -> Iterator[ImageFile.ImageFile]:
    """Open a photo, mapping every way it can fail to a _BadImage.

    Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; we make the warning an
    error too, so anything over the limit is refused before a byte of it is decoded. Other
    warnings (odd EXIF, and so on) are about nothing the comms team can act on.
    """
    with _pixel_limit(max_pixels), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path, formats=_READABLE_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _BadImage(_too_large(*_size_without_limit(path), max_pixels)) from None
        except UnidentifiedImageError:
            raise _BadImage(_not_an_image(path)) from None
        except FileNotFoundError:
            raise _BadImage(_missing(path)) from None
        except PermissionError:
            raise _BadImage(_UNREADABLE) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _BadImage(_DAMAGED) from None
        with image:
            yield image


@contextlib.contextmanager
def _pixel_limit(limit: int | None) -> Iterator[None]:
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _size_without_limit(path: Path) -> tuple[int, int]:
    """Read only the header of an over-sized photo, to say how big it is."""
    with _pixel_limit(None), Image.open(path) as image:
        return image.size


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (ValueError, TypeError, SyntaxError, OSError):
        return 1  # unreadable EXIF: show the photo as stored


def _needed_size(display: tuple[int, int], job: _Job) -> tuple[int, int]:
    """Smallest (width, height) that still serves the widest copy and the thumbnail."""
    width, height = display
    scale = max(_plan_widths(width, job.options.widths)) / width
    if job.square:
        edge = min(job.options.thumbnail, width, height)
        scale = max(scale, edge / min(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _decode(image: Image.Image) -> None:
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _BadImage(_too_large(*image.size, Image.MAX_IMAGE_PIXELS or 0)) from None
    except OSError as error:
        raise _BadImage(_TRUNCATED if "truncated" in str(error) else _DAMAGED) from None
    except (SyntaxError, ValueError, EOFError, IndexError, TypeError):
        raise _BadImage(_DAMAGED) from None


def _reduce_towards(picture: Image.Image, need: tuple[int, int]) -> Image.Image:
    """Halve (or more) a huge non-JPEG picture early with a fast box filter, keeping at least
    twice the needed size so the final Lanczos resize still sets the quality."""
    factor = min(picture.width // need[0], picture.height // need[1]) // 2
    return picture.reduce(factor) if factor >= 2 else picture


def _fresh_copy(picture: Image.Image) -> Image.Image:
    """The same pixels in a brand new image: Pillow copies ``info`` (EXIF, XMP, comment, ICC)
    through convert/resize/crop and some encoders read it from there, so nothing derived from
    the opened file may reach an encoder."""
    fresh = Image.new(picture.mode, picture.size)
    fresh.paste(picture, (0, 0))
    return fresh


def _to_srgb(image: Image.Image) -> Image.Image:
    """8-bit sRGB pixels: RGB, or RGBA when the photo really has transparent parts."""
    profile = image.info.get("icc_profile")
    picture = _to_8bit(image)
    if picture.mode not in _PROFILE_MODES:
        picture = _to_rgb_or_rgba(picture)  # palette, bilevel and rarer modes
    if profile:
        picture = _apply_profile(picture, profile)
    return _drop_opaque_alpha(_to_rgb_or_rgba(picture))


# Modes a colour profile can be applied to as they are (alpha is set aside meanwhile).
_PROFILE_MODES = ("RGB", "RGBA", "CMYK", "L", "LA")


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit grey-scale become 8-bit grey, scaled (Pillow's own convert clips)."""
    if image.mode.startswith("I"):
        wide = image.convert("I") if image.mode != "I" else image
        top = 65535 if image.mode.startswith("I;16") else _highest_value(wide)
        if top > 255:
            wide = wide.point(lambda value: value * (255 / top) + 0.5)
        return wide.convert("L")
    if image.mode == "F":
        top = _highest_value(image)
        if 0 < top <= 1:  # floating point data in 0..1
            return image.point(lambda value: value * 255 + 0.5).convert("L")
        return image.convert("L")
    return image


def _highest_value(image: Image.Image) -> float:
    """For 32-bit data, which has no fixed range: go by what the pixels use."""
    _, high = image.getextrema()
    return float(high) if isinstance(high, (int, float)) else 255.0


def _apply_profile(picture: Image.Image, icc: bytes) -> Image.Image:
    """Convert from the embedded colour profile to sRGB; a broken profile is ignored (the
    numbers are then taken as sRGB, which is what browsers would do)."""
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return picture  # already sRGB: converting would only cost time
        alpha = picture.getchannel("A") if picture.mode in ("RGBA", "LA") else None
        base = picture.convert(picture.mode[:-1]) if alpha is not None else picture
        converted = ImageCms.profileToProfile(base, source, _srgb_profile(), outputMode="RGB")
    except (OSError, ValueError, ImageCms.PyCMSError):
        return picture
    if converted is None:
        return picture
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_rgb_or_rgba(picture: Image.Image) -> Image.Image:
    if picture.mode in ("RGB", "RGBA") and "transparency" not in picture.info:
        return picture
    has_alpha = (
        picture.mode in ("RGBA", "LA", "La", "PA", "RGBa")
        or "transparency" in picture.info
        or (picture.mode == "P" and picture.palette is not None and picture.palette.mode == "RGBA")
    )
    return picture.convert("RGBA" if has_alpha else "RGB")


def _drop_opaque_alpha(picture: Image.Image) -> Image.Image:
    """PNGs are often saved with an alpha channel that is opaque everywhere: drop it."""
    if picture.mode == "RGBA" and picture.getchannel("A").getextrema() == (255, 255):
        return picture.convert("RGB")
    return picture


# --- files published as they are named (content/media/, a theme's static/) ---------------------


def image_format(path: Path) -> str | None:
    """Pillow's name for the image format of a file's bytes ("JPEG"), whatever the file is
    called; None when its bytes are no image we read (a PDF, a document, an SVG)."""
    try:
        with Image.open(path, formats=_READABLE_FORMATS) as image:
            return str(image.format)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        # Begins like an image but Pillow cannot read it (cut short, damaged, HEIC): still an
        # image, whose metadata would go out with it; remake_image says what is wrong.
        # ("BM", a bitmap's mark, begins too many words to be trusted.)
        kind = _sniff_kind(path)
        return kind.upper() if kind in ("jpeg", "png", "gif", "tiff", "heic") else None


@dataclass(frozen=True)
class Remade:
    data: bytes
    format: str  # Pillow's name for what ``data`` is: "JPEG", "PNG" or "WEBP"


def remake_image(path: Path, max_pixels: int = MAX_PIXELS) -> Remade | ImageProblem:
    """An image made again from its pixels alone, full size, for a file published under its
    own name: nothing but pixels can follow (no EXIF, GPS, XMP, comments or ICC profile).
    JPEG stays JPEG and WebP WebP; every other format becomes PNG, lossless (an animated GIF
    keeps its first frame)."""
    try:
        with _open_photo(path, max_pixels) as image:
            kind = image.format
            _decode(image)
            ImageOps.exif_transpose(image, in_place=True)
            picture = _fresh_copy(_to_srgb(image))
    except _BadImage as bad:
        return ImageProblem(
            path, "", path, f"the file '{path.name}' {bad.failure.reason}", bad.failure.hint
        )
    buffer = BytesIO()
    if kind in ("JPEG", "MPO"):
        _on_white(picture).save(buffer, "JPEG", quality=90, progressive=True, optimize=True)
        return Remade(buffer.getvalue(), "JPEG")
    if kind == "WEBP":
        picture.save(buffer, "WEBP", lossless=True)
        return Remade(buffer.getvalue(), "WEBP")
    picture.save(buffer, "PNG", optimize=True)
    return Remade(buffer.getvalue(), "PNG")


def srcset_of(variants: Sequence[Variant], fmt: str, url: Callable[[str], str]) -> str:
    chosen = sorted((v for v in variants if v.format == fmt), key=lambda v: v.width)
    return ", ".join(f"{url(variant.path)} {variant.width}w" for variant in chosen)


def largest_of(variants: Sequence[Variant], fmt: str) -> Variant:
    chosen = [variant for variant in variants if variant.format == fmt]
    if not chosen:
        raise ValueError(f"no {fmt} variant to fall back on")
    return max(chosen, key=lambda variant: variant.width)


def mime_type(fmt: str) -> str:
    """The MIME type of one of our output formats ("jpeg", "webp", "avif")."""
    return _FORMATS[fmt][2]
