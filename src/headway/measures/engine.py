"""The measure engine: every measure's cases in, every monthly series out.

1. Cases. Each measure's SQL (catalogue.py) lists its cases; they are gathered,
   every measure's in one statement per table, into CASE_TABLES, tagged with the
   measure ID: event_cases (one dated event each), span_cases (one start..end span
   each) and month_end_cases (a child counted at one period_end). Numerators and
   denominators are kept as numbers (true = 1), so a measure can also average days
   or sum full-time equivalents. A measure whose sources were not loaded (or are
   not read by Headway yet) is skipped, naming them; one whose SQL fails is marked
   failed; neither stops the rest.
2. Attribution. Each case is credited to the worker who held the child's case on
   the day it counts (the event date, or the month end for a snapshot: model.sql's
   case_holders, joined as a range on the child), and so to that worker's team and
   service; a child nobody held is "Not allocated".
3. One pass. Events are counted per month and worker, then summed over each
   12- or 36-month window. Open cases are counted per month end and worker, a
   child once per measure and month: a span is split by holder (holder_months:
   who held the child's case at each month end, nobody's months included) and
   each piece counted at its month ends, so a span is joined once rather than once
   a month; only a child whose spans share a month end, and the month-end cases,
   are grouped month by month to count the child once. Months are whole numbers
   (MONTH_NUMBER), so a window or a span's month ends are a range of numbers
   rather than a join of every case to every month end; the team is looked up per
   count, not per case. What costs the time at scale: the join of events to
   case_holders, the rolling windows and the grouping (benchmarks/RESULTS.md).
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


# The three kinds of case a measure's SQL can list (catalogue.REQUIRED_COLUMNS): an
# event on a day, a span open from one day to another, a child counted at one month end.
CASE_TABLES = ("event_cases", "span_cases", "month_end_cases")


@dataclass(frozen=True)
class Cases:
    table: str  # one of CASE_TABLES
    sql: str    # the SELECT listing the measure's cases in that table's columns


def compute_measures(con, measures: list[Measure], targets: dict | None = None,
                     kpo: tuple[str, ...] = ()) -> list[Outcome]:
    """Fill measure_values and measure_catalogue from the model tables, `periods`
    (period_end, window_start, first_data_day) and `period_population`."""
    con.execute("""
        CREATE TEMP TABLE event_cases (measure_id VARCHAR, child_id VARCHAR, event_date DATE,
                                       numerator DOUBLE, denominator DOUBLE, bucket DOUBLE);
        CREATE TEMP TABLE span_cases (measure_id VARCHAR, child_id VARCHAR, team_id VARCHAR, start_date DATE,
                                      end_date DATE, numerator DOUBLE, denominator DOUBLE, bucket DOUBLE);
        CREATE TEMP TABLE month_end_cases (measure_id VARCHAR, child_id VARCHAR, team_id VARCHAR, period_end DATE,
                                           numerator DOUBLE, denominator DOUBLE, bucket DOUBLE);
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


def _check_measure(con, measure: Measure, staged: dict[str, bool]) -> Outcome | Cases:
    """The measure's Cases (its SELECT and the table it fills), or why there are none:
    skipped (a source not loaded) or failed (its SQL does not bind, or returns the wrong columns)."""
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
    return _cases(measure, columns)


def _failed(measure: Measure, exc: Exception) -> Outcome:
    log.warning("measure %s failed: %s", measure.id, exc)
    return Outcome(measure, "failed", f"its SQL failed: {str(exc).splitlines()[0]}")


def _collect_cases(con, checked: list[tuple[Measure, Outcome | Cases]]) -> list[Outcome]:
    """Every ready measure's cases into its table (a ready measure is one whose check
    gave its Cases): one INSERT of all the measures' queries together, which DuckDB
    runs side by side (3 s at 7 million rows, against 6 s one measure at a time). If
    that fails (SQL that binds can still fail on the data), each measure is inserted
    on its own, so only the failing one fails."""
    failed: dict[str, Outcome] = {}
    for table in CASE_TABLES:
        ready = [(m, cases.sql) for m, cases in checked if isinstance(cases, Cases) and cases.table == table]
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
    counts = dict(con.execute(" UNION ALL ".join(
        f"SELECT measure_id, count(*) FROM {table} GROUP BY ALL" for table in CASE_TABLES)).fetchall())
    return [outcome if isinstance(outcome, Outcome) else failed.get(m.id, Outcome(m, "ok", cases=counts.get(m.id, 0)))
            for m, outcome in checked]


