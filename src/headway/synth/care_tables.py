"""The SSDA903's other tables, drawn from the simulated care so that they agree with
the Header and Episodes a year's return holds (the DfE's rules check that they do):

    UASC            unaccompanied asylum-seeking children: some teenagers accommodated
                    under section 20; UASC status ceases on the 18th birthday (DUC)
    OC2             children looked after for the whole collection year (looked after
                    on 1 April and still on 31 March): health, SDQ, convictions, substance
                    misuse, with the items the DfE asks of each age
    OC3             care leavers around their 17th, 18th or 19th birthday (see below)
    AD1             children adopted in the year: the decision that they should be placed
                    for adoption, the match, and who adopted them
    PlacedAdoption  the decision to place for adoption, in each year the child is looked
                    after from it
    PrevPerm        children who started to be looked after in the year: any previous
                    permanence order (adoption, SGO, CAO)
    Missing         missing and away-without-authorisation incidents, inside episodes
    SWEpisodes      (from 2023/24) the social workers of children looked after at 31 March,
                    from the case-management allocations, so SW_ID is the worker

Why OC3 stops at the 19th birthday: the 903 validator (csc-validator-be-903) checks a
care leaver's history against the two years of Episodes it is given, and rule 1001
flags every care leaver aged 20 or more at 31 March, whatever their history. The
synthetic authority passes the DfE's rules with no errors, so its OC3 holds the care
leavers the validator can check: aged 17 to 19 on their birthday in the year, who
left care in that year or the year before (a real council's 20 and 21 year olds are
read and counted all the same).

Draws come from their own generator (seeded from the authority's seed), so adding
these tables changed nothing else the generator writes. Everything is vectorised.
"""

from __future__ import annotations

import numpy as np

from headway.synth import care, params
from headway.synth.days import NEVER, add_years, age_in_years, collection_year_bounds
from headway.synth.draws import category, chance, chance_n, uniform_days
from headway.synth.frames import Frame, take

FIRST_YEAR_SW_EPISODES = 2024  # SWEpisodes joined the 903 in 2023/24
CARE_LEAVER_AGES = (17, 18, 19)  # see the module docstring
UASC_PROBABILITY = {"M": 0.45, "F": 0.06}  # of teenagers (14+) whose care starts under section 20 (~90% boys)
MISSING_PRONE = {"under 8": 0.005, "8-10": 0.05, "11+": 0.3}  # share of periods with a child who goes missing
MISSING_PER_YEAR = 5.5  # incidents a year for such a child (England: ~6.5 per child who went missing)
AWAY_SHARE = 0.25  # incidents "away without authorisation" (A), not missing (M)

# OC2: the share with each item done (measures.md section 6.2)
OC2_RATES = {"HEALTH_CHECK": 0.88, "IMMUNISATIONS": 0.85, "TEETH_CHECK": 0.80, "HEALTH_ASSESSMENT": 0.90}
CONVICTED_10_PLUS = 0.025
SUBSTANCE_MISUSE_10_PLUS = 0.04
SDQ_SCORE_RECEIVED = 0.78
SDQ_REASONS = {"SDQ2": 25, "SDQ3": 10, "SDQ4": 55, "SDQ5": 10}  # SDQ1 (too young or old) is by age

# OC3: in touch, then activity and accommodation by age (England: 64% / 54% in education,
# employment or training at 17-18 / 19-21; ~90% in suitable accommodation)
IN_TOUCH = {"YES": 90, "NO": 4, "REFU": 3, "RHOM": 2, "NREQ": 1}
ACTIVITY_17_18 = {"F2": 36, "P2": 5, "F4": 9, "P4": 2, "F5": 12, "P5": 7, "F1": 1, "G4": 8, "G5": 15, "G6": 5}
ACTIVITY_19 = {"F1": 8, "P1": 1, "F2": 11, "P2": 3, "F4": 7, "P4": 2, "F5": 16, "P5": 12, "G4": 10, "G5": 22,
               "G6": 8}
