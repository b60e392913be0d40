"""The workforce digest page (/workforce/) on the web tests' authority, whose workforce
rows are tests/workforce_fixture.py. Figures worked out by hand, 31 March 2026:

  T1 (Assessment): establishment 3; permanent B1 (experienced, 20 cases) and B2 (newly
     qualified, 12); agency B3 (experienced, 16). Cases 48 within 18 + 15 + 18 = 51.
  T2 (Safeguarding, complex needs): establishment 3; permanent B4 (12 cases) and B5
     (0.5 FTE, 4); B6 (permanent) left on 10 March. Cases 16 over 10 x 1.5 = 15.
  Authority: establishment 6, permanent 3.5, agency 1: vacancy gap (6 - 3.5 - 1) / 6 = 25%;
     agency rate 1 / 4.5 = 22.2%; turnover 1 / 3.5 = 28.6%; leavers in March 1 FTE;
     caseloads experienced (20 + 16) / 2 = 18, newly qualified 12, complex needs 16 / 1.5 = 10.7;
     all case holders 64 / 4.5 = 14.2.
  28 February: permanent 4.5 (B6 still in post), agency 1 (B7 left in December): gap
     0.5 / 6 = 8.3%, agency rate 1 / 5.5 = 18.2%, turnover 0% (B7 was agency).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from headway.measures.workforce_digest import digest
from headway.warehouse.query import Warehouse
from tests.web_helpers import app, page_of, visible_text, visit  # noqa: F401

MARCH = dt.date(2026, 3, 31)


def summary(response) -> dict[str, str]:
    page = page_of(response)
    return {row.get("data-trend"): " ".join(row.xpath("./dd")[0].text_content().split())
            for row in page.xpath("//dl[contains(@class, 'hw-workforce-summary')]/div")}


def month_value(response, trend: str, month: str) -> str:
    page = page_of(response)
    row = page.xpath(f"//section[@id='{trend}']//tr[th[normalize-space()='{month}']]")[0]
    return " ".join(row.xpath("./td")[0].text_content().split())


def test_the_authority_digest_shows_the_hand_worked_figures(visit):
    response = visit("executive").get("/workforce/")
    assert response.status_code == 200
    assert summary(response) == {
        "establishment": "6.0 FTE", "vacancy_gap": "25.0%", "agency_fte": "1.0 FTE", "agency_rate": "22.2%",
        "turnover": "28.6%", "leavers": "1.0 FTE",
        "caseload_experienced": "18.0 (at or under target: target 18.0)",
        "caseload_newly_qualified": "12.0 (at or under target: target 15.0)",
        "caseload_complex_needs": "10.7 (over target: target 10.0)",
        "teams_at_target": "1 of 2",
    }
    assert month_value(response, "vacancy_gap", "28 February 2026") == "8.3%"
    assert month_value(response, "agency_rate", "28 February 2026") == "18.2%"
    assert month_value(response, "turnover", "28 February 2026") == "0.0%"


def test_every_trend_has_a_chart_and_a_table_and_says_against_target_in_words(visit):
    page = page_of(visit("executive").get("/workforce/"))
    sections = page.xpath("//section[contains(@class, 'hw-workforce-trend')]")
    assert len(sections) == 10
    for section in sections:
        assert section.xpath(".//figure//*[local-name()='svg'][@role='img']"), section.get("id")
        assert section.xpath(".//table//tbody/tr"), section.get("id")
    teams = {" ".join(r.xpath("./th")[0].text_content().split()): " ".join(r.xpath("./td")[-1].text_content().split())
             for r in page.xpath("//table[contains(@class, 'hw-workforce-teams')]/tbody/tr")}
    assert teams == {"Assessment Team": "At or under target", "Safeguarding Team": "Over target"}


def test_at_the_authority_the_digest_agrees_with_the_w_measures(app):
    with Warehouse(app["warehouse"].warehouse_path) as wh:
        month = digest(wh.workforce_team_months(MARCH), lambda team: True, app["warehouse"].caseload_targets)[-1]
        measured = {m: wh.series(m, until=MARCH)[-1].value for m in ("W02", "W03", "W04")}
    assert month.period_end == MARCH
    assert month.agency_rate == pytest.approx(measured["W02"]) == pytest.approx(100 / 4.5)
    assert month.turnover == pytest.approx(measured["W03"]) == pytest.approx(100 / 3.5)
    assert month.caseload_all == pytest.approx(measured["W04"]) == pytest.approx(64 / 4.5)


def test_for_each_team_the_digest_agrees_with_the_w_measures(app):
    """The W measures break down by team (their rows carry team_id); each team's
    figure is the digest's for that team alone (T1: agency 1 of 3 FTE, nobody left,
    48 cases over 3 FTE; T2: no agency, B6 left, 16 cases over 1.5 FTE)."""
    with Warehouse(app["warehouse"].warehouse_path) as wh:
        rows = wh.workforce_team_months(MARCH)
        by_team = {m: {r["org_unit"]: r["value"] for r in wh.breakdown(m, MARCH, "team")} for m in ("W02", "W03", "W04")}
    expected = {"T1": (100 / 3, 0.0, 16.0), "T2": (0.0, 100 / 1.5, 16 / 1.5)}
    for team, (agency, turnover, caseload) in expected.items():
        month = digest(rows, lambda t, team=team: t == team, app["warehouse"].caseload_targets)[-1]
        assert month.agency_rate == pytest.approx(by_team["W02"][team]) == pytest.approx(agency)
        assert month.turnover == pytest.approx(by_team["W03"][team]) == pytest.approx(turnover)
        assert month.caseload_all == pytest.approx(by_team["W04"][team]) == pytest.approx(caseload)


def test_a_service_area_counts_only_its_own_teams(visit):
    shown = summary(visit("executive").get("/workforce/?unit=service:Assessment"))
    assert (shown["establishment"], shown["vacancy_gap"], shown["agency_rate"], shown["teams_at_target"]) == (
        "3.0 FTE", "0.0%", "33.3%", "1 of 1")


def test_a_team_manager_sees_their_team_only(visit):
    client = visit("team-manager")
    response = client.get("/workforce/")
    assert summary(response)["establishment"] == "3.0 FTE"
    assert "Safeguarding Team" not in visible_text(response)
    assert client.get("/workforce/?unit=team:T2").status_code == 404
    assert client.get("/workforce/?unit=service:Safeguarding").status_code == 404


def test_no_digest_below_a_team(visit):
    assert visit("analyst").get("/workforce/?unit=worker:W1").status_code == 404


def test_a_scrutiny_member_gets_aggregates_with_small_numbers_hidden(visit):
    response = visit("member").get("/workforce/")
    shown = summary(response)
    # agency 1 FTE, 1 leaver, 1 newly qualified FTE, 1.5 complex-needs FTE: each 1 to 5, so "c"
    for trend in ("agency_fte", "agency_rate", "vacancy_gap", "leavers", "caseload_newly_qualified",
                  "caseload_complex_needs", "turnover"):
        assert shown[trend] == "c", trend
    assert shown["establishment"] == "6.0 FTE" and shown["teams_at_target"] == "1 of 2"
    words = visible_text(response)
    assert "Assessment Team" not in words and "Safeguarding Team" not in words
    assert visit("member").get("/workforce/?unit=team:T1").status_code == 404


def test_caseload_targets_come_from_headway_toml(app, visit):
    from django.test import override_settings

    stricter = dataclasses.replace(app["warehouse"], caseload_targets={
        "experienced": 17.0, "newly_qualified": 15.0, "complex_needs": 12.0})
    client = visit("executive")
    with override_settings(HEADWAY_SETTINGS=stricter):
        shown = summary(client.get("/workforce/"))
    assert shown["caseload_experienced"] == "18.0 (over target: target 17.0)"
    assert shown["caseload_complex_needs"] == "10.7 (at or under target: target 12.0)"
    assert shown["teams_at_target"] == "2 of 2"  # T1 48 within 17 + 15 + 17; T2 16 within 12 x 1.5


def test_the_menu_links_to_the_page_for_figure_roles_only(visit):
    assert page_of(visit("executive").get("/")).xpath("//nav//a[@href='/workforce/']")
    assert not page_of(visit("no-role").get("/")).xpath("//nav//a[@href='/workforce/']")


def test_a_service_s_hidden_count_cannot_be_worked_out_from_the_others(app):
    """Agency FTE X 2 (hidden), Y 10, Z 12, authority 24: Y, the next smallest, is hidden
    too, with the figures that would give it away; Z and the authority are shown."""
    from headway.web.access import OrgTree
    from headway.web.workforce_views import _secondary

    parents = {("authority", "999"): None}
    for service, agency in (("X", 2.0), ("Y", 10.0), ("Z", 12.0)):
        parents[("service", service)] = ("authority", "999")
        parents[("team", f"T{service}")] = ("service", service)
    org = OrgTree(parents, {unit: unit[1] for unit in parents})
    rows = [{"census_date": MARCH, "team_id": f"T{s}", "establishment_fte": 30.0, "permanent_fte": 20.0,
             "agency_fte": a, "leavers_month": 0} for s, a in (("X", 2.0), ("Y", 10.0), ("Z", 12.0))]
    targets = app["warehouse"].caseload_targets
    assert _secondary(org, rows, targets, ("service", "Y")) == {
        MARCH: frozenset({"agency_fte", "agency_rate", "vacancy_gap"})}
    assert _secondary(org, rows, targets, ("service", "Z")) == {}
    assert _secondary(org, rows, targets, ("authority", "999")) == {}
