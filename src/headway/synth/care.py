"""Periods of care, as the SSDA903 return records them.

A period starts on the day a child becomes looked after (RNE S) and is cut into
episodes whenever the legal status or the placement changes (903 rules,
measures.md section 2): RNE L (legal status only), P (new carers), T (same carers,
e.g. foster care becoming long-term), B / U (both at once). Each episode ends with
REC X1 except the last, which ends with the reason the child left care.

How the period ends is drawn first, by age at entry (params.CARE_EXIT_WEIGHTS_BY_AGE_BAND):
adoption (placement order E1, placed for adoption A5/A6, adopted E11/E12), special
guardianship (E45-E48), child arrangements order (E41), home (E4A/E4B/E13),
transfer (E3) or other, or a long stay that usually lasts to 18 (E17/E5/E6/E8 the
day before the 18th birthday). Legal status moves along C1 -> C2 (or E1), L1/L2 ->
C1/V2, V2 -> C1 for some; remands are J1 and end E14. Placement moves follow a
Poisson process (more in the first year and for teenagers) scaled by a per-child
instability, so a few children move often. Reviews: first within 20 working days,
second within 3 months, then every 6 months (a few late).
"""

from __future__ import annotations

import numpy as np

from headway.synth import params
from headway.synth.days import NEVER, age_in_years
from headway.synth.draws import age_band, category, category_by_row, chance, chance_n, lognormal_days, uniform_days
from headway.synth.frames import Frame, forward_fill_index
from headway.synth.org import CHILDREN_IN_CARE

EMERGENCY, S20, PROCEEDINGS, FROM_CP, REMAND = range(5)
ADOPTED, SGO, CAO, HOME, OTHER, TRANSFERRED, AT_18, REMAND_ENDED = range(8)

LEGAL_STATUSES = ("C1", "C2", "E1", "V2", "L1", "L2", "J1")
C1, C2, E1, V2, L1, L2, J1 = range(len(LEGAL_STATUSES))
PLACES = ("U1", "U2", "U3", "U4", "U5", "U6", "K1", "K2", "K3", "H5", "R1", "R3", "S1", "P1", "A5", "A6")
PLACE_INDEX = {p: i for i, p in enumerate(PLACES)}
ADOPTION_PLACES = (PLACE_INDEX["A5"], PLACE_INDEX["A6"])
PROVIDERS = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
RNE_CODES = ("S", "L", "P", "T", "B", "U")
RNE_S, RNE_L, RNE_P, RNE_T, RNE_B, RNE_U = range(6)
REC_CODES = ("X1", "E11", "E12", "E41", "E45", "E46", "E47", "E48", "E4A", "E4B", "E13", "E8",
             "E3", "E16", "E9", "E17", "E5", "E6", "E14")
REC_INDEX = {c: i for i, c in enumerate(REC_CODES)}
REASON_CODES = tuple(params.PLACEMENT_CHANGE_REASON_WEIGHTS)
REVIEW_CODES = ("PN0",) + tuple(params.REVIEW_PARTICIPATION_WEIGHTS)

REC_WEIGHTS_BY_EXIT = {
    ADOPTED: {"E11": 85, "E12": 15},
    SGO: {"E45": 30, "E46": 15, "E47": 40, "E48": 15},
    CAO: {"E41": 1},
    HOME: {"E4A": 75, "E4B": 5, "E13": 20},
    OTHER: {"E8": 75, "E9": 15, "E16": 10},
    TRANSFERRED: {"E3": 1},
    # not E17 (stayed with carers at 18): these periods end the day before the 18th birthday
    AT_18: {"E4A": 10, "E5": 45, "E6": 5, "E8": 40},
    REMAND_ENDED: {"E14": 1},
}
PROVIDER_WEIGHTS = {  # by placement: PR0..PR5
    "kinship": [0, 92, 8, 0, 0, 0], "foster": [0, 58, 0, 0, 32, 10], "K1": [0, 30, 70, 0, 0, 0],
    "K2": [0, 20, 0, 0, 75, 5], "supported": [0, 15, 0, 0, 70, 15], "R1": [0, 0, 0, 0, 80, 20],
    "R3": [0, 0, 0, 40, 60, 0], "S1": [0, 0, 0, 0, 60, 40], "P1": [1, 0, 0, 0, 0, 0],
    "adoption": [0, 60, 0, 0, 0, 40],
}
PLACE_PROVIDER_GROUP = {"U1": "kinship", "U2": "kinship", "U3": "kinship", "U4": "foster", "U5": "foster",
                        "U6": "foster", "K1": "K1", "K2": "K2", "K3": "supported", "H5": "supported",
                        "R1": "R1", "R3": "R3", "S1": "S1", "P1": "P1", "A5": "adoption", "A6": "adoption"}
