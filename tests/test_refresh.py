"""A refresh publishes a whole new warehouse or nothing: readers never see a half-built one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from headway.config import Settings
from headway.errors import HeadwayError
from headway.warehouse.build import refresh
from headway.warehouse.query import Warehouse
from tests.hand_fixture import write_hand_fixture

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def published(tmp_path) -> Settings:
    settings = Settings(workspace=tmp_path / "workspace")
    write_hand_fixture(settings)
    refresh(settings)
    return settings


def built_at(settings: Settings) -> str:
    with Warehouse(settings.warehouse_path) as wh:
        return wh.info()["built_at"] + str(len(wh.measures()))


def test_refresh_publishes_and_leaves_no_build_files(published):
    assert published.warehouse_path.exists()
    assert list(published.warehouse_dir.glob("build-*")) == []
    with Warehouse(published.warehouse_path) as wh:
        assert wh.latest_period().isoformat() == "2026-03-31"
        assert wh.info()["la_code"] == published.la_code


def test_staging_from_before_a_column_was_added_refreshes_with_it_blank(tmp_path):
    """A column added to a staging table (here the 903 Episodes' pl_distance) is
    read as blank from files staged before it, until they are loaded again."""
    import pyarrow.parquet as pq

    settings = Settings(workspace=tmp_path / "workspace")
    write_hand_fixture(settings)
    files = sorted((settings.staging_dir / "ssda903_episodes").glob("*.parquet"))
    assert files
    for path in files:
        pq.write_table(pq.read_table(path).drop_columns(["pl_distance"]), path)
    outcomes = {o.measure.id: o.status for o in refresh(settings).outcomes}
    assert outcomes["L01"] == outcomes["L06"] == "ok"
    with Warehouse(settings.warehouse_path) as wh:
        assert {p.numerator for p in wh.series("L06")} <= {0, None}


def test_refresh_with_nothing_loaded_is_a_clear_error(tmp_path):
    with pytest.raises(HeadwayError, match="Nothing is loaded .* run `headway load`"):
        refresh(Settings(workspace=tmp_path / "empty"))


def test_a_failed_refresh_keeps_the_published_warehouse(published, monkeypatch):
    before = published.warehouse_path.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("headway.warehouse.build.compute_measures", explode)
    with pytest.raises(RuntimeError):
        refresh(published)
    assert published.warehouse_path.read_bytes() == before
    assert list(published.warehouse_dir.glob("build-*")) == []


# A refresh in its own process that stops at a chosen step and signals it is there,
# so the test can SIGKILL it at exactly that point.
KILLABLE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import headway.warehouse.build as build
    from headway.config import Settings

    step, ready = sys.argv[2], Path(sys.argv[3])
    real = getattr(build, step) if step != "os.replace" else None

    def pause(*args, **kwargs):
        ready.write_text("paused")
        time.sleep(120)

    if step == "os.replace":
        build.os.replace = pause
    else:
        setattr(build, step, pause)
    build.refresh(Settings(workspace=Path(sys.argv[1])))
""")


@pytest.mark.parametrize("step", ["compute_measures", "os.replace"])
def test_a_killed_refresh_leaves_the_published_warehouse_readable(published, tmp_path, step):
    before = built_at(published)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, str(published.workspace), step, str(ready)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, "the refresh process ended before reaching the pause"
            assert time.monotonic() < deadline, "the refresh never reached the pause"
            time.sleep(0.05)
        assert list(published.warehouse_dir.glob("build-*.duckdb")), "the build file should exist mid-refresh"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert built_at(published) == before  # same warehouse, still readable
    # the next refresh clears the abandoned build and publishes
    refresh(published)
    assert list(published.warehouse_dir.glob("build-*")) == []
    with Warehouse(published.warehouse_path) as wh:
        assert wh.series("A02")


def test_two_refreshes_at_once_are_refused(published):
    import fcntl

    with (published.warehouse_dir / "refresh.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(HeadwayError, match="Another refresh is running"):
            refresh(published)


def test_a_reader_open_during_publish_keeps_its_snapshot(published):
    """A reader that opened the old file keeps reading it whole after a new one is published."""
    with Warehouse(published.warehouse_path) as old:
        rows_before = old.con.execute("SELECT count(*) FROM measure_values").fetchone()[0]
        refresh(published)
        assert old.con.execute("SELECT count(*) FROM measure_values").fetchone()[0] == rows_before
