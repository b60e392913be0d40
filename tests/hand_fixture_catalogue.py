"""A second tiny authority for the catalogue's measures, with every answer worked
out on paper (EXPECTED in tests/test_catalogue.py says how).

Three collection years, 2023/24 to 2025/26 (files 2024, 2025, 2026): the data
starts on 1 April 2023, so rolling 12-month measures start on 31 March 2024 and
the 36-month adoption measures on 31 March 2026. Population 10,000, so a rate per
10,000 equals the count.

Each group of rows is built for a few measures and their boundary cases: a plan
starting on 31 March, an assessment authorised on a bank holiday, children turning
16 and 18 on a month end, episodes joined by X1, short breaks (V3), a child who
leaves care and comes back, a foster carer adoption.

Org: W1 in team T1 (Assessment), W2 in T2 (Safeguarding), W3 in T3 (Children in Care).
"""

from __future__ import annotations

import datetime as dt

from headway.config import Settings
from tests.hand_fixture import write_staging

D = dt.date.fromisoformat
YEARS = (2024, 2025, 2026)


def _d(text):
    return text and D(text)


def in_years(start: str, end: str | None) -> list[int]:
    """The collection years whose return holds a case open from start to end
    (a year runs 1 April to 31 March and is named by the year it ends in)."""
    first = D(start).year + (D(start).month >= 4)
    last = D(end).year + (D(end).month >= 4) if end else max(YEARS)
    return [y for y in YEARS if first <= y <= last] or [min(YEARS)]


# --- CIN Census ----------------------------------------------------------------
REFERRALS = [
    # (child, referral, NFA, closure, reason)
    ("F1", "2025-04-01", False, "2025-06-30", "RC8"),  # first day of the year to 31 March 2026; not in need
    ("F2", "2026-03-31", True, "2026-03-31", "RC8"),   # on 31 March; NFA: not "assessed not in need", no episode
    ("F3", "2025-03-31", False, None, None),           # on 31 March 2025, still open
    ("F4", "2023-05-10", False, "2025-05-10", "RC7"),  # closed exactly 2 years on
    ("F5", "2023-05-11", False, "2025-05-10", "RC7"),  # closed a day short of 2 years
    ("F6", "2025-09-01", False, "2025-12-01", "RC9"),  # not in need, referred to early help
    ("F7", "2024-06-01", False, None, None),           # open; the child turns 18 on 31 March 2026
    ("F8", "2025-10-10", False, "2026-03-31", "RC1"),  # closed on 31 March: not open on it
]

ASSESSMENTS = [
    # (child, start, authorised)
    ("G1", "2025-04-17", "2025-04-21"),  # authorised on Easter Monday: 0 working days
    ("G2", "2025-06-02", "2025-06-02"),  # same day: 0
    ("G3", "2025-06-02", "2025-08-04"),  # 45
    ("G4", "2025-09-01", "2025-09-15"),  # 10
    ("G5", "2025-10-01", "2025-09-30"),  # authorised before it started: counted, no duration
    ("G6", "2025-11-03", None),          # not authorised
    ("G7", "2024-05-01", "2025-03-31"),  # 228 working days, authorised on 31 March 2025
]

S47S = [
    # (child, enquiry start, conference)
    ("H1", "2025-04-01", "2025-04-22"),  # plan from the conference day
    ("H2", "2025-05-01", "2025-05-20"),  # plan the day after: not "resulting in a plan" here
    ("H3", "2025-06-01", None),          # no conference
    ("H4", "2025-03-20", "2025-04-03"),  # enquiry in 2024/25, conference in 2025/26, no plan
    ("H5", "2026-03-31", None),          # enquiry started on 31 March
    ("H6", "2025-07-10", "2025-07-09"),  # conference dated the day before the enquiry; plan that day
]

CP_PLANS = [
    # (child, start, end)
    ("H1", "2025-04-22", "2026-03-15"),
    ("H2", "2025-05-21", "2025-11-30"),
    ("H6", "2025-07-09", "2026-01-31"),
    ("Q1", "2024-03-31", None),          # starts on 31 March: 2 years on 31 March 2026
    ("Q2", "2023-03-01", "2025-03-01"),  # before the data; ends exactly 2 years on
    ("Q3", "2023-03-02", "2025-03-01"),  # before the data; ends a day short of 2 years
    ("Q4", "2026-03-31", None),          # starts on 31 March 2026
    ("Q5", "2025-01-10", "2025-05-31"),  # no review held
    ("Q6", "2025-09-01", None),          # the child turns 18 on 31 March 2026
]

