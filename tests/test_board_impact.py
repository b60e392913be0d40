"""The impact view: a linked measure's trend before and after the action started."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from headway.warehouse.query import Point, Warehouse
from tests.board_fixtures import board_app, board_db, client_for, make_action, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")


def point(day: dt.date, value: float | None) -> Point:
    return Point(day, None, None, value, None, None)


def test_before_is_up_to_twelve_months_before_the_start_and_after_is_from_it():
    from headway.board.impact import compare, split_at

    months = [point(dt.date(2025, m, 28), float(m)) for m in range(1, 13)]
    months += [point(dt.date(2026, m, 28), 20.0 + m) for m in range(1, 4)]
    before, after = split_at(months, dt.date(2026, 1, 15))
    assert [p.value for p in before] == [float(m) for m in range(1, 13)]
    assert [p.value for p in after] == [21.0, 22.0, 23.0]
    result = compare(months, dt.date(2026, 1, 15), "higher_is_better")
    assert (result.before_average, result.after_average, result.direction) == (6.5, 22.0, "improving")
    assert compare(months, dt.date(2026, 1, 15), "lower_is_better").direction == "declining"
    early = compare(months, dt.date(2024, 1, 1), "higher_is_better")
    assert (early.before_months, early.direction) == (0, None)


def test_the_chart_is_the_trend_chart_with_a_rule_at_the_start():
    from headway import charts
    from headway.board.impact import impact_chart

    measure = {"title": "Assessments on time", "unit": "percent"}
    points = [point(dt.date(2026, m, 28), 80.0 + m) for m in range(1, 5)]
    spec = impact_chart(measure, points, dt.date(2026, 2, 1))
    base = charts.trend_chart(measure, points)
    assert spec["layer"][:len(base["layer"])] == base["layer"]
    rule, label = spec["layer"][-2:]
    assert rule["mark"]["type"] == "rule" and rule["data"]["values"][0]["start"] == "2026-02-01"
    assert label["mark"]["type"] == "text"
    assert charts.to_svg(spec).startswith("<svg")


def test_the_impact_page_compares_the_linked_measure_from_the_warehouse(people, sample_settings):
    from django.test import override_settings

    from headway.board.models import LinkedMeasure

    action = make_action(people["officer"], start=dt.date(2025, 10, 1))
    LinkedMeasure.objects.create(action=action, measure_id="A02")
    LinkedMeasure.objects.create(action=action, measure_id="S04")  # in the catalogue, not in this warehouse
    with Warehouse(sample_settings.warehouse_path) as warehouse:
        points = warehouse.series("A02")
    before = [p.value for p in points if p.period_end < dt.date(2025, 10, 1)][-12:]
    after = [p.value for p in points if p.period_end >= dt.date(2025, 10, 1)]
    with override_settings(HEADWAY_SETTINGS=sample_settings):
        response = client_for(people["member"]).get(f"/board/actions/{action.pk}/impact/")
    tree = lxml.html.fromstring(response.content)
    [section] = tree.xpath("//section[@data-measure='A02']")
    values = [dd.text_content() for dd in section.xpath(".//dd")]
    assert values[0] == f"{sum(before) / len(before):,.1f}%" and values[1] == f"{sum(after) / len(after):,.1f}%"
    assert "1 October 2025" in section.xpath(".//svg/@aria-label")[0]
    rows = section.xpath(".//table[contains(@class,'hw-impact-months')]//tbody/tr")
    assert len(rows) == len(points)
    assert sum("After the start" in r.text_content() for r in rows) == len(after)
    assert "not in the published figures" in tree.xpath("//section[@data-measure='S04']")[0].text_content()


def test_no_warehouse_says_so(people, workspace):
    from django.test import override_settings

    action = make_action(people["officer"])
    with override_settings(HEADWAY_SETTINGS=workspace):
        body = client_for(people["officer"]).get(f"/board/actions/{action.pk}/impact/").content.decode()
    assert "No figures have been published yet" in body


def test_members_get_the_impact_figures_after_disclosure_control(people, sample_settings):
    """A month whose authority count is 1 to 5 shows as "c" to a member, and is left out of
    the averages; an officer sees the number."""
    import duckdb
    from django.test import override_settings

    from headway.board.models import LinkedMeasure

    small_month = dt.date(2026, 1, 31)
    with duckdb.connect(str(sample_settings.warehouse_path)) as con:
        con.execute("UPDATE measure_values SET numerator = 3, value = 100.0 * 3 / denominator "
                    "WHERE measure_id = 'A02' AND period_end = ? AND org_level = 'authority'", [small_month])
    action = make_action(people["officer"], start=dt.date(2025, 10, 1))
    LinkedMeasure.objects.create(action=action, measure_id="A02")

    def month_value(user) -> str:
        with override_settings(HEADWAY_SETTINGS=sample_settings):
            page = lxml.html.fromstring(client_for(user).get(f"/board/actions/{action.pk}/impact/").content)
        [row] = [r for r in page.xpath("//table[contains(@class,'hw-impact-months')]//tbody/tr")
                 if r.xpath("string(th)") == "31 January 2026"]
        return row.xpath("string(td[1])")

    assert month_value(people["member"]) == "c"
    assert month_value(people["officer"]) not in ("c", "no data")
