"""Incremental builds: the same bytes as a clean build, with only the changed work done."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
import yaml
from markupsafe import Markup

from site_builder import kinds, render_pages
from site_builder import session as session_store
from site_builder.collector import YOUNG_OBJECTS, collect_less
from site_builder.content import Entry
from site_builder.errors import BuildFailed
from site_builder.incremental import (
    Fingerprinter,
    LastingHashes,
    TemplateIndex,
    page_fingerprint,
)
from site_builder.pages import plans as plan_pages_module
from site_builder.pipeline import BuildSession, build
from site_builder.project import BuildOptions, Project
from site_builder.records import builder_version, input_folders, input_signatures
from site_builder.render import PageSpec
from site_builder.template_helpers import Fragment
from tests.sites import ROOT, TODAY, TinySite


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


# --- on the example site: a series of edits, each checked against a clean build ----------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("incremental") / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    build(_options(project, "output"))  # also fills the photo cache the clean builds share
    return project


def _options(project: Path, output: str) -> BuildOptions:
    return BuildOptions(
        project=Project.at(project / "content"), output=project / output, today=TODAY, jobs=1
    )


def _clean_build(project: Path, output: str) -> None:
    """A build that remembers nothing of earlier ones (parsed files, cards, feeds, calendars):
    a cache folder of its own, sharing only the processed photos."""
    options = _options(project, output)
    cache = project.parent / f"cache-of-{Path(output).name}"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    (cache / "images").symlink_to(options.project.cache / "images")
    build(replace(options, project=replace(options.project, cache=cache)))
    shutil.rmtree(cache)


def _edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rename(project: Path, old: str, new: str) -> None:
    (project / old).rename(project / new)


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    (
        "edit a profile",
        lambda p: _edit(
            p, "content/technicians/priya-raman.yaml", "Senior Research", "Principal Research"
        ),
    ),
    (
        "rename a news item",
        lambda p: _rename(
            p, "content/news/2026-11-02-hpc-upgrade.md", "content/news/2026-11-02-new-hpc.md"
        ),
    ),
    ("delete a case study", lambda p: (p / "content/case-studies/glasshouse-water.md").unlink()),
    ("delete a free page", lambda p: (p / "content/pages/get-involved.md").unlink()),
    (
        "change the site name",
        lambda p: _edit(p, "content/site.yaml", "short_name: Northmere", "short_name: Nmere"),
    ),
    (
        "edit a template",
        lambda p: _edit(p, "themes/default/templates/base.html", "</footer>", "</footer>\n"),
    ),
    (
        "edit the stylesheet",
        lambda p: _edit(
            p,
            "themes/default/static/css/site.css",
            "{",
            "{\n",
        ),
    ),
    (
        "unpublish a technician",
        lambda p: _edit(
            p, "content/technicians/dave-hargreaves.yaml", "given: true", "given: false"
        ),
    ),
    (
        "move an event",  # its calendar file is remembered between builds: it must follow
        lambda p: _edit(
            p,
            "content/news/2026-11-10-winter-network-meeting.md",
            "place: The Hub, ground floor",
            "place: Seminar room 2, first floor",
        ),
    ),
]


@pytest.mark.parametrize("step", range(len(STEPS)), ids=[name for name, _ in STEPS])
def test_incremental_build_equals_clean_build(example: Path, step: int) -> None:
    # Steps run in order on one project, so each builds on the changes before it.
    name, change = STEPS[step]
    change(example)
    report = build(_options(example, "output"))
    clean = example.parent / f"clean-{step}"
    _clean_build(example, f"../clean-{step}")
    assert report.incremental, name
    assert tree(example / "output") == tree(clean), name
    assert folders(example / "output") == folders(clean), name
    shutil.rmtree(clean)


# --- the same under serve: one session kept across the edits -----------------------------------

SERVE_STEPS: list[tuple[str, Callable[[Path], None]]] = [
    STEPS[0],
    (
        # Same file name, new picture: every card showing it must follow, even remembered ones.
        "replace a technician's photo",
        lambda p: shutil.copyfile(
            p / "galleries/life-sciences/grace-oduya.jpg",
            p / "galleries/life-sciences/priya-raman.jpg",
        ),
    ),
    STEPS[5],  # a template: remembered cards must not outlive it
    (
        "edit a card's technician again",
        lambda p: _edit(
            p, "content/technicians/priya-raman.yaml", "Principal Research", "Lead Research"
        ),
    ),
    STEPS[1],  # a file the last listing did not find: the folders are listed again
    (
        # named in a news item: its page shows the new name (every build here renders the
        # pages it keeps again and compares them: --verify)
        "rename a technician named in the news",
        lambda p: _edit(
            p, "content/technicians/mei-ling-chen.yaml", "name: Mei-Ling Chen", "name: Mei Chen"
        ),
    ),
    STEPS[7],  # named in a news item too: no longer named there
    (
        "the same technician gives consent again",
        lambda p: _edit(
            p, "content/technicians/dave-hargreaves.yaml", "given: false", "given: true"
        ),
    ),
    STEPS[8],
    (
        "retitle a news item that names a technician",  # their profile lists it
        lambda p: _edit(
            p,
            "content/news/2026-11-10-winter-network-meeting.md",
            'title: "Winter network meeting:',
            'title: "Winter meeting:',
        ),
    ),
    (
        # both plans' pages show it (carried forward from the old plan): its views and pages
        # are made again, though they are kept after the saves of other files
        "retitle an action carried over from the last plan",
        lambda p: _edit(
            p,
            "content/plans/2024-2027.yaml",
            "title: Publish a public technician gallery,",
            "title: Publish a public gallery of technicians,",
        ),
    ),
    (
        "edit a profile after the plan",  # the plans' pages kept, and still as a clean build's
        lambda p: _edit(
            p, "content/technicians/priya-raman.yaml", "Lead Research", "Chief Research"
        ),
    ),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSession]:
    project = tmp_path_factory.mktemp("served") / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    session = BuildSession.for_project(Project.at(project / "content"), persist=False)
    build(_options(project, "output"), session=session)
    return project, session


@pytest.mark.parametrize("step", range(len(SERVE_STEPS)), ids=[n for n, _ in SERVE_STEPS])
def test_serve_session_build_equals_clean_build(
    served: tuple[Path, BuildSession], step: int
) -> None:
    """serve keeps a session between builds (rendered cards, photo results, the last record):
    what it writes must still be exactly what a clean build writes."""
    project, session = served
    name, change = SERVE_STEPS[step]
    options = replace(_options(project, "output"), verify=True)  # a kept page that differs fails
    before = input_signatures(input_folders(options))
    change(project)
    after = input_signatures(input_folders(options))
    # as serve's watcher reports them: only these files are looked at again
    changed = [Path(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p)]
    assert changed, name
    report = build(options, session=session, changed=changed)
    clean = project.parent / f"clean-{step}"
    _clean_build(project, f"../clean-{step}")
    assert report.incremental, name
    assert tree(project / "output") == tree(clean), name
    shutil.rmtree(clean)


def test_serve_remakes_only_the_pages_a_saved_profile_is_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    session = BuildSession.for_project(Project.at(project / "content"), persist=False)
    build(_options(project, "output"), session=session)
    rendered = _pages_rendered(monkeypatch)
    profile = project / "content/technicians/fatima-haddad.yaml"
    _edit(project, "content/technicians/fatima-haddad.yaml", "name: ", "name: Dr ")
    report = build(_options(project, "output"), session=session, changed=[profile])

    assert "technicians/fatima-haddad/" in rendered  # her page
    assert "news/2026-11-10-winter-network-meeting/" in rendered  # names her
    assert "technicians/" in rendered  # lists her
    assert "technicians/priya-raman/" not in rendered
    assert "news/2026-11-02-hpc-upgrade/" not in rendered
    assert "news/" not in rendered  # lists only news items
    assert "plans/" not in rendered and "plans/2024-2027/" not in rendered
    assert "Dr Fatima" in (project / "output/technicians/fatima-haddad/index.html").read_text()
    assert report.rendered == len(rendered) < 15


def test_serve_save_reads_and_checks_only_the_saved_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a save, serve keeps every other file's parse and entry, and the plans' views and
    pages while no plan file was saved (the same objects, not made again)."""
    project = tmp_path / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    session = BuildSession.for_project(Project.at(project / "content"), persist=False)
    build(_options(project, "output"), session=session)
    assert session.published is not None
    entries, plans = dict(session.entries), session.published.plans
    planned: list[int] = []  # each time the plans' pages are planned
    plan_specs = plan_pages_module.plan_specs
    monkeypatch.setattr(
        plan_pages_module,
        "plan_specs",
        lambda published: planned.append(1) or plan_specs(published),
    )
    read: list[Path] = []
    read_yaml = kinds.read_yaml  # how every YAML kind is read (site_builder.kinds)
    monkeypatch.setattr(kinds, "read_yaml", lambda path: read.append(path) or read_yaml(path))

    profile = project / "content/technicians/fatima-haddad.yaml"
    _edit(project, "content/technicians/fatima-haddad.yaml", "name: ", "name: Dr ")
    build(_options(project, "output"), session=session, changed=[profile])
    assert read == [profile]
    assert session.entries[profile][2] is not entries[profile][2]
    others = [path for path in entries if path != profile]
    assert all(session.entries[path][2] is entries[path][2] for path in others)
    assert session.published.plans is plans and not planned

    plan = project / "content/plans/2024-2027.yaml"
    _edit(project, "content/plans/2024-2027.yaml", "status: on-track", "status: delayed")
    build(_options(project, "output"), session=session, changed=[plan])
    assert read == [profile, plan]
    assert session.published.plans is not plans and planned == [1]
    _clean_build(project, "clean")
    assert tree(project / "output") == tree(project / "clean")