CP_REVIEWS = [
    # (child, plan start, review)
    ("H1", "2025-04-22", "2025-07-22"),  # exactly 3 months: in time
    ("H1", "2025-04-22", "2026-01-22"),  # exactly 6 months later: in time
    ("Q1", "2024-03-31", "2024-06-30"),  # 3 months: in time
    ("Q1", "2024-03-31", "2025-01-05"),  # due 30 December 2024: late
    ("Q1", "2024-03-31", "2025-07-01"),
    ("Q1", "2024-03-31", "2026-01-01"),
    ("Q2", "2023-03-01", "2023-09-15"),  # first in the data for a plan from before it: not judged
    ("Q2", "2023-03-01", "2024-03-10"),  # due 15 March 2024: in time
    ("Q6", "2025-09-01", "2025-11-20"),
]

CIN_CHILDREN = [("F7", "2008-03-31"), ("Q6", "2008-03-31")]

# --- SSDA903 -------------------------------------------------------------------
EPISODES = [
    # (child, DECOM, DEC, RNE, LS, PLACE, REC)
    # K1: one period (X1 joins), a legal-status change, then long-term with the same carers
    ("K1", "2023-05-01", "2023-08-01", "S", "V2", "U6", "X1"),
    ("K1", "2023-08-01", "2024-01-15", "L", "C2", "U6", "X1"),
    ("K1", "2024-01-15", None, "T", "C2", "U4", None),
    # K2: four placements with different carers
    ("K2", "2023-04-10", "2024-06-01", "S", "C1", "U6", "X1"),
    ("K2", "2024-06-01", "2025-06-01", "P", "C2", "U4", "X1"),
    ("K2", "2025-06-01", "2025-09-01", "P", "C2", "K2", "X1"),
    ("K2", "2025-09-01", None, "P", "C2", "U6", None),
    # K3: in care since before the data; turns 16 on 31 March 2026
    ("K3", "2022-01-05", None, "S", "C2", "U4", None),
    # K4: turns 18 on 31 March 2026 with the episode left open
    ("K4", "2024-09-01", None, "S", "V2", "K2", None),
    # K5: short breaks only
    ("K5", "2024-05-01", None, "S", "V3", "R1", None),
    # K6: left care on their 18th birthday, 31 March 2025
    ("K6", "2024-04-15", "2025-03-31", "S", "V2", "U4", "E17"),
    # K7: placement order, then placed for adoption with new carers, adopted
    ("K7", "2023-05-01", "2023-11-01", "S", "C1", "U6", "X1"),
    ("K7", "2023-11-01", "2024-05-01", "L", "E1", "U6", "X1"),
    ("K7", "2024-05-01", "2024-12-01", "P", "E1", "A6", "E11"),
    # K8: adopted by the foster carers they moved to on 1 September 2023
    ("K8", "2023-06-01", "2023-09-01", "S", "C1", "U6", "X1"),
    ("K8", "2023-09-01", "2024-03-01", "P", "C1", "U4", "X1"),
    ("K8", "2024-03-01", "2024-10-01", "L", "E1", "U4", "X1"),
    ("K8", "2024-10-01", "2025-06-30", "T", "E1", "A5", "E12"),
    # K10: home, then back in care: two periods
    ("K10", "2024-05-01", "2024-08-01", "S", "V2", "U6", "E4A"),
    ("K10", "2024-11-01", "2025-02-01", "S", "V2", "U6", "X1"),
    ("K10", "2025-02-01", None, "P", "C1", "K2", None),
    # K11: long foster placement, then placed for adoption with new carers
    ("K11", "2022-06-01", "2025-10-01", "S", "C2", "U4", "X1"),
    ("K11", "2025-10-01", None, "P", "E1", "A6", None),
    # K12: adopted, but came into care before the data (first episode in it is not RNE S)
    ("K12", "2022-09-01", "2023-10-01", "P", "E1", "U4", "X1"),
    ("K12", "2023-10-01", "2025-01-15", "P", "E1", "A6", "E11"),
]

