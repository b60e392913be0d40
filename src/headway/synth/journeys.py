"""Referrals and everything that follows them: the children-in-need side of the model.

One referral opens one CIN episode (a CINdetails block in the CIN Census). When
a referral arrives its route is drawn, by the child's age (params.ROUTES):

    nfa           no further action: closed the day it arrived (ReferralNFA true)
    not_in_need   assessed, not in need: closed at authorisation (RC8, or RC9 early help;
                  RC7 after a section 47 enquiry)
    services      assessed in need, short services, no plan, then closed (RC7)
    cin_plan      assessed, CIN plan for some months, closed (RC7)
    cp            section 47 -> ICPC -> CP plan (reviews at 3 then 6 months, ends at a
                  review) -> usually a step-down CIN plan -> closed
    cp_then_care  as cp, but care proceedings end the plan and the child becomes looked after
    care          looked after straight from the front door (emergency protection,
                  section 20 accommodation, or proceedings)

Section 47 enquiries also happen on the assessed routes (some lead to an ICPC but
no plan). Dates are drawn in England working days where the statutory clock is in
working days (assessment 45, ICPC 15, first CLA review 20). Timeliness has a
seasonal pattern, month-to-month noise, a mild improving trend and team effects
(model.Model.lateness).

When an episode closes the child may be referred again (params.REREFERRAL_*), and
that referral runs the same way: the simulation proceeds in generations until no
child is re-referred before the extract date. Children are 0-17 throughout: an
episode still open the day before a child's 18th birthday closes that day.

Every date exists whether or not it is after the extract date; the writers show
each collection year only what was known at its 31 March.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from headway.synth import care, params
from headway.synth.children import draw_ages_in_days, new_children
from headway.synth.days import NEVER, day, month_of_year
from headway.synth.draws import (age_band, category, category_by_row, chance, chance_n,
                                 lognormal_days, uniform_days)
from headway.synth.frames import Frame, concat, take
from headway.synth.model import Model
from headway.synth.org import ASSESSMENT, SAFEGUARDING

NFA, NOT_IN_NEED, SERVICES, CIN_PLAN, CP, CP_THEN_CARE, CARE = range(len(params.ROUTES))
CLOSURE_REASONS = tuple(f"RC{i}" for i in range(1, 10))
RC1, RC2, RC3, RC4, RC5, RC6, RC7, RC8, RC9 = range(9)
CATEGORIES = tuple(params.CATEGORY_OF_ABUSE_WEIGHTS)
REFERRAL_SOURCES = tuple(params.REFERRAL_SOURCE_WEIGHTS)
ASSESSMENT_START_LAG_WD = [35, 30, 15, 8, 5, 3, 2, 1, 1]   # working days after referral
S47_START_LAG_WD = [50, 30, 10, 5, 3, 2]
FACTOR_COMBINATIONS = 600


def simulate(model: Model) -> dict:
    """Run every referral from the start of the history to the extract date.

    Returns children, episodes (one row per referral, sorted by child then
    referral date), cp_reviews, care periods, care_episodes and care_reviews.
    """
    kids, batch = _first_referrals(model)
    factor_sets = _factor_combinations(model.rng)
    cpp_count = kids["prior_cpp"].astype(np.int32)
    parts = {"episodes": [], "cp_reviews": [], "periods": [], "care_episodes": [], "care_reviews": []}
    next_id = 0
    while True:  # at least once, so that every table has its columns even if empty
        result, batch = _generation(model, kids, batch, cpp_count, next_id)
        next_id += len(result["episodes"]["child"])
        for name, frame in result.items():
            parts[name].append(frame)
        if len(batch["child"]) == 0:
            break
    out = {}
    for name in list(parts):  # one table at a time, freeing the parts: memory stays near 1x
        out[name] = concat(parts.pop(name))
    _sort_episodes(out)
    out["children"] = kids
    out["factor_sets"] = factor_sets
    return out


# ---------------------------------------------------------------- arrivals

def _first_referrals(model: Model) -> tuple[Frame, Frame]:
    """Children's first referrals: all routes over the history and collection years,
    and (further back) only those that led to care, which can still be open."""
    rng = model.rng
    early_days = _arrival_days(model, model.care_history_start, model.history_start - 1,
                               scale=params.CARE_HISTORY_SCALE)
    early_ages = draw_ages_in_days(rng, len(early_days))
    early_routes = _draw_routes(rng, early_ages // 365, rereferral=False)
    keep = np.isin(early_routes, (CP_THEN_CARE, CARE))
    days = np.concatenate([early_days[keep], _arrival_days(model, model.history_start, model.end)])
    ages = np.concatenate([early_ages[keep], draw_ages_in_days(rng, len(days) - keep.sum())])
    routes = np.concatenate([early_routes[keep], _draw_routes(rng, ages[keep.sum():] // 365, False)])
    kids = new_children(rng, days, ages, first_index=0)
    batch = {"child": np.arange(len(days), dtype=np.int32), "ref": days.astype(np.int32),
             "route": routes.astype(np.int8)}
    return kids, batch


def _arrival_days(model: Model, first: int, last: int, scale: float = 1.0) -> np.ndarray:
    """Days of first referrals: Poisson per day, scaled by population, season and
    whether it is a working day."""
    days = np.arange(first, last + 1, dtype=np.int64)
    if len(days) == 0:
        return days.astype(np.int32)
    working = np.where(model.wd.is_working_day(days), 1.0, params.NON_WORKING_DAY_FACTOR)
    season = np.array([0.0] + [params.REFERRAL_MONTH_FACTOR[m] for m in range(1, 13)])[month_of_year(days)]
    shape = working * season
    shape *= len(shape) / shape.sum()  # average day = 1
    dates = days.astype("datetime64[D]")
    calendar_year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    collection_year = calendar_year + (month_of_year(days) >= 4)
    populations = {y: model.population(int(y)) for y in np.unique(collection_year)}
    population = np.vectorize(populations.get)(collection_year)
    expected = scale * params.FIRST_REFERRAL_RATE / 365.25 * population * shape
    return np.repeat(days, model.rng.poisson(expected)).astype(np.int32)


def _draw_routes(rng, age_years: np.ndarray, rereferral: bool) -> np.ndarray:
    table = np.array(list(params.ROUTE_WEIGHTS_BY_AGE_BAND.values()), dtype=float)
    if rereferral:
        table[:, [CP, CP_THEN_CARE]] *= params.REREFERRAL_CP_FACTOR
    return category_by_row(rng, table, age_band(age_years, params.AGE_BANDS)).astype(np.int8)


# ---------------------------------------------------------------- one generation

def _generation(model: Model, kids: Frame, batch: Frame, cpp_count: np.ndarray, first_id: int):
    rng = model.rng
    n = len(batch["child"])
    child, ref, route = batch["child"], batch["ref"], batch["route"]
    e: Frame = {"id": np.arange(first_id, first_id + n, dtype=np.int64), "child": child,
                "ref": ref, "route": route}
    e["source"] = category(rng, n, params.REFERRAL_SOURCE_WEIGHTS).astype(np.int8)
    e["need"] = _draw_need(rng, route)
    locality = kids["locality"][child]
    cut = kids["last_day"][child]

    _assessment(model, e, locality)
    _section47(model, e, locality)
    cp_reviews = _protection(model, e, locality)
    _care_start(model, e)
    care_out = _care(model, e, kids, cut)
    _closure(model, e)
    cp_reviews = _clip_to_childhood(e, cut, cp_reviews)
    _closed_as_the_dfe_records_it(e)
    _previous_plans(e, cpp_count)
    next_batch = _rereferrals(model, e, kids)
    return {"episodes": e, "cp_reviews": cp_reviews, **care_out}, next_batch


def _never(n: int) -> np.ndarray:
    return np.full(n, NEVER, dtype=np.int32)


def _draw_need(rng, route: np.ndarray) -> np.ndarray:
    groups = {"nfa": [NFA], "not_in_need": [NOT_IN_NEED], "in_need": [SERVICES, CIN_PLAN],
              "protection": [CP], "care": [CP_THEN_CARE, CARE]}
    need = np.zeros(len(route), dtype=np.int8)
    for group, routes in groups.items():
        rows = np.flatnonzero(np.isin(route, routes))
        weights = params.NEED_WEIGHTS[group]
        drawn = category(rng, len(rows), weights)
        need[rows] = np.array([params.NEED_CODES.index(c) for c in weights], dtype=np.int8)[drawn]
    return need


def _assessment(model: Model, e: Frame, locality: np.ndarray) -> None:
    """Start a few working days after referral; authorised within 45 working days
    unless late (team, season and trend make it late)."""
    rng, n = model.rng, len(e["ref"])
    rows = np.flatnonzero(e["route"] != NFA)
    team = model.org.team_for(ASSESSMENT, locality[rows])
    start = model.wd.add(e["ref"][rows], category(rng, len(rows), ASSESSMENT_START_LAG_WD))
    late = chance(rng, model.lateness(params.ASSESSMENT_LATE_PROBABILITY, start, team))
    # on time: most take 3-9 weeks (England median 33 working days); late: 46+ days
    on_time = np.rint(45 * rng.beta(1.6, 1.0, len(rows))).astype(np.int64)
    late_days = 46 + rng.geometric(1 / 14, len(rows)) - 1
    duration = np.where(late, late_days, on_time)
    e["asmt_start"], e["asmt_auth"] = _never(n), _never(n)
    e["asmt_start"][rows] = start
    e["asmt_auth"][rows] = model.wd.add(start, duration)
    not_in_need = e["route"][rows] == NOT_IN_NEED
    e["factors"] = np.full(n, -1, dtype=np.int16)
    e["factors"][rows] = np.where(not_in_need & chance_n(rng, len(rows), params.NO_FACTORS_PROBABILITY_NOT_IN_NEED),
                                  0, rng.integers(1, FACTOR_COMBINATIONS, len(rows)))


def _section47(model: Model, e: Frame, locality: np.ndarray) -> None:
    """S47 enquiries start within days of referral; those leading to an ICPC hold it
    within 15 working days unless late; the rest conclude 'ICPC not required'."""
    rng, n, route = model.rng, len(e["ref"]), e["route"]
    p_s47 = np.array([params.S47_PROBABILITY[r] for r in params.ROUTES])[route]
    has_s47 = chance(rng, p_s47)
    protection = np.isin(route, (CP, CP_THEN_CARE))
    has_icpc = has_s47 & (protection | ((route == CIN_PLAN) & chance_n(rng, n, params.ICPC_WITHOUT_PLAN_PROBABILITY)))
    e["s47_start"], e["icpc_target"], e["icpc"], e["s47_end"] = (_never(n) for _ in range(4))
    rows = np.flatnonzero(has_s47)
    start = model.wd.add(e["ref"][rows], category(rng, len(rows), S47_START_LAG_WD))
    e["s47_start"][rows] = start
    e["icpc_target"][rows] = model.wd.add(start, np.full(len(rows), 15))

    rows = np.flatnonzero(has_icpc)
    team = model.org.team_for(ASSESSMENT, locality[rows])
    late = chance(rng, model.lateness(params.ICPC_LATE_PROBABILITY, e["s47_start"][rows], team))
    # on time: most ICPCs are close to the deadline (England median 14 working days)
    on_time = np.maximum(15 - np.floor(rng.exponential(2.3, len(rows))), 3).astype(np.int64)
    late_days = 16 + rng.geometric(1 / 5, len(rows)) - 1
    e["icpc"][rows] = model.wd.add(e["s47_start"][rows], np.where(late, late_days, on_time))
    e["s47_end"][rows] = e["icpc"][rows]

    rows = np.flatnonzero(has_s47 & ~has_icpc)
    e["s47_end"][rows] = model.wd.add(e["s47_start"][rows], uniform_days(rng, len(rows), 3, 15))
    e["icpc_not_required"] = np.zeros(n, dtype=bool)
    e["icpc_not_required"][rows] = chance_n(rng, len(rows), 0.93)


def _protection(model: Model, e: Frame, locality: np.ndarray) -> Frame:
    """CP plans start at the ICPC; review conferences at 3 months then 6-monthly;
    a plan ends at a review (or before the first), or when the child comes into care."""
    rng, n, route = model.rng, len(e["ref"]), e["route"]
    e["cp_start"], e["cp_end"], e["care_start"] = _never(n), _never(n), _never(n)
    e["cat_initial"] = np.full(n, -1, dtype=np.int8)
    e["cat_latest"] = np.full(n, -1, dtype=np.int8)
    rows = np.flatnonzero(np.isin(route, (CP, CP_THEN_CARE)))
    start = e["icpc"][rows]
    e["cp_start"][rows] = start
    initial = category(rng, len(rows), params.CATEGORY_OF_ABUSE_WEIGHTS).astype(np.int8)
    changed = chance_n(rng, len(rows), params.CATEGORY_CHANGES_PROBABILITY)
    latest = np.where(changed, category(rng, len(rows), params.CATEGORY_OF_ABUSE_WEIGHTS), initial)
    e["cat_initial"][rows], e["cat_latest"][rows] = initial, latest.astype(np.int8)

    to_care = route[rows] == CP_THEN_CARE
    care_start = start + uniform_days(rng, len(rows), *params.CP_TO_CARE_DAYS)
    reviews_wanted = np.where(to_care, 99, category(rng, len(rows), params.CP_REVIEWS_BEFORE_END))
    stop_before = np.where(to_care, care_start, NEVER)
    team = model.org.team_for(SAFEGUARDING, locality[rows])
    review_rows, review_dates, last_review = _review_schedule(model, start, reviews_wanted, stop_before, team)
    early_end = start + uniform_days(rng, len(rows), 15, 85)
    end = np.where(to_care, care_start, np.where(reviews_wanted == 0, early_end, last_review))
    e["cp_end"][rows] = end
    e["care_start"][rows[to_care]] = care_start[to_care]
    return {"ep": e["id"][rows][review_rows], "date": review_dates}


def _review_schedule(model: Model, start, wanted, stop_before, team):
    """CP review conferences: first within 3 months of the ICPC, then within 6 months
    of the last (a few late). Returns (plan row, date) of each review and the date
    of each plan's last review."""
    rng = model.rng
    rows_out, dates_out = [], []
    current = start.astype(np.int64).copy()
    last = np.full(len(start), NEVER, dtype=np.int64)
    active = np.flatnonzero(wanted > 0)
    number = 1
    while len(active):
        late = chance(rng, model.lateness(params.CP_REVIEW_LATE_PROBABILITY, current[active], team[active]))
        if number == 1:
            gap = np.where(late, uniform_days(rng, len(active), 93, 125), uniform_days(rng, len(active), 62, 91))
        else:
            gap = np.where(late, uniform_days(rng, len(active), 184, 230), uniform_days(rng, len(active), 150, 182))
        date = current[active] + gap
        held = date < stop_before[active]
        active = active[held]
        date = date[held]
        rows_out.append(active)
        dates_out.append(date)
        current[active] = date
        last[active] = date
        active = active[wanted[active] > number]
        number += 1
    rows = np.concatenate(rows_out) if rows_out else np.zeros(0, np.int64)
    dates = np.concatenate(dates_out).astype(np.int32) if dates_out else np.zeros(0, np.int32)
    return rows, dates, last


