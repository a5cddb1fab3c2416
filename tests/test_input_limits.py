"""Hostile and broken content files: each kind ends fast in a located message, never a
traceback, a hang or runaway memory (issue 20, items 7 and 8)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from site_builder.errors import BuildFailed, SourceError
from site_builder.limits import MAX_FILE_BYTES, MAX_LIST_DEPTH, MAX_YAML_DEPTH, text_limits
from site_builder.loader import Located, parse_yaml, read_front_matter, read_yaml
from site_builder.pipeline import build, check
from tests.sites import TinySite

HERE = Path("content/technicians/x.yaml")


def refused(text: str) -> SourceError:
    started = time.perf_counter()
    result = parse_yaml(text, HERE)
    assert time.perf_counter() - started < 5
    assert isinstance(result, SourceError), result
    return result


# --- YAML that PyYAML's constructor would crash on ------------------------------------------


@pytest.mark.parametrize(
    "text, line",
    [
        ("base: &b 3\nname: B\n<<: *b\n", 1),  # an alias of a scalar
        ("name: B\n<<: plain words\n", 2),
        ("name: B\n<<: [one, two]\n", 2),  # a list, but not of sections
        ("a: &a {x: 1}\nname: B\n<<: [*a, 3]\n", 3),
        ("name: B\nnested:\n  <<: [[1]]\n", 3),
    ],
)
def test_a_merge_key_of_anything_but_sections_is_located(text: str, line: int) -> None:
    error = refused(text)
    assert "'<<:'" in error.message and error.line == line and error.hint


def test_a_merge_of_sections_still_works_and_own_keys_win() -> None:
    doc = parse_yaml(
        "defaults: &d {role: Technician, gallery: main}\nother: &o {role: X, site: y}\n"
        "name: Ada\n<<: [*d, *o]\nrole: Lead\n",
        HERE,
    )
    assert isinstance(doc, Located)
    assert doc.data["role"] == "Lead" and doc.data["gallery"] == "main"
    assert doc.data["site"] == "y"
    assert doc.keys[("role",)] == (5, 1)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("!custom name: B\n", "'!custom'"),
        ("!!python/object:os.system name: B\n", "'!!python/object:os.system'"),
        ("!!python/tuple [1, 2]: B\n", "'!!python/tuple'"),
        ("!!binary aGVsbG8=: B\n", "'!!binary'"),
        ("? !!set {a, b}\n: B\n", "'!!set'"),
        ("name: B\nbio:\n  !!python/name:os.getcwd x: 1\n", "'!!python/name:os.getcwd'"),
    ],
)
def test_a_tag_on_a_key_is_named(text: str, shown: str) -> None:
    error = refused(text)
    assert shown in error.message and "key" in error.message
    assert error.line is not None and error.column is not None


@pytest.mark.parametrize(
    "text", ["? {a: 1}\n: B\n", "? [a, b]\n: B\n", "[a, b]: B\n", "{a: 1}: B\n", "? - a\n: B\n"]
)
def test_a_key_that_is_a_list_or_section_is_refused(text: str) -> None:
    error = refused(text)
    assert "a key must be a plain name" in error.message and error.line == 1


@pytest.mark.parametrize(
    "text", ["name: !!binary aGVsbG8=\n", "a: !!set {x, y}\n", "a: !!python/tuple [1]\n"]
)
def test_a_tag_on_a_value_is_still_refused(text: str) -> None:
    assert "is not allowed" in refused(text).message


# --- limits ---------------------------------------------------------------------------------


def alias_bomb(width: int, levels: int, flow: bool) -> str:
    if flow:
        rows = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
        for i in range(1, levels):
            rows.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    else:
        rows = ["a0: &a0"] + ["  - lol"] * width
        for i in range(1, levels):
            rows += [f"a{i}: &a{i}"] + [f"  - *a{i - 1}"] * width
    return "\n".join([*rows, "name: B\n"])


@pytest.mark.parametrize(
    "text",
    [
        alias_bomb(10, 9, flow=True),  # a billion values
        alias_bomb(10, 9, flow=False),
        alias_bomb(2, 40, flow=True),  # narrow but deep
        "a: &a {x: 1, y: 2}\n"
        + "".join(f"b{i}: &b{i} {{<<: [*a]}}\n" for i in range(20))
        + "c: ["
        + ", ".join(f"*b{i % 20}" for i in range(120_000))
        + "]\n",
    ],
)
def test_an_alias_bomb_stops_fast_at_the_value_limit(text: str) -> None:
    error = refused(text)
    assert "100,000 values" in error.message and "alias" in error.message


def test_a_section_that_contains_itself_is_refused() -> None:
    for text in ("a: &a [1, *a]\n", "a: &a\n  b: *a\n", "a: &a {<<: *a}\n"):
        assert "contains itself" in refused(text).message


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}"), ("- ", "")])
def test_deep_nesting_is_refused_not_a_recursion_error(opening: str, closing: str) -> None:
    depth = MAX_YAML_DEPTH + 5
    if opening == "- ":
        text = "a:\n" + "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "- x\n"
    else:
        text = "a: " + opening * depth + "1" + closing * depth + "\n"
    error = refused(text)
    assert "nested more than" in error.message or "nesting depth" in error.message


def test_deep_yaml_nesting_under_the_parser_limit_is_ours() -> None:
    error = refused("a: " + "[" * 900 + "]" * 900 + "\n")  # past Python's recursion limit
    assert f"{MAX_YAML_DEPTH} levels" in error.message and error.field == "a"


@pytest.mark.parametrize("suffix", [".yaml", ".md"])
@pytest.mark.parametrize("size", [MAX_FILE_BYTES + 1, 30 * 1024 * 1024])
def test_an_oversized_file_is_refused_without_reading_it(
    tmp_path: Path, suffix: str, size: int
) -> None:
    path = tmp_path / f"big{suffix}"
    with path.open("wb") as file:
        file.write(b"---\ntitle: Big\n---\n" if suffix == ".md" else b"name: B\nbio: |\n")
        file.write((b"  " + b"word " * 20 + b"\n") * (size // 102 + 1))
    started = time.perf_counter()
    error = read_yaml(path) if suffix == ".yaml" else read_front_matter(path)
    assert time.perf_counter() - started < 2
    assert isinstance(error, SourceError) and error.path == path
    assert "2 MB" in error.message


def test_one_over_long_text_value_names_its_field() -> None:
    error = refused("name: B\nbio: " + "x" * 250_000 + "\n")
    assert error.field == "bio" and "250,000 characters" in error.message


# --- Markdown that Python-Markdown takes minutes over, or recurses on -------------------------


def story(body: str) -> str:
    return f"---\ntitle: Awards\ndate: 2026-10-01\nsummary: S\n---\n\nIntro.\n\n{body}\n"


@pytest.mark.parametrize(
    "body, what",
    [
        ("[" * 100_000, "'['"),
        ("[a](" * 30_000, "'['"),
        ("![" * 30_000, "'['"),
        ("[^" * 30_000, "'['"),
        (("|" * 400 + "\n") * 400, "'|'"),
        ("- " * 10_000 + "x", "nested"),
        ("1. " * 10_000 + "x", "nested"),
        ("* " * 10_000 + "x", "nested"),
        ("> " * 10_000 + "x", "nested"),
        ("".join("    " * i + "- x\n" for i in range(MAX_LIST_DEPTH + 10)), "nested"),
        ("".join("- " * i + "x\n" for i in range(1, 300)), "nested"),
    ],
)
def test_pathological_markdown_is_refused_fast_with_its_line(
    tmp_path: Path, body: str, what: str
) -> None:
    path = tmp_path / "story.md"
    path.write_text(story(body), encoding="utf-8")
    started = time.perf_counter()
    error = read_front_matter(path)
    assert time.perf_counter() - started < 2
    assert isinstance(error, SourceError), "not refused"
    assert what in error.message
    assert error.line is not None and error.line >= 8  # in the body, after the intro


@pytest.mark.parametrize(
    "text",
    [
        "See [our plan](/plans/) and [the news](/news/).\n\n" * 200,
        "| a | b |\n|---|---|\n" + "| [x](/y/) | 2 |\n" * 300,
        "".join("    " * i + "- level\n" for i in range(8)),
        "> quoted\n> > twice\n",
        "- [ ] a\n- [x] b\n" * 500,
    ],
)
def test_real_markdown_is_within_every_limit(text: str) -> None:
    assert text_limits(text) is None


def test_markdown_in_a_yaml_field_is_checked_too() -> None:
    error = refused("name: B\nbio: |\n  Intro.\n\n  " + "- " * 5_000 + "x\n")
    assert error.field == "bio" and "nested" in error.message


def test_a_build_with_a_hostile_story_reports_it_and_writes_nothing(tiny_site: TinySite) -> None:
    tiny_site.write("content/news/2026-10-02-bomb.md", story("[" * 100_000))
    tiny_site.write("content/technicians/bomb.yaml", alias_bomb(10, 9, flow=True))
    started = time.perf_counter()
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    assert time.perf_counter() - started < 30
    where = {problem.path.name for problem in failed.value.problems if problem.path}
    assert {"2026-10-02-bomb.md", "bomb.yaml"} <= where
    assert not (tiny_site.root / "output").exists()
    with pytest.raises(BuildFailed):
        check(tiny_site.options())


def test_the_renderer_refuses_too_deep_markdown_that_bypassed_the_loader() -> None:
    from site_builder.markup import render_markdown

    for text in ("- " * 10_000 + "x", "1. " * 10_000 + "x"):
        with pytest.raises(ValueError, match="nested too deeply"):
            render_markdown(text)
    assert "<li>a</li>" in render_markdown("- a\n- b")  # and the next text still converts


SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def test_real_plans_are_within_every_limit() -> None:
    """Real plans, as exported from Word and Excel, pass every limit: each cell as a text
    value, and each whole file as one Markdown text."""
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip("the real plans in shared/seeds are not here")
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        assert text_limits(text) is None, seed.name
        for cell in text.replace("\t", "\n\n").split("\n\n"):
            assert text_limits(cell) is None, (seed.name, cell[:60])
