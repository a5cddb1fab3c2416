"""`site-builder serve`: build, serve the site as it will be published, rebuild on every save.

* The site is served under the same base path as production (``/techcommit/`` for a GitHub
  Pages project site), so links behave exactly as they will when published.
* content/, galleries/ and themes/ are watched (never the output folder) with ``watchfiles``
  (inotify, or polling where there is none); a burst of saves becomes one rebuild.
* Browsers hear about rebuilds over Server-Sent Events from ``<base>__live/events``: ``reload``
  once a rebuild has fully succeeded, ``css`` when only stylesheets changed (styles refresh in
  place), ``problems`` with the same report the terminal prints when a rebuild failed (a
  panel at the foot of the window, errors first, that folds away; the last good build stays
  served, as a failed build never touches it) and ``ok`` when it is fixed (the panel goes).
  The small script that listens is added to pages as they are served, never written into the
  built site.
* The search index (Pagefind, seconds on a big site) is not remade before the reload: a
  rebuild keeps the old index and it is remade in the background once saves pause for
  ``SEARCH_DELAY_S``, so search results in the preview may lag a few seconds behind a save. A
  newer save stops a running reindex. ``build`` always remakes it in the same build.
* Paths are resolved inside the output folder only: ``..`` in any spelling, backslashes and
  absolute paths get 404.

Why not ``livereload`` (which the project used to list): its watcher runs the rebuild callback
with no error handling and sends the reload whatever happened, its ``delay`` postpones the
reload message rather than merging a burst of saves, and it has no way to show build errors in
the browser.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .errors import BuildFailed, SourceError, format_report
from .links import Urls
from .loader import Located, read_yaml
from .pipeline import BuildSession, SearchTiming, build
from .project import BuildOptions
from .records import BuildReport
from .search import BUNDLE, SearchCancelled
from .serve_guards import (
    is_editor_temporary,
)
from .serve_http import Broadcaster, LiveEvent, PreviewHTTPServer
from .wording import counted

DEBOUNCE_STEP_MS = 25  # a burst of saves ends when nothing changed for this long (after 25-50 ms)


DEBOUNCE_MAX_MS = 1600  # and is cut there, so a long copy still shows progress


DELIVERY_WAIT_S = 0.1  # how long a rebuild waits for browsers to be told, before going on


SEARCH_DELAY_S = 1.0  # quiet time after a rebuild before the search index is remade


_SEARCH_LATER = SearchTiming(later=True)


class LiveSite:
    """The build side of the server: rebuilds, remembers the last problems, tells browsers."""

    def __init__(
        self,
        options: BuildOptions,
        say: Callable[[str], None] = print,
        root: Path | None = None,
    ) -> None:
        self.options = options
        self.session = BuildSession.for_project(options.project, persist=False)
        self.events = Broadcaster()
        self.problems: list[SourceError] = []
        self.report_text = ""
        self._say = say
        self._root = root or Path.cwd()
        self._lock = threading.Lock()
        self._building = threading.Lock()  # one build at a time, whoever asks
        self._stop_search = threading.Event()  # set: a save is waiting, stop reindexing
        self._search_timer: threading.Timer | None = None
        self._builds = 0  # counts rebuilds, so a reindex timer that fired too late stands down
        self.base_path = self._base_path()

    def status(self) -> dict[str, Any]:
        """What the terminal said about the failed build, for the browser's panel: every
        problem, errors first, and each part's report text and count apart."""
        with self._lock:
            problems = list(self.problems)
            text = self.report_text
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        return {
            "ok": not problems,
            "text": text,
            "problems": [p.as_dict(self._root) for p in problems],
            "errors": len(errors),
            "warnings": len(warnings),
            "errors_text": format_report(errors, self._root),
            "warnings_text": format_report(warnings, self._root),
        }

    def rebuild(self, changed: Iterable[Path] = ()) -> BuildReport | None:
        """Build; on success tell browsers to reload (or refresh styles); on failure keep the
        last good build and show what is wrong, in the terminal and in the browser."""
        self._stop_search.set()  # a reindex in progress gives way to this save
        self._cancel_timer()
        with self._building:
            self._stop_search.clear()
            self._builds += 1
            report = self._rebuild(list(changed))
        if report is not None and report.search_pending:
            self._schedule_search()
        return report

    def close(self) -> None:
        """Stop a pending or running reindex and wait for it (serve is stopping); leave the
        cards made for the next session or `build`."""
        with self._lock:
            timer, self._search_timer = self._search_timer, None
        self._stop_search.set()
        if timer is not None:
            timer.cancel()
            if timer.is_alive():
                timer.join()
        with self._building, contextlib.suppress(OSError):
            self.session.save_rendered(self.options.project.cache)

    def _cancel_timer(self) -> None:
        with self._lock:
            if self._search_timer is not None:
                self._search_timer.cancel()

    def _schedule_search(self) -> None:
        with self._lock:
            if self._search_timer is not None:
                self._search_timer.cancel()
            self._search_timer = threading.Timer(
                SEARCH_DELAY_S, self._remake_search, args=(self._builds,)
            )
            self._search_timer.name = "search-index"
            self._search_timer.start()

    def _remake_search(self, after: int) -> None:
        """The build serve put off: the same site, with the search index brought up to date."""
        with self._building:
            if self._stop_search.is_set() or self._builds != after:
                return  # a newer save was (or is about to be) built; it schedules its own
            self._rebuild([], SearchTiming(cancel=self._stop_search))

    def _rebuild(
        self, changed: list[Path], search: SearchTiming = _SEARCH_LATER
    ) -> BuildReport | None:
        started = time.perf_counter()
        try:
            # the watcher's list of changed files spares looking at every other one; an empty
            # list (the first build, the search index's) means look at everything
            report = build(
                self.options, session=self.session, search=search, changed=changed or None
            )
        except SearchCancelled:
            return None  # the save that stopped it is built next and reschedules it
        except BuildFailed as failed:
            self._failed(failed.problems)
            return None
        except Exception as exc:  # never let the server die: show it like any other problem
            self._failed(
                [
                    SourceError(
                        None,
                        f"site-builder stopped with an internal error: {exc!r}",
                        hint="this is a fault in site-builder itself; please report it",
                    )
                ]
            )
            return None
        self.base_path = self._base_path()
        with self._lock:
            recovered = bool(self.problems)
            self.problems, self.report_text = [], ""
        if recovered:
            self.events.send(LiveEvent("ok"))
        took = time.perf_counter() - started
        # the search index alone changing needs no reload: the search page asks for it afresh
        files = [f for f in report.changed if not f.startswith(BUNDLE + "/")]
        if files and all(f.endswith(".css") for f in files):
            self.events.send(LiveEvent("css", {"files": files}), wait_s=DELIVERY_WAIT_S)
        elif files:
            self.events.send(LiveEvent("reload", {"files": len(files)}), wait_s=DELIVERY_WAIT_S)
        self.session.save_state()  # after the browser was told: 10 ms less to wait
        names = ", ".join(sorted({p.name for p in changed})[:3])
        if search.cancel is not None and not files:
            self._say(f"Search index updated in {_took(took)}.")
            return report
        self._say(
            f"{'Built' if not changed else 'Rebuilt after ' + names}: "
            f"{counted(report.rendered, 'page')} rendered, {counted(len(files), 'file')} changed, "
            f"in {_took(took)}."
        )
        for warning in report.warnings if not changed else ():
            self._say(format_report([warning], self._root))
        return report

    def _base_path(self) -> str:
        """The production site's path (/techcommit/): from --base-url, else site.yaml (read
        on its own, so a site with errors elsewhere is still served at the right place)."""
        base_url = self.options.base_url
        if not base_url:
            site = read_yaml(self.options.project.content / "site.yaml")
            data = site.data if isinstance(site, Located) else None
            base_url = str(data.get("base_url") or "/") if isinstance(data, dict) else "/"
        return Urls.from_base(base_url).base_path

    def _failed(self, problems: list[SourceError]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        # what stopped the build comes first; format_report sorts by file within each part
        text = "\n\n".join(
            part
            for part in (format_report(errors, self._root), format_report(warnings, self._root))
            if part
        )
        with self._lock:
            self.problems, self.report_text = errors + warnings, text
        self._say(
            f"{text}\n\nThe build failed; still serving the last good build. "
            "Fix the file and save: the page updates by itself."
        )
        self.events.send(LiveEvent("problems", self.status()))


class PreviewServer:
    """Build, serve and watch; ``start()`` returns once it is serving, ``stop()`` joins all."""

    def __init__(
        self,
        options: BuildOptions,
        bind: str = "127.0.0.1",
        port: int = 8000,
        say: Callable[[str], None] = print,
        force_polling: bool | None = None,
    ) -> None:
        self.site = LiveSite(options, say)
        self.options = options
        self._http = PreviewHTTPServer((bind, port), self.site, options.output.resolve(), say)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._force_polling = force_polling

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._http.server_address[0])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{self.site.base_path}"

    def start(self) -> None:
        self.site.rebuild()
        watching = threading.Event()
        self._threads = [
            threading.Thread(target=self._http.serve_forever, args=(0.1,), name="http"),
            threading.Thread(target=self._watch, args=(watching,), name="watch"),
        ]
        for thread in self._threads:
            thread.start()
        watching.wait(30)  # watching from here on: a save after start() is seen

    def stop(self) -> None:
        self._stop.set()
        self._http.stopping.set()
        self.site.events.send(None)
        self._http.shutdown()
        for thread in self._threads:
            thread.join()
        self.site.close()
        self._http.hang_up()
        self._http.server_close()  # joins request threads and releases the port

    def _watch(self, ready: threading.Event) -> None:
        import watchfiles

        project = self.options.project
        folders = [
            str(f) for f in (project.content, project.galleries, project.themes) if f.is_dir()
        ]
        output = self.options.output.resolve()

        usual = watchfiles.DefaultFilter()  # .git, caches, swap and backup files

        def wanted(change: watchfiles.Change, path: str) -> bool:
            where = Path(path)
            return (
                not where.is_relative_to(output)
                and not is_editor_temporary(where.name)
                and usual(change, path)
            )

        for changes in watchfiles.watch(
            *folders,
            watch_filter=wanted,
            debounce=DEBOUNCE_MAX_MS,
            step=DEBOUNCE_STEP_MS,
            stop_event=self._stop,
            yield_on_timeout=True,
            rust_timeout=200,
            force_polling=self._force_polling,
            ignore_permission_denied=True,
        ):
            ready.set()
            if changes and not self._stop.is_set():
                self.site.rebuild(Path(path) for _, path in changes)

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(options: BuildOptions, bind: str, port: int) -> int:
    """Run until Ctrl-C; returns the exit code."""
    server = PreviewServer(options, bind, port)
    server.start()
    print(f"Serving {server.url}  (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopping...", file=sys.stderr, flush=True)
    finally:
        server.stop()
    return 0


def preview_options(options: BuildOptions, output: Path | None) -> BuildOptions:
    """Serve builds into the project's cache unless told otherwise, so a preview (perhaps with
    drafts) never replaces the output/ folder that gets published."""
    return replace(options, output=output or options.project.cache / "preview")


__all__ = ["LiveSite", "PreviewServer", "serve"]


def _took(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