LONG_TERM_WITH_SAME_CARER = {"U3": "U1", "U2": "U1", "U6": "U4", "U5": "U4"}
# Supported accommodation is K3 in the 903 from 2024/25 (csc-validator-be-903's
# 2024/25 rules 221 and 371 name K3 where its 2023/24 ones name H5; H5 goes in
# 2025/26). The simulation draws K3; each year's file writes the code of its year.
K3_FROM_COLLECTION_YEAR = 2025
POSTCODES_PER_AREA = 36_000

START, LEGAL, MOVE, SAME_CARER, ADOPTION_SAME, ADOPTION_MOVE = range(6)


def simulate_periods(model, ep, child, start, dob, cut, entry, need, locality, sex) -> dict:
    """Periods of care starting on `start` (one per episode id `ep`); returns frames
    periods, care_episodes and care_reviews."""
    rng = model.rng
    n = len(ep)
    start = start.astype(np.int64)
    age = age_in_years(dob, start)
    entry = entry.copy()
    entry[(entry != FROM_CP) & (age >= 12) & chance_n(rng, n, params.REMAND_PROBABILITY_12_PLUS)] = REMAND

    end, exit_ = _ends(rng, start, age, cut, entry)
    ls_events, e1_day = _legal_statuses(rng, start, end, age, entry, exit_)
    adoption_day = _adoption_placement(rng, start, end, e1_day, exit_)
    end = np.where(adoption_day < NEVER, np.maximum(end, adoption_day + 90), end)
    end = np.minimum(end, cut)  # adopted children are young; this never bites, but keeps the rule
    rec = _recs(rng, exit_, age)

    events = _events(rng, start, end, age, entry, ls_events, adoption_day)
    episodes = _episodes(rng, events, end, rec)
    episodes.update(ep=ep[episodes["period"]], child=child[episodes["period"]],
                    cin=_cin_code(need)[episodes["period"]])
    reviews = _reviews(model, start, end, dob, locality)
    reviews.update(ep=ep[reviews["period"]], child=child[reviews["period"]])
    periods = {"ep": ep, "child": child, "start": start.astype(np.int32), "end": end.astype(np.int32),
               "exit": exit_.astype(np.int8), "rec": rec}
    return {"periods": periods, "care_episodes": episodes, "care_reviews": reviews}


def _ends(rng, start, age, cut, entry):
    """How and when each period ends (capped at the day before the 18th birthday)."""
    n = len(start)
    table = np.array(list(params.CARE_EXIT_WEIGHTS_BY_AGE_BAND.values()), dtype=float)
    kind = category_by_row(rng, table, age_band(age, params.AGE_BANDS))
    names = params.CARE_EXITS
    duration = np.zeros(n, dtype=np.int64)
    for k, name in enumerate(names):
        rows = kind == k
        if name in params.CARE_DAYS:
            duration[rows] = uniform_days(rng, rows.sum(), *params.CARE_DAYS[name])
        elif name == "home":
            duration[rows] = lognormal_days(rng, rows.sum(), params.CARE_HOME_DAYS, sigma=1.1)
        else:  # long stay: usually to 18; some leave early for home, SGO or elsewhere
            duration[rows] = (rng.exponential(params.CARE_LONG_STAY_MEAN_YEARS * 365.25, rows.sum())).astype(np.int64) + 30
    exit_ = np.select([kind == names.index(x) for x in ("adopt", "sgo", "cao", "home", "other")],
                      [ADOPTED, SGO, CAO, HOME, OTHER], default=HOME)
    long_stay = kind == names.index("long")
    exit_[long_stay] = np.array([HOME, SGO, OTHER])[category(rng, long_stay.sum(), [4, 3, 3])]
    transferred = (exit_ == OTHER) & chance_n(rng, n, 0.35)
    exit_[transferred] = TRANSFERRED
    remand = entry == REMAND
    duration[remand] = uniform_days(rng, remand.sum(), 7, 120)
    exit_[remand] = REMAND_ENDED
    end = start + duration
    reaches_18 = end >= cut
    end[reaches_18] = cut[reaches_18]
    exit_[reaches_18] = AT_18
    return end, exit_


