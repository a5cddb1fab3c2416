"""The only writer. The site is written into a staging folder beside the output folder and swapped
in only when everything succeeded, so a failed build leaves the last good site as it was.

Nothing outside the output folder is ever deleted, and an output folder that would hold the
project's own files is refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .project import Project

STAGING_PREFIX = ".output-staging-"
MARKER = ".site-builder-output"  # written into every output folder we make


def unsafe_output(output: Path, project: Project) -> SourceError | None:
    """Refuse an output folder that is, or contains, the project or its source folders."""
    target = output.resolve()
    protected = {
        "the project folder": project.root,
        "content/": project.content,
        "themes/": project.themes,
        "galleries/": project.galleries,
    }
    for name, folder in protected.items():
        folder = folder.resolve()
        inside_source = folder != project.root.resolve() and target.is_relative_to(folder)
        if target == folder or folder.is_relative_to(target) or inside_source:
            return SourceError(
                None,
                f"refusing to build into {output}: it would replace or contain {name}",
                hint="choose an output folder of its own, such as output/",
            )
    if target == Path(target.anchor) or target == Path.home().resolve():
        return SourceError(None, f"refusing to build into {output}", hint="choose output/")
    if target.exists() and not target.is_dir():
        return SourceError(
            None, f"{output} is a file, not a folder", hint="choose another output folder"
        )
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        return SourceError(
            None,
            f"{output} already holds files that site_builder did not write",
            hint="choose an empty or new folder: the build replaces the output folder "
            "completely, and would delete those files",
        )
    return None


@contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield a fresh folder to build into; on success it replaces `output`, else it vanishes."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output.parent))
    try:
        (staging / MARKER).write_text("Built by site_builder. This folder is replaced on build.\n")
        yield staging
        _swap_in(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, output: Path) -> None:
    # Two renames in the same folder: the old site is only removed once the new one is in place.
    staging.chmod(0o755)
    if not output.exists():
        os.replace(staging, output)
        return
    retired = output.with_name(f"{STAGING_PREFIX}old-{output.name}-{os.getpid()}")
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except OSError:
        os.replace(retired, output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_text(root: Path, relative: str, text: str) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="")


def copy_tree(source: Path, target: Path) -> int:
    """Copy a folder of static files (theme assets, content media); returns files copied."""
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            count += 1
    return count


@dataclass(frozen=True)
class Planned:
    """One file of the site: bytes to write, or a cached file to hard-link (photo variants)."""

    data: bytes | None = None
    link_to: Path | None = None


def put_file(root: Path, relative: str, planned: Planned) -> os.stat_result:
    """Write one file under ``root`` via a temporary file and a rename, so a reader (or a
    crash) never sees half a file; returns its stat as written."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        if planned.link_to is not None:
            try:
                os.link(planned.link_to, temporary)
            except OSError:  # another file system: copy instead
                shutil.copyfile(planned.link_to, temporary)
        else:
            temporary.write_bytes(planned.data or b"")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target.stat()


def fill_new_folder(root: Path, files: Mapping[str, Planned]) -> dict[str, os.stat_result]:
    """Write every file into ``root``, a folder nobody else sees yet (the staging folder):
    no temporary names are needed, and each folder is made once. Returns each file's stat."""
    made: set[Path] = set()
    written = {}
    for relative, planned in files.items():
        target = root / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if planned.link_to is not None:
            try:
                os.link(planned.link_to, target)
            except OSError:  # another file system: copy instead
                shutil.copyfile(planned.link_to, target)
            written[relative] = target.stat()
            continue
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            remaining = memoryview(planned.data or b"")
            while remaining:
                remaining = remaining[os.write(descriptor, remaining) :]
            written[relative] = os.fstat(descriptor)
        finally:
            os.close(descriptor)
    return written


def apply_changes(
    output: Path, changes: Mapping[str, Planned], removed: Iterable[str]
) -> dict[str, os.stat_result]:
    """Update a built site in place: write the changed files, delete the ones no longer made
    (and folders left empty). Only paths inside ``output`` are ever touched."""
    root = output.resolve()
    written = {}
    for relative, planned in changes.items():
        _inside(root, relative)
        written[relative] = put_file(root, relative, planned)
    for relative in removed:
        target = _inside(root, relative)
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return written


def _inside(root: Path, relative: str) -> Path:
    target = root / relative
    if ".." in Path(relative).parts or not target.resolve().is_relative_to(root):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return target
