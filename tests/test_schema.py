"""The JSON Schema files and the content reference are generated: check they are current."""

from __future__ import annotations

import json
from pathlib import Path

from site_builder.schema import SCHEMAS, content_reference, write_schemas
from tests.sites import ROOT


def test_shipped_schemas_match_the_models(tmp_path: Path) -> None:
    fresh = write_schemas(tmp_path)
    for path in fresh:
        shipped = ROOT / "schemas" / path.name
        assert shipped.read_text() == path.read_text(), f"run 'make schema' to update {path.name}"


def test_content_reference_matches_the_models() -> None:
    shipped = (ROOT / "docs/content-reference.md").read_text()
    assert shipped == content_reference(), "run 'make schema' to update docs/content-reference.md"


def test_vscode_settings_point_at_every_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text())
    mapped = {Path(p).name for p in settings["yaml.schemas"]}
    assert mapped == {f"{name}.schema.json" for name in SCHEMAS}


def test_schema_rejects_unknown_keys() -> None:
    schema = json.loads((ROOT / "schemas/technician.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "consent" in schema["properties"]
