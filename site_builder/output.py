"""The only writer. The site is written into a staging folder beside the output folder and swapped
in whole, in one step, only when everything succeeded: a failed or killed build leaves the last
good site as it was, never a mix of old and new files. An incremental build's staging tree is
hard links to the unchanged files plus the changed ones, so it copies no bytes.

Nothing outside the output folder is ever deleted, and an output folder that would hold the
project's own files is refused.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed, SourceError
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
    """Yield a fresh folder to build into; on success it replaces `output` in one step, else it
    vanishes. What a killed build left beside `output` goes first. A file that cannot be
    written (a full disk, a read-only folder) is a BuildFailed naming it, with the old site
    still in place."""
    output = output.resolve()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(output)
        refusal = _read_only(output)
        if refusal:
            raise BuildFailed([refusal])
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(output), dir=output.parent))
    except OSError as error:
        raise BuildFailed([_write_failed(error, output)]) from error
    try:
        (staging / MARKER).write_text("Built by site_builder. This folder is replaced on build.\n")
        yield staging
        _pause()
        _swap_in(staging, output)
    except OSError as error:
        raise BuildFailed([_write_failed(error, output, staging)]) from error
    finally:
        # after a swap this is the old site: its names go, and the new site's files, hard
        # links to the same bytes, stay
        shutil.rmtree(staging, ignore_errors=True)


def replace_site(
    output: Path,
    changes: Mapping[str, Planned],
    files: Iterable[str],
    removed: Iterable[str] = (),
    in_place: bool = False,
) -> dict[str, os.stat_result]:
    """An incremental build, swapped in whole like a first one: a staging tree of hard links to
    the unchanged files of ``output`` (no bytes copied) and the changed files, then one rename.
    ``files`` is every file of the new site; the others (``removed``) stay with the old tree.
    Returns the stat of each file written.

    ``in_place``: serve's rebuilds of its own preview, which this same process wrote last. Its
    changed files are replaced one by one (each whole, through a rename) and the removed ones
    deleted: on the reference site's 7,400 files a staging tree costs seconds on a slow disk,
    and a save must reload the page in a quarter of a second. The preview is never published,
    and its record is forgotten before each write, so the preview serve starts with next time
    is built whole."""
    root = output.resolve()
    for relative in changes:
        _inside(root, relative)
    if in_place:
        try:
            return _update_in_place(root, changes, removed)
        except OSError as error:
            raise BuildFailed([_write_failed(error, root)]) from error
    with staged_output(root) as staging:
        link_unchanged(root, staging, [r for r in files if r not in changes])
        return fill_new_folder(staging, changes)


def _update_in_place(
    root: Path, changes: Mapping[str, Planned], removed: Iterable[str]
) -> dict[str, os.stat_result]:
    written = {
        relative: _put_atomic(root / relative, planned) for relative, planned in changes.items()
    }
    for relative in removed:
        target = _inside(root, relative)
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return written


def _put_atomic(target: Path, planned: Planned) -> os.stat_result:
    """One file through a temporary name and a rename: a reader never sees half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        _put(temporary, planned)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target.stat()


