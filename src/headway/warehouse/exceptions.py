"""Exception lists: the children whose case is past a statutory timescale, as at a day.

Read from the model tables of the published warehouse (model.sql) through a
read-only connection (Warehouse.con). Each list is one SQL query giving
(child_id, started, due_date); one wrapper adds who held the case on the day (the
same rule the measure engine uses: the latest allocation started on or before the
day, if it had not ended before it), their team and service area, and the days
overdue (calendar days since the due date). A case is overdue when its due date is
before the as-at day.

Timescales (../shared/reference/measures.md section 7):
  assessments   authorised within 45 working days of starting
  s47-icpc      an initial child protection conference within 15 working days of the
                section 47 enquiry starting (unless recorded as not required)
  cp-reviews    first review conference 3 months after the plan started (the ICPC),
                then every 6 months
  cla-reviews   first review within 20 working days of the start of the period of
                care, the second 3 months after it, then every 6 months (short-break
                care, legal status V3/V4, is left out)

exception_rows() takes the team IDs to keep (headway.web.access.Access.team_filter);
None means every child. The web app asks for every child once per published snapshot
and keeps the user's teams after that (web/exception_views.overdue_rows). Sorting is
by a column from SORT_COLUMNS only: nothing a user types reaches the SQL text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from headway.errors import HeadwayError
from headway.measures.engine import HELD_ON, NOT_ALLOCATED, NOT_ALLOCATED_NAME

CHILD_TABLES = ("children", "allocations", "referrals", "assessments", "s47_enquiries", "cp_plans",
                "cla_episodes")
MODEL_TABLES = CHILD_TABLES + ("cp_reviews", "cla_reviews", "workers", "teams", "calendar")


def working_day_due(start: str, days: int) -> str:
    """SQL for the date on which `days` working days after `start` have passed."""
    return (f"(SELECT d.date FROM calendar s JOIN calendar d ON d.working_day_number = s.working_day_number + {days}"
            f" AND d.is_working_day WHERE s.date = {start})")


@dataclass(frozen=True)
class ExceptionList:
    id: str
    title: str
    rule: str           # the timescale in words, shown on the page
    started_label: str  # what the start date is
    sql: str            # child_id, started, due_date for every open item as at $as_at


LISTS = (
    ExceptionList(
        "assessments", "Assessments open past 45 working days",
        "An assessment should be authorised within 45 working days of starting.",
        "Assessment started",
        f"""SELECT child_id, start_date AS started, {working_day_due('a.start_date', 45)} AS due_date
            FROM assessments a
            WHERE start_date <= $as_at AND (authorisation_date IS NULL OR authorisation_date > $as_at)"""),
    ExceptionList(
        "s47-no-icpc", "Section 47 enquiries with no ICPC after 15 working days",
        "An initial child protection conference should be held within 15 working days of the "
        "section 47 enquiry starting.",
        "Enquiry started",
        f"""SELECT child_id, start_date AS started, {working_day_due('e.start_date', 15)} AS due_date
            FROM s47_enquiries e
            WHERE start_date <= $as_at AND (icpc_date IS NULL OR icpc_date > $as_at)
              AND NOT coalesce(icpc_not_required, FALSE)"""),
    ExceptionList(
        "cp-reviews", "Child protection reviews overdue",
        "The first review conference is due 3 months after the plan starts, then every 6 months.",
        "Plan started",
        """WITH open_plans AS (
               SELECT p.child_id, p.start_date, max(r.review_date) AS last_review
               FROM cp_plans p
               LEFT JOIN cp_reviews r ON r.child_id = p.child_id AND r.plan_start_date = p.start_date
                                     AND r.review_date <= $as_at
               WHERE p.start_date <= $as_at AND (p.end_date IS NULL OR p.end_date > $as_at)
               GROUP BY ALL)
           SELECT child_id, start_date AS started,
                  CASE WHEN last_review IS NULL THEN start_date + INTERVAL 3 MONTH
                       ELSE last_review + INTERVAL 6 MONTH END::DATE AS due_date
           FROM open_plans"""),
    ExceptionList(
        "cla-reviews", "Looked-after children's reviews overdue",
        "The first review is due within 20 working days of the child becoming looked after, the second "
        "3 months after the first, then every 6 months.",
        "Looked after since",
        f"""WITH marked AS (
               SELECT child_id, decom, "dec", ls,
                      CASE WHEN lag("dec") OVER (PARTITION BY child_id ORDER BY decom) = decom THEN 0 ELSE 1 END
                          AS starts_period
               FROM cla_episodes WHERE decom <= $as_at),
           numbered AS (
               SELECT *, sum(starts_period) OVER (PARTITION BY child_id ORDER BY decom
                                                  ROWS UNBOUNDED PRECEDING) AS period_no
               FROM marked),
           care AS (
               SELECT child_id, min(decom) AS period_start, arg_max(ls, decom) AS current_ls,
                      bool_or("dec" IS NULL OR "dec" > $as_at) AS open_now
               FROM numbered GROUP BY child_id, period_no),
           reviewed AS (
               SELECT c.child_id, c.period_start, count(r.review) AS reviews, max(r.review) AS last_review
               FROM care c
               LEFT JOIN cla_reviews r ON r.child_id = c.child_id AND r.review >= c.period_start
                                      AND r.review <= $as_at
               WHERE c.open_now AND c.current_ls NOT IN ('V3', 'V4')
               GROUP BY ALL)
           SELECT child_id, period_start AS started,
                  CASE WHEN reviews = 0 THEN {working_day_due('v.period_start', 20)}
                       WHEN reviews = 1 THEN (last_review + INTERVAL 3 MONTH)::DATE
                       ELSE (last_review + INTERVAL 6 MONTH)::DATE END AS due_date
           FROM reviewed v"""),
)
BY_ID = {item.id: item for item in LISTS}

# Sortable columns: name in the URL -> column of the rows. Ties break on child ID.
SORT_COLUMNS = {
    "child": "child_id", "worker": "worker_name", "team": "team_name", "service": "service_area",
    "started": "started", "due": "due_date", "overdue": "days_overdue",
}
DEFAULT_SORT = ("overdue", True)  # most overdue first

WITH_HOLDER = f"""
WITH items AS (SELECT *, $as_at::DATE AS as_at FROM ({{sql}})),
held AS (
    SELECT i.*, h.worker_id
    FROM items i {HELD_ON.format(child="i.child_id", day="i.as_at")}),