# Miles from home (pl_distance, worked out at load from HOME_POST and PL_POST) of the
# placements that have one; the others' postcodes are unknown.
PLACEMENT_MILES = {("K8", "2024-10-01"): 35.2, ("K2", "2025-06-01"): 20.1, ("K11", "2025-10-01"): 20.0}

HEADERS = [("K1", "2013-05-01"), ("K2", "2012-02-10"), ("K3", "2010-03-31"), ("K4", "2008-03-31"),
           ("K5", "2012-01-01"), ("K6", "2007-03-31"), ("K7", "2021-06-01"), ("K8", "2020-01-15"),
           ("K10", "2014-07-01"), ("K11", "2019-01-01"),
           ("K12", "2021-01-01")]

CLA_REVIEWS = [
    # K1 (in care from 1 May 2023: first review due 31 May, 20 working days on)
    ("K1", "2023-05-31"), ("K1", "2023-09-01"), ("K1", "2024-02-20"), ("K1", "2024-09-01"),
    ("K1", "2025-03-01"), ("K1", "2025-08-25"),  # and the one due 25 February 2026 is not held
    # K7 (also from 1 May 2023; adopted 1 December 2024)
    ("K7", "2023-06-05"), ("K7", "2023-09-01"), ("K7", "2024-03-01"), ("K7", "2024-08-30"),
    # K3 (in care since before the data)
    ("K3", "2023-07-10"), ("K3", "2024-01-12"), ("K3", "2024-07-01"), ("K3", "2025-01-01"),
    ("K3", "2025-07-01"), ("K3", "2026-01-01"),
]

ALLOCATIONS = [("G3", "W1", "2025-06-01"), ("G4", "W1", "2025-09-01"),
               ("K1", "W3", "2023-01-01"), ("K2", "W3", "2023-01-01")]


def _by_year(rows, start_at, end_at) -> dict[int, list]:
    years: dict[int, list] = {y: [] for y in YEARS}
    for row in rows:
        for year in in_years(row[start_at], row[end_at] if end_at is not None else None):
            years[year].append(row)
    return years


def write_catalogue_fixture(settings: Settings) -> None:
    referrals = _by_year(REFERRALS, 1, 3)
    assessments = _by_year(ASSESSMENTS, 1, 2)
    s47s = _by_year(S47S, 1, 2)
    plans = _by_year(CP_PLANS, 1, 2)
    episodes = _by_year(EPISODES, 1, 2)
    for year in YEARS:
        write_staging(settings, "cin_episode", [
            {"child_id": c, "referral_date": D(r), "referral_nfa": nfa, "closure_date": _d(e), "closure_reason": why}
            for c, r, nfa, e, why in referrals[year]], year)
        write_staging(settings, "cin_assessment", [
            {"child_id": c, "start_date": D(s), "authorisation_date": _d(a)} for c, s, a in assessments[year]], year)
        write_staging(settings, "cin_s47", [
            {"child_id": c, "start_date": D(s), "icpc_date": _d(i)} for c, s, i in s47s[year]], year)
        write_staging(settings, "cin_cp_plan", [
            {"child_id": c, "start_date": D(s), "end_date": _d(e)} for c, s, e in plans[year]], year)
        write_staging(settings, "cin_cp_review", [
            {"child_id": c, "plan_start_date": D(s), "review_date": D(r)}
            for c, s, r in CP_REVIEWS if in_years(r, r) == [year]], year)
        write_staging(settings, "ssda903_episodes", [
            {"child_id": c, "decom": D(s), "dec": _d(e), "rne": rne, "ls": ls, "place": place, "rec": rec,
             "pl_distance": PLACEMENT_MILES.get((c, s))}
            for c, s, e, rne, ls, place, rec in episodes[year]], year)
        write_staging(settings, "ssda903_reviews", [
            {"child_id": c, "review": D(r)} for c, r in CLA_REVIEWS if in_years(r, r) == [year]], year)
    write_staging(settings, "cin_child", [{"child_id": c, "dob": D(b)} for c, b in CIN_CHILDREN], 2026)
    write_staging(settings, "ssda903_header", [{"child_id": c, "dob": D(b)} for c, b in HEADERS], 2026)
    write_staging(settings, "org_team", [
        {"team_id": f"T{i}", "team_name": name, "service_area": name}
        for i, name in ((1, "Assessment"), (2, "Safeguarding"), (3, "Children in Care"))])
    write_staging(settings, "org_worker", [
        {"worker_id": f"W{i}", "worker_name": f"Worker {i}", "team_id": f"T{i}", "role": "Social Worker"}
        for i in (1, 2, 3)])
    write_staging(settings, "org_allocation", [
        {"child_id": c, "worker_id": w, "start_date": D(s)} for c, w, s in ALLOCATIONS])
    write_staging(settings, "population", [
        {"time_period": year, "la_code": settings.la_code, "la_name": settings.la_name, "population_0_17": 10_000}
        for year in (2022, 2023, 2024, 2025)])
    _write_workforce(settings)
    _write_annex_a(settings)
    _write_903_other_tables(settings)


