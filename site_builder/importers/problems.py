"""The one way the importer stops: a message for the person running it, and an exit code."""

from __future__ import annotations

from pathlib import Path

EXIT_CONTENT, EXIT_USAGE = 1, 2


class ImportStopped(Exception):
    """The file cannot be imported as asked; says why and what to do, never a traceback."""

    def __init__(self, path: Path | None, message: str, hint: str, exit_code: int = EXIT_CONTENT):
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
        # The column mapping the import would use, printed so it can be corrected (--map).
        self.mapping: str | None = None
