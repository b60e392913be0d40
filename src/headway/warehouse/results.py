"""The result tables a refresh writes and readers query: the contract between
the measure engine (build.py) and the readers (query.py, the web app, reports)."""

from __future__ import annotations

RESULT_TABLES_DDL = """
CREATE TABLE measure_catalogue (
    measure_id VARCHAR PRIMARY KEY,
    sort_order INTEGER,
    title VARCHAR NOT NULL,
    description VARCHAR,          -- plain English, for councillors
    unit VARCHAR NOT NULL,        -- percent | rate_per_10k | count | days | average
    polarity VARCHAR NOT NULL,    -- higher_is_better | lower_is_better | context
    basis VARCHAR NOT NULL,       -- snapshot | rolling_12_months | rolling_36_months
    numerator VARCHAR,            -- what is counted, in words
    denominator VARCHAR,
    timescale VARCHAR,            -- statutory timescale, if any
    target DOUBLE,
    tolerance DOUBLE,
    needs VARCHAR,                -- sources it needs, e.g. 'cin_census'
    dfe_statistic VARCHAR,        -- the published statistic it matches
    kpo BOOLEAN NOT NULL DEFAULT FALSE,  -- a Key Performance Obsession the board watches most
    status VARCHAR NOT NULL,      -- ok | skipped | failed
    status_message VARCHAR        -- why skipped or failed (e.g. 'needs the CIN Census')
);
CREATE TABLE measure_values (
    measure_id VARCHAR NOT NULL,
    period_end DATE NOT NULL,     -- a month-end
    org_level VARCHAR NOT NULL,   -- authority | service | team | worker
    org_unit VARCHAR NOT NULL,    -- LA code, service area name, team id or worker id
    org_unit_name VARCHAR,
    parent_unit VARCHAR,          -- the unit one level up (NULL for the authority)
    numerator DOUBLE,
    denominator DOUBLE,           -- for rates per 10,000: the population aged 0-17
    value DOUBLE,                 -- NULL where it cannot be computed (e.g. no cases)
    target DOUBLE,
    rag VARCHAR                   -- R | A | G | NULL (no target, or context measure)
);
CREATE TABLE org_units (
    org_level VARCHAR NOT NULL,
    org_unit VARCHAR NOT NULL,
    org_unit_name VARCHAR,
    parent_level VARCHAR,
    parent_unit VARCHAR
);
-- The DfE's published comparators for each measure and month: the latest
-- published year (to 31 March) on or before the month's collection year.
CREATE TABLE measure_benchmarks (
    measure_id VARCHAR NOT NULL,
    period_end DATE NOT NULL,
    benchmark_year INTEGER,       -- the published year used (2025 = year to 31 March 2025)
    england DOUBLE,
    region DOUBLE,
    region_name VARCHAR,
    stat_neighbour_median DOUBLE,
    stat_neighbour_mean DOUBLE,
    stat_neighbour_count INTEGER,  -- neighbours with a published value
    own_published DOUBLE           -- the authority's own published figure that year
);
CREATE TABLE refresh_info (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


def create_result_tables(con) -> None:
    """Create the empty result tables on a DuckDB connection."""
    con.execute(RESULT_TABLES_DDL)
