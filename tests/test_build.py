"""Building tiny sites: what is published, what is refused, and that output is never lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.errors import BuildFailed
from site_builder.pipeline import build
from tests.sites import ROOT, TinySite


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_tiny_site_builds_every_page_type(tiny_site: TinySite) -> None:
    report = build(tiny_site.options())
    out = tiny_site.root / "output"
    for page in [
        "index.html",
        "about/index.html",
        "accessibility/index.html",
        "plans/index.html",
        "plans/2025-2028/index.html",
        "plans/2025-2028/career-development/index.html",
        "technicians/index.html",
        "technicians/alex-morgan/index.html",
        "galleries/index.html",
        "galleries/main/index.html",
        "case-studies/index.html",
        "news/index.html",
        "news/2026-10-01-awards/index.html",
        "events/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "assets/css/site.css",
        "assets/brand.css",
    ]:
        assert (out / page).is_file(), page
    assert report.pages >= 15
    assert "Alex Morgan" in read(out / "technicians/alex-morgan/index.html")
    assert "RSciTech" in read(out / "technicians/alex-morgan/index.html")


def test_home_page_states_signatory_date_and_contact(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    home = read(tiny_site.root / "output/index.html")
    assert "Signatory of the Technician Commitment" in home
    assert "1 March 2019" in home
    assert "Sam Lee" in home and "mailto:technicians@testford.example.ac.uk" in home
    assert "Action plan 2025-2028" in home


def test_profile_links_to_news_that_mentions_it_and_back(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    out = tiny_site.root / "output"
    assert "/news/2026-10-01-awards/" in read(out / "technicians/alex-morgan/index.html")
    assert "/technicians/alex-morgan/" in read(out / "news/2026-10-01-awards/index.html")


def test_non_consenting_technician_is_nowhere(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/technicians/jo-private.yaml",
        "name: Jo Private\nrole: Technician\ndepartment: Physics\ngallery: main\n",
    )
    tiny_site.write(
        "content/technicians/kim-withdrawn.yaml",
        "name: Kim Withdrawn\nrole: Technician\ndepartment: Physics\ngallery: main\n"
        "consent: {given: true, date: 2024-01-01, withdrawn: 2025-01-01}\n",
    )
    news = read(tiny_site.content / "news/2026-10-01-awards.md")
    tiny_site.write(
        "content/news/2026-10-01-awards.md",
        news.replace("[alex-morgan]", "[alex-morgan, jo-private, kim-withdrawn]"),
    )
    build(tiny_site.options())
    out = tiny_site.root / "output"
    assert not (out / "technicians/jo-private").exists()
    assert not (out / "technicians/kim-withdrawn").exists()
    for path in out.rglob("*"):
        if path.suffix in {".html", ".xml", ".txt", ".ics"}:
            text = read(path)
            assert "Jo Private" not in text and "jo-private" not in text, path
            assert "Kim Withdrawn" not in text and "kim-withdrawn" not in text, path


def test_drafts_and_future_items_only_with_drafts(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/news/2027-01-01-future.md",
        "---\ntitle: Future item\ndate: 2027-01-01\nsummary: Later.\n---\nSoon.\n",
    )
    tiny_site.write(
        "content/news/2026-09-01-draft.md",
        "---\ntitle: Draft item\ndate: 2026-09-01\nsummary: Draft.\ndraft: true\n---\nWIP.\n",
    )
    build(tiny_site.options())
    out = tiny_site.root / "output"
    assert not (out / "news/2027-01-01-future").exists()
    assert not (out / "news/2026-09-01-draft").exists()
    assert "Future item" not in read(out / "feed.xml")
    assert "2026-09-01-draft" not in read(out / "sitemap.xml")
    build(tiny_site.options(drafts=True))
    assert (out / "news/2027-01-01-future/index.html").exists()
    assert (out / "news/2026-09-01-draft/index.html").exists()


def test_event_offers_a_calendar_file(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/news/2026-11-01-talk.md",
        "---\ntitle: Talk\ndate: 2026-11-01\nsummary: A talk.\nevent:\n"
        "  start: 2026-12-01 14:00\n  end: 2026-12-01 15:00\n  place: Room 1\n---\nBody\n",
    )
    build(tiny_site.options())
    out = tiny_site.root / "output"
    ics = read(out / "news/2026-11-01-talk/2026-11-01-talk.ics")
    assert "DTSTART:20261201T140000Z" in ics
    assert "2026-11-01-talk.ics" in read(out / "news/2026-11-01-talk/index.html")
    assert "Talk" in read(out / "events/index.html")


def test_subpath_build_prefixes_every_link(tiny_site: TinySite) -> None:
    build(tiny_site.options(base_url="https://org.github.io/techcommit/"))
    home = read(tiny_site.root / "output/index.html")
    assert 'href="/techcommit/assets/css/site.css"' in home
    assert 'href="/techcommit/technicians/"' in home
    assert 'href="/technicians/' not in home
    sitemap = read(tiny_site.root / "output/sitemap.xml")
    assert "<loc>https://org.github.io/techcommit/about/</loc>" in sitemap


def test_failed_build_leaves_the_previous_output_untouched(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    out = tiny_site.root / "output"
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    tiny_site.write("content/technicians/broken.yaml", "name: [\n")
    with pytest.raises(BuildFailed):
        build(tiny_site.options())
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in tiny_site.root.iterdir() if p.name.startswith(".output-staging")]
    assert leftovers == []


def test_template_error_keeps_output_and_names_the_template(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    index = (tiny_site.root / "output/index.html").read_bytes()
    tiny_site.write(
        "themes/default/templates/page.html",
        "{% extends 'base.html' %}{% block content %}{{ page.nope }}{% endblock %}",
    )
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    problem = failed.value.problems[0]
    assert problem.path is not None and problem.path.name == "page.html"
    assert (tiny_site.root / "output/index.html").read_bytes() == index


def test_site_theme_overrides_one_template(tiny_site: TinySite) -> None:
    site = read(tiny_site.content / "site.yaml")
    tiny_site.write("content/site.yaml", site + "theme: ours\n")
    tiny_site.write(
        "themes/ours/templates/404.html",
        "{% extends 'base.html' %}{% block content %}<h1>Lost? Ours.</h1>{% endblock %}",
    )
    build(tiny_site.options())
    out = tiny_site.root / "output"
    assert "Lost? Ours." in read(out / "404.html")
    assert "Skip to main content" in read(out / "404.html")  # base.html still the default


@pytest.mark.parametrize("target", [".", "content", "themes", "galleries", "content/output"])
def test_dangerous_output_folders_are_refused(tiny_site: TinySite, target: str) -> None:
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options(output=tiny_site.root / target))
    assert "refusing" in failed.value.problems[0].message
    assert (tiny_site.content / "site.yaml").exists()


def test_folder_with_someone_elses_files_is_not_replaced(tiny_site: TinySite) -> None:
    precious = tiny_site.root / "mine" / "thesis.docx"
    precious.parent.mkdir()
    precious.write_bytes(b"important")
    with pytest.raises(BuildFailed):
        build(tiny_site.options(output=precious.parent))
    assert precious.read_bytes() == b"important"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_reports_errors_with_location_and_no_traceback(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/technicians/bad.yaml",
        "name: B\nrole: R\ndepartment: D\ngallery: main\nconsnt: yes\n",
    )
    result = run_cli("build", "--today", "2026-11-24", cwd=tiny_site.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "content/technicians/bad.yaml:5:1: error (field 'consnt'): unknown field 'consnt'"
        in result.stderr
    )
    assert "did you mean 'consent'?" in result.stderr
    assert "previous site in output/ is unchanged" in result.stderr
    assert not (tiny_site.root / "output").exists()


def test_cli_build_then_check_succeed(tiny_site: TinySite) -> None:
    result = run_cli("build", "--today", "2026-11-24", "--jobs", "1", cwd=tiny_site.root)
    assert result.returncode == 0, result.stderr
    assert "Built" in result.stdout
    check = run_cli("check", cwd=tiny_site.root)
    assert check.returncode == 0 and "No errors" in check.stdout


def test_cli_check_json(tiny_site: TinySite) -> None:
    # with consent: what is unfinished in a profile without it only warns
    consent = "consent:\n  given: true\n  date: 2025-02-01\n"
    tiny_site.write("content/technicians/bad.yaml", "name: B\n" + consent)
    result = run_cli("check", "--json", cwd=tiny_site.root)
    assert result.returncode == 1
    assert '"field": "role"' in result.stdout


def test_cli_new_never_overwrites(tiny_site: TinySite) -> None:
    first = run_cli("new", "technician", "Priya Shah", "--gallery", "main", cwd=tiny_site.root)
    assert first.returncode == 0, first.stderr
    created = tiny_site.content / "technicians/priya-shah.yaml"
    created.write_text(created.read_text() + "# my edits\n")
    second = run_cli("new", "technician", "Priya Shah", cwd=tiny_site.root)
    assert second.returncode == 1 and "already exists" in second.stderr
    assert created.read_text().endswith("# my edits\n")


def test_new_items_are_valid_drafts(tiny_site: TinySite) -> None:
    for kind, title in [("news", "Big news"), ("event", "Open lab"), ("case-study", "Our story")]:
        result = run_cli("new", kind, title, cwd=tiny_site.root)
        assert result.returncode == 0, result.stderr
    check = run_cli("check", "--drafts", cwd=tiny_site.root)
    assert check.returncode == 0, check.stderr


def test_cli_help_on_every_command(tiny_site: TinySite) -> None:
    for command in ([], ["build"], ["check"], ["new"], ["schema"]):
        result = run_cli(*command, "--help", cwd=tiny_site.root)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_schema_command_writes_json_schema(tiny_site: TinySite) -> None:
    result = run_cli("schema", "--out", "schemas", cwd=tiny_site.root)
    assert result.returncode == 0, result.stderr
    assert (tiny_site.root / "schemas/technician.schema.json").is_file()
    assert '"registrations"' in read(tiny_site.root / "schemas/technician.schema.json")


def test_logo_without_the_name_gets_the_short_name_beside_it(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/media/crest.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Crest</title>'
        '<circle cx="5" cy="5" r="4"/></svg>',
    )
    site = read(tiny_site.content / "site.yaml")
    tiny_site.write(
        "content/site.yaml",
        site + "logo:\n  src: media/crest.svg\n  alt: ''\n  includes_name: false\n",
    )
    build(tiny_site.options())
    home = read(tiny_site.root / "output/index.html")
    header = home.split('<header class="site-header">')[1].split("</header>")[0]
    assert 'src="/media/crest.svg" alt=""' in header
    assert "Testford" in header
    assert (tiny_site.root / "output/media/crest.svg").is_file()


def test_technicians_can_be_filtered_without_javascript(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/technicians/bo-chen.yaml",
        "name: Bo Chen\nrole: Technician\ndepartment: Physics\ngallery: main\n"
        "registrations: [RSciTech, CEng]\nconsent: {given: true, date: 2025-01-01}\n",
    )
    build(tiny_site.options())
    out = tiny_site.root / "output/technicians"
    rscitech = read(out / "registration/rscitech/index.html")
    assert "Alex Morgan" in rscitech and "Bo Chen" in rscitech
    ceng = read(out / "registration/ceng/index.html")
    assert "Bo Chen" in ceng and "Alex Morgan" not in ceng
    physics = read(out / "department/physics/index.html")
    assert "Bo Chen" in physics and "Alex Morgan" not in physics
    assert 'href="/technicians/department/chemistry/"' in read(out / "index.html")


def test_plan_offers_downloads_chart_and_what_we_have_done(tiny_site: TinySite) -> None:
    build(tiny_site.options())
    plan = tiny_site.root / "output/plans/2025-2028"
    page = read(plan / "index.html")
    assert 'href="/plans/2025-2028/2025-2028.csv"' in page
    assert 'href="/plans/2025-2028/2025-2028.json"' in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in page
    assert (plan / "2025-2028.csv").read_bytes().count(b"\r\n") == 5  # header and four actions
    assert "Publish a gallery of technicians" in read(plan / "done/index.html")


def test_bench_cold_phase_sets_the_last_site_aside_and_counts_kernel_time(
    tmp_path: Path,
) -> None:
    from benchmarks import bench_site

    site = TinySite(tmp_path / "project")
    bench_site._phase(site.root, "cold-images-cached")
    (site.root / "output" / "marker.txt").write_text("the last site")
    photo_cache = site.root / ".cache" / "images"
    photo_cache.mkdir()
    (photo_cache / "made.webp").write_bytes(b"a photo made earlier")
    figures = bench_site._phase(site.root, "cold-images-cached")

    assert figures["rendered"] == figures["pages"] > 0  # a cold build: every page
    assert figures["kernel"] >= 0
    aside = {a.name.split("-")[0]: a for a in (tmp_path / "set-aside").iterdir()}
    assert sorted(aside) == ["output", "search", "templates"]  # cold: compiled templates too
    assert (aside["output"] / "marker.txt").read_text() == "the last site"
    assert not (site.root / "output" / "marker.txt").exists()
    assert (photo_cache / "made.webp").exists()  # only the photo cache is kept


def test_new_technician_in_a_gallery_that_does_not_exist_is_refused(tiny_site: TinySite) -> None:
    result = run_cli("new", "technician", "Priya Shah", "--gallery", "mane", cwd=tiny_site.root)
    assert result.returncode == 1
    assert "there is no gallery 'mane'" in result.stderr
    assert "did you mean 'main'?" in result.stderr
    assert not (tiny_site.content / "technicians/priya-shah.yaml").exists()


def test_a_page_named_search_is_refused_like_the_other_reserved_names(
    tiny_site: TinySite,
) -> None:
    tiny_site.write("content/pages/search.md", "---\ntitle: Find things\n---\nHello.\n")
    result = run_cli("check", cwd=tiny_site.root)
    assert result.returncode == 1
    assert "the page name 'search' is used by the site itself" in result.stderr
