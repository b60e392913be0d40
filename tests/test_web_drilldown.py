"""Drill-down (authority -> service area -> team -> worker, keeping the month), the team
comparison, a data table beside every chart, RAG in words, and what a scrutiny member
sees: counts of 1 to 5 as "c", with secondary suppression."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from headway import charts
from headway.measures.rag import RAG_WORDS
from headway.reports import sdc
from headway.warehouse.query import Warehouse
from tests.web_helpers import app, cells, page_of, visible_text, visit  # noqa: F401 (fixtures)

PERIOD = dt.date(2025, 8, 31)  # not the latest month: the drill-down must keep it
RAG_TEXTS = set(RAG_WORDS.values()) | {"Not shown"}


def link_in(page, table_class: str, text: str) -> str:
    return page.xpath(f"//table[contains(@class,'{table_class}')]//a[normalize-space()='{text}']")[0].get("href")


def selected_period(page) -> str:
    return page.xpath("//select[@id='period']/option[@selected]")[0].get("value")


def summary_value(page) -> str:
    """The latest month's figure on a measure page (its label says what it is)."""
    row = page.xpath("//dl[contains(@class,'hw-summary')]/div[1]/dd")[0]
    return " ".join(row.text_content().split())


def test_drill_down_from_authority_to_worker_keeps_the_month(app, visit):
    client = visit("executive")
    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        expected = {level: warehouse.series("A02", level, unit, until=PERIOD)[-1].value
                    for level, unit in [("authority", "999"), ("service", "Assessment"), ("team", "T1"),
                                        ("worker", "W1")]}
    page = page_of(client.get(f"/measures/A02/?period={PERIOD}"))
    assert summary_value(page) == charts.format_value(expected["authority"], "percent")
    steps = [("hw-services", "Assessment", "service"), ("hw-teams", "Assessment Team", "team"),
             ("hw-workers", "Worker One", "worker")]
    for table, name, level in steps:
        url = link_in(page, table, name)
        assert f"period={PERIOD}" in url, url
        response = client.get(url)
        assert response.status_code == 200, url
        page = page_of(response)
        assert selected_period(page) == PERIOD.isoformat()
        assert summary_value(page) == charts.format_value(expected[level], "percent"), level
        assert name in page.xpath("//span[contains(@class,'govuk-caption-l')]")[0].text_content()
    crumbs = page.xpath("//nav[contains(@class,'govuk-breadcrumbs')]//a")
    assert [c.text_content() for c in crumbs] == ["Synthetic Borough", "Assessment", "Assessment Team"]
    assert all(f"period={PERIOD}" in c.get("href") for c in crumbs)
    assert not page.xpath("//table[contains(@class,'hw-workers') or contains(@class,'hw-teams')]")


def test_the_authority_page_compares_every_team(app, visit):
    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        teams = warehouse.breakdown("A02", PERIOD, "team")
    page = page_of(visit("executive").get(f"/measures/A02/?period={PERIOD}"))
    rows = [cells(r) for r in page.xpath("//table[contains(@class,'hw-teams')]/tbody/tr")]
    assert rows == [[t["org_unit_name"], f"{t['numerator']:,.0f}", f"{t['denominator']:,.0f}",
                     charts.format_value(t["value"], "percent"), RAG_WORDS[t["rag"]]] for t in teams]


def test_the_scorecard_follows_the_chosen_unit(app, visit):
    client = visit("executive")
    page = page_of(client.get("/?unit=team:T2"))
    assert "Safeguarding Team" in page.xpath("//caption")[0].text_content()
    link = page.xpath("//tr[@data-measure-id='P03']//a")[0].get("href")
    assert "unit=team%3AT2" in link
    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        latest = warehouse.series("P03", "team", "T2")[-1]
    value = page.xpath("//tr[@data-measure-id='P03']/td[contains(@class,'hw-value')]")[0].text_content()
    assert value == charts.format_value(latest.value, "percent")


@pytest.mark.parametrize("url", ["/measures/A02/?period=2025-08-31", "/measures/A02/?unit=service:Assessment",
                                 "/measures/L01/?unit=team:T2", "/measures/P01/"])
