"""The workforce digest page (/workforce/): establishment, vacancy gap, agency workers,
turnover, leavers and caseloads against cohort targets, month by month, for one org
unit (?unit=level:id: the authority, a service area or a team; never a worker) up to
one month (?period=YYYY-MM-DD). The figures are headway.measures.workforce_digest's.

Scope is the scorecard's: the unit must be one the user may see (access.py), a
service area counts its own teams, and the table of teams lists only teams the user
may see. Scrutiny members see the authority and service areas only, with every
figure through disclosure control (reports.sdc: an FTE or headcount of 1 to 5, and
any percentage or average worked out from one, shown as "c"). Whether a caseload is
within its target is said in words, never by colour alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from headway import charts
from headway.measures.workforce_digest import COHORTS, DigestMonth, Trend, digest, team_at_target, trends
from headway.reports import sdc
from headway.warehouse.query import Point
from headway.web.access import OrgTree, Permission, requires
from headway.web.svg import inline_svg
from headway.web.views import month_ending, open_unit_page, unit_name, unit_query

WITHIN, OVER = "At or under target", "Over target"


def _teams_of(org: OrgTree, level: str, unit: str):
    """Which workforce teams a unit counts: all of them, a service area's, or one."""
    if level == "authority":
        return lambda team: True
    if level == "service":
        teams = {u for lv, u in org.children("service", unit) if lv == "team"}
        return lambda team: team in teams
    return lambda team: team == unit


# Counts that add up over service areas to the authority's, and the figures that would
# give each away if shown (the agency FTE follows from the agency rate, the vacancy gap
# and the establishment together), for secondary suppression.
ADDITIVE = (("agency_fte", ("agency_fte", "agency_rate", "vacancy_gap")), ("leavers_month", ("leavers",)))


def _cells(month: DigestMonth, also_hidden: frozenset[str] = frozenset()) -> dict[str, sdc.Cell]:
    """Each trend's figure for one month as a disclosure-controlled cell: people counted
    in FTE (or, for leavers, heads) are the counts a small number would give away.
    `also_hidden`: trends hidden by secondary suppression."""
    values = {t.key: t.value(month) for t in trends()}
    in_post = month.agency_fte + month.permanent_fte
    based_on = {
        "vacancy_gap": (month.agency_fte, month.permanent_fte), "agency_fte": (month.agency_fte,),
        "agency_rate": (month.agency_fte, in_post), "turnover": (month.leavers_12m_fte, month.permanent_fte),
        "leavers": (month.leavers_month,),
        **{f"caseload_{c}": (month.totals[f"{c}_cases"], month.totals[f"{c}_fte"]) for c in COHORTS},
    }
    cells = sdc.suppress([sdc.Cell(t.unit, values[t.key], based_on.get(t.key, ())) for t in trends()])
    return {t.key: replace(cell, suppressed=cell.suppressed or t.key in also_hidden)
            for t, cell in zip(trends(), cells)}


def _secondary(org: OrgTree, rows: list[dict], targets: dict, place: tuple[str, str]) -> dict:
    """period -> trends hidden at `place` so that no service area's hidden count can be
    worked out from the authority's and the other service areas' (sdc.suppress_parts)."""
    services = org.units("service")
    by_unit = {unit: {m.period_end: m for m in digest(rows, _teams_of(org, "service", unit), targets)}
               for unit in services}
    authority = {m.period_end: m for m in digest(rows, _teams_of(org, "authority", ""), targets)}
    hidden: dict = {}
    for period, total in authority.items():
        for count, shown_from in ADDITIVE:
            parts = [sdc.Cell("count", getattr(by_unit[u][period], count) if period in by_unit[u] else None)
                     for u in services]
            parts, whole = sdc.suppress_parts(parts, sdc.Cell("count", getattr(total, count)))
            cell = whole if place[0] == "authority" else dict(zip(services, parts)).get(place[1])
            if cell is not None and cell.suppressed:
                hidden.setdefault(period, set()).update(shown_from)
    return {period: frozenset(keys) for period, keys in hidden.items()}


def _status(value: float | None, target: float | None) -> str:
    if target is None or value is None:
        return ""
    return WITHIN if value <= target else OVER


