"""The reference site for `make bench`: the example site grown to about 2,000 pages.

1,000 technicians (each with a small portrait), 500 news items (a fifth of them events),
50 case studies and 3 plans with 150 actions between them, written into a folder beside copies
of the example site's themes, pages and galleries. Deterministic: the same seed gives the same
bytes, so figures from two runs compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image, ImageDraw

from site_builder.collector import collect_less

ROOT = Path(__file__).resolve().parent.parent
TECHNICIANS = 1000
NEWS = 500
CASE_STUDIES = 50
PLANS = 3
ACTIONS = 150
PORTRAIT_SIZE = (360, 480)  # small, so generating and caching 1,000 of them takes seconds

_GALLERIES = (
    "life-sciences",
    "engineering-workshops",
    "arts-and-performance",
    "research-computing",
)
_DEPARTMENTS = tuple(
    f"School of {name}"
    for name in (
        "Biosciences", "Chemistry", "Physics", "Engineering", "Computing", "Music",
        "Drama", "Geography", "Medicine", "Dentistry", "Psychology", "Architecture",
        "Earth Sciences", "Pharmacy", "Fine Art", "Mathematics",
    )
)  # fmt: skip
_REGISTRATIONS = ("RSciTech", "RSci", "RegSci", "EngTech", "IEng", "CSci")
_FIRST = "Alex Sam Jo Priya Tomasz Grace Aled Mei Jordan Sofia Dave Amara Kieran Fatima"
_LAST = "Morgan Lee Raman Wojcik Oduya Pritchard Chen Fraser Marchetti Hargreaves Nwosu"
_THEMES = ("visibility", "recognition", "career-development", "sustainability")
_STATUSES = ("complete", "on-track", "delayed", "not-started")


def make_reference_site(root: Path, seed: int = 1) -> Path:
    """Write the reference project into ``root`` (made if needed); returns its content folder."""
    rng = random.Random(seed)
    for name in ("themes", "galleries"):
        shutil.copytree(ROOT / name, root / name, dirs_exist_ok=True)
    content = root / "content"
    shutil.copytree(
        ROOT / "content",
        content,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("technicians", "news", "case-studies", "plans"),
    )
    ids = _technicians(root, rng)
    _articles(content / "news", NEWS, ids, rng, events=True)
    _articles(content / "case-studies", CASE_STUDIES, ids, rng, events=False)
    _plans(content / "plans", rng)
    return content


def technician_ids() -> list[str]:
    return [_technician_id(index) for index in range(TECHNICIANS)]


def _technician_id(index: int) -> str:
    firsts, lasts = _FIRST.split(), _LAST.split()
    first, last = firsts[index % len(firsts)], lasts[(index // len(firsts)) % len(lasts)]
    return f"{first.lower()}-{last.lower()}-{index:04d}"


def _technicians(root: Path, rng: random.Random) -> list[str]:
    folder = root / "content" / "technicians"
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for index in range(TECHNICIANS):
        tech_id = _technician_id(index)
        ids.append(tech_id)
        first, last = (part.capitalize() for part in tech_id.split("-")[:2])
        gallery = _GALLERIES[index % len(_GALLERIES)]
        photo = f"{tech_id}.jpg"
        _portrait(root / "galleries" / gallery / photo, index)
        registrations = rng.sample(_REGISTRATIONS, k=rng.randint(0, 2))
        (folder / f"{tech_id}.yaml").write_text(
            f"name: {first} {last}\n"
            f"role: {rng.choice(('Research', 'Teaching', 'Senior', 'Workshop'))} Technician\n"
            f"department: {rng.choice(_DEPARTMENTS)}\n"
            f"gallery: {gallery}\n"
            f"photo: {photo}\n"
            f"photo_alt: Portrait of {first} {last}.\n"
            "bio: |\n"
            f"  {first} looks after the shared instruments of the department and trains new\n"
            f"  starters. Profile number {index} of the reference site.\n"
            f"registrations: [{', '.join(registrations)}]\n"
            f"expertise: [Instrument care, Training, Safety]\n"
            "consent:\n  given: true\n  date: 2025-05-13\n"
            f"featured: {'true' if index % 97 == 0 else 'false'}\n",
            encoding="utf-8",
        )
    return ids


def _portrait(path: Path, index: int) -> None:
    """A distinct small JPEG per technician: a backdrop, a head and shoulders."""
    rng = random.Random(index)
    picture = Image.new("RGB", PORTRAIT_SIZE, tuple(rng.randrange(80, 220) for _ in range(3)))
    draw = ImageDraw.Draw(picture)
    skin = tuple(rng.randrange(90, 240) for _ in range(3))
    draw.ellipse((120, 90, 240, 230), fill=skin)
    draw.rectangle((70, 260, 290, 480), fill=tuple(rng.randrange(0, 200) for _ in range(3)))
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, "JPEG", quality=85)


def _articles(folder: Path, count: int, ids: list[str], rng: random.Random, events: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.date(2023, 1, 2)
    for index in range(count):
        day = start + dt.timedelta(days=index * 3 % 1400)
        kind = "news" if events else "case"
        named = rng.sample(ids, k=rng.randint(0, 3))
        event = ""
        if events and index % 5 == 0:
            when = day + dt.timedelta(days=20)
            event = (
                f"event:\n  start: {when} 14:00\n  end: {when} 16:00\n  place: Hollins Building\n"
            )
        paragraphs = "\n\n".join(
            f"Paragraph {n} of {kind} item {index}: technicians from across the University met, "
            "shared what they had learned, and agreed the *next steps* for their teams."
            for n in range(1, 4)
        )
        (folder / f"{day}-{kind}-{index:03d}.md").write_text(
            "---\n"
            f"title: Reference {kind} item {index}\n"
            f"date: {day}\n"
            f"summary: A short summary of {kind} item {index}.\n"
            f"themes: [{rng.choice(_THEMES)}]\n"
            f"technicians: [{', '.join(named)}]\n"
            f"{event}"
            "---\n\n"
            f"## What happened\n\n{paragraphs}\n",
            encoding="utf-8",
        )


def _plans(folder: Path, rng: random.Random) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    per_plan = ACTIONS // PLANS
    for number in range(PLANS):
        first = 2018 + 3 * number
        lines = [
            f"title: Reference action plan {first}-{first + 3}",
            f"period: {{start: {first}-09-01, end: {first + 3}-08-31}}",
            f"current: {'true' if number == PLANS - 1 else 'false'}",
            "themes:",
        ]
        for theme_index, theme in enumerate(_THEMES):
            lines += [f"  {theme}:", f"    goal: Goal for {theme}.", "    actions:"]
            share = per_plan // 4 + (1 if theme_index < per_plan % 4 else 0)
            for action in range(share):
                lines += [
                    f"      - title: Action {action + 1} on {theme} in plan {number + 1}",
                    f"        status: {rng.choice(_STATUSES)}",
                ]
        (folder / f"{first}-{first + 3}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


# --- measuring ------------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 24)
PROFILE = "content/technicians/alex-morgan-0000.yaml"
TEMPLATE = "themes/default/templates/news_item.html"


def run_phase(project: Path, phase: str) -> dict[str, float]:
    """One phase in a fresh Python process, so its time includes start-up and its peak memory
    is its own. Returns seconds (the build), wall (the process) and peak_mb."""
    # benchmarks/ is not installed: the phase finds it on the path, from the project root.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_site", "--phase", phase, str(project)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    return figures


def _phase(project: Path, phase: str) -> dict[str, float]:
    """One phase in a process of its own, run as `site-builder build` runs it (so the whole
    process is what a person waits for: starting Python, importing what it needs, building)."""
    from site_builder.cli import build_site
    from site_builder.project import BuildOptions, Project

    if phase == "cold-no-cache":
        _set_aside(project / ".cache", project)
        _set_aside(project / "output", project)
    elif phase == "cold-images-cached":
        _set_aside(project / "output", project)
        for path in (project / ".cache").glob("*"):
            if path.is_file():  # build state, parsed content, cards and Markdown made
                path.unlink()
        for kept in ("search", "templates"):  # what the indexer read, compiled templates
            _set_aside(project / ".cache" / kept, project)  # the photo cache stays
    elif phase == "cold-after-delete":
        shutil.rmtree(project / "output")  # as a person does: every cache in .cache/ stays
    elif phase == "profile-edit":
        _edit_role(project / PROFILE, f"edit {time.time():.0f}")
    elif phase == "template-edit":
        template = project / TEMPLATE
        source = template.read_text(encoding="utf-8")
        mark = "{% block before_body %}"
        template.write_text(source.replace(mark, f"{mark}<!-- {time.time()} -->", 1), "utf-8")
    options = BuildOptions(
        project=Project.at(project / "content"), output=project / "output", today=TODAY
    )
    before = _kernel_seconds()
    report = build_site(options)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": report.seconds,
        "kernel": _kernel_seconds() - before,
        "pages": report.pages,
        "rendered": report.rendered,
        "written": report.written,
        "peak_mb": self_kb / 1024,
        "worker_peak_mb": workers_kb / 1024,
    }


def _set_aside(folder: Path, project: Path) -> None:
    """Move a folder out of the way, into the bench's own temporary folder beside the
    project (deleted when the bench ends), rather than delete it just before the build
    being timed.

    On this project's VM (ext4 without a journal) creating a file scans the inodes deleted in
    the last few minutes (the kernel's find_inode_bit and recently_deleted were half of a
    profile of creating 7,400 files), so deleting the last site's 7,400 files and then
    building made a cold build pay for the deletion too: 1 to 5 s more of kernel time. The
    "cold-after-delete" phase measures that, for a person who deletes output/ first."""
    if folder.exists():
        aside = project.parent / "set-aside"
        aside.mkdir(exist_ok=True)
        folder.rename(aside / f"{folder.name.lstrip('.')}-{time.time_ns()}")


def _kernel_seconds() -> float:
    """CPU time spent in the kernel by this process and its finished workers."""
    own, workers = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_stime + workers.ru_stime


def _edit_role(path: Path, text: str) -> None:
    """Change what a profile shows: the role line gets ``text`` after it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [f"role: Technician ({text})" if ln.startswith("role: ") else ln for ln in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Reloads:
    """Per save under serve: seconds from writing the file to the browser being told to
    reload, and the rebuild's own part of it as serve reports it."""

    save_to_reload: list[float]
    rebuild: list[float]
    rendered: list[int]  # pages each rebuild rendered


def save_to_reload(project: Path, tries: int = 5) -> Reloads:
    """Save a profile ``tries`` times under `site-builder serve`, run as a person runs it: in a
    process of its own (a client in the serving process would wait for its interpreter lock,
    which a browser never does), with this process as the browser."""
    command = [
        *(sys.executable, "-m", "site_builder", "serve", "--port", "0"),
        *("--content", str(project / "content"), "--output", str(project / "output")),
        *("--today", TODAY.isoformat()),
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project
    )
    assert server.stdout is not None
    try:
        said: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_read_lines, args=(server.stdout, said), daemon=True).start()
        url = urllib.parse.urlsplit(_next_line(said, "Serving ").split()[1])
        events = _EventStream(url.port or 80, url.path)
        reloads = Reloads([], [], [])
        for attempt in range(tries):
            time.sleep(0.3)
            started = time.perf_counter()
            _edit_role(project / PROFILE, f"save {attempt}")
            events.wait_for("reload")
            reloads.save_to_reload.append(time.perf_counter() - started)
            seconds, rendered = _rebuild_figures(_next_line(said, "Rebuilt after "))
            reloads.rebuild.append(seconds)
            reloads.rendered.append(rendered)
        events.close()
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C, as a person stops it
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return reloads


