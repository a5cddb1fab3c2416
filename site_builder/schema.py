"""JSON Schema files for the YAML content types, generated from the models so they never drift."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .kinds import KINDS
from .models import nested_models

# JSON Schemas for the YAML kinds: editors (VS Code's YAML extension) check files against them.
SCHEMAS: dict[str, type[BaseModel]] = {
    kind.name: kind.model for kind in KINDS if not kind.front_matter
}


def schema_for(model: type[BaseModel]) -> dict[str, object]:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / f"{name}.schema.json"
        text = json.dumps(schema_for(model), indent=2, sort_keys=True, default=str) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def content_reference() -> str:
    """The content reference in Markdown, made from the models' field descriptions."""
    # YAML files first, then Markdown files' front matter
    ordered = sorted(KINDS, key=lambda kind: kind.front_matter)
    sections = [
        (kind.where + (" (front matter)" if kind.front_matter else ""), kind.model)
        for kind in ordered
    ]
    lines = [
        "# Content reference",
        "",
        "Generated from `site_builder/models.py` by `site-builder schema --reference`; "
        "do not edit by hand.",
        "",
    ]
    seen: set[str] = set()
    for where, model in sections:
        lines += [f"## `{where}`", ""]
        if model.__doc__:
            lines += [" ".join(model.__doc__.split()), ""]
        lines += _field_table(model, seen, nested=[])
    return "\n".join(lines).rstrip() + "\n"


def _field_table(
    model: type[BaseModel], seen: set[str], nested: list[type[BaseModel]]
) -> list[str]:
    rows = ["| field | required | what it is |", "|---|---|---|"]
    # Fields of which any one will do (a plan period's end or months), as the schema says.
    either = [
        r["required"][0]
        for r in model.model_json_schema().get("anyOf", [])
        if isinstance(r, dict) and len(r.get("required", [])) == 1
    ]
    for name, info in model.model_fields.items():
        required = "yes" if info.is_required() else ""
        if name in either:
            required = " or ".join(either)
        about = (info.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{name}` | {required} | {about} |")
        for inner in nested_models(info.annotation):
            if inner is not model and inner.__name__ not in seen:
                seen.add(inner.__name__)
                nested.append(inner)
    rows.append("")
    while nested:
        inner = nested.pop(0)
        rows += [f"### {inner.__name__}", ""]
        rows += _field_table(inner, seen, nested)
    return rows