def _care_start(model: Model, e: Frame) -> None:
    """Direct route into care: emergency (police protection / EPO, usually the day
    the S47 starts), section 20 accommodation within weeks, or after proceedings."""
    rng = model.rng
    rows = np.flatnonzero(e["route"] == CARE)
    kind = category(rng, len(rows), params.CARE_ENTRY_WEIGHTS)
    ref = e["ref"][rows].astype(np.int64)
    s47 = e["s47_start"][rows]
    emergency = np.where(s47 < NEVER, s47, ref + uniform_days(rng, len(rows), 0, 2))
    s20 = ref + uniform_days(rng, len(rows), 3, 60)
    proceedings = ref + uniform_days(rng, len(rows), 30, 200)
    e["care_start"][rows] = np.choose(kind, [emergency, s20, proceedings])
    e["care_entry"] = np.full(len(e["ref"]), -1, dtype=np.int8)
    e["care_entry"][rows] = kind
    e["care_entry"][e["route"] == CP_THEN_CARE] = care.FROM_CP


def _care(model: Model, e: Frame, kids: Frame, cut: np.ndarray) -> dict:
    """Periods of care for the episodes that reach one before the child is 18."""
    n = len(e["ref"])
    e["care_end"] = _never(n)
    e["care_exit"] = np.full(n, -1, dtype=np.int8)
    too_late = (e["care_start"] < NEVER) & (e["care_start"] >= cut)
    e["care_start"][too_late] = NEVER
    rows = np.flatnonzero(e["care_start"] < NEVER)
    child = e["child"][rows]
    periods = care.simulate_periods(
        model, ep=e["id"][rows], child=child, start=e["care_start"][rows], dob=kids["dob"][child],
        cut=cut[rows], entry=e["care_entry"][rows], need=e["need"][rows], locality=kids["locality"][child],
        sex=kids["sex"][child])
    e["care_end"][rows] = periods["periods"]["end"]
    e["care_exit"][rows] = periods["periods"]["exit"]
    return periods