def _cases(measure: Measure, columns: list[str]) -> Cases:
    """The SELECT that lists the measure's cases in its table's columns, tagged with
    its ID (catalogue.ID_PATTERN: capital letters and digits, safe as a literal)."""
    denominator = "coalesce(denominator::DOUBLE, 0)" if "denominator" in columns else "1"
    # whose case: a child's, or (a workforce figure, without child_id) a team's
    owner = "child_id, NULL" if "child_id" in columns else "NULL, team_id"
    if measure.basis != "snapshot":
        table, picked = "event_cases", "child_id, event_date"
    elif "period_end" in columns:
        table, picked = "month_end_cases", f"{owner}, period_end"
    else:
        table, picked = "span_cases", f"{owner}, start_date, end_date"
    numerator = "coalesce(numerator::DOUBLE, 0)"
    # a median measure is counted per value: the row's numerator is its bucket
    bucket = numerator if measure.median else "NULL"
    return Cases(table, f"""
        SELECT '{measure.id}', {picked}, {numerator}, {denominator}, {bucket}
        FROM ({measure.sql})
    """)


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
        SELECT period_end, {_month_number("period_end")} AS month FROM periods;
        {_holder_months_sql()}
    """)
    con.execute(f"""
        CREATE TEMP TABLE worker_counts AS
        WITH bounds AS (SELECT min(month) AS first_month, max(month) AS last_month FROM period_months),
        {_rolling_sql()},
        {_snapshot_sql()}
        SELECT p.period_end, r.* EXCLUDE (month) FROM rolling r JOIN period_months p USING (month)
        UNION ALL BY NAME
        SELECT p.period_end, s.* EXCLUDE (month) FROM snapshot s JOIN period_months p USING (month)
    """)


# the worker holding the child's case on a day (model.sql: case_holders); the
# exception lists use it too
HELD_ON = "LEFT JOIN case_holders h ON h.child_id = {child} AND {day} >= h.held_from AND {day} < h.held_until"
# The worker's team, looked up once per count rather than once per case. Medians
# stop at team level, so a median measure's counts keep the team and drop the worker.
WORKER_AND_TEAM = """CASE WHEN NOT s.median THEN c.worker_id END AS worker_id, {team} AS team_id
        FROM {counts} c
        JOIN measure_settings s USING (measure_id)
        LEFT JOIN workers w ON w.worker_id = c.worker_id"""


# A month number after every date: nobody's months after a child's last holder run to it.
NEVER_MONTH = 2 ** 31 - 1


def _holder_months_sql() -> str:
    """holder_months: case_holders in month numbers, for counting at month ends. A
    holder holds the month ends from held_from's month to the month before
    held_until's (held_from <= month end < held_until); the months between, before
    and after a child's holders are held by nobody (worker_id NULL), so a child's
    rows cover every month once and a span joined to them splits into its holders."""
    return f"""
        CREATE TEMP TABLE holder_months AS
        WITH held AS (
            SELECT child_id, worker_id, {_month_number("held_from")} AS first, {_month_number("held_until")} AS until
            FROM case_holders
        ),
        kept AS (SELECT * FROM held WHERE first < until),
        edges AS (
            SELECT child_id, first, until, lag(until, 1, -1) OVER (PARTITION BY child_id ORDER BY first) AS before
            FROM kept
        )
        SELECT child_id, worker_id, first, until FROM kept
        UNION ALL
        SELECT child_id, NULL, before, first FROM edges WHERE before < first
        UNION ALL
        SELECT child_id, NULL, max(until), {NEVER_MONTH} FROM kept GROUP BY child_id
    """


def _rolling_sql() -> str:
    """CTE `rolling`: event counts per measure, month number, worker and bucket,
    each month's events counted at its own month end and the window_months - 1 after."""
    return f"""
        held AS (
            SELECT e.measure_id, e.event_date, e.bucket, e.numerator, e.denominator, h.worker_id
            FROM event_cases e
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
                   {WORKER_AND_TEAM.format(counts="held_monthly", team="w.team_id")}
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
    """CTE `snapshot`: open cases per measure, month number, worker and bucket, a
    child once per measure and month end. A span is open on the month ends from its
    start's month to the month before its end's (start_date <= month end < end_date).
    A child's spans that share no month end (nearly all) are split by holder and
    counted span by span; a child whose spans do share one is counted month by
    month with the month-end cases, where the grouping keeps each child once. A
    team's rows (a workforce measure's: team_id, no child) go to that team and add up."""
    # A child's numerator counts only where their denominator does (as for events); a
    # team's row is a sum already (leavers from a team with no one left in post count).
    counted = "CASE WHEN c.denominator <> 0 OR c.child_id IS NULL THEN c.{column} END AS {column}"
    return f"""
        spans AS (
            SELECT c.measure_id, c.child_id, c.team_id, {counted.format(column="numerator")}, c.denominator,
                   {counted.format(column="bucket")},
                   greatest({_month_number("c.start_date")}, b.first_month) AS first,
                   least(coalesce({_month_number("c.end_date")}, b.last_month + 1), b.last_month + 1) AS until
            FROM span_cases c, bounds b
            WHERE c.start_date IS NOT NULL
        ),
        overlapping AS (
            SELECT DISTINCT measure_id, child_id
            FROM (SELECT measure_id, child_id, first,
                         max(until) OVER (PARTITION BY measure_id, child_id ORDER BY first
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
                  FROM spans WHERE first < until AND child_id IS NOT NULL)
            WHERE first < reach
        ),
        child_months AS (
            -- a child once per measure and month end
            SELECT measure_id, child_id, month, max(numerator) AS numerator, max(bucket) AS bucket,
                   max(denominator) AS denominator
            FROM (SELECT c.measure_id, c.child_id, p.month, {counted.format(column="numerator")},
                         {counted.format(column="bucket")}, c.denominator
                  FROM month_end_cases c JOIN period_months p USING (period_end)
                  WHERE c.child_id IS NOT NULL
                  UNION ALL
                  SELECT measure_id, child_id, unnest(range(first, until)), numerator, bucket, denominator
                  FROM spans SEMI JOIN overlapping USING (measure_id, child_id))
            GROUP BY ALL
        ),
        held_months AS (
            SELECT c.measure_id, h.worker_id, NULL AS team_id, c.bucket, c.numerator, c.denominator,
                   c.month AS first, c.month + 1 AS until
            FROM child_months c
            LEFT JOIN holder_months h ON h.child_id = c.child_id AND c.month >= h.first AND c.month < h.until
            UNION ALL
            -- a team's (or no one's) month-end rows: no child to count once, so they add up
            SELECT c.measure_id, NULL, c.team_id, {counted.format(column="bucket")},
                   {counted.format(column="numerator")}, c.denominator, p.month, p.month + 1
            FROM month_end_cases c JOIN period_months p USING (period_end)
            WHERE c.child_id IS NULL
            UNION ALL
            SELECT s.measure_id, h.worker_id, s.team_id, s.bucket, s.numerator, s.denominator,
                   greatest(s.first, coalesce(h.first, s.first)), least(s.until, coalesce(h.until, s.until))
            FROM (SELECT * FROM spans ANTI JOIN overlapping USING (measure_id, child_id) WHERE first < until) s
            LEFT JOIN holder_months h ON h.child_id = s.child_id AND h.first < s.until AND s.first < h.until
        ),
        open_held AS (
            SELECT measure_id, month, worker_id, team_id, bucket,
                   coalesce(sum(numerator), 0) AS numerator, sum(denominator) AS denominator
            FROM (SELECT * EXCLUDE (first, until), unnest(range(first, until)) AS month FROM held_months)
            GROUP BY ALL
        ),
        snapshot AS (
            SELECT c.month, c.measure_id, c.bucket, c.numerator, c.denominator,
                   {WORKER_AND_TEAM.format(counts="open_held", team="coalesce(c.team_id, w.team_id)")}
        )"""


def _roll_up_and_judge(con) -> None:
    """worker_counts -> measure_values at every level, with value, target and RAG."""
    con.execute(f"""
        INSERT INTO measure_values
        WITH {_level_counts_sql()},
        median_rows AS (SELECT * FROM level_counts WHERE bucket IS NOT NULL),
        median_totals AS (
            -- a median measure's cases per measure, month and unit (one row per value so far)
            SELECT measure_id, period_end, org_level, org_unit, sum(numerator) AS numerator,
                   sum(denominator) AS denominator
            FROM median_rows GROUP BY ALL
        ),
        medians AS (
            -- the middle case's value, or the mean of the middle two: the first value whose
            -- running count of cases reaches each middle
            SELECT r.measure_id, r.period_end, r.org_level, r.org_unit,
                   (min(r.bucket) FILTER (WHERE r.running >= ceil(t.denominator / 2))
                    + min(r.bucket) FILTER (WHERE r.running >= floor(t.denominator / 2) + 1)) / 2 AS median,
                   any_value(t.numerator) AS numerator, any_value(t.denominator) AS denominator
            FROM (SELECT *, sum(denominator) OVER (PARTITION BY measure_id, period_end, org_level, org_unit
                                                   ORDER BY bucket) AS running
                  FROM median_rows) r
            JOIN median_totals t ON t.measure_id = r.measure_id AND t.period_end = r.period_end
                                AND t.org_level = r.org_level AND t.org_unit IS NOT DISTINCT FROM r.org_unit
            GROUP BY ALL
        ),
        counted AS (
            -- one row per measure, month and unit
            SELECT measure_id, period_end, org_level, org_unit, numerator, denominator, NULL AS median
            FROM level_counts WHERE bucket IS NULL
            UNION ALL
            SELECT measure_id, period_end, org_level, org_unit, numerator, denominator, median FROM medians
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


def _level_counts_sql() -> str:
    """CTE level_counts: counts per measure, month end, level, unit and bucket. Each
    level is summed from the one below it (workers -> teams -> services ->
    authority), so only the first sum reads every worker's rows."""
    return f"""
        team_counts AS (
            SELECT c.measure_id, c.period_end, coalesce(t.team_id, '{NOT_ALLOCATED}') AS team_id,
                   coalesce(t.service_area, '{NOT_ALLOCATED_NAME}') AS service_area, c.bucket,
                   sum(c.numerator) AS numerator, sum(c.denominator) AS denominator
            FROM worker_counts c LEFT JOIN teams t USING (team_id)
            GROUP BY ALL
        ),
        service_counts AS (
            SELECT measure_id, period_end, service_area, bucket, sum(numerator) AS numerator,
                   sum(denominator) AS denominator
            FROM team_counts GROUP BY ALL
        ),
        authority_counts AS (
            SELECT measure_id, period_end, bucket, sum(numerator) AS numerator, sum(denominator) AS denominator
            FROM service_counts GROUP BY ALL
        ),
        level_counts AS (
            SELECT measure_id, period_end, 'worker' AS org_level, worker_id AS org_unit, bucket, numerator, denominator
            FROM worker_counts WHERE worker_id IS NOT NULL
            UNION ALL
            SELECT measure_id, period_end, 'team', team_id, bucket, numerator, denominator FROM team_counts
            UNION ALL
            SELECT measure_id, period_end, 'service', service_area, bucket, numerator, denominator FROM service_counts
            UNION ALL
            SELECT measure_id, period_end, 'authority', NULL, bucket, numerator, denominator FROM authority_counts
            UNION ALL
            -- every measure has an authority value for every month, even a month with no cases
            SELECT s.measure_id, p.period_end, 'authority', NULL, NULL, 0, 0
            FROM measure_settings s CROSS JOIN periods p
            WHERE NOT EXISTS (SELECT 1 FROM authority_counts a
                              WHERE a.measure_id = s.measure_id AND a.period_end = p.period_end)
        )"""


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