def _read_lines(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put("")  # the process ended


def _next_line(lines: queue.Queue[str], starting: str) -> str:
    """The next line serve prints that starts with ``starting``."""
    seen = []
    while True:
        line = lines.get(timeout=600)
        if line.startswith(starting):
            return line
        if line == "":
            raise RuntimeError("site-builder serve stopped:\n" + "\n".join(seen))
        seen.append(line)


def _rebuild_figures(line: str) -> tuple[float, int]:
    """Seconds and pages rendered, from serve's "Rebuilt after a.yaml: 5 pages rendered, 12
    files changed, in 152 ms."."""
    found = re.search(r": (\d+) pages? rendered, .* in ([0-9.]+) (ms|s)\.$", line)
    if found is None:
        raise RuntimeError(f"cannot read the rebuild's figures in: {line}")
    return float(found[2]) / (1000 if found[3] == "ms" else 1), int(found[1])


class _EventStream:
    """A minimal Server-Sent Events client, as a browser's EventSource would be."""

    def __init__(self, port: int, base: str) -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self._sock.sendall(f"GET {base}__live/events HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        self._buffer = b""

    def wait_for(self, name: str) -> None:
        while True:
            while b"\n\n" not in self._buffer:
                self._buffer += self._sock.recv(65536)
            block, self._buffer = self._buffer.split(b"\n\n", 1)
            if f"event: {name}".encode() in block:
                return

    def close(self) -> None:
        self._sock.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one phase of the site bench (internal)")
    parser.add_argument("--phase", required=True)
    parser.add_argument("project", type=Path)
    args = parser.parse_args(argv)
    collect_less()  # as the command line sets it
    print(json.dumps(_phase(args.project, args.phase)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
