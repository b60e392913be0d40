"""The measure engine against answers worked out by hand (tests/hand_fixture.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import duckdb
import pytest

from headway.errors import HeadwayError
from headway.measures.catalogue import load_catalogue, read_measure, render_markdown
from headway.measures.rag import rag
from headway.warehouse.build import refresh
from headway.warehouse.calendar import create_calendar
from headway.warehouse.query import Warehouse
from tests.hand_fixture import write_hand_fixture

D = dt.date.fromisoformat
DOCS = Path(__file__).resolve().parents[1] / "docs" / "measures.md"

# (measure, period end, org level, org unit) -> (numerator, denominator, value), worked out by hand.
EXPECTED = {
    # R02: window 1 Apr 2025 - 31 Mar 2026; C10 and C12's second referral are re-referrals
    ("R02", "2026-03-31", "authority", "999"): (2, 5, 40.0),
    ("R02", "2026-03-31", "team", "T1"): (1, 2, 50.0),
    ("R02", "2026-03-31", "team", "T2"): (1, 2, 50.0),
    ("R02", "2026-03-31", "team", "UNALLOCATED"): (0, 1, 0.0),
    # A02: 1 working day Friday to Monday 31 March; Easter; exactly 45 in time; 46 late
    ("A02", "2025-03-31", "authority", "999"): (1, 1, 100.0),
    ("A02", "2025-08-31", "authority", "999"): (3, 4, 75.0),
    ("A02", "2025-08-31", "team", "T1"): (3, 3, 100.0),
    ("A02", "2025-08-31", "worker", "W1"): (3, 3, 100.0),
    ("A02", "2025-08-31", "team", "UNALLOCATED"): (0, 1, 0.0),
    # S03: 15 working days in time, 16 late, conference before enquiry left out
    ("S03", "2025-03-31", "authority", "999"): (0, 0, None),
    ("S03", "2025-04-30", "authority", "999"): (1, 2, 50.0),
    ("S03", "2025-04-30", "service", "Safeguarding"): (1, 2, 50.0),
    # P01: plans open at the month end, population 10,000
    ("P01", "2024-07-31", "authority", "999"): (1, 10_000, 1.0),
    ("P01", "2025-02-28", "authority", "999"): (3, 10_000, 3.0),
    ("P01", "2025-03-31", "authority", "999"): (2, 10_000, 2.0),  # P2's plan ended on 31 March
    ("P01", "2025-03-31", "team", "T2"): (2, None, None),         # below the authority: children, no rate
    # P03: P1's second plan (earlier plan in data) and P2 (return says 2 before) of 4 started
    ("P03", "2025-03-31", "authority", "999"): (2, 4, 50.0),
    ("P03", "2025-03-31", "team", "T1"): (0, 1, 0.0),
    ("P03", "2025-03-31", "team", "T2"): (2, 3, 200 / 3),
    # L01: short breaks out; a leap-day start; an episode ending 31 March replaced the same day;
    # K4 closed by the next year's return
    ("L01", "2024-04-30", "authority", "999"): (1, 10_000, 1.0),
    ("L01", "2025-01-31", "authority", "999"): (3, 10_000, 3.0),
    ("L01", "2025-03-31", "authority", "999"): (2, 10_000, 2.0),
    ("L01", "2025-07-31", "authority", "999"): (1, 10_000, 1.0),
}


@pytest.fixture(scope="module")
def hand_warehouse(tmp_path_factory):
    from headway.config import Settings

    settings = Settings(workspace=tmp_path_factory.mktemp("hand") / "workspace")
    write_hand_fixture(settings)
    result = refresh(settings)
    # this fixture holds only the skeleton's sources: measures needing others are skipped
    assert not [o for o in result.outcomes if o.status == "failed"], result.summary()
    with Warehouse(settings.warehouse_path) as wh:
        yield wh


def assert_hand_answer(warehouse: Warehouse, key: tuple, expected: tuple) -> None:
    """The one measure_values row for key = (measure, period end, level, unit) holds
    expected = (numerator, denominator, value)."""
    measure_id, period, level, unit = key
    rows = warehouse.con.execute(
        "SELECT numerator, denominator, value FROM measure_values "
        "WHERE measure_id = ? AND period_end = ? AND org_level = ? AND org_unit = ?",
        [measure_id, D(period), level, unit]).fetchall()
    assert len(rows) == 1, f"expected one row for {key}, found {len(rows)}"
    numerator, denominator, value = rows[0]
    want_num, want_den, want_value = expected
    assert (numerator, denominator) == (want_num, want_den)
    assert value == pytest.approx(want_value) if want_value is not None else value is None


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: "-".join(k))
def test_measure_matches_hand_answer(hand_warehouse, key):
    assert_hand_answer(hand_warehouse, key, EXPECTED[key])


def test_rolling_measures_start_when_their_window_is_full(hand_warehouse):
    first = dict(hand_warehouse.con.execute(
        "SELECT measure_id, min(period_end) FROM measure_values GROUP BY 1").fetchall())
    assert first["A02"] == D("2025-03-31")  # data from 1 April 2024: first full 12 months
    assert first["R02"] == D("2026-03-31")  # and R02 needs 12 months of earlier referrals too
    assert first["L01"] == D("2024-04-30")  # snapshots from the first month


def test_rates_record_which_population_estimate_they_used(hand_warehouse):
    """A month uses the latest ONS mid-year (30 June) estimate on or before its end."""
    used = dict(hand_warehouse.con.execute(
        "SELECT period_end, population_year FROM period_population").fetchall())
    assert used[D("2024-06-30")] == 2024 and used[D("2024-05-31")] == 2023
    assert used[D("2026-03-31")] == 2025
    info = dict(hand_warehouse.con.execute("SELECT key, value FROM refresh_info").fetchall())
    assert info["population_year"] == f"mid-{min(used.values())} to mid-2025"


def test_levels_add_up(hand_warehouse):
    """Every case is counted once at each level: teams sum to services, services to the authority."""
    mismatches = hand_warehouse.con.execute("""
        SELECT a.measure_id, a.period_end FROM measure_values a
        JOIN (SELECT measure_id, period_end, sum(numerator) AS n FROM measure_values
              WHERE org_level = 'team' GROUP BY ALL) t USING (measure_id, period_end)
        WHERE a.org_level = 'authority' AND a.numerator <> t.n
    """).fetchall()
    assert mismatches == []


def test_rag_is_judged_against_target(hand_warehouse):
    target, rag_letter = hand_warehouse.con.execute(
        "SELECT target, rag FROM measure_values WHERE measure_id = 'A02' AND period_end = ? "
        "AND org_level = 'authority'", [D("2025-08-31")]).fetchone()
    assert target == 86 and rag_letter == "R"  # 75% against 86% with 3 points tolerance
    assert hand_warehouse.con.execute(
        "SELECT count(*) FROM measure_values WHERE measure_id = 'L01' AND rag IS NOT NULL").fetchone()[0] == 0


@pytest.mark.parametrize("start, end, days", [
    ("2025-03-28", "2025-03-31", 1),   # Friday to Monday
    ("2025-04-17", "2025-04-22", 1),   # Good Friday and Easter Monday
    ("2025-06-02", "2025-08-04", 45),
    ("2024-02-28", "2024-03-01", 2),   # over a leap day
    ("2026-12-24", "2026-12-29", 1),   # Christmas, and Boxing Day moved to Monday 28th
    ("2022-09-16", "2022-09-20", 1),   # the Queen's state funeral, Monday 19 September 2022
    ("2025-05-01", "2025-05-01", 0),   # same day
])
def test_working_days(start, end, days):
    con = duckdb.connect()
    create_calendar(con)
    assert con.execute("SELECT working_days(?::DATE, ?::DATE)", [start, end]).fetchone()[0] == days


def test_rag_sql_matches_python(tmp_path):
    """The engine judges RAG in SQL; it must agree with rag.rag() everywhere."""
    from headway.measures.engine import RAG_SQL

    con = duckdb.connect()
    cases = list(itertools.product([None, 70.0, 83.0, 86.0, 90.0], [None, 86.0], [None, 3.0],
                                   ["higher_is_better", "lower_is_better", "context"]))
    con.execute("CREATE TABLE j (value DOUBLE, target DOUBLE, tolerance DOUBLE, polarity VARCHAR)")
    con.executemany("INSERT INTO j VALUES (?, ?, ?, ?)", cases)
    got = con.execute(f"SELECT {RAG_SQL} FROM j ORDER BY rowid").fetchall()
    assert [g[0] for g in got] == [rag(*c) for c in cases]


def test_catalogue_has_the_skeleton_measures():
    ids = [m.id for m in load_catalogue()]
    assert {"R02", "A02", "S03", "P01", "P03", "L01"} <= set(ids)


def test_docs_measures_is_generated_from_the_catalogue():
    assert DOCS.read_text(encoding="utf-8") == render_markdown(load_catalogue()), \
        "docs/measures.md is out of date: run `headway measures docs`"


@pytest.mark.parametrize("change, message", [
    ({"unit": "percentage"}, "field 'unit' is 'percentage'; use one of percent"),
    ({"title": ""}, "field 'title' is required"),
    ({"colour": "red"}, "unknown field(s) colour"),
    ({"target": "high"}, "field 'target' must be a number"),
])
def test_a_bad_measure_file_names_file_and_field(tmp_path, change, message):
    import yaml

    good = yaml.safe_load((Path(load_catalogue()[0].source)).read_text())
    path = tmp_path / f"{good['id']}.yml"
    path.write_text(yaml.safe_dump({**good, **change}))
    with pytest.raises(HeadwayError) as err:
        read_measure(path)
    assert path.name in str(err.value) and message in str(err.value)


def test_a_failing_measure_is_marked_not_fatal(tmp_path, monkeypatch):
    """A measure whose SQL is wrong is 'failed' with the reason; the others still compute."""
    from headway.config import Settings
    from headway.measures import catalogue

    broken = tmp_path / "catalogue"
    broken.mkdir()
    for m in load_catalogue():
        (broken / m.source.name).write_text(m.source.read_text())
    text = (broken / "A02.yml").read_text().replace("FROM assessments", "FROM no_such_table")
    (broken / "A02.yml").write_text(text)
    monkeypatch.setattr(catalogue, "CATALOGUE_DIR", broken)
    monkeypatch.setattr("headway.warehouse.build.load_catalogue", lambda: catalogue.load_catalogue(broken))
    settings = Settings(workspace=tmp_path / "ws")
    write_hand_fixture(settings)
    result = refresh(settings)
    status = {o.measure.id: o.status for o in result.outcomes}
    assert status["A02"] == "failed" and status["R02"] == "ok"
    with Warehouse(settings.warehouse_path) as wh:
        assert "no_such_table" in wh.measure("A02")["status_message"]
        assert wh.series("A02") == []
        assert wh.series("R02")


def test_targets_and_kpo_flags_come_from_headway_toml(tmp_path):
    from headway.config import load_settings

    root = tmp_path / "ws"
    root.mkdir()
    (root / "headway.toml").write_text(
        '[measures]\nkpo = ["A02"]\n\n[targets.A02]\ntarget = 70\ntolerance = 5\n', encoding="utf-8")
    settings = load_settings(root)
    write_hand_fixture(settings)
    refresh(settings)
    with Warehouse(settings.warehouse_path) as wh:
        flags = {m["measure_id"]: m["kpo"] for m in wh.measures()}
        assert flags["A02"] is True and flags["R02"] is False
        assert wh.measure("A02")["target"] == 70
        august = [p for p in wh.series("A02") if p.period_end == D("2025-08-31")][0]
        assert (august.value, august.target, august.rag) == (75.0, 70.0, "G")


def model_statement(table: str) -> str:
    """The statement in warehouse/model.sql that creates `table`, to run over a test's own tables."""
    from headway.warehouse.build import MODEL_SQL

    return next(s for s in MODEL_SQL.read_text(encoding="utf-8").split(";") if f"CREATE TABLE {table} AS" in s)