def _closure(model: Model, e: Frame) -> None:
    """When and why each episode closes, and the CIN plans on the way."""
    rng, n, route = model.rng, len(e["ref"]), e["route"]
    assessed_by = np.where(e["s47_end"] < NEVER, np.maximum(e["asmt_auth"], e["s47_end"]), e["asmt_auth"])
    assessed_by = np.where(route == NFA, e["ref"], assessed_by).astype(np.int64)
    close = np.full(n, NEVER, dtype=np.int64)
    reason = np.full(n, RC7, dtype=np.int8)
    for name in ("plan1_start", "plan1_end", "plan2_start", "plan2_end"):
        e[name] = _never(n)

    close[route == NFA] = e["ref"][route == NFA]
    reason[route == NFA] = RC8

    rows = np.flatnonzero(route == NOT_IN_NEED)
    close[rows] = assessed_by[rows]
    early_help_era = assessed_by[rows] >= day(dt.date(*params.EARLY_HELP_CLOSURE_FROM))
    to_early_help = early_help_era & chance_n(rng, len(rows), params.EARLY_HELP_CLOSURE_PROBABILITY)
    reason[rows] = np.where(to_early_help, RC9, RC8)

    rows = np.flatnonzero(route == SERVICES)
    close[rows] = assessed_by[rows] + lognormal_days(rng, len(rows), params.SERVICES_DAYS)

    rows = np.flatnonzero(route == CIN_PLAN)
    start = model.wd.add(assessed_by[rows], uniform_days(rng, len(rows), 0, 8))
    end = start + lognormal_days(rng, len(rows), params.CIN_PLAN_DAYS, sigma=0.6)
    e["plan1_start"][rows], e["plan1_end"][rows] = start, end
    close[rows] = end + uniform_days(rng, len(rows), 0, 14)

    rows = np.flatnonzero((route == CP) & (e["cp_end"] < NEVER))
    close[rows] = _after(rng, e, rows, e["cp_end"][rows], params.STEP_DOWN_PLAN_PROBABILITY_AFTER_CP, 21)

    in_care = np.flatnonzero(e["care_end"] < NEVER)
    _close_after_care(rng, e, in_care, close, reason)

    # routes to care that never reached care (the child turned 18 first)
    missed = np.flatnonzero(np.isin(route, (CP_THEN_CARE, CARE)) & (e["care_start"] >= NEVER))
    close[missed] = assessed_by[missed] + uniform_days(rng, len(missed), 0, 30)
    e["cp_end"][missed] = np.where(e["cp_start"][missed] < NEVER, close[missed], NEVER)

    e["close"] = np.maximum(close, assessed_by).astype(np.int32)
    e["close_reason"] = reason


