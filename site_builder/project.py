"""Where a site's folders are and what the person asked for.

Kept apart from the content models, so ``site-builder build`` can tell that nothing changed
since the last build without importing the rest of the builder (most of a second).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """The folders of a site project. Defaults follow the standard layout beside content/."""

    content: Path
    galleries: Path
    themes: Path
    cache: Path

    @classmethod
    def at(cls, content: Path) -> Project:
        root = content.resolve().parent
        return cls(
            content=content.resolve(),
            galleries=root / "galleries",
            themes=root / "themes",
            cache=root / ".cache",
        )

    @property
    def root(self) -> Path:
        return self.content.parent


@dataclass(frozen=True)
class BuildOptions:
    """What the person asked for on the command line."""

    project: Project
    output: Path
    base_url: str | None = None
    drafts: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    jobs: int | None = None
    # render again every page a build keeps from the last one, and fail on any difference
    # (--verify, SITE_BUILDER_VERIFY=1): a check of the incremental build, never of the site
    verify: bool = False