def test_serve_session_looks_again_at_what_a_failed_build_did_not(tmp_path: Path) -> None:
    """A photo replaced in the same save as a broken profile: the build fails before looking at
    photos, so the build after the fix (told only of the profile) must still pick it up."""
    project = tmp_path / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    session = BuildSession.for_project(Project.at(project / "content"), persist=False)
    build(_options(project, "output"), session=session)
    photo = project / "galleries/life-sciences/priya-raman.jpg"
    shutil.copyfile(project / "galleries/life-sciences/grace-oduya.jpg", photo)
    profile = project / "content/technicians/priya-raman.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text + "\nrole: [unclosed\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(_options(project, "output"), session=session, changed=[photo, profile])
    profile.write_text(text, encoding="utf-8")
    build(_options(project, "output"), session=session, changed=[profile])
    _clean_build(project, "clean")
    assert tree(project / "output") == tree(project / "clean")


def test_deleted_content_disappears(example: Path) -> None:
    (example / "content/news/2025-06-02-technician-showcase-2025.md").unlink()
    report = build(_options(example, "output"))
    assert report.removed >= 1
    assert not (example / "output/news/2025-06-02-technician-showcase-2025").exists()
    assert "technician-showcase-2025/" not in (example / "output/news/index.html").read_text()


def test_rebuild_after_no_change_writes_nothing(example: Path) -> None:
    build(_options(example, "output"))
    before = stamps(example / "output")
    report = build(_options(example, "output"))
    assert (report.rendered, report.written, report.removed) == (0, 0, 0)
    assert stamps(example / "output") == before


def test_template_change_rebuilds_only_pages_that_use_it(example: Path) -> None:
    build(_options(example, "output"))
    before = stamps(example / "output")
    _edit(example, "themes/default/templates/technician.html", "{% block", "{# mark #}{% block")
    report = build(_options(example, "output"))
    after = stamps(example / "output")
    profiles = [p for p in after if p.startswith("technicians/") and p.count("/") == 2 and "." in p]
    assert report.rendered == len(profiles) > 0
    assert report.written == 0  # a Jinja comment: rendered again, same bytes, nothing written
    assert after["index.html"] == before["index.html"]
    assert after["news/index.html"] == before["news/index.html"]


def test_output_edited_by_hand_is_put_back(example: Path) -> None:
    build(_options(example, "output"))
    page = example / "output/about/index.html"
    good = page.read_bytes()
    page.write_text("edited by hand", encoding="utf-8")
    build(_options(example, "output"))
    assert page.read_bytes() == good


# --- on tiny sites ----------------------------------------------------------------------------


def test_failed_incremental_build_leaves_output_untouched(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    out = tiny_site.root / "output"
    before, times = tree(out), stamps(out)
    tiny_site.write("content/technicians/alex-morgan.yaml", "name: Alex\nrole: [oops\n")
    with pytest.raises(BuildFailed):
        build(tiny_site.options())
    assert tree(out) == before and stamps(out) == times


def test_template_error_leaves_output_untouched(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    out = tiny_site.root / "output"
    before = stamps(out)
    page = tiny_site.root / "themes/default/templates/page.html"
    page.write_text(page.read_text().replace("</article>", "{{ no_such_thing }}</article>"))
    with pytest.raises(BuildFailed):
        build(tiny_site.options())
    assert stamps(out) == before


def test_changing_base_url_forces_a_full_build(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    report = build(tiny_site.options(base_url="https://example.org/sub/"))
    assert not report.incremental
    assert "/sub/about/" in (tiny_site.root / "output/index.html").read_text()


def test_list_pages_follow_an_edited_item(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    _edit(tiny_site.root, "content/news/2026-10-01-awards.md", "Award winners", "Prize winners")
    report = build(tiny_site.options())
    assert report.incremental
    out = tiny_site.root / "output"
    for page in ("news/index.html", "index.html", "feed.xml"):
        assert "Prize winners" in (out / page).read_text(), page


def test_unchanged_site_is_not_read_again(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no input changed and output/ as the last build left it, nothing is parsed."""
    first = build(tiny_site.options())
    monkeypatch.setattr("site_builder.checking.check_changed", _must_not_run)
    again = build(tiny_site.options())
    assert list(again.timings) == ["nothing changed"]
    assert (again.pages, again.files, again.images) == (first.pages, first.files, first.images)
    assert again.warnings == first.warnings and again.incremental
    assert (again.rendered, again.written, again.removed) == (0, 0, 0)


def test_build_command_says_nothing_changed_without_loading_the_builder(
    tiny_site: TinySite,
) -> None:
    """`site-builder build` checks for changes before importing Jinja, pydantic or the
    pipeline (most of a second): with nothing changed it answers from the last build's stamp."""
    argv = [
        "build",
        f"--content={tiny_site.content}",
        f"--output={tiny_site.root / 'output'}",
        f"--today={TODAY.isoformat()}",
    ]
    probe = (
        "import sys; from site_builder.cli import main; code = main(sys.argv[1:]); "
        "print(sorted(m for m in ('site_builder.pipeline', 'jinja2', 'pydantic', 'PIL') "
        "if m in sys.modules), code)"
    )

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()

    first = run()
    assert first[0].startswith("Built ")
    assert first[-1] == "['PIL', 'jinja2', 'pydantic', 'site_builder.pipeline'] 0"
    again = run()
    assert again[0].startswith("Nothing changed since the last build")
    assert again[-1] == "[] 0"
    _edit(tiny_site.root, "content/pages/about.md", "About", "About us")
    assert run()[0].startswith("Built ")


def _must_not_run(*args: object) -> None:
    raise AssertionError("content was read for a build with nothing to do")


@pytest.mark.parametrize(
    "change",
    [
        "save a file unchanged",
        "add an empty gallery folder",
        "remove an output file",
        "build with drafts",
        "edit a theme file",
    ],
)
def test_any_change_means_a_real_build(tiny_site: TinySite, change: str) -> None:
    build(tiny_site.options())
    options = tiny_site.options()
    root = tiny_site.root
    if change == "save a file unchanged":
        about = root / "content/pages/about.md"
        about.write_bytes(about.read_bytes())
        os.utime(about, ns=(1, 1))  # same size, and a time no earlier build saw
    elif change == "add an empty gallery folder":
        (root / "galleries/new-building").mkdir()
    elif change == "remove an output file":
        (root / "output/about/index.html").unlink()
    elif change == "build with drafts":
        options = tiny_site.options(drafts=True)
    elif change == "edit a theme file":
        css = next((root / "themes/default/static").rglob("*.css"))
        css.write_text(css.read_text(encoding="utf-8") + "\n/* x */\n", encoding="utf-8")
    if change == "add an empty gallery folder":
        with pytest.raises(BuildFailed) as failed:
            build(options)
        assert any("no gallery.yaml" in p.message for p in failed.value.problems)
        return
    report = build(options)
    assert "nothing changed" not in report.timings
    if change == "remove an output file":
        assert (root / "output/about/index.html").is_file()


# --- the pieces ----------------------------------------------------------------------------------


def test_template_index_follows_extends_include_and_import() -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "base.html": "{{ site }}{% block body %}{% endblock %}{% include 'foot.html' %}",
                "foot.html": "{{ footer }}",
                "macros.html": "{% macro m(x) %}{{ x }}{% endmacro %}",
                "page.html": "{% extends 'base.html' %}{% from 'macros.html' import m %}"
                "{% block body %}{{ m(title) }}{% endblock %}",
                "other.html": "{{ unrelated }}",
            }
        )
    )
    facts = TemplateIndex(env).facts("page.html")
    assert facts.names is not None
    assert {"site", "footer", "title"} <= facts.names
    assert "unrelated" not in facts.names
    assert len(facts.files) == 4


def test_a_template_is_parsed_once_for_its_analysis_and_its_rendering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The theme's environment compiles a template when it is analysed and hands over the
    tree it parsed, which gives the same names and references as a tree parsed afresh; the
    page then renders with the compiled template (so forked workers compile nothing)."""
    from site_builder.render import ThemeEnvironment

    sources = {
        "base.html": "{{ site }}{% block body %}{% endblock %}{% include 'foot.html' %}",
        "foot.html": "{{ footer | upper }}{{ 1 + 2 }}",
        "page.html": "{% extends 'base.html' %}{% block body %}{{ title }}{% endblock %}",
    }
    parsed: list[str | None] = []
    parse = jinja2.Environment._parse

    def counted(
        env: jinja2.Environment, source: str, name: str | None, filename: str | None
    ) -> jinja2.nodes.Template:
        parsed.append(name)
        return parse(env, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counted)
    env = ThemeEnvironment(loader=jinja2.DictLoader(sources))
    facts = TemplateIndex(env).facts("page.html")
    fresh = TemplateIndex(jinja2.Environment(loader=jinja2.DictLoader(sources))).facts("page.html")
    assert facts == fresh and facts.names is not None
    assert {"site", "footer", "title"} <= facts.names
    parsed_for_the_index = parsed.count("page.html")
    assert env.get_template("page.html").render(site="S", title="T", footer="f") == "STF3"
    assert parsed_for_the_index == parsed.count("page.html") == 1


def test_page_fingerprint_ignores_variables_the_template_does_not_use() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ a }}"}))
    facts = TemplateIndex(env).facts("t.html")
    first = page_fingerprint(facts, {"a": 1, "b": 2}, Fingerprinter({}))
    assert first == page_fingerprint(facts, {"a": 1, "b": 3}, Fingerprinter({}))
    assert first != page_fingerprint(facts, {"a": 2, "b": 2}, Fingerprinter({}))


def test_page_fingerprint_tells_every_text_value_apart() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ a }}{{ b }}"}))
    facts = TemplateIndex(env).facts("t.html")

    def fingerprint(**context: object) -> str | None:
        return page_fingerprint(facts, context, Fingerprinter({}))

    seen = [
        fingerprint(a="Lab news", b=""),
        fingerprint(a="Lab new", b="s"),  # the same letters split differently
        fingerprint(a="Lab news", b=[]),
        fingerprint(a=["Lab news"], b=""),
        fingerprint(a=Markup("Lab news"), b=""),
        fingerprint(a="Lab néws", b=""),
    ]
    assert None not in seen and len(set(seen)) == len(seen)
    assert seen[0] == fingerprint(a="Lab news", b="")


def test_lasting_hashes_follow_the_object_not_its_value() -> None:
    """serve keeps an entry's hash while the entry is the same object (its file's bytes are
    then the same, see validate.EntriesMade); an entry made again is hashed again."""
    path = Path("/site/content/technicians/a.yaml")
    lasting = LastingHashes((Entry,))
    entry = Entry("a", path, meta={"name": "A"})
    first = Fingerprinter({path: "bytes-1"}, lasting).of(entry)
    assert Fingerprinter({path: "bytes-2"}, lasting).of(entry) == first  # kept: not looked at
    made_again = Entry("a", path, meta={"name": "A"})
    assert Fingerprinter({path: "bytes-2"}, lasting).of(made_again) != first
    assert Fingerprinter({path: "bytes-1"}).of(made_again) == first  # same file, same hash


def test_unhashable_context_means_always_render() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ f() }}"}))
    facts = TemplateIndex(env).facts("t.html")
    assert page_fingerprint(facts, {"f": os.getcwd}, Fingerprinter({})) is None


def test_parallel_rendering_gives_the_same_bytes(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    build(_options(example, "../serial"))
    monkeypatch.setattr(render_pages, "PARALLEL_MIN_PAGES", 10)
    options = _options(example, "../parallel")
    report = build(BuildOptions(options.project, options.output, today=TODAY, jobs=2))
    assert report.rendered == report.pages
    assert tree(example.parent / "parallel") == tree(example.parent / "serial")


def test_the_next_build_process_uses_the_cards_this_one_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cards and Markdown conversions made by a first build's worker processes are kept in
    .cache/ and used by the next `build` (each builds with a session of its own, as a new
    process would): cards until the theme changes, conversions until their text does; an
    unreadable memory is started afresh."""

    def as_a_new_process() -> None:  # each build() without a session starts one afresh
        pass

    project = tmp_path / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    monkeypatch.setattr(render_pages, "PARALLEL_MIN_PAGES", 10)
    options = _options(project, "output")
    as_a_new_process()
    build(BuildOptions(options.project, options.output, today=TODAY, jobs=2))
    cache = options.project.cache
    memory = session_store.RenderedMemory.load(cache, builder_version())
    fragments, texts = memory.fragments, memory.texts
    carded = {Path(str(key[2])).stem for key in fragments}
    listed = re.findall(r'href="[^"]*/technicians/([a-z0-9-]+)/"', _listing(project))
    assert carded == set(listed) and len(carded) > 10
    assert texts  # the feeds and plan downloads too
    # only the workers converted the profiles' bios: the main process renders no profile
    bio = yaml.safe_load((project / AMARA).read_text(encoding="utf-8"))["bio"].strip("\n")
    assert "<p>" in memory.conversions[bio]

    marker = "<!-- remembered -->"
    kept = {k: v for k, v in fragments.items() if str(k[2]).endswith("amara-nwosu.yaml")}
    for key, fragment in kept.items():
        fragments[key] = Fragment(Markup(marker) + fragment.html, fragment.images)
    conversions = {**memory.conversions, bio: memory.conversions[bio] + "<p>kept</p>"}
    session_store.RenderedMemory(builder_version(), fragments, texts, conversions).save(cache)
    _edit(project, "content/technicians/aled-pritchard.yaml", "role: ", "role: Head ")
    as_a_new_process()
    build(options)
    listing = _listing(project)
    assert marker in listing and "Head Senior Animal Technician" in listing

    # A theme change remakes every profile page: cards again, the bios from the memory.
    _edit(project, "themes/default/templates/_macros.html", "person-card__role", "person-card__job")
    _edit(project, "themes/default/templates/technician.html", "prose", "prose bio")
    as_a_new_process()
    build(options)
    assert marker not in _listing(project)
    assert "<p>kept</p>" in (project / "output/technicians/amara-nwosu/index.html").read_text()

    (cache / session_store.RENDERED_FILE).write_bytes(b"not a pickle")
    _edit(project, "content/technicians/aled-pritchard.yaml", "role: Head ", "role: ")
    as_a_new_process()
    build(options)
    assert "Head Senior" not in _listing(project)


AMARA = "content/technicians/amara-nwosu.yaml"


def _pages_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The address of every page rendered from now on, in order."""
    rendered: list[str] = []
    real_render = render_pages.render_page

    def render_page(env: jinja2.Environment, spec: PageSpec, context: dict) -> str:
        rendered.append(spec.path)
        return real_render(env, spec, context)

    monkeypatch.setattr(render_pages, "render_page", render_page)
    return rendered


def _listing(project: Path) -> str:
    return (project / "output/technicians/index.html").read_text(encoding="utf-8")


def test_editing_someone_remakes_the_filter_pages_they_are_on_only(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A department's page shows the other departments' names and head counts, not their
    people: a new role for a chemist leaves the physics page alone; a move changes counts."""
    from tests.sites import TECHNICIAN

    tiny_site.write(
        "content/technicians/sam-lee.yaml",
        TECHNICIAN.replace("Alex Morgan", "Sam Lee").replace("Chemistry", "Physics"),
    )
    build(tiny_site.options())
    rendered = _pages_rendered(monkeypatch)
    _edit(tiny_site.root, "content/technicians/alex-morgan.yaml", "role: ", "role: Senior ")
    build(tiny_site.options())
    assert "technicians/department/chemistry/" in rendered
    assert "technicians/department/physics/" not in rendered
    rendered.clear()
    _edit(tiny_site.root, "content/technicians/alex-morgan.yaml", "Chemistry", "Physics")
    build(tiny_site.options())
    assert "technicians/department/physics/" in rendered
    out = tiny_site.root / "output/technicians/department"
    assert "2 technicians" in (out / "physics/index.html").read_text(encoding="utf-8")
    assert not (out / "chemistry").exists()


def test_the_collector_runs_less_often_but_is_never_turned_off() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        collect_less()
        assert gc.get_threshold() == (YOUNG_OBJECTS, 10, 10)
        gc.set_threshold(50_000, 10, 10)  # someone's own, larger setting stays
        collect_less()
        assert gc.get_threshold()[0] == 50_000
        gc.set_threshold(0)  # turned off stays off
        collect_less()
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
