"""What the preview server refuses, and how much it takes on at once.

* **Host names.** A page on another site can point a name it controls at 127.0.0.1 (DNS
  rebinding) and then read the preview, drafts included, as if it were its own. The browser
  still sends that name in ``Host:``, so only this computer's own names are answered
  (``localhost``, ``127.0.0.1``, ``[::1]`` and the ``--bind`` address), as the usual development
  servers do. Bound to every address (``--bind 0.0.0.0``), any address typed as digits is
  answered too: it cannot be rebound, since rebinding needs a name.
* **Request targets.** Paths longer than any page of a site are answered 414 before the disk is
  asked; a segment longer than a file name can be is 404 (the disk would say "File name too
  long").
* **Connections.** A bounded pool of threads serves them; more wait their turn, accepted, in a
  queue (the listening backlog is large too, so a burst of clients is not dropped by the
  kernel). While some wait, answers say ``Connection: close`` and an idle connection gives its
  thread up, so one client's keep-alive cannot hold the others out.
* **Editor temporary files** are not saves of content: the watcher ignores them.
"""

from __future__ import annotations

import ipaddress
import queue
import re
import threading
from collections.abc import Callable
from typing import Any

MAX_TARGET = 4096  # characters in a request target; the longest page address is far shorter
MAX_SEGMENT = 255  # bytes in one path segment: the longest file name Linux and macOS allow
POOL_SIZE = 32  # threads serving connections: enough for a browser's six plus many tabs
MAX_STREAMS = 16  # of which at most this many hold a live-reload stream open
BACKLOG = 1024  # connections the kernel keeps waiting to be accepted (capped by somaxconn)

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})


# --- Host: ---------------------------------------------------------------------------------------


def host_name(header: str) -> str | None:
    """The name in a ``Host:`` value, lower case, without its port; None if it is not
    ``name[:port]`` or ``[v6 address][:port]``."""
    header = header.strip()
    if header.startswith("["):
        name, closed, rest = header[1:].partition("]")
        if not closed:
            return None
    else:
        name, colon, port = header.partition(":")
        rest = colon + port
    if rest and not (rest[0] == ":" and rest[1:].isascii() and rest[1:].isdigit()):
        return None
    return name.lower() or None


def host_allowed(header: str | None, bind: str) -> bool:
    """Whether a request naming ``header`` in ``Host:`` is for this preview (bound to ``bind``)."""
    name = host_name(header or "")
    if name is None:
        return False
    bound = bind.strip("[]").lower()
    if name in LOOPBACK_NAMES or name == bound:
        return True
    if bound in _WILDCARDS:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def refusal(header: str | None, port: int) -> str:
    """The plain answer to a request for another site's name."""
    shown = f"'{header}'" if header else "no name"
    return (
        f"This is the site-builder preview, and it answers only at this computer's own "
        f"address, such as http://127.0.0.1:{port}/ or http://localhost:{port}/.\n"
        f"This request was for {shown}, so it was refused: a page on another site may be "
        f"trying to read the preview.\nOpen the address serve printed instead, or, to reach "
        f"the preview by another name of this computer, start it with --bind NAME.\n"
    )


# --- request targets -----------------------------------------------------------------------------


def target_too_long(target: str) -> bool:
    return len(target) > MAX_TARGET


def segment_too_long(segment: str) -> bool:
    return len(segment.encode("utf-8", "surrogateescape")) > MAX_SEGMENT


# --- editor temporary files ----------------------------------------------------------------------

_EDITOR_TEMPORARY = re.compile(
    r"""
    sed[A-Za-z0-9]{6}              # sed -i writes here, then renames over the file
    | .*~ | \.\#.* | \#.*\#        # backups, Emacs locks and auto-saves
    | \..*\.sw[a-z] | .*\.kate-swp  # Vim and Kate swap files (and vim's .swx probe)
    | .*\.te?mp                    # many editors' write-then-rename
    | .*___jb_(?:tmp|old)___       # JetBrains' safe write
    | \.goutputstream-.*           # GNOME's text editor
    | \.~lock\..*\# | ~\$.*        # LibreOffice and Microsoft Office lock files
    | .*\.(?:crdownload|part|download)  # a download not finished yet
    | \.DS_Store | Thumbs\.db | desktop\.ini
    """,
    re.VERBOSE,
)
_VIM_PROBE_FIRST, _VIM_PROBE_STEP = 4913, 123  # vim's "may I write here?" file: 4913, 5036...


def is_editor_temporary(name: str) -> bool:
    """Whether a file name is one an editor or the system makes for itself while saving, never
    content. The build never reads such names (content has a .md, .yaml or image suffix), so
    ignoring them loses no save."""
    if name.isascii() and name.isdigit():
        number = int(name)
        return number >= _VIM_PROBE_FIRST and (number - _VIM_PROBE_FIRST) % _VIM_PROBE_STEP == 0
    return _EDITOR_TEMPORARY.fullmatch(name) is not None


# --- the pool ------------------------------------------------------------------------------------

Work = Callable[[Any, Any], None]


class WorkerPool:
    """At most ``size`` threads, started as they are needed, each serving one connection at a
    time; connections beyond that wait in a queue, already accepted."""

    def __init__(self, size: int, work: Work, name: str = "http") -> None:
        self._size = size
        self._work = work
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._waiting = 0

    def submit(self, request: Any, address: Any) -> None:
        with self._lock:
            self._waiting += 1
            thread = None
            if self._idle < self._waiting and len(self._threads) < self._size:
                thread = threading.Thread(
                    target=self._run, name=f"{self._name}-{len(self._threads) + 1}"
                )
                self._threads.append(thread)
        if thread is not None:
            thread.start()
        self._queue.put((request, address))

    def waiting(self) -> int:
        """Connections accepted and not yet taken by a thread."""
        with self._lock:
            return self._waiting

    def close(self, drop: Callable[[Any], None]) -> None:
        """Hand each connection still waiting to ``drop`` (the server is stopping), then stop
        and join every thread."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                with self._lock:
                    self._waiting -= 1
                drop(item[0])
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            item = self._queue.get()
            with self._lock:
                self._idle -= 1
                if item is not None:
                    self._waiting -= 1
            if item is None:
                return
            self._work(*item)


__all__ = [
    "BACKLOG",
    "MAX_STREAMS",
    "POOL_SIZE",
    "WorkerPool",
    "host_allowed",
    "host_name",
    "is_editor_temporary",
    "refusal",
    "segment_too_long",
    "target_too_long",
]
