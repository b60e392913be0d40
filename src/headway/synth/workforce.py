"""The workforce files: social workers and establishment by month (returns/workforce.py).

Every worker in the case-management extract (org.py) holds a post in their team.
Each post has had a line of holders: the worker in the extract is its holder at the
extract date, and before them came others who left (new worker IDs, after the
extract's, as an HR system keeps its leavers); between holders the post stands
empty for a while. A permanent holder leaves with params.LEAVING_PER_YEAR, which
gives the turnover; agency workers stay for less, and are hired often enough to
hold params.AGENCY_SHARE of the time. A worker whose role is "Social Worker (ASYE)"
started in the last year, newly qualified, in a post made for the intake. A post's
cases at a month end are the children allocated to it on that day (org.py's
allocations, which give ASYE workers a lighter caseload), so caseloads agree with
the extract.

Each team's establishment is params.ESTABLISHMENT_PER_POST of its posts; its
vacancies at a month end are the establishment less its permanent FTE in post, and
agency workers cover them up to the agency FTE in the team. A few Children in Care
teams work with complex needs (the lower caseload target).

    social_workers.csv   one row per holder in post at each month end, and one for each
                         holder who left in the month (with LEAVING_DATE)
    establishment.csv    one row per team per month end
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from headway.synth import params
from headway.synth.csv_files import write_table
from headway.synth.days import to_date
from headway.synth.org import ASYE_ROLE, CHILDREN_IN_CARE, Org
from headway.synth.frames import Frame
from headway.synth.text import DateText

NOT_CASE_HOLDING = "Team Manager"
YEAR = 365
STREAM = 5  # the workforce's own random stream, so adding it moved none of the other files


@dataclass
class Holders:
    """Everyone who held a post: one entry per person, in post from start until leave
    (not in post on the day they leave; leave -1: still in post at the extract date)."""
    post: list[int] = field(default_factory=list)
    worker_id: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    agency: list[bool] = field(default_factory=list)
    newly_qualified: list[bool] = field(default_factory=list)
    fte: list[float] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    leave: list[int] = field(default_factory=list)  # -1: still in post at the extract date

    def add(self, **person) -> None:
        for name, value in person.items():
            getattr(self, name).append(value)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: np.array(values) for name, values in self.__dict__.items()}


def month_ends(first_day: int, last_day: int) -> np.ndarray:
    """Day numbers of the month ends from first_day's month to last_day's."""
    months = np.arange(np.datetime64(to_date(first_day), "M"), np.datetime64(to_date(last_day), "M") + 1)
    ends = (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return (ends - np.datetime64("1970-01-01")).astype(np.int64)


def write_workforce(out_dir: Path, org: Org, allocations: Frame, seed: int, window_start: int, end: int,
                    dates: DateText) -> dict[str, int]:
    """Write workforce/social_workers.csv and workforce/establishment.csv; rows per file."""
    rng = np.random.default_rng([seed, STREAM])
    snapshots = month_ends(window_start - YEAR, end)  # a year before: turnover counts a year of leavers
    holders = _holders(rng, org, window_start, end).arrays()
    cases = _cases_per_post(org, allocations, snapshots)
    workers = _worker_rows(rng, org, holders, cases, snapshots)
    establishment = _establishment_rows(org, holders, snapshots)
    folder = out_dir / "workforce"
    return {
        "workforce/social_workers.csv": write_table(folder / "social_workers.csv",
                                                    _worker_columns(workers, org, dates)),
        "workforce/establishment.csv": write_table(folder / "establishment.csv",
                                                   _establishment_columns(establishment, org, dates)),
    }


# --- who held each post -----------------------------------------------------------

def _holders(rng: np.random.Generator, org: Org, window_start: int, end: int) -> Holders:
    """Each post's holders, simulated forward from two years before the window so the
    window sees a steady state: the one in post at the extract date is the worker in
    the extract. An ASYE worker holds a post made for the newly qualified intake: it
    had no holder before them."""
    holders = Holders()
    next_id = len(org.worker_names)
    for post, (worker_id, role) in enumerate(zip(org.worker_ids, org.worker_roles)):
        if role == ASYE_ROLE:
            holders.add(post=post, worker_id=worker_id, role=role, agency=False, newly_qualified=True,
                        fte=_fte(rng), start=end - int(rng.integers(30, 330)), leave=-1)
            continue
        agency = rng.random() < params.AGENCY_SHARE  # the holder two years before the window
        start = window_start - 2 * YEAR - _stay(rng, agency)
        leave = window_start - 2 * YEAR + _stay(rng, agency)
        while leave <= end:
            next_id += 1
            holders.add(post=post, worker_id=f"W{next_id:06d}", role=role.replace(" (ASYE)", ""), agency=agency,
                        newly_qualified=not agency and rng.random() < params.NEWLY_QUALIFIED_SHARE,
                        fte=_fte(rng), start=start, leave=leave)
            agency = rng.random() < _agency_hire_share()
            start = min(leave + 1 + int(rng.exponential(params.VACANT_GAP_MEAN_DAYS)), end)
            leave = start + _stay(rng, agency)
        holders.add(post=post, worker_id=worker_id, role=role, agency=agency, newly_qualified=False,
                    fte=_fte(rng), start=start, leave=-1)
    return holders


def _agency_hire_share() -> float:
    """The share of hires that are agency workers, so that agency workers hold
    params.AGENCY_SHARE of the time (they stay for less)."""
    share, permanent_stay = params.AGENCY_SHARE, YEAR / params.LEAVING_PER_YEAR
    return share * permanent_stay / (share * permanent_stay + (1 - share) * params.AGENCY_STAY_MEAN_DAYS)


def _stay(rng: np.random.Generator, agency: bool) -> int:
    mean = params.AGENCY_STAY_MEAN_DAYS if agency else YEAR / params.LEAVING_PER_YEAR
    return int(rng.exponential(mean)) + 1


def _fte(rng: np.random.Generator) -> float:
    if rng.random() < params.PART_TIME_SHARE:
        return float(rng.choice(params.PART_TIME_FTE))
    return 1.0


def _cases_per_post(org: Org, allocations: Frame, snapshots: np.ndarray) -> np.ndarray:
    """[post, snapshot]: children allocated to the post's worker on each month end
    (allocated from start, until the day the next worker takes over)."""
    first = np.searchsorted(snapshots, allocations["start"], side="left")   # first month end >= start
    after = np.searchsorted(snapshots, allocations["end"], side="left")     # month ends < end
    counts = np.zeros((len(org.worker_names), len(snapshots) + 1), dtype=np.int64)
    np.add.at(counts, (allocations["worker"], first), 1)
    np.add.at(counts, (allocations["worker"], np.maximum(after, first)), -1)
    return np.cumsum(counts, axis=1)[:, :-1]


# --- the rows ---------------------------------------------------------------------

def _worker_rows(rng: np.random.Generator, org: Org, h: dict, cases: np.ndarray,
                 snapshots: np.ndarray) -> dict[str, np.ndarray]:
    """One row per holder in post on each month end, and one per holder who left in its month."""
    leave = np.where(h["leave"] < 0, np.iinfo(np.int64).max, h["leave"])
    previous = np.r_[snapshots[0] - 31, snapshots[:-1]]
    rows: dict[str, list] = {"person": [], "snapshot": [], "in_post": []}
    for k, (day_, before) in enumerate(zip(snapshots, previous)):
        in_post = np.flatnonzero((h["start"] <= day_) & (leave > day_))
        left = np.flatnonzero((leave > before) & (leave <= day_) & (h["start"] <= day_))
        for people, flag in ((in_post, True), (left, False)):
            rows["person"].append(people)
            rows["snapshot"].append(np.full(len(people), k))
            rows["in_post"].append(np.full(len(people), flag))
    person, k, in_post = (np.concatenate(rows[n]) for n in ("person", "snapshot", "in_post"))
    as_at = snapshots[k]
    holds_cases = in_post & (h["role"][person] != NOT_CASE_HOLDING)
    permanent_in_post = in_post & ~h["agency"][person]
    absence = rng.gamma(0.6, params.ABSENCE_DAYS_PER_FTE_YEAR / 0.6, len(person)) * h["fte"][person]
    return {
        "as_at": as_at, "worker_id": h["worker_id"][person], "team": org.worker_team[h["post"][person]],
        "role": h["role"][person], "fte": h["fte"][person], "agency": h["agency"][person],
        "asye": h["newly_qualified"][person] & (as_at < h["start"][person] + YEAR),
        "start": h["start"][person], "leave": h["leave"][person],
        "cases": np.where(holds_cases, cases[h["post"][person], k], -1),
        "absence": np.where(permanent_in_post, np.round(absence, 1), -1.0),
    }


def _establishment_rows(org: Org, h: dict, snapshots: np.ndarray) -> dict[str, np.ndarray]:
    """One row per team and month end: establishment (the standing posts, and the
    intake posts once filled), vacancies and agency cover."""
    teams = len(org.team_names)
    intake = np.array([role == ASYE_ROLE for role in org.worker_roles])
    posts = np.bincount(org.worker_team[~intake], minlength=teams)
    standing = np.round(posts * params.ESTABLISHMENT_PER_POST, 1)
    leave = np.where(h["leave"] < 0, np.iinfo(np.int64).max, h["leave"])
    team = org.worker_team[h["post"]]
    in_intake_post = intake[h["post"]]
    rows: dict[str, list] = {n: [] for n in ("as_at", "team", "establishment", "vacancy", "cover")}
    for day_ in snapshots:
        held = (h["start"] <= day_) & (leave > day_)
        establishment = standing + np.bincount(team, weights=held & in_intake_post, minlength=teams)
        permanent = np.bincount(team, weights=h["fte"] * (held & ~h["agency"]), minlength=teams)
        agency = np.bincount(team, weights=h["fte"] * (held & h["agency"]), minlength=teams)
        vacancy = np.clip(establishment - permanent, 0, None)
        for name, values in (("as_at", np.full(teams, day_)), ("team", np.arange(teams)),
                             ("establishment", establishment), ("vacancy", vacancy),
                             ("cover", np.minimum(vacancy, agency))):
            rows[name].append(values)
    return {name: np.concatenate(values) for name, values in rows.items()}


def complex_needs_teams(org: Org) -> np.ndarray:
    """The first Children in Care teams, params.COMPLEX_NEEDS_TEAMS of all teams (at least one)."""
    count = max(1, round(len(org.team_names) * params.COMPLEX_NEEDS_TEAMS))
    flags = np.zeros(len(org.team_names), dtype=bool)
    flags[org.service_teams[CHILDREN_IN_CARE][:count]] = True
    return flags


# --- as CSV text --------------------------------------------------------------------

def _numbers(values: np.ndarray, shown: np.ndarray, decimals: int) -> pa.Array:
    text = [f"{v:.{decimals}f}".rstrip("0").rstrip(".") if decimals else str(int(v)) for v in values]
    return pa.array([t if s else "" for t, s in zip(text, shown)])


def _worker_columns(w: dict, org: Org, dates: DateText) -> dict[str, pa.Array]:
    order = np.lexsort((w["worker_id"], w["as_at"]))
    w = {name: values[order] for name, values in w.items()}
    team_ids = np.array(org.team_ids)
    return {
        "AS_AT": dates.iso_dates(w["as_at"]),
        "WORKER_ID": pa.array(w["worker_id"]),
        "TEAM_ID": pa.array(team_ids[w["team"]]),
        "ROLE": pa.array(w["role"]),
        "FTE": _numbers(w["fte"], np.ones(len(order), bool), 2),
        "CONTRACT": pa.array(np.where(w["agency"], "agency", "permanent")),
        "ASYE": pa.array(np.where(w["asye"], "true", "false")),
        "START_DATE": dates.iso_dates(np.maximum(w["start"], dates.first)),
        # only on the row of the month they left: a snapshot before it does not know the date yet
        "LEAVING_DATE": dates.iso_dates(np.maximum(w["leave"], dates.first),
                                        (w["leave"] >= 0) & (w["leave"] <= w["as_at"])),
        "CASES": _numbers(w["cases"], w["cases"] >= 0, 0),
        "ABSENCE_DAYS": _numbers(w["absence"], w["absence"] >= 0, 1),
    }


def _establishment_columns(e: dict, org: Org, dates: DateText) -> dict[str, pa.Array]:
    complex_ = complex_needs_teams(org)
    every = np.ones(len(e["team"]), bool)
    return {
        "AS_AT": dates.iso_dates(e["as_at"]),
        "TEAM_ID": pa.array(np.array(org.team_ids)[e["team"]]),
        "ESTABLISHMENT_FTE": _numbers(e["establishment"], every, 2),
        "VACANCY_FTE": _numbers(e["vacancy"], every, 2),
        "AGENCY_COVER_FTE": _numbers(e["cover"], every, 2),
        "COMPLEX_NEEDS": pa.array(np.where(complex_[e["team"]], "true", "false")),
    }
