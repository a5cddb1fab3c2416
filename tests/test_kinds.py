"""The content kinds registry: each kind declared once is found, read, checked and documented."""

from __future__ import annotations

from site_builder.discovery import discover, load_documents
from site_builder.kinds import COLLECTIONS, KINDS
from site_builder.project import Project
from site_builder.schema import SCHEMAS, content_reference
from tests.sites import ROOT


def test_every_kind_is_in_the_content_reference_and_yaml_kinds_have_a_schema() -> None:
    reference = content_reference()
    for kind in KINDS:
        assert f"## `{kind.where}" in reference, kind.name
        assert (kind.name in SCHEMAS) is (not kind.front_matter), kind.name


def test_every_file_of_a_kind_in_the_example_site_is_found_and_read() -> None:
    sources = discover(Project.at(ROOT / "content"))
    documents = load_documents(sources)
    for kind in COLLECTIONS:
        found = sources.of(kind)
        assert found, f"the example site has no {kind.name}"
        for path in found:
            assert path.suffix in kind.suffixes
            assert sources.kind_of(path) is kind
            assert path in documents


def test_a_file_with_another_suffix_is_not_content(tmp_path) -> None:
    content = tmp_path / "content"
    (content / "news").mkdir(parents=True)
    (content / "news" / "2026-01-01-a.markdown").write_text("---\ntitle: A\n---\n")
    (content / "news" / "notes.txt").write_text("not content")
    sources = discover(Project.at(content))
    news = next(kind for kind in COLLECTIONS if kind.field == "news")
    assert [p.name for p in sources.of(news)] == ["2026-01-01-a.markdown"]
