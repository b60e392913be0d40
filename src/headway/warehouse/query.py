"""Read-only queries on the published warehouse: the only place the web app and
the reports read measure results.

A Warehouse opens the published file read-only, so any number of readers can run
while a refresh builds the next file; a refresh publishes by os.replace(), and a
reader that opens after that sees the new file whole.

Result tables (written by warehouse/build.py):
  measure_catalogue  one row per measure: metadata and status (ok / skipped / failed)
  measure_values     measure_id, period_end, org_level, org_unit, org_unit_name,
                     parent_unit, numerator, denominator, value, target, rag
  org_units          org_level, org_unit, org_unit_name, parent_level, parent_unit
  measure_benchmarks measure_id, period_end, benchmark_year, england, region, region_name,
                     stat_neighbour_median, stat_neighbour_mean, stat_neighbour_count, own_published
  refresh_info       key, value (built_at, la_code, la_name, population_year...)
  load_warnings      source_table, staged_as, warning: integrity warnings of the loaded files
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from headway.errors import HeadwayError
from headway.measures.rag import direction

ORG_LEVELS = ("authority", "service", "team", "worker")
T = TypeVar("T")


@dataclass(frozen=True)
class Point:
    period_end: dt.date
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float | None
    rag: str | None


class Warehouse:
    """The published warehouse, open read-only. Use as a context manager.

    `Warehouse(path)` opens the file (about 90 ms for a large one): right for a
    command or a report. A server uses `Warehouse.shared(path)`, a cursor on the one
    snapshot its process keeps open until a refresh publishes the next."""

    def __init__(self, path: Path, snapshot: "_Snapshot | None" = None):
        con = None
        if snapshot is None:
            if not Path(path).exists():
                raise HeadwayError(
                    f"No published warehouse at {path}. Run `headway load` and `headway refresh` first."
                )
            con = duckdb.connect(str(path), read_only=True)
        self._con, self._snapshot = con, snapshot

    @property
    def con(self):
        """The DuckDB connection. On a shared snapshot, a cursor made when first used:
        a page whose answers are all kept (cached()) never makes one."""
        if self._con is None:
            self._con = self._snapshot.cursor()
        return self._con

    @classmethod
    def shared(cls, path: Path) -> "Warehouse":
        return _shared_warehouse(Path(path))

    def cached(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """compute()'s answer, worked out once per published snapshot and kept with it.

        Only for answers that depend on the snapshot and on `key` alone, never on who
        asks: filter by the user's scope after this, not inside it. The answer is shared
        by every request the snapshot serves, so callers must not change it. A refresh
        publishes a new snapshot, whose answers start empty. A warehouse opened on its
        own (a command, a report) keeps nothing: compute() runs every time."""
        if self._snapshot is None:
            return compute()
        return self._snapshot.answers.get(key, compute)

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
        if self._snapshot is not None:
            self._snapshot.release()
            self._snapshot = None

    def _rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    # --- what was built -------------------------------------------------
    def info(self) -> dict[str, str]:
        return self.cached(("info",), lambda: {
            r["key"]: r["value"] for r in self._rows("SELECT key, value FROM refresh_info")})

    def periods(self) -> list[dt.date]:
        return self.cached(("periods",), lambda: [r["period_end"] for r in self._rows(
            "SELECT DISTINCT period_end FROM measure_values ORDER BY period_end")])

    def latest_period(self) -> dt.date | None:
        periods = self.periods()
        return periods[-1] if periods else None

    def load_warnings(self, measure_id: str) -> list[dict]:
        """Integrity warnings found when the returns this measure uses were loaded
        (source_table, staged_as: the year or extract, warning). None in an older warehouse."""
        return self.cached(("load_warnings", measure_id), lambda: self._load_warnings(measure_id))

    def _load_warnings(self, measure_id: str) -> list[dict]:
        if not self._rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'load_warnings'"):
            return []
        return self._rows("""
            SELECT w.source_table, w.staged_as, w.warning
            FROM load_warnings w JOIN measure_catalogue m
              ON list_contains(string_split(m.needs, ', '), w.source_table)
            WHERE m.measure_id = ?
            ORDER BY w.source_table, w.staged_as, w.warning
        """, [measure_id])

    def measures(self) -> list[dict]:
        return self.cached(("measures",), lambda: self._rows(
            "SELECT * FROM measure_catalogue ORDER BY sort_order, measure_id"))

    def measure(self, measure_id: str) -> dict | None:
        return next((m for m in self.measures() if m["measure_id"] == measure_id), None)

    def org_units(self, org_level: str, parent_unit: str | None = None) -> list[dict]:
        return self.cached(("org_units", org_level, parent_unit), lambda: self._org_units(org_level, parent_unit))

    def _org_units(self, org_level: str, parent_unit: str | None) -> list[dict]:
        sql = "SELECT * FROM org_units WHERE org_level = ?"
        params: list = [org_level]
        if parent_unit is not None:
            sql += " AND parent_unit = ?"
            params.append(parent_unit)
        return self._rows(sql + " ORDER BY org_unit_name", params)

    def org_unit(self, org_level: str, org_unit: str) -> dict | None:
        rows = self._rows("SELECT * FROM org_units WHERE org_level = ? AND org_unit = ?",
                          [org_level, org_unit])
        return rows[0] if rows else None

    # --- series -----------------------------------------------------------
    def series(self, measure_id: str, org_level: str = "authority", org_unit: str | None = None,
               until: dt.date | None = None) -> list[Point]:
        return self.cached(("series", measure_id, org_level, org_unit, until),
                           lambda: self._series(measure_id, org_level, org_unit, until))

    def _series(self, measure_id: str, org_level: str, org_unit: str | None, until: dt.date | None) -> list[Point]:
        sql = """SELECT period_end, numerator, denominator, value, target, rag
                 FROM measure_values WHERE measure_id = ? AND org_level = ?"""
        params: list = [measure_id, org_level]
        if org_unit is not None:
            sql += " AND org_unit = ?"
            params.append(org_unit)
        if until is not None:
            sql += " AND period_end <= ?"
            params.append(until)
        return [Point(**r) for r in self._rows(sql + " ORDER BY period_end", params)]

    def _series_of_every_measure(self, org_level: str, org_unit: str | None,
                                 until: dt.date | None) -> dict[str, list[Point]]:
        """series() for every measure at once: one query, not one per measure (the
        scorecard is the page everyone opens first)."""
        sql = """SELECT measure_id, period_end, numerator, denominator, value, target, rag
                 FROM measure_values WHERE org_level = ?"""
        params: list = [org_level]
        if org_unit is not None:
            sql += " AND org_unit = ?"
            params.append(org_unit)
        if until is not None:
            sql += " AND period_end <= ?"
            params.append(until)
        found: dict[str, list[Point]] = {}
        for row in self._rows(sql + " ORDER BY measure_id, period_end", params):
            found.setdefault(row.pop("measure_id"), []).append(Point(**row))
        return found

    def breakdown(self, measure_id: str, period_end: dt.date, org_level: str = "team",
                  parent_unit: str | None = None) -> list[dict]:
        """One row per org unit at a level for one period (e.g. every team)."""
        return self.cached(("breakdown", measure_id, period_end, org_level, parent_unit),
                           lambda: self._breakdown(measure_id, period_end, org_level, parent_unit))

    def _breakdown(self, measure_id: str, period_end: dt.date, org_level: str,
                   parent_unit: str | None) -> list[dict]:
        sql = """SELECT org_unit, org_unit_name, parent_unit, numerator, denominator, value, target, rag
                 FROM measure_values WHERE measure_id = ? AND period_end = ? AND org_level = ?"""
        params: list = [measure_id, period_end, org_level]
        if parent_unit is not None:
            sql += " AND parent_unit = ?"
            params.append(parent_unit)
        return self._rows(sql + " ORDER BY org_unit_name", params)

    def level_values(self, measure_id: str, org_levels: tuple[str, ...],
                     until: dt.date | None = None) -> list[dict]:
        """Every row of a measure at some levels, every month up to `until` (for
        disclosure control, which decides each month's cells together)."""
        return self.cached(("level_values", measure_id, tuple(org_levels), until),
                           lambda: self._level_values(measure_id, tuple(org_levels), until))

    def _level_values(self, measure_id: str, org_levels: tuple[str, ...], until: dt.date | None) -> list[dict]:
        sql = """SELECT period_end, org_level, org_unit, org_unit_name, parent_unit, numerator, denominator,
                        value, target, rag
                 FROM measure_values WHERE measure_id = ? AND list_contains(?, org_level)"""
        params: list = [measure_id, list(org_levels)]
        if until is not None:
            sql += " AND period_end <= ?"
            params.append(until)
        return self._rows(sql + " ORDER BY period_end, org_level, org_unit", params)

    # --- the workforce (model tables social_workers, team_establishment) ----
    def workforce_team_months(self, until: dt.date | None = None) -> list[dict]:
        """Per team and workforce snapshot (census_date) up to `until`: establishment,
        vacancies and agency cover (team_establishment); permanent and agency FTE in
        post; permanent leavers in the snapshot's month and in the 12 months to it;
        cases and FTE of case holders by cohort (complex_needs for a complex-needs
        team, else newly_qualified or experienced). Empty if no workforce is loaded
        (or the warehouse was built before Headway read one)."""
        return self.cached(("workforce_team_months", until), lambda: self._workforce_team_months(until))

    def _workforce_team_months(self, until: dt.date | None) -> list[dict]:
        if not self._rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'team_establishment'"):
            return []
        cohort = """CASE WHEN coalesce(e.complex_needs, FALSE) THEN 'complex_needs'
                         WHEN s.newly_qualified THEN 'newly_qualified' ELSE 'experienced' END"""
        holding = "s.left_date IS NULL AND s.case_holder"
        leaving = "s.left_date IS NOT NULL AND NOT s.agency"
        in_month = f"{leaving} AND last_day(s.left_date) = last_day(s.census_date)"
        return self._rows(f"""
            WITH people AS (
                SELECT s.census_date, s.team_id,
                       sum(s.fte) FILTER (WHERE s.left_date IS NULL AND NOT s.agency) AS permanent_fte,
                       sum(s.fte) FILTER (WHERE s.left_date IS NULL AND s.agency) AS agency_fte,
                       sum(s.fte) FILTER (WHERE {leaving}) AS leavers_12m_fte,
                       sum(s.fte) FILTER (WHERE {in_month}) AS leavers_month_fte,
                       count(*) FILTER (WHERE {in_month}) AS leavers_month,
                       sum(s.cases) FILTER (WHERE {holding} AND {cohort} = 'experienced') AS experienced_cases,
                       sum(s.fte) FILTER (WHERE {holding} AND {cohort} = 'experienced') AS experienced_fte,
                       sum(s.cases) FILTER (WHERE {holding} AND {cohort} = 'newly_qualified')
                           AS newly_qualified_cases,
                       sum(s.fte) FILTER (WHERE {holding} AND {cohort} = 'newly_qualified') AS newly_qualified_fte,
                       sum(s.cases) FILTER (WHERE {holding} AND {cohort} = 'complex_needs') AS complex_needs_cases,
                       sum(s.fte) FILTER (WHERE {holding} AND {cohort} = 'complex_needs') AS complex_needs_fte
                FROM social_workers s
                LEFT JOIN team_establishment e USING (census_date, team_id)
                GROUP BY ALL
            )
            SELECT census_date, team_id, e.establishment_fte, e.vacancy_fte, e.agency_cover_fte,
                   coalesce(e.complex_needs, FALSE) AS complex_needs, p.* EXCLUDE (census_date, team_id)
            FROM people p FULL JOIN team_establishment e USING (census_date, team_id)
            WHERE census_date <= coalesce(?::DATE, DATE '9999-12-31')
            ORDER BY census_date, team_id
        """, [until])

    def benchmarks(self, measure_id: str) -> list[dict]:
        """The DfE comparators for every month of a measure (empty if none imported)."""
        return self._rows("SELECT * FROM measure_benchmarks WHERE measure_id = ? ORDER BY period_end",
                          [measure_id])

    def benchmark(self, measure_id: str, period_end: dt.date) -> dict | None:
        rows = self._rows("SELECT * FROM measure_benchmarks WHERE measure_id = ? AND period_end = ?",
                          [measure_id, period_end])
        return rows[0] if rows else None

    def scorecard(self, org_level: str = "authority", org_unit: str | None = None,
                  period_end: dt.date | None = None) -> list[dict]:
        """Every measure at one org unit: latest value, target, RAG, direction, 12-month trend."""
        period_end = period_end or self.latest_period()
        return self.cached(("scorecard", org_level, org_unit, period_end),
                           lambda: self._scorecard(org_level, org_unit, period_end))

    def _scorecard(self, org_level: str, org_unit: str | None, period_end: dt.date | None) -> list[dict]:
        by_measure = self._series_of_every_measure(org_level, org_unit, period_end)
        cards = []
        for m in self.measures():
            points = by_measure.get(m["measure_id"], [])
            latest = points[-1] if points else None
            three = points[-4] if len(points) >= 4 else None
            twelve = points[-13] if len(points) >= 13 else None
            cards.append({
                **m,
                "latest": latest,
                "trend": points[-12:],
                "direction_3m": direction(latest and latest.value, three and three.value, m["polarity"]),
                "direction_12m": direction(latest and latest.value, twelve and twelve.value, m["polarity"]),
            })
        return cards


# --- one open snapshot per server process ------------------------------------------
# DuckDB keeps one database instance per file within a process, so reopening
# current.duckdb after a refresh replaced it would hand back the old instance. A
# snapshot is therefore an in-memory database of its own with the published file
# attached read-only: it holds that one file open, whatever current.duckdb names
# later, until the file has been replaced and the last request using it has finished.

class _Answers:
    """Warehouse.cached's store for one snapshot: at most MAX_ANSWERS, the least recently
    used dropped first. Threads asking for the same missing answer wait for the first
    to work it out rather than all querying at once (a server just started, or just
    moved to a new snapshot, gets the same pages from many users)."""

    MAX_ANSWERS = 4096

    def __init__(self):
        self._found: OrderedDict = OrderedDict()
        self._working: dict = {}  # key -> the lock held while one thread works the answer out
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
            working = self._working.setdefault(key, threading.Lock())
        with working:
            with self._lock:
                if key in self._found:  # worked out by another thread while this one waited
                    return self._found[key]
            try:
                answer = compute()
                with self._lock:
                    self._found[key] = answer
                    while len(self._found) > self.MAX_ANSWERS:
                        self._found.popitem(last=False)
            finally:
                with self._lock:
                    self._working.pop(key, None)
        return answer

    def __len__(self) -> int:
        return len(self._found)


class _Snapshot:
    def __init__(self, path: Path):
        stat = path.stat()
        self.identity = (stat.st_dev, stat.st_ino)
        self.con = duckdb.connect(":memory:", config={"threads": 1})  # requests run side by side; each needs one
        quoted = str(path).replace("'", "''")
        self.con.execute(f"ATTACH '{quoted}' AS published (READ_ONLY)")
        self.users = 0
        self.retired = False
        self.answers = _Answers()

    def cursor(self):
        with _LOCK:
            cursor = self.con.cursor()
        cursor.execute("USE published")
        return cursor

    def release(self) -> None:
        with _LOCK:
            self.users -= 1
            self._close_if_done()

    def _close_if_done(self) -> None:
        if self.retired and self.users == 0:
            self.con.close()


_LOCK = threading.Lock()
_CURRENT: dict[Path, _Snapshot] = {}


def _shared_warehouse(path: Path) -> Warehouse:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise HeadwayError(
            f"No published warehouse at {path}. Run `headway load` and `headway refresh` first.") from None
    with _LOCK:
        snapshot = _CURRENT.get(path)
        if snapshot is None or snapshot.identity != (stat.st_dev, stat.st_ino):
            if snapshot is not None:
                snapshot.retired = True
                snapshot._close_if_done()
            snapshot = _CURRENT[path] = _Snapshot(path)
        snapshot.users += 1
    return Warehouse(path, snapshot=snapshot)