def _legal_statuses(rng, start, end, age, entry, exit_):
    """Changes of legal status after the first: a list of (period, day, status) and
    the day of each period's placement order (E1), NEVER if none."""
    n = len(start)
    first = np.select(
        [entry == EMERGENCY, entry == S20, entry == REMAND],
        [np.where(chance_n(rng, n, 0.6), L1, L2), np.full(n, V2), np.full(n, J1)],
        default=np.where(chance_n(rng, n, 0.85), C1, V2))
    adopt = exit_ == ADOPTED
    e1_target = start + (rng.uniform(0.3, 0.45, n) * (end - start)).astype(np.int64)
    current, when = first.copy(), start.copy()
    periods, days, statuses = [], [], []
    e1_day = np.full(n, NEVER, dtype=np.int64)
    for _ in range(3):
        nxt = np.full(n, -1)
        at = np.full(n, NEVER, dtype=np.int64)
        emergency = np.isin(current, (L1, L2))
        nxt[emergency] = np.where(chance_n(rng, emergency.sum(), 0.55), C1, V2)
        wait = uniform_days(rng, emergency.sum(), 1, 8)
        # police protection (L1) lasts at most 72 hours; an emergency protection order up to 8 days
        at[emergency] = when[emergency] + np.where(current[emergency] == L1, 1 + (wait - 1) % 3, wait)
        to_e1 = adopt & np.isin(current, (C1, V2))
        nxt[to_e1] = E1
        at[to_e1] = np.maximum(e1_target[to_e1], when[to_e1] + 30)
        to_c2 = ~adopt & (current == C1)
        nxt[to_c2] = C2
        at[to_c2] = when[to_c2] + uniform_days(rng, to_c2.sum(), 180, 380)
        to_c1 = ~adopt & (current == V2) & (age < 16) & chance_n(rng, n, params.S20_TO_CARE_ORDER_PROBABILITY)
        nxt[to_c1] = C1
        at[to_c1] = when[to_c1] + uniform_days(rng, to_c1.sum(), 60, 300)
        happens = (nxt >= 0) & (at < end)
        rows = np.flatnonzero(happens)
        periods.append(rows)
        days.append(at[rows])
        statuses.append(nxt[rows])
        e1_day[rows[nxt[rows] == E1]] = at[rows[nxt[rows] == E1]]
        current[rows], when[rows] = nxt[rows], at[rows]
    changes = {"period": np.concatenate(periods), "day": np.concatenate(days),
               "status": np.concatenate(statuses), "first": first}
    return changes, e1_day


def _adoption_placement(rng, start, end, e1_day, exit_):
    """Placed for adoption some months after the placement order."""
    n = len(start)
    planned = start + (rng.uniform(0.55, 0.75, n) * (end - start)).astype(np.int64)
    placed = np.maximum(planned, e1_day + uniform_days(rng, n, 20, 120))
    return np.where((exit_ == ADOPTED) & (e1_day < NEVER), placed, NEVER)


def _recs(rng, exit_, age):
    rec = np.zeros(len(exit_), dtype=np.int8)
    for group, weights in REC_WEIGHTS_BY_EXIT.items():
        rows = np.flatnonzero(exit_ == group)
        codes = np.array([REC_INDEX[c] for c in weights], dtype=np.int8)
        rec[rows] = codes[category(rng, len(rows), weights)]
    young_other = (exit_ == OTHER) & (age < 12) & (rec == REC_INDEX["E9"])
    rec[young_other] = REC_INDEX["E8"]  # no custodial sentences for young children
    return rec


def _cin_code(need: np.ndarray) -> np.ndarray:
    """903 CIN (category of need) N1-N8 as an index into params.NEED_CODES."""
    return np.where(np.isin(need, (0, 9)), 1, need).astype(np.int8)


# ---------------------------------------------------------------- events -> episodes

