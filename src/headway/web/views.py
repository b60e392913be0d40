"""The dashboard's pages: the scorecard (/) and one page per measure (/measures/<id>/).

Every figure comes from the published warehouse through headway.warehouse.query,
opened read-only for one request and closed at its end (a refresh publishes a new
file, and a connection opened after that sees it). Views turn query results into
plain rows of display text, so templates only lay things out.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from headway import charts
from headway.errors import HeadwayError
from headway.measures.rag import RAG_WORDS, direction
from headway.warehouse.query import Point, Warehouse
from headway.web.svg import inline_svg

SERVICE_NAME = "Headway"
RAG_TAG_CLASSES = {"G": "govuk-tag--green", "A": "govuk-tag--yellow", "R": "govuk-tag--red",
                   None: "govuk-tag--grey"}
POLARITY_WORDS = {"higher_is_better": "Higher is better", "lower_is_better": "Lower is better",
                  "context": "Neither: a context measure, shown for information with no rating"}
BASIS_WORDS = {"rolling_12_months": "rolling 12 months", "snapshot": "snapshot at month end"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- shared helpers ------------------------------------------------------------
def site_context(request) -> dict:
    """Template context for every page: the service and authority names."""
    return {"service_name": SERVICE_NAME, "authority_name": settings.HEADWAY_SETTINGS.la_name}


def open_warehouse() -> Warehouse | None:
    """The published warehouse, or None if nothing has been published yet."""
    try:
        return Warehouse(settings.HEADWAY_SETTINGS.warehouse_path)
    except HeadwayError:
        return None


def no_warehouse(request):
    return render(request, "no_warehouse.html")


def month_ending(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "no months yet"


def built_at_text(value: str | None) -> str:
    """'2026-04-02T09:00:00' as '2 April 2026 at 09:00'."""
    try:
        when = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return value or "unknown"
    return f"{when.day} {when:%B %Y} at {when:%H:%M}"


def count_text(number: float | None) -> str:
    if number is None:
        return "–"
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


def target_text(target: float | None, unit: str) -> str:
    return "No target" if target is None else charts.format_value(target, unit)


def tolerance_text(tolerance: float | None, unit: str) -> str | None:
    if not tolerance:
        return None
    amount = f"{tolerance:,.1f} percentage points" if unit == "percent" else charts.format_value(tolerance, unit)
    return f"Amber when within {amount} of the target, Red beyond that"


def rag_display(code: str | None) -> dict:
    return {"word": RAG_WORDS.get(code, "No target"), "tag_class": RAG_TAG_CLASSES.get(code, "govuk-tag--grey")}


def direction_display(word: str | None, polarity: str) -> dict:
    """Direction of travel as a word, with an arrow showing which way the value moved."""
    if word is None:
        return {"word": "Not enough data", "arrow": ""}
    if word in ("steady", "up", "down"):
        return {"word": word.capitalize(), "arrow": {"steady": "→", "up": "↑", "down": "↓"}[word]}
    went_up = (word == "improving") == (polarity == "higher_is_better")
    return {"word": word.capitalize(), "arrow": "↑" if went_up else "↓"}


def twelve_month_direction(points: list[Point], polarity: str) -> str | None:
    if len(points) < 13:
        return None
    return direction(points[-1].value, points[-13].value, polarity)


# --- scorecard -------------------------------------------------------------------
def scorecard_row(card: dict) -> dict:
    latest, unit = card["latest"], card["unit"]
    values = [p for p in card["trend"] if p.value is not None]
    return {
        "id": card["measure_id"],
        "title": card["title"],
        "url": reverse("measure", args=[card["measure_id"]]),
        "value": charts.format_value(latest.value if latest else None, unit),
        "target": target_text(latest.target if latest else card["target"], unit),
        "rag": rag_display(latest.rag if latest else None),
        "direction": direction_display(card["direction_12m"], card["polarity"]),
        "sparkline": inline_svg(charts.sparkline(card["trend"])) if len(values) >= 2 else "",
    }


@require_safe
def scorecard(request):
    """Every measure at the authority for the latest month."""
    warehouse = open_warehouse()
    if warehouse is None:
        return no_warehouse(request)
    with warehouse:
        period = warehouse.latest_period()
        cards = warehouse.scorecard(period_end=period)
        info = warehouse.info()
    return render(request, "scorecard.html", {
        "period": month_ending(period),
        "built_at": built_at_text(info.get("built_at")),
        "la_name": info.get("la_name") or settings.HEADWAY_SETTINGS.la_name,
        "rows": [scorecard_row(c) for c in cards if c["status"] == "ok"],
        "not_calculated": [c for c in cards if c["status"] != "ok"],
    })


# --- one measure -------------------------------------------------------------------
def chosen_period(request, periods: list[dt.date]) -> dt.date | None:
    """?period=YYYY-MM-DD if given (400 if malformed, 404 if not a month we have), else the latest."""
    text = request.GET.get("period")
    if not text:
        return periods[-1] if periods else None
    try:
        if not ISO_DATE.match(text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest("period must be a date written YYYY-MM-DD") from None
    if day not in periods:
        raise Http404("No figures for that month")
    return day


def definition_rows(measure: dict) -> list[tuple[str, str]]:
    unit = measure["unit"]
    rows = [
        ("What is counted", measure["numerator"]),
        ("Out of", measure["denominator"]),
        ("Timescale", measure["timescale"]),
        ("Target", target_text(measure["target"], unit)),
        ("Rating", tolerance_text(measure["tolerance"], unit)),
        ("Which way is better", POLARITY_WORDS.get(measure["polarity"], measure["polarity"])),
        ("Basis", BASIS_WORDS.get(measure["basis"], measure["basis"])),
        ("Published statistic it matches", measure["dfe_statistic"]),
    ]
    return [(label, text) for label, text in rows if text]


def month_row(point: Point, unit: str) -> dict:
    return {
        "period": month_ending(point.period_end),
        "period_iso": point.period_end.isoformat(),
        "numerator": count_text(point.numerator),
        "denominator": count_text(point.denominator),
        "value": charts.format_value(point.value, unit),
        "target": target_text(point.target, unit),
        "rag": rag_display(point.rag),
    }


def team_row(row: dict, unit: str) -> dict:
    return {
        "name": row["org_unit_name"] or row["org_unit"],
        "numerator": count_text(row["numerator"]),
        "denominator": count_text(row["denominator"]),
        "value": charts.format_value(row["value"], unit),
        "rag": rag_display(row["rag"]),
    }


def trend_context(measure: dict, points: list[Point]) -> dict:
    if not points:
        return {}
    spec = charts.trend_chart(measure, points)
    target_note = " The dashed line is the target." if any(p.target is not None for p in points) else ""
    label = (f"Line chart of {measure['title']} each month from {points[0].period_end:%B %Y} to "
             f"{points[-1].period_end:%B %Y}.{target_note} The table below the chart gives every value.")
    return {"trend_spec": spec, "trend_svg": inline_svg(spec, label),
            "months": [month_row(p, measure["unit"]) for p in reversed(points)]}


def breakdown_context(measure: dict, rows: list[dict], period: dt.date) -> dict:
    if not rows:
        return {}
    spec = charts.breakdown_chart(measure, rows)
    counted = " (number of children)" if measure["unit"] == "rate_per_10k" else ""
    label = (f"Bar chart of {measure['title']}{counted} by team for the month ending "
             f"{month_ending(period)}. The table below the chart gives every value.")
    return {"breakdown_spec": spec, "breakdown_svg": inline_svg(spec, label),
            "teams": [team_row(r, measure["unit"]) for r in rows]}


def latest_summary(measure: dict, points: list[Point]) -> dict | None:
    if not points:
        return None
    latest, unit = points[-1], measure["unit"]
    return {
        "value": charts.format_value(latest.value, unit),
        "target": target_text(latest.target, unit),
        "rag": rag_display(latest.rag),
        "direction": direction_display(twelve_month_direction(points, measure["polarity"]),
                                       measure["polarity"]),
    }


@require_safe
def measure(request, measure_id: str):
    """One measure: its definition, its trend, and its teams for one month."""
    warehouse = open_warehouse()
    if warehouse is None:
        return no_warehouse(request)
    with warehouse:
        found = warehouse.measure(measure_id)
        if found is None:
            raise Http404("No such measure")
        periods = warehouse.periods()
        period = chosen_period(request, periods)
        points = warehouse.series(measure_id, until=period) if period else []
        teams = warehouse.breakdown(measure_id, period, "team") if period else []
    context = {
        "measure": found,
        "definition": definition_rows(found),
        "period": period,
        "period_text": month_ending(period),
        "periods": [{"iso": p.isoformat(), "text": month_ending(p)} for p in reversed(periods)],
        "summary": latest_summary(found, points),
        "rate_note": found["unit"] == "rate_per_10k",
        **trend_context(found, points),
        **breakdown_context(found, teams, period),
    }
    return render(request, "measure.html", context)
