"""The shipped GitHub Actions workflow builds for the Pages address and deploys officially."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.sites import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(workflow: dict[Any, Any], action: str) -> dict[str, Any]:
    found = [s for s in steps(workflow) if str(s.get("uses", "")).startswith(action + "@")]
    assert len(found) == 1, f"{action} is used {len(found)} times"
    return found[0]


def test_runs_on_push_to_main_and_by_hand(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_has_the_permissions_and_concurrency_pages_needs(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]


def test_sets_up_python_311_or_newer(workflow: dict[Any, Any]) -> None:
    uses(workflow, "actions/checkout")
    version = str(uses(workflow, "actions/setup-python")["with"]["python-version"])
    assert tuple(int(part) for part in version.split(".")) >= (3, 11)


def test_builds_for_the_address_from_the_pages_settings(workflow: dict[Any, Any]) -> None:
    assert uses(workflow, "actions/configure-pages")["id"] == "pages"
    runs = [str(s.get("run", "")) for s in steps(workflow)]
    build = [r for r in runs if "site-builder build" in r]
    assert build and '--base-url "${{ steps.pages.outputs.base_url }}/"' in build[0]


def test_uploads_output_and_deploys_it(workflow: dict[Any, Any]) -> None:
    assert uses(workflow, "actions/upload-pages-artifact")["with"]["path"] == "output"
    deploy = uses(workflow, "actions/deploy-pages")
    assert deploy["id"] == "deployment"
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"
