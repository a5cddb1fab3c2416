"""Importing an action plan from a Word or Excel table, or text copied out of one.

reading (read_text, read_docx, read_xlsx) -> tables of cell strings -> columns (header and
mapping) -> rows (themes, objectives, actions) -> period -> writer (commented YAML) -> summary.
`command.run_import` is what `site-builder import` calls.
"""

from __future__ import annotations

from .command import run_import
from .importing import Imported, import_file
from .problems import ImportStopped

__all__ = ["ImportStopped", "Imported", "import_file", "run_import"]
