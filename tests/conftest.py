"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sites import TinySite


@pytest.fixture
def tiny_site(tmp_path: Path) -> TinySite:
    return TinySite(tmp_path)
