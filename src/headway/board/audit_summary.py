"""Audit grades over time: the share of audits graded good or better, by team or theme and quarter.

Quarters are financial (April to June is Q1), as councils report them. Each cell
keeps its count, so a 100% from one audit reads as what it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from headway.board.models.audits import GOOD_OR_BETTER, CaseAudit

QUARTER_MONTHS = {1: "Jan–Mar", 4: "Apr–Jun", 7: "Jul–Sep", 10: "Oct–Dec"}


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(start: dt.date) -> str:
    return f"{QUARTER_MONTHS[start.month]} {start.year}"


@dataclass(frozen=True)
class GradeCell:
    audits: int
    good_or_better: int

    @property
    def percent(self) -> float:
        return 100.0 * self.good_or_better / self.audits

    @property
    def text(self) -> str:
        return f"{self.percent:.0f}% of {self.audits}"


def grades_over_time(audits: list[CaseAudit], key) -> tuple[list[str], list[tuple[str, list[GradeCell | None]]]]:
    """(quarter labels, rows of (group, one cell per quarter or None)); key(audit) names the group."""
    counts: dict[tuple[str, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for audit in audits:
        group = key(audit)
        if group is None:
            continue
        cell = counts[(group, quarter_start(audit.audited_on))]
        cell[0] += 1
        cell[1] += audit.overall_grade in GOOD_OR_BETTER
    quarters = sorted({q for _, q in counts})
    groups = sorted({g for g, _ in counts})
    rows = [(g, [GradeCell(*counts[(g, q)]) if (g, q) in counts else None for q in quarters]) for g in groups]
    return [quarter_label(q) for q in quarters], rows


def by_team(audit: CaseAudit) -> str:
    return audit.team


def by_theme(audit: CaseAudit) -> str | None:
    return audit.themed_audit.theme if audit.themed_audit_id else None