def link_unchanged(old: Path, staging: Path, files: Iterable[str]) -> None:
    """Hard-link each of ``files`` from the old site into the staging tree."""
    made: set[str] = set()
    delay = _delay()
    for relative in files:
        folder = relative.rpartition("/")[0]
        if folder and folder not in made:
            (staging / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        source, target = old / relative, staging / relative
        try:
            os.link(source, target)
        except FileNotFoundError:
            raise  # removed from output/ by hand: reported, and the next build makes it again
        except OSError:  # a file system without hard links: copy instead
            shutil.copy2(source, target)
        if delay:
            time.sleep(delay)


def clean_leftovers(output: Path) -> None:
    """Remove what killed builds left beside ``output`` (staging trees, a retired old site),
    never a staging folder of a build still running. If a build was stopped between the two
    renames of a swap on a system without an atomic exchange, the old site is put back."""
    for entry in sorted(output.parent.glob(f"{STAGING_PREFIX}*")):
        owner = _owner(entry.name)
        if owner is not None and owner != os.getpid() and _running(owner):
            continue
        if not output.exists() and entry.name.startswith(f"{STAGING_PREFIX}old-{output.name}-"):
            os.replace(entry, output)
            continue
        # Only builds make names with this prefix; a killed one can leave a folder it was
        # still filling or emptying, marker and all gone, so the name alone decides.
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _staging_prefix(output: Path) -> str:
    # The process id lets the next build tell a killed build's folder from a running one's.
    return f"{STAGING_PREFIX}{output.name}-{os.getpid()}-"


def _owner(name: str) -> int | None:
    match = re.search(r"-(\d+)-[^-]*$", name) or re.search(r"-(\d+)$", name)
    return int(match.group(1)) if match else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def _read_only(output: Path) -> SourceError | None:
    """A folder of the old site that cannot be changed: the build would leave its old files
    behind, so it changes nothing and says which folder, before anything is written."""
    if not output.is_dir():
        return None
    for folder, _, _ in os.walk(output):
        if not os.access(folder, os.W_OK | os.X_OK):
            return SourceError(
                Path(folder),
                "this folder is read-only, so the new site cannot replace the old one",
                hint=f"make it writable again (chmod -R u+w {output}, or ask whoever made it "
                "read-only), then build again; nothing was changed",
            )
    if not os.access(output.parent, os.W_OK | os.X_OK):
        return SourceError(
            output.parent,
            "this folder is read-only, so the new site cannot be put beside the old one",
            hint=f"make {output.parent} writable, or build into another folder (--output)",
        )
    return None


def _write_failed(error: OSError, output: Path, staging: Path | None = None) -> SourceError:
    where = Path(error.filename) if error.filename else None
    if where is not None and staging is not None and where.is_relative_to(staging):
        where = output / where.relative_to(staging)  # where the file belongs in the site
    reason = error.strerror or str(error)
    if error.errno in {errno.ENOSPC, errno.EDQUOT}:
        fix = "free some disk space, then build again"
    elif error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        fix = f"make {output} and the folder it is in writable, then build again"
    elif isinstance(error, FileNotFoundError):
        fix = "a file was removed from the site by hand: build again to make it anew"
    else:
        fix = "build again once the cause is fixed"
    return SourceError(
        where,
        f"could not write the new site ({reason})",
        hint=f"{fix}; {output.name}/ still holds the last good site",
    )


def _delay() -> float:
    """Seconds to wait after each file, for the tests that stop a build half way (they set
    SITE_BUILDER_SLOW_WRITES); never set otherwise."""
    try:
        return float(os.environ.get("SITE_BUILDER_SLOW_WRITES", "0"))
    except ValueError:
        return 0.0


def _pause() -> None:
    if delay := _delay():
        time.sleep(delay * 20)  # a window between the last file and the swap


def _swap_in(staging: Path, output: Path) -> None:
    """Put the staging tree in place of ``output``; afterwards ``staging`` holds the old site.
    One atomic exchange where the system has one (Linux), so a reader or a power cut sees the
    old site or the new one and never neither; elsewhere two renames, and a build stopped
    between them has the old site put back by the next build (clean_leftovers)."""
    staging.chmod(0o755)
    if not output.exists():
        os.replace(staging, output)
        return
    if _exchange(staging, output):
        return
    retired = output.with_name(f"{STAGING_PREFIX}old-{output.name}-{os.getpid()}")
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except OSError:
        os.replace(retired, output)
        raise
    os.replace(retired, staging)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step with Linux's renameat2(RENAME_EXCHANGE); False where the
    system or the file system has no such call. Called through ctypes: the standard library
    does not offer it (os.rename cannot replace a folder that has files), and it is one call."""
    if not sys.platform.startswith("linux"):
        return False
    # imported here: the nothing-changed check imports this module (for MARKER) and nothing else
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}:
        return False
    raise OSError(code, os.strerror(code), str(second))


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


def fill_new_folder(root: Path, files: Mapping[str, Planned]) -> dict[str, os.stat_result]:
    """Write every file into ``root``, a folder nobody else sees yet (the staging folder):
    no temporary names are needed, and each folder is made once. Returns each file's stat."""
    made: set[Path] = set()
    written = {}
    delay = _delay()
    for relative, planned in files.items():
        target = root / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            written[relative] = _put(target, planned)
        except OSError as error:
            error.filename = error.filename or str(target)  # os.write names no file
            raise
        if delay:
            time.sleep(delay)
    return written


def _put(target: Path, planned: Planned) -> os.stat_result:
    if planned.link_to is not None:
        try:
            os.link(planned.link_to, target)
        except OSError:  # another file system: copy instead
            shutil.copyfile(planned.link_to, target)
        return target.stat()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        remaining = memoryview(planned.data or b"")
        while remaining:
            remaining = remaining[os.write(descriptor, remaining) :]
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)


def _inside(root: Path, relative: str) -> Path:
    target = root / relative
    if ".." in Path(relative).parts or not target.resolve().is_relative_to(root):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return target
