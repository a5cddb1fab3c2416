"""Addresses that collide or cannot exist are refused, naming every file, with a free name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from site_builder import scaffold
from site_builder.content import Entry
from site_builder.discovery import discover, load_documents
from site_builder.errors import BuildFailed, SourceError
from site_builder.names import RESERVED_PATHS, free_name, reserved_on_windows
from site_builder.pages import one_page_per_address
from site_builder.pipeline import build
from site_builder.render import PageSpec
from site_builder.validate import validate_content
from tests.sites import ACCESSIBILITY, GALLERY, NEWS, PAGE, PLAN, SITE, TECHNICIAN, TODAY, TinySite

CASE_STUDY = (
    "---\ntitle: A shared microscope\ndate: 2026-09-01\nsummary: Three schools.\n---\nText.\n"
)
# A file of each kind that makes an address, with the folder it lives in.
KIND_FILES = {
    "technicians": TECHNICIAN,
    "pages": PAGE,
    "plans": PLAN.replace("current: true\n", ""),
    "news": NEWS,
    "case-studies": CASE_STUDY,
}


def problems_of(site: TinySite) -> list[SourceError]:
    sources = discover(site.options().project)
    content, problems = validate_content(sources, load_documents(sources), TODAY)
    errors = [p for p in problems if p.severity == "error"]
    assert content is None and errors, "expected the content to be rejected"
    return errors


def suggested(error: SourceError) -> str:
    """The new name a fix tells the person to use."""
    found = re.search(
        r"(?:rename [^;]* to |rename the file to )'?([\w./-]+?)'?(?: \(|$)", error.hint or ""
    )
    assert found, error.hint
    return found.group(1).rsplit("/", 1)[-1]


def assert_free(name: str, folder: Path) -> None:
    """Following the fix overwrites nothing and makes an address every system can hold."""
    stem = name.split(".", 1)[0]
    taken = (
        {p.name.split(".", 1)[0].lower() for p in folder.iterdir()} if folder.is_dir() else set()
    )
    assert stem.lower() not in taken, f"{name} is already taken in {folder}"
    assert not reserved_on_windows(stem) and stem not in RESERVED_PATHS
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", stem), name


def one_line(error: SourceError) -> None:
    """A message shows invisible characters written out, never breaking the line."""
    for text in (error.message, error.hint or "", str(error.path)):
        assert not re.search(r"[\x00-\x1f\x7f\u2028\u2029\u200b]", text), repr(text)


@pytest.mark.parametrize(
    ("folder", "kept", "other"),
    [
        ("technicians", "alex-morgan.yaml", "alex-morgan.yml"),
        ("technicians", "alex-morgan.yaml", "alex-morgan.YAML"),
        ("pages", "about.md", "about.markdown"),
        ("pages", "about.md", "about.MD"),
        ("plans", "2025-2028.yaml", "2025-2028.yml"),
        ("news", "2026-10-01-awards.md", "2026-10-01-awards.markdown"),
        ("case-studies", "microscope.md", "microscope.markdown"),
    ],
)
def test_two_files_making_one_address_are_an_error_naming_both(
    tiny_site: TinySite, folder: str, kept: str, other: str
) -> None:
    text = KIND_FILES[folder]
    tiny_site.write(f"content/{folder}/{kept}", text)
    tiny_site.write(f"content/{folder}/{other}", text)
    errors = [e for e in problems_of(tiny_site) if "both make the address" in e.message]
    assert len(errors) == 1, [e.format() for e in problems_of(tiny_site)]
    error = errors[0]
    assert error.path == tiny_site.content / folder / other  # the odd one out is the one refused
    assert kept in error.message and other in error.message
    assert f"merge the two into {kept} and delete {other}" in (error.hint or "")
    assert_free(suggested(error), tiny_site.content / folder)


@pytest.mark.parametrize("kind", ["site", "accessibility"])
def test_a_site_wide_file_under_both_suffixes_is_an_error_naming_both(
    tiny_site: TinySite, kind: str
) -> None:
    tiny_site.write(f"content/{kind}.yml", SITE if kind == "site" else ACCESSIBILITY)
    (error,) = [e for e in problems_of(tiny_site) if e.path == tiny_site.content / f"{kind}.yml"]
    assert f"{kind}.yaml and {kind}.yml" in error.message
    assert error.hint == f"merge the two into {kind}.yaml and delete {kind}.yml"


CONTROL = ["\n", "\r", "\t", "\x07", "\x1b", "\u200b", "\u2028", "\x7f"]


@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize("folder", ["technicians", "pages", "news"])
def test_a_file_name_with_a_control_character_is_an_error(
    tiny_site: TinySite, folder: str, char: str
) -> None:
    name = f"new{char}item" + (".yaml" if folder == "technicians" else ".md")
    tiny_site.write(f"content/{folder}/{name}", KIND_FILES[folder])
    (error,) = problems_of(tiny_site)
    one_line(error)
    assert "invisible character" in error.message
    assert error.path == tiny_site.content / folder  # the folder: the name cannot be printed
    assert_free(suggested(error), tiny_site.content / folder)


@pytest.mark.parametrize("char", ["\n", "\t", "\u200b"])
def test_a_gallery_folder_with_a_control_character_is_an_error(
    tiny_site: TinySite, char: str
) -> None:
    tiny_site.write(f"galleries/ma{char}in/gallery.yaml", GALLERY)
    (error,) = problems_of(tiny_site)
    one_line(error)
    assert "gallery folder" in error.message
    assert_free(suggested(error), tiny_site.root / "galleries")


@pytest.mark.parametrize("name", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
def test_windows_device_names_are_refused_as_addresses(tiny_site: TinySite, name: str) -> None:
    tiny_site.write(f"content/pages/{name}.md", PAGE)
    tiny_site.write(f"content/technicians/{name.upper()}.yaml", TECHNICIAN)
    tiny_site.write(f"galleries/{name}/gallery.yaml", GALLERY)
    errors = problems_of(tiny_site)
    assert {e.path for e in errors} == {
        tiny_site.content / "pages" / f"{name}.md",
        tiny_site.content / "technicians" / f"{name.upper()}.yaml",
        tiny_site.root / "galleries" / name,
    }
    for error in errors:
        folder = error.path.parent if error.path else tiny_site.root
        assert_free(suggested(error), folder)


@pytest.mark.parametrize("name", ["nul.pdf", "CON.txt", "Aux.tar.gz", "com3.svg", "lpt1"])
def test_windows_device_names_are_refused_for_published_media(
    tiny_site: TinySite, name: str
) -> None:
    tiny_site.write(f"content/media/{name}", "x")
    tiny_site.write("content/media/aux/fine.pdf", "x")  # a device name as a folder, too
    tiny_site.write("content/media/aux/also-fine.svg", "x")
    # a photo's own name is never published (its copies are named by the photo pipeline)
    Image.new("RGB", (4, 4)).save(tiny_site.content / "media" / "con.jpg")
    errors = problems_of(tiny_site)
    assert sorted(str(e.path) for e in errors) == sorted(
        [str(tiny_site.content / "media" / name), str(tiny_site.content / "media" / "aux")]
    )  # the folder once, not once per file in it
    for error in errors:
        new = suggested(error)
        assert not reserved_on_windows(new), error.hint


@pytest.mark.parametrize(
    ("bad", "also_there", "free"),
    [
        ("Alex-Morgan.yaml", [], "alex-morgan-2.yaml"),
        ("Alex-Morgan.yaml", ["alex-morgan-2.yaml"], "alex-morgan-3.yaml"),
        ("ALEX MORGAN.yml", ["alex-morgan-2.yaml", "alex-morgan-3.yml"], "alex-morgan-4.yml"),
        ("Alex_Morgan.yaml", ["Alex-Morgan-2.yaml"], "alex-morgan-3.yaml"),
    ],
)
def test_a_suggested_new_name_is_never_one_already_taken(
    tiny_site: TinySite, bad: str, also_there: list[str], free: str
) -> None:
    tiny_site.write(f"content/technicians/{bad}", TECHNICIAN)
    for name in also_there:
        tiny_site.write(f"content/technicians/{name}", TECHNICIAN)
    (error,) = [
        e for e in problems_of(tiny_site) if e.path == tiny_site.content / "technicians" / bad
    ]
    assert suggested(error) == free
    assert_free(free, tiny_site.content / "technicians")


def test_two_refused_files_are_never_told_to_take_the_same_name(tiny_site: TinySite) -> None:
    for name in ("Alex Morgan.yaml", "ALEX MORGAN.yaml", "alex_morgan.yaml", "alex\nmorgan.yaml"):
        tiny_site.write(f"content/technicians/{name}", TECHNICIAN)
    errors = problems_of(tiny_site)
    names = [suggested(e) for e in errors]
    assert len(errors) == 4 and len(set(names)) == 4, names
    for name in names:
        assert_free(name, tiny_site.content / "technicians")


@pytest.mark.parametrize("name", ["search", "news", "media", "pagefind", "assets"])
def test_a_page_named_like_the_sites_own_gets_a_free_name(tiny_site: TinySite, name: str) -> None:
    tiny_site.write(f"content/pages/{name}.md", PAGE)
    tiny_site.write(f"content/pages/{name}-2.md", PAGE)
    (error,) = problems_of(tiny_site)
    assert f"the page name '{name}' is used by the site itself" in error.message
    assert suggested(error) == f"{name}-3.md"


@pytest.mark.parametrize(
    ("wanted", "taken", "free"),
    [
        ("sam-okafor", set(), "sam-okafor"),
        ("sam-okafor", {"sam-okafor"}, "sam-okafor-2"),
        ("Sam Okafor", {"SAM-OKAFOR", "sam-okafor-2"}, "sam-okafor-3"),
        ("con", set(), "con-page"),
        ("COM7", {"com7-page"}, "com7-page-2"),
        ("search", set(), "search-2"),
        ("!!!", set(), "item"),
    ],
)
def test_free_name(wanted: str, taken: set[str], free: str) -> None:
    assert free_name(wanted, taken) == free


@pytest.mark.parametrize(
    ("kind", "title", "there", "refused_for", "free"),
    [
        ("technician", "Sam Okafor", ["sam-okafor.yml"], "sam-okafor.yml", "sam-okafor-2.yaml"),
        ("technician", "Sam Okafor", ["Sam-Okafor.yaml"], "Sam-Okafor.yaml", "sam-okafor-2.yaml"),
        (
            "technician",
            "Sam Okafor",
            ["sam-okafor.yaml", "sam-okafor-2.yml"],
            "sam-okafor.yaml",
            "sam-okafor-3.yaml",
        ),
        ("case-study", "Our story", ["our-story.markdown"], "our-story.markdown", "our-story-2.md"),
    ],
)
def test_new_refuses_an_address_already_taken_and_names_a_free_one(
    tiny_site: TinySite, kind: str, title: str, there: list[str], refused_for: str, free: str
) -> None:
    folder = tiny_site.content / ("technicians" if kind == "technician" else "case-studies")
    for name in there:
        tiny_site.write(f"content/{folder.name}/{name}", "# mine\n")
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(BuildFailed) as failed:
        scaffold.create(kind, title, tiny_site.content, gallery="main")
    (error,) = failed.value.problems
    assert error.path == folder / refused_for
    assert f"create {free} instead" in (error.hint or "")
    assert_free(free, folder)
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written


@pytest.mark.parametrize(("title", "made"), [("Con", "con-page.yaml"), ("Lpt 1", "lpt-1.yaml")])
def test_new_never_makes_a_windows_device_name(tiny_site: TinySite, title: str, made: str) -> None:
    path = scaffold.create("technician", title, tiny_site.content, gallery="main")
    assert path.name == made
    assert not reserved_on_windows(path.stem)


def person(name: str, department: str, registrations: str = "[RSciTech]") -> str:
    return (
        TECHNICIAN.replace("Alex Morgan", name)
        .replace("Chemistry", department)
        .replace("[RSciTech]", registrations)
    )


@pytest.mark.parametrize(
    ("spellings", "page", "shown"),
    [
        (["Chemistry", "chemistry"], "department/chemistry", "Chemistry"),
        (["Chemistry", "CHEMISTRY.", "chemistry"], "department/chemistry", "Chemistry"),
        (["Life Sciences", "Life-Sciences", "life sciences!"], "department/life-sciences", None),
        (["Aux", "aux"], "department/aux-page", "Aux"),
    ],
)
def test_departments_making_one_address_are_one_page_with_everyone_on_it(
    tiny_site: TinySite, spellings: list[str], page: str, shown: str | None
) -> None:
    names = [f"Person {chr(65 + i)}" for i in range(len(spellings))]
    files = ["alex-morgan", *(f"p{i}" for i in range(1, len(spellings)))]
    for file, name, department in zip(files, names, spellings, strict=True):
        tiny_site.write(f"content/technicians/{file}.yaml", person(name, department))
    report = build(tiny_site.options())
    out = tiny_site.root / "output"
    html = (out / "technicians" / page / "index.html").read_text()
    assert all(name in html for name in names), "someone was dropped from the page"
    pages = [p for p in (out / "technicians/department").iterdir()]
    assert len(pages) == 1, pages
    label = shown or spellings[0]
    listing = (out / "technicians/index.html").read_text()
    options = re.findall(r'<option value="([^"]*)">([^<(]*) \((\d+)\)', listing)
    department_options = [o for o in options if o[1] != "RSciTech"]
    assert [(o[1], o[2]) for o in department_options] == [(label, str(len(spellings)))]
    # every card carries the very value its option filters by, whatever its spelling
    cards = re.findall(r'data-department="([^"]*)"', listing)
    assert cards == [department_options[0][0]] * len(spellings)
    odd = [w for w in report.warnings if w.field == "department"]
    assert len(odd) == sum(1 for s in spellings if s != label)
    for warning in odd:
        assert warning.line == 3 and f"write '{label}'" in (warning.hint or "")
    assert_no_windows_device_names(out)


def test_registrations_making_one_address_are_one_page(tiny_site: TinySite) -> None:
    tiny_site.write("content/technicians/b.yaml", person("Bea Lane", "Physics", "[RSCITECH]"))
    tiny_site.write("content/technicians/c.yaml", person("Cy Dee", "Physics", "[rscitech]"))
    report = build(tiny_site.options())
    out = tiny_site.root / "output/technicians/registration"
    assert [p.name for p in out.iterdir()] == ["rscitech"]
    html = (out / "rscitech/index.html").read_text()
    assert all(name in html for name in ("Alex Morgan", "Bea Lane", "Cy Dee")), html
    odd = [w for w in report.warnings if w.field and w.field.startswith("registrations")]
    assert sorted(w.path.name for w in odd if w.path) == ["b.yaml", "c.yaml"]


def assert_no_windows_device_names(out: Path) -> None:
    for path in out.rglob("*"):
        assert not reserved_on_windows(path.name), path


@pytest.mark.parametrize(("phase", "pillar"), [("con", "aux"), ("com1", "nul"), ("lpt9", "prn")])
def test_plan_phases_and_pillars_named_like_devices_are_refused(
    tiny_site: TinySite, phase: str, pillar: str
) -> None:
    plan = PLAN.replace(
        "current: true\n",
        f"current: true\nphases:\n  - {{id: {phase}, label: Year 1}}\n"
        f"pillars:\n  - {{id: {pillar}, label: People}}\n",
    ).replace(
        "status: complete\n",
        f"status: complete\n        phases: [{phase}]\n        pillars: [{pillar}]\n",
    )
    tiny_site.write("content/plans/2025-2028.yaml", plan)
    errors = problems_of(tiny_site)
    assert {(e.field, e.line) for e in errors} == {("phases[1].id", 5), ("pillars[1].id", 7)}
    for error in errors:
        new = re.search(r"call it '([^']+)'", error.hint or "")
        assert new and not reserved_on_windows(new.group(1)), error.hint


def test_two_pages_for_one_address_stop_the_build_naming_both_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"

    def page(path: str, file: Path) -> PageSpec:
        return PageSpec(path, "page.html", {"page": Entry("x", file, meta=None)})

    with pytest.raises(BuildFailed) as failed:
        one_page_per_address([page("about/", first), page("news/", first), page("about/", second)])
    (problem,) = failed.value.problems
    assert problem.path == second and str(first) in problem.message
    with pytest.raises(BuildFailed) as failed:
        one_page_per_address([page("news/aux/", first), page("plans/x/phase/COM2/", second)])
    assert [p.path for p in failed.value.problems] == [first, second]
    assert one_page_per_address([page("about/", first)])  # the usual case passes
