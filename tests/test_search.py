"""Site search: what goes in the Pagefind index, what never does, and what happens without it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from site_builder.errors import BuildFailed
from site_builder.pipeline import BuildSession, SearchTiming, build
from site_builder.search import (
    SearchCancelled,
    find_pagefind,
    indexed_part,
    indexed_parts,
    run_indexer,
)
from tests.search_index import fragments, indexed_text
from tests.sites import TinySite

needs_pagefind = pytest.mark.skipif(
    find_pagefind() is None,
    reason="the Pagefind binary is not installed (pip install pagefind[bin])",
)

DRAFT = """\
---
title: Draft news
date: 2026-10-02
summary: Not yet announced.
draft: true
---

The word quokkaridge appears only in this draft.
"""

FUTURE = """\
---
title: Future news
date: 2027-01-15
summary: Not yet.
---

The word marmosetvale appears only in this future item.
"""

PRIVATE = """\
name: Robin Quill
role: Workshop Technician
department: Physics
gallery: main
bio: Robin looks after the zephyrtron.
search_engines: false
consent:
  given: true
  date: 2025-02-01
"""

UNCONSENTED = """\
name: Casey Nobody
role: Lab Technician
department: Physics
gallery: main
bio: Casey runs the wobblescope.
"""


def output(site: TinySite) -> Path:
    return site.root / "output"


@needs_pagefind
def test_content_pages_are_indexed_with_their_type(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    records = {r["url"]: r for r in fragments(output(tiny_site))}
    assert records["/technicians/alex-morgan/"]["meta"]["type"] == "Technician"
    assert records["/news/2026-10-01-awards/"]["meta"]["type"] == "News"
    assert records["/about/"]["meta"]["type"] == "Page"
    assert records["/plans/2025-2028/recognition/"]["meta"]["type"] == "Action plan"
    assert records["/technicians/alex-morgan/"]["meta"]["title"] == "Alex Morgan"
    assert "runs the teaching labs" in records["/technicians/alex-morgan/"]["content"]


@needs_pagefind
def test_the_same_site_gives_the_same_index_byte_for_byte(tiny_site: TinySite) -> None:
    # Pagefind's filter indexes come out in a different order on each run; we use none, so a
    # rebuild of an unchanged site changes nothing (publish makes no commit, incremental
    # builds match clean ones).
    build(tiny_site.options())
    first = {
        p.relative_to(output(tiny_site)): p.read_bytes()
        for p in output(tiny_site).rglob("*")
        if p.is_file()
    }
    build(tiny_site.options())
    second = {
        p.relative_to(output(tiny_site)): p.read_bytes()
        for p in output(tiny_site).rglob("*")
        if p.is_file()
    }
    assert first == second


@needs_pagefind
def test_listings_and_site_furniture_are_not_indexed(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    urls = {r["url"] for r in fragments(output(tiny_site))}
    for listing in ("/", "/technicians/", "/news/", "/galleries/main/", "/search/", "/404.html"):
        assert listing not in urls
    assert not any(url.endswith("/done/") for url in urls)
    # the menu and footer are on every page but are not content
    about = next(r for r in fragments(output(tiny_site)) if r["url"] == "/about/")
    assert "Skip to main content" not in about["content"]
    assert "Accessibility statement" not in about["content"]


@needs_pagefind
def test_drafts_and_future_items_are_never_indexed_even_when_built(tiny_site: TinySite) -> None:
    tiny_site.write("content/news/2026-10-02-draft.md", DRAFT)
    tiny_site.write("content/news/2027-01-15-future.md", FUTURE)
    build(tiny_site.options(drafts=True))
    out = output(tiny_site)
    assert "quokkaridge" in (out / "news/2026-10-02-draft/index.html").read_text(encoding="utf-8")
    assert (out / "news/2027-01-15-future/index.html").is_file()
    text = indexed_text(out)
    assert "quokkaridge" not in text
    assert "marmosetvale" not in text
    assert "award winners" in text  # the index itself was made


@needs_pagefind
def test_noindex_and_unconsented_profiles_are_never_indexed(tiny_site: TinySite) -> None:
    tiny_site.write("content/technicians/robin-quill.yaml", PRIVATE)
    tiny_site.write("content/technicians/casey-nobody.yaml", UNCONSENTED)
    build(tiny_site.options())
    out = output(tiny_site)
    assert (out / "technicians/robin-quill/index.html").is_file()
    assert not (out / "technicians/casey-nobody").exists()
    text = indexed_text(out)
    for word in ("zephyrtron", "robin-quill", "wobblescope", "casey"):
        assert word not in text


PRIVATE_IN_NEWS = """\
---
title: Workshop open day
date: 2026-10-03
summary: The workshop opened its doors.
technicians: [robin-quill, alex-morgan]
---

