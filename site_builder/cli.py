"""The `site-builder` command: options, exit codes and what is printed. It builds nothing itself."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import scaffold
from .collector import collect_less
from .errors import BuildFailed, SourceError, format_report
from .project import BuildOptions, Project
from .records import BuildReport, input_folders, input_signatures, unchanged_report
from .wording import counted as _count
from .writing import refusal

# The builder (Jinja, pydantic, Pillow: most of a second to import) and the publishing and link
# checking modules are imported by the commands that use them, so that `build` with nothing
# changed answers in a fraction of a second.

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    collect_less()
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
    except (
        Exception
    ) as error:  # the last line of defence: never a bare traceback for the comms team
        # permissions, a full disk: the computer's doing, which the person can put right
        problem = refusal(error) if isinstance(error, OSError) else None
        if problem is None:
            if os.environ.get("SITE_BUILDER_DEBUG"):
                raise
            return _fault_report()
        print(format_report([problem], Path.cwd()), file=sys.stderr)
        print("\nThe build stopped while writing; build again once this is fixed.", file=sys.stderr)
        return EXIT_CONTENT


def _fault_report() -> int:
    """The details of a fault in site_builder itself go to a file, not the screen."""
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
    _out_option(build_cmd, Path("output"), "folder to build into (output/)", "FOLDER")
    build_cmd.add_argument(
        "--base-url",
        help="address the site will be published at, overriding site.yaml "
        "(e.g. https://org.github.io/techcommit/)",
    )
    build_cmd.add_argument(
        "--jobs", type=int, default=None, help="processes for photos (default: all cores)"
    )
    build_cmd.add_argument(
        "--verify",
        action="store_true",
        help="render again every page kept from the last build and fail if any differs "
        "(also SITE_BUILDER_VERIFY=1)",
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
    _link_check_options(check_cmd)
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
    _out_option(
        serve_cmd,
        None,
        "folder to build the preview into (.cache/preview/, so output/ is never touched)",
        "FOLDER",
    )
    serve_cmd.add_argument("--base-url", help="as for build: the address the site is published at")
    serve_cmd.set_defaults(run=_run_serve)

    schema_cmd = commands.add_parser(
        "schema",
        help="write JSON Schema files so editors can check content as you type",
        description="Write a JSON Schema for each kind of YAML content file into a folder.",
    )
    _out_option(schema_cmd, Path("schemas"), "folder to write into (schemas/)", "FOLDER")
    schema_cmd.add_argument(
        "--reference",
        type=Path,
        metavar="FILE",
        help="also write the Markdown content reference to FILE",
    )
    schema_cmd.set_defaults(run=_run_schema)

    import_cmd = commands.add_parser(
        "import",
        help="turn an action plan table (Word, Excel, CSV, pasted text) into a plan file",
        description="Read an action plan table from .docx, .xlsx, .csv, .tsv or tab-separated "
        ".txt and write it as a commented plan YAML file to polish. Prints the column mapping "
        "it used (save it, edit it, pass it back with --map) and what needs a human look. "
        "Never replaces an existing file without --force.",
    )
    import_cmd.add_argument("file", type=Path, help="the table to import")
    _out_option(import_cmd, None, "plan file to write (content/plans/NAME.yaml)", "FILE")
    import_cmd.add_argument(
        "--map", type=Path, metavar="MAPPING.yaml", help="column mapping that overrides guesses"
    )
    import_cmd.add_argument("--force", action="store_true", help="replace an existing file")
    import_cmd.add_argument("--sheet", metavar="NAME", help="Excel sheet to read (the first)")
    import_cmd.set_defaults(run=_run_import)
    _publish_commands(commands)
    return parser


def _out_option(
    command: argparse.ArgumentParser, default: Path | None, help: str, metavar: str
) -> None:
    """Where a command writes (or, for check --links, what it reads): --out on every command.
    --output, which build, serve and check used to take, is still understood but not listed."""
    command.add_argument(
        "--out", dest="out", type=Path, default=default, metavar=metavar, help=help
    )
    command.add_argument(
        "--output", dest="out", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


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


def _options(args: argparse.Namespace, output: Path = Path("output")) -> BuildOptions:
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
        output=output,
        base_url=getattr(args, "base_url", None),
        drafts=args.drafts,
        today=args.today or dt.date.today(),
        jobs=getattr(args, "jobs", None),
        verify=getattr(args, "verify", False) or os.environ.get("SITE_BUILDER_VERIFY") == "1",
    )


def build_site(
    options: BuildOptions, progress: Callable[[int, int], None] | None = None
) -> BuildReport:
    """What `site-builder build` does: say the last build still stands when nothing it was
    made from changed (without loading the builder), else build."""
    started = time.perf_counter()
    inputs = input_signatures(input_folders(options))
    report = None if options.verify else unchanged_report(options, inputs, started)
    if report is None:
        from .pipeline import build

        report = build(options, progress=progress, inputs=inputs)
    return report


def _run_build(args: argparse.Namespace) -> int:
    options = _options(args, args.out)
    report = build_site(options, progress=None if args.quiet else _PhotoProgress())
    _print_problems(report.warnings, args, failed=False)
    if not args.quiet and "nothing changed" in report.timings:
        print(
            f"Nothing changed since the last build: {_shown(options.output)}/ is up to date "
            f"({_count(report.pages, 'page')} and {_count(report.images, 'photo')}, checked in "
            f"{report.seconds:.1f} s)."
        )
    elif not args.quiet:
        print(
            f"Built {_count(report.pages, 'page')} and {_count(report.images, 'photo')} into "
            f"{_shown(options.output)}/ in {report.seconds:.1f} s."
        )
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from .pipeline import check

    options = _options(args)
    try:
        content, published, problems = check(options)
    except BuildFailed as failed:
        if args.json:
            _print_json(failed.problems, options)
            return EXIT_CONTENT
        raise
    if args.links:
        return _run_link_check(args, content.site.base_url, problems)
    if args.json:
        _print_json(problems, options)
        return EXIT_OK
    _print_problems(problems, args, failed=False)
    if not args.quiet:
        print(
            f"No errors. {_count(len(published.technicians), 'technician')}, "
            f"{_count(len(published.news), 'news item')}, {_count(len(published.plans), 'plan')} "
            "checked."
        )
    return EXIT_OK


def _link_check_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--links",
        action="store_true",
        help="also check every link, anchor, image and file in the built site (run build first)",
    )
    _out_option(command, Path("output"), "built site to check, with --links (output/)", "FOLDER")
    command.add_argument(
        "--base-url",
        help="address the site was built for (default: read from the built home page)",
    )


def _run_link_check(
    args: argparse.Namespace, configured_base: str, problems: Sequence[SourceError]
) -> int:
    from . import linkcheck

    output: Path = args.out
    if not (output / "index.html").is_file():
        raise BuildFailed(
            [
                SourceError(
                    output,
                    "there is no built site here to check",
                    hint="build it first (make build), or pass --out FOLDER",
                )
            ]
        )
    base_url = args.base_url or linkcheck.base_url_of_output(output) or configured_base
    report = linkcheck.check_output(output, base_url)
    shown = _shown(output)
    if args.json:
        found = [*problems, *(linkcheck.as_source_error(b, output) for b in report.broken)]
        _print_json(found, None)
        return EXIT_CONTENT if report.broken else EXIT_OK
    _print_problems(problems, args, failed=False)
    if report.broken:
        print(linkcheck.format_broken(report.broken, shown), file=sys.stderr)
        pages = len({b.page for b in report.broken})
        print(
            f"\n{_count(len(report.broken), 'broken link')} on {_count(pages, 'page')} of "
            f"{shown}/ (as published at {base_url}).",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    if not args.quiet:
        print(
            f"No errors. {_count(report.references, 'link')} in {_count(report.files, 'file')} "
            f"of {shown}/ checked "
            f"(as published at {base_url}); none broken."
        )
    return EXIT_OK


def _run_new(args: argparse.Namespace) -> int:
    created = scaffold.create(args.kind, args.title, args.content, gallery=args.gallery)
    print(f"Created {_shown(created)}. Open it, fill it in, then run 'make build'.")
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from .serve import preview_options, serve

    options = preview_options(_options(args), args.out)
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
    from .schema import content_reference, write_schemas

    written = write_schemas(args.out)
    print(f"Wrote {_count(len(written), 'schema file')} into {_shown(args.out)}/.")
    if args.reference:
        args.reference.parent.mkdir(parents=True, exist_ok=True)
        args.reference.write_text(content_reference(), encoding="utf-8")
        print(f"Wrote the content reference to {_shown(args.reference)}.")
    return EXIT_OK


def _run_import(args: argparse.Namespace) -> int:
    from .importers import run_import  # python-docx and openpyxl load only when importing

    return run_import(
        args.file, out=args.out, map_file=args.map, force=args.force, sheet=args.sheet
    )


# --- publish and export ----------------------------------------------------------------------


def _publish_commands(commands: Any) -> None:
    publish_cmd = commands.add_parser(
        "publish",
        help="build for the real address and push the site to GitHub Pages (gh-pages)",
        description="Build the site for its real address (site.yaml base_url) into a "
        "temporary folder, commit it as the whole of the gh-pages branch and push it. Your "
        "files, your other branches and output/ are not touched.",
    )
    publish_cmd.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (content/)"
    )
    publish_cmd.add_argument("--base-url", help="publish for this address instead of base_url")
    publish_cmd.add_argument("--remote", default="origin", help="remote to push to (origin)")
    publish_cmd.add_argument("--branch", default="gh-pages", help="branch to commit to (gh-pages)")
    publish_cmd.add_argument("--message", help="commit message (default: what it was built from)")
    publish_cmd.add_argument(
        "--no-push", action="store_true", help="make the commit on the branch but do not push it"
    )
    publish_cmd.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    publish_cmd.set_defaults(run=_run_publish, drafts=False, today=None, jobs=None)

    export_cmd = commands.add_parser(
        "export",
        help="export the pages for a university CMS (a zip of content, files and a manifest)",
        description="Build the site into a temporary folder, then write a zip with each page's "
        "main content as an HTML fragment, its images and downloads, and a manifest "
        "(manifest.csv, manifest.json) for bulk upload. Drafts and people without consent "
        "are left out, as on the site.",
    )
    export_cmd.add_argument("target", choices=["cms"], help="what to export for (cms)")
    _content_options(export_cmd)
    _out_option(export_cmd, Path("site-cms.zip"), "zip to write (site-cms.zip)", "FILE")
    export_cmd.add_argument(
        "--asset-path",
        type=_folder_address,
        default="/media/techcommit/",
        help="where the web team will put images and downloads (/media/techcommit/)",
    )
    export_cmd.add_argument(
        "--page-path",
        type=_folder_address,
        default="/",
        help="where the pages will live in the CMS, e.g. /research/technicians/ (/)",
    )
    export_cmd.add_argument(
        "--scope-class",
        type=_css_class,
        metavar="CLASS",
        help="wrap each page in <div class=CLASS> and add content-styles.css with the "
        "theme's styles scoped under it",
    )
    export_cmd.add_argument("--force", action="store_true", help="replace an existing zip")
    export_cmd.set_defaults(run=_run_export, jobs=None)


def _run_publish(args: argparse.Namespace) -> int:
    from .pipeline import build, check
    from .publish import ghpages

    options = _options(args)
    try:
        repo = ghpages.Repository.containing(options.project.root)
        remote = None if args.no_push else args.remote
        # before building: a missing remote is found in a second. Its address is printed at
        # the end, so a clone still pointing where it was cloned from is noticed.
        pushed_to = repo.remote_url(remote) if remote is not None else ""
        content, _, _ = check(options)
        with tempfile.TemporaryDirectory(prefix="site-builder-publish-") as scratch:
            site = Path(scratch) / "site"
            progress = None if args.quiet else _PhotoProgress()
            report = build(replace(options, output=site), progress=progress)
            _print_problems(report.warnings, args, failed=False)
            ghpages.prepare_for_pages(site, content.site.domain)
            project = options.project
            if ghpages.uncommitted(repo, [project.content, project.galleries, project.themes]):
                print(
                    "Note: some content has changes not yet committed to git; they are "
                    "published all the same.",
                    file=sys.stderr,
                )
            result = ghpages.publish_folder(
                repo,
                site,
                branch=args.branch,
                remote=remote,
                message=args.message or ghpages.default_message(repo),
            )
    except ghpages.PublishError as problem:
        print(f"site-builder publish: error: {problem.message}", file=sys.stderr)
        print(f"      fix: {problem.hint}", file=sys.stderr)
        return EXIT_CONTENT
    if not args.quiet:
        address = options.base_url or content.site.base_url
        what = (
            f"Committed {_count(result.files, 'file')} to {result.branch} ({result.commit[:7]})"
            if result.changed
            else f"Nothing changed since the last publish ({result.branch} is at "
            f"{result.commit[:7]})"
        )
        where = (
            f"; pushed to {result.remote} ({pushed_to}). GitHub Pages shows it at {address} "
            "within a few minutes."
            if result.pushed
            else f"; not pushed (git push {args.remote} {result.branch} when ready)."
        )
        print(what + where)
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    from .pipeline import build, check
    from .publish import cms

    options = _options(args)
    out: Path = args.out
    if out.exists() and not args.force:
        raise BuildFailed(
            [
                SourceError(
                    out,
                    "this file already exists, so nothing was exported",
                    hint="use --force to replace it, or --out to name another file",
                )
            ]
        )
    content, _, _ = check(options)
    settings = cms.CmsOptions(
        asset_path=args.asset_path, page_path=args.page_path, scope_class=args.scope_class
    )
    with tempfile.TemporaryDirectory(prefix="site-builder-export-") as scratch:
        site = Path(scratch) / "site"
        progress = None if args.quiet else _PhotoProgress()
        report = build(replace(options, output=site), progress=progress)
        _print_problems(report.warnings, args, failed=False)
        export = cms.export_site(site, content.site.base_url, settings)
    cms.write_zip(export.files, out, force=args.force)
    if not args.quiet:
        print(
            f"Exported {_count(len(export.rows), 'page')} and {_count(len(export.assets), 'file')} "
            "into "
            f"{_shown(out)} (manifest.csv lists them)."
        )
    return EXIT_OK


def _folder_address(value: str) -> str:
    """/media/techcommit or https://cdn.example.ac.uk/tc: a path or address, ending with '/'."""
    if not value.startswith(("/", "http://", "https://")) or any(c.isspace() for c in value):
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a path from the site root (such as /media/techcommit/) or a "
            "full address (https://...)"
        )
    return value.rstrip("/") + "/"


def _css_class(value: str) -> str:
    from .publish import cms

    if not cms.CSS_CLASS.match(value):
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a CSS class name: use letters, digits, - and _ (e.g. tc-content)"
        )
    return value


class _PhotoProgress:
    """A one-line bar on a terminal; in a log, a line at the start and the end; in CI, quiet."""

    def __init__(self) -> None:
        self.quiet = bool(os.environ.get("CI"))
        self.live = sys.stderr.isatty() and not self.quiet

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if done == 0:
            print(
                f"Making web copies of {_count(total, 'new photo')}...", file=sys.stderr, flush=True
            )
            return
        if self.live:
            filled = round(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            end = "\n" if done == total else ""
            print(f"\r  [{bar}] {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif done == total:
            print(f"  {_count(total, 'photo')} done.", file=sys.stderr, flush=True)


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


def _print_json(problems: Sequence[SourceError], options: BuildOptions | None) -> None:
    root = Path.cwd()
    print(json.dumps([p.as_dict(root) for p in problems], indent=2))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
