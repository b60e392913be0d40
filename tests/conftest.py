"""Fixtures shared across the suite."""

from __future__ import annotations

import os

import pytest

# Loading needs a pseudonymisation key (docs/privacy.md); tests of a missing or
# weak key remove or replace it with monkeypatch.
os.environ.setdefault("HEADWAY_PSEUDONYM_KEY", "test-key-0123456789abcdef0123456789abcdef")

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


# --- the app database on PostgreSQL (access model, issue 5) -------------------------------
# With HEADWAY_TEST_DATABASE_URL set, every test that sets Django up uses a scratch
# database on that PostgreSQL server instead of SQLite (see tests/postgres.py).
_scratch = None


def pytest_configure(config):
    global _scratch
    import os

    server = os.environ.get("HEADWAY_TEST_DATABASE_URL")
    if server:
        from tests.postgres import scratch_database

        _scratch = scratch_database(server)
        os.environ["DATABASE_URL"] = _scratch.__enter__()


def pytest_unconfigure(config):
    if _scratch is not None:
        from django.db import connections

        connections.close_all()
        _scratch.__exit__(None, None, None)
