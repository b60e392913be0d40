"""Disclosure control for the figures scrutiny members see (security.md D-1, D-2, D-11).

The rules are the committee pack's (headway.reports.sdc): a count of 1 to 5, and any
percentage or rate worked out from one, is shown as "c". Each month is decided as
one table, the authority and every service area together, so secondary suppression
is the same on every page: a service's hidden count cannot be worked out from the
authority's total and the other services, whichever page a member reads it on.

A rating (RAG) or a direction of travel would hint at a hidden value, so both are
hidden with it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from headway.reports import sdc
from headway.warehouse.query import Point

LEVELS = ("authority", "service")


@dataclass(frozen=True)
class DisclosedRow:
    """One org unit's figures for one month, each a Cell that may be suppressed."""

    period_end: dt.date
    org_level: str
    org_unit: str
    name: str
    numerator: sdc.Cell
    denominator: sdc.Cell
    value: sdc.Cell
    target: float | None
    rag: str | None

    @property
    def hidden(self) -> bool:
        return self.value.suppressed

    def as_point(self) -> Point:
        """The month as a chart point, with every hidden figure blanked."""
        def shown(cell):
            return None if cell.suppressed else cell.value
        return Point(self.period_end, shown(self.numerator), shown(self.denominator), shown(self.value),
                     self.target, None if self.hidden else self.rag)


def _month_table(unit: str, rows: list[dict]) -> list[DisclosedRow]:
    """One month: the authority row is the total the service rows add up to."""
    total = next((r for r in rows if r["org_level"] == "authority"), None)
    parts = [r for r in rows if r["org_level"] == "service"]
    columns = {}
    for name in ("numerator", "denominator"):
        part_cells = [sdc.Cell("count", r[name]) for r in parts]
        total_cell = sdc.Cell("count", total[name]) if total else None
        columns[name] = sdc.suppress_parts(part_cells, total_cell)
    ordered = parts + ([total] if total else [])
    numerators = columns["numerator"][0] + ([columns["numerator"][1]] if total else [])
    denominators = columns["denominator"][0] + ([columns["denominator"][1]] if total else [])
    result = []
    for row, numerator, denominator in zip(ordered, numerators, denominators):
        value = sdc.suppress([sdc.Cell(unit, row["value"], based_on=(row["numerator"], row["denominator"]))])[0]
        if numerator.suppressed or denominator.suppressed:
            value = sdc.Cell(unit, row["value"], value.based_on, suppressed=True)
        result.append(DisclosedRow(row["period_end"], row["org_level"], row["org_unit"],
                                   row["org_unit_name"] or row["org_unit"], numerator, denominator, value,
                                   row["target"], row["rag"]))
    return result


def disclosed_rows(warehouse, measure: dict, until: dt.date | None = None) -> list[DisclosedRow]:
    """Every authority and service row of a measure up to a month, after disclosure control
    (the same for every scrutiny member: worked out once per published snapshot)."""
    def work_out() -> list[DisclosedRow]:
        by_month = defaultdict(list)
        for row in warehouse.level_values(measure["measure_id"], LEVELS, until=until):
            by_month[row["period_end"]].append(row)
        return [cell for month in sorted(by_month) for cell in _month_table(measure["unit"], by_month[month])]
    return warehouse.cached(("disclosed rows", measure["measure_id"], measure["unit"], until), work_out)


def series(rows: list[DisclosedRow], level: str, unit: str) -> list[DisclosedRow]:
    return [r for r in rows if r.org_level == level and r.org_unit == unit]


def breakdown(rows: list[DisclosedRow], period: dt.date, level: str = "service") -> list[DisclosedRow]:
    return sorted((r for r in rows if r.period_end == period and r.org_level == level), key=lambda r: r.name)


def show(cell: sdc.Cell, missing: str = "–") -> str:
    return sdc.show(cell, missing=missing)
