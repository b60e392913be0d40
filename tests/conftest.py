"""Fixtures shared across the suite."""

from __future__ import annotations

import pytest

from headway.config import Settings
from tests.sample_warehouse import write_sample_warehouse


@pytest.fixture
def workspace(tmp_path) -> Settings:
    """An empty workspace."""
    return Settings(workspace=tmp_path / "workspace")


@pytest.fixture
def sample_settings(workspace) -> Settings:
    """A workspace with a small published warehouse (see tests/sample_warehouse.py)."""
    write_sample_warehouse(workspace)
    return workspace