def test_every_chart_has_a_data_table_and_every_rating_a_word(visit, url):
    page = page_of(visit("executive").get(url))
    figures = page.xpath("//figure[contains(@class,'hw-chart')]")
    assert figures
    for figure in figures:
        svg = figure.xpath(".//*[local-name()='svg']")[0]
        assert svg.get("role") == "img" and svg.get("aria-label")
        following = figure.xpath("following::table[1]")
        assert following and following[0].find("caption") is not None
    for tag in page.xpath("//*[contains(@class,'govuk-tag') and not(contains(@class,'phase-banner'))]"):
        assert " ".join(tag.text_content().split()) in RAG_TEXTS | {"Alpha"}


def test_rate_measures_show_children_below_the_authority(app, visit):
    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        latest = warehouse.series("L01", "team", "T2")[-1]
    page = page_of(visit("executive").get("/measures/L01/?unit=team:T2"))
    assert summary_value(page) == f"{latest.numerator:,.0f}"
    # and the figure says what it is: a number of children, not the rate
    assert page.xpath("//dl[contains(@class,'hw-summary')]//dt/text()")[0] == "Number of children"
    authority = page_of(visit("executive").get("/measures/L01/"))
    assert authority.xpath("//dl[contains(@class,'hw-summary')]//dt/text()")[0] == "Value"


# --- scrutiny members: disclosure control --------------------------------------------------
def test_a_member_sees_c_for_small_counts_on_the_scorecard(app, visit):
    page = page_of(visit("member").get("/"))
    assert "shown as c" in visible_text_of(page)
    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        period = warehouse.latest_period()
        measures = {m["measure_id"]: m for m in warehouse.measures()}
        seen_c = False
        for row in page.xpath("//table[contains(@class,'hw-scorecard')]//tr[@data-measure-id]"):
            measure_id = row.get("data-measure-id")
            points = warehouse.series(measure_id, until=period)
            value = row.xpath("./td[contains(@class,'hw-value')]")[0].text_content()
            if not points:
                assert value == "no data", measure_id
                continue
            point = points[-1]
            rating = " ".join(row.xpath("./td[contains(@class,'hw-rag')]")[0].text_content().split())
            small = sdc.is_small(point.numerator) or sdc.is_small(point.denominator)
            assert (value == "c") is small, (measure_id, point, value)
            if small:
                seen_c = True
                assert rating == "Not shown"
            else:
                assert value == charts.format_value(point.value, measures[measure_id]["unit"])
    assert seen_c, "the hand-made authority has small counts: some must be shown as c"


def visible_text_of(page) -> str:
    return " ".join(page.text_content().split())


NUMBER = re.compile(r"^\d[\d,]*$")


def assert_no_small_count(values: list[str], where: str) -> None:
    for value in values:
        if NUMBER.match(value):
            assert not 1 <= int(value.replace(",", "")) <= 5, f"a count of {value} shown in {where}"


@pytest.mark.parametrize("measure_id", ["R02", "A02", "S03", "P01", "P03", "L01"])
def test_a_member_never_sees_a_count_of_one_to_five_and_no_hidden_count_can_be_derived(app, visit, measure_id):
    client = visit("member")
    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        periods = warehouse.periods()
    for period in periods[-6:]:
        page = page_of(client.get(f"/measures/{measure_id}/?period={period}"))
        months = [cells(r) for r in page.xpath("//table[contains(@class,'hw-months')]/tbody/tr")]
        for row in months:
            assert_no_small_count(row[1:3], f"{measure_id} months table")
        services = [cells(r) for r in page.xpath("//table[contains(@class,'hw-services')]/tbody/tr")]
        for row in services:
            assert_no_small_count(row[1:3], f"{measure_id} services table")
        assert not page.xpath("//table[contains(@class,'hw-teams') or contains(@class,'hw-workers')]")
        this_month = next((m for m in months if m[0] == f"{period.day} {period:%B %Y}"), None)
        if this_month and services and this_month[1] != "c":
            hidden = [row for row in services if row[1] == "c"]
            assert len(hidden) != 1, f"{measure_id} {period}: one hidden service count beside a shown total"


