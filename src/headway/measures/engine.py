"""The measure engine: every measure's cases in, every monthly series out.

1. Cases. Each measure's SQL (catalogue.py) lists its cases; they are gathered,
   every measure's in one statement, into two tables, rolling_cases (one dated
   event each) and snapshot_cases (one start..end span each; a case returned for
   one period_end becomes the one-day span period_end..period_end + 1), tagged with
   the measure ID. Numerators and denominators are kept as numbers (true = 1), so a
   measure can also average days or sum full-time equivalents. A measure whose
   sources were not loaded (or are not read by Headway yet) is skipped, naming
   them; one whose SQL fails is marked failed; neither stops the rest.
2. Attribution. Each case is credited to the worker who held the child's case on
   the day it counts (the event date, or the month end for a snapshot: model.sql's
   case_holders, joined as a range on the child), and so to that worker's team and
   service; a child nobody held is "Not allocated".
3. One pass. Events are counted per month and worker, then summed over each
   12- or 36-month window; snapshots are counted per month end and worker (a child
   once per measure and month). Months are whole numbers (MONTH_NUMBER), so a
   window or a span's month ends are a range of numbers rather than a join of
   every case to every month end; the team is looked up per count, not per case.
   What costs the time at scale: grouping open cases by child, the joins to
   case_holders (one lookup per case) and the rolling windows (benchmarks/RESULTS.md).
   Worker counts are summed to teams, teams to services and services to the
   authority, and a last step turns counts into values, targets and RAG. A median
   measure is counted the same way with one more grouping column, its rows' values
   (whole working days, so a short histogram), and the median is read off each org
   unit's histogram at the end. Medians stop at team level: a worker's dozen cases
   a year give a median that one case swings, and a worker-level histogram is as
   long as the cases themselves.

Rates per 10,000 divide by the ONS 0-17 population, which exists only for the
whole authority: below it a rate measure keeps its numerator (the children) and
leaves value empty rather than invent a team's population.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from headway.measures.catalogue import REQUIRED_COLUMNS, Measure, source_words

log = logging.getLogger(__name__)

# rag.rag() in SQL, over columns value, target, tolerance and polarity
# (tests/test_measures.py holds the two equal).
GAP_SQL = "CASE polarity WHEN 'higher_is_better' THEN value - target ELSE target - value END"
RAG_SQL = f"""CASE WHEN value IS NULL OR target IS NULL OR polarity = 'context' THEN NULL
                   WHEN {GAP_SQL} >= 0 THEN 'G'
                   WHEN -({GAP_SQL}) <= coalesce(tolerance, 0) THEN 'A'
                   ELSE 'R' END"""
NOT_ALLOCATED = "UNALLOCATED"
NOT_ALLOCATED_NAME = "Not allocated"


@dataclass(frozen=True)
class Outcome:
    measure: Measure
    status: str  # ok | skipped | failed
    message: str | None = None
    cases: int = 0


def compute_measures(con, measures: list[Measure], targets: dict | None = None,
                     kpo: tuple[str, ...] = ()) -> list[Outcome]:
    """Fill measure_values and measure_catalogue from the model tables, `periods`
    (period_end, window_start, first_data_day) and `period_population`."""
    con.execute("""
        CREATE TEMP TABLE rolling_cases (measure_id VARCHAR, child_id VARCHAR, event_date DATE,
                                         numerator DOUBLE, denominator DOUBLE, bucket DOUBLE);
        CREATE TEMP TABLE snapshot_cases (measure_id VARCHAR, child_id VARCHAR, start_date DATE,
                                          end_date DATE, numerator DOUBLE, denominator DOUBLE, bucket DOUBLE);
    """)
    staged = _staged_sources(con)
    outcomes = _collect_cases(con, [(m, _check_measure(con, m, staged)) for m in measures])
    _write_measure_settings(con, outcomes, targets or {})
    _attribute_and_count(con)
    _roll_up_and_judge(con)
    _write_catalogue(con, outcomes, kpo)
    return outcomes


# --- 1. cases ------------------------------------------------------------------

def _staged_sources(con) -> dict[str, bool]:
    """Each staging table and whether it has rows (looked up once, not per measure)."""
    staged = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'stg_%'").fetchall()]
    if not staged:
        return {}
    return dict(con.execute(" UNION ALL ".join(
        f"SELECT '{name}', EXISTS (SELECT 1 FROM {name})" for name in staged)).fetchall())


def _missing_sources(measure: Measure, staged: dict[str, bool]) -> list[str]:
    """The measure's sources with no rows, or with no staging table at all (a
    source Headway does not read yet)."""
    return [table for table in measure.needs if not staged.get(f"stg_{table}")]


def _check_measure(con, measure: Measure, staged: dict[str, bool]) -> Outcome | str:
    """The SELECT listing the measure's cases, or why there is none: skipped (a
    source not loaded) or failed (its SQL does not bind, or returns the wrong columns)."""
    missing = [source_words(table) for table in _missing_sources(measure, staged)]
    if missing:
        listed = f"{', '.join(missing[:-1])} and {missing[-1]}" if len(missing) > 1 else missing[0]
        return Outcome(measure, "skipped", f"needs {listed}")
    try:
        columns = [d[0] for d in con.execute(f"SELECT * FROM ({measure.sql}) LIMIT 0").description]
    except duckdb.Error as exc:
        return _failed(measure, exc)
    if not any(set(form) <= set(columns) for form in REQUIRED_COLUMNS[measure.basis]):
        forms = " or ".join(", ".join(form) for form in REQUIRED_COLUMNS[measure.basis])
        return Outcome(measure, "failed", f"its SQL returns columns {', '.join(columns)} "
                                          f"(a {measure.basis} measure must return {forms})")
    return _cases_sql(measure, columns)


def _failed(measure: Measure, exc: Exception) -> Outcome:
    log.warning("measure %s failed: %s", measure.id, exc)
    return Outcome(measure, "failed", f"its SQL failed: {str(exc).splitlines()[0]}")


def _collect_cases(con, checked: list[tuple[Measure, Outcome | str]]) -> list[Outcome]:
    """Every ready measure's cases into its table (a ready measure is one whose check
    gave its SELECT): one INSERT of all the measures' queries together, which DuckDB
    runs side by side (3 s at 7 million rows, against 6 s one measure at a time). If
    that fails (SQL that binds can still fail on the data), each measure is inserted
    on its own, so only the failing one fails."""
    failed: dict[str, Outcome] = {}
    for table in ("rolling_cases", "snapshot_cases"):
        ready = [(m, sql) for m, sql in checked if isinstance(sql, str) and _target(m) == table]
        if not ready:
            continue
        try:
            con.execute(f"INSERT INTO {table} " + " UNION ALL ".join(sql for _, sql in ready))
        except duckdb.Error:
            con.execute(f"DELETE FROM {table}")
            for measure, sql in ready:
                try:
                    con.execute(f"INSERT INTO {table} {sql}")
                except duckdb.Error as exc:
                    failed[measure.id] = _failed(measure, exc)
    counts = dict(con.execute("""SELECT measure_id, count(*) FROM rolling_cases GROUP BY ALL
                                 UNION ALL SELECT measure_id, count(*) FROM snapshot_cases GROUP BY ALL""").fetchall())
    return [outcome if isinstance(outcome, Outcome) else failed.get(m.id, Outcome(m, "ok", cases=counts.get(m.id, 0)))
            for m, outcome in checked]


def _target(measure: Measure) -> str:
    return "snapshot_cases" if measure.basis == "snapshot" else "rolling_cases"


def _cases_sql(measure: Measure, columns: list[str]) -> str:
    """The SELECT that lists the measure's cases in its table's columns, tagged with
    its ID (catalogue.ID_PATTERN: capital letters and digits, safe as a literal)."""
    denominator = "coalesce(denominator::DOUBLE, 0)" if "denominator" in columns else "1"
    if measure.basis != "snapshot":
        picked = "child_id, event_date"
    elif "period_end" in columns:  # counted at that month end only
        picked = "child_id, period_end, (period_end + INTERVAL 1 DAY)::DATE"
    else:
        picked = "child_id, start_date, end_date"
    numerator = "coalesce(numerator::DOUBLE, 0)"
    # a median measure is counted per value: the row's numerator is its bucket
    bucket = numerator if measure.median else "NULL"
    return f"""
        SELECT '{measure.id}', {picked}, {numerator}, {denominator}, {bucket}
        FROM ({measure.sql})
    """


def _write_measure_settings(con, outcomes: list[Outcome], targets: dict) -> None:
    """The per-measure facts the roll-up needs; a target in headway.toml wins."""
    con.execute("""CREATE TEMP TABLE measure_settings (measure_id VARCHAR, unit VARCHAR, polarity VARCHAR,
                   target DOUBLE, tolerance DOUBLE, first_period DATE, window_months INTEGER,
                   median BOOLEAN)""")
    rows = []
    for o in outcomes:
        if o.status != "ok":
            continue
        m = o.measure
        own = targets.get(m.id, {})
        months = m.window_months + m.lookback_months
        rows.append((m.id, m.unit, m.polarity, own.get("target", m.target), own.get("tolerance", m.tolerance),
                     months, m.window_months, m.median))
    con.executemany("""
        INSERT INTO measure_settings
        SELECT ?, ?, ?, ?, ?, last_day(min(first_data_day) + to_months(?::INTEGER) - INTERVAL 1 DAY), ?, ?
        FROM periods
    """, rows)


# --- 2 and 3. attribution and counting ----------------------------------------------

# A month end as a whole number of months (year * 12 + month - 1): "the 12 months
# to this month end" becomes arithmetic, and the month ends a span is open on a
# range() of numbers, so neither needs a join of every case to every month end.
MONTH_NUMBER = "(year({day}) * 12 + month({day}) - 1)"


def _month_number(day: str) -> str:
    return MONTH_NUMBER.format(day=day)


def _attribute_and_count(con) -> None:
    """worker_counts: numerator and denominator per measure, month end, worker and
    team (and, for a median measure, per value, `bucket`, and per team only)."""
    # The ranges of month numbers generated below stop at the first and last month
    # reported; joining period_months keeps only the month ends reported.
    con.execute(f"""
        CREATE TEMP TABLE period_months AS
        SELECT period_end, {_month_number("period_end")} AS month FROM periods
    """)
    con.execute(f"""
        CREATE TEMP TABLE worker_counts AS
        WITH bounds AS (SELECT min(month) AS first_month, max(month) AS last_month FROM period_months),
        {_rolling_sql()},
        {_snapshot_sql()}
        SELECT p.period_end, r.* EXCLUDE (month) FROM rolling r JOIN period_months p USING (month)
        UNION ALL BY NAME
        SELECT * FROM snapshot
    """)


# the worker holding the child's case on a day (model.sql: case_holders); the
# exception lists use it too
HELD_ON = "LEFT JOIN case_holders h ON h.child_id = {child} AND {day} >= h.held_from AND {day} < h.held_until"
# The worker's team, looked up once per count rather than once per case. Medians
# stop at team level, so a median measure's counts keep the team and drop the worker.
WORKER_AND_TEAM = """CASE WHEN NOT s.median THEN c.worker_id END AS worker_id, w.team_id
        FROM {counts} c
        JOIN measure_settings s USING (measure_id)
        LEFT JOIN workers w ON w.worker_id = c.worker_id"""


def _rolling_sql() -> str:
    """CTE `rolling`: event counts per measure, month number, worker and bucket,
    each month's events counted at its own month end and the window_months - 1 after."""
    return f"""
        held AS (
            SELECT e.measure_id, e.event_date, e.bucket, e.numerator, e.denominator, h.worker_id
            FROM rolling_cases e
            {HELD_ON.format(child="e.child_id", day="e.event_date")}
        ),
        held_monthly AS (
            SELECT measure_id, {_month_number("event_date")} AS month, worker_id, bucket,
                   sum(numerator) FILTER (WHERE denominator <> 0) AS numerator,
                   sum(denominator) AS denominator
            FROM held
            WHERE event_date IS NOT NULL  -- (greatest() below would skip a NULL month)
            GROUP BY ALL
        ),
        monthly AS (
            SELECT c.measure_id, c.month, c.bucket, c.numerator, c.denominator, s.window_months,
                   {WORKER_AND_TEAM.format(counts="held_monthly")}
        ),
        rolling AS (
            SELECT measure_id, month, worker_id, team_id, bucket,
                   sum(numerator) AS numerator, sum(denominator) AS denominator
            FROM (SELECT m.* EXCLUDE (month, window_months),
                         unnest(range(greatest(m.month, b.first_month),
                                      least(m.month + m.window_months, b.last_month + 1))) AS month
                  FROM monthly m, bounds b)
            GROUP BY ALL
        )"""