def engine_warehouse(first_month: str, last_month: str, allocations=(), workers=(), teams=()):
    """An in-memory warehouse with just what the engine reads: a month end for each
    month from first_month to last_month (first days, inclusive), a population of
    10,000, case_holders made by model.sql from `allocations` (child, worker, start,
    end), `workers` (worker, team) and `teams` (team, service area)."""
    from headway.warehouse.results import create_result_tables

    con = duckdb.connect()
    create_result_tables(con)
    con.execute("""
        CREATE TABLE periods AS SELECT last_day(m::DATE) AS period_end, NULL::DATE AS window_start,
                                       DATE '2024-01-01' AS first_data_day
                                FROM range(?::DATE, ?::DATE + INTERVAL 1 DAY, INTERVAL 1 MONTH) r(m)
    """, [first_month, last_month])
    con.execute("""
        CREATE TABLE period_population AS SELECT period_end, 10000 AS population FROM periods;
        CREATE TABLE allocations (child_id VARCHAR, worker_id VARCHAR, start_date DATE, end_date DATE);
        CREATE TABLE workers (worker_id VARCHAR, team_id VARCHAR);
        CREATE TABLE teams (team_id VARCHAR, service_area VARCHAR);
        INSERT INTO org_units VALUES ('authority', '999', 'Authority', NULL, NULL);
    """)
    for table, rows in (("allocations", allocations), ("workers", workers), ("teams", teams)):
        if rows:
            con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", list(rows))
    con.execute(model_statement("case_holders"))
    return con