Visitors came.
"""


@needs_pagefind
def test_profile_cards_on_an_article_are_left_out_of_the_index(tiny_site: TinySite) -> None:
    # A noindex profile's card must not leak it; a public one's repeats the profile, which
    # search finds on its own page.
    tiny_site.write("content/technicians/robin-quill.yaml", PRIVATE)
    tiny_site.write("content/news/2026-10-03-open-day.md", PRIVATE_IN_NEWS)
    build(tiny_site.options())
    page = (output(tiny_site) / "news/2026-10-03-open-day/index.html").read_text(encoding="utf-8")
    assert "Robin Quill" in page and "Alex Morgan" in page  # still shown to readers
    record = next(
        r for r in fragments(output(tiny_site)) if r["url"] == "/news/2026-10-03-open-day/"
    )
    assert "Alex Morgan" not in record["content"]
    assert "Robin" not in record["content"]


@needs_pagefind
def test_search_page_and_menu_link(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    page = (output(tiny_site) / "search/index.html").read_text(encoding="utf-8")
    assert '<label class="search-form__label" for="search-query">' in page
    assert 'method="get"' in page and 'name="q"' in page
    assert "<noscript>" in page and "Search needs JavaScript" in page
    assert 'data-pagefind="/pagefind/pagefind.js"' in page
    home = (output(tiny_site) / "index.html").read_text(encoding="utf-8")
    assert '<a href="/search/">Search</a>' in home
    assert (output(tiny_site) / "pagefind/pagefind.js").is_file()


def test_search_false_leaves_out_the_index_the_page_and_the_link(tiny_site: TinySite) -> None:
    site = tiny_site.content / "site.yaml"
    site.write_text(site.read_text() + "search: false\n")
    build(tiny_site.options())
    out = output(tiny_site)
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    assert "/search/" not in (out / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind" not in (out / "technicians/alex-morgan/index.html").read_text(
        encoding="utf-8"
    )


@needs_pagefind
def test_missing_pagefind_fails_the_build_and_keeps_the_last_site(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tiny_site.options())
    out = output(tiny_site)
    before = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*")}
    monkeypatch.setattr("site_builder.search.find_pagefind", lambda: None)
    build(tiny_site.options())  # nothing changed: the index is kept, so the indexer is not needed
    tiny_site.write("content/pages/about.md", "---\ntitle: About\n---\nChanged.\n")
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    (problem,) = failed.value.problems
    assert "Pagefind" in problem.message
    assert problem.hint and "search: false" in problem.hint and "pagefind[bin]" in problem.hint
    assert {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*")} == before


@needs_pagefind
def test_the_index_is_remade_only_when_what_it_reads_changed(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template change outside <main> (a footer) changes every page but nothing the indexer
    reads: the bundle is kept without running it. A change to a page's text is indexed."""
    build(tiny_site.options())
    out = output(tiny_site)
    bundle = {p: p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    monkeypatch.setattr("site_builder.search.find_pagefind", lambda: None)  # must not be needed
    base = tiny_site.root / "themes/default/templates/base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</footer>", "<p>New footer</p></footer>")
    )
    report = build(tiny_site.options())
    assert report.rendered == report.pages and "New footer" in (out / "index.html").read_text()
    assert {p: p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()} == bundle
    tiny_site.write("content/pages/about.md", "---\ntitle: About\n---\nChanged.\n")
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    assert "Pagefind" in failed.value.problems[0].message


