"""Comparators for each measure: England, the authority's region, its statistical
neighbours and its own published figure, from the DfE's published statistics.

The published figures come from headway.returns.ees (read_published and
read_neighbours) and are loaded into staging as two tables, `published_statistics`
and `statistical_neighbours` (columns in STAGING_SCHEMAS). build_comparators turns
them into one `benchmarks` row per measure and year for one authority.

Neighbours with a suppressed or missing value are left out of the median and mean,
never counted as 0, and stat_neighbour_count says how many were left. The median is
what the DfE's own outcomes dashboard shows ("Statistical neighbours (median)");
the mean is what LAIT-style tables show, so both are kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from headway.config import Settings
from headway.errors import HeadwayError

STAGING_SCHEMAS: dict[str, dict[str, str]] = {
    # One row per measure, year and area, as published by the DfE.
    "published_statistics": {
        "measure_id": "VARCHAR",
        "time_period": "INTEGER",       # year ending 31 March (30 September for workforce)
        "geographic_level": "VARCHAR",  # National | Regional | Local authority
        "area_code": "VARCHAR",         # old_la_code (3 digits), region code, or E92000001
        "area_name": "VARCHAR",
        "region_code": "VARCHAR",       # for authorities: the region the file puts them in
        "value": "DOUBLE",              # in the measure's own unit; NULL when suppressed
        "numerator": "DOUBLE",
        "denominator": "DOUBLE",        # for rates per 10,000: the population aged 0-17
        "value_symbol": "VARCHAR",      # the DfE symbol (c, x, z, k, u, low, :) when value is NULL
        "source_file": "VARCHAR",       # the CSV the row came from
    },
    # Each authority's statistical neighbours, closest first.
    "statistical_neighbours": {
        "la_code": "VARCHAR",
        "neighbour_code": "VARCHAR",
        "rank": "INTEGER",              # 1 = closest
        "closeness": "VARCHAR",         # e.g. 'Very close', as the model labels it
    },
}

BENCHMARKS_DDL = """
CREATE OR REPLACE TABLE benchmarks (
    measure_id VARCHAR NOT NULL,
    time_period INTEGER NOT NULL,
    england DOUBLE,
    region DOUBLE,
    region_name VARCHAR,
    stat_neighbour_median DOUBLE,
    stat_neighbour_mean DOUBLE,
    stat_neighbour_count INTEGER NOT NULL,  -- neighbours with a published value
    own_published DOUBLE
)
"""

# The authority's region for a measure and year is the region_code on its own row;
# where it has no row (e.g. not yet created), the region on its latest row.
BENCHMARKS_SQL = """
INSERT INTO benchmarks
WITH own AS (
    SELECT measure_id, time_period, value, region_code
    FROM published_statistics
    WHERE geographic_level = 'Local authority' AND area_code = $la_code
),
latest_region AS (
    SELECT region_code FROM published_statistics
    WHERE geographic_level = 'Local authority' AND area_code = $la_code
      AND region_code IS NOT NULL
    ORDER BY time_period DESC, region_code
    LIMIT 1
),
regions AS (
    SELECT measure_id, time_period, area_code, area_name, value
    FROM published_statistics WHERE geographic_level = 'Regional'
),
region_names AS (
    SELECT area_code, arg_max(area_name, time_period) AS region_name
    FROM published_statistics WHERE geographic_level = 'Regional'
    GROUP BY area_code
),
england AS (
    SELECT measure_id, time_period, value
    FROM published_statistics WHERE geographic_level = 'National'
),
neighbours AS (
    SELECT p.measure_id, p.time_period,
           median(p.value) AS stat_neighbour_median,
           avg(p.value) AS stat_neighbour_mean,
           count(p.value) AS stat_neighbour_count
    FROM statistical_neighbours n
    JOIN published_statistics p
      ON p.geographic_level = 'Local authority' AND p.area_code = n.neighbour_code
    WHERE n.la_code = $la_code
    GROUP BY p.measure_id, p.time_period
),
keys AS (
    SELECT DISTINCT measure_id, time_period FROM published_statistics
),
keyed AS (
    SELECT k.measure_id, k.time_period, own.value AS own_published,
           coalesce(own.region_code, (SELECT region_code FROM latest_region)) AS region_code
    FROM keys k
    LEFT JOIN own USING (measure_id, time_period)
)
SELECT keyed.measure_id,
       keyed.time_period,
       england.value,
       regions.value,
       region_names.region_name,
       neighbours.stat_neighbour_median,
       neighbours.stat_neighbour_mean,
       coalesce(neighbours.stat_neighbour_count, 0),
       keyed.own_published
