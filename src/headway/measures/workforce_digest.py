"""The workforce digest: the monthly workforce figures a committee reads, as West
Sussex reported them to its select committee (seeds, October 2019), for any set of
teams (a team, a service area's teams, or the whole authority).

    establishment        funded social worker posts (FTE)
    vacancy gap          posts filled by neither a permanent nor an agency worker, as a share
                         of the establishment: (establishment - permanent - agency) / establishment.
                         Below zero, the council is staffed over its establishment.
    agency FTE and rate  agency workers in post, and their share of all in post
                         (agency / (agency + permanent): the DfE's definition, measure W02)
    turnover             permanent FTE who left in the 12 months to the month end, over
                         permanent FTE in post (W03)
    leavers in the month permanent FTE who left in the month
    caseloads            cases per case-holding FTE in each cohort, against its target:
                         experienced, newly qualified (ASYE) and complex-needs teams
                         (headway.toml [workforce.caseload_targets])
    teams at target      teams whose cases are no more than their case holders' FTE
                         times each one's cohort target

At the whole authority the agency rate, turnover and overall caseload are the W02,
W03 and W04 measures' values (tests/test_web_workforce.py holds them equal). The
figures come from Warehouse.workforce_team_months(); nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

COHORTS = ("experienced", "newly_qualified", "complex_needs")
COHORT_WORDS = {"experienced": "experienced social workers", "newly_qualified": "newly qualified (ASYE) social workers",
                "complex_needs": "social workers in complex-needs teams"}
SUMMED = ("establishment_fte", "vacancy_fte", "agency_cover_fte", "permanent_fte", "agency_fte", "leavers_12m_fte",
          "leavers_month_fte", "leavers_month") + tuple(f"{c}_{part}" for c in COHORTS for part in ("cases", "fte"))


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else 100.0 * part / whole


def _per(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole


@dataclass(frozen=True)
class DigestMonth:
    """One month's workforce figures for a set of teams (sums over the teams)."""

    period_end: dt.date
    totals: dict[str, float]
    teams_at_target: int
    teams_with_cases: int

    def __getattr__(self, name: str) -> float:
        if name in SUMMED:
            return self.totals.get(name, 0.0)
        raise AttributeError(name)

    @property
    def vacancy_gap(self) -> float | None:
        unfilled = self.establishment_fte - self.permanent_fte - self.agency_fte
        return _share(unfilled, self.establishment_fte)

    @property
    def agency_rate(self) -> float | None:
        return _share(self.agency_fte, self.agency_fte + self.permanent_fte)

    @property
    def turnover(self) -> float | None:
        return _share(self.leavers_12m_fte, self.permanent_fte)

    def caseload(self, cohort: str) -> float | None:
        return _per(self.totals.get(f"{cohort}_cases"), self.totals.get(f"{cohort}_fte"))

    @property
    def caseload_all(self) -> float | None:
        cases = sum(self.totals.get(f"{c}_cases", 0.0) for c in COHORTS)
        return _per(cases, sum(self.totals.get(f"{c}_fte", 0.0) for c in COHORTS))


def team_at_target(row: dict, targets: dict[str, float]) -> bool | None:
    """Whether a team's cases are within its capacity (each cohort's FTE times its
    target); None for a team with no case holders that month."""
    fte = {c: row.get(f"{c}_fte") or 0.0 for c in COHORTS}
    if not any(fte.values()):
        return None
    cases = sum(row.get(f"{c}_cases") or 0 for c in COHORTS)
    return cases <= sum(fte[c] * targets[c] for c in COHORTS)


def digest(rows: Iterable[dict], teams: Callable[[str], bool], targets: dict[str, float]) -> list[DigestMonth]:
    """The months of Warehouse.workforce_team_months() rows for the teams `teams` says yes to."""
    by_month: dict[dt.date, list[dict]] = defaultdict(list)
    for row in rows:
        if teams(row["team_id"]):
            by_month[row["census_date"]].append(row)
    months = []
    for period_end in sorted(by_month):
        team_rows = by_month[period_end]
        totals = {name: float(sum(r.get(name) or 0 for r in team_rows)) for name in SUMMED}
        judged = [team_at_target(r, targets) for r in team_rows]
        months.append(DigestMonth(period_end, totals, sum(j is True for j in judged),
                                  sum(j is not None for j in judged)))
    return months


@dataclass(frozen=True)
class Trend:
    """One line of the digest: how to read it off a month, and how to judge it."""

    key: str
    title: str
    unit: str                                   # fte | percent | average | count
    value: Callable[[DigestMonth], float | None]
    target: Callable[[dict[str, float]], float | None] = lambda targets: None
    note: str = ""


def trends() -> list[Trend]:
    caseloads = [Trend(f"caseload_{c}", f"Caseload: {COHORT_WORDS[c]}", "average",
                       (lambda m, c=c: m.caseload(c)), (lambda t, c=c: t[c]),
                       "Cases per full-time equivalent case holder. At or under the target is good.")
                 for c in COHORTS]
    return [
        Trend("establishment", "Establishment", "fte", lambda m: m.establishment_fte,
              note="Funded social worker posts, in full-time equivalents (FTE)."),
        Trend("vacancy_gap", "Vacancy gap", "percent", lambda m: m.vacancy_gap,
              note="Posts filled by neither a permanent nor an agency worker, as a share of the establishment. "
                   "Below zero: more workers than posts."),
        Trend("agency_fte", "Agency social workers", "fte", lambda m: m.agency_fte,
              note="Agency workers in post, in full-time equivalents."),
        Trend("agency_rate", "Agency rate", "percent", lambda m: m.agency_rate,
              note="Agency workers as a share of all social workers in post (the DfE's definition)."),
        Trend("turnover", "Turnover", "percent", lambda m: m.turnover,
              note="Permanent social workers who left in the 12 months to the month end, as a share of those "
                   "in post."),
        Trend("leavers", "Leavers in the month", "fte", lambda m: m.leavers_month_fte,
              note="Permanent social workers who left in the month, in full-time equivalents."),
        *caseloads,
        Trend("teams_at_target", "Teams at or under their caseload target", "count",
              lambda m: float(m.teams_at_target) if m.teams_with_cases else None,
              note="Teams whose cases are no more than their case holders' FTE times each cohort's target."),
    ]