@needs_pagefind
def test_a_first_build_after_output_is_deleted_uses_the_last_bundle(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last bundle is kept in .cache/ with what it was made from and by which indexer:
    deleting output/ does not run Pagefind again; a change it reads, or another Pagefind,
    does."""
    from site_builder import indexing, search

    build(tiny_site.options())
    out = output(tiny_site)
    site = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    indexed: list[int] = []

    def counted(pages: dict[str, bytes], **options: object) -> dict[str, bytes]:
        indexed.append(len(pages))
        return run_indexer(pages)

    monkeypatch.setattr(indexing, "run_indexer", counted)
    shutil.rmtree(out)
    build(tiny_site.options())
    assert not indexed
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == site

    other = tiny_site.root / "other-pagefind"
    other.symlink_to(search.find_pagefind() or "")
    monkeypatch.setattr(search, "find_pagefind", lambda: other)
    shutil.rmtree(out)
    build(tiny_site.options())
    assert len(indexed) == 1
    tiny_site.write("content/pages/about.md", "---\ntitle: About\n---\nChanged.\n")
    build(tiny_site.options())
    assert len(indexed) == 2


@needs_pagefind
def test_serve_puts_off_the_index_and_then_finds_it_still_stands(
    tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve's build marks the kept bundle as pending when pages changed; the build that
    catches up compares what the indexer reads and keeps the bundle when that is the same."""
    session = BuildSession.for_project(tiny_site.options().project, persist=False)
    build(tiny_site.options(), session=session)
    out = output(tiny_site)
    bundle = {p: p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    base = tiny_site.root / "themes/default/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Hi</p></footer>"))
    later = build(tiny_site.options(), session=session, search=SearchTiming(later=True))
    assert later.search_pending
    again = build(tiny_site.options(), session=session, search=SearchTiming(later=True))
    assert again.search_pending  # still pending: nothing has caught up yet
    monkeypatch.setattr("site_builder.search.find_pagefind", lambda: None)  # must not be needed
    caught_up = build(tiny_site.options(), session=session, search=SearchTiming())
    assert not caught_up.search_pending
    assert {p: p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()} == bundle
    assert not build(
        tiny_site.options(), session=session, search=SearchTiming(later=True)
    ).search_pending


MARKED = {"index.html": b"<main data-pagefind-body>hi</main>"}


def _fake_pagefind(folder: Path, script: str) -> Path:
    fake = folder / "fake-pagefind"
    fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


def test_the_indexer_is_found_as_pagefind_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PAGEFIND_BINARY_PATH first (and only), then the bundled binaries, then the PATH; and
    finding it does not import pagefind's service module (asyncio, 10 to 40 ms a build)."""
    from site_builder import search

    fake = _fake_pagefind(tmp_path, "exit 0")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    assert find_pagefind() == fake
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    assert find_pagefind() is None
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    monkeypatch.setattr(search, "_BUNDLED", ("no_such_package",))
    on_path = tmp_path / "bin" / "pagefind"
    on_path.parent.mkdir()
    on_path.write_text("#!/bin/sh\n", encoding="utf-8")
    on_path.chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert find_pagefind() == on_path
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert find_pagefind() is None

    code = "import sys; from site_builder.search import find_pagefind; find_pagefind(); "
    code += "print(sorted({'asyncio', 'pagefind.service'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_failing_indexer_is_reported_with_what_it_said(tmp_path: Path) -> None:
    fake = _fake_pagefind(tmp_path, "echo 'Error: disk full' >&2\nexit 3")
    with pytest.raises(BuildFailed) as failed:
        run_indexer(MARKED, program=fake)
    (problem,) = failed.value.problems
    assert "exit code 3" in problem.message and "disk full" in problem.message
    assert problem.hint and "pagefind[bin]" in problem.hint


def test_an_indexer_that_writes_no_index_is_reported(tmp_path: Path) -> None:
    """Exit code 0 is not enough: what Pagefind said reaches the message."""
    fake = _fake_pagefind(tmp_path, "echo 'Error: no room for the index'")
    with pytest.raises(BuildFailed) as failed:
        run_indexer(MARKED, program=fake)
    (problem,) = failed.value.problems
    assert "wrote no index" in problem.message and "no room" in problem.message


