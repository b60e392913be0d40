"""A tiny authority built by hand, straight into staging, with every measure's
answer worked out on paper (see EXPECTED in tests/test_measures.py).

Population 10,000 children, so a rate per 10,000 equals the count of children.
Collection years 2024/25 and 2025/26 (files 2025 and 2026): the data starts on
1 April 2024, the first full 12-month window ends 31 March 2025, and R02 (which
looks back another 12 months) starts on 31 March 2026.

Org: worker W1 in team T1 (service Assessment), worker W2 in team T2 (service
Safeguarding). Dates sit on the edges: bank holidays, 31 March, a leap day, a
case handed over on the day it counts.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from headway.config import Settings
from headway.warehouse.tables import STAGING_TABLES, YEARLY_TABLES

D = dt.date.fromisoformat
ARROW = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BOOLEAN": pa.bool_(), "INTEGER": pa.int32(),
         "DOUBLE": pa.float64()}


def write_staging(settings: Settings, table: str, rows: list[dict], year: int | None = None) -> None:
    """Write one staging table as the loader does: staging/<table>/<year|current>.parquet."""
    columns = STAGING_TABLES[table]
    schema = pa.schema([(name, ARROW[kind]) for name, kind in columns.items()])
    data = {name: [row.get(name) for row in rows] for name in columns}
    folder = settings.staging_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{year}.parquet" if table in YEARLY_TABLES else "current.parquet"
    pq.write_table(pa.table(data, schema=schema), folder / name)


def referral(child, date, year):
    return year, {"child_id": child, "referral_date": D(date), "referral_nfa": False}


REFERRALS = [
    # R02 at 31 March 2026 (window 1 April 2025 - 31 March 2026): 5 referrals, 2 re-referrals
    referral("C10", "2024-04-10", 2025), referral("C10", "2025-04-10", 2026),  # exactly 12 months: re-referral
    referral("C11", "2024-05-19", 2025), referral("C11", "2025-05-20", 2026),  # 12 months and a day: not
    referral("C12", "2025-09-01", 2026), referral("C12", "2026-03-31", 2026),  # second is a re-referral, on 31 March
    referral("C13", "2025-06-01", 2026),                                     # first referral, nobody holds the case
]

ASSESSMENTS = [
    # (child, start, authorised, return year)
    ("A1", "2025-03-28", "2025-03-31", 2025),  # Friday to Monday 31 March: 1 working day
    ("A2", "2025-04-17", "2025-04-22", 2026),  # over Good Friday and Easter Monday: 1 working day
    ("A3", "2025-06-02", "2025-08-04", 2026),  # exactly 45 working days: in time
    ("A4", "2025-06-02", "2025-08-05", 2026),  # 46 working days: late
    ("A5", "2025-05-10", "2025-05-01", 2026),  # authorised before it started: left out
    ("A6", "2025-07-01", None, 2026),          # not yet authorised: left out
]

S47S = [
    # (child, S47 start, ICPC date, return year)
    ("S1", "2025-03-14", "2025-04-04", 2026),  # 15 working days: in time
    ("S2", "2025-03-14", "2025-04-07", 2026),  # 16 working days: late
    ("S3", "2025-04-10", "2025-04-09", 2026),  # conference before the enquiry: left out
    ("S4", "2025-04-01", None, 2026),          # no conference yet: not counted
]

CP_PLANS = [
    # (child, start, end, NumberOfPreviousCPP, return year)
    ("P1", "2024-06-01", "2024-12-31", 0, 2025),
    ("P1", "2025-01-15", None, 0, 2025),          # second plan: an earlier one is in the data
    ("P2", "2024-12-01", "2025-03-31", 2, 2025),  # the return says it had 2 before; ends on 31 March
    ("P3", "2025-02-01", None, 0, 2025),
]

EPISODES = [
    # (child, DECOM, DEC, LS, REC, return year)
    ("K1", "2024-02-29", "2025-03-31", "V2", "X1", 2025),  # leap day start; new episode same day
    ("K1", "2025-03-31", None, "C2", None, 2025),
    ("K1", "2025-03-31", None, "C2", None, 2026),           # the same episode again in the next return
    ("K2", "2025-01-10", None, "V3", None, 2025),           # short breaks: not counted
    ("K3", "2024-05-01", "2025-02-15", "C1", "E4A", 2025),
    ("K4", "2025-01-20", None, "V2", None, 2025),           # open at 31 March 2025 ...
    ("K4", "2025-01-20", "2025-06-30", "V2", "E4A", 2026),  # ... and closed in the resubmitted next year
]

ALLOCATIONS = [
    ("C10", "W1", "2024-01-01", None), ("C11", "W1", "2024-01-01", None), ("C12", "W2", "2025-01-01", None),
    ("A1", "W1", "2025-03-01", None), ("A2", "W1", "2025-04-01", None),
    ("A3", "W1", "2025-06-01", "2025-08-04"),  # handed over on the day the assessment was authorised
    ("A4", "W1", "2025-06-01", "2025-08-04"),  # case closed to W1 the day before: not allocated
    ("S1", "W2", "2025-03-01", None), ("S2", "W2", "2025-03-01", None),
    ("P1", "W2", "2024-06-01", None), ("P2", "W2", "2024-12-01", None), ("P3", "W1", "2025-02-01", "2025-03-15"),
    ("P3", "W2", "2025-03-15", None),
    ("K1", "W2", "2024-02-29", None), ("K3", "W2", "2024-05-01", None), ("K4", "W2", "2025-01-20", None),
]


def write_hand_fixture(settings: Settings) -> None:
    for year in (2025, 2026):
        write_staging(settings, "cin_episode", [r for y, r in REFERRALS if y == year], year)
        write_staging(settings, "cin_assessment", [
            {"child_id": c, "start_date": D(s), "authorisation_date": a and D(a)}
            for c, s, a, y in ASSESSMENTS if y == year], year)
        write_staging(settings, "cin_s47", [
            {"child_id": c, "start_date": D(s), "icpc_date": i and D(i)} for c, s, i, y in S47S if y == year], year)
        write_staging(settings, "cin_cp_plan", [
            {"child_id": c, "start_date": D(s), "end_date": e and D(e), "previous_plans": n}
            for c, s, e, n, y in CP_PLANS if y == year], year)
        write_staging(settings, "ssda903_episodes", [
            {"child_id": c, "decom": D(s), "dec": e and D(e), "ls": ls, "rec": rec, "rne": "S"}
            for c, s, e, ls, rec, y in EPISODES if y == year], year)
    write_staging(settings, "org_team", [
        {"team_id": "T1", "team_name": "Assessment Team", "service_area": "Assessment"},
        {"team_id": "T2", "team_name": "Safeguarding Team", "service_area": "Safeguarding"}])
    write_staging(settings, "org_worker", [
        {"worker_id": "W1", "worker_name": "Worker One", "team_id": "T1", "role": "Social Worker"},
        {"worker_id": "W2", "worker_name": "Worker Two", "team_id": "T2", "role": "Social Worker"}])
    write_staging(settings, "org_allocation", [
        {"child_id": c, "worker_id": w, "start_date": D(s), "end_date": e and D(e)} for c, w, s, e in ALLOCATIONS])
    write_staging(settings, "population", [
        {"time_period": year, "la_code": settings.la_code, "la_name": settings.la_name, "population_0_17": 10_000}
        for year in (2023, 2024, 2025)])
