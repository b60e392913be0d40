"""A small published warehouse written straight into the result tables, so the
web and report tests exercise readers without running a refresh.

The values follow a fixed pattern (no randomness) so a test can compute what a
page must show from the same rows the page reads.
"""

from __future__ import annotations

import datetime as dt
import os

import duckdb

from headway.config import Settings
from headway.measures.rag import rag
from headway.warehouse.results import create_result_tables

MEASURES = [
    # id, title, unit, polarity, basis, target, tolerance
    ("R02", "Re-referrals within 12 months", "percent", "lower_is_better", "rolling_12_months", 22.0, 2.0),
    ("A02", "Assessments completed within 45 working days", "percent", "higher_is_better",
     "rolling_12_months", 86.0, 3.0),
    ("S03", "Initial child protection conferences within 15 working days", "percent",
     "higher_is_better", "rolling_12_months", 79.0, 4.0),
    ("P01", "Children subject of a child protection plan per 10,000", "rate_per_10k", "context",
     "snapshot", None, None),
    ("P03", "Child protection plans that were second or subsequent", "percent", "lower_is_better",
     "rolling_12_months", 23.0, 2.0),
    ("L01", "Children looked after per 10,000", "rate_per_10k", "context", "snapshot", None, None),
]
TEAMS = [("T1", "Assessment Team North", "Assessment"), ("T2", "Assessment Team South", "Assessment"),
         ("T3", "Safeguarding Team A", "Safeguarding"), ("T4", "Children in Care Team", "Children in Care")]
POPULATION = 60_000


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    ends = []
    year, month = last.year, last.month
    for _ in range(count):
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(first_next - dt.timedelta(days=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(ends)


def team_counts(measure_index: int, month_index: int, team_index: int) -> tuple[int, int]:
    """Numerator and denominator for one team and month: a gentle deterministic wave."""
    denominator = 40 + 5 * team_index + (month_index % 5)
    numerator = (denominator * (30 + 10 * measure_index + 3 * ((month_index + team_index) % 7))) // 100
    return numerator, denominator


def write_sample_warehouse(settings: Settings, last_month: dt.date = dt.date(2026, 3, 31), months: int = 36):
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    tmp = settings.warehouse_dir / "build-sample.duckdb"
    con = duckdb.connect(str(tmp))
    create_result_tables(con)
    for order, (mid, title, unit, polarity, basis, target, tol) in enumerate(MEASURES):
        con.execute("INSERT INTO measure_catalogue VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [mid, order, title, f"Plain-English description of {title.lower()}.", unit, polarity,
                     basis, "counted children", "all children in scope", None, target, tol, "cin_census",
                     "DfE statistic", mid == "A02", "ok", None])
    con.execute("INSERT INTO org_units VALUES ('authority', ?, ?, NULL, NULL)", [settings.la_code, settings.la_name])
    for service in sorted({t[2] for t in TEAMS}):
        con.execute("INSERT INTO org_units VALUES ('service', ?, ?, 'authority', ?)", [service, service, settings.la_code])
    for tid, name, service in TEAMS:
        con.execute("INSERT INTO org_units VALUES ('team', ?, ?, 'service', ?)", [tid, name, service])
    rows = []
    for mi, (mid, title, unit, polarity, basis, target, tol) in enumerate(MEASURES):
        for pi, period in enumerate(month_ends(last_month, months)):
            total_num = total_den = 0
            for ti, (tid, name, service) in enumerate(TEAMS):
                num, den = team_counts(mi, pi, ti)
                total_num, total_den = total_num + num, total_den + den
                if unit == "rate_per_10k":
                    rows.append((mid, period, "team", tid, name, service, num, None, None, None, None))
                else:
                    value = 100.0 * num / den
                    rows.append((mid, period, "team", tid, name, service, num, den, value, target,
                                 rag(value, target, tol, polarity)))
            if unit == "rate_per_10k":
                value = total_num / POPULATION * 10_000
                rows.append((mid, period, "authority", settings.la_code, settings.la_name, None, total_num,
                             POPULATION, value, None, None))
            else:
                value = 100.0 * total_num / total_den
                rows.append((mid, period, "authority", settings.la_code, settings.la_name, None, total_num,
                             total_den, value, target, rag(value, target, tol, polarity)))
    con.executemany("INSERT INTO measure_values VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO refresh_info VALUES (?, ?)",
                    [("built_at", "2026-04-02T09:00:00"), ("la_code", settings.la_code),
                     ("la_name", settings.la_name)])
    con.close()
    os.replace(tmp, settings.warehouse_path)
    return settings.warehouse_path
