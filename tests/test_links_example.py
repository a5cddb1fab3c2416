"""The example site, built at a domain root and under a subpath, has no broken link; served under
/techcommit/ by a plain static server, everything a visitor's browser would fetch is there."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from site_builder.linkcheck import check_output, parse_file
from site_builder.pipeline import build
from site_builder.project import BuildOptions, Project
from tests.sites import ROOT

TODAY = dt.date(2026, 11, 24)
ROOT_URL = "https://tc.example.ac.uk/"
SUBPATH_URL = "https://example.org/techcommit/"


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example built twice from one project, so the second build reuses the photo cache."""
    project = tmp_path_factory.mktemp("example") / "project"
    for name in ("content", "galleries", "themes"):
        shutil.copytree(ROOT / name, project / name)
    outputs = {}
    for name, base_url in (("root", ROOT_URL), ("subpath", SUBPATH_URL)):
        output = project / f"output-{name}"
        options = BuildOptions(
            project=Project.at(project / "content"), output=output, base_url=base_url, today=TODAY
        )
        build(options)
        outputs[name] = output
    return outputs


@pytest.mark.parametrize(("name", "base_url"), [("root", ROOT_URL), ("subpath", SUBPATH_URL)])
def test_example_site_has_no_broken_link(
    example_builds: dict[str, Path], name: str, base_url: str
) -> None:
    report = check_output(example_builds[name], base_url)
    assert report.references > 1000
    assert [b.describe("output") for b in report.broken] == []


@pytest.fixture
def served_under_subpath(example_builds: dict[str, Path], tmp_path: Path) -> Iterator[str]:
    """A plain static server whose document root holds the site at techcommit/."""
    (tmp_path / "techcommit").symlink_to(example_builds["subpath"], target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/techcommit/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_everything_resolves_when_served_under_the_subpath(served_under_subpath: str) -> None:
    """Crawl from the home page over HTTP: pages, images, styles, scripts, feeds, sitemap."""
    served = served_under_subpath
    published = urlsplit(SUBPATH_URL)
    queue = [served, served + "sitemap.xml", served + "robots.txt"]
    seen: set[str] = set()
    failures: list[str] = []
    kinds: set[str] = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            failures.append(f"{url}: {error.code}")
            continue
        assert status == 200
        path = urlsplit(url).path
        name = path.rsplit("/", 1)[-1] or "index.html"
        if not name.endswith((".html", ".xml", ".css", ".txt")):
            continue
        for reference in parse_file(name, body.decode("utf-8")).references:
            kinds.add(reference.kind)
            link = urldefrag(urljoin(url, reference.url)).url
            parts = urlsplit(link)
            if (parts.scheme, parts.netloc) == (published.scheme, published.netloc):
                link = served + parts.path.removeprefix(published.path)  # a full address
            if link.startswith(served):
                queue.append(link)
            elif link.startswith(served.split("/techcommit/")[0]):
                failures.append(f"{url}: {reference.url} is outside /techcommit/")
    assert failures == []
    assert {"link to", "image", "stylesheet", "script", "feed", "sitemap entry"} <= kinds
    assert len(seen) > 100