def _events(rng, start, end, age, entry, ls, adoption_day) -> Frame:
    """Every change in a period as one row: start, legal status, move, same-carer change."""
    n = len(start)
    band = age_band(age, params.AGE_BANDS)
    limit = np.where(adoption_day < NEVER, adoption_day, end)  # no moves once placed for adoption
    span = np.maximum(limit - start, 0)
    first_year = np.minimum(span, 365)
    later = span - first_year
    rate = (params.PLACEMENT_MOVES_FIRST_YEAR * first_year + params.PLACEMENT_MOVES_LATER_YEARS * later) / 365
    rate *= np.where(age >= 10, params.PLACEMENT_MOVES_TEEN_FACTOR, 1.0)
    shape = params.PLACEMENT_INSTABILITY_SHAPE
    rate *= rng.gamma(shape, 1 / shape, n)
    moves = np.where(span > 2, np.minimum(rng.poisson(rate), 15), 0)
    move_period = np.repeat(np.arange(n), moves)
    move_day = start[move_period] + 1 + (rng.random(len(move_period)) * (span[move_period] - 1)).astype(np.int64)

    long_enough = (end - start >= 365) & (adoption_day >= NEVER)
    converts = np.flatnonzero(long_enough & chance_n(rng, n, params.SAME_CARER_LONG_TERM_PROBABILITY))
    convert_day = start[converts] + uniform_days(rng, len(converts), 180, 540)
    adopters = np.flatnonzero(adoption_day < NEVER)
    with_foster_carer = chance_n(rng, len(adopters), 0.25)

    parts = [
        (np.arange(n), start, START, ls["first"], _draw_places(rng, band)),
        (ls["period"], ls["day"], LEGAL, ls["status"], np.full(len(ls["period"]), -1)),
        (move_period, move_day, MOVE, np.full(len(move_period), -1), _draw_places(rng, band[move_period])),
        (converts, convert_day, SAME_CARER, np.full(len(converts), -1), np.full(len(converts), -1)),
        (adopters, adoption_day[adopters], np.where(with_foster_carer, ADOPTION_SAME, ADOPTION_MOVE),
         np.full(len(adopters), -1), np.where(with_foster_carer, PLACE_INDEX["A5"], PLACE_INDEX["A6"])),
    ]
    period = np.concatenate([p[0] for p in parts]).astype(np.int64)
    when = np.concatenate([p[1] for p in parts]).astype(np.int64)
    kind = np.concatenate([np.broadcast_to(p[2], len(p[0])) for p in parts]).astype(np.int8)
    status = np.concatenate([p[3] for p in parts]).astype(np.int8)
    place = np.concatenate([p[4] for p in parts]).astype(np.int8)
    keep = (kind == START) | (when < end[period])
    order = np.lexsort((kind[keep], when[keep], period[keep]))
    events = {"period": period[keep][order], "day": when[keep][order], "kind": kind[keep][order],
              "status": status[keep][order], "place": place[keep][order]}
    _resolve_same_carer(events)
    _no_parents_under_section_20(events)
    _adopted_by_foster_carers_only_from_foster_care(events)
    _carers(rng, events)
    return events


def _no_parents_under_section_20(events: Frame) -> None:
    """A child accommodated under section 20 (V2) is not placed with parents (P1 needs
    a care order, DfE rule 378): those carers are foster carers (U6) instead."""
    place = events["place"]
    carer_event = forward_fill_index(place >= 0)
    status = events["status"][forward_fill_index(events["status"] >= 0)]
    with_parents_under_s20 = (place[carer_event] == PLACE_INDEX["P1"]) & (status == V2)
    place[carer_event[with_parents_under_s20]] = PLACE_INDEX["U6"]


def _adopted_by_foster_carers_only_from_foster_care(events: Frame) -> None:
    """Placed for adoption with the current carers (A5) only from a foster placement;
    from any other (a mother and baby unit, a children's home) it is a move to the
    adopters (A6), with their own provider (DfE rule 529)."""
    place, kind = events["place"], events["kind"]
    current = place[forward_fill_index(place >= 0)]
    before = np.r_[np.int8(-1), current[:-1]]
    not_from_foster_care = (kind == ADOPTION_SAME) & ~np.isin(before, FOSTER_PLACES)
    kind[not_from_foster_care] = ADOPTION_MOVE
    place[not_from_foster_care] = PLACE_INDEX["A6"]


def _draw_places(rng, band):
    names = list(params.PLACEMENT_WEIGHTS_BY_AGE_BAND)
    table = np.zeros((len(names), len(PLACES)))
    for b, name in enumerate(names):
        for code, weight in params.PLACEMENT_WEIGHTS_BY_AGE_BAND[name].items():
            table[b, PLACE_INDEX[code]] = weight
    return category_by_row(rng, table, band).astype(np.int8)


