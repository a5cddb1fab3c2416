"""Helpers for the import tests: what text a plan YAML holds, and building a site from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from site_builder.importers.words import normalise
from site_builder.pipeline import build
from tests.sites import TinySite

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def yaml_text_haystack(text: str) -> str:
    """Every string value in the YAML and every comment, whitespace made single spaces."""
    strings: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                strings.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            strings.append(str(value))

    walk(yaml.safe_load(text))
    comments = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            body = stripped.lstrip("#").strip()
            comments.append(body.removeprefix("- "))
    return normalise(" \n ".join(strings)) + " || " + normalise(" ".join(comments))


def builds(site: TinySite, text: str, name: str = "imported") -> int:
    """Write the plan into the tiny site and build it; the number of pages made."""
    site.write(f"content/plans/{name}.yaml", text)
    report = build(site.options())
    return report.pages