def _after(rng, e: Frame, rows: np.ndarray, from_day: np.ndarray, p_step_down: float, max_gap: int):
    """Close after a plan or a period of care, through a step-down CIN plan for some."""
    step_down = chance_n(rng, len(rows), p_step_down)
    plan_end = from_day + lognormal_days(rng, len(rows), params.STEP_DOWN_PLAN_DAYS, sigma=0.6)
    e["plan2_start"][rows[step_down]] = from_day[step_down]
    e["plan2_end"][rows[step_down]] = plan_end[step_down]
    gap = uniform_days(rng, len(rows), 0, max_gap)
    return np.where(step_down, plan_end + gap // 2, from_day + gap)


def _close_after_care(rng, e: Frame, rows: np.ndarray, close: np.ndarray, reason: np.ndarray) -> None:
    end = e["care_end"][rows].astype(np.int64)
    exit_ = e["care_exit"][rows]
    close[rows] = end
    by_exit = {care.ADOPTED: RC1, care.SGO: RC4, care.CAO: RC3, care.TRANSFERRED: RC5}
    for exit_group, rc in by_exit.items():
        reason[rows[exit_ == exit_group]] = rc
    at18 = rows[exit_ == care.AT_18]
    reason[at18] = np.where(chance_n(rng, len(at18), 0.3), RC6, RC7)
    home = exit_ == care.HOME
    close[rows[home]] = _after(rng, e, rows[home], end[home], params.STEP_DOWN_PLAN_PROBABILITY_AFTER_CARE, 30)
    other = exit_ == care.OTHER
    close[rows[other]] = end[other] + uniform_days(rng, other.sum(), 0, 30)


def _clip_to_childhood(e: Frame, cut: np.ndarray, cp_reviews: Frame) -> Frame:
    """Nothing happens after the day before a child's 18th birthday, or after the
    episode closes: blocks that would start later are dropped, ends are cut back."""
    close = np.minimum(e["close"], cut)
    e["close"] = close
    for start, end in (("asmt_start", "asmt_auth"), ("s47_start", "s47_end"), ("cp_start", "cp_end"),
                       ("plan1_start", "plan1_end"), ("plan2_start", "plan2_end")):
        dropped = e[start] > close
        e[start][dropped] = NEVER
        e[end][dropped] = NEVER
        e[end] = np.where((e[end] > close) & (e[end] < NEVER), close, e[end]).astype(np.int32)
    for name in ("icpc", "icpc_target"):
        e[name][e["s47_start"] >= NEVER] = NEVER
    e["icpc"] = np.where(e["icpc"] > e["s47_end"], NEVER, e["icpc"]).astype(np.int32)
    e["cat_initial"][e["cp_start"] >= NEVER] = -1
    # reviews: only while the plan is open
    position = np.searchsorted(e["id"], cp_reviews["ep"])
    keep = cp_reviews["date"] <= e["cp_end"][position]
    return take(cp_reviews, keep)


def _closed_as_the_dfe_records_it(e: Frame) -> None:
    """RC8 and RC9 mean closed after assessment with nothing more: an episode that
    had a section 47 enquiry closes RC7 instead (CIN rule 2990). A closed episode's
    enquiries are over: one that led to no ICPC says so, ICPC not required (rule 8868)."""
    s47 = e["s47_start"] < NEVER
    e["close_reason"][np.isin(e["close_reason"], (RC8, RC9)) & s47] = RC7
    e["icpc_not_required"] |= s47 & (e["icpc"] >= NEVER) & (e["close"] < NEVER)


def _previous_plans(e: Frame, cpp_count: np.ndarray) -> None:
    """NumberOfPreviousCPP: the child's earlier plans (each child is at most once in
    a generation, so the running count per child is exact)."""
    has_plan = e["cp_start"] < NEVER
    e["previous_cpp"] = np.where(has_plan, cpp_count[e["child"]], 0).astype(np.int16)
    np.add.at(cpp_count, e["child"][has_plan], 1)


def _rereferrals(model: Model, e: Frame, kids: Frame) -> Frame:
    rng, n = model.rng, len(e["ref"])
    p = np.array([params.REREFERRAL_PROBABILITY[r] for r in params.ROUTES])[e["route"]]
    p[e["close_reason"] == RC1] = 0.0  # adopted: a new family, a new case
    again = chance(rng, p)
    soon = chance_n(rng, n, params.REREFERRAL_SOON_SHARE)
    gap = np.where(soon, 1 + rng.exponential(params.REREFERRAL_SOON_MEAN_DAYS, n).astype(np.int64),
                   uniform_days(rng, n, *params.REREFERRAL_LATER_DAYS))
    new_ref = e["close"].astype(np.int64) + gap
    latest = np.minimum(kids["last_day"][e["child"]].astype(np.int64) - 60, model.end)
    rows = np.flatnonzero(again & (new_ref <= latest))
    child = e["child"][rows]
    ages = (new_ref[rows] - kids["dob"][child]) // 365
    return {"child": child, "ref": new_ref[rows].astype(np.int32),
            "route": _draw_routes(rng, ages, rereferral=True)}


def _factor_combinations(rng) -> list[list[str]]:
    """A fixed menu of factor sets (entry 0 = '21', no factors identified)."""
    codes = list(params.ASSESSMENT_FACTOR_WEIGHTS)
    p = np.array(list(params.ASSESSMENT_FACTOR_WEIGHTS.values()), dtype=float)
    sets = [["21"]]
    for size in rng.choice([1, 2, 3, 4], size=FACTOR_COMBINATIONS - 1, p=[0.35, 0.35, 0.2, 0.1]):
        picked = rng.choice(len(codes), size=size, replace=False, p=p / p.sum())
        sets.append([codes[i] for i in sorted(picked)])
    return sets


def _sort_episodes(out: dict) -> None:
    """Episodes in child order then referral date; other tables re-pointed at them."""
    e = out["episodes"]
    order = np.lexsort((e["ref"], e["child"]))
    new_position = np.empty(len(order), dtype=np.int64)
    new_position[e["id"][order]] = np.arange(len(order))
    for name in e:  # column by column, so only one column is ever copied at once
        e[name] = e[name][order]
    e["id"] = np.arange(len(order), dtype=np.int64)
    for name in ("cp_reviews", "periods", "care_episodes", "care_reviews"):
        frame = out[name]
        if frame:
            frame["ep"] = new_position[frame["ep"]]