def test_the_indexer_reads_the_pages_it_is_handed_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It runs in a scratch folder holding the pages (none of the user's pagefind.yml or
    PAGEFIND_ settings), and every file it writes into its bundle comes back."""
    fake = _fake_pagefind(
        tmp_path,
        'test "$1 $2 $3 $4" = "--site site --output-path bundle" || exit 7\n'
        'test -z "$PAGEFIND_SITE" || exit 8\n'
        "mkdir -p bundle/fragment\n"
        "cat site/index.html > bundle/fragment/copy\n"
        "ls site/a/b > bundle/pagefind-entry.json",
    )
    pages = {**MARKED, "a/b/c.html": b"<main data-pagefind-body>c</main>"}
    monkeypatch.setenv("PAGEFIND_SITE", "elsewhere")
    bundle = run_indexer(pages, program=fake)
    assert bundle == {"fragment/copy": MARKED["index.html"], "pagefind-entry.json": b"c.html\n"}


def test_nothing_marked_means_the_indexer_is_not_run(tmp_path: Path) -> None:
    """Pagefind would index every page if none were marked: private ones included."""
    fake = _fake_pagefind(tmp_path, "exit 9")
    pages = {"index.html": b"<main>private</main>"}
    store = tmp_path / "store.bin"
    assert indexed_parts(store, {"index.html": "1"}, pages.__getitem__) == {}
    assert run_indexer({}, program=fake) == {}


@needs_pagefind
def test_indexing_is_timed(tiny_site: TinySite) -> None:
    report = build(tiny_site.options())
    assert "search index" in report.timings


def test_a_running_indexer_stops_when_cancelled(tmp_path: Path) -> None:
    """serve stops a reindex when a newer save is waiting to be built."""
    fake = _fake_pagefind(tmp_path, "exec sleep 30")
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(SearchCancelled):
        run_indexer(MARKED, program=fake, cancel=cancel)
    assert time.monotonic() - started < 5


@needs_pagefind
def test_the_indexer_is_handed_pages_in_a_fixed_order() -> None:
    """The same pages give the same bundle, byte for byte, whatever order they come in."""
    pages = {f"p{n}/index.html": PAGE.replace(b"lathes", f"lathe {n}".encode()) for n in range(30)}
    first = run_indexer(pages)
    second = run_indexer(dict(reversed(list(pages.items()))))
    assert first == second
    assert any(name.startswith("fragment/") for name in first)
    assert "pagefind-entry.json" in first


# --- what the indexer is handed ------------------------------------------------------------------

PAGE = b"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Ada Lovelace | Northmere</title>
<meta property="og:title" content="Ada Lovelace" data-pagefind-meta="title[content]">
<meta name="description" content="Left out">
<script type="application/ld+json">{"name": "left out"}</script></head>
<body><nav>Menu words</nav>
<main id="main" data-pagefind-body><h1>Ada Lovelace</h1><p>Looks after the lathes.</p></main>
<footer>Footer words</footer></body></html>
"""


def test_indexer_is_handed_the_language_title_metadata_and_main_only() -> None:
    part = indexed_part(PAGE)
    assert part is not None
    assert b'<html lang="en-GB">' in part
    assert b"<title>Ada Lovelace | Northmere</title>" in part
    assert b'data-pagefind-meta="title[content]"' in part
    assert b'<main id="main" data-pagefind-body><h1>Ada Lovelace</h1>' in part
    assert b"Looks after the lathes.</p></main>" in part
    for left_out in (b"Menu words", b"Footer words", b"ld+json", b"Left out"):
        assert left_out not in part
    assert indexed_part(PAGE.replace(b" data-pagefind-body", b"")) is None