# The workforce file: snapshots at 30 September 2024, 31 August and 30 September 2025.
# (as_at, worker, team, fte, contract, asye, start, leaving, cases, absence days)
# A1, A2 (newly qualified, half time), A4 (a manager: no cases) permanent; A3 agency;
# A5 (permanent, 0.8) left 30 June 2025, reported in August; A6 (agency) left
# 15 September 2025; A7 left on 30 September 2024, exactly a year before the census.
WORKFORCE = [
    ("2024-09-30", "A7", "T1", 1.0, "permanent", False, "2015-01-01", "2024-09-30", None, None),
    ("2025-08-31", "A1", "T1", 1.0, "permanent", False, "2020-01-01", None, 17, 4.0),
    ("2025-08-31", "A2", "T1", 0.5, "permanent", True, "2025-01-01", None, 5, None),
    ("2025-08-31", "A3", "T2", 1.0, "agency", False, "2025-03-01", None, 19, None),
    ("2025-08-31", "A4", "T2", 1.0, "permanent", False, "2019-01-01", None, None, 2.0),
    ("2025-08-31", "A5", "T2", 0.8, "permanent", False, "2018-01-01", "2025-06-30", None, None),
    ("2025-08-31", "A6", "T1", 1.0, "agency", False, "2025-02-01", "2025-09-15", 15, None),
    ("2025-09-30", "A1", "T1", 1.0, "permanent", False, "2020-01-01", None, 18, 5.0),
    ("2025-09-30", "A2", "T1", 0.5, "permanent", True, "2025-01-01", None, 6, None),
    ("2025-09-30", "A3", "T2", 1.0, "agency", False, "2025-03-01", None, 20, None),
    ("2025-09-30", "A4", "T2", 1.0, "permanent", False, "2019-01-01", None, None, 2.0),
    ("2025-09-30", "A6", "T1", 1.0, "agency", False, "2025-02-01", "2025-09-15", None, None),
]
# (as_at, team, establishment, vacancies, covered by agency, complex needs)
ESTABLISHMENT = [
    ("2025-08-31", "T1", 3.0, 1.5, 1.5, False), ("2025-08-31", "T2", 3.0, 1.0, 1.0, True),
    ("2025-09-30", "T1", 3.0, 1.5, 1.0, False), ("2025-09-30", "T2", 2.0, 1.0, 1.0, True),
]


def _write_workforce(settings: Settings) -> None:
    write_staging(settings, "csww_worker", [
        {"as_at": D(a), "worker_id": w, "team_id": t, "role": "Social Worker", "fte": fte, "contract": contract,
         "asye": asye, "start_date": D(start), "leaving_date": _d(leaving), "cases": cases, "absence_days": absent}
        for a, w, t, fte, contract, asye, start, leaving, cases, absent in WORKFORCE])
    write_staging(settings, "csww_vacancy", [
        {"as_at": D(a), "team_id": t, "establishment_fte": est, "vacancy_fte": vac, "agency_cover_fte": cover,
         "complex_needs": complex_}
        for a, t, est, vac, cover, complex_ in ESTABLISHMENT])