def _snapshot_sql() -> str:
    """CTE `snapshot`: open cases per measure, month end, worker and bucket. A span
    is open on the month ends from its start's month to the month before its end's
    (start_date <= month end < end_date)."""
    return f"""
        open_cases AS (
            -- a child counts once per measure and month end, however many spans are open
            SELECT o.measure_id, o.child_id, p.period_end,
                   max(o.numerator) FILTER (WHERE o.denominator <> 0) AS numerator,
                   max(o.bucket) FILTER (WHERE o.denominator <> 0) AS bucket,
                   max(o.denominator) AS denominator
            FROM (SELECT s.measure_id, s.child_id, s.numerator, s.denominator, s.bucket,
                         unnest(range(greatest({_month_number("s.start_date")}, b.first_month),
                                      least(coalesce({_month_number("s.end_date")}, b.last_month + 1),
                                            b.last_month + 1))) AS month
                  FROM snapshot_cases s, bounds b
                  WHERE s.start_date IS NOT NULL) o
            JOIN period_months p USING (month)
            GROUP BY ALL
        ),
        open_held AS (
            SELECT o.period_end, o.measure_id, h.worker_id, o.bucket,
                   coalesce(sum(o.numerator), 0) AS numerator, sum(o.denominator) AS denominator
            FROM open_cases o
            {HELD_ON.format(child="o.child_id", day="o.period_end")}
            GROUP BY ALL
        ),
        snapshot AS (
            SELECT c.period_end, c.measure_id, c.bucket, c.numerator, c.denominator,
                   {WORKER_AND_TEAM.format(counts="open_held")}
        )"""


