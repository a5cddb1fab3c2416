"""The builder version: which code changes make the next build a full one, and which do not."""

from __future__ import annotations

import importlib.metadata
import shutil
import tomllib
from pathlib import Path

import pytest

import site_builder
from site_builder.records import PACKAGE, builder_version, code_version

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the package and the benchmarks beside it, as in the project, to edit."""
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("site_builder", "benchmarks"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=ignore)
    return tmp_path


def _edit(file: Path) -> None:
    with file.open("a", encoding="utf-8") as text:
        text.write("\n# edited\n")


@pytest.mark.parametrize(
    "edited",
    [
        "benchmarks/bench.py",
        "benchmarks/bench_site.py",
        "benchmarks/synthetic.py",
        "site_builder/cli.py",
        "site_builder/serve.py",
        "site_builder/linkcheck.py",
        "site_builder/scaffold.py",
        "site_builder/importers/reading.py",
        "site_builder/publish/cms.py",
    ],
)
def test_tools_and_commands_do_not_change_the_builder_version(checkout: Path, edited: str) -> None:
    before = code_version(checkout / "site_builder")
    _edit(checkout / edited)
    assert code_version(checkout / "site_builder") == before


@pytest.mark.parametrize(
    "edited",
    ["render.py", "pages/technicians.py", "pipeline.py", "images.py", "models.py", "__init__.py"],
)
def test_code_that_shapes_the_output_changes_the_builder_version(
    checkout: Path, edited: str
) -> None:
    before = code_version(checkout / "site_builder")
    _edit(checkout / "site_builder" / edited)
    assert code_version(checkout / "site_builder") != before


def test_a_new_module_counts_until_it_is_named_as_not_shaping_output(checkout: Path) -> None:
    before = code_version(checkout / "site_builder")
    (checkout / "site_builder" / "new_step.py").write_text("STEP = 1\n", encoding="utf-8")
    assert code_version(checkout / "site_builder") != before


def test_the_builder_version_is_of_the_package_in_use() -> None:
    assert Path(site_builder.__file__).resolve().parent == PACKAGE
    assert builder_version() == code_version(PACKAGE)
    assert builder_version().isalnum() and len(builder_version()) == 16
    # The benchmarks and the photo generator are not in the package, so not in its version.
    assert not [path.name for path in PACKAGE.glob("*.py") if path.name.startswith("bench")]
    assert not (PACKAGE / "synthetic.py").exists()


def test_the_version_is_set_in_one_place() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "site_builder.__version__"}
    assert importlib.metadata.version("site_builder") == site_builder.__version__
