"""The authority's organisation: teams, workers, and who each child is allocated to.

Teams belong to one of four service areas, in the order a child meets them:
Front Door (contacts and referrals), Assessment (assessments and section 47
enquiries), Safeguarding (children on CIN and CP plans) and Children in Care.
There is about one team per 2,500 children. Each child lives in a locality
that fixes which team of each service it goes to, so a team's caseload follows
its patch; workers within the team are picked at random (one in their ASYE
year less often: params.ASYE_CASELOAD_WEIGHT), and change on long cases (turnover).

Each team carries a lateness factor (most near 1, one struggling assessment
team well above), which the journeys apply to assessment and ICPC timeliness,
CP reviews and CLA reviews: a team breakdown of a timeliness measure then shows
real differences. Worker names are obviously invented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.synth import params
from headway.synth.days import NEVER
from headway.synth.frames import Frame, concat, take

FRONT_DOOR, ASSESSMENT, SAFEGUARDING, CHILDREN_IN_CARE = range(4)
TEAM_NAME_STEMS = ("Front Door (MASH)", "Assessment", "Safeguarding", "Children in Care")
PATCHES = ("North", "South", "East", "West", "Central", "Riverside", "Parkside", "Hillside",
           "Valley", "Castle", "Harbour", "Meadow", "Forest", "Bridge", "Market", "Abbey")
FIRST_NAMES = ("Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Jamie", "Morgan", "Casey", "Taylor",
               "Jordan", "Charlie", "Frankie", "Ashley", "Kit", "Rowan", "Drew", "Sky", "Remy", "Lee")
LAST_NAMES = ("Example", "Sample", "Placeholder", "Fictional", "Madeup", "Pretend", "Testcase",
              "Dummy", "Imaginary", "Notreal", "Invented", "Synthetic", "Mockworth", "Fakeley")
ASYE_ROLE = "Social Worker (ASYE)"
CASE_HOLDER_ROLES = ("Advanced Practitioner", "Social Worker", "Social Worker", "Social Worker",
                     "Social Worker (ASYE)", "Social Worker", "Social Worker", "Social Worker")


@dataclass
class Org:
    team_service: np.ndarray        # service area index per team
    team_names: list[str]
    team_lateness: np.ndarray       # multiplies lateness probabilities for the team's work
    service_teams: list[np.ndarray]  # team indexes of each service area
    worker_team: np.ndarray
    worker_names: list[str]
    worker_roles: list[str]
    holder_offsets: np.ndarray      # case holders of team t: holders[offsets[t]:offsets[t+1]]
    holders: np.ndarray
    holder_weight_ends: np.ndarray  # running total of the holders' caseload weights (ASYE lighter)

    def team_for(self, service: int, locality: np.ndarray) -> np.ndarray:
        teams = self.service_teams[service]
        return teams[locality % len(teams)]

    def pick_workers(self, rng: np.random.Generator, teams: np.ndarray) -> np.ndarray:
        """A case holder of each team, in proportion to their caseload weight (a newly
        qualified worker in their ASYE year has a protected, smaller caseload)."""
        ends = np.r_[0.0, self.holder_weight_ends]
        low, high = ends[self.holder_offsets[teams]], ends[self.holder_offsets[teams + 1]]
        point = low + rng.random(len(teams)) * (high - low)
        picked = np.searchsorted(self.holder_weight_ends, point, side="right")
        return self.holders[np.minimum(picked, self.holder_offsets[teams + 1] - 1)]

    @property
    def team_ids(self) -> list[str]:
        return [f"T{t + 1:04d}" for t in range(len(self.team_names))]

    @property
    def worker_ids(self) -> list[str]:
        return [f"W{w + 1:06d}" for w in range(len(self.worker_names))]


def build_org(rng: np.random.Generator, children: int) -> Org:
    n_teams = max(len(params.SERVICE_AREAS), round(children / params.CHILDREN_PER_TEAM))
    per_service = [max(1, round(n_teams * share)) for share in params.SERVICE_TEAM_SHARE]
    team_service = np.repeat(np.arange(len(per_service)), per_service)
    team_names = [_team_name(s, k) for s, count in enumerate(per_service) for k in range(count)]
    service_teams = [np.flatnonzero(team_service == s) for s in range(len(per_service))]

    lateness = np.exp(params.TEAM_LATENESS_SIGMA * rng.standard_normal(len(team_service)))
    struggling = service_teams[ASSESSMENT][rng.integers(len(service_teams[ASSESSMENT]))]
    lateness[struggling] *= params.STRUGGLING_TEAM_FACTOR
    for teams in service_teams:  # each service averages 1, so the authority's rates do not depend on its size
        lateness[teams] /= lateness[teams].mean()

    worker_team, names, roles, is_holder = [], [], [], []
    name_order = rng.permutation(len(FIRST_NAMES) * len(LAST_NAMES))
    for team, service in enumerate(team_service):
        holders = params.CASE_HOLDERS_PER_TEAM[params.SERVICE_AREAS[service]]
        team_roles = ["Team Manager"] + [CASE_HOLDER_ROLES[i % len(CASE_HOLDER_ROLES)] for i in range(holders)]
        for role in team_roles:
            k = name_order[len(names) % len(name_order)]
            cycle = len(names) // len(name_order)
            suffix = f" {cycle + 1}" if cycle else ""
            names.append(f"{FIRST_NAMES[k % len(FIRST_NAMES)]} {LAST_NAMES[k // len(FIRST_NAMES)]}{suffix}")
            roles.append(role)
            worker_team.append(team)
            is_holder.append(role != "Team Manager")
    worker_team = np.array(worker_team, dtype=np.int64)
    holders = np.flatnonzero(np.array(is_holder))  # already grouped by team, in team order
    offsets = np.searchsorted(worker_team[holders], np.arange(len(team_service) + 1))
    weights = np.where(np.array(roles)[holders] == ASYE_ROLE, params.ASYE_CASELOAD_WEIGHT, 1.0)
    return Org(team_service, team_names, lateness, service_teams, worker_team, names, roles,
               offsets, holders, np.cumsum(weights))


def _team_name(service: int, k: int) -> str:
    patch = PATCHES[k % len(PATCHES)]
    round_ = k // len(PATCHES)
    return f"{TEAM_NAME_STEMS[service]} {patch}" + (f" {round_ + 1}" if round_ else "")


# ---------------------------------------------------------------- allocations

def allocations(rng: np.random.Generator, org: Org, episodes: Frame, locality: np.ndarray, since: int) -> Frame:
    """Who held each child's case, stage by stage, from referral to closure, for the
    episodes still open on or after day `since` (the extract covers the collection years).

    Front Door from referral to the start of the assessment; Assessment until the
    assessment is authorised (or a CP plan or care starts); Safeguarding while on a
    plan or receiving services; Children in Care while looked after; Safeguarding
    again after care if the episode stays open. Stages are back to back (one ends
    the day the next starts), so the allocations cover every open episode.
    """
    e = take(episodes, episodes["close"] >= since)
    close = e["close"]
    in_care = e["care_start"] < NEVER
    nfa = e["asmt_start"] >= NEVER
    # hand-over days, in order: front door -> assessment -> safeguarding -> care (an
    # emergency can bring a child into care before its assessment starts)
    fd_end = np.where(nfa, e["ref"], np.minimum(e["asmt_start"], e["care_start"]))
    asmt_end = np.maximum(fd_end, np.minimum.reduce([e["asmt_auth"], e["cp_start"], e["care_start"], close]))
    sg_end = np.where(in_care, e["care_start"], close)
    stages = [
        (FRONT_DOOR, e["ref"], fd_end, np.ones(len(close), bool)),
        (ASSESSMENT, fd_end, asmt_end, ~nfa & ((asmt_end > fd_end) | ~in_care)),
        (SAFEGUARDING, asmt_end, sg_end, ~nfa & (sg_end > asmt_end)),
        (CHILDREN_IN_CARE, e["care_start"], e["care_end"], in_care),
        (SAFEGUARDING, e["care_end"], close, in_care & (close > e["care_end"])),
    ]
    parts = []
    for service, start, end, present in stages:
        rows = np.flatnonzero(present)
        teams = org.team_for(service, locality[e["child"][rows]])
        parts.append(_split_by_worker_changes(rng, org, e["child"][rows], teams, start[rows], end[rows]))
    return concat(parts)


def _split_by_worker_changes(rng, org: Org, child, teams, start, end) -> Frame:
    """One allocation per worker: a long stage is cut where the worker changes."""
    span = np.maximum(end.astype(np.int64) - start, 0)
    changes = np.minimum(rng.poisson(span / params.WORKER_CHANGE_MEAN_DAYS), 6)
    pieces = changes + 1
    row = np.repeat(np.arange(len(child)), pieces)
    first = np.cumsum(pieces) - pieces
    k = np.arange(len(row)) - np.repeat(first, pieces)  # piece number within the stage
    # piece 0 starts with the stage; the others at random points, sorted within the stage
    cuts = np.where(k == 0, start[row], start[row] + (rng.random(len(row)) * span[row]).astype(np.int64))
    cuts = cuts[np.lexsort((cuts, row))]
    last = k == np.repeat(changes, pieces)
    piece_start = cuts
    piece_end = np.where(last, end[row], np.append(cuts[1:], 0))
    return {
        "child": child[row],
        "worker": org.pick_workers(rng, teams[row]),
        "start": piece_start.astype(np.int32),
        "end": piece_end.astype(np.int32),
    }