def _trend_section(trend: Trend, months: list[DigestMonth], targets: dict, unit_text: str,
                   hidden: dict | None) -> dict:
    """One trend: its chart (suppressed months left out), latest figure and month-by-month
    table. `hidden` (disclosure control only): period -> trends hidden by secondary suppression."""
    target = trend.target(targets)
    cells = [_cells(m, hidden.get(m.period_end, frozenset()))[trend.key] if hidden is not None
             else sdc.Cell(trend.unit, trend.value(m)) for m in months]
    points = [Point(m.period_end, None, None, None if c.suppressed else c.value, target, None)
              for m, c in zip(months, cells)]
    rows = [{"period": month_ending(m.period_end), "value": sdc.show(c, "no data"),
             "target": charts.format_value(target, trend.unit) if target is not None else "No target",
             "status": "" if c.suppressed else _status(c.value, target)}
            for m, c in zip(months, cells)]
    if trend.key == "teams_at_target":
        for row, m in zip(rows, months):
            row["value"] = f"{m.teams_at_target} of {m.teams_with_cases}" if m.teams_with_cases else "no data"
    spec = charts.workforce_chart(trend.title, trend.unit, points)
    target_words = f" The dashed line is the target, {charts.format_value(target, trend.unit)}." if target else ""
    label = (f"Line chart of {trend.title.lower()} for {unit_text} each month from {months[0].period_end:%B %Y} "
             f"to {months[-1].period_end:%B %Y}.{target_words} The table below the chart gives every value.")
    return {"key": trend.key, "title": trend.title, "note": trend.note, "svg": inline_svg(spec, label),
            "latest": rows[-1], "months": list(reversed(rows))}


def _team_rows(request, org: OrgTree, rows: list[dict], month: dt.date, in_unit, targets: dict,
               period: dt.date) -> list[dict]:
    """The latest month's caseload by team, for the teams in the unit the user may see."""
    shown = []
    for row in rows:
        team = row["team_id"]
        if row["census_date"] != month or not in_unit(team) or not request.access.may_see_unit(org, "team", team):
            continue
        fte = sum(row.get(f"{c}_fte") or 0 for c in COHORTS)
        cases = sum(row.get(f"{c}_cases") or 0 for c in COHORTS)
        capacity = sum((row.get(f"{c}_fte") or 0) * targets[c] for c in COHORTS)
        judged = team_at_target(row, targets)
        shown.append({
            "name": org.name("team", team),
            "url": reverse("workforce") + unit_query("team", team, period),
            "cases": f"{cases:,}", "fte": charts.format_value(fte, "fte"),
            "caseload": charts.format_value(cases / fte, "average") if fte else "no data",
            "target": charts.format_value(capacity / fte, "average") if fte else "no data",
            "status": "" if judged is None else (WITHIN if judged else OVER),
            "complex": "Yes" if row["complex_needs"] else "No",
        })
    return sorted(shown, key=lambda r: r["name"])


@requires(Permission.FIGURES)
@require_safe
def workforce(request):
    page = open_unit_page(request)
    if isinstance(page, HttpResponse):
        return page
    org, place, periods, period = page.org, page.place, page.periods, page.period
    level, unit = place
    with page.warehouse:
        if level == "worker":
            raise Http404("The workforce digest is for the authority, a service area or a team")
        rows = page.warehouse.workforce_team_months(until=period) if period else []
        header = page.header(request, reverse("workforce"))
    targets = settings.HEADWAY_SETTINGS.caseload_targets
    in_unit = _teams_of(org, level, unit)
    months = [m for m in digest(rows, in_unit, targets) if m.period_end >= periods[0]] if periods else []
    controlled = request.access.disclosure_control
    unit_text = unit_name(org, level, unit)
    hidden = _secondary(org, rows, targets, place) if controlled else None
    sections = [_trend_section(t, months, targets, unit_text, hidden) for t in trends()] if months else []
    teams = [] if controlled or level == "team" or not months else _team_rows(
        request, org, rows, months[-1].period_end, in_unit, targets, period)
    return render(request, "workforce.html", {
        **header,
        "latest": month_ending(months[-1].period_end) if months else None,
        "targets": [{"cohort": c.replace("_", " "), "target": charts.format_value(targets[c], "average")}
                    for c in COHORTS],
        "sections": sections,
        "teams": teams,
    })
