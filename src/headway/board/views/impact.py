"""One action's impact view: its linked measures before and after it started."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from headway import charts
from headway.board.impact import measure_impacts, split_at
from headway.board.models import Action
from headway.board.permissions import board_view, holds
from headway.web.roles import DISCLOSURE_CONTROL_ROLES
from headway.web.svg import inline_svg
from headway.web.views import open_warehouse

NEITHER = "(a context measure: neither better nor worse)"
DIRECTION_WORDS = {"improving": "Improving since the start", "declining": "Worse since the start",
                   "steady": "About the same", "up": f"Higher since the start {NEITHER}",
                   "down": f"Lower since the start {NEITHER}"}


def display(item: dict, start) -> dict:
    if item["missing"] or not item["points"]:
        return item
    measure, unit = item["measure"], item["measure"]["unit"]
    comparison = item["comparison"]
    before, _ = split_at(item["points"], start)
    first_before = before[0].period_end if before else None
    label = (f"Line chart of {measure['title']} each month, with a vertical line at the action's start on "
             f"{start.day} {start:%B %Y}. The table below gives every value.")
    return {**item,
            "svg": inline_svg(item["spec"], label),
            "before_text": charts.format_value(comparison.before_average, unit),
            "after_text": charts.format_value(comparison.after_average, unit),
            "direction_text": DIRECTION_WORDS.get(comparison.direction, "Not enough months on both sides"),
            "rows": [{"period": p.period_end,
                      "value": "c" if p.period_end in item["hidden"] else charts.format_value(p.value, unit),
                      "side": "After the start" if p.period_end >= start else
                      ("Before (in the comparison)" if first_before and p.period_end >= first_before else "Before")}
                     for p in reversed(item["points"])]}


@require_safe
@board_view("view_board")
def action_impact(request, pk: int):
    action = get_object_or_404(Action, pk=pk)
    warehouse = open_warehouse()
    if warehouse is None:
        return render(request, "board/impact.html", {"action": action, "no_warehouse": True})
    with warehouse:
        items = measure_impacts(warehouse, action.measure_ids, action.start_date,
                                disclosure_control=holds(request.user, DISCLOSURE_CONTROL_ROLES))
    return render(request, "board/impact.html", {"action": action,
                                                 "items": [display(i, action.start_date) for i in items]})