def _roll_up_and_judge(con) -> None:
    """worker_counts -> measure_values at every level, with value, target and RAG."""
    # Each level is summed from the one below it (workers -> teams -> services ->
    # authority), so only the first sum reads every worker's rows.
    con.execute(f"""
        CREATE TEMP TABLE level_counts AS
        SELECT measure_id, period_end, 'worker' AS org_level, worker_id AS org_unit, bucket, numerator, denominator
        FROM worker_counts WHERE worker_id IS NOT NULL;

        CREATE TEMP TABLE team_counts AS
        SELECT c.measure_id, c.period_end, coalesce(t.team_id, '{NOT_ALLOCATED}') AS team_id,
               coalesce(t.service_area, '{NOT_ALLOCATED_NAME}') AS service_area, c.bucket,
               sum(c.numerator) AS numerator, sum(c.denominator) AS denominator
        FROM worker_counts c LEFT JOIN teams t USING (team_id)
        GROUP BY ALL;

        INSERT INTO level_counts
        SELECT measure_id, period_end, 'team', team_id, bucket, numerator, denominator FROM team_counts;

        CREATE TEMP TABLE service_counts AS
        SELECT measure_id, period_end, service_area, bucket, sum(numerator) AS numerator, sum(denominator) AS denominator
        FROM team_counts GROUP BY ALL;

        INSERT INTO level_counts
        SELECT measure_id, period_end, 'service', service_area, bucket, numerator, denominator FROM service_counts
        UNION ALL
        SELECT measure_id, period_end, 'authority', NULL, bucket, sum(numerator), sum(denominator)
        FROM service_counts GROUP BY ALL;
    """)
    # Every measure has an authority value for every month, even a month with no cases.
    con.execute("""
        INSERT INTO level_counts
        SELECT s.measure_id, p.period_end, 'authority', NULL, NULL, 0, 0
        FROM measure_settings s CROSS JOIN periods p
        WHERE NOT EXISTS (SELECT 1 FROM level_counts c WHERE c.measure_id = s.measure_id
                          AND c.period_end = p.period_end AND c.org_level = 'authority')
    """)
    con.execute(f"""
        INSERT INTO measure_values
        WITH ranked AS (
            -- for a median measure: how many cases have a value up to each bucket
            SELECT *, sum(denominator) OVER (PARTITION BY measure_id, period_end, org_level, org_unit
                                             ORDER BY bucket) AS running,
                      sum(denominator) OVER (PARTITION BY measure_id, period_end, org_level, org_unit) AS total
            FROM level_counts WHERE bucket IS NOT NULL
        ),
        medians AS (
            -- the middle case's value, or the mean of the middle two
            SELECT measure_id, period_end, org_level, org_unit,
                   (min(bucket) FILTER (WHERE running >= ceil(total / 2))
                    + min(bucket) FILTER (WHERE running >= floor(total / 2) + 1)) / 2 AS median
            FROM ranked GROUP BY ALL
        ),
        counted AS (
            -- one row per measure, month and unit: only a median measure's rows (one
            -- per value) need adding up; every other measure's are one a unit already
            SELECT c.*, m.median
            FROM (SELECT measure_id, period_end, org_level, org_unit, numerator, denominator
                  FROM level_counts WHERE bucket IS NULL
                  UNION ALL
                  SELECT measure_id, period_end, org_level, org_unit, sum(numerator), sum(denominator)
                  FROM level_counts WHERE bucket IS NOT NULL GROUP BY ALL) c
            LEFT JOIN medians m ON m.measure_id = c.measure_id AND m.period_end = c.period_end
                               AND m.org_level = c.org_level AND m.org_unit IS NOT DISTINCT FROM c.org_unit
        ),
        valued AS (
            SELECT c.measure_id, c.period_end, c.org_level,
                   coalesce(c.org_unit, (SELECT org_unit FROM org_units WHERE org_level = 'authority')) AS org_unit,
                   CASE WHEN NOT s.median THEN c.numerator END::DOUBLE AS numerator,
                   CASE WHEN s.unit IN ('percent', 'days', 'average') THEN c.denominator
                        WHEN s.unit = 'rate_per_10k' AND c.org_level = 'authority' THEN pp.population
                   END::DOUBLE AS denominator,
                   CASE WHEN s.median THEN c.median
                        WHEN s.unit = 'percent' THEN 100.0 * c.numerator / nullif(c.denominator, 0)
                        WHEN s.unit IN ('days', 'average') THEN c.numerator / nullif(c.denominator, 0)
                        WHEN s.unit = 'rate_per_10k' AND c.org_level = 'authority'
                             THEN 10000.0 * c.numerator / nullif(pp.population, 0)
                        WHEN s.unit = 'count' THEN c.numerator
                   END AS value,
                   s.target, s.tolerance, s.polarity
            FROM counted c
            JOIN measure_settings s USING (measure_id)
            LEFT JOIN period_population pp USING (period_end)
            WHERE c.period_end >= s.first_period
        )
        SELECT j.measure_id, j.period_end, j.org_level, j.org_unit, u.org_unit_name, u.parent_unit,
               j.numerator, j.denominator, j.value, j.target, {RAG_SQL} AS rag
        FROM valued j
        LEFT JOIN org_units u ON u.org_level = j.org_level AND u.org_unit = j.org_unit
        ORDER BY j.measure_id, j.org_level, j.org_unit, j.period_end
    """)


def _write_catalogue(con, outcomes: list[Outcome], kpo: tuple[str, ...]) -> None:
    rows = []
    settings = {r[0]: r[1:] for r in con.execute(
        "SELECT measure_id, target, tolerance FROM measure_settings").fetchall()}
    for order, o in enumerate(outcomes):
        m = o.measure
        target, tolerance = settings.get(m.id, (m.target, m.tolerance))
        rows.append((m.id, order, m.title, m.description.strip(), m.unit, m.polarity, m.basis, m.numerator,
                     m.denominator, m.timescale, target, tolerance, ", ".join(m.needs), m.dfe_statistic,
                     m.id in kpo, o.status, o.message))
    con.executemany("INSERT INTO measure_catalogue VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
