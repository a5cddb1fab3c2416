"""`site-builder check --links`: broken links, anchors and images are found and listed by page."""

from __future__ import annotations

import pytest

from site_builder import cli
from site_builder.linkcheck import (
    BrokenLink,
    Reference,
    SiteAddress,
    find_broken,
    format_broken,
    parse_css,
    parse_html,
    parse_xml,
)
from site_builder.pipeline import build
from tests.sites import TinySite

SUBPATH = SiteAddress.of("https://org.github.io/techcommit/")


def test_html_links_images_and_anchors_are_collected() -> None:
    parsed = parse_html(
        '<h2 id="top">T</h2><a name="old"></a><a href="/a/">a</a>'
        '<img src="x.png" srcset="x-480.webp 480w, x-960.webp 960w" alt="">'
        '<link rel="stylesheet" href="s.css"><script src="j.js"></script>'
        '<video poster="p.jpg"></video>'
    )
    assert parsed.anchors == {"top", "old"}
    assert [(r.kind, r.url) for r in parsed.references] == [
        ("link to", "/a/"),
        ("image", "x.png"),
        ("image", "x-480.webp"),
        ("image", "x-960.webp"),
        ("stylesheet", "s.css"),
        ("script", "j.js"),
        ("poster", "p.jpg"),
    ]


def test_feed_and_sitemap_addresses_are_collected() -> None:
    atom = '<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://x.org/n/"/></feed>'
    sitemap = "<urlset><url><loc>https://x.org/a/</loc></url></urlset>"
    assert [r.url for r in parse_xml(atom).references] == ["https://x.org/n/"]
    assert [r.url for r in parse_xml(sitemap).references] == ["https://x.org/a/"]


def test_css_urls_are_collected() -> None:
    css = "/* url(no.png) */ .a { background: url('../img/a.svg') } @import 'b.css';"
    assert [r.url for r in parse_css(css).references] == ["../img/a.svg", "b.css"]


@pytest.mark.parametrize(
    ("page", "link", "expected"),
    [
        ("index.html", "/techcommit/about/", "about/index.html"),
        ("about/index.html", "../plans/#x", "plans/index.html"),
        ("about/index.html", "https://org.github.io/techcommit/feed.xml", "feed.xml"),
        ("404.html", "assets/a.css", "assets/a.css"),
    ],
)
def test_links_resolve_to_output_files(page: str, link: str, expected: str) -> None:
    target = SUBPATH.resolve(page, link)
    assert target is not None and target.path == expected


@pytest.mark.parametrize(
    "link", ["https://example.com/", "mailto:a@b.org", "https://org.github.io/other/", ""]
)
def test_links_to_other_sites_are_not_checked(link: str) -> None:
    assert SUBPATH.resolve("index.html", link) is None


def test_a_root_link_under_a_subpath_site_is_outside_the_site() -> None:
    target = SUBPATH.resolve("index.html", "/plans/")
    assert target is not None and target.path is None


def _broken(links: str, files: set[str]) -> list[str]:
    parsed = {"index.html": parse_html(links), "plans/index.html": parse_html('<p id="p1">')}
    return [b.reason for b in find_broken(parsed, frozenset(files), SUBPATH)]


def test_missing_page_is_broken() -> None:
    files = {"index.html", "plans/index.html"}
    assert _broken('<a href="/techcommit/nowhere/">x</a>', files) == ["no such file"]


def test_missing_anchor_is_broken() -> None:
    files = {"index.html", "plans/index.html"}
    assert _broken('<a href="plans/#p1">ok</a><a href="plans/#p2">x</a>', files) == [
        "no element with id 'p2' on plans/index.html"
    ]


def test_missing_image_is_broken() -> None:
    files = {"index.html", "plans/index.html", "a.png"}
    assert _broken('<img src="a.png" alt=""><img src="b.png" alt="">', files) == ["no such file"]


def test_report_groups_by_page_with_a_hint() -> None:
    broken = [
        BrokenLink("a/index.html", Reference("/x/"), "no such file"),
        BrokenLink("a/index.html", Reference("/y.png", "image"), "no such file"),
        BrokenLink("b/index.html", Reference("/x/"), "no such file"),
    ]
    text = format_broken(broken, "output")
    assert text.startswith(
        "output/a/index.html: broken link to /x/ (no such file)\n"
        "output/a/index.html: broken image /y.png (no such file)\n\n"
        "output/b/index.html: broken link to /x/ (no such file)\n"
    )
    assert "fix: a page or file that does not exist" in text


# --- the command, on a tiny site -------------------------------------------------------------


def _check_links(site: TinySite, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    build(site.options())
    capsys.readouterr()
    code = cli.main(
        [
            "check",
            "-q",
            "--links",
            "--content",
            str(site.content),
            "--output",
            str(site.root / "output"),
        ]
    )
    return code, capsys.readouterr().err


def test_check_links_passes_on_a_good_site(
    tiny_site: TinySite, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _check_links(tiny_site, capsys)
    assert (code, err) == (0, "")


def test_check_links_lists_a_broken_link_anchor_and_image(
    tiny_site: TinySite, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny_site.write(
        "content/pages/about.md",
        """\
        ---
        title: About the Commitment
        ---

        See [nothing](/nowhere/), [the plan](/plans/#no-such-part) and
        ![a chart](/assets/missing-chart.svg).
        """,
    )
    code, err = _check_links(tiny_site, capsys)
    assert code == 1
    page = f"{tiny_site.root / 'output'}/about/index.html"
    assert f"{page}: broken link to /nowhere/ (no such file)" in err
    assert (
        f"{page}: broken link to /plans/#no-such-part "
        "(no element with id 'no-such-part' on plans/index.html)" in err
    )
    # (an image in content/media/ that is missing stops the build itself: test_text_images)
    assert f"{page}: broken image /assets/missing-chart.svg (no such file)" in err
    assert "3 broken links on 1 page" in err


def test_check_links_without_a_build_says_to_build(
    tiny_site: TinySite, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "check",
            "--links",
            "--content",
            str(tiny_site.content),
            "--output",
            str(tiny_site.root / "out"),
        ]
    )
    assert code == 1
    assert "make build" in capsys.readouterr().err