FROM keyed
LEFT JOIN england USING (measure_id, time_period)
LEFT JOIN regions
  ON regions.measure_id = keyed.measure_id AND regions.time_period = keyed.time_period
 AND regions.area_code = keyed.region_code
LEFT JOIN region_names ON region_names.area_code = keyed.region_code
LEFT JOIN neighbours USING (measure_id, time_period)
ORDER BY keyed.measure_id, keyed.time_period
"""


def build_comparators(con: duckdb.DuckDBPyConnection, la_code: str) -> None:
    """Create table `benchmarks` for authority `la_code` (its 3-digit DfE code).

    Needs tables published_statistics and statistical_neighbours on `con`. An
    authority absent from the published files still gets every England row, with
    its own, regional and neighbour columns NULL (and a neighbour count of 0).
    """
    _require_tables(con)
    _require_one_row_per_area(con)
    con.execute(BENCHMARKS_DDL)
    con.execute(BENCHMARKS_SQL, {"la_code": str(la_code)})


def import_benchmarks(directory: Path, settings: Settings):
    """`headway benchmarks import DIR`: read the DfE's statistics CSVs and the
    statistical-neighbour model from DIR into staging, replacing any earlier
    import. Both are read before either is written, so a bad folder changes nothing."""
    from headway.returns.ees import import_published, read_neighbours

    published = import_published(Path(directory))
    neighbours = read_neighbours(Path(directory))
    for table, rows in (("published_statistics", published.table), ("statistical_neighbours", neighbours)):
        folder = settings.staging_dir / table
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".current-{os.getpid()}.parquet"
        pq.write_table(rows, partial)
        os.replace(partial, folder / "current.parquet")
    return published, neighbours.num_rows


def create_measure_benchmarks(con: duckdb.DuckDBPyConnection, la_code: str) -> None:
    """Fill measure_benchmarks: for each measure with a published equivalent and each
    month end, the comparators of the latest published year on or before the
    collection year the month falls in (April 2025 - March 2026 is 2026). With no
    statistics imported the table stays empty."""
    if not con.execute("SELECT count(*) FROM published_statistics").fetchone()[0]:
        return
    build_comparators(con, la_code)
    con.execute("""
        INSERT INTO measure_benchmarks
        WITH wanted AS (
            SELECT m.measure_id, p.period_end,
                   year(p.period_end) + CASE WHEN month(p.period_end) >= 4 THEN 1 ELSE 0 END AS collection_year
            FROM (SELECT DISTINCT measure_id FROM benchmarks) m CROSS JOIN periods p
        )
        SELECT w.measure_id, w.period_end, b.time_period, b.england, b.region, b.region_name,
               b.stat_neighbour_median, b.stat_neighbour_mean, b.stat_neighbour_count, b.own_published
        FROM wanted w
        ASOF JOIN benchmarks b ON w.measure_id = b.measure_id AND w.collection_year >= b.time_period
        ORDER BY w.measure_id, w.period_end
    """)


def _require_tables(con: duckdb.DuckDBPyConnection) -> None:
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    for table, columns in STAGING_SCHEMAS.items():
        if table not in present:
            raise HeadwayError(
                f"Table {table} is not loaded: import the DfE published statistics first.")
        have = {row[0] for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [table]).fetchall()}
        needed = set(columns) - {"value_symbol", "source_file"}  # display-only columns
        missing = sorted(needed - have)
        if missing:
            raise HeadwayError(f"Table {table} has no column(s) {', '.join(missing)}.")


def _require_one_row_per_area(con: duckdb.DuckDBPyConnection) -> None:
    """Two rows for one area would count a neighbour twice in the median."""
    duplicate = con.execute("""
        SELECT measure_id, time_period, geographic_level, area_code
        FROM published_statistics
        GROUP BY ALL HAVING count(*) > 1
        LIMIT 1""").fetchone()
    if duplicate:
        measure_id, year, level, area = duplicate
        raise HeadwayError(
            f"published_statistics holds {measure_id} for {level} {area} in {year} more than "
            "once: the same statistic was loaded from two files.")
