"""`headway refresh`: build a new warehouse from staging and publish it atomically.

    staging/*.parquet -> stg_* tables -> model.sql -> measure engine -> publish

The build writes warehouse/build-<pid>.duckdb. Only when everything has been
computed and the file closed does os.replace() swap it in as current.duckdb, which
is atomic on one filesystem: a reader opens either the old file or the new one,
whole. A refresh that fails deletes its build file; one that is killed leaves it
behind, and the next refresh removes it. A lock file stops two refreshes at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from tqdm import tqdm

from headway import __version__
from headway.config import Settings
from headway.errors import HeadwayError
from headway.measures.benchmarks import STAGING_SCHEMAS as BENCHMARK_TABLES
from headway.measures.benchmarks import create_measure_benchmarks
from headway.measures.catalogue import load_catalogue
from headway.measures.engine import NOT_ALLOCATED, NOT_ALLOCATED_NAME, Outcome, compute_measures
from headway.warehouse.calendar import create_calendar
from headway.warehouse.results import create_result_tables
from headway.warehouse.staging import staged_warnings
from headway.warehouse.tables import STAGING_TABLES, YEARLY_TABLES

MODEL_SQL = Path(__file__).with_name("model.sql")


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    seconds: float
    outcomes: list[Outcome]
    periods: int
    phases: dict[str, float] = field(default_factory=dict)  # phase -> seconds, in order

    def summary(self) -> str:
        computed = sum(o.status == "ok" for o in self.outcomes)
        text = f"{computed} measures computed over {self.periods} months"
        if self.phases:
            text += " (" + ", ".join(f"{phase} {seconds:.1f}s" for phase, seconds in self.phases.items()) + ")"
        for status in ("skipped", "failed"):
            text += _listed(status, [o for o in self.outcomes if o.status == status])
        return text


def _listed(status: str, outcomes: list[Outcome]) -> str:
    """'; 3 skipped: needs SSDA903 OC2 (H01, H02), ...' - one entry per reason, since
    many measures wait for the same source."""
    if not outcomes:
        return ""
    by_reason: dict[str, list[str]] = {}
    for o in outcomes:
        by_reason.setdefault(o.message, []).append(o.measure.id)
    reasons = ", ".join(f"{reason} ({', '.join(ids)})" for reason, ids in by_reason.items())
    return f"; {len(outcomes)} {status}: {reasons}"


def refresh(settings: Settings, progress: bool = False) -> RefreshResult:
    started = time.perf_counter()
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with _refresh_lock(settings):
        _remove_abandoned_builds(settings)
        build_path = settings.warehouse_dir / f"build-{os.getpid()}.duckdb"
        try:
            outcomes, periods, phases = _build(settings, build_path, progress)
            os.replace(build_path, settings.warehouse_path)
        finally:
            for leftover in (build_path, build_path.with_name(build_path.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return RefreshResult(settings.warehouse_path, time.perf_counter() - started, outcomes, periods, phases)


def _build(settings: Settings, path: Path, progress: bool) -> tuple[list[Outcome], int, dict[str, float]]:
    measures = load_catalogue()
    con = duckdb.connect(str(path))
    timer = _PhaseTimer(total=4, progress=progress)
    try:
        with timer("staging"):
            _load_staging(con, settings)
        with timer("model"):
            con.execute(MODEL_SQL.read_text(encoding="utf-8"))
            create_calendar(con)
            create_result_tables(con)
            periods = _create_periods(con, settings)
            _create_org_units(con, settings)
            _create_period_population(con, settings)
        with timer("measures"):
            outcomes = compute_measures(con, measures, settings.targets, settings.kpo)
            create_measure_benchmarks(con, settings.la_code)
        with timer("write"):
            _write_refresh_info(con, settings)
            con.execute("CHECKPOINT")
    finally:
        con.close()
        timer.close()
    return outcomes, periods, timer.seconds


class _PhaseTimer:
    """Times each phase of a build (the benchmark reports them) and moves the progress bar."""

    def __init__(self, total: int, progress: bool):
        self.seconds: dict[str, float] = {}
        self._bar = tqdm(total=total, desc="refresh", unit="step", disable=not progress)

    @contextmanager
    def __call__(self, phase: str):
        self._bar.set_postfix_str(phase)
        started = time.perf_counter()
        yield
        self.seconds[phase] = time.perf_counter() - started
        self._bar.update()

    def close(self) -> None:
        self._bar.close()


# --- staging --------------------------------------------------------------------

def _load_staging(con, settings: Settings) -> None:
    """One stg_<table> per return table, with the collection year taken from the
    file name (staging/<table>/<year>.parquet), and the published statistics
    under their own names (build_comparators reads them)."""
    loaded = 0
    for table, columns in STAGING_TABLES.items():
        loaded += _stage(con, settings, table, columns, f"stg_{table}", yearly=table in YEARLY_TABLES)
    if not loaded:
        raise HeadwayError(f"Nothing is loaded in {settings.staging_dir}: run `headway load` on your returns first.")
    for table, columns in BENCHMARK_TABLES.items():
        _stage(con, settings, table, columns, table, yearly=False)
    _stage_warnings(con, settings)


def _stage_warnings(con, settings: Settings) -> None:
    """load_warnings: each staged file's integrity warnings (staging.staged_warnings),
    so a measure using that table says its figures rest on data with warnings."""
    con.execute("CREATE TABLE load_warnings (source_table VARCHAR, staged_as VARCHAR, warning VARCHAR)")
    rows = [(table, path.stem, warning)
            for table in STAGING_TABLES
            for path in sorted((settings.staging_dir / table).glob("*.parquet"))
            for warning in staged_warnings(path)]
    if rows:
        con.executemany("INSERT INTO load_warnings VALUES (?, ?, ?)", rows)


def _stage(con, settings: Settings, table: str, columns: dict[str, str], name: str, yearly: bool) -> int:
    """Create table `name` from staging/<table>/*.parquet (empty if none); returns files read."""
    files = sorted((settings.staging_dir / table).glob("*.parquet"))
    declared = ", ".join(f"{column} {kind}" for column, kind in columns.items())
    year_column = ", collection_year INTEGER" if yearly else ""
    con.execute(f"CREATE TABLE {name} ({declared}{year_column})")
    if files:
        paths = [str(f) for f in files]
        # a column added since the files were staged is blank until they are loaded again
        staged = {row[0] for row in con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?, union_by_name = true)", [paths]).fetchall()}
        picked = ", ".join(f"{column if column in staged else 'NULL'}::{kind}" for column, kind in columns.items())
        year = ", regexp_extract(filename, '(\\d{4})\\.parquet$', 1)::INTEGER" if yearly else ""
        con.execute(f"INSERT INTO {name} SELECT {picked}{year} "
                    f"FROM read_parquet(?, filename = true, union_by_name = true)", [paths])
    return len(files)


def _create_periods(con, settings: Settings) -> int:
    """Month ends from the first collection year's 1 April to the last one's 31 March,
    at most settings.months of them. Each has its 12-month window's first day."""
    years = [r[0] for r in con.execute(" UNION ".join(
        f"SELECT DISTINCT collection_year FROM stg_{t}" for t in sorted(YEARLY_TABLES))).fetchall() if r[0]]
    if not years:
        raise HeadwayError("No SSDA903 or CIN Census return is loaded, so there is no period to report on.")
    first_day, last_day = dt.date(min(years) - 1, 4, 1), dt.date(max(years), 3, 31)
    con.execute("""
        CREATE TABLE periods AS
        SELECT last_day(month) AS period_end,
               (month - INTERVAL 11 MONTH)::DATE AS window_start,
               ?::DATE AS first_data_day
        FROM range(?::DATE, ?::DATE + INTERVAL 1 DAY, INTERVAL 1 MONTH) AS r(month)
    """, [first_day, first_day, last_day])
    keep_from = settings.first_month
    con.execute("""
        DELETE FROM periods WHERE period_end NOT IN (SELECT period_end FROM periods ORDER BY period_end DESC LIMIT ?)
           OR period_end < coalesce(?::DATE, DATE '1900-01-01')
    """, [settings.months, keep_from])
    return con.execute("SELECT count(*) FROM periods").fetchone()[0]


def _create_org_units(con, settings: Settings) -> None:
    con.execute("""
        INSERT INTO org_units
        SELECT 'authority', ?, ?, NULL, NULL
        UNION ALL SELECT DISTINCT 'service', service_area, service_area, 'authority', ? FROM teams
        UNION ALL SELECT 'service', ?, ?, 'authority', ?
        UNION ALL SELECT 'team', team_id, team_name, 'service', service_area FROM teams
        UNION ALL SELECT 'team', ?, ?, 'service', ?
        UNION ALL SELECT 'worker', worker_id, worker_name, 'team', team_id FROM workers
    """, [settings.la_code, settings.la_name, settings.la_code,
          NOT_ALLOCATED_NAME, NOT_ALLOCATED_NAME, settings.la_code,
          NOT_ALLOCATED, NOT_ALLOCATED_NAME, NOT_ALLOCATED_NAME])


def _create_period_population(con, settings: Settings) -> None:
    """The 0-17 population behind each month's rates: the latest ONS mid-year
    estimate (30 June) on or before the month end, else the earliest one loaded,
    for this authority (or the only authority in the file)."""
    codes = [r[0] for r in con.execute("SELECT DISTINCT la_code FROM population").fetchall()]
    code = settings.la_code if settings.la_code in codes or len(codes) != 1 else codes[0]
    con.execute("""
        CREATE TABLE period_population AS
        WITH mine AS (
            SELECT make_date(time_period, 6, 30) AS estimate_date, time_period, population_0_17 AS population
            FROM population WHERE la_code = ?
        ), earliest AS (SELECT * FROM mine ORDER BY estimate_date LIMIT 1)
        SELECT p.period_end,
               coalesce(m.population, (SELECT population FROM earliest)) AS population,
               coalesce(m.time_period, (SELECT time_period FROM earliest)) AS population_year
        FROM periods p ASOF LEFT JOIN mine m ON p.period_end >= m.estimate_date
    """, [code])


def _write_refresh_info(con, settings: Settings) -> None:
    first, last = con.execute("SELECT min(period_end), max(period_end) FROM periods").fetchone()
    info = {
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        "headway_version": __version__,
        "la_code": settings.la_code,
        "la_name": settings.la_name,
        "first_period": str(first),
        "last_period": str(last),
    }
    # Which ONS mid-year estimates the rates per 10,000 used (the committee pack says so).
    years = [r[0] for r in con.execute(
        "SELECT DISTINCT population_year FROM period_population WHERE population_year IS NOT NULL ORDER BY 1").fetchall()]
    if years:
        info["population_year"] = "mid-" + (str(years[0]) if len(years) == 1 else f"{years[0]} to mid-{years[-1]}")
    for table in STAGING_TABLES:
        info[f"rows_{table}"] = str(con.execute(f"SELECT count(*) FROM stg_{table}").fetchone()[0])
    con.executemany("INSERT INTO refresh_info VALUES (?, ?)", list(info.items()))


# --- publishing safely -------------------------------------------------------------

@contextmanager
def _refresh_lock(settings: Settings):
    lock_path = settings.warehouse_dir / "refresh.lock"
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HeadwayError("Another refresh is running on this workspace; wait for it to finish.") from None
        yield


def _remove_abandoned_builds(settings: Settings) -> None:
    """Build files left by a refresh that was killed (we hold the lock, so no
    refresh is using them)."""
    for leftover in settings.warehouse_dir.glob("build-*.duckdb*"):
        leftover.unlink(missing_ok=True)
