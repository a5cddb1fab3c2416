"""Every page says what kind of page it is where it is planned: search and SEO read that
declaration (PageSpec.kind), never what the page's context happens to hold."""

from __future__ import annotations

import re

from site_builder import links
from site_builder.checking import check
from site_builder.pages import plan_pages
from site_builder.project import BuildOptions, Project
from site_builder.render import PageKind
from tests.sites import ROOT, TODAY

PLAN = r"plans/[0-9-]+/"
THEMES = r"(visibility|recognition|career-development|sustainability)/"
ACTIONS = r"(timeline|actions|status/[a-z-]+|phase/[a-z0-9-]+|pillar/[a-z0-9-]+)/"
# the example site's addresses, by the kind of page each must be (the first match counts)
EXPECTED = [
    (r"", PageKind.HOME),
    (r"(technicians|galleries|news|events|case-studies|plans|search)/", PageKind.LISTING),
    (r"news/page/\d+/", PageKind.LISTING),
    (r"technicians/[a-z]+/[a-z0-9-]+/", PageKind.LISTING),  # people by department, ...
    (r"technicians/[a-z0-9-]+/", PageKind.TECHNICIAN),
    (r"galleries/[a-z0-9-]+/", PageKind.LISTING),
    (r"news/\d{4}-\d\d-\d\d-[a-z0-9-]+/", PageKind.NEWS),
    (r"case-studies/[a-z0-9-]+/", PageKind.CASE_STUDY),
    (r"accessibility/", PageKind.STATEMENT),
    (PLAN, PageKind.PLAN),
    (PLAN + THEMES, PageKind.PLAN_THEME),
    (PLAN + "done/", PageKind.PLAN_DONE),
    (PLAN + ACTIONS, PageKind.PLAN_ACTIONS),
    (r"404\.html", PageKind.LISTING),
]


def test_every_page_of_the_example_site_declares_its_kind() -> None:
    options = BuildOptions(Project.at(ROOT / "content"), ROOT / "output", today=TODAY)
    content, published, _ = check(options)
    pages = {links.page_path(page.id) for page in published.pages}
    kinds = {spec.path: spec.kind for spec in plan_pages(content, published)}
    for path, kind in kinds.items():
        if path in pages:
            assert kind is PageKind.PAGE, path
            continue
        matching = [k for pattern, k in EXPECTED if re.fullmatch(pattern, path)]
        assert matching, f"no expectation for {path!r}"
        assert kind is matching[0], path
    assert set(kinds.values()) == set(PageKind)  # the example site has every kind of page
