"""What a resubmission changed: the staging table of a return and year as it was,
against the one replacing it.

Rows are compared whole. A row in only one of the two is matched with rows in only
the other by its key (the child, and the table's first date that is not a date of
birth: the episode's DECOM, the review's date, the referral date; tables without
children: their first column); a match is a changed row, the rest were added or
removed. Children are compared by pseudonym, so this never sees a child's real ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.warehouse.privacy import is_child_id, is_date_of_birth


@dataclass(frozen=True)
class Changes:
    added: int
    removed: int
    changed: int
    children_added: int | None  # None: the table has no child IDs
    children_removed: int | None

    def describe(self) -> str:
        rows = f"{self.added:,} row(s) added, {self.removed:,} removed, {self.changed:,} changed"
        if self.children_added is None:
            return rows
        return f"{rows}; {self.children_added:,} child(ren) added, {self.children_removed:,} removed"


def compare(old: pa.Table, new: pa.Table) -> Changes:
    """What `new` changes in `old` (columns only one of them has are not compared:
    a column added to the contract since the last load is not a change).

    Each row is reduced to a 64-bit hash of the whole row and one of its key, by
    DuckDB, and the two multisets of rows are compared with numpy: a few seconds
    for a 2.6 M-row Episodes table on a busy 2-core machine, where SQL's EXCEPT ALL
    took seventeen."""
    columns = [c for c in new.column_names if c in old.column_names]
    children = [c for c in columns if is_child_id(c)]
    if old.select(columns).equals(new.select(columns)):  # the usual resubmission of an unchanged table
        return Changes(0, 0, 0, *((0, 0) if children else (None, None)))
    key = _key(old.select(columns).schema)
    old_rows, old_keys = _hashes(old, columns, key)
    new_rows, new_keys = _hashes(new, columns, key)
    old_counted, new_counted = _counted(old_rows), _counted(new_rows)
    gone_keys = _unmatched(old_counted, old_keys, new_counted)
    came_keys = _unmatched(new_counted, new_keys, old_counted)
    changed = _matched(gone_keys, came_keys)
    children_added = children_removed = None
    if children:
        before, after = pc.unique(old[children[0]].drop_null()), pc.unique(new[children[0]].drop_null())
        children_added = len(after) - (pc.sum(pc.is_in(after, before)).as_py() or 0)
        children_removed = len(before) - (pc.sum(pc.is_in(before, after)).as_py() or 0)
    return Changes(len(came_keys) - changed, len(gone_keys) - changed, changed, children_added, children_removed)


def _hashes(table: pa.Table, columns: list[str], key: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A hash of each whole row and of each row's key."""
    con = _connection().cursor()
    con.register("rows", table.select(columns))
    hashed = con.execute(f"SELECT hash({', '.join(map(_quoted, columns))}) AS r, "
                         f"hash({', '.join(map(_quoted, key))}) AS k FROM rows").fetchnumpy()
    con.close()
    return _numpy(hashed["r"]), _numpy(hashed["k"])


@lru_cache(maxsize=1)
def _connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for every comparison (opening one takes 0.1 s; a load
    compares dozens of tables); each comparison uses a cursor of its own."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def _numpy(column) -> np.ndarray:
    return np.asarray(column, dtype=np.uint64)


def _counted(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct row hash, where it first is, and how many times (sorted once, used both ways)."""
    return np.unique(rows, return_index=True, return_counts=True)


def _unmatched(rows: tuple[np.ndarray, np.ndarray, np.ndarray], keys: np.ndarray,
               other: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """The keys of the rows with no equal row in `other` (a row twice here and once
    there is unmatched once); rows and other as _counted gives them."""
    distinct, first, count = rows
    theirs, _, their_count = other
    at = np.minimum(np.searchsorted(theirs, distinct), max(len(theirs) - 1, 0))
    there = np.zeros(len(distinct), np.int64)
    if len(theirs):
        there = np.where(theirs[at] == distinct, their_count[at], 0)
    extra = np.maximum(count - there, 0)
    return np.repeat(keys[first], extra)


def _matched(gone: np.ndarray, came: np.ndarray) -> int:
    """Unmatched rows on each side that share a key: changed rows."""
    keys_gone, count_gone = np.unique(gone, return_counts=True)
    keys_came, count_came = np.unique(came, return_counts=True)
    _, in_gone, in_came = np.intersect1d(keys_gone, keys_came, assume_unique=True, return_indices=True)
    return int(np.minimum(count_gone[in_gone], count_came[in_came]).sum())


def _key(schema: pa.Schema) -> list[str]:
    children = [f.name for f in schema if is_child_id(f.name)]
    dates = [f.name for f in schema if pa.types.is_date32(f.type) and not is_date_of_birth(f.name)]
    key = children[:1] + dates[:1]
    return key or [schema.names[0]]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
