"""Exception lists: the right children, the days overdue worked out by hand, sorting,
the team filter, the Excel export (formula cells neutralised), and the child page."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from headway.warehouse import exceptions
from headway.web.exports import exception_workbook
from tests.web_helpers import AS_AT, OVERDUE, app, cells, page_of, visit  # noqa: F401 (fixtures)

D = dt.date.fromisoformat

# child -> (due date, days overdue as at 31 March 2026), by hand:
HAND = {
    # assessments: 45 working days
    "A7": ("2026-03-09", 22),   # Mon 5 Jan 2026 + 45 working days = Mon 9 Mar
    "A6": ("2025-09-03", 209),  # Tue 1 Jul 2025 + 45 (bank holiday 25 Aug) = Wed 3 Sep
    # S47 with no ICPC: 15 working days
    "S5": ("2026-03-23", 8),    # Mon 2 Mar 2026 + 15 = Mon 23 Mar
    "S4": ("2025-04-24", 341),  # Tue 1 Apr 2025 + 15 over Easter (18 and 21 Apr) = Thu 24 Apr
    # CP reviews: 3 months after the plan starts, then 6 months after the last review
    "P4": ("2026-01-01", 89),   # plan 1 Oct 2025, no review
    "P3": ("2025-05-01", 334),  # plan 1 Feb 2025, no review
    # CLA reviews: 20 working days, then 3 months, then 6 months
    "K5": ("2025-09-20", 192),  # looked after 1 Jun 2025, first review 20 Jun: second due 20 Sep
    "K1": ("2024-03-28", 733),  # looked after 29 Feb 2024 (two episodes, one period of care), no review
}
NOT_OVERDUE = {"A8", "S6", "P1", "P2", "K2", "K4", "A5", "S3"}


@pytest.fixture
def executive(visit):
    return visit("executive")


@pytest.mark.parametrize("list_id", list(OVERDUE))
def test_each_list_holds_the_overdue_children_with_days_worked_out_by_hand(app, list_id):
    from headway.warehouse.query import Warehouse

    with Warehouse(app["warehouse"].warehouse_path) as warehouse:
        assert warehouse.latest_period() == AS_AT
        rows = exceptions.exception_rows(warehouse.con, list_id, AS_AT, None)
    expected = {c for children in OVERDUE[list_id].values() for c in children}
    assert {r["child_id"] for r in rows} == expected
    for row in rows:
        due, days = HAND[row["child_id"]]
        assert (row["due_date"], row["days_overdue"]) == (D(due), days), row["child_id"]
        assert row["child_id"] not in NOT_OVERDUE
    by_team = {r["child_id"]: r["team_id"] for r in rows}
    assert by_team == {c: team for team, children in OVERDUE[list_id].items() for c in children}


def test_the_list_page_shows_child_worker_team_and_days(executive):
    page = page_of(executive.get("/exceptions/cla-reviews/"))
    rows = {r.get("data-child-id"): cells(r) for r in page.xpath("//table[contains(@class,'hw-exceptions')]"
                                                                "/tbody/tr[@data-child-id]")}
    assert rows["K5"] == ["K5", "Worker One", "Assessment Team", "1 Jun 2025", "20 Sep 2025", "192"]
    assert rows["K1"] == ["K1", "Worker Two", "Safeguarding Team", "29 Feb 2024", "28 Mar 2024", "733"]
    assert list(rows) == ["K1", "K5"]  # most overdue first


def test_unallocated_children_say_so(executive):
    page = page_of(executive.get("/exceptions/assessments/"))
    row = page.xpath("//tr[@data-child-id='A6']")[0]
    assert cells(row)[1:3] == ["Not allocated", "Not allocated"]


@pytest.mark.parametrize("sort, order, expected", [
    ("child", "asc", ["K1", "K5"]), ("child", "desc", ["K5", "K1"]),
    ("overdue", "asc", ["K5", "K1"]), ("team", "asc", ["K5", "K1"]), ("started", "desc", ["K5", "K1"]),
])
def test_lists_sort_by_any_column(executive, sort, order, expected):
    page = page_of(executive.get(f"/exceptions/cla-reviews/?sort={sort}&order={order}"))
    assert [r.get("data-child-id") for r in page.xpath("//tr[@data-child-id]")] == expected
    header = page.xpath("//th[@aria-sort!='none']")[0]
    assert header.get("aria-sort") == ("ascending" if order == "asc" else "descending")


@pytest.mark.parametrize("query", ["sort=nope", "sort=child&order=sideways", "sort=child_id; DROP TABLE x"])
def test_bad_sorts_are_refused(executive, query):
    assert executive.get(f"/exceptions/cla-reviews/?{query}").status_code == 400


def test_the_team_filter_narrows_the_list(executive):
    page = page_of(executive.get("/exceptions/cp-reviews/?team=T2"))
    assert [r.get("data-child-id") for r in page.xpath("//tr[@data-child-id]")] == ["P3"]


def test_unknown_list_is_404(executive):
    assert executive.get("/exceptions/nope/").status_code == 404
    assert executive.get("/exceptions/nope/export.xlsx").status_code == 404


def test_index_counts_each_list_in_scope(visit):
    for user, team_sets in [("executive", None), ("team-manager", {"T1"})]:
        page = page_of(visit(user).get("/exceptions/"))
        counts = {r.get("data-list-id"): int(cells(r)[2]) for r in page.xpath("//tr[@data-list-id]")}
        expected = {list_id: sum(len(c) for team, c in teams.items() if team_sets is None or team in team_sets)
                    for list_id, teams in OVERDUE.items()}
        assert counts == expected, user


def test_export_is_an_attachment_with_the_same_rows(executive):
    response = executive.get("/exceptions/s47-no-icpc/export.xlsx?sort=child&order=asc")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"] == 'attachment; filename="s47-no-icpc-2026-03-31.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Section 47 enquiries with no ICPC after 15 working days"
    assert "Exported by web-executive" in sheet["A3"].value
    header = [c.value for c in sheet[5]]
    assert header == ["Child ID", "Allocated worker", "Team", "Service area", "Enquiry started", "Due by",
                      "Days overdue"]
    data = [list(r) for r in sheet.iter_rows(min_row=6, values_only=True)]
    assert [r[0] for r in data] == ["S4", "S5"]
    s5 = data[1]
    assert s5[1:4] == ["Worker One", "Assessment Team", "Assessment"]
    assert s5[4].date() == D("2026-03-02") and s5[5].date() == D("2026-03-23") and s5[6] == 8


def test_export_neutralises_formulas_but_not_numbers():
    item = exceptions.BY_ID["assessments"]
    rows = [{"child_id": "=1+2", "worker_name": "+cmd|' /C calc'!A0", "team_name": "@SUM(A1)",
             "service_area": "-2+3", "started": D("2026-01-05"), "due_date": D("2026-03-09"), "days_overdue": -4},
            {"child_id": "\tTAB", "worker_name": None, "team_name": "Plain team", "service_area": "x",
             "started": D("2026-01-05"), "due_date": D("2026-03-09"), "days_overdue": 3}]
    book = openpyxl.load_workbook(io.BytesIO(exception_workbook(
        item, rows, AS_AT, exported_by="=evil", exported_at=dt.datetime(2026, 4, 1, 9, 0))))
    sheet = book.active
    first, second = [list(r) for r in sheet.iter_rows(min_row=6, values_only=True)]
    assert first[:4] == ["'=1+2", "'+cmd|' /C calc'!A0", "'@SUM(A1)", "'-2+3"]
    assert first[6] == -4  # a negative number stays a number
    assert second[0] == "'\tTAB" and second[1] == "Not allocated"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_child_page_shows_holder_what_is_overdue_and_history(executive):
    page = page_of(executive.get("/children/K1/"))
    holder = {r.findtext("dt"): r.findtext("dd") for r in page.xpath("//dl[contains(@class,'hw-holder')]/div")}
    assert holder == {"Allocated worker": "Worker Two", "Team": "Safeguarding Team", "Service area": "Safeguarding"}
    overdue = [cells(r) for r in page.xpath("//table[contains(@class,'hw-child-overdue')]/tbody/tr")]
    assert overdue == [["Looked-after children's reviews overdue", "29 Feb 2024", "28 Mar 2024", "733"]]
    history = [cells(r) for r in page.xpath("//table[contains(@class,'hw-child-history')]/tbody/tr")]
    assert history == [["Episode of care", "29 Feb 2024", "31 Mar 2025"], ["Episode of care", "31 Mar 2025", "–"]]


@pytest.mark.parametrize("child_id", ["NOBODY", "../etc", "a b", "x" * 65])
def test_unknown_or_malformed_child_is_404(executive, child_id):
    assert executive.get(f"/children/{child_id}/").status_code == 404


def test_a_results_only_warehouse_says_lists_are_unavailable(visit, sample_settings):
    from django.test import override_settings

    with override_settings(HEADWAY_SETTINGS=sample_settings):
        response = visit("executive").get("/exceptions/")
    assert response.status_code == 200
    assert page_of(response).findtext(".//h1") == "Exception lists are not available"


def test_exception_rows_are_written_escaped_with_every_column(app):
    """rows_html writes the page's rows without the template engine: every value escaped."""
    import datetime as dt

    from lxml import html as lxml_html

    from headway.web.exception_views import rows_html

    rows = [{"child_id": "a1b2", "worker_name": '<script>alert("w")</script>', "team_name": "Team & Co",
             "started": dt.date(2026, 1, 5), "due_date": dt.date(2026, 2, 2), "days_overdue": 27},
            {"child_id": "c3d4", "worker_name": None, "team_name": "Not allocated",
             "started": None, "due_date": dt.date(2026, 2, 9), "days_overdue": 20}]
    written = str(rows_html(rows, "/children/__child__/"))
    assert "<script>" not in written and "&lt;script&gt;" in written
    table = lxml_html.fromstring(f"<table><tbody>{written}</tbody></table>")
    cells = [[c.text_content() for c in tr] for tr in table.xpath("//tr")]
    assert cells == [["a1b2", '<script>alert("w")</script>', "Team & Co", "5 Jan 2026", "2 Feb 2026", "27"],
                     ["c3d4", "Not allocated", "Not allocated", "–", "9 Feb 2026", "20"]]
    assert table.xpath("//tr/@data-child-id") == ["a1b2", "c3d4"]
    assert table.xpath("//a/@href") == ["/children/a1b2/", "/children/c3d4/"]
