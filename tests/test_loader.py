from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_builder.errors import SourceError
from site_builder.loader import Located, parse_yaml, read_front_matter, read_yaml

HERE = Path("content/x.yaml")


def parsed(text: str) -> Located:
    result = parse_yaml(text, HERE)
    assert isinstance(result, Located), result
    return result


def test_positions_of_keys_and_values_are_one_based() -> None:
    doc = parsed("name: Ada\nconsent:\n  given: true\nlist:\n  - one\n  - two\n")
    assert doc.keys[("consent", "given")] == (3, 3)
    assert doc.values[("consent", "given")] == (3, 10)
    assert doc.values[("list", 1)] == (6, 5)


def test_only_true_and_false_are_booleans() -> None:
    doc = parsed("a: yes\nb: no\nc: on\nd: true\ne: False\n")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": True, "e": False}


def test_dates_are_read_as_dates() -> None:
    assert parsed("signed: 2019-03-01\n").data["signed"] == dt.date(2019, 3, 1)


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    error = parse_yaml("name: A\nrole: B\nname: C\n", HERE)
    assert isinstance(error, SourceError)
    assert (error.line, error.column, error.field) == (3, 1, "name")
    assert "twice" in error.message


def test_python_object_tags_are_refused() -> None:
    error = parse_yaml("name: !!python/object/apply:os.system ['true']\n", HERE)
    assert isinstance(error, SourceError)
    assert error.line == 1


def test_syntax_error_points_at_the_line_with_a_fix() -> None:
    error = parse_yaml("title: ok\nsummary: Skills: what we learned\n", HERE)
    assert isinstance(error, SourceError)
    assert error.line == 2
    assert error.hint and "quotes" in error.hint


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("consent:\n\tgiven: true\n")
    error = read_yaml(path)
    assert isinstance(error, SourceError)
    assert error.line == 2 and error.hint and "spaces" in error.hint


def test_front_matter_line_numbers_are_those_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Hello\ndate: 2026-01-02\n---\n\nBody text\n")
    doc = read_front_matter(path)
    assert not isinstance(doc, SourceError)
    assert doc.meta.keys[("date",)] == (3, 1)
    assert doc.body.strip() == "Body text"
    assert doc.body_line == 5


def test_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Hello\n\nBody\n")
    error = read_front_matter(path)
    assert isinstance(error, SourceError) and "not closed" in error.message


def test_file_that_is_not_utf8_says_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("name: Zo\xeb\n".encode("cp1252"))
    error = read_yaml(path)
    assert isinstance(error, SourceError) and "UTF-8" in (error.hint or "")


def test_impossible_date_is_kept_as_text_for_validation_to_explain() -> None:
    assert parsed("date: 2026-13-45\n").data == {"date": "2026-13-45"}


def test_a_pickled_document_is_unpacked_only_when_used(tmp_path: Path) -> None:
    """The parse cache holds 1,600 of these: each comes back as a blob until read."""
    import pickle

    path = tmp_path / "t.yaml"
    path.write_text("name: Ada\nroles:\n  - lathes\n", encoding="utf-8")
    document = read_yaml(path)
    assert isinstance(document, Located)
    again = pickle.loads(pickle.dumps(document))
    assert "data" not in vars(again) and again.path == path
    assert again == document  # reading a field unpacks it
    assert again.position(("roles", 0)) == document.position(("roles", 0)) == (3, 5)
    assert pickle.loads(pickle.dumps(again)) == document
