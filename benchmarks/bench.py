"""`make bench`: measure photo processing and site builds, and print figures for the README.

A benchmark, not a test: it takes minutes, prints numbers and never fails on them.

    python -m benchmarks.bench              # the reference set: 1,000 photos of 2400x1600
    python -m benchmarks.bench --photos 100 # a quicker look
    python -m benchmarks.bench --site-only  # only the builds of the ~2,000-page reference site
    python -m benchmarks.bench --photos-only --keep DIR  # only the photos, reusing DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from site_builder.collector import collect_less
from site_builder.pipeline import build
from site_builder.project import BuildOptions, Project

from . import bench_images, bench_site

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=1000, help="reference photos (1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each site build (5)")
    parser.add_argument("--keep", type=Path, help="keep the generated photos in this folder")
    parser.add_argument(
        "--site-only",
        action="store_true",
        help="only the reference site's builds, rebuilds and serve (no big photos)",
    )
    parser.add_argument(
        "--photos-only",
        action="store_true",
        help="only the photo pipeline against the plain Pillow script (no site builds)",
    )
    args = parser.parse_args(argv)
    collect_less()  # serve's save-to-reload is measured in this process: set as serve has it

    print(f"# site_builder bench, {dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"Python {platform.python_version()}, {_pillow()}")
    print(f"CPU check at the start: {_cpu_check()} (see _cpu_check)\n")
    with tempfile.TemporaryDirectory(prefix="site-builder-bench-") as scratch:
        work = Path(scratch)
        if args.site_only:
            _print_reference_site(work)
            print(f"\nCPU check at the end: {_cpu_check()}")
            return 0
        photos = args.keep or work / "photos"
        started = time.perf_counter()
        made = bench_images.make_reference_photos(photos, args.photos)
        took = _s(time.perf_counter() - started)
        print(f"Made {len(made)} reference photos (2400x1600 JPEG) in {took}\n")
        figures = bench_images.bench(photos, work / "images")
        _print_images(figures, len(made))
        if not args.photos_only:
            _print_site_builds(work, args.runs)
            _print_reference_site(work)
    print(f"\nCPU check at the end: {_cpu_check()}")
    return 0


def _cpu_check() -> str:
    """A fixed pure-Python loop, timed: shared machines run at different speeds from one hour
    to the next (this project's VM, two to three times), so figures from two runs compare only
    next to similar CPU checks."""
    best = min(_loop_seconds() for _ in range(3))
    return f"a 3,000,000-step Python loop takes {best * 1000:.0f} ms"


def _loop_seconds() -> float:
    started = time.perf_counter()
    total = 0
    for step in range(3_000_000):
        total += step
    return time.perf_counter() - started


def _print_reference_site(work: Path) -> None:
    project = work / "reference-site"
    started = time.perf_counter()
    bench_site.make_reference_site(project)
    made = time.perf_counter() - started
    rows = [
        ("cold-no-cache", "cold build, no cache at all (makes 1,000 small portraits)", ""),
        ("cold-images-cached", "cold build, photo cache warm", "under 2 s"),
        ("no-change", "rebuild, nothing changed", "under 0.4 s"),
        ("profile-edit", "rebuild after one profile edit (`site-builder build`)", "under 250 ms"),
        ("template-edit", "rebuild after a template edit (every news item)", ""),
        ("cold-after-delete", "cold build just after `rm -rf output` (.cache/ kept)", ""),
    ]
    results = {phase: bench_site.run_phase(project, phase) for phase, _, _ in rows}
    reloads = bench_site.save_to_reload(project, tries=10)
    pages = int(results["cold-images-cached"]["pages"])
    print(
        f"## Reference site: {pages} pages, {bench_site.TECHNICIANS} technicians with photos, "
        f"{bench_site.NEWS} news items, {bench_site.CASE_STUDIES} case studies, "
        f"{bench_site.PLANS} plans / {bench_site.ACTIONS} actions (generated in {_s(made)})\n"
    )
    print(
        "| measure | build | whole process | kernel time | pages rendered | peak memory | target |"
    )
    print("|---|---|---|---|---|---|---|")
    for phase, label, target in rows:
        r = results[phase]
        print(
            f"| {label} | {_s(r['seconds'])} | {_s(r['wall'])} | {_s(r['kernel'])} "
            f"| {int(r['rendered'])} | {r['peak_mb']:.0f} MB (workers {r['worker_peak_mb']:.0f}) "
            f"| {target} |"
        )
    for label, times in (
        ("rebuild after one profile edit under `serve` (its build)", reloads.rebuild),
        ("save to reload event under `serve`", reloads.save_to_reload),
    ):
        print(
            f"| {label}, median of {len(times)} ({_s(min(times))} to {_s(max(times))}) "
            f"| {_s(statistics.median(times))} | | | {statistics.median(reloads.rendered):.0f} | "
            "| under 250 ms |"
        )
    print()


def _print_images(figures: dict[str, Any], count: int) -> None:
    plain, cold, warm = figures["plain_seconds"], figures["cold_seconds"], figures["warm_seconds"]
    jobs = figures["jobs"]
    print(f"## Photos: {count} of 2400x1600 -> 3 widths x (JPEG, WebP), {jobs} processes\n")
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| plain Pillow script, same photos, same run | {_s(plain)} | (baseline) |")
    ratio = f"{cold / plain:.2f}x plain"
    print(f"| site_builder, empty cache | {_s(cold)} ({ratio}) | within 1.3x plain |")
    print(f"| site_builder, no photo changed | {_s(warm)} | under 0.3 s |")
    for phase in ("plain", "cold", "warm"):
        main, worker = figures[f"{phase}_peak_rss_mib"], figures[f"{phase}_worker_peak_rss_mib"]
        print(
            f"| peak memory, {phase}: main / largest worker | {main:.0f} / {worker:.0f} MiB "
            "| under 400 MB |"
        )
    print(
        f"| output size, plain / ours | {figures['plain_bytes'] / 2**20:.0f} / "
        f"{figures['cold_bytes'] / 2**20:.0f} MiB | |"
    )
    print()


def _print_site_builds(work: Path, runs: int) -> None:
    project = work / "site"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    options = BuildOptions(
        project=Project.at(project / "content"),
        output=project / "output",
        today=dt.date(2026, 11, 24),
    )
    cold = build(options)  # fills the photo cache
    warm = [build(options).seconds for _ in range(runs)]
    print(f"## Example site: {cold.pages} pages, {cold.images} photos\n")
    print(f"| measure | median of {runs} |")
    print("|---|---|")
    print(f"| first build (empty photo cache) | {_s(cold.seconds)} |")
    print(f"| build with photos cached | {_s(statistics.median(warm))} |")
    print(f"| peak memory of the bench process | {_peak_mb():.0f} MB |")
    print()


def _peak_mb() -> float:
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def _pillow() -> str:
    import PIL

    return f"Pillow {PIL.__version__}"


def _s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
