"""Reading a built Pagefind index back, so tests can say what is (and is not) searchable."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

# Pagefind writes each page's record as gzip'd JSON behind this signature.
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def fragments(site: Path) -> list[dict[str, Any]]:
    """Every page record in site/pagefind/fragment/: url, content, meta, filters."""
    records = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT_SIGNATURE), f"{path} is not a Pagefind fragment"
        records.append(json.loads(data[len(FRAGMENT_SIGNATURE) :]))
    return records


def indexed_text(site: Path) -> str:
    """All the text a visitor could find, titles included, lower-cased."""
    parts = []
    for record in fragments(site):
        parts += [record["url"], record["content"], json.dumps(record.get("meta", {}))]
    return "\n".join(parts).lower()