def place_codes(year: int) -> tuple[str, ...]:
    """PLACES as the collection year writes them: supported accommodation is H5
    before 2024/25 (an episode open across 1 April 2024 is recoded, which the
    validator's rule 503D allows in 2024/25)."""
    if year >= K3_FROM_COLLECTION_YEAR:
        return PLACES
    return tuple("H5" if code == "K3" else code for code in PLACES)


def _resolve_same_carer(events: Frame) -> None:
    """A same-carer change turns the current short-term foster placement into its
    long-term code; where the child is not in such a placement it is dropped."""
    place = events["place"]
    before = place[forward_fill_index(place >= 0)]
    mapping = np.full(len(PLACES), -1, dtype=np.int8)
    for short, long_term in LONG_TERM_WITH_SAME_CARER.items():
        mapping[PLACE_INDEX[short]] = PLACE_INDEX[long_term]
    same = events["kind"] == SAME_CARER
    place[same] = mapping[before[same]]
    keep = ~same | (place >= 0)
    for name in events:
        events[name] = events[name][keep]


def _carers(rng, events: Frame) -> None:
    """Provider, URN and postcode belong to the carers: new with each move, kept on
    a same-carer change and when only the legal status changes."""
    place = events["place"]
    kind = events["kind"]
    new_carer = np.isin(kind, (START, MOVE, ADOPTION_MOVE))
    m = len(place)
    groups = np.array([list(PROVIDER_WEIGHTS).index(PLACE_PROVIDER_GROUP[p]) for p in PLACES])
    table = np.array(list(PROVIDER_WEIGHTS.values()), dtype=float)
    provider = category_by_row(rng, table, groups[np.maximum(place, 0)]).astype(np.int8)
    has_urn = np.isin(place, [PLACE_INDEX[p] for p in params.PLACES_WITH_URN])
    urn = np.where(has_urn, rng.integers(100_000, 1_000_000, m), 0)
    group = np.array([PLACE_PROVIDER_GROUP[p] for p in PLACES])[np.maximum(place, 0)]
    in_area_p = np.select([np.isin(group, ("kinship", "foster", "adoption")), np.isin(group, ("K1", "K2", "supported", "R1", "S1"))],
                          [params.PLACED_IN_AREA_PROBABILITY["foster"], params.PLACED_IN_AREA_PROBABILITY["residential"]],
                          params.PLACED_IN_AREA_PROBABILITY["other"])
    in_area_p = np.where(_always_in_area(place, provider), 1.0, in_area_p)
    postcode = np.where(chance(rng, in_area_p), 0, POSTCODES_PER_AREA) + rng.integers(0, POSTCODES_PER_AREA, m)
    source = forward_fill_index(new_carer)
    events["provider"] = provider[source]
    events["urn"] = urn[source].astype(np.int32)
    events["postcode"] = postcode[source].astype(np.int32)


# Own provision (PR1) other than foster and adoptive placements is in the council's
# own area (DfE rule 1015; its 2025/26 version exempts K3 too, earlier ones do not);
# a child placed with parents (P1) is at home.
OWN_PROVISION_ANYWHERE = [PLACE_INDEX[p] for p in ("U1", "U2", "U3", "U4", "U5", "U6", "A5", "A6")]


def _always_in_area(place: np.ndarray, provider: np.ndarray) -> np.ndarray:
    own = (provider == PROVIDERS.index("PR1")) & ~np.isin(place, OWN_PROVISION_ANYWHERE)
    return own | (place == PLACE_INDEX["P1"])


