"""Every validation error names the file, line, column, field and a fix."""

from __future__ import annotations

from pathlib import Path

from site_builder.content import Content
from site_builder.discovery import discover, load_documents
from site_builder.errors import SourceError
from site_builder.validate import validate_content
from tests.sites import TODAY, TinySite


def validate(site: TinySite) -> tuple[Content | None, list[SourceError]]:
    sources = discover(site.options().project)
    return validate_content(sources, load_documents(sources), TODAY)


def errors_of(site: TinySite) -> list[SourceError]:
    content, problems = validate(site)
    errors = [p for p in problems if p.severity == "error"]
    assert content is None, "expected the content to be rejected"
    return errors


def only_error(site: TinySite) -> SourceError:
    errors = errors_of(site)
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


def test_the_tiny_site_is_valid(tiny_site: TinySite) -> None:
    content, problems = validate(tiny_site)
    assert content is not None, [p.format() for p in problems]
    assert [p for p in problems if p.severity == "error"] == []


def test_unknown_key_points_at_the_key_and_suggests_the_right_one(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/technicians/alex-morgan.yaml",
        (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
        + "registration: [CEng]\n",
    )
    error = only_error(tiny_site)
    assert error.path and error.path.name == "alex-morgan.yaml"
    assert (error.line, error.column) == (10, 1)
    assert error.field == "registration"
    assert error.hint == "did you mean 'registrations'?"


def test_missing_required_field_is_named(tiny_site: TinySite) -> None:
    text = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
    tiny_site.write(
        "content/technicians/alex-morgan.yaml", text.replace("role: Research Technician\n", "")
    )
    error = only_error(tiny_site)
    assert error.field == "role"
    assert "missing" in error.message
    assert error.hint and error.hint.startswith("add 'role:'")


def test_bad_date_shows_the_value_and_the_format(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/site.yaml",
        (tiny_site.content / "site.yaml")
        .read_text()
        .replace("signed: 2019-03-01", "signed: 1st March 2019"),
    )
    error = only_error(tiny_site)
    assert (error.field, error.line, error.column) == ("signed", 8, 9)
    assert "1st March 2019" in error.message
    assert error.hint and "YYYY-MM-DD" in error.hint


def test_bad_status_suggests_the_closest(tiny_site: TinySite) -> None:
    plan = (tiny_site.content / "plans/2025-2028.yaml").read_text()
    tiny_site.write(
        "content/plans/2025-2028.yaml", plan.replace("status: delayed", "status: delyed")
    )
    error = only_error(tiny_site)
    assert error.field == "themes.sustainability.actions[1].status"
    assert error.line == 27
    assert error.hint and "did you mean 'delayed'" in error.hint


def test_status_in_plain_words_is_accepted(tiny_site: TinySite) -> None:
    plan = (tiny_site.content / "plans/2025-2028.yaml").read_text()
    tiny_site.write(
        "content/plans/2025-2028.yaml", plan.replace("status: delayed", "status: On track")
    )
    content, _ = validate(tiny_site)
    assert content is not None


def test_photo_without_alt_text_is_an_error_on_photo_alt(tiny_site: TinySite) -> None:
    (tiny_site.root / "galleries/main/alex.jpg").write_bytes(b"not checked here")
    text = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
    tiny_site.write("content/technicians/alex-morgan.yaml", text + "photo: alex.jpg\n")
    error = only_error(tiny_site)
    assert error.field == "photo_alt"
    assert error.hint and "default_alt: true" in error.hint


def test_missing_photo_file_suggests_the_nearest_name(tiny_site: TinySite) -> None:
    (tiny_site.root / "galleries/main/alex-morgan.jpg").write_bytes(b"x")
    text = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
    tiny_site.write(
        "content/technicians/alex-morgan.yaml",
        text + "photo: alex-morgan.jpeg\nphoto_alt: Alex at the bench\n",
    )
    error = only_error(tiny_site)
    assert error.field == "photo" and error.line == 10
    assert error.hint == "did you mean 'alex-morgan.jpg'?"


def test_unknown_gallery_and_unknown_technician_are_both_reported(tiny_site: TinySite) -> None:
    text = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
    tiny_site.write(
        "content/technicians/alex-morgan.yaml", text.replace("gallery: main", "gallery: mian")
    )
    news = (tiny_site.content / "news/2026-10-01-awards.md").read_text()
    tiny_site.write(
        "content/news/2026-10-01-awards.md", news.replace("[alex-morgan]", "[alex-morgen]")
    )
    errors = errors_of(tiny_site)
    by_field = {e.field: e for e in errors}
    assert by_field["gallery"].hint and "did you mean 'main'" in by_field["gallery"].hint
    assert by_field["technicians[1]"].line == 5
    assert "did you mean 'alex-morgan'" in (by_field["technicians[1]"].hint or "")


def test_every_error_in_every_file_is_reported_in_one_run(tiny_site: TinySite) -> None:
    # with consent: a profile without it only warns about what is unfinished
    consent = "consent:\n  given: true\n  date: 2025-02-01\n"
    tiny_site.write("content/technicians/bad-one.yaml", "name: B\nrole: R\n" + consent)
    tiny_site.write("content/technicians/bad-two.yaml", "name: [\n")
    tiny_site.write("content/pages/broken.md", "no front matter\n")
    errors = errors_of(tiny_site)
    files = {e.path.name for e in errors if e.path}
    assert {"bad-one.yaml", "bad-two.yaml", "broken.md"} <= files
    assert len([e for e in errors if e.path and e.path.name == "bad-one.yaml"]) == 2


def test_file_name_that_cannot_be_an_address_is_refused(tiny_site: TinySite) -> None:
    text = (tiny_site.root / "content/technicians/alex-morgan.yaml").read_text()
    tiny_site.write("content/technicians/Alex Morgan.yaml", text)
    errors = errors_of(tiny_site)
    assert any("alex-morgan" in (e.hint or "") and "rename" in (e.hint or "") for e in errors)


def test_low_contrast_brand_colour_is_refused(tiny_site: TinySite) -> None:
    site = (tiny_site.content / "site.yaml").read_text()
    tiny_site.write("content/site.yaml", site + "colours:\n  primary: '#f4a261'\n")
    error = only_error(tiny_site)
    assert error.field == "colours.primary" and "4.5:1" in error.message


def test_menu_entry_must_exist(tiny_site: TinySite) -> None:
    site = (tiny_site.content / "site.yaml").read_text()
    tiny_site.write("content/site.yaml", site.replace("[about, plan,", "[abuot, plan,"))
    error = only_error(tiny_site)
    assert error.field == "navigation[1]"
    assert error.hint and "did you mean 'about'" in error.hint


def test_event_ending_before_it_starts(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/news/2026-12-01-talk.md",
        "---\ntitle: Talk\ndate: 2026-11-01\nsummary: A talk.\nevent:\n"
        "  start: 2026-12-01 14:00\n  end: 2026-12-01 13:00\n  place: Room 1\n---\nBody\n",
    )
    error = only_error(tiny_site)
    assert error.field == "event" and "ends before it starts" in error.message


def test_consent_missing_is_a_warning_not_an_error(tiny_site: TinySite) -> None:
    tiny_site.write(
        "content/technicians/no-consent.yaml",
        "name: Jo Bloggs\nrole: Technician\ndepartment: Physics\ngallery: main\n",
    )
    content, problems = validate(tiny_site)
    assert content is not None
    warning = next(p for p in problems if p.path and p.path.name == "no-consent.yaml")
    assert warning.severity == "warning" and "not published" in warning.message


def test_overdue_not_started_action_is_a_warning(tiny_site: TinySite) -> None:
    plan = (tiny_site.content / "plans/2025-2028.yaml").read_text()
    tiny_site.write(
        "content/plans/2025-2028.yaml",
        plan.replace(
            "      - title: Fund registration fees\n",
            "      - title: Fund registration fees\n        target: 2026-01\n",
        ),
    )
    content, problems = validate(tiny_site)
    assert content is not None
    assert any(p.severity == "warning" and "still not started" in p.message for p in problems)


def test_undefined_phase_is_reported_with_the_defined_ones(tiny_site: TinySite) -> None:
    plan = (tiny_site.content / "plans/2025-2028.yaml").read_text()
    plan = plan.replace(
        "current: true\n", "current: true\nphases:\n  - {id: year-1, label: Year 1}\n"
    )
    plan = plan.replace(
        "        status: complete\n", "        status: complete\n        phases: [year-2]\n"
    )
    tiny_site.write("content/plans/2025-2028.yaml", plan)
    error = only_error(tiny_site)
    assert error.field == "themes.visibility.actions[1].phases[1]"
    assert error.hint and "year-1" in error.hint


def test_missing_site_yaml(tmp_path: Path) -> None:
    site = TinySite(tmp_path)
    (site.content / "site.yaml").unlink()
    errors = errors_of(site)
    assert any("site.yaml" in e.message for e in errors)


def test_error_format_shows_the_line_and_a_caret(tiny_site: TinySite) -> None:
    site = (tiny_site.content / "site.yaml").read_text()
    tiny_site.write("content/site.yaml", site.replace("signed: 2019-03-01", "signed: soon"))
    error = only_error(tiny_site)
    text = error.format(tiny_site.root, "signed: soon")
    assert text.splitlines()[0] == (
        "content/site.yaml:8:9: error (field 'signed'): 'soon' is not a date"
    )
    assert text.splitlines()[2].endswith("^")


def test_plan_accepts_career_development_with_a_hyphen(tiny_site: TinySite) -> None:
    plan = (tiny_site.content / "plans/2025-2028.yaml").read_text()
    tiny_site.write(
        "content/plans/2025-2028.yaml", plan.replace("career_development:", "career-development:")
    )
    content, problems = validate(tiny_site)
    assert content is not None, [p.format() for p in problems]


def test_error_inside_hyphenated_theme_is_located(tiny_site: TinySite) -> None:
    plan = (tiny_site.content / "plans/2025-2028.yaml").read_text()
    plan = plan.replace("career_development:", "career-development:")
    tiny_site.write("content/plans/2025-2028.yaml", plan.replace("Grow careers.", "''"))
    error = only_error(tiny_site)
    assert error.line == 20 and error.field == "themes.career-development.goal"
    assert error.hint and "goal" in error.hint


def test_empty_file_is_one_error_listing_what_it_needs(tiny_site: TinySite) -> None:
    tiny_site.write("content/technicians/empty.yaml", "")
    error = only_error(tiny_site)
    assert error.message == "this is empty"
    assert error.hint and "name, role, department, gallery" in error.hint


def test_file_holding_a_list_says_what_it_should_hold(tiny_site: TinySite) -> None:
    tiny_site.write("content/technicians/listy.yaml", "- name: A\n- name: B\n")
    error = only_error(tiny_site)
    assert "holds a list" in error.message and error.line == 1
