"""The README's promise that every problem is located: whatever is wrong with a content file,
the message names the file, where in it (a line, or the field), and how to fix it; never a
traceback. One broken file of each kind of mistake, each in a site that is otherwise fine."""

from __future__ import annotations

import pytest

from site_builder.checking import check
from site_builder.errors import BuildFailed
from tests.sites import TECHNICIAN, TinySite

PROFILE = "content/technicians/alex-morgan.yaml"
MISTAKES = {
    "an unknown field": (PROFILE, TECHNICIAN + "registration: [RSci]\n"),
    "a date that is no date": (PROFILE, TECHNICIAN.replace("2025-02-01", "2025-13-45")),
    "broken YAML": (PROFILE, TECHNICIAN + "bio: [unclosed\n"),
    "a tab for indenting": (PROFILE, TECHNICIAN.replace("  given: true", "\tgiven: true")),
    "a control character": (PROFILE, TECHNICIAN.replace("Alex runs", "Alex\x1b runs")),
    "a merge of a list": (PROFILE, TECHNICIAN + "extra: &a [1]\nmore:\n  <<: *a\n"),
    "a missing gallery": (PROFILE, TECHNICIAN.replace("gallery: main", "gallery: nowhere")),
    "a missing photo": (PROFILE, TECHNICIAN + "photo: nobody.jpg\nphoto_alt: Alex\n"),
    "a page naming a missing template": (
        "content/pages/about.md",
        "---\ntitle: About\ntemplate: fancy\n---\n\nText.\n",
    ),
    "Markdown nested too deeply": (
        "content/pages/deep.md",
        "---\ntitle: Deep\n---\n\n" + "".join("  " * n + "- x\n" for n in range(60)),
    ),
    "a time zone that is none": ("content/site.yaml", None),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_every_problem_is_located(tiny_site: TinySite, mistake: str) -> None:
    relative, text = MISTAKES[mistake]
    path = tiny_site.root / relative
    if text is None:  # site.yaml: add a time zone that does not exist
        text = path.read_text() + "timezone: Europe/Londn\n"
    tiny_site.write(relative, text)
    with pytest.raises(BuildFailed) as failed:
        problems = check(tiny_site.options())[2]
        if not any(p.severity == "error" for p in problems):  # a template is found at render
            from site_builder.pipeline import build

            build(tiny_site.options())
    errors = [p for p in failed.value.problems if p.severity == "error"]
    assert errors, mistake
    for problem in errors:
        shown = problem.format(tiny_site.root)
        assert problem.path is not None and problem.path.name == path.name, shown
        assert problem.line is not None or problem.field is not None, shown
        assert problem.hint, shown
        assert "Traceback" not in shown
