"""The impact view: each linked measure's trend before and after the action started.

The chart is the dashboard's own trend chart (headway.charts.trend_chart) with a
rule at the action's start date; the table beside it gives every month and which
side of the start it falls. The summary compares the average of up to 12 months
before the start with the average since, judged with the measure's polarity. It
shows association in time, not cause: the page says so. Scrutiny members get the
figures after disclosure control, as on every other page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway import charts
from headway.measures.rag import direction
from headway.warehouse.query import Point, Warehouse

MONTHS_BEFORE = 12


@dataclass(frozen=True)
class Comparison:
    before_average: float | None
    before_months: int
    after_average: float | None
    after_months: int
    direction: str | None  # improving / declining / steady / up / down, or None without both sides


def average(points: list[Point]) -> float | None:
    values = [p.value for p in points if p.value is not None]
    return sum(values) / len(values) if values else None


def split_at(points: list[Point], start: dt.date) -> tuple[list[Point], list[Point]]:
    """Months ending before the start (the last 12 of them), and months ending on or after it."""
    before = [p for p in points if p.period_end < start][-MONTHS_BEFORE:]
    after = [p for p in points if p.period_end >= start]
    return before, after


def compare(points: list[Point], start: dt.date, polarity: str) -> Comparison:
    before, after = split_at(points, start)
    before_avg, after_avg = average(before), average(after)
    return Comparison(before_avg, len(before), after_avg, len(after),
                      direction(after_avg, before_avg, polarity) if before and after else None)


def impact_chart(measure: dict, points: list[Point], start: dt.date) -> dict:
    """The trend chart with a solid rule and a label at the action's start date."""
    spec = charts.trend_chart(measure, points)
    marker = {"data": {"values": [{"start": start.isoformat(), "label": "Action started"}]},
              "encoding": {"x": {"field": "start", "type": "temporal"}}}
    spec["layer"].append({**marker, "mark": {"type": "rule", "color": charts.BLACK, "strokeWidth": 2}})
    spec["layer"].append({**marker, "mark": {"type": "text", "align": "left", "dx": 4, "color": charts.BLACK,
                                             "fontSize": 12},
                          "encoding": {**marker["encoding"], "y": {"value": 6}, "text": {"field": "label"}}})
    return spec


def controlled_series(warehouse: Warehouse, measure: dict) -> tuple[list[Point], frozenset[dt.date]]:
    """The authority's months after disclosure control (headway.web.disclosure, the rules members
    see everywhere): hidden months come back blank, and their dates say which they are."""
    from headway.web import disclosure

    rows = [r for r in disclosure.disclosed_rows(warehouse, measure) if r.org_level == "authority"]
    return [r.as_point() for r in rows], frozenset(r.period_end for r in rows if r.hidden)


def measure_impacts(warehouse: Warehouse, measure_ids: list[str], start: dt.date,
                    disclosure_control: bool = False) -> list[dict]:
    """For each linked measure in the warehouse: the measure, its points (with the months
    hidden by disclosure control), the comparison and the chart spec."""
    found = []
    for measure_id in measure_ids:
        measure = warehouse.measure(measure_id)
        if measure is None:
            found.append({"measure_id": measure_id, "missing": True})
            continue
        points, hidden = (controlled_series(warehouse, measure) if disclosure_control
                          else (warehouse.series(measure_id), frozenset()))
        found.append({"measure_id": measure_id, "missing": False, "measure": measure, "points": points,
                      "hidden": hidden, "comparison": compare(points, start, measure["polarity"]),
                      "spec": impact_chart(measure, points, start) if points else None})
    return found