# Code letter, then 1 suitable / 2 not. No Z (with former foster carers: staying put, which
# rule 3001 refuses at 17) and no T (a foyer, refused under 18 by rule 347).
ACCOMMODATION = {"B1": 6, "C1": 14, "D1": 28, "E1": 5, "G1": 4, "H1": 12, "K1": 3, "R1": 4, "U1": 9,
                 "V1": 3, "W1": 2, "Y1": 3, "B2": 1, "D2": 2, "E2": 1, "H2": 1, "U2": 1, "W2": 1, "X2": 1}

# AD1 and PrevPerm
ADOPTERS = {"M1": 3, "F1": 12, "MF": 75, "FF": 5, "MM": 5}
LEGAL_STATUS_OF_COUPLE = {"MF": {"L11": 75, "L3": 25}, "FF": {"L12": 50, "L2": 30, "L4": 20},
                          "MM": {"L12": 50, "L2": 30, "L4": 20}}
PREVIOUS_PERMANENCE = {"Z1": 90, "P1": 2, "P2": 6, "P3": 2}
OTHER_LA_CODES = ("800", "822", "825", "837", "846", "850", "855", "856", "860", "865", "873", "878", "886")
SW_REASONS = ("MANAGE", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "OTHERS")


def draw(seed: int, sim: dict, allocations: Frame) -> dict:
    """Everything the year tables are cut from: per period of care (UASC, adoption
    dates and adopters, previous permanence), missing incidents, and social worker
    episodes."""
    rng = np.random.default_rng((seed, 903))
    kids, periods, episodes = sim["children"], sim["periods"], sim["care_episodes"]
    row_of_ep = np.full(len(sim["episodes"]["id"]), -1, dtype=np.int64)
    row_of_ep[periods["ep"]] = np.arange(len(periods["ep"]))
    episode_period = row_of_ep[episodes["ep"]]
    p = dict(periods)
    dob = kids["dob"][p["child"]]
    p["uasc"] = _uasc(rng, p, episodes, episode_period, dob, kids["sex"][p["child"]])
    p.update(_adoption(rng, p, episodes, episode_period))
    p.update(_previous_permanence(rng, p, dob))
    return {"periods": p, "missing": _missing(rng, episodes, episode_period, dob[episode_period]),
            "sw": _social_workers(allocations), "year_seed": (seed, 904)}


def _uasc(rng, p, episodes, episode_period, dob, sex) -> np.ndarray:
    """Section 20 starts at 14 or over; a child is UASC from their first period on."""
    first_status = np.full(len(p["ep"]), -1, dtype=np.int8)
    starts = episodes["rne"] == care.RNE_S
    first_status[episode_period[starts]] = episodes["ls"][starts]
    age = age_in_years(dob, p["start"])
    by_sex = np.array([UASC_PROBABILITY[sex] for sex in params.SEX_WEIGHTS])[sex]
    candidate = (first_status == care.V2) & (age >= 14) & chance(rng, by_sex)
    first_period = np.zeros(len(p["ep"]), dtype=bool)
    order = np.lexsort((p["start"], p["child"]))
    first_period[order[np.r_[True, p["child"][order][1:] != p["child"][order][:-1]]]] = True
    return candidate & first_period


def _first_day(episodes, episode_period, n, mask) -> np.ndarray:
    day = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(day, episode_period[mask], episodes["decom"][mask].astype(np.int64))
    return day


