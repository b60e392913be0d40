"""The Ofsted Annex A workbook, one per collection year, extracted on its 31 March,
from the same simulated children as the 903 and the CIN Census.

    annex_a/annex_a_<YYYY>-03-31.xlsx   Lists 1 to 11 and a cover sheet with the extract date

What each list holds (measures.md 1.1), and where it comes from:
  1 contacts            every referral's contact (the same or the working day before),
                        and contacts that went no further (new children, drawn)
  2 early help          assessments for children closed "referred to early help" (RC9),
                        and for children never referred (drawn)
  3-5 referrals, assessments, S47 enquiries started in the collection year
  6 children in need    episodes open on the extract date or closed in the 6 months before
  7 child protection    plans open on the extract date or ended in the 6 months before
  8 children in care    periods of care likewise
  9 care leavers        young people 16-20 whose care ended at 16 or over after 13 weeks or more
  10 adoption           children adopted in the 12 months, or placed for adoption on the date
  11 adopters           one adopter for each of those children's families
Ofsted asks for 6 months of Lists 1-5; these extracts cover the whole collection year,
so the 12-month front-door measures have full years. Visits, missing episodes, return
interviews, pathway plans and early help are not in the simulation: they are drawn
here (params.ANNEX_A_*), from a generator of their own so the other files do not change.

`variants=True` writes what real councils send instead of the template's exact form:
title rows above the header (with the extract date), "List1" sheet names, other header
spellings, coded values as "M", "1 - Male" or "White - British", dates as text or
serial numbers, ages as "<1" or "18m", IDs as numbers. The reader must stage both
forms identically (tests/test_annex_a.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from headway.returns.annex_a_lists import LIST_BY_NUMBER, AnnexList
from headway.synth import care, params
from headway.synth.children import ID_MULTIPLIER, ID_OFFSET
from headway.synth.csv_files import ETHNICITIES
from headway.synth.days import NEVER, add_years, age_in_years, collection_year_bounds
from headway.synth.draws import category
from headway.synth.journeys import CATEGORIES, CLOSURE_REASONS, NFA, REFERRAL_SOURCES
from headway.synth.annex_a_cells import Cells
from headway.synth.model import Model
from headway.synth.xlsx import write_xlsx

SEXES = tuple(params.SEX_WEIGHTS)
HALF_YEAR = 182
KEY_SHIFT = 21  # child << KEY_SHIFT | day: days and NEVER are below 2**21


def write_annex_a_year(out_dir: Path, year: int, model: Model, sim: dict, held: dict, seed: int,
                       variants: bool = False) -> dict[str, int]:
    """One collection year's workbook; returns {its path under out_dir: rows in its lists}
    (nothing, and no file, when every list is empty)."""
    rng = np.random.default_rng([seed, year, 903_11])
    first, extract = collection_year_bounds(year)
    people = _People(sim["children"])
    who = _Allocation(held, model.org)
    lists = {
        1: _contacts(rng, model, sim, people, first, extract),
        2: _early_help(rng, sim, people, first, extract, model.population(year)),
        3: _referrals(sim, first, extract, who),
        4: _assessments(rng, sim, first, extract, who),
        5: _section47s(sim, first, extract, who),
        6: _children_in_need(rng, sim, extract, who),
        7: _protection(rng, model, sim, extract, who),
        8: _in_care(rng, sim, extract, who, care.place_codes(year)),
        9: _care_leavers(rng, sim, extract, who),
        10: _adoption(sim, first, extract),
    }
    lists[11] = _adopters(rng, lists[10])
    rows = sum(len(next(iter(columns.values()))) for columns in lists.values())
    if rows == 0:  # a tiny authority's quiet year: an empty workbook would be refused, so none is written
        return {}
    name = f"annex_a_{_date(extract).isoformat()}.xlsx"
    path = out_dir / "annex_a" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_workbook(path, lists, people, _date(extract), variants)
    return {f"annex_a/{name}": rows}


# ------------------------------------------------------------------ who the children are

class _People:
    """The simulated children, and children only Lists 1 and 2 know (drawn as needed)."""

    def __init__(self, kids: dict):
        self.code, self.dob = kids["code"], kids["dob"]
        self.sex, self.ethnicity = kids["sex"], kids["ethnicity"]
        self.disabled = kids["disability_1"] >= 0
        self.last_day = kids["last_day"]

    def add(self, rng, n: int, on: np.ndarray) -> np.ndarray:
        """n new children aged 0-17 on the days `on`; returns their indexes."""
        start = len(self.code)
        index = np.arange(start, start + n, dtype=np.int64)
        ages = (rng.random(n) * 18 * 365).astype(np.int64)
        dob = (on.astype(np.int64) - ages).astype(np.int32)
        self.code = np.concatenate([self.code, (index * ID_MULTIPLIER + ID_OFFSET) % 10**8])
        self.dob = np.concatenate([self.dob, dob])
        self.sex = np.concatenate([self.sex, category(rng, n, params.SEX_WEIGHTS).astype(np.int8)])
        self.ethnicity = np.concatenate([self.ethnicity, category(rng, n, params.ETHNICITY_WEIGHTS).astype(np.int8)])
        self.disabled = np.concatenate([self.disabled, rng.random(n) < params.DISABILITY_PROBABILITY])
        self.last_day = np.concatenate([self.last_day, (add_years(dob, 18) - 1).astype(np.int32)])
        return index


class _Allocation:
    """The team and worker holding a child's case on a day (the org allocations)."""

    def __init__(self, held: dict, org):
        order = np.lexsort((held["start"], held["child"]))
        self.child, self.start = held["child"][order].astype(np.int64), held["start"][order].astype(np.int64)
        self.end, self.worker = held["end"][order], held["worker"][order]
        self.keys = (self.child << KEY_SHIFT) | self.start
        self.team_names = np.array(org.team_names, dtype=object)[org.worker_team]
        self.worker_names = np.array(org.worker_names, dtype=object)

    def on(self, child: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(team names, worker names); None where nobody held the case."""
        none = np.full(len(child), None, dtype=object)
        if len(self.keys) == 0:
            return none, none
        query = (child.astype(np.int64) << KEY_SHIFT) | np.minimum(day, NEVER).astype(np.int64)
        i = np.searchsorted(self.keys, query, side="right") - 1
        safe = np.maximum(i, 0)
        found = (i >= 0) & (self.child[safe] == child) & (self.end[safe] >= day)
        workers = self.worker[safe]
        return np.where(found, self.team_names[workers], none), np.where(found, self.worker_names[workers], none)


def _rows(child, **columns) -> dict:
    return {"child": np.asarray(child, dtype=np.int64), **columns}


def _team_worker(who: _Allocation, child, day) -> dict:
    team, worker = who.on(np.asarray(child), np.asarray(day))
    return {"allocated_team": team, "allocated_worker": worker}


def _count_before(child: np.ndarray, day: np.ndarray, days_back: int) -> np.ndarray:
    """For each (child, day) event, how many of the child's events fall in the
    `days_back` days before it (not counting itself)."""
    keys = (child.astype(np.int64) << KEY_SHIFT) | day.astype(np.int64)
    order = np.sort(keys)
    return (np.searchsorted(order, keys, side="left")
            - np.searchsorted(order, keys - days_back, side="left")).astype(np.int64)


# ------------------------------------------------------------------ Lists 1 to 5: events in the year

def _contacts(rng, model: Model, sim, people: _People, first: int, extract: int) -> dict:
    e = sim["episodes"]
    rows = np.flatnonzero((e["ref"] >= first) & (e["ref"] <= extract))
    ref = e["ref"][rows]
    day_before = rng.random(len(rows)) < params.ANNEX_A_CONTACT_DAY_BEFORE
    working_day_before = np.minimum(model.wd.add(ref, np.full(len(rows), -1)), ref - 1)
    referred_on = np.maximum(np.where(day_before, working_day_before, ref), first)
    n_other = rng.poisson(params.ANNEX_A_CONTACTS_PER_REFERRAL * len(rows))
    other_days = rng.integers(first, extract + 1, n_other)
    others = people.add(rng, n_other, other_days)
    child = np.concatenate([e["child"][rows], others])
    day = np.concatenate([referred_on, other_days])
    source = np.concatenate([e["source"][rows], category(rng, n_other, params.REFERRAL_SOURCE_WEIGHTS)])
    order = np.lexsort((child, day))
    return _rows(child[order], contact_date=day[order],
                 contact_source=np.array(REFERRAL_SOURCES, dtype=object)[source[order]])


def _early_help(rng, sim, people: _People, first: int, extract: int, population: int) -> dict:
    e = sim["episodes"]
    to_early_help = (e["close_reason"] == CLOSURE_REASONS.index("RC9")) & (e["close"] >= first - 60) \
        & (e["close"] <= extract)
    rows = np.flatnonzero(to_early_help)
    referred = rows[rng.random(len(rows)) < params.ANNEX_A_EARLY_HELP_AFTER_RC9]
    start_referred = e["close"][referred] + rng.integers(3, 40, len(referred))
    n_other = max(rng.poisson(params.ANNEX_A_EARLY_HELP_PER_10K * population / 10_000) - len(referred), 0)
    start_other = rng.integers(first, extract + 1, n_other)
    others = people.add(rng, n_other, start_other)
    child = np.concatenate([e["child"][referred], others])
    start = np.concatenate([start_referred, start_other])
    keep = (start >= first) & (start <= extract)
    child, start = child[keep], start[keep]
    completion = start + rng.integers(5, 70, len(start))
    organisation = np.array(params.ANNEX_A_EARLY_HELP_ORGANISATIONS, dtype=object)[
        rng.integers(0, len(params.ANNEX_A_EARLY_HELP_ORGANISATIONS), len(start))]
    order = np.lexsort((child, start))
    return _rows(child[order], start_date=start[order],
                 completion_date=np.where(completion[order] <= extract, completion[order], NEVER),
                 organisation=organisation[order])


def _referrals(sim, first: int, extract: int, who: _Allocation) -> dict:
    e = sim["episodes"]
    rows = np.flatnonzero((e["ref"] >= first) & (e["ref"] <= extract))
    before = _count_before(e["child"], e["ref"], 365)[rows]
    return _rows(e["child"][rows], referral_date=e["ref"][rows],
                 referral_source=np.array(REFERRAL_SOURCES, dtype=object)[e["source"][rows]],
                 referral_nfa=e["route"][rows] == NFA, referrals_12m=before,
                 **_team_worker(who, e["child"][rows], e["ref"][rows]))


def _assessments(rng, sim, first: int, extract: int, who: _Allocation) -> dict:
    e = sim["episodes"]
    rows = np.flatnonzero((e["asmt_start"] >= first) & (e["asmt_start"] <= extract))
    authorised = e["asmt_auth"][rows] <= extract
    in_need = np.isin(e["route"][rows], (NFA, params.ROUTES.index("not_in_need")), invert=True)
    outcome = np.where(authorised, np.where(in_need, "Yes", "No"), None)
    return _rows(e["child"][rows], start_date=e["asmt_start"][rows], child_seen=rng.random(len(rows)) < 0.97,
                 authorisation_date=np.where(authorised, e["asmt_auth"][rows], NEVER), outcome=outcome,
                 **_team_worker(who, e["child"][rows], np.minimum(e["asmt_auth"][rows], extract)))


def _section47s(sim, first: int, extract: int, who: _Allocation) -> dict:
    e = sim["episodes"]
    has = e["s47_start"] < NEVER
    s47s_before = np.zeros(len(has), np.int64)
    s47s_before[has] = _count_before(e["child"][has], e["s47_start"][has], 365)
    held = e["icpc"] < NEVER
    icpcs_before = np.zeros(len(has), np.int64)
    icpcs_before[held] = _count_before(e["child"][held], e["icpc"][held], 365)
    rows = np.flatnonzero((e["s47_start"] >= first) & (e["s47_start"] <= extract))
    concluded = e["s47_end"][rows] <= extract
    icpc_done = e["icpc"][rows] <= extract
    return _rows(e["child"][rows], s47_start_date=e["s47_start"][rows],
                 icpc_not_required=np.where(concluded, e["icpc_not_required"][rows], None),
                 icpc_date=np.where(icpc_done, e["icpc"][rows], NEVER),
                 icpc_plan=np.where(icpc_done, e["cp_start"][rows] == e["icpc"][rows], None),
                 s47_12m=s47s_before[rows], icpc_12m=icpcs_before[rows],
                 **_team_worker(who, e["child"][rows], np.minimum(e["s47_end"][rows], extract)))


# ------------------------------------------------------------------ Lists 6 to 9: as at the extract

def _open_or_recent(start, end, extract: int) -> np.ndarray:
    """Open on the extract date, or ended in the 6 months before it."""
    return (start <= extract) & (end >= extract - HALF_YEAR)


def _children_in_need(rng, sim, extract: int, who: _Allocation) -> dict:
    e = sim["episodes"]
    rows = np.flatnonzero((e["route"] != NFA) & _open_or_recent(e["ref"], e["close"], extract))
    closed = e["close"][rows] <= extract
    status = np.select(
        [closed, (e["care_start"][rows] <= extract) & (e["care_end"][rows] > extract),
         (e["cp_start"][rows] <= extract) & (e["cp_end"][rows] > extract),
         e["asmt_auth"][rows] > extract],
        ["Closed episode", "Looked after child", "Child Protection plan", "Open assessment"],
        "Child in need plan").astype(object)
    seen = np.maximum(np.minimum(e["close"][rows], extract) - rng.integers(0, 40, len(rows)), e["ref"][rows])
    return _rows(e["child"][rows], cin_start_date=e["ref"][rows],
                 primary_need=np.array(params.NEED_CODES, dtype=object)[e["need"][rows]], last_seen_date=seen,
                 cin_closure_date=np.where(closed, e["close"][rows], NEVER),
                 closure_reason=np.where(closed, np.array(CLOSURE_REASONS, dtype=object)[e["close_reason"][rows]],
                                         None),
                 case_status=status, **_team_worker(who, e["child"][rows], np.minimum(e["close"][rows], extract)))


def _protection(rng, model: Model, sim, extract: int, who: _Allocation) -> dict:
    e = sim["episodes"]
    rows = np.flatnonzero((e["cp_start"] < NEVER) & _open_or_recent(e["cp_start"], e["cp_end"], extract))
    ended = e["cp_end"][rows] <= extract
    as_at = np.minimum(e["cp_end"][rows], extract)
    late = rng.random(len(rows)) < params.ANNEX_A_CP_VISIT_LATE
    back = np.where(late, rng.integers(11, 25, len(rows)), rng.integers(0, 11, len(rows)))
    visit = np.minimum(model.wd.add(as_at, -back), as_at)
    visit = np.maximum(visit, e["cp_start"][rows])
    age = age_in_years(sim["children"]["dob"][e["child"][rows]], as_at)
    alone = np.where(age >= 4, rng.random(len(rows)) < params.ANNEX_A_SEEN_ALONE, False)
    reviews = sim["cp_reviews"]
    latest = _latest_before(reviews["ep"], reviews["date"], e["id"][rows], extract)
    return _rows(e["child"][rows], plan_start_date=e["cp_start"][rows],
                 initial_category=np.array(CATEGORIES, dtype=object)[e["cat_initial"][rows]],
                 latest_category=np.array(CATEGORIES, dtype=object)[e["cat_latest"][rows]],
                 last_visit_date=visit, seen_alone=alone, latest_review_date=latest,
                 plan_end_date=np.where(ended, e["cp_end"][rows], NEVER), epo_6m=np.zeros(len(rows), bool),
                 previous_plans=e["previous_cpp"][rows].astype(np.int64),
                 **_team_worker(who, e["child"][rows], as_at))


def _latest_before(owner: np.ndarray, day: np.ndarray, wanted: np.ndarray, extract: int) -> np.ndarray:
    """The latest `day` on or before the extract for each owner in `wanted` (NEVER if none)."""
    keys = np.sort((owner.astype(np.int64) << KEY_SHIFT) | day.astype(np.int64))
    query = (wanted.astype(np.int64) << KEY_SHIFT) | extract
    if len(keys) == 0:
        return np.full(len(wanted), NEVER, dtype=np.int64)
    i = np.searchsorted(keys, query, side="right") - 1
    safe = np.maximum(i, 0)
    found = (i >= 0) & ((keys[safe] >> KEY_SHIFT) == wanted)
    return np.where(found, keys[safe] & ((1 << KEY_SHIFT) - 1), NEVER)


def _in_care(rng, sim, extract: int, who: _Allocation, places: tuple[str, ...]) -> dict:
    periods, episodes = sim["periods"], sim["care_episodes"]
    kids = sim["children"]
    rows = np.flatnonzero(_open_or_recent(periods["start"], periods["end"], extract))
    ceased = periods["end"][rows] <= extract
    # the episode current on the extract date (or the last, if the period ended)
    as_at = np.minimum(periods["end"][rows], extract)
    # periods, episodes and reviews share the CIN episode ("ep") they came from
    owner = periods["ep"][rows].astype(np.int64)
    ep_keys = (episodes["ep"].astype(np.int64) << KEY_SHIFT) | episodes["decom"].astype(np.int64)
    ep_order = np.argsort(ep_keys)
    at = ep_order[np.searchsorted(ep_keys[ep_order], (owner << KEY_SHIFT) | as_at, side="right") - 1]
    first_ep = ep_order[np.searchsorted(ep_keys[ep_order], owner << KEY_SHIFT, side="left")]
    child = periods["child"][rows]
    age = age_in_years(kids["dob"][child], as_at)
    first_year = periods["start"][rows] > extract - 365
    late = rng.random(len(rows)) < params.ANNEX_A_CLA_VISIT_LATE
    allowed = np.where(first_year, 42, 91)
    back = np.where(late, allowed + 1 + rng.integers(0, 30, len(rows)), (rng.random(len(rows)) * allowed).astype(int))
    visit = np.maximum(as_at - back, periods["start"][rows])
    went_missing = rng.random(len(rows)) < np.where(age >= 11, params.ANNEX_A_MISSING_TEEN, params.ANNEX_A_MISSING_CHILD)
    missing = np.where(went_missing, 1 + rng.poisson(1.5, len(rows)), 0)
    offered = np.where(went_missing, rng.random(len(rows)) < params.ANNEX_A_RHI_OFFERED, None)
    accepted = np.where(went_missing & (offered == True), rng.random(len(rows)) < params.ANNEX_A_RHI_ACCEPTED,  # noqa: E712
                        None)
    inside = episodes["postcode"][at] < care.POSTCODES_PER_AREA
    reviews = sim["care_reviews"]
    return _rows(child, care_start_date=periods["start"][rows],
                 category_of_need=np.array(params.NEED_CODES, dtype=object)[episodes["cin"][first_ep]],
                 legal_status=np.array(care.LEGAL_STATUSES, dtype=object)[episodes["ls"][at]],
                 latest_review_date=_latest_before(reviews["ep"], reviews["date"], owner, extract),
                 last_visit_date=visit,
                 ceased_date=np.where(ceased, periods["end"][rows], NEVER),
                 reason_ceased=np.where(ceased, np.array(care.REC_CODES, dtype=object)[periods["rec"][rows]], None),
                 placement_start_date=episodes["decom"][at],
                 placement_type=np.array(places, dtype=object)[episodes["place"][at]],
                 placement_provider=np.array(care.PROVIDERS, dtype=object)[episodes["provider"][at]],
                 placement_location=np.where(inside, "In", "Out").astype(object),
                 missing_episodes=missing, rhi_offered=offered, rhi_accepted=accepted,
                 **_team_worker(who, child, as_at))


def _care_leavers(rng, sim, extract: int, who: _Allocation) -> dict:
    periods, kids = sim["periods"], sim["children"]
    child = periods["child"]
    dob = kids["dob"][child]
    left_at_16_plus = (periods["end"] <= extract) & (periods["end"] >= add_years(dob, 16))
    long_enough = periods["end"] - periods["start"] >= 91
    age_now = age_in_years(dob, np.full(len(dob), extract))
    rows = np.flatnonzero(left_at_16_plus & long_enough & (age_now >= 16) & (age_now <= 20))
    rows = rows[np.unique(child[rows], return_index=True)[1]]  # one row per young person
    n = len(rows)
    eligibility = np.where(age_now[rows] >= 18, "Former relevant child", "Relevant child").astype(object)
    in_touch = np.array(list(params.ANNEX_A_IN_TOUCH), dtype=object)[category(rng, n, params.ANNEX_A_IN_TOUCH)]
    review = extract - (rng.random(n) * params.ANNEX_A_PATHWAY_REVIEW_DAYS).astype(np.int64)
    activity = np.array(list(params.ANNEX_A_ACTIVITY), dtype=object)[category(rng, n, params.ANNEX_A_ACTIVITY)]
    return _rows(child[rows], eligibility=eligibility, in_touch=in_touch, pathway_plan_review_date=review,
                 personal_adviser=np.array([f"Personal Adviser {i % 12 + 1}" for i in range(n)], dtype=object),
                 latest_contact_date=extract - rng.integers(0, 60, n),
                 accommodation=np.where(rng.random(n) < 0.6, "U", "Y").astype(object),
                 accommodation_suitable=rng.random(n) < params.ANNEX_A_ACCOMMODATION_SUITABLE,
                 activity=activity, **_team_worker(who, child[rows], np.full(n, extract)))


# ------------------------------------------------------------------ Lists 10 and 11: adoption

def _adoption(sim, first: int, extract: int) -> dict:
    periods, episodes = sim["periods"], sim["care_episodes"]
    adopted_recs = [care.REC_INDEX["E11"], care.REC_INDEX["E12"]]
    placed = np.isin(episodes["place"], care.ADOPTION_PLACES)
    n_eps = len(sim["episodes"]["ref"])
    placed_first = _first_day(episodes["ep"][placed], episodes["decom"][placed], n_eps)[periods["ep"]]
    order_ep = episodes["ls"] == care.LEGAL_STATUSES.index("E1")
    order_first = _first_day(episodes["ep"][order_ep], episodes["decom"][order_ep], n_eps)[periods["ep"]]
    adopted = np.isin(periods["rec"], adopted_recs) & (periods["end"] >= extract - 365) & (periods["end"] <= extract)
    waiting = (placed_first <= extract) & (periods["end"] > extract)
    rows = np.flatnonzero(adopted | waiting)
    placement_order = order_first[rows]
    decision = np.where(placement_order < NEVER, placement_order - 70, NEVER)
    placed_day = placed_first[rows]
    return _rows(periods["child"][rows], family_id=periods["ep"][rows].astype(np.int64) + 5_000_000,
                 care_start_date=periods["start"][rows], decision_date=decision,
                 placement_order_date=placement_order,
                 matched_date=np.where(placed_day < NEVER, placed_day - 28, NEVER),
                 placed_date=placed_day,
                 adoption_order_date=np.where(adopted[rows], periods["end"][rows], NEVER))


def _first_day(owner: np.ndarray, day: np.ndarray, n: int) -> np.ndarray:
    first = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(first, owner, day)
    return first


def _adopters(rng, adoption: dict) -> dict:
    n = len(adoption["child"])
    placed = adoption["placed_date"]
    enquiry = np.where(placed < NEVER, placed - rng.integers(300, 700, n), NEVER)
    return {"adopter": adoption["family_id"] + 1_000_000, "family_id": adoption["family_id"],
            "sex": category(rng, n, params.SEX_WEIGHTS).astype(np.int64),
            "ethnicity": category(rng, n, params.ETHNICITY_WEIGHTS).astype(np.int64),
            "enquiry_date": enquiry, "approval_date": np.where(placed < NEVER, placed - 90, NEVER),
            "matched_date": adoption["matched_date"], "placed_date": placed,
            "children_placed": np.where(placed < NEVER, 1, 0), "adoption_order_date": adoption["adoption_order_date"]}


# ------------------------------------------------------------------ the workbook

def _date(day) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime.date objects; None for NEVER."""
    days = np.asarray(days).astype(np.int64)
    out = days.astype("datetime64[D]").astype(object)
    out[days >= NEVER] = None
    return out


def _columns(annex: AnnexList, rows: dict, people: _People, extract: dt.date) -> dict[str, np.ndarray]:
    """The list's values by staging column, as the reader should stage them."""
    n = len(rows["child"]) if "child" in rows else len(rows["adopter"])
    out: dict[str, np.ndarray] = {}
    if "child" in rows:
        child = rows["child"]
        out["child_id"] = np.array([f"{code:08d}" for code in people.code[child]], dtype=object)
        out["sex"] = np.array(SEXES, dtype=object)[people.sex[child]]
        out["ethnicity"] = np.array(ETHNICITIES, dtype=object)[people.ethnicity[child]]
        out["dob"] = _dates(people.dob[child])
        out["age"] = age_in_years(people.dob[child], np.full(n, (extract - dt.date(1970, 1, 1)).days)).astype(object)
        out["disability"] = people.disabled[child].astype(object)
    else:
        out["adopter_id"] = rows["adopter"].astype(str).astype(object)
        out["sex"] = np.array(SEXES, dtype=object)[rows["sex"]]
        out["ethnicity"] = np.array(ETHNICITIES, dtype=object)[rows["ethnicity"]]
        out["fostering_for_adoption"] = np.zeros(n, bool).astype(object)
    kinds = {c.name: c.kind for c in annex.columns}
    for name, values in rows.items():
        if name not in kinds or name in out:
            continue
        if kinds[name] == "date":
            out[name] = _dates(values)
        elif kinds[name] == "id":
            out[name] = np.asarray(values).astype(str).astype(object)
        else:
            out[name] = np.asarray(values, dtype=object)
    return out


def _write_workbook(path: Path, lists: dict, people: _People, extract: dt.date, variants: bool) -> None:
    cover = [["Ofsted Annex A extract (synthetic: no real child)"]]
    if not variants:  # with variants, each list's title rows carry the date instead
        cover.append(["Extract date", extract])
    sheets = [("Cover", cover)]
    for number in sorted(lists):
        cells = Cells(LIST_BY_NUMBER[number], variants)
        sheets.append((cells.sheet_name(), _sheet_rows(cells, _columns(cells.annex, lists[number], people, extract),
                                                       extract)))
    write_xlsx(path, sheets)


def _sheet_rows(cells: Cells, columns: dict[str, np.ndarray], extract: dt.date):
    yield from cells.title_rows(extract)
    yield cells.headers()
    n = len(next(iter(columns.values()))) if columns else 0
    values = [columns.get(c.name) for c in cells.annex.columns]
    for i in range(n):
        yield cells.row([None if v is None else v[i] for v in values], i)
        if cells.variants and i == 0:
            yield []  # a blank row inside the data, as hand-edited lists have
