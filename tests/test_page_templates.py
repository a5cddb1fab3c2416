"""A page's `template:` that names a missing template, or one that does not fit the page, is
reported in the content file that asked for it, with the templates there are."""

from __future__ import annotations

import pytest

from site_builder.errors import BuildFailed, SourceError
from site_builder.pipeline import build
from tests.sites import PAGE, SITE, TinySite

ABOUT = "content/pages/about.md"


def with_template(site: TinySite, template: str) -> None:
    site.write(ABOUT, PAGE.replace("summary:", f"template: {template}\nsummary:"))


def failure(site: TinySite) -> SourceError:
    with pytest.raises(BuildFailed) as failed:
        build(site.options())
    errors = [p for p in failed.value.problems if p.severity == "error"]
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


def snapshot(site: TinySite) -> dict[str, bytes]:
    out = site.root / "output"
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("template", ["fancy", "news-item", "about", "landing-2"])
def test_a_missing_template_is_reported_in_the_page_that_names_it(
    tiny_site: TinySite, template: str
) -> None:
    build(tiny_site.options())
    before = snapshot(tiny_site)
    with_template(tiny_site, template)
    error = failure(tiny_site)
    assert error.path == tiny_site.root / ABOUT
    assert (error.field, error.line) == ("template", 3)
    assert f"there is no template '{template}'" in error.message
    hint = error.hint or ""
    listed = hint.split("templates there are: ", 1)[1].split(";", 1)[0].split(", ")
    assert "page" in listed and "technician" in listed
    assert not any(name.startswith("_") or name == "base" for name in listed)
    assert snapshot(tiny_site) == before  # the last good site is kept


def test_the_list_of_templates_includes_the_sites_own_theme(tiny_site: TinySite) -> None:
    tiny_site.write("content/site.yaml", SITE + "theme: ours\n")
    tiny_site.write("themes/ours/templates/landing.html", "{% extends 'page.html' %}\n")
    with_template(tiny_site, "landng")
    error = failure(tiny_site)
    assert "landing" in (error.hint or "").split(", ")


@pytest.mark.parametrize(
    ("template", "needs"),
    [("technician", "technician"), ("plan", "plan"), ("home", "plan"), ("gallery", "gallery")],
)
def test_a_template_that_does_not_fit_the_page_is_reported_in_the_page(
    tiny_site: TinySite, template: str, needs: str
) -> None:
    with_template(tiny_site, template)
    error = failure(tiny_site)
    assert error.path == tiny_site.root / ABOUT
    assert (error.field, error.line) == ("template", 3)
    assert f"the template '{template}' cannot make this page" in error.message
    assert f"'{needs}' is undefined" in error.message
    assert f"{template}.html line" in error.message
    assert "remove template:" in (error.hint or "")


def test_a_site_template_needing_a_field_the_page_lacks_is_reported_in_the_page(
    tiny_site: TinySite,
) -> None:
    tiny_site.write("content/site.yaml", SITE + "theme: ours\n")
    tiny_site.write(
        "themes/ours/templates/hero.html",
        "{% extends 'page.html' %}\n{% block content %}{{ page.meta.hero.src }}{% endblock %}\n",
    )
    with_template(tiny_site, "hero")
    error = failure(tiny_site)
    assert error.path == tiny_site.root / ABOUT and error.field == "template"
    assert "hero" in error.message and "hero.html line 2" in error.message


@pytest.mark.parametrize("written", ["fancy.html", "Page", "page.html"])
def test_a_template_written_with_its_suffix_or_capitals_says_how_to_write_it(
    tiny_site: TinySite, written: str
) -> None:
    with_template(tiny_site, written)
    error = failure(tiny_site)
    assert error.path == tiny_site.root / ABOUT and error.field == "template"
    assert error.hint == "write the template's file name without .html, e.g. template: page"