def _adoption(rng, p, episodes, episode_period) -> Frame:
    """For periods ending in adoption: the decision that the child should be placed
    (before the placement order), the match (after the order, before the child is
    placed with the adopters) and the adopters."""
    n = len(p["ep"])
    order_day = _first_day(episodes, episode_period, n, episodes["ls"] == care.E1)
    adoption_place = np.isin(episodes["place"], care.ADOPTION_PLACES)
    placed_day = _first_day(episodes, episode_period, n, adoption_place)
    with_foster_carer = np.zeros(n, dtype=bool)
    first_adoptive = adoption_place & (episodes["decom"] == placed_day[episode_period])
    with_foster_carer[episode_period[first_adoptive]] = episodes["place"][first_adoptive] == care.PLACE_INDEX["A5"]
    start = p["start"].astype(np.int64)
    adopted = (p["exit"] == care.ADOPTED) & (order_day < NEVER) & (placed_day < NEVER)
    order_day = np.where(adopted, order_day, start)
    decision = np.maximum(start, order_day - uniform_days(rng, n, 14, 120))
    placed = np.where(adopted, placed_day, start)
    earliest_match = np.maximum(order_day, decision)
    match = np.maximum(earliest_match, placed - uniform_days(rng, n, 7, 60))
    adopters = category(rng, n, ADOPTERS)
    couple = np.array(list(ADOPTERS))[adopters]
    status = np.full(n, "L0", dtype=object)
    for sexes, weights in LEGAL_STATUS_OF_COUPLE.items():
        rows = couple == sexes
        status[rows] = np.array(list(weights))[category(rng, rows.sum(), weights)]
    return {"adopted": adopted, "decision": np.where(adopted, decision, NEVER),
            "match": np.where(adopted, match, NEVER), "foster_care": with_foster_carer,
            "adopters": adopters, "adopters_status": status}


def _previous_permanence(rng, p, dob) -> Frame:
    n = len(p["ep"])
    code = category(rng, n, PREVIOUS_PERMANENCE)
    start = p["start"].astype(np.int64)
    earliest = np.minimum(dob.astype(np.int64) + 60, start - 2)
    date = earliest + (rng.random(n) * np.maximum(start - 1 - earliest, 0)).astype(np.int64)
    return {"prev_perm": code, "prev_perm_la": rng.integers(0, len(OTHER_LA_CODES), n), "prev_perm_date": date}


def _missing(rng, episodes, episode_period, dob) -> Frame:
    """Incidents inside one episode each (an incident ends before its placement does),
    never overlapping: a child is not missing twice at once."""
    decom, dec = episodes["decom"].astype(np.int64), episodes["dec"].astype(np.int64)
    age = age_in_years(dob, decom)
    prone_p = np.select([age >= 11, age >= 8], [MISSING_PRONE["11+"], MISSING_PRONE["8-10"]], MISSING_PRONE["under 8"])
    # one draw per period, so a child prone to going missing is so in each of its episodes
    period_draw = rng.random(int(episode_period.max(initial=-1)) + 1)
    prone = period_draw[episode_period] < prone_p
    span = np.maximum(dec - decom - 2, 0)
    rate = np.where(prone, MISSING_PER_YEAR * rng.gamma(2.0, 0.5, len(decom)), 0.0)
    count = np.minimum(rng.poisson(rate * span / 365.25), 60)
    row = np.repeat(np.arange(len(decom)), count)
    length = np.minimum(rng.geometric(0.55, len(row)) - 1, 14)  # days: most return the same or next day
    room = np.maximum(span[row] - length, 0)
    start = decom[row] + 1 + (rng.random(len(row)) * room).astype(np.int64)
    end = np.minimum(start + length, dec[row] - 1)
    # none runs over a 31 March: csc-validator-be-903 (rules 575, 577) misreads some
    # incidents still open at the end of a return
    within = end <= _next_31_march(start)
    row, start, end = row[within], start[within], end[within]
    child = episodes["child"][row]
    order = np.lexsort((start, child))
    child, start, end, row = child[order], start[order], end[order], row[order]
    keep = _not_overlapping(child, start, end)
    m = len(row)
    return {"child": child[keep], "start": start[keep], "end": end[keep],
            "away": chance_n(rng, m, AWAY_SHARE)[keep]}


