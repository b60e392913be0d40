"""The dashboard's figures: the scorecard (/) and one page per measure (/measures/<id>/),
each for one org unit (?unit=level:id) and one month (?period=YYYY-MM-DD), drilling
down authority -> service area -> team -> worker and keeping the month.

Every figure comes from the published warehouse through headway.warehouse.query:
the snapshot this server process keeps open (Warehouse.shared), which moves to the
next file when a refresh publishes one. What is the same for everyone who may see a
unit (its query results, the scorecard's rendered table) is worked out once per
snapshot (Warehouse.cached); which units a user may see is decided after that, on
every request, by headway.web.access (request.access) and nowhere here. Scrutiny
members' figures go through headway.web.disclosure. Views turn query results into
plain rows of display text, so templates only lay things out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from headway import charts
from headway.errors import HeadwayError
from headway.measures.catalogue import BASIS_WORDS, POLARITY_WORDS, source_words
from headway.measures.rag import RAG_WORDS, direction
from headway.warehouse.query import ORG_LEVELS, Point, Warehouse
from headway.web import disclosure
from headway.web.access import OrgTree, Permission, require_unit, requires
from headway.web.svg import inline_svg

SERVICE_NAME = "Headway"
LEVEL_WORDS = {"authority": "authority", "service": "service area", "team": "team", "worker": "worker"}
CHILD_LEVEL = {"authority": "service", "service": "team", "team": "worker"}
HIDDEN_RAG = {"word": "Not shown", "tag_class": "govuk-tag--grey"}
RAG_TAG_CLASSES = {"G": "govuk-tag--green", "A": "govuk-tag--yellow", "R": "govuk-tag--red",
                   None: "govuk-tag--grey"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_WARNINGS_SHOWN = 10  # the rest are in `headway validate`'s report
# A bar chart of more units than this is too tall to read (a large authority has 900
# teams) and takes vl-convert seconds to draw: the table alone lists them.
MAX_CHART_BARS = 60


# --- shared helpers ------------------------------------------------------------
def site_context(request) -> dict:
    """Template context for every page: the service and authority names."""
    return {"service_name": SERVICE_NAME, "authority_name": settings.HEADWAY_SETTINGS.la_name}


def open_warehouse() -> Warehouse | None:
    """The published warehouse, or None if nothing has been published yet."""
    try:
        return Warehouse.shared(settings.HEADWAY_SETTINGS.warehouse_path)
    except HeadwayError:
        return None


def no_warehouse(request):
    return render(request, "no_warehouse.html")


def nothing_in_scope(request):
    """A user whose scope names no unit the published figures have."""
    return render(request, "no_access.html", {"access": request.access, "nothing_published": True}, status=403)


# --- where in the organisation ---------------------------------------------------------
def chosen_unit(request, org: OrgTree) -> tuple[str, str] | None:
    """?unit=level:id (400 if malformed, 404 if unknown or outside the user's scope), else
    the first unit at the top of the user's scope; None if they can see no unit at all."""
    text = request.GET.get("unit")
    if not text:
        homes = request.access.home_units(org)
        return homes[0] if homes else None
    level, colon, unit = text.partition(":")
    if not colon or level not in ORG_LEVELS or not unit:
        raise BadRequest("unit must be written level:id, for example team:T1")
    require_unit(request, org, level, unit)
    return level, unit


@dataclass(frozen=True)
class UnitPage:
    """What every page of figures for one org unit and month starts from."""

    warehouse: Warehouse
    org: OrgTree
    level: str
    unit: str
    periods: list[dt.date]
    period: dt.date | None

    @property
    def place(self) -> tuple[str, str]:
        return self.level, self.unit

    def header(self, request, path: str) -> dict:
        """Template context for the unit's name, breadcrumbs, picker and month choice
        (before the warehouse is closed: the picker's options are kept with the snapshot)."""
        picker = unit_picker(request, self.org)
        return {
            "unit_name": unit_name(self.org, self.level, self.unit),
            "unit_level": LEVEL_WORDS[self.level],
            "unit_key": f"{self.level}:{self.unit}",
            "picker_count": len(picker),
            "picker_options": select_options(self.warehouse, picker, f"{self.level}:{self.unit}"),
            "crumbs": breadcrumbs(request, self.org, self.level, self.unit, self.period, path),
            "period_iso": self.period.isoformat() if self.period else "",
            "periods": [{"iso": p.isoformat(), "text": month_ending(p)} for p in reversed(self.periods)],
            "disclosure_control": request.access.disclosure_control,
        }


def open_unit_page(request) -> UnitPage | HttpResponse:
    """Open the warehouse and choose the unit (?unit=, checked against the user's scope)
    and month (?period=). A response to send instead when nothing is published or the
    user can see no unit. The caller closes page.warehouse (`with page.warehouse:`)."""
    warehouse = open_warehouse()
    if warehouse is None:
        return no_warehouse(request)
    try:
        org = OrgTree.from_warehouse(warehouse)
        place = chosen_unit(request, org)
        if place is None:
            warehouse.close()
            return nothing_in_scope(request)
        periods = warehouse.periods()
        return UnitPage(warehouse, org, *place, periods, chosen_period(request, periods))
    except BaseException:
        warehouse.close()
        raise


def unit_query(level: str, unit: str, period: dt.date | None) -> str:
    """The query string that keeps a unit and a month when following a link."""
    params = {"unit": f"{level}:{unit}"}
    if period:
        params["period"] = period.isoformat()
    return "?" + urlencode(params)


def unit_name(org: OrgTree, level: str, unit: str) -> str:
    return org.name(level, unit)


def unit_picker(request, org: OrgTree) -> tuple[tuple[str, str], ...]:
    """(value, text) for every unit above worker level the user may see (the filter list is scoped too)."""
    options = []
    for level in request.access.levels:
        if level == "worker":
            continue  # reached from a team's page; a list of every worker would be too long
        for unit in request.access.visible_units(org, level):
            options.append((f"{level}:{unit}", f"{unit_name(org, level, unit)} ({LEVEL_WORDS[level]})"))
    return tuple(options)


def select_options(warehouse: Warehouse, choices: tuple[tuple[str, str], ...], selected: str) -> SafeString:
    """The <option> elements of a select, one per (value, text), the selected one marked.
    A large authority's lists run to a thousand teams, so each list is rendered once per
    snapshot; `choices` is what this user may choose from (their scope, decided before
    this), and the key is the whole list, so nobody gets another user's options. The
    list is kept unmarked and the chosen option marked per page: kept per chosen unit,
    a thousand teams' pages would each render and keep a thousand options."""
    options = warehouse.cached(("options", choices), lambda: format_html_join(
        "", '<option value="{}">{}</option>', choices))
    chosen = format_html('<option value="{}">', selected)
    return mark_safe(options.replace(chosen, chosen[:-1] + " selected>", 1))


def breadcrumbs(request, org: OrgTree, level: str, unit: str, period, path: str) -> list[dict]:
    """The units above this one, each a link if the user may see it."""
    crumbs = []
    for up_level, up_unit in reversed(org.chain(level, unit)[1:]):
        if request.access.may_see_unit(org, up_level, up_unit):
            crumbs.append({"text": unit_name(org, up_level, up_unit),
                           "url": path + unit_query(up_level, up_unit, period)})
    return crumbs


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


def rag_display(code: str | None, hidden: bool = False) -> dict:
    if hidden:  # a rating would hint at a value shown as "c"
        return HIDDEN_RAG
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


def shown_unit(measure: dict, level: str) -> str:
    """Rates exist only for the whole authority (no population below it): a service,
    team or worker shows the number of children instead."""
    return "count" if measure["unit"] == "rate_per_10k" and level != "authority" else measure["unit"]


def shown_points(measure: dict, level: str, points: list[Point]) -> list[Point]:
    if shown_unit(measure, level) == measure["unit"]:
        return points
    return [Point(p.period_end, p.numerator, None, p.numerator, None, None) for p in points]


# --- scorecard -------------------------------------------------------------------
def scorecard_row(card: dict, level: str, query: str, disclosed: list | None) -> dict:
    """One measure's row. `disclosed` (scrutiny members) replaces the raw figures."""
    unit = shown_unit(card, level)
    trend = shown_points(card, level, card["trend"])
    latest = trend[-1] if trend else None
    hidden = False
    direction_word = card["direction_12m"] if unit == card["unit"] else None
    value = charts.format_value(latest.value if latest else None, unit)
    if disclosed is not None:
        latest_row = disclosed[-1] if disclosed else None
        hidden = bool(latest_row and latest_row.hidden)
        value = disclosure.show(latest_row.value, "no data") if latest_row else "no data"
        trend = [r.as_point() for r in disclosed[-12:]]
        year_ago = disclosed[-13] if len(disclosed) >= 13 else None
        direction_word = None if hidden or (year_ago and year_ago.hidden) else direction_word
    values = [p for p in trend if p.value is not None]
    return {
        "id": card["measure_id"],
        "title": card["title"],
        "url": reverse("measure", args=[card["measure_id"]]) + query,
        "value": value,
        "target": target_text(latest.target if latest else card["target"], unit) if unit == card["unit"]
        else "No target",
        "rag": rag_display(latest.rag if latest else None, hidden),
        "direction": direction_display(direction_word, card["polarity"]),
        "sparkline": inline_svg(charts.sparkline(trend)) if len(values) >= 2 else "",
    }


def scorecard_table(warehouse: Warehouse, place: tuple[str, str], period: dt.date | None,
                    disclosure_control: bool) -> dict:
    """The scorecard's rows, rendered, and the measures not calculated. The same for
    everyone allowed to see the unit (and, for scrutiny members, after the same
    disclosure control), so worked out once per snapshot; the caller has already
    checked that the user may see `place`."""
    def work_out() -> dict:
        cards = warehouse.scorecard(*place, period_end=period)
        disclosed = {}
        if disclosure_control:
            for card in cards:
                rows = disclosure.disclosed_rows(warehouse, card, until=period)
                disclosed[card["measure_id"]] = disclosure.series(rows, *place)
        query = unit_query(*place, period)
        rows = [scorecard_row(c, place[0], query, disclosed.get(c["measure_id"]) if disclosure_control else None)
                for c in cards if c["status"] == "ok"]
        return {"rows_html": render_to_string("_scorecard_rows.html", {"rows": rows}),
                "not_calculated": [c for c in cards if c["status"] != "ok"]}
    return warehouse.cached(("scorecard table", place, period, disclosure_control), work_out)


@requires(Permission.FIGURES)
@require_safe
def scorecard(request):
    """Every measure for one org unit (the top of the user's scope unless asked) and month."""
    page = open_unit_page(request)
    if isinstance(page, HttpResponse):
        return page
    with page.warehouse:
        table = scorecard_table(page.warehouse, page.place, page.period, request.access.disclosure_control)
        info = page.warehouse.info()
        header = page.header(request, reverse("scorecard"))
    return render(request, "scorecard.html", {
        **header,
        "period": month_ending(page.period),
        "built_at": built_at_text(info.get("built_at")),
        "la_name": info.get("la_name") or settings.HEADWAY_SETTINGS.la_name,
        **table,
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


def month_row(point: Point, unit: str, disclosed=None) -> dict:
    if disclosed is not None:
        return {"period": month_ending(point.period_end), "period_iso": point.period_end.isoformat(),
                "numerator": disclosure.show(disclosed.numerator), "denominator": disclosure.show(disclosed.denominator),
                "value": disclosure.show(disclosed.value, "no data"), "target": target_text(point.target, unit),
                "rag": rag_display(point.rag, disclosed.hidden)}
    return {
        "period": month_ending(point.period_end),
        "period_iso": point.period_end.isoformat(),
        "numerator": count_text(point.numerator),
        "denominator": count_text(point.denominator),
        "value": charts.format_value(point.value, unit),
        "target": target_text(point.target, unit),
        "rag": rag_display(point.rag),
    }


def trend_context(measure: dict, points: list[Point], disclosed: list | None, unit_text: str) -> dict:
    if not points:
        return {}
    shown = [r.as_point() for r in disclosed] if disclosed is not None else points
    spec = charts.trend_chart(measure, shown)
    target_note = " The dashed line is the target." if any(p.target is not None for p in points) else ""
    hidden_note = " Months shown as c in the table are left out." if disclosed and any(
        r.hidden for r in disclosed) else ""
    label = (f"Line chart of {measure['title']} for {unit_text} each month from {points[0].period_end:%B %Y} to "
             f"{points[-1].period_end:%B %Y}.{target_note}{hidden_note} The table below the chart gives every value.")
    by_month = {r.period_end: r for r in disclosed} if disclosed is not None else {}
    months = [month_row(p, measure["unit"], by_month.get(p.period_end) if disclosed is not None else None)
              for p in reversed(points)]
    return {"trend_spec": spec, "trend_svg": inline_svg(spec, label), "months": months}


BREAKDOWNS = {  # level -> (key, heading word, the id of the chart's JSON spec in the page)
    "service": ("services", "service area", "services-spec"),
    "team": ("teams", "team", "breakdown-spec"),
    "worker": ("workers", "worker", "workers-spec"),
}


def breakdown_section(measure: dict, level: str, rows: list[dict], period: dt.date,
                      disclosed: list | None = None) -> dict:
    """One chart and table of the units at a level (`rows`: those the user may see),
    each linking to its own page."""
    key, word, spec_id = BREAKDOWNS[level]
    unit = shown_unit(measure, level)
    path = reverse("measure", args=[measure["measure_id"]])
    hidden = {r.org_unit: r for r in disclosed} if disclosed is not None else None
    table, chart_rows = [], []
    for r in rows:
        cells = hidden.get(r["org_unit"]) if hidden is not None else None
        table.append({
            "name": r["org_unit_name"] or r["org_unit"],
            "url": path + unit_query(level, r["org_unit"], period),
            "numerator": disclosure.show(cells.numerator) if cells else count_text(r["numerator"]),
            "denominator": disclosure.show(cells.denominator) if cells else count_text(r["denominator"]),
            "value": disclosure.show(cells.value, "no data") if cells else charts.format_value(
                r["numerator"] if unit != measure["unit"] else r["value"], unit),
            "rag": rag_display(r["rag"], bool(cells and cells.hidden)),
        })
        chart_rows.append({**r, "numerator": None if cells and cells.numerator.suppressed else r["numerator"],
                           "value": None if cells and cells.hidden else r["value"]})
    section = {"key": key, "word": word, "spec_id": spec_id, "rows": table,
               "counts_only": unit != measure["unit"] or measure["unit"] == "rate_per_10k"}
    if len(chart_rows) > MAX_CHART_BARS:
        return {**section, "too_many_to_chart": True}
    spec = charts.breakdown_chart(measure, chart_rows)
    counted = " (number of children)" if unit != measure["unit"] or measure["unit"] == "rate_per_10k" else ""
    label = (f"Bar chart of {measure['title']}{counted} by {word} for the month ending "
             f"{month_ending(period)}. The table below the chart gives every value.")
    return {**section, "spec": spec, "svg": inline_svg(spec, label)}


def rendered_section(warehouse: Warehouse, measure: dict, level: str, parent: str | None, rows: list[dict],
                     visible: tuple[str, ...], period: dt.date, disclosed: list | None) -> SafeString:
    """breakdown_section() of the `visible` units as HTML. An authority's table of every
    team runs to a thousand rows, so each is rendered once per snapshot; `visible` (the
    units this user may see, decided before this) is part of the key, so a user only
    ever gets a table of the units they may see."""
    def render_section() -> SafeString:
        allowed = set(visible)
        shown = [r for r in rows if r["org_unit"] in allowed]
        section = breakdown_section(measure, level, shown, period, disclosed)
        return render_to_string("_breakdown_section.html", {
            "section": section, "measure": measure, "period_text": month_ending(period)})
    key = ("breakdown section", measure["measure_id"], period, level, parent, disclosed is not None, visible)
    return warehouse.cached(key, render_section)


def breakdowns(request, warehouse, org: OrgTree, measure: dict, place: tuple[str, str], period: dt.date,
               disclosed_all: list | None) -> list[dict]:
    """Authority: by service area, then every team side by side. Service area: its teams.
    Team: its workers. Scrutiny members: service areas only, after disclosure control."""
    level, unit = place
    measure_id = measure["measure_id"]
    wanted = []
    if level == "authority":
        wanted = [("service", None), ("team", None)]
    elif level in ("service", "team"):
        wanted = [(CHILD_LEVEL[level], unit)]
    sections = []
    for below, parent in wanted:
        if below not in request.access.levels:
            continue
        rows = warehouse.breakdown(measure_id, period, below, parent_unit=parent)
        visible = tuple(r["org_unit"] for r in rows if request.access.may_see_unit(org, below, r["org_unit"]))
        if not visible:
            continue
        disclosed = disclosure.breakdown(disclosed_all, period, below) if disclosed_all is not None else None
        sections.append(rendered_section(warehouse, measure, below, parent, rows, visible, period, disclosed))
    return sections


def latest_summary(measure: dict, points: list[Point], unit: str, disclosed: list | None) -> dict | None:
    if not points:
        return None
    latest = points[-1]
    if disclosed:
        row, year_ago = disclosed[-1], (disclosed[-13] if len(disclosed) >= 13 else None)
        word = None if row.hidden or (year_ago and year_ago.hidden) else twelve_month_direction(
            points, measure["polarity"])
        return {"value": disclosure.show(row.value, "no data"), "target": target_text(latest.target, unit),
                "rag": rag_display(latest.rag, row.hidden), "direction": direction_display(word, measure["polarity"])}
    return {
        "value": charts.format_value(latest.value, unit),
        "target": target_text(latest.target, unit),
        "rag": rag_display(latest.rag),
        "direction": direction_display(twelve_month_direction(points, measure["polarity"]),
                                       measure["polarity"]),
    }


@requires(Permission.FIGURES)
@require_safe
def measure(request, measure_id: str):
    """One measure for one org unit: definition, trend, and the units below it, for one month."""
    page = open_unit_page(request)
    if isinstance(page, HttpResponse):
        return page
    warehouse, org, place, periods, period = page.warehouse, page.org, page.place, page.periods, page.period
    level, unit = place
    with warehouse:
        found = warehouse.measure(measure_id)
        if found is None:
            raise Http404("No such measure")
        points = shown_points(found, level, warehouse.series(measure_id, level, unit, until=period) if period else [])
        disclosed_all = (disclosure.disclosed_rows(warehouse, found, until=period)
                         if request.access.disclosure_control else None)
        disclosed = disclosure.series(disclosed_all, level, unit) if disclosed_all is not None else None
        sections = breakdowns(request, warehouse, org, found, place, period, disclosed_all) if period else []
        warnings = warehouse.load_warnings(measure_id)
    shown = {**found, "unit": shown_unit(found, level)}
    unit_text = unit_name(org, level, unit)
    path = reverse("measure", args=[measure_id])
    context = {
        "measure": found,
        "definition": definition_rows(found),
        "period": period,
        "period_text": month_ending(period),
        "periods": [{"iso": p.isoformat(), "text": month_ending(p)} for p in reversed(periods)],
        "unit_name": unit_text,
        "unit_level": LEVEL_WORDS[level],
        "unit_key": f"{level}:{unit}",
        "crumbs": breadcrumbs(request, org, level, unit, period, path),
        "scorecard_url": reverse("scorecard") + unit_query(level, unit, period),
        "summary": latest_summary(shown, points, shown["unit"], disclosed),
        "value_label": "Value" if shown["unit"] == found["unit"] else "Number of children",
        "rate_note": found["unit"] == "rate_per_10k",
        "disclosure_control": request.access.disclosure_control,
        "sections": sections,
        "load_warnings": [{**w, "source": source_words(w["source_table"])} for w in warnings[:MAX_WARNINGS_SHOWN]],
        "load_warning_count": len(warnings),
        **trend_context(shown, points, disclosed, unit_text),
    }
    return render(request, "measure.html", context)