def _episodes(rng, events: Frame, end, rec) -> Frame:
    """Same-day events merge into one episode; each episode runs to the next."""
    period, when, kind = events["period"], events["day"], events["kind"]
    status = events["status"][forward_fill_index(events["status"] >= 0)]
    place_index = forward_fill_index(events["place"] >= 0)
    place = events["place"][place_index]
    urn = np.where(np.isin(place, [PLACE_INDEX[p] for p in params.PLACES_WITH_URN]), events["urn"], 0)

    boundary = np.ones(len(period), dtype=bool)
    boundary[1:] = (period[1:] != period[:-1]) | (when[1:] != when[:-1])
    first_rows = np.flatnonzero(boundary)
    last_rows = _next(first_rows, len(period)) - 1

    def any_in(kinds):
        return np.maximum.reduceat(np.isin(kind, kinds).astype(np.int8), first_rows).astype(bool)

    started = any_in((START,))
    legal = any_in((LEGAL,))
    moved = any_in((MOVE, ADOPTION_MOVE))
    same = any_in((SAME_CARER, ADOPTION_SAME))
    rne = np.select([started, legal & moved, legal & same, legal, moved], [RNE_S, RNE_B, RNE_U, RNE_L, RNE_P],
                    default=RNE_T).astype(np.int8)

    ep_period = period[first_rows]
    last_in_period = _next(ep_period, -1) != ep_period
    dec = np.where(last_in_period, end[ep_period], _next(when[first_rows], 0))
    next_rne = _next(rne, RNE_S)
    reason = np.full(len(first_rows), -1, dtype=np.int8)
    moving_on = ~last_in_period & np.isin(next_rne, (RNE_P, RNE_B))
    reason[moving_on] = category(rng, moving_on.sum(), params.PLACEMENT_CHANGE_REASON_WEIGHTS)
    # moving in with adopters, or staying on long-term, is the care plan working
    planned = np.isin(next_rne, (RNE_T, RNE_U)) | np.isin(_next(place[last_rows], -1), ADOPTION_PLACES)
    reason[~last_in_period & planned] = REASON_CODES.index("CARPL")
    rec = np.where(last_in_period, rec[ep_period], REC_INDEX["X1"]).astype(np.int8)
    _sgo_to_foster_carers_only_from_foster_care(rec, place[last_rows])
    return {
        "period": ep_period, "decom": when[first_rows].astype(np.int32), "dec": dec.astype(np.int32),
        "rne": rne, "ls": status[last_rows].astype(np.int8), "place": place[last_rows].astype(np.int8),
        "provider": events["provider"][last_rows], "urn": urn[last_rows], "postcode": events["postcode"][last_rows],
        "reason": reason, "rec": rec,
    }


FOSTER_PLACES = [PLACE_INDEX[p] for p in ("U1", "U2", "U3", "U4", "U5", "U6")]
SGO_ELSEWHERE = {"E45": "E47", "E46": "E48"}  # to a relative or friend / to another carer


def _sgo_to_foster_carers_only_from_foster_care(rec: np.ndarray, place: np.ndarray) -> None:
    """A special guardianship order to the former foster carers (E45, E46) ends a
    foster placement (DfE rule 516); from any other placement it is to another carer."""
    elsewhere = ~np.isin(place, FOSTER_PLACES)
    for to_foster_carer, to_other in SGO_ELSEWHERE.items():
        rec[(rec == REC_INDEX[to_foster_carer]) & elsewhere] = REC_INDEX[to_other]


def _next(values: np.ndarray, fill) -> np.ndarray:
    """Each row's following value (`fill` after the last)."""
    out = np.empty_like(values)
    out[:-1] = values[1:]
    if len(out):
        out[-1] = fill
    return out


# ---------------------------------------------------------------- reviews

def _reviews(model, start, end, dob, locality) -> Frame:
    """Looked-after reviews while the period lasts: 20 working days, 3 months, then 6-monthly."""
    rng = model.rng
    team = model.org.team_for(CHILDREN_IN_CARE, locality)
    periods, dates = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    active = np.arange(len(start))
    current = start.copy()
    number = 1
    while len(active):
        late = chance(rng, model.lateness(params.CLA_REVIEW_LATE_PROBABILITY, current[active], team[active]))
        k = len(active)
        if number == 1:
            wd = np.where(late, uniform_days(rng, k, 21, 35), uniform_days(rng, k, 8, 20))
            date = model.wd.add(start[active], wd).astype(np.int64)
        elif number == 2:
            date = current[active] + np.where(late, uniform_days(rng, k, 92, 130), uniform_days(rng, k, 60, 91))
        else:
            date = current[active] + np.where(late, uniform_days(rng, k, 183, 230), uniform_days(rng, k, 140, 182))
        held = date < end[active]
        active, date = active[held], date[held]
        periods.append(active)
        dates.append(date)
        current[active] = date
        number += 1
    period = np.concatenate(periods)
    date = np.concatenate(dates).astype(np.int32)
    order = np.lexsort((date, period))
    period, date = period[order], date[order]
    under_4 = age_in_years(dob[period], date) < 4
    code = np.where(under_4, 0, 1 + category(rng, len(period), params.REVIEW_PARTICIPATION_WEIGHTS)).astype(np.int8)
    return {"period": period, "date": date, "code": code}
