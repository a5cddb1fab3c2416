"""One name for "where it goes" on every command (--out), the old name (--output) still
understood; and the make targets the README tells people to use, ARGS passed through."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from site_builder import cli
from tests.sites import ROOT, TinySite

TODAY = ["--today", "2026-11-24"]
TABLE = "Theme\tAction\tLead\nVisibility\tRun a fair\tAli\nRecognition\tStart an award\tSam\n"


@pytest.fixture
def site(tiny_site: TinySite, monkeypatch: pytest.MonkeyPatch) -> TinySite:
    monkeypatch.chdir(tiny_site.root)
    monkeypatch.setenv("CI", "1")  # no photo progress lines
    return tiny_site


@pytest.mark.parametrize("name", ["--out", "--output"])
def test_build_writes_where_it_is_told(site: TinySite, name: str) -> None:
    assert cli.main(["build", "-q", *TODAY, "--jobs", "1", name, "elsewhere"]) == 0
    assert (site.root / "elsewhere/index.html").is_file()
    assert not (site.root / "output").exists()


@pytest.mark.parametrize("name", ["--out", "--output"])
def test_check_links_reads_the_folder_it_is_told(
    site: TinySite, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["build", "-q", *TODAY, "--jobs", "1", "--out", "built"]) == 0
    assert cli.main(["check", *TODAY, "--links", name, "built"]) == 0
    assert "of built/ checked" in capsys.readouterr().out
    assert cli.main(["check", *TODAY, "--links", name, "nothing-here"]) == 1
    assert "pass --out FOLDER" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["--out", "--output"])
def test_export_writes_the_zip_it_is_told(site: TinySite, name: str) -> None:
    assert cli.main(["export", "cms", "-q", *TODAY, name, "for-cms.zip"]) == 0
    with zipfile.ZipFile(site.root / "for-cms.zip") as archive:
        assert "manifest.csv" in archive.namelist()


@pytest.mark.parametrize("name", ["--out", "--output"])
def test_import_writes_the_plan_it_is_told(site: TinySite, name: str) -> None:
    (site.root / "plan.txt").write_text(TABLE, encoding="utf-8")
    assert cli.main(["import", "plan.txt", name, "content/plans/imported.yaml"]) == 0
    assert "Run a fair" in (site.content / "plans/imported.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["--out", "--output"])
def test_schema_writes_where_it_is_told(site: TinySite, name: str) -> None:
    assert cli.main(["schema", name, "my-schemas"]) == 0
    assert any((site.root / "my-schemas").glob("*.json"))


@pytest.mark.parametrize("name", ["--out", "--output"])
def test_serve_builds_its_preview_where_it_is_told(
    site: TinySite, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder import serve

    seen: dict[str, Any] = {}

    def pretend(options: Any, bind: str, port: int) -> int:
        seen.update(output=options.output, bind=bind, port=port)
        return 0

    monkeypatch.setattr(serve, "serve", pretend)
    assert cli.main(["serve", name, "preview-here", "--port", "8123"]) == 0
    assert seen == {"output": Path("preview-here"), "bind": "127.0.0.1", "port": 8123}


@pytest.mark.parametrize("command", ["build", "serve", "check", "export", "import", "schema"])
def test_every_command_lists_out_and_not_the_old_name(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, "cms", "--help"] if command == "export" else [command, "--help"]
    with pytest.raises(SystemExit):
        cli.main(argv)
    shown = capsys.readouterr().out
    assert "--out " in shown and "--output" not in shown


# --- make, as the README says ------------------------------------------------------------------


def make_dry_run(*args: str) -> str:
    """What make would run (-n prints the commands without running them)."""
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("target", "args", "expected"),
    [
        ("import", '"Our plan.docx" --out content/plans/2025.yaml', "site-builder import "),
        ("build", "--out elsewhere", "site-builder build --out elsewhere"),
        ("cms-export", "--out for-cms.zip --force", "site-builder export cms --out for-cms.zip"),
        ("publish", "--remote ours", "site-builder publish --remote ours"),
        ("serve", "--port 8001", "site-builder serve --port 8001"),
    ],
)
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_targets_pass_args_on(target: str, args: str, expected: str) -> None:
    ran = make_dry_run(target, f"ARGS={args}")
    line = next(ln for ln in ran.splitlines() if "site-builder" in ln)
    assert expected in line and args in line


def test_the_readme_names_only_options_the_commands_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every `--option` the README shows is one a command's --help lists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", readme))
    listed: set[str] = set()
    for argv in (
        ["build"],
        ["serve"],
        ["check"],
        ["new"],
        ["import"],
        ["publish"],
        ["export", "cms"],
        ["schema"],
    ):
        with pytest.raises(SystemExit):
            cli.main([*argv, "--help"])
        listed.update(re.findall(r"(?<![\w-])--[a-z][a-z-]+", capsys.readouterr().out))
    old_names = {"--output"}  # the README says this older name still works; --help hides it
    assert shown - listed == old_names