def testindexed_parts_are_read_again_only_when_a_page_changes(tmp_path: Path) -> None:
    pages = {"a/index.html": PAGE, "b/index.html": PAGE.replace(b"lathes", b"kilns")}
    digests = {path: str(hash(data)) for path, data in pages.items()}
    read_log: list[str] = []

    def read(path: str) -> bytes:
        read_log.append(path)
        return pages[path]

    store = tmp_path / "search" / "site.bin"
    assert sorted(indexed_parts(store, digests, read)) == ["a/index.html", "b/index.html"]
    assert sorted(read_log) == ["a/index.html", "b/index.html"]
    read_log.clear()
    pages["b/index.html"] = PAGE.replace(b"lathes", b"looms")
    digests["b/index.html"] = "changed"
    del pages["a/index.html"], digests["a/index.html"]
    parts = indexed_parts(store, digests, read)
    assert read_log == ["b/index.html"]  # the unchanged page is not even read
    assert list(parts) == ["b/index.html"] and b"looms" in parts["b/index.html"]
    store.write_text("not what was saved", encoding="utf-8")  # a damaged store
    assert list(indexed_parts(store, digests, read)) == ["b/index.html"]  # starts again
    assert read_log == ["b/index.html", "b/index.html"]


def _listing_pages_of_a_plan() -> list[str]:
    plan = "/plans/2025-2028/"
    return [
        plan + "actions/",
        plan + "timeline/",
        plan + "done/",
        plan + "status/complete/",
        plan + "status/on-track/",
        plan + "status/delayed/",
    ]


@needs_pagefind
def test_each_action_is_indexed_once_on_its_theme_page(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    records = fragments(output(tiny_site))
    urls = {r["url"] for r in records}
    built = {
        str(p.parent.relative_to(output(tiny_site))) for p in output(tiny_site).rglob("*.html")
    }
    for listing in _listing_pages_of_a_plan():
        assert listing.strip("/") in built, listing  # the page is made...
        assert listing not in urls  # ...but not indexed
    for title in (
        "Publish a gallery of technicians",
        "Start an annual award",
        "Start an apprenticeship",
    ):
        holding = [r["url"] for r in records if title in r["content"]]
        assert len(holding) == 1 and holding[0].count("/") == 4, (title, holding)


@needs_pagefind
def test_a_person_is_indexed_on_their_own_page_only(tiny_site: TinySite) -> None:
    # The news item shows Alex's card; the card repeats the profile, which is indexed itself.
    build(tiny_site.options())
    holding = [r["url"] for r in fragments(output(tiny_site)) if "Alex Morgan" in r["content"]]
    assert holding == ["/technicians/alex-morgan/"]


@needs_pagefind
def test_indexed_text_keeps_labels_apart_from_their_values(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    records = {r["url"]: r["content"] for r in fragments(output(tiny_site))}
    profile = records["/technicians/alex-morgan/"]
    assert "Gallery: Main Building" in profile, profile
    theme = records["/plans/2025-2028/recognition/"]
    # No column headings glued together ("ActionLeadSuccess measures...") and no glued cells.
    for glued in ("ActionLead", "TargetStatus", "LeadSuccess"):
        assert glued not in theme, theme


def test_the_indexed_copy_separates_terms_cells_and_drops_column_headings() -> None:
    page = (
        b'<html lang="en"><title>T</title><main data-pagefind-body>'
        b"<dl><div><dt>Faculty</dt><dd>Science</dd></div><dt>Room</dt>\n <dd>G12</dd></dl>"
        b"<table><caption>Actions</caption><thead><tr><th>Action</th><th>Lead</th></tr></thead>"
        b"<tbody><tr><th>Do it</th><td>Sam</td></tr></tbody></table></main>"
    )
    part = indexed_part(page)
    assert part is not None
    assert b"<dt>Faculty</dt>: <dd>Science</dd>" in part
    assert b"<dt>Room</dt>: <dd>G12</dd>" in part
    assert b"<th>Do it</th> <td>Sam</td> " in part
    assert b"<thead" not in part and b"Lead" not in part and b"Actions" not in part


def test_no_page_has_a_meta_without_a_name(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    for page in output(tiny_site).rglob("*.html"):
        for meta in re.findall(r"<meta\b[^>]*>", page.read_text(encoding="utf-8")):
            assert re.search(r"\b(name|property|charset|http-equiv|itemprop)=", meta), (page, meta)
