"""The `site-builder` command: options, exit codes and what is printed. It builds nothing itself."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import scaffold
from .content import BuildOptions, Project
from .errors import BuildFailed, SourceError, format_report
from .pipeline import build, check
from .schema import content_reference, write_schemas

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except BuildFailed as failed:
        _print_problems(failed.problems, args)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except Exception:  # the last line of defence: never a bare traceback for the comms team
        if os.environ.get("SITE_BUILDER_DEBUG"):
            raise
        log = Path(os.environ.get("TMPDIR", "/tmp")) / "site-builder-crash.txt"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(
            "site-builder stopped because of a problem in site-builder itself, not in your "
            f"content.\nThe details are in {log}: please send that file to the developers.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build the Technician Commitment website from the files in content/ and "
        "galleries/.",
        epilog="Run 'site-builder COMMAND --help' for the options of a command.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    build_cmd = commands.add_parser(
        "build",
        help="build the website into output/",
        description="Check all content, then build the website. If anything is wrong, nothing "
        "is written and the previous output/ stays as it was.",
    )
    _content_options(build_cmd)
    build_cmd.add_argument(
        "--output", type=Path, default=Path("output"), help="folder to build into (output/)"
    )
    build_cmd.add_argument(
        "--base-url",
        help="address the site will be published at, overriding site.yaml "
        "(e.g. https://org.github.io/techcommit/)",
    )
    build_cmd.add_argument(
        "--jobs", type=int, default=None, help="processes for photos (default: all cores)"
    )
    build_cmd.set_defaults(run=_run_build)

    check_cmd = commands.add_parser(
        "check",
        help="check the content for mistakes without building",
        description="Read and check every content file and report every problem found. "
        "Writes nothing.",
    )
    _content_options(check_cmd)
    check_cmd.add_argument(
        "--json", action="store_true", help="print the problems as JSON (for editors and CI)"
    )
    check_cmd.set_defaults(run=_run_check)

    new_cmd = commands.add_parser(
        "new",
        help="start a new technician profile, news item, event or case study",
        description="Create a new content file from a template. Never overwrites a file.",
    )
    new_cmd.add_argument("kind", choices=scaffold.KINDS, help="what to create")
    new_cmd.add_argument(
        "title",
        help="the technician's name, or the title of the news item, event or case study",
    )
    new_cmd.add_argument("--content", type=Path, default=Path("content"), help="content folder")
    new_cmd.add_argument("--gallery", help="gallery of a new technician")
    new_cmd.set_defaults(run=_run_new)

    serve_cmd = commands.add_parser(
        "serve",
        help="preview the site in a browser, rebuilding as you save",
        description="Build the site, serve it at http://127.0.0.1:8000/ under the same path as "
        "the published site, and rebuild whenever a file in content/, galleries/ or themes/ is "
        "saved. The browser reloads by itself; if something is wrong it shows what and where, "
        "and the last good build stays up. Ctrl-C stops.",
    )
    _content_options(serve_cmd)
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (8000)")
    serve_cmd.add_argument(
        "--bind",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1: this computer only; 0.0.0.0 opens it to others)",
    )
    serve_cmd.add_argument(
        "--output",
        type=Path,
        default=None,
        help="folder to build the preview into (.cache/preview/, so output/ is never touched)",
    )
    serve_cmd.add_argument("--base-url", help="as for build: the address the site is published at")
    serve_cmd.set_defaults(run=_run_serve)

    schema_cmd = commands.add_parser(
        "schema",
        help="write JSON Schema files so editors can check content as you type",
        description="Write a JSON Schema for each kind of YAML content file into a folder.",
    )
    schema_cmd.add_argument("--out", type=Path, default=Path("schemas"), help="folder (schemas/)")
    schema_cmd.add_argument(
        "--reference",
        type=Path,
        metavar="FILE",
        help="also write the Markdown content reference to FILE",
    )
    schema_cmd.set_defaults(run=_run_schema)
    return parser


def _content_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (content/)"
    )
    command.add_argument(
        "--drafts", action="store_true", help="include drafts and items dated in the future"
    )
    command.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="build as if it were this date (to preview scheduled items)",
    )
    command.add_argument("--quiet", "-q", action="store_true", help="print only problems")


def _options(args: argparse.Namespace) -> BuildOptions:
    content = args.content
    if not content.is_dir():
        raise BuildFailed(
            [
                SourceError(
                    content,
                    "the content folder does not exist",
                    hint="run the command from the project folder, or pass --content FOLDER",
                )
            ]
        )
    return BuildOptions(
        project=Project.at(content),
        output=getattr(args, "output", Path("output")),
        base_url=getattr(args, "base_url", None),
        drafts=args.drafts,
        today=args.today or dt.date.today(),
        jobs=getattr(args, "jobs", None),
    )


def _run_build(args: argparse.Namespace) -> int:
    options = _options(args)
    report = build(options, progress=None if args.quiet else _PhotoProgress())
    _print_problems(report.warnings, args, failed=False)
    if not args.quiet:
        print(
            f"Built {report.pages} pages and {report.images} photos into "
            f"{_shown(options.output)}/ in {report.seconds:.1f} s."
        )
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    options = _options(args)
    try:
        _, published, problems = check(options)
    except BuildFailed as failed:
        if args.json:
            _print_json(failed.problems, options)
            return EXIT_CONTENT
        raise
    if args.json:
        _print_json(problems, options)
        return EXIT_OK
    _print_problems(problems, args, failed=False)
    if not args.quiet:
        print(
            f"No errors. {len(published.technicians)} technicians, {len(published.news)} news "
            f"items, {len(published.plans)} plans checked."
        )
    return EXIT_OK


def _run_new(args: argparse.Namespace) -> int:
    created = scaffold.create(args.kind, args.title, args.content, gallery=args.gallery)
    print(f"Created {_shown(created)}. Open it, fill it in, then run 'make build'.")
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from .serve import preview_options, serve

    options = preview_options(_options(args), args.output)
    try:
        return serve(options, args.bind, args.port)
    except OSError as exc:  # the port is taken, or the address is not this computer's
        raise BuildFailed(
            [
                SourceError(
                    None,
                    f"cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}",
                    hint="is another preview running? Stop it, or pick another port: --port 8001",
                )
            ]
        ) from None


def _run_schema(args: argparse.Namespace) -> int:
    written = write_schemas(args.out)
    print(f"Wrote {len(written)} schema files into {_shown(args.out)}/.")
    if args.reference:
        args.reference.parent.mkdir(parents=True, exist_ok=True)
        args.reference.write_text(content_reference(), encoding="utf-8")
        print(f"Wrote the content reference to {_shown(args.reference)}.")
    return EXIT_OK


class _PhotoProgress:
    """A one-line bar on a terminal; in a log, a line at the start and the end; in CI, quiet."""

    def __init__(self) -> None:
        self.quiet = bool(os.environ.get("CI"))
        self.live = sys.stderr.isatty() and not self.quiet

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if done == 0:
            print(f"Making web copies of {total} new photos...", file=sys.stderr, flush=True)
            return
        if self.live:
            filled = round(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            end = "\n" if done == total else ""
            print(f"\r  [{bar}] {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif done == total:
            print(f"  {total} photos done.", file=sys.stderr, flush=True)


def _print_problems(
    problems: Sequence[SourceError], args: argparse.Namespace, failed: bool = True
) -> None:
    if not problems:
        return
    colour = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    root = Path.cwd()
    print(format_report(problems, root, colour=colour), file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    files = {p.path for p in errors}
    if failed and errors:
        kept = " Nothing was written; the previous site in output/ is unchanged."
        print(
            f"\n{_count(len(errors), 'error')} in {_count(len(files), 'file')}.{kept}",
            file=sys.stderr,
        )
    elif problems:
        print(f"\n{_count(len(problems), 'warning')}.", file=sys.stderr)


def _print_json(problems: Sequence[SourceError], options: BuildOptions) -> None:
    root = Path.cwd()
    print(json.dumps([p.as_dict(root) for p in problems], indent=2))


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
