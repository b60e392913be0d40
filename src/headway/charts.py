"""Chart definitions: one Vega-Lite spec per chart, shared by the web page and the report.

to_svg draws a spec as SVG for the web page (inline, with the data table beside it
for screen readers) and for the committee pack alike: this module's shapes in Python
(chart_drawing.py), anything else with vl-convert. A new chart is a new function
here returning a spec dict.

Colours come from the GOV.UK palette; RAG is never shown by colour alone (every
chart sits next to a table, and the scorecard prints the RAG word).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import vl_convert

from headway import chart_drawing
from headway.warehouse.query import Point

BLUE = "#1d70b8"
GREY = "#505a5f"
BLACK = "#0b0c0c"
FONT = "Arial"

UNIT_SUFFIX = {"percent": "%", "rate_per_10k": " per 10,000", "count": "", "days": " days", "average": "",
               "fte": " FTE"}
AXIS_TITLE = {"percent": "Per cent", "rate_per_10k": "Rate per 10,000 children",
              "count": "Number", "days": "Days", "average": "Average", "fte": "Full-time equivalents"}


def format_value(value: float | None, unit: str) -> str:
    """A value as people read it: 21.8%, 41.2 per 10,000, 1,204."""
    if value is None:
        return "no data"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}{UNIT_SUFFIX.get(unit, '')}"


def _points_data(points: Iterable[Point]) -> list[dict]:
    return [{"period_end": p.period_end.isoformat() if isinstance(p.period_end, dt.date) else p.period_end,
             "value": p.value, "target": p.target} for p in points]


def _base(width: int, height: int, title: str | None = None) -> dict:
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width, "height": height,
        "config": {"font": FONT, "axis": {"labelColor": BLACK, "titleColor": BLACK, "labelFontSize": 12,
                                          "titleFontSize": 12, "grid": True, "gridColor": "#e8e8e8"},
                   "view": {"stroke": None}, "legend": {"labelFontSize": 12}},
    }
    if title:
        spec["title"] = {"text": title, "anchor": "start", "fontSize": 14, "color": BLACK}
    return spec


def trend_chart(measure: dict, points: list[Point], width: int = 560, height: int = 220) -> dict:
    """Monthly values as a line with points, and the target as a dashed line."""
    unit = measure["unit"]
    x = {"field": "period_end", "type": "temporal", "title": "Month ending",
         "axis": {"format": "%b %y", "labelAngle": 0, "tickCount": 8}}
    layers = [{
        "mark": {"type": "line", "color": BLUE, "strokeWidth": 2, "point": {"color": BLUE, "size": 25}},
        "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": AXIS_TITLE[unit]},
                     "tooltip": [{"field": "period_end", "type": "temporal", "title": "Month ending",
                                  "format": "%B %Y"},
                                 {"field": "value", "type": "quantitative", "title": measure["title"],
                                  "format": ",.1f"}]},
    }]
    if any(p.target is not None for p in points):
        layers.append({
            "mark": {"type": "line", "color": GREY, "strokeDash": [6, 4], "strokeWidth": 1.5},
            "encoding": {"x": x, "y": {"field": "target", "type": "quantitative"}},
        })
    spec = _base(width, height)
    spec.update({"data": {"values": _points_data(points)}, "layer": layers})
    return spec


def workforce_chart(title: str, unit: str, points: list[Point]) -> dict:
    """One trend of the workforce digest (web/workforce page): the monthly line, the
    target dashed where it has one, and for a percentage that can fall below zero
    (the vacancy gap) a rule at zero."""
    spec = trend_chart({"title": title, "unit": unit}, points, height=180)
    if any(p.value is not None and p.value < 0 for p in points):
        spec["layer"].append({"data": {"values": [{"zero": 0}]}, "mark": {"type": "rule", "color": BLACK},
                              "encoding": {"y": {"field": "zero", "type": "quantitative"}}})
    return spec


def sparkline(points: list[Point], width: int = 120, height: int = 28) -> dict:
    """A bare 12-month line for the scorecard (the table cell beside it carries the numbers)."""
    spec = _base(width, height)
    spec["config"]["axis"] = {"disable": True}
    spec.update({
        "data": {"values": _points_data(points)},
        "mark": {"type": "line", "color": BLUE, "strokeWidth": 1.5},
        "encoding": {"x": {"field": "period_end", "type": "temporal", "axis": None},
                     "y": {"field": "value", "type": "quantitative", "axis": None,
                           "scale": {"zero": False}}},
    })
    return spec


def breakdown_chart(measure: dict, rows: list[dict], width: int = 560) -> dict:
    """One bar per org unit (e.g. every team) for one month, with the target as a rule."""
    unit = measure["unit"]
    use_numerator = unit == "rate_per_10k"  # no population below authority: show the count
    field = "numerator" if use_numerator else "value"
    values = [{"name": r["org_unit_name"], "value": r[field], "target": r.get("target")} for r in rows]
    height = max(60, 22 * len(values))
    bar = {"mark": {"type": "bar", "color": BLUE},
           "encoding": {"y": {"field": "name", "type": "nominal", "title": None, "sort": None},
                        "x": {"field": "value", "type": "quantitative",
                              "title": "Number of children" if use_numerator else AXIS_TITLE[unit]},
                        "tooltip": [{"field": "name", "title": "Unit"},
                                    {"field": "value", "format": ",.1f", "title": measure["title"]}]}}
    layers = [bar]
    target = next((r.get("target") for r in rows if r.get("target") is not None), None)
    if target is not None and not use_numerator:
        layers.append({"data": {"values": [{"target": target}]},
                       "mark": {"type": "rule", "color": BLACK, "strokeDash": [6, 4]},
                       "encoding": {"x": {"field": "target", "type": "quantitative"}}})
    spec = _base(width, height)
    spec.update({"data": {"values": values}, "layer": layers})
    return spec


def to_svg(spec: dict) -> str:
    """A spec as SVG, for the web pages and the committee pack alike: this module's
    own shapes drawn in Python (chart_drawing.py, well under a millisecond), any
    other spec with vl-convert (tens of milliseconds; no browser needed)."""
    try:
        return chart_drawing.draw(spec)
    except chart_drawing.NotDrawable:
        return vl_convert_svg(spec)


def vl_convert_svg(spec: dict) -> str:
    """Any Vega-Lite spec as SVG."""
    return vl_convert.vegalite_to_svg(spec)