def _next_31_march(days: np.ndarray) -> np.ndarray:
    """The 31 March on or after each day: the end of its collection year."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)  # since January 1970
    year = months // 12 + (months % 12 >= 3)  # April on: the year after
    first_of_april = (year * 12 + 3).astype("datetime64[M]").astype("datetime64[D]")
    return (first_of_april - np.timedelta64(1, "D")).astype(np.int64)


def _not_overlapping(child, start, end) -> np.ndarray:
    """Rows (sorted by child, start) that start after every earlier row of the child ended."""
    big = np.int64(4_000_000)
    key = child.astype(np.int64) * big + end
    latest_before = np.maximum.accumulate(np.r_[np.int64(-1), key[:-1]])
    return child.astype(np.int64) * big + start > latest_before


def _social_workers(allocations: Frame) -> Frame:
    """Allocations as one chain of social worker episodes per child, in start order:
    each runs until the next starts (a child looked after has a social worker
    throughout: the DfE's rules SW08, SW10 and SW11a want each to follow the last),
    the last until the child's last allocation ends. One lasting under 3 days (an
    error to the DfE's rules) is folded into the next."""
    a = take(allocations, np.lexsort((allocations["start"], allocations["child"])))
    n = len(a["child"])
    child, start = a["child"], a["start"].astype(np.int64)
    last_of_child = np.r_[child[1:] != child[:-1], True][:n]
    first_of_child = np.r_[True, last_of_child[:-1]][:n]
    final_end = np.maximum.reduceat(a["end"].astype(np.int64), np.flatnonzero(first_of_child)) if n else start
    next_start = np.r_[start[1:], 0][:n]
    kept = np.flatnonzero(last_of_child | (next_start - start >= 3))
    out = take(a, kept)
    first_kept = np.r_[True, out["child"][1:] != out["child"][:-1]][:len(kept)]
    first_of_child_start = start[np.r_[0, kept[:-1] + 1][:len(kept)]]  # shorter ones before it fold in
    out["start"] = np.where(first_kept, np.minimum(first_of_child_start, start[kept]), start[kept])
    last_kept = np.r_[out["child"][1:] != out["child"][:-1], True][:len(kept)]
    child_number = np.cumsum(first_of_child) - 1
    out["end"] = np.where(last_kept, final_end[child_number[kept]], np.r_[out["start"][1:], 0][:len(kept)])
    return _same_worker_runs_as_one(out, first_kept)


def _same_worker_runs_as_one(out: Frame, first_of_child: np.ndarray) -> Frame:
    """A new allocation to the worker the child already has is no change of social
    worker: one episode (csc-validator-be-903 0.1.17's rule SW11bSTG2 also misreads
    a 'change' in the last days of March followed by the same worker)."""
    n = len(out["child"])
    same = ~first_of_child & (out["worker"] == np.r_[-1, out["worker"][:-1]][:n])
    kept = np.flatnonzero(~same)
    run_end = out["end"][np.r_[kept[1:] - 1, n - 1][:len(kept)]] if n else out["end"]
    merged = take(out, ~same)
    merged["end"] = run_end
    return merged


# ---------------------------------------------------------------- one year's tables

def year_tables(drawn: dict, sim: dict, year: int) -> dict[str, Frame]:
    """The year's rows of each table (children as indices into sim['children'], dates as
    day numbers, codes as indices or text), plus 'leavers': the OC3 children, who
    join the Header."""
    first, last = collection_year_bounds(year)
    kids, p = sim["children"], drawn["periods"]
    rng = np.random.default_rng((*drawn["year_seed"], year))
    tables = {
        "uasc": _uasc_rows(p, kids, first, last, uasc_children(drawn)),
        "oc2": _oc2_rows(rng, p, kids, first, last),
        "oc3": _oc3_rows(rng, p, kids, year, first, last),
        "ad1": take(p, p["adopted"] & (p["end"] >= first) & (p["end"] <= last)),
        "placed": take(p, p["adopted"] & (p["decision"] <= last) & (p["end"] >= first) & (p["start"] <= last)),
        # one row a child (rule INT35): a child coming into care twice in a year, the later period
        "prev_perm": _one_per_child(take(p, (p["start"] >= first) & (p["start"] <= last))),
        "missing": _missing_rows(drawn["missing"], first, last),
    }
    if year >= FIRST_YEAR_SW_EPISODES:
        tables["sw"] = _sw_rows(drawn["sw"], p, first, last)
    return tables


def uasc_children(drawn: dict) -> np.ndarray:
    """The children who are UASC: from their first period of care on, every period."""
    p = drawn["periods"]
    return np.unique(p["child"][p["uasc"]])


def _uasc_rows(p, kids, first, last, uasc: np.ndarray) -> Frame:
    """Looked after in the year, with UASC status still on 1 April (DUC, the 18th
    birthday, on or after it), in any period of care: a UASC child coming back into
    care is still UASC, and has no home postcode (csv_files._postcodes)."""
    duc = add_years(kids["dob"][p["child"]], 18).astype(np.int64)
    is_uasc = np.isin(p["child"], uasc)
    rows = take(p, is_uasc & (p["start"] <= last) & (p["end"] >= first) & (duc >= first))
    rows["duc"] = add_years(kids["dob"][rows["child"]], 18)
    return _one_per_child(rows)


def _one_per_child(rows: Frame) -> Frame:
    order = np.lexsort((rows["start"], rows["child"]))
    rows = take(rows, order)
    last_of_child = np.r_[rows["child"][1:] != rows["child"][:-1], True][:len(rows["child"])]
    return take(rows, last_of_child)


def _oc2_rows(rng, p, kids, first, last) -> Frame:
    # looked after on 1 April and on 31 March (csc-validator-be-903 counts a period
    # ending on 31 March as still open then)
    rows = take(p, (p["start"] <= first) & (p["end"] >= last))
    n = len(rows["child"])
    dob = kids["dob"][rows["child"]].astype(np.int64)
    age = age_in_years(dob, np.full(n, last))
    out = {"child": rows["child"]}
    for item, rate in OC2_RATES.items():
        out[item] = chance_n(rng, n, rate).astype(np.int8)
    out["HEALTH_CHECK"][age >= 5] = -1  # only for under-5s (rules 545, 546)
    ten_plus = age >= 10
    out["CONVICTED"] = np.where(ten_plus, chance_n(rng, n, CONVICTED_10_PLUS), -1).astype(np.int8)
    misuse = ten_plus & chance_n(rng, n, SUBSTANCE_MISUSE_10_PLUS)
    out["SUBSTANCE_MISUSE"] = misuse.astype(np.int8)
    received = misuse & chance_n(rng, n, 0.6)
    out["INTERVENTION_RECEIVED"] = np.where(misuse, received, -1).astype(np.int8)
    # offered is asked only of those who did not receive one (rules 158, 159)
    out["INTERVENTION_OFFERED"] = np.where(misuse & ~received, chance_n(rng, n, 0.7), -1).astype(np.int8)
    fourth, sixteenth, seventeenth = (add_years(dob, y).astype(np.int64) for y in (4, 16, 17))
    asked = (fourth <= last) & (seventeenth >= first)  # rules 186, 188, 189, 197B
    scored = asked & chance_n(rng, n, SDQ_SCORE_RECEIVED)
    out["SDQ_SCORE"] = np.where(scored, np.clip(np.rint(rng.normal(14, 6.5, n)), 0, 40), -1).astype(np.int16)
    too_young_or_old = (fourth > first) | (sixteenth < last)  # SDQ1 only then (rule 157)
    reason = np.where(too_young_or_old, 0, 1 + category(rng, n, SDQ_REASONS))
    out["SDQ_REASON"] = np.where(asked & ~scored, reason, -1).astype(np.int8)
    return out


SDQ_REASON_CODES = ("SDQ1",) + tuple(SDQ_REASONS)


def _oc3_rows(rng, p, kids, year, first, last) -> Frame:
    """Relevant and former relevant children (13 weeks in care from 14, some of it at
    16 or over, not adopted or transferred) whose 17th-19th birthday is in the year,
    out of care before it, whose last period ended in this year or the year before."""
    last_period = _one_per_child(take(p, p["start"] <= last))
    dob = kids["dob"][last_period["child"]].astype(np.int64)
    start, end = last_period["start"].astype(np.int64), last_period["end"].astype(np.int64)
    birthday = _birthday_in_year(dob, first, last)
    age = age_in_years(dob, birthday)
    # in care 13 weeks from 14 and a day from 16, counting only what the validator sees:
    # the episodes in this year's return and last year's (module docstring)
    seen_from = np.maximum(start, collection_year_bounds(year - 1)[0])
    relevant = (((end - np.maximum(seen_from, add_years(dob, 14))) >= 91)
                & (end > np.maximum(seen_from, add_years(dob, 16))))
    left = end < birthday
    exit_ok = ~np.isin(last_period["exit"], (care.ADOPTED, care.TRANSFERRED))
    leaver = relevant & left & exit_ok & np.isin(age, CARE_LEAVER_AGES)
    rows = take(last_period, leaver)
    rows["age"] = age[leaver]
    n = len(rows["child"])
    in_touch = category(rng, n, IN_TOUCH)
    touch_codes = np.array(list(IN_TOUCH))[in_touch]
    activity = np.where(rows["age"] <= 18, _pick(rng, ACTIVITY_17_18, n), _pick(rng, ACTIVITY_19, n))
    accom = _pick(rng, ACCOMMODATION, n)
    yes = touch_codes == "YES"
    rows["IN_TOUCH"] = touch_codes
    rows["ACTIV"] = np.where(yes, activity, "0")
    rows["ACCOM"] = np.where(yes, accom, "0")
    return rows


def _pick(rng, weights: dict, n: int) -> np.ndarray:
    return np.array(list(weights), dtype=object)[category(rng, n, weights)]


def _birthday_in_year(dob: np.ndarray, first: int, last: int) -> np.ndarray:
    """Each child's birthday between `first` and `last` (a collection year)."""
    age_at_start = age_in_years(dob, np.full(len(dob), first)).astype(np.int64)
    this = _add_years_each(dob, age_at_start)
    nxt = _add_years_each(dob, age_at_start + 1)
    birthday = np.where(this >= first, this, nxt)
    return np.where(birthday <= last, birthday, NEVER)


def _add_years_each(dob: np.ndarray, years: np.ndarray) -> np.ndarray:
    """add_years with a number of years per row."""
    out = np.empty(len(dob), dtype=np.int64)
    for y in np.unique(years):
        rows = years == y
        out[rows] = add_years(dob[rows], int(y))
    return out


def _missing_rows(m: Frame, first, last) -> Frame:
    """Incidents open at any time in the year; one still open at 31 March has no end yet."""
    rows = take(m, (m["start"] <= last) & (m["end"] >= first))
    rows["ended"] = rows["end"] <= last
    return rows


def _sw_rows(sw: Frame, p, first, last) -> Frame:
    """Every social worker episode in the year of each child looked after on 31 March."""
    at_31_march = np.zeros(int(p["child"].max(initial=0)) + 1, dtype=bool)
    at_31_march[p["child"][(p["start"] <= last) & (p["end"] > last)]] = True
    child = sw["child"]
    rows = take(sw, at_31_march[np.minimum(child, len(at_31_march) - 1)] & (child < len(at_31_march))
                & (sw["end"] >= first) & (sw["start"] <= last))
    n = len(rows["child"])
    new_child = np.r_[True, rows["child"][1:] != rows["child"][:-1]][:n]
    _no_changes_in_the_last_days(rows, last)
    rows["ended"] = rows["end"] <= last
    reason = (rows["start"].astype(np.int64) * 7 + rows["worker"].astype(np.int64)) % len(SW_REASONS)
    rows["reason"] = np.where(new_child, "FCONTA", np.array(SW_REASONS, dtype=object)[reason])
    return rows


def _no_changes_in_the_last_days(rows: Frame, last: int) -> None:
    """Move a change of worker in the 5 days to 31 March back to the 6th day before:
    csc-validator-be-903 0.1.17 (rule SW11bSTG2) reads any episode ending then as one
    with nothing after it."""
    start, end = rows["start"].astype(np.int64), rows["end"].astype(np.int64)
    child = rows["child"]
    same_child_next = np.r_[child[1:] == child[:-1], False][:len(child)]
    next_is_last = np.r_[child[2:] != child[1:-1], True, True][:len(child)] if len(child) > 1 else same_child_next
    late = same_child_next & next_is_last & (end >= last - 5) & (end <= last) & (start <= last - 9)
    moved = np.flatnonzero(late)
    end[moved] = last - 6
    start[moved + 1] = last - 6
    rows["start"], rows["end"] = start, end
