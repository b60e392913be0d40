"""The workforce files (returns/workforce.py, docs/formats.md "Workforce"): the two
templates load into staging as typed; every bad value or impossible row is refused
naming the file, the row and the column, and nothing of the load is written; and the
synthetic authority's workforce files load and look like England's workforce.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from headway.errors import FileRejected
from headway.returns import read_return
from headway.synth import generate
from headway.warehouse.staging import load_files, staged_tables

WORKERS_HEADER = "AS_AT,WORKER_ID,TEAM_ID,ROLE,FTE,CONTRACT,ASYE,START_DATE,LEAVING_DATE,CASES,ABSENCE_DAYS"
GOOD_WORKERS = [
    "30/09/2025,W1,T1,Social Worker,1,Permanent,0,01/01/2020,,17,3.5",
    "2025-09-30,W2,T1,Social Worker,.8,agency,,2025-01-01,,12,",
    "2025-09-30,W3,T1,Team Manager,1.0,permanent,false,2019-01-01,2025-09-15,,",
]
ESTABLISHMENT_HEADER = "AS_AT,TEAM_ID,ESTABLISHMENT_FTE,VACANCY_FTE,AGENCY_COVER_FTE,COMPLEX_NEEDS"
GOOD_ESTABLISHMENT = ["2025-09-30,T1,10,2.5,1.5,", "2025-09-30,T2,6,0,0,true"]


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(FileRejected) as caught:
        read_return(path)
    return [str(e) for e in caught.value.errors]


# --- good files -----------------------------------------------------------------------
def test_the_social_workers_template_loads_typed(tmp_path):
    result = read_return(write(tmp_path / "hr.csv", WORKERS_HEADER, GOOD_WORKERS))
    assert result.label == "Workforce social workers"
    rows = result.tables["csww_worker"].to_pylist()
    assert [(r["worker_id"], r["fte"], r["contract"], r["asye"], r["cases"], r["absence_days"]) for r in rows] == [
        ("W1", 1.0, "permanent", False, 17, 3.5), ("W2", 0.8, "agency", False, 12, None),
        ("W3", 1.0, "permanent", False, None, None)]
    assert rows[0]["as_at"] == dt.date(2025, 9, 30) and rows[2]["leaving_date"] == dt.date(2025, 9, 15)


def test_the_establishment_template_loads_typed(tmp_path):
    result = read_return(write(tmp_path / "posts.csv", ESTABLISHMENT_HEADER, GOOD_ESTABLISHMENT))
    rows = result.tables["csww_vacancy"].to_pylist()
    assert [(r["team_id"], r["establishment_fte"], r["vacancy_fte"], r["agency_cover_fte"], r["complex_needs"])
            for r in rows] == [("T1", 10.0, 2.5, 1.5, False), ("T2", 6.0, 0.0, 0.0, True)]


def test_columns_are_recognised_whatever_their_case_and_order(tmp_path):
    header = "worker id,As At,fte,Contract,team_id,start date"
    result = read_return(write(tmp_path / "hr.csv", header, ["W1,2025-09-30,0.5,agency,T1,2025-01-01"]))
    assert result.tables["csww_worker"].to_pylist()[0]["fte"] == 0.5
    assert "no column CASES: left blank" in result.notes


# --- bad values: file, row and column ---------------------------------------------------
@pytest.mark.parametrize("row, column, words", [
    ("2025-09-30,W9,T1,SW,1.5,permanent,0,2020-01-01,,10,", "FTE", "is not above 0 and at most 1"),
    ("2025-09-30,W9,T1,SW,0,permanent,0,2020-01-01,,10,", "FTE", "is not above 0 and at most 1"),
    ("2025-09-30,W9,T1,SW,one,permanent,0,2020-01-01,,10,", "FTE", "is not a number"),
    ("2025-09-30,W9,T1,SW,1,locum,0,2020-01-01,,10,", "CONTRACT", "is not permanent or agency"),
    ("2025-09-30,W9,T1,SW,1,permanent,maybe,2020-01-01,,10,", "ASYE", "is not true or false"),
    ("2025-09-30,W9,T1,SW,1,permanent,0,2020-01-01,,-2,", "CASES", "is negative"),
    ("2025-09-30,W9,T1,SW,1,permanent,0,2020-01-01,,2.5,", "CASES", "is not a whole number"),
    ("2025-09-30,W9,T1,SW,1,permanent,0,2020-01-01,,3,-1", "ABSENCE_DAYS", "is negative"),
    ("2025-09-30,W9,T1,SW,1,permanent,0,2020-01-01,2019-12-31,,", "LEAVING_DATE", "is before START_DATE"),
    ("2025-09-30,W9,T1,SW,1,permanent,0,2025-10-01,,,", "START_DATE", "is after AS_AT"),
    ("2025-09-31,W9,T1,SW,1,permanent,0,2020-01-01,,,", "AS_AT", "is not a real date"),
    ("2025-09-30,,T1,SW,1,permanent,0,2020-01-01,,,", "WORKER_ID", "is blank"),
    ("2025-09-30,W1,T2,SW,1,permanent,0,2020-01-01,,,", "WORKER_ID", "appears more than once"),
])
def test_a_bad_worker_row_names_file_row_and_column(tmp_path, row, column, words):
    path = write(tmp_path / "hr.csv", WORKERS_HEADER, [*GOOD_WORKERS, "", row])
    found = errors_of(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}, table csww_worker, row 6, column {column}: {words}"), found[0]


@pytest.mark.parametrize("row, column, words", [
    ("2025-09-30,T3,4,5,0,", "VACANCY_FTE", "is more than ESTABLISHMENT_FTE"),
    ("2025-09-30,T3,4,2,3,", "AGENCY_COVER_FTE", "is more than VACANCY_FTE"),
    ("2025-09-30,T3,-4,0,0,", "ESTABLISHMENT_FTE", "is negative"),
    ("2025-09-30,T3,4,1,0,often", "COMPLEX_NEEDS", "is not true or false"),
    ("2025-09-30,T1,4,1,0,", "TEAM_ID", "appears more than once"),
    ("2025-09-30,T3,,1,0,", "ESTABLISHMENT_FTE", "is blank"),
])
def test_a_bad_establishment_row_names_file_row_and_column(tmp_path, row, column, words):
    path = write(tmp_path / "posts.csv", ESTABLISHMENT_HEADER, [*GOOD_ESTABLISHMENT, row])
    found = errors_of(path)  # a negative establishment is also less than its vacancies: the first says why
    assert found[0].startswith(f"{path}, table csww_vacancy, row 4, column {column}: {words}"), found[0]


def test_a_bad_workforce_file_loads_nothing_and_never_quotes_a_value(tmp_path, workspace):
    good = write(tmp_path / "posts.csv", ESTABLISHMENT_HEADER, GOOD_ESTABLISHMENT)
    bad = write(tmp_path / "hr.csv", WORKERS_HEADER,
                [*GOOD_WORKERS, "2025-09-30,W9,T1,SW,1,Secret-Value,0,2020-01-01,,,"])
    with pytest.raises(FileRejected) as caught:
        load_files([good, bad], workspace)
    assert staged_tables(workspace) == {}
    assert "Secret-Value" not in "\n".join(str(e) for e in caught.value.errors)


def test_a_good_load_replaces_the_last(tmp_path, workspace):
    load_files([write(tmp_path / "a" / "hr.csv", WORKERS_HEADER, GOOD_WORKERS)], workspace)
    load_files([write(tmp_path / "b" / "hr.csv", WORKERS_HEADER, GOOD_WORKERS[:1])], workspace)
    files = staged_tables(workspace)["csww_worker"]
    assert [f.name for f in files] == ["current.parquet"] and pq.read_table(files[0]).num_rows == 1


# --- the synthetic authority -----------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(out, children=120_000, years=3, seed=3)
    return out


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_synthetic_workforce_files_load_and_match_the_organisation(synthetic):
    for name in ("social_workers.csv", "establishment.csv"):
        read_return(synthetic / "workforce" / name)  # raises on any bad row
    workers = read_csv(synthetic / "workforce" / "social_workers.csv")
    org = {w["worker_id"]: w for w in read_csv(synthetic / "org" / "workers.csv")}
    teams = {t["team_id"] for t in read_csv(synthetic / "org" / "teams.csv")}
    last = max(w["AS_AT"] for w in workers)
    in_post = {w["WORKER_ID"]: w for w in workers if w["AS_AT"] == last and not w["LEAVING_DATE"]}
    assert set(in_post) == set(org)  # everyone in the case-management extract is in post at its date
    assert all(in_post[i]["TEAM_ID"] == org[i]["team_id"] and in_post[i]["ROLE"] == org[i]["role"] for i in org)
    assert {w["TEAM_ID"] for w in workers} <= teams
    assert {e["TEAM_ID"] for e in read_csv(synthetic / "workforce" / "establishment.csv")} == teams


def test_synthetic_workforce_looks_like_england(synthetic):
    """England, 2022-2023 (measures.md 6.5): agency ~18%, vacancies ~17-19%, turnover
    ~16-17%, caseload ~16-17. Averaged over the months of the last two years."""
    workers = read_csv(synthetic / "workforce" / "social_workers.csv")
    posts = read_csv(synthetic / "workforce" / "establishment.csv")
    months = sorted({w["AS_AT"] for w in workers})[-24:]
    fte = defaultdict(float)
    for w in workers:
        if w["AS_AT"] in months and not w["LEAVING_DATE"]:
            fte[w["AS_AT"], w["CONTRACT"]] += float(w["FTE"])
            if w["CASES"]:
                fte[w["AS_AT"], "cases"] += int(w["CASES"])
                fte[w["AS_AT"], "holders"] += float(w["FTE"])
    for p in posts:
        fte[p["AS_AT"], "vacancy"] += float(p["VACANCY_FTE"])
    leavers = sum(float(w["FTE"]) for w in workers if w["LEAVING_DATE"] and w["CONTRACT"] == "permanent"
                  and w["LEAVING_DATE"] > months[-13] and w["LEAVING_DATE"] <= months[-1])

    def mean(f):
        return sum(f(m) for m in months) / len(months)

    agency = mean(lambda m: fte[m, "agency"] / (fte[m, "agency"] + fte[m, "permanent"]))
    vacancy = mean(lambda m: fte[m, "vacancy"] / (fte[m, "vacancy"] + fte[m, "permanent"]))
    caseload = mean(lambda m: fte[m, "cases"] / fte[m, "holders"])
    turnover = leavers / fte[months[-1], "permanent"]
    assert 0.13 <= agency <= 0.23, agency
    assert 0.12 <= vacancy <= 0.24, vacancy
    assert 0.10 <= turnover <= 0.24, turnover
    assert 15 <= caseload <= 19, caseload


# --- caseload targets (headway.toml) -----------------------------------------------------------
def test_caseload_targets_default_and_can_be_set_in_headway_toml(tmp_path):
    from headway.config import load_settings

    assert load_settings(tmp_path).caseload_targets == {"experienced": 18, "newly_qualified": 15, "complex_needs": 10}
    (tmp_path / "headway.toml").write_text("[workforce.caseload_targets]\nexperienced = 20\n")
    assert load_settings(tmp_path).caseload_targets == {"experienced": 20, "newly_qualified": 15, "complex_needs": 10}


@pytest.mark.parametrize("line, words", [("experienced = -1", "must be a positive number"),
                                         ("experienced = \"lots\"", "must be a positive number"),
                                         ("seniors = 20", "names seniors; the cohorts are")])
def test_a_bad_caseload_target_is_refused_naming_it(tmp_path, line, words):
    from headway.config import load_settings
    from headway.errors import HeadwayError

    (tmp_path / "headway.toml").write_text(f"[workforce.caseload_targets]\n{line}\n")
    with pytest.raises(HeadwayError, match=words):
        load_settings(tmp_path)