# Ofsted Annex A, two extracts: 30 September 2025 (E1) and 31 March 2026 (E2).
E1, E2 = "2025-09-30", "2026-03-31"
# List 1 (extract, child, contact, source). N1's contact is in both extracts: one contact.
# F1 is referred the same day, F6 the next working day (Friday to Monday), F8 two working
# days later (not "became a referral"); N1 and N2 are never referred.
CONTACTS = [
    (E1, "F1", "2025-04-01", "2A"), (E1, "F6", "2025-08-29", "6"), (E1, "N1", "2025-09-01", "8"),
    (E2, "N1", "2025-09-01", "8"), (E2, "F8", "2025-10-08", "6"), (E2, "N2", "2026-03-31", "9"),
]
# List 2 (extract, child, start, completion). M1 and M2 are in both (completed by E2);
# M3 has an intervention but no assessment; M4 started in December 2024.
EARLY_HELP = [
    (E1, "M1", "2025-05-01", None), (E1, "M2", "2025-09-15", None), (E1, "M4", "2024-12-01", "2025-01-10"),
    (E2, "M1", "2025-05-01", "2025-05-20"), (E2, "M2", "2025-09-15", "2025-10-01"), (E2, "M3", None, None),
]
# List 7 at E2 (child, plan start, plan end, last visit, seen alone). 17 March 2026 is
# 10 working days before 31 March, 16 March 11. J4 ended before the extract, J5 on it.
ANNEX_CP_PLANS = [
    ("J1", "2025-11-01", None, "2026-03-17", True), ("J2", "2025-12-01", None, "2026-03-16", False),
    ("J3", "2026-01-05", None, None, None), ("J4", "2025-06-01", "2026-02-10", "2026-02-01", True),
    ("J5", "2025-06-01", "2026-03-31", "2026-03-30", True),
]
# List 8 at E2 (child, care start, ceased, last visit, location, missing, return interview offered).
# Y1 and Y2 are in their first year in care (6 weeks before 31 March is 17 February: Y1
# exactly, Y2 a day more); Y3 and Y4 longer (3 months before is 31 December); Y5 left in March.
ANNEX_IN_CARE = [
    ("Y1", "2025-12-01", None, "2026-02-17", "In", 0, None),
    ("Y2", "2025-06-01", None, "2026-02-16", "Out", 2, True),
    ("Y3", "2020-01-01", None, "2026-01-01", "Out", 1, False),
    ("Y4", "2019-05-01", None, None, "In", 3, None),
    ("Y5", "2024-01-01", "2026-03-01", "2026-02-20", "Out", 1, True),
]
# List 9 at E2 (child, latest pathway plan review): 6 months before is 30 September 2025.
ANNEX_CARE_LEAVERS = [("Z1", "2026-01-15"), ("Z2", "2025-09-30"), ("Z3", None)]


def _write_annex_a(settings: Settings) -> None:
    write_staging(settings, "annex_a_list1", [
        {"extract_date": D(e), "child_id": c, "contact_date": D(d), "contact_source": s} for e, c, d, s in CONTACTS])
    write_staging(settings, "annex_a_list2", [
        {"extract_date": D(e), "child_id": c, "start_date": _d(s), "completion_date": _d(f)}
        for e, c, s, f in EARLY_HELP])
    write_staging(settings, "annex_a_list7", [
        {"extract_date": D(E2), "child_id": c, "plan_start_date": D(s), "plan_end_date": _d(end),
         "last_visit_date": _d(v), "seen_alone": alone} for c, s, end, v, alone in ANNEX_CP_PLANS])
    write_staging(settings, "annex_a_list8", [
        {"extract_date": D(E2), "child_id": c, "care_start_date": D(s), "ceased_date": _d(end), "last_visit_date": _d(v),
         "placement_location": where, "missing_episodes": missing, "rhi_offered": rhi}
        for c, s, end, v, where, missing, rhi in ANNEX_IN_CARE])
    write_staging(settings, "annex_a_list9", [
        {"extract_date": D(E2), "child_id": c, "pathway_plan_review_date": _d(r)} for c, r in ANNEX_CARE_LEAVERS])