one_worker AS (
    SELECT worker_id, worker_name, team_id FROM workers
    QUALIFY row_number() OVER (PARTITION BY worker_id ORDER BY team_id) = 1),
placed AS (
    SELECT h.child_id, h.started, h.due_date, (h.as_at - h.due_date) AS days_overdue, h.worker_id,
           w.worker_name, coalesce(t.team_id, '{NOT_ALLOCATED}') AS team_id,
           coalesce(t.team_name, '{NOT_ALLOCATED_NAME}') AS team_name,
           coalesce(t.service_area, '{NOT_ALLOCATED_NAME}') AS service_area
    FROM held h LEFT JOIN one_worker w USING (worker_id) LEFT JOIN teams t ON t.team_id = w.team_id)
SELECT * FROM placed
WHERE ($every_team OR list_contains($teams, team_id)) {{conditions}}
"""
OVERDUE = "AND due_date < $as_at"
ONE_CHILD = "AND child_id = $child"


def _held_sql(item_sql: str, *conditions: str) -> str:
    return WITH_HOLDER.format(sql=item_sql, conditions=" ".join(conditions))


def has_model_tables(con) -> bool:
    """Whether the warehouse holds the model tables (a results-only warehouse does not)."""
    found = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return all(t in found for t in MODEL_TABLES)


def _params(as_at: dt.date, teams: Collection[str] | None, **extra) -> dict:
    return {"as_at": as_at, "every_team": teams is None, "teams": sorted(teams or ()), **extra}


def exception_rows(con, list_id: str, as_at: dt.date, teams: Collection[str] | None,
                   sort: str = DEFAULT_SORT[0], descending: bool = DEFAULT_SORT[1]) -> list[dict]:
    """The overdue items of one list as at a day, for the teams given (None: every child)."""
    item = BY_ID.get(list_id)
    if item is None:
        raise HeadwayError(f"No exception list called {list_id!r}; there are: {', '.join(BY_ID)}.")
    if sort not in SORT_COLUMNS:
        raise HeadwayError(f"Cannot sort by {sort!r}; choose one of: {', '.join(SORT_COLUMNS)}.")
    return sort_rows(_rows(con, _held_sql(item.sql, OVERDUE), _params(as_at, teams)), sort, descending)


def sort_rows(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    """Rows of a list in order of one column (SORT_COLUMNS), missing values last either
    way, ties in child ID then start date order. In Python, not SQL, so a list already
    read can be shown in another order without querying again."""
    column = SORT_COLUMNS[sort]
    ties = sorted(rows, key=lambda r: (r["child_id"], r["started"] is None, r["started"] or dt.date.min))
    present = [r for r in ties if r[column] is not None]
    missing = [r for r in ties if r[column] is None]
    return sorted(present, key=lambda r: r[column], reverse=descending) + missing  # sorted() is stable


def child_exceptions(con, child_id: str, as_at: dt.date) -> list[dict]:
    """Every overdue item for one child, each with its list's title."""
    found = []
    for item in LISTS:
        sql = _held_sql(item.sql, OVERDUE, ONE_CHILD) + " ORDER BY started"
        for row in _rows(con, sql, _params(as_at, None, child=child_id)):
            found.append({**row, "list_id": item.id, "list_title": item.title})
    return found


def child_holder(con, child_id: str, as_at: dt.date) -> dict | None:
    """Who held a child's case on a day (worker, team, service; 'Not allocated' if nobody),
    or None if the warehouse has never heard of the child."""
    anywhere = " UNION ALL ".join(f"SELECT child_id FROM {t}" for t in CHILD_TABLES)
    known = con.execute(f"SELECT 1 FROM ({anywhere}) WHERE child_id = $child LIMIT 1",
                        {"child": child_id}).fetchone()
    if not known:
        return None
    sql = _held_sql("SELECT $child AS child_id, NULL::DATE AS started, NULL::DATE AS due_date")
    rows = _rows(con, sql, _params(as_at, None, child=child_id))
    return rows[0] if rows else None


def child_history(con, child_id: str) -> list[dict]:
    """The child's dated events from the model tables, oldest first: what happened when."""
    return _rows(con, """
        SELECT * FROM (
            SELECT 'Referral' AS event, referral_date AS started, closure_date AS ended FROM referrals WHERE child_id = $c
            UNION ALL SELECT 'Assessment', start_date, authorisation_date FROM assessments WHERE child_id = $c
            UNION ALL SELECT 'Section 47 enquiry', start_date, icpc_date FROM s47_enquiries WHERE child_id = $c
            UNION ALL SELECT 'Child protection plan', start_date, end_date FROM cp_plans WHERE child_id = $c
            UNION ALL SELECT 'Child protection review', review_date, NULL FROM cp_reviews WHERE child_id = $c
            UNION ALL SELECT 'Episode of care', decom, "dec" FROM cla_episodes WHERE child_id = $c
            UNION ALL SELECT 'Looked-after review', review, NULL FROM cla_reviews WHERE child_id = $c
        ) ORDER BY started, event""", {"c": child_id})


def _rows(con, sql: str, params: dict) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