def test_a_member_s_charts_leave_hidden_values_out(app, visit):
    import json

    page = page_of(visit("member").get("/measures/P01/"))
    spec = json.loads(page.xpath("//script[@id='trend-spec']")[0].text)
    months = {r.get("data-period"): cells(r) for r in page.xpath("//table[contains(@class,'hw-months')]/tbody/tr")}
    for point in spec["data"]["values"]:
        if months[point["period_end"]][3] == "c":
            assert point["value"] is None, point


# --- secondary suppression itself (headway.reports.sdc.suppress_parts) ---------------------
def derivable(parts: list[sdc.Cell], total: sdc.Cell) -> bool:
    """Whether some hidden part can be worked out: exactly one unknown in parts = total."""
    return not total.suppressed and sum(c.suppressed for c in parts) == 1


@pytest.mark.parametrize("values, total", [
    ((3, 40, 17), 60), ((0, 2, 9, 30), 41), ((4,), 4), ((1, 2, 50), 53), ((7, 8, 9), 24), ((6, 0, 3, 0), 9),
])
def test_secondary_suppression_leaves_nothing_derivable(values, total):
    parts, shown_total = sdc.suppress_parts([sdc.Cell("count", v) for v in values], sdc.Cell("count", total))
    assert not derivable(parts, shown_total), (values, [c.suppressed for c in parts], shown_total.suppressed)
    for cell, value in zip(parts, values):
        if sdc.is_small(value):
            assert cell.suppressed  # primary suppression is kept


def test_secondary_suppression_hides_the_next_smallest_positive_count():
    parts, total = sdc.suppress_parts([sdc.Cell("count", v) for v in (3, 0, 12, 40)], sdc.Cell("count", 55))
    assert [c.suppressed for c in parts] == [True, False, True, False] and not total.suppressed


def test_secondary_suppression_exhaustively_on_small_tables():
    for values in itertools.product([0, 1, 3, 6, 9, 20], repeat=3):
        parts, total = sdc.suppress_parts([sdc.Cell("count", v) for v in values], sdc.Cell("count", sum(values)))
        assert not derivable(parts, total), values


def test_a_member_s_service_table_hides_a_second_count_beside_the_total(visit, sample_settings):
    """Service areas of 30, 3 and 20 children out of 53: the 3 is hidden (primary) and so
    is the 20 (secondary), or the 3 would be 53 - 30 - 20."""
    import duckdb
    from django.test import override_settings

    con = duckdb.connect(str(sample_settings.warehouse_path))
    period = con.execute("SELECT max(period_end) FROM measure_values").fetchone()[0]
    services = [("Assessment", 30, 90), ("Safeguarding", 3, 50), ("Children in Care", 20, 55)]
    for name, numerator, denominator in services:
        con.execute("INSERT INTO measure_values VALUES ('A02', ?, 'service', ?, ?, '999', ?, ?, ?, 86, NULL)",
                    [period, name, name, numerator, denominator, 100 * numerator / denominator])
    con.execute("UPDATE measure_values SET numerator = 53, denominator = 195, value = 100 * 53 / 195 "
                "WHERE measure_id = 'A02' AND org_level = 'authority' AND period_end = ?", [period])
    con.close()
    with override_settings(HEADWAY_SETTINGS=sample_settings):
        member_page = page_of(visit("member").get("/measures/A02/"))
        executive_page = page_of(visit("executive").get("/measures/A02/"))
    rows = {cells(r)[0]: cells(r) for r in member_page.xpath("//table[contains(@class,'hw-services')]/tbody/tr")}
    assert rows["Safeguarding"][1:4] == ["c", "50", "c"]
    assert rows["Children in Care"][1:4] == ["c", "55", "c"]
    assert rows["Assessment"][1:3] == ["30", "90"]
    assert summary_value(member_page) == charts.format_value(100 * 53 / 195, "percent")
    shown = {cells(r)[0]: cells(r)[1] for r in executive_page.xpath("//table[contains(@class,'hw-services')]/tbody/tr")}
    assert shown == {"Assessment": "30", "Safeguarding": "3", "Children in Care": "20"}  # officers see it all