# --- SSDA903 OC2, OC3, AD1, Missing and SWEpisodes --------------------------------
# OC2 (return year, child, DOB, SDQ score, health assessment, immunisations, teeth,
# health check, convicted). Ages at 31 March 2026: O1 3 (4 on 1 April), O2 5 that day,
# O3 10, O4 17, O5 16 (17 on 1 April). O6 has every item blank: not in the cohort (a
# council may list every child with blanks for those outside it).
OC2 = [
    (2025, "O3", "2015-06-01", None, False, True, True, None, False),
    (2026, "O1", "2022-04-01", None, True, True, False, True, None),
    (2026, "O2", "2021-03-31", 10, False, True, True, None, None),
    (2026, "O3", "2015-06-01", None, True, False, True, None, False),
    (2026, "O4", "2008-04-01", None, True, True, True, None, True),
    (2026, "O5", "2009-04-01", 20, False, True, False, None, False),
    (2026, "O6", "2012-01-01", None, None, None, None, None, None),
]
# OC3 (return year, child, DOB, in touch, activity, accommodation). Birthdays in 2025/26:
# C1 17 on 1 April 2025, C2 19 on 31 March 2026, C3 20, C4 18 on 1 March 2026 (born
# 29 February), C5 21; C6 18 in 2024/25; C7 all blank.
OC3 = [
    (2025, "C6", "2006-06-01", "YES", "F4", "B1"),
    (2026, "C1", "2008-04-01", "YES", "F2", "D1"),
    (2026, "C2", "2007-03-31", "YES", "G5", "B2"),
    (2026, "C3", "2005-07-15", "NO", "0", "0"),
    (2026, "C4", "2008-02-29", "YES", "F5", "E2"),
    (2026, "C5", "2005-01-10", "YES", "P1", "H1"),
    (2026, "C7", "2007-06-01", None, None, None),
]
# AD1 (return year, child, decision to place, match). K12 is resubmitted in 2025/26 with a
# corrected match date, which wins.
AD1 = [
    (2025, "K7", "2023-10-15", "2024-04-10"),
    (2025, "K12", "2022-08-01", "2023-09-01"),
    (2026, "K12", "2022-08-01", "2023-09-11"),
    (2026, "K8", "2023-10-01", "2024-02-20"),   # matched before the placement order (1 March 2024)
]
# Missing (return year, child, M or A, start, end). K3's incident is open at 31 March 2025
# and ended in the 2025/26 return: one incident.
MISSING = [
    (2025, "K3", "M", "2025-03-31", None),
    (2026, "K3", "M", "2025-03-31", "2025-04-02"),
    (2026, "K2", "M", "2025-04-01", "2025-04-01"),
    (2026, "K2", "M", "2025-10-10", "2025-10-12"),
    (2026, "K10", "A", "2025-08-01", "2025-08-02"),
    (2026, "K11", "M", "2026-03-31", None),
]
# SWEpisodes (return year, child, social worker, start, end)
SW_EPISODES = [
    (2025, "K1", "SW4", "2024-01-01", "2025-03-31"), (2025, "K1", "SW5", "2025-03-31", None),
    (2026, "K1", "SW5", "2025-03-31", "2025-09-01"), (2026, "K1", "SW6", "2025-09-01", None),
    (2025, "K2", "SW1", "2025-01-01", None),
    (2026, "K2", "SW1", "2025-01-01", "2025-06-01"), (2026, "K2", "SW2", "2025-06-01", "2025-11-01"),
    (2026, "K2", "SW3", "2025-11-01", None),
    (2026, "K3", "SW7", "2023-01-01", None),
]
OC2_ITEMS = ("health_assessment", "immunisations", "teeth_check", "health_check", "convicted")


def _write_903_other_tables(settings: Settings) -> None:
    for year in YEARS:
        write_staging(settings, "ssda903_oc2", [
            {"child_id": c, "dob": D(b), "sdq_score": sdq, **dict(zip(OC2_ITEMS, items))}
            for y, c, b, sdq, *items in OC2 if y == year], year)
        write_staging(settings, "ssda903_oc3", [
            {"child_id": c, "dob": D(b), "in_touch": t, "activ": a, "accom": m}
            for y, c, b, t, a, m in OC3 if y == year], year)
        write_staging(settings, "ssda903_ad1", [
            {"child_id": c, "date_int": D(i), "date_match": D(m)} for y, c, i, m in AD1 if y == year], year)
        write_staging(settings, "ssda903_missing", [
            {"child_id": c, "missing": k, "mis_start": D(s), "mis_end": _d(e)}
            for y, c, k, s, e in MISSING if y == year], year)
        write_staging(settings, "ssda903_sw_episodes", [
            {"child_id": c, "sw_id": w, "sw_decom": D(s), "sw_dec": _d(e)}
            for y, c, w, s, e in SW_EPISODES if y == year], year)
