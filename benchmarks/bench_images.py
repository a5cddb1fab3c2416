"""How fast is the image pipeline? Side by side with a plain Pillow script, on the same photos.

    python -m benchmarks.bench_images                  # 40 photos, all cores
    python -m benchmarks.bench_images --photos 200 --jobs 2
    python -m benchmarks.bench_images --encoders       # the encoder settings table

:func:`bench` runs three phases, each in a fresh Python process so that its peak memory is its
own: (a) a plain script (open, draft, exif_transpose, convert, thumbnail per width, save JPEG q80
and WebP q75) in a process pool on all cores, (b) :func:`site_builder.images.process_images`
with an empty cache and (c) the same again with the cache warm. Importing this module does
nothing; the photos are made by :func:`make_reference_photos`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageDraw, ImageMath, ImageOps

from site_builder.images import ImageOptions, ImageRequest, process_images

PHASES = ("plain", "cold", "warm")
_PHOTO_GENERATION = 2  # in the file names: bump when the photos change, so none is reused


# --- reference photos ----------------------------------------------------------------------------


def make_reference_photos(
    folder: Path, count: int, size: tuple[int, int] = (2400, 1600)
) -> list[Path]:
    """``count`` deterministic camera-like JPEGs (q92, EXIF with GPS) in ``folder``.

    Out-of-focus background blotches, hard-edged shapes and lines, patches of fine luminance
    texture and sensor grain: at 1600 px they encode to ~200 KB JPEG q80, like real photos,
    so the encoders do real work. Every fourth is a portrait stored on its side (``size``) with
    EXIF orientation 6, as phones do. Photos already there (same name) are reused.
    """
    folder.mkdir(parents=True, exist_ok=True)
    width, height = size
    paths = [
        folder / f"reference{_PHOTO_GENERATION}-{index:04d}-{width}x{height}.jpg"
        for index in range(count)
    ]
    missing = [(path, index, size) for index, path in enumerate(paths) if not path.exists()]
    if len(missing) > 2:
        with ProcessPoolExecutor() as pool:
            list(pool.map(_write_reference_photo, missing))
    else:
        for job in missing:
            _write_reference_photo(job)
    return paths


def _write_reference_photo(job: tuple[Path, int, tuple[int, int]]) -> None:
    path, seed, size = job
    rng = random.Random(seed)
    sideways = seed % 4 == 3
    if sideways:  # a portrait, stored as the sensor saw it; orientation 6 turns it upright
        picture = _synthetic_scene(rng, (size[1], size[0])).transpose(Image.Transpose.ROTATE_90)
    else:
        picture = _synthetic_scene(rng, size)
    buffer = BytesIO()
    exif = _camera_exif(rng, orientation=6 if sideways else 1)
    picture.save(buffer, "JPEG", quality=92, exif=exif)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(buffer.getvalue())
    os.replace(temporary, path)


def _noise(rng: random.Random, size: tuple[int, int], scale: int, mode: str = "L") -> Image.Image:
    """Random pixels at 1/scale resolution, smoothly enlarged: blotches, texture or grain."""
    width, height = max(1, size[0] // scale), max(1, size[1] // scale)
    small = Image.frombytes(mode, (width, height), rng.randbytes(width * height * len(mode)))
    return small.resize(size, Image.Resampling.BILINEAR) if scale > 1 else small


def _random_colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def _synthetic_scene(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    width, height = size
    top, bottom = _random_colour(rng), _random_colour(rng)
    gradient = Image.linear_gradient("L").resize(size)
    picture = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), gradient)
    picture = Image.blend(picture, _noise(rng, size, 96, "RGB"), 0.3)  # out-of-focus background
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randrange(10, 18)):  # benches, cabinets, people-sized blobs, cables
        x0, y0 = rng.randrange(-width // 4, width), rng.randrange(-height // 4, height)
        x1, y1 = (
            x0 + rng.randrange(width // 10, width // 2),
            y0 + rng.randrange(height // 10, height // 2),
        )
        colour = _random_colour(rng)
        shape = rng.choice(["rectangle", "ellipse", "polygon", "lines"])
        if shape == "rectangle":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        elif shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == "polygon":
            corners = [(rng.randrange(x0, x1), rng.randrange(y0, y1)) for _ in range(5)]
            draw.polygon(corners, fill=colour)
        else:
            for _ in range(rng.randrange(3, 12)):
                ends = [(rng.randrange(x0, x1), rng.randrange(y0, y1)) for _ in range(2)]
                draw.line(ends, fill=colour, width=rng.randrange(2, 9))
    for _ in range(4):  # fine detail: fabric, hair, foliage, equipment
        box_width, box_height = (
            rng.randrange(width // 6, width // 2),
            rng.randrange(height // 6, height // 2),
        )
        x0, y0 = rng.randrange(0, width - box_width), rng.randrange(0, height - box_height)
        box = (x0, y0, x0 + box_width, y0 + box_height)
        detail = _noise(rng, (box_width, box_height), rng.choice([2, 3, 5])).convert("RGB")
        mask = Image.new("L", detail.size, 0)
        ImageDraw.Draw(mask).ellipse(
            (0, 0, box_width - 1, box_height - 1), fill=rng.randrange(70, 140)
        )
        picture.paste(Image.composite(detail, picture.crop(box), mask), box)
    grain = _noise(rng, size, 1)
    return Image.blend(picture, Image.merge("RGB", (grain, grain, grain)), 0.06)


def _camera_exif(rng: random.Random, orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R6"
    exif[ExifTags.Base.BodySerialNumber] = f"0{rng.randrange(10**11):011d}"
    exif[ExifTags.Base.Orientation] = orientation
    taken = f"2024:{rng.randrange(1, 13):02d}:{rng.randrange(1, 29):02d} 1{rng.randrange(10)}:00:00"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 12.0, round(rng.uniform(0, 59), 2))
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 33.0, round(rng.uniform(0, 59), 2))
    return exif


# --- the plain script we compare against ---------------------------------------------------------


def plain_convert(job: tuple[Path, Path, tuple[int, ...]]) -> int:
    """What a straightforward script would do for one photo; returns bytes written."""
    source, out_dir, widths = job
    with Image.open(source) as opened:
        opened.draft("RGB", (max(widths), max(widths)))
        picture = ImageOps.exif_transpose(opened).convert("RGB")
    written = 0
    for width in widths:
        if width > picture.width:
            continue
        copy = picture.copy()
        copy.thumbnail((width, picture.height))
        for ext, params in (("jpg", {"quality": 80}), ("webp", {"quality": 75})):
            target = out_dir / f"{source.stem}-{width}.{ext}"
            copy.save(target, **params)
            written += target.stat().st_size
    return written


# --- the benchmark -------------------------------------------------------------------------------


def bench(
    photo_dir: Path,
    work_dir: Path,
    widths: Sequence[int] = (480, 960, 1600),
    jobs: int | None = None,
) -> dict[str, Any]:
    """Time the plain script, our pipeline cold and our pipeline warm on every JPEG in photo_dir.

    Returns, per phase: ``<phase>_seconds`` (wall time), ``<phase>_cpu_seconds`` (CPU time of
    the phase and all its workers: the work done, much less disturbed than wall time when the
    machine is shared), ``<phase>_peak_rss_mib`` (the phase's main process) and
    ``<phase>_worker_peak_rss_mib`` (its largest worker), ``<phase>_bytes`` (output written);
    plus ``photos``, ``widths`` and ``jobs``.
    """
    photos = sorted(photo_dir.glob("*.jpg"))
    workers = jobs or len(os.sched_getaffinity(0))
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    result: dict[str, Any] = {"photos": len(photos), "widths": list(widths), "jobs": workers}
    for phase in PHASES:
        measured = _run_phase_in_fresh_process(phase, photo_dir, work_dir, tuple(widths), workers)
        result.update({f"{phase}_{name}": value for name, value in measured.items()})
    return result


def _run_phase_in_fresh_process(
    phase: str, photo_dir: Path, work_dir: Path, widths: tuple[int, ...], jobs: int
) -> dict[str, Any]:
    """ru_maxrss is a high-water mark for the process's whole life: a fresh one per phase."""
    arguments = [str(photo_dir), str(work_dir), ",".join(map(str, widths)), str(jobs)]
    command = [sys.executable, "-m", "benchmarks.bench_images", "--phase", phase, *arguments]
    project_root = str(Path(__file__).resolve().parents[1])  # benchmarks/ is not installed
    path = os.pathsep.join(filter(None, [project_root, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark phase {phase!r} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_phase(
    phase: str, photo_dir: Path, work_dir: Path, widths: tuple[int, ...], jobs: int
) -> dict[str, Any]:
    photos = sorted(photo_dir.glob("*.jpg"))
    everyone = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    cpu_before = _cpu_seconds(*everyone)  # not counting the interpreter's start-up
    started = time.perf_counter()
    if phase == "plain":
        out_dir = work_dir / "plain"
        out_dir.mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            written = sum(pool.map(plain_convert, [(photo, out_dir, widths) for photo in photos]))
    else:
        requests = [ImageRequest(photo, photo, "photo") for photo in photos]
        results, problems = process_images(
            requests, ImageOptions(widths=widths), work_dir / "cache", jobs
        )
        if problems:
            raise RuntimeError(f"{len(problems)} photos failed: {problems[0].message}")
        written = sum(variant.bytes for image in results.values() for variant in image.variants)
    seconds = time.perf_counter() - started
    _stop_fork_server()
    return {
        "seconds": round(seconds, 6),  # a warm run of a few small photos: under a millisecond
        "cpu_seconds": round(_cpu_seconds(*everyone) - cpu_before, 3),
        "peak_rss_mib": _max_rss_mib(resource.RUSAGE_SELF),
        "worker_peak_rss_mib": _max_rss_mib(resource.RUSAGE_CHILDREN),
        "bytes": written,
    }


def _stop_fork_server() -> None:
    """Our pool's workers are children of multiprocessing's fork server, not of this process;
    once the server is stopped (it reaps them, we reap it) they count in RUSAGE_CHILDREN."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop):
        stop()


def _cpu_seconds(*whom: int) -> float:
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime for who in whom)


def _max_rss_mib(who: int) -> float:
    kib = resource.getrusage(who).ru_maxrss  # kilobytes on Linux (bytes on macOS)
    return round(kib / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# --- encoder settings ----------------------------------------------------------------------------


def encoder_table(
    photos: Sequence[Path], widths: Sequence[int] = (1600, 960, 480), runs: int = 3
) -> list[dict[str, Any]]:
    """CPU ms, KiB and block-SSIM of each candidate encoder setting, averaged over photos.

    CPU time (best of ``runs``) rather than wall time, so other work on the machine disturbs it
    less; SSIM on 8x8 blocks of luma, against the resized photo, to compare sizes at equal
    quality (WebP's quality scale means different things at different methods).
    """
    candidates: list[tuple[str, str, dict[str, Any]]] = [
        ("JPEG q80 baseline", "JPEG", {"quality": 80}),
        (
            "JPEG q80 progressive+optimize",
            "JPEG",
            {"quality": 80, "progressive": True, "optimize": True},
        ),
        *((f"WebP q75 method {m}", "WEBP", {"quality": 75, "method": m}) for m in range(7)),
        ("WebP q70 method 4", "WEBP", {"quality": 70, "method": 4}),
        ("WebP q80 method 2", "WEBP", {"quality": 80, "method": 2}),
        ("AVIF q50 speed 8", "AVIF", {"quality": 50, "speed": 8, "max_threads": 1}),
    ]
    originals = []
    for photo in photos:
        with Image.open(photo) as opened:
            originals.append(ImageOps.exif_transpose(opened).convert("RGB"))
    rows = []
    for width in widths:
        sized = [
            p.resize((width, round(p.height * width / p.width)), Image.Resampling.LANCZOS)
            for p in originals
        ]
        for name, fmt, params in candidates:
            measured = [_measure_encode(picture, fmt, params, runs) for picture in sized]
            rows.append(
                {
                    "width": width,
                    "setting": name,
                    "ms": round(sum(m[0] for m in measured) / len(measured), 1),
                    "kib": round(sum(m[1] for m in measured) / len(measured) / 1024, 1),
                    "ssim": round(sum(m[2] for m in measured) / len(measured), 4),
                }
            )
    return rows


def _measure_encode(
    picture: Image.Image, fmt: str, params: dict[str, Any], runs: int
) -> tuple[float, int, float]:
    best = float("inf")
    data = b""
    for _ in range(runs):
        buffer = BytesIO()
        started = time.process_time()
        picture.save(buffer, fmt, **params)
        best = min(best, time.process_time() - started)
        data = buffer.getvalue()
    with Image.open(BytesIO(data)) as decoded:
        return best * 1000, len(data), _block_ssim(picture, decoded.convert("RGB"))


def _block_ssim(first: Image.Image, second: Image.Image, block: int = 8) -> float:
    """Mean SSIM of the luma over non-overlapping blocks, with Pillow alone (no NumPy)."""
    x, y = (im.convert("L").convert("F") for im in (first, second))
    grid = (x.width // block, x.height // block)

    def mean(image: Image.Image) -> Image.Image:
        return image.resize(grid, Image.Resampling.BOX)

    def product(a: Image.Image, b: Image.Image) -> Image.Image:
        result = ImageMath.lambda_eval(lambda v: v["a"] * v["b"], a=a, b=b)
        assert isinstance(result, Image.Image)
        return result

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim = ImageMath.lambda_eval(
        lambda v: (
            ((2 * v["mx"] * v["my"] + c1) * (2 * (v["sxy"] - v["mx"] * v["my"]) + c2))
            / (
                (v["mx"] * v["mx"] + v["my"] * v["my"] + c1)
                * (v["sxx"] - v["mx"] * v["mx"] + v["syy"] - v["my"] * v["my"] + c2)
            )
        ),
        mx=mean(x),
        my=mean(y),
        sxx=mean(product(x, x)),
        syy=mean(product(y, y)),
        sxy=mean(product(x, y)),
    )
    assert isinstance(ssim, Image.Image)
    value = ssim.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # ImageStat is wrong on "F"
    assert isinstance(value, float)
    return value


# --- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=40, help="how many reference photos")
    parser.add_argument(
        "--work", type=Path, default=Path(".cache/bench-images"), help="scratch folder"
    )
    parser.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument("--encoders", action="store_true", help="print the encoder settings table")
    parser.add_argument("--phase", nargs=5, metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:  # one phase of bench(), in its own process
        phase, photo_dir, work_dir, widths, jobs = args.phase
        parsed = tuple(int(w) for w in widths.split(","))
        print(json.dumps(_run_phase(phase, Path(photo_dir), Path(work_dir), parsed, int(jobs))))
        return 0
    count = 3 if args.encoders else args.photos
    photo_dir = args.work / f"reference{_PHOTO_GENERATION}-{count}"
    photos = make_reference_photos(photo_dir, count)
    if args.encoders:
        for row in encoder_table(photos):
            size = f"{row['ms']:8.1f} ms {row['kib']:8.1f} KiB"
            print(f"{row['width']:>5} {row['setting']:32} {size}  SSIM {row['ssim']:.4f}")
        return 0
    result = bench(photo_dir, args.work / "run", jobs=args.jobs)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