def test_a_measure_failing_on_the_data_fails_alone():
    """All measures' cases are inserted in one statement; SQL that binds but fails as
    it runs (here error()) fails that measure only, the others in its table compute."""
    from headway.measures.catalogue import Measure
    from headway.measures.engine import compute_measures

    con = engine_warehouse("2025-01-01", "2025-01-01")
    events = "SELECT 'C1' AS child_id, DATE '2025-01-10' AS event_date, {numerator} AS numerator"
    good = Measure(id="R91", title="good", description="d", unit="count", polarity="context",
                   basis="rolling_12_months", sql=events.format(numerator="TRUE"))
    bad = Measure(id="R92", title="bad", description="d", unit="count", polarity="context",
                  basis="rolling_12_months", sql=events.format(numerator="error('no such code') IS NULL"))
    outcomes = {o.measure.id: o for o in compute_measures(con, [good, bad])}
    assert outcomes["R92"].status == "failed" and "no such code" in outcomes["R92"].message
    assert (outcomes["R91"].status, outcomes["R91"].cases) == ("ok", 1)
    assert con.execute("SELECT measure_id, numerator FROM measure_values WHERE org_level = 'authority'"
                       ).fetchall() == [("R91", 1.0)]


def test_case_holders_give_the_worker_holding_a_case_on_each_day():
    """model.sql's case_holders, the one rule for who holds a case on a day (the
    measures and the exception lists both join it): the allocation started latest on
    or before the day, until the day it ends (inclusive); nobody once the latest has
    ended, even with an earlier one still open; the longer of two starting on one day."""
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE allocations AS
        SELECT * FROM (VALUES ('C1', 'W1', DATE '2025-01-01', NULL::DATE),
                              ('C1', 'W2', DATE '2025-02-10', DATE '2025-02-20'),  -- ends: C1 then unallocated
                              ('C2', 'W3', DATE '2025-01-15', DATE '2025-01-15'),  -- a one-day duty allocation
                              ('C2', 'W1', DATE '2025-01-15', DATE '2025-03-31'),  -- and the lasting one, same day
                              ('C3', 'W2', NULL::DATE, NULL::DATE))                 -- no start: holds nothing
                      t(child_id, worker_id, start_date, end_date);
        {model_statement("case_holders")}
    """)

    def holder(child: str, day: str) -> str | None:
        row = con.execute("SELECT worker_id FROM case_holders WHERE child_id = ? AND ?::DATE >= held_from "
                          "AND ?::DATE < held_until", [child, day, day]).fetchall()
        assert len(row) <= 1, f"{child} held twice on {day}"
        return row[0][0] if row else None

    assert [holder("C1", d) for d in ("2024-12-31", "2025-01-01", "2025-02-09", "2025-02-10", "2025-02-20",
                                      "2025-02-21", "2030-01-01")] == [None, "W1", "W1", "W2", "W2", None, None]
    assert [holder("C2", d) for d in ("2025-01-15", "2025-03-31", "2025-04-01")] == ["W1", "W1", None]
    assert holder("C3", "2025-06-30") is None


def test_month_ends_counted_at_the_edges_of_spans_and_windows():
    """The engine's month arithmetic (engine.MONTH_NUMBER): a span counts at the
    month ends with start <= month end < end, a case without a date nowhere, and an
    event in each month end whose 12 months hold it."""
    from headway.measures.catalogue import Measure
    from headway.measures.engine import compute_measures

    con = engine_warehouse("2025-01-01", "2026-01-01",
                           allocations=[("C1", "W1", "2025-01-01", None),
                                        ("C4", "W2", "2025-01-15", "2025-01-15"),  # two allocations on one
                                        ("C4", "W1", "2025-01-15", None)],         # day: the lasting one holds
                           workers=[("W1", "T1"), ("W2", "T1")], teams=[("T1", "Service")])
    spans = Measure(id="P90", title="spans", description="d", unit="count", polarity="context",
                    basis="snapshot", sql="""
        SELECT * FROM (VALUES ('C1', NULL::DATE, NULL::DATE),                    -- no start: never open
                              ('C2', DATE '2025-01-31', DATE '2025-02-28'),      -- 31 Jan only
                              ('C3', DATE '2025-02-01', NULL::DATE),             -- from 28 Feb on
                              ('C4', DATE '2025-01-01', NULL::DATE))
               t(child_id, start_date, end_date), (SELECT TRUE AS numerator)""")
    events = Measure(id="R90", title="events", description="d", unit="count", polarity="context",
                     basis="rolling_12_months", sql="""
        SELECT * FROM (VALUES ('C1', DATE '2025-01-10'), ('C2', NULL::DATE)) t(child_id, event_date),
                      (SELECT TRUE AS numerator)""")
    outcomes = compute_measures(con, [spans, events])
    assert [o.status for o in outcomes] == ["ok", "ok"]
    totals = dict(con.execute("""
        SELECT measure_id || ' ' || strftime(period_end, '%Y-%m'), numerator FROM measure_values
        WHERE org_level = 'authority'""").fetchall())
    assert [totals[f"P90 2025-{m:02}"] for m in (1, 2, 3)] == [2, 2, 2]
    # C1's event on 10 January 2025 (held by W1) is in the 12 months to each month end up to 31 December
    assert [totals[f"R90 2025-{m:02}"] for m in (1, 12)] == [1, 1] and totals["R90 2026-01"] == 0
    held = con.execute("""SELECT measure_id, strftime(period_end, '%Y-%m'), numerator FROM measure_values
                           WHERE org_level = 'worker' AND org_unit = 'W1' ORDER BY ALL""").fetchall()
    assert [h for h in held if h[0] == "R90"] == [("R90", f"2025-{m:02}", 1) for m in range(1, 13)]  # C1's event
    assert [h for h in held if h[0] == "P90"][:3] == [("P90", f"2025-{m:02}", 1) for m in (1, 2, 3)]  # C4 each month


def test_a_child_counts_once_a_month_for_the_worker_holding_their_case():
    """Open cases at month ends: a span is split between the workers who held the
    child's case at each month end, with the months before, between and after them
    "Not allocated"; a child whose spans overlap, or who is listed twice at one month
    end, counts once (their numerator if any of the rows has it)."""
    from headway.measures.catalogue import Measure
    from headway.measures.engine import compute_measures

    con = engine_warehouse("2025-01-01", "2025-07-01",
                           allocations=[("C1", "W1", "2025-02-15", "2025-03-31"),  # ends: then nobody
                                        ("C1", "W2", "2025-05-01", None),
                                        ("C2", "W1", "2024-06-01", None)],
                           workers=[("W1", "T1"), ("W2", "T1")], teams=[("T1", "Service")])
    spans = Measure(id="P91", title="spans", description="d", unit="percent", polarity="context",
                    basis="snapshot", sql="""
        SELECT * FROM (VALUES ('C1', DATE '2025-01-01', DATE '2025-07-01', TRUE),
                              ('C2', DATE '2025-01-01', DATE '2025-04-01', FALSE),  -- C2's two spans
                              ('C2', DATE '2025-03-01', DATE '2025-06-01', TRUE),   -- share 31 March
                              ('C3', DATE '2025-02-01', DATE '2025-04-01', FALSE))  -- never allocated
               t(child_id, start_date, end_date, numerator)""")
    month_ends = Measure(id="P92", title="month ends", description="d", unit="percent", polarity="context",
                         basis="snapshot", sql="""
        SELECT * FROM (VALUES ('C2', DATE '2025-03-31', TRUE), ('C2', DATE '2025-03-31', FALSE),
                              ('C3', DATE '2025-03-31', TRUE))
               t(child_id, period_end, numerator)""")
    assert [o.status for o in compute_measures(con, [spans, month_ends])] == ["ok", "ok"]
    counts = {(m, int(month), unit): (int(num), int(den)) for m, month, unit, num, den in con.execute("""
        SELECT measure_id, month(period_end), org_unit, numerator, denominator FROM measure_values
        WHERE org_level IN ('worker', 'authority') OR org_unit = 'UNALLOCATED'""").fetchall()}
    p91 = {(month, unit): value for (m, month, unit), value in counts.items() if m == "P91"}
    assert p91 == {
        (1, "W1"): (0, 1), (1, "UNALLOCATED"): (1, 1), (1, "999"): (1, 2),    # C1 not yet held
        (2, "W1"): (1, 2), (2, "UNALLOCATED"): (0, 1), (2, "999"): (1, 3),
        (3, "W1"): (2, 2), (3, "UNALLOCATED"): (0, 1), (3, "999"): (2, 3),    # C2 once; W1 to 31 March
        (4, "W1"): (1, 1), (4, "UNALLOCATED"): (1, 1), (4, "999"): (2, 2),    # C1 between workers
        (5, "W1"): (1, 1), (5, "W2"): (1, 1), (5, "999"): (2, 2),
        (6, "W2"): (1, 1), (6, "999"): (1, 1),
        (7, "999"): (0, 0),
    }
    p92 = {(month, unit): value for (m, month, unit), value in counts.items() if m == "P92" and month == 3}
    assert p92 == {(3, "W1"): (1, 1), (3, "UNALLOCATED"): (1, 1), (3, "999"): (2, 2)}


def test_a_teams_rows_are_credited_to_the_team_and_add_up():
    """A snapshot measure about the workforce returns team_id instead of child_id:
    its rows go to that team (none to a worker), a team's rows add up rather than
    counting once (a numerator with no denominator too: it is a sum already), and a
    row with no team is "Not allocated"."""
    from headway.measures.catalogue import Measure
    from headway.measures.engine import compute_measures

    con = engine_warehouse("2025-01-01", "2025-03-01", workers=[("W1", "T1")],
                           teams=[("T1", "North"), ("T2", "South")])
    spans = Measure(id="W91", title="spans", description="d", unit="percent", polarity="context",
                    basis="snapshot", sql="""
        SELECT * FROM (VALUES ('T1', DATE '2025-01-31', DATE '2025-03-31', 1.5, 3.0),
                              ('T1', DATE '2025-01-31', DATE '2025-03-31', 0.5, 1.0),  -- adds up
                              ('T2', DATE '2025-02-28', NULL::DATE, 1.0, 4.0),
                              (NULL, DATE '2025-01-31', NULL::DATE, 1.0, 2.0))
               t(team_id, start_date, end_date, numerator, denominator)""")
    month_ends = Measure(id="W92", title="month ends", description="d", unit="percent", polarity="context",
                         basis="snapshot", sql="""
        SELECT * FROM (VALUES ('T2', DATE '2025-03-31', 1, 4), ('T2', DATE '2025-03-31', 2, 4),
                              ('T1', DATE '2025-03-31', 1, 0))  -- a sum: counts with no denominator
               t(team_id, period_end, numerator, denominator)""")
    assert [o.status for o in compute_measures(con, [spans, month_ends])] == ["ok", "ok"]
    counts = {(m, int(month), level, unit): (num, den) for m, month, level, unit, num, den in con.execute("""
        SELECT measure_id, month(period_end), org_level, org_unit, numerator, denominator
        FROM measure_values WHERE org_level <> 'authority'""").fetchall()}
    assert counts[("W91", 1, "team", "T1")] == (2.0, 4.0)
    assert counts[("W91", 2, "team", "T2")] == (1.0, 4.0) and ("W91", 1, "team", "T2") not in counts
    assert counts[("W91", 3, "service", "South")] == (1.0, 4.0) and ("W91", 3, "team", "T1") not in counts
    assert counts[("W91", 1, "team", "UNALLOCATED")] == (1.0, 2.0)
    assert counts[("W92", 3, "team", "T2")] == (3.0, 8.0) and counts[("W92", 3, "team", "T1")] == (1.0, 0.0)
    assert con.execute("SELECT numerator, denominator FROM measure_values WHERE measure_id = 'W92' "
                       "AND org_level = 'authority' AND month(period_end) = 3").fetchall() == [(4.0, 8.0)]
    assert not [key for key in counts if key[2] == "worker"]
