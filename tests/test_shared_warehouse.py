"""A server process keeps one snapshot of the published warehouse open and moves to
the next when a refresh publishes it, without disturbing a request still reading
the old one (warehouse/query.py: Warehouse.shared)."""

import os

import duckdb
import pytest

from headway.errors import HeadwayError
from headway.warehouse.query import Warehouse


def publish(path, built_at: str) -> None:
    """Build a tiny warehouse beside `path` and swap it in, as a refresh does."""
    building = path.with_name("build.duckdb")
    con = duckdb.connect(str(building))
    con.execute("CREATE TABLE refresh_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO refresh_info VALUES ('built_at', ?)", [built_at])
    con.close()
    os.replace(building, path)


def test_a_new_publish_is_seen_and_an_open_reader_keeps_its_snapshot(tmp_path):
    path = tmp_path / "current.duckdb"
    publish(path, "first")
    reading = Warehouse.shared(path)
    assert reading.info()["built_at"] == "first"
    with Warehouse.shared(path) as again:  # the same snapshot, not a second open
        assert again._snapshot is reading._snapshot

    publish(path, "second")
    with Warehouse.shared(path) as after:
        assert after.info()["built_at"] == "second"
    assert reading.info()["built_at"] == "first"  # a request that began before still reads its file whole

    retired = reading._snapshot
    reading.close()  # the last user of the retired snapshot: its file is let go
    with pytest.raises(duckdb.ConnectionException):
        retired.con.execute("SELECT 1")


def test_no_published_warehouse_says_what_to_run(tmp_path):
    with pytest.raises(HeadwayError, match="headway refresh"):
        Warehouse.shared(tmp_path / "current.duckdb")
