"""What the last build wrote, kept in ``.cache/`` for the next: light on purpose.

* :class:`BuildState` (``.cache/build-state-*.kept``): per output file, its fingerprint, the hash
  of its bytes and the size and time it was written with, so a file someone changed or removed
  in output/ is rewritten. The state is only valid for the same builder code and options
  (base URL, drafts, date, output folder); anything else means a full build.
* :class:`BuildStamp` (``.cache/build-stamp-*.kept``): the stat signature of every input file
  and folder, and the report of the build that saw them. When nothing changed, ``build`` says so
  from these two files alone.

This module imports nothing heavy (no Jinja, pydantic or Pillow), so the command line can make
that check before loading the rest of the builder: most of a second on a small machine.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, store
from .errors import SourceError
from .output import MARKER
from .project import BuildOptions


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    images: int = 0
    warnings: list[SourceError] = field(default_factory=list)
    seconds: float = 0.0
    output: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int = 0  # pages rendered this time (the others were unchanged)
    written: int = 0  # files written or replaced in output/
    removed: int = 0  # files deleted from output/
    incremental: bool = False  # False: a full build into a fresh folder
    changed: tuple[str, ...] = ()  # output files written or removed, relative to output/
    search_pending: bool = False  # the search index still shows the pages before this build


STATE_FILE = "build-state-{}.kept"  # one per output folder: a build elsewhere keeps it
_STATE_VERSION = 2


# Modules that never shape what a build writes, left out of builder_version so that changing
# them keeps every site's next build incremental. Each is a command around the build:
# __main__ and cli (options and messages; what they pass a build is in its options), serve,
# serve_http and serve_guards (serve output/, adding the live-reload script to responses,
# never to files), linkcheck (`check --links` reads a built site), scaffold (`new` starts a
# content file), schema (`schema` writes JSON Schemas) and collector (tunes Python's garbage
# collector: speed, not output). Every other module is: a new one counts until it is named
# here. Of the subpackages, only pages/ (the page types) counts: importers/ writes content
# files, publish/ copies a finished build. The theme is not hashed: its templates and static
# files are build inputs, in the fingerprints (see incremental) and in the inputs of the
# "nothing changed" stamp.
NOT_SHAPING_OUTPUT = frozenset(
    (
        "__main__.py",
        "cli.py",
        "serve.py",
        "serve_http.py",
        "serve_guards.py",
        "linkcheck.py",
        "scaffold.py",
        "schema.py",
        "collector.py",
    )
)
SHAPING_SUBPACKAGES = ("pages",)
PACKAGE = Path(__file__).resolve().parent


@functools.cache
def builder_version() -> str:
    """This process's builder: a change means a full build, so a developer editing site_builder
    never sees output from older code. Worked out once per process (under a millisecond), from
    the modules as the process found them: serve keeps running the code it imported."""
    return code_version(PACKAGE)


def code_version(package: Path) -> str:
    """The package version plus a hash of the bytes of every module in ``package`` that shapes
    the output: all of its own ``*.py`` but those in NOT_SHAPING_OUTPUT, and those of the
    subpackages that do (SHAPING_SUBPACKAGES)."""
    digest = hashlib.sha256(__version__.encode())
    modules = [m for m in package.glob("*.py") if m.name not in NOT_SHAPING_OUTPUT]
    for folder in SHAPING_SUBPACKAGES:
        modules.extend(package.glob(f"{folder}/*.py"))
    for module in sorted(modules):
        name = module.relative_to(package).as_posix()
        source = module.read_bytes()
        digest.update(f"\0{name}:{len(source)}\0".encode())
        digest.update(source)
    return digest.hexdigest()[:16]


def file_signature(info: os.stat_result) -> tuple[int, int, int, int]:
    # ctime too: unlike mtime no tool can set it back, so a rewrite always changes it.
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)


# --- what was written last time -----------------------------------------------------------------


@dataclass(slots=True)
class OutputRecord:
    hash: str  # of the bytes written
    fingerprint: str | None = None  # of the inputs (None: always remade)
    stat: tuple[int, int] = (0, 0)  # size and mtime_ns as written
    images: dict[str, str] = field(default_factory=dict)  # photo -> its processed key, as used

    def intact(self, path: str | Path) -> bool:
        """The file is still there as we wrote it (nobody edited or removed it)."""
        try:
            info = os.stat(path)
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == self.stat


def state_file(cache: Path, output: Path) -> Path:
    return cache / STATE_FILE.format(_output_name(output))


def search_store(cache: Path, output: Path) -> Path:
    """The file keeping what the search indexer was handed of each page, between builds into
    ``output``. (Versions before 0.4 kept a folder of pages beside it: removed.)"""
    folder = cache / "search" / _output_name(output)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
    return folder.with_suffix(".kept")


def _output_name(output: Path) -> str:
    return hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:12]


@dataclass
class BuildState:
    key: str
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    written_here: bool = False  # this process made that build (serve), not read from the file

    @classmethod
    def load(cls, file: Path, key: str) -> BuildState | None:
        found = store.kept(file, "build state", str(_STATE_VERSION))
        if not (isinstance(found, tuple) and len(found) == 2):
            return None
        saved_key, rows = found
        if saved_key != key or not isinstance(rows, dict):
            return None
        try:
            outputs = {
                path: OutputRecord(digest, fingerprint, (size, mtime), images)
                for path, (digest, fingerprint, size, mtime, images) in rows.items()
            }
        except (TypeError, ValueError):
            return None
        return cls(key, outputs)

    def save(self, file: Path) -> None:
        rows = {
            path: (record.hash, record.fingerprint, *record.stat, record.images)
            for path, record in self.outputs.items()
        }
        store.keep(file, "build state", str(_STATE_VERSION), (self.key, rows), plain=True)

    @staticmethod
    def forget(file: Path) -> None:
        file.unlink(missing_ok=True)


# --- a build with nothing to do --------------------------------------------------------------

STAMP_FILE = "build-stamp-{}.kept"
_STAMP_VERSION = 1
Signatures = dict[str, tuple[int, int, int, int] | None]  # None: a folder


def input_signatures(folders: Iterable[Path]) -> Signatures:
    """Every file and folder under ``folders`` with its stat signature (a link's: of what it
    leads to): the same signatures, the same inputs (an added, removed or saved file changes
    them)."""
    found: Signatures = {}
    todo = [str(folder) for folder in folders]
    while todo:
        folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        found[folder] = None
        for entry in entries:
            try:
                # A link is signed, not walked: one allowed ends inside these same folders
                # (boundary.py), and one that leads elsewhere (to / say) must not be walked.
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                else:
                    found[entry.path] = file_signature(entry.stat())
            except OSError:  # a dangling link: it too is part of what the build sees
                found[entry.path] = (-1, 0, 0, 0)
    return found


@dataclass
class BuildStamp:
    """What ``build`` needs to say "nothing changed" without reading any content: the options
    and builder, the signature of every input, the build state it wrote, and its report."""

    key: str
    inputs: Signatures
    state_key: str
    figures: dict[str, int]  # pages, files, images
    warnings: list[SourceError]

    def save(self, file: Path) -> None:
        store.keep(file, "build stamp", str(_STAMP_VERSION), self)

    @staticmethod
    def load(file: Path, key: str) -> BuildStamp | None:
        stamp = store.kept(file, "build stamp", str(_STAMP_VERSION))
        if not isinstance(stamp, BuildStamp) or stamp.key != key:
            return None  # missing, damaged or from other code: a build finds out
        return stamp

    @staticmethod
    def forget(file: Path) -> None:
        file.unlink(missing_ok=True)


def stamp_file(cache: Path, output: Path) -> Path:
    return cache / STAMP_FILE.format(_output_name(output))


def state_key(**options: object) -> str:
    """Everything that shapes every output at once: a change of any means a full build."""
    text = json.dumps(
        {"state": _STATE_VERSION, "builder": builder_version(), **options},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def options_key(options: BuildOptions, **more: object) -> str:
    return state_key(
        drafts=options.drafts,
        today=options.today.isoformat(),
        output=str(options.output.resolve()),
        project=str(options.project.root.resolve()),
        **more,
    )


def stamp_key(options: BuildOptions) -> str:
    # Before site.yaml is read: the --base-url given (or none), not the one the site ends with.
    return options_key(options, stamp=True, base_url=options.base_url)


def input_folders(options: BuildOptions) -> list[Path]:
    project = options.project
    return [project.content, project.galleries, project.themes]


def unchanged_report(
    options: BuildOptions, inputs: Signatures | None = None, started: float | None = None
) -> BuildReport | None:
    """The last build's report again when nothing it was made from changed (see
    unchanged_stamp), timed from ``started``; else None."""
    started = time.perf_counter() if started is None else started
    stamp = unchanged_stamp(options, inputs)
    if stamp is None:
        return None
    seconds = time.perf_counter() - started
    return BuildReport(
        pages=stamp.figures["pages"],
        files=stamp.figures["files"],
        images=stamp.figures["images"],
        warnings=list(stamp.warnings),
        seconds=seconds,
        output=options.output,
        timings={"nothing changed": seconds},
        incremental=True,
    )


def unchanged_stamp(options: BuildOptions, inputs: Signatures | None = None) -> BuildStamp | None:
    """The last build's stamp when not one file it was made from changed (signatures of every
    file and folder under content/, galleries/ and themes/) and output/ is as it left it; else
    None. Nothing is parsed: on a big site this is a tenth of an unchanged incremental build."""
    output = options.output.resolve()
    stamp = BuildStamp.load(stamp_file(options.project.cache, options.output), stamp_key(options))
    if stamp is None or not (output / MARKER).is_file():
        return None
    if stamp.inputs != (inputs if inputs is not None else input_signatures(input_folders(options))):
        return None
    state = BuildState.load(state_file(options.project.cache, options.output), stamp.state_key)
    if state is None:
        return None
    prefix = f"{output}{os.sep}"
    if not all(record.intact(prefix + relative) for relative, record in state.outputs.items()):
        return None  # someone changed or removed a file in output/: the full check restores it
    return stamp


def stat_signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        return file_signature(path.stat())
    except OSError:
        return None


def save_stamp(
    options: BuildOptions,
    inputs: Signatures,
    state_key: str,
    counts: dict[str, int],
    warnings: list[SourceError],
) -> None:
    """What lets the next `build` answer at once when no input changed (unchanged_report)."""
    stamp = BuildStamp(stamp_key(options), inputs, state_key, counts, warnings)
    stamp.save(stamp_file(options.project.cache, options.output))
