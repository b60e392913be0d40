"""Importing an action plan and risk register from Excel: the template, a messy
council spreadsheet, errors naming sheet, row and column, and nothing saved until
every row passes and the analyst confirms."""

from __future__ import annotations

import datetime as dt
import io

import lxml.html
import pytest
from openpyxl import Workbook, load_workbook

from tests.board_fixtures import board_app, board_db, client_for, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    return buffer


def messy_workbook() -> io.BytesIO:
    """What a council's own file looks like: title rows, its own headings, notes, blank rows,
    dates typed as text, references typed as numbers, a column Headway does not know."""
    return workbook({
        "Improvement Plan": [
            ["Children's Services Improvement Plan 2026", None, None],
            ["Version 4 - for the Improvement Board", None],
            [],
            ["Ref", "Action", "Priority", "Area", "Accountable", "Lead officer", "Start", "Deadline", "Status",
             "RAG rating", "Reason", "Ofsted ref", "KPIs", "Notes"],
            [1.0, "  Recruit permanent social workers ", "Quality", "Practice", "olly", "HR business partner",
             dt.datetime(2026, 1, 5), "31/03/2026", "in progress", "amber", "Slower than planned", "PoC 1", "A02; P03",
             "see annex"],
            [],
            ["1.2", "Weekly supervision audit", "Quality", "", "OTTO@example.org", "", "2026-02-01", "30 June 2026",
             "Not started", None, None, None, None, None],
        ],
        "Ofsted": [["Reference", "Kind", "Source", "Text"],
                   ["PoC 1", "Point of concern", "ILACS May 2026", "Caseloads are too high."]],
        "Risk log": [
            ["Risk ID", "Risk description", "Cause", "Consequence", "Risk owner", "Risk category",
             "Inherent likelihood", "Inherent impact", "Current likelihood", "Current impact", "Target likelihood",
             "Target impact", "Risk appetite", "Review date", "Controls", "Linked actions"],
            ["R1", "Workforce instability", "Agency reliance", "Drift in plans", "olly", "Workforce", 5, 5, 4, 4, 2, 3,
             9, "30/04/2026", "Retention payments", "1"],
        ],
    })


def test_the_template_has_every_sheet_and_a_read_me():
    from headway.board.import_spec import SHEETS, template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["Read me", "Ofsted", "Actions", "Risks"]
    for sheet in SHEETS:
        assert [c.value for c in book[sheet.title][1]] == [column.title for column in sheet.columns]
    documented = {(row[0], row[1]) for row in book["Read me"].iter_rows(min_row=2, values_only=True)}
    assert ("Actions", "Due date") in documented and ("Risks", "Current impact") in documented


def test_a_messy_council_workbook_is_read_checked_and_imported(people):
    from headway.board import importer
    from headway.board.models import Action, HistoryEntry, Risk

    upload, problems = importer.read_workbook(messy_workbook())
    assert problems == []
    assert upload.ignored == ["Improvement Plan, column N (Notes)"]
    preview, problems = importer.check(upload)
    assert problems == []
    assert [a["reference"] for a in preview.actions] == ["1", "1.2"]
    assert [a["row_number"] for a in preview.actions] == [5, 7]
    assert preview.new_themes == ["Quality"] and preview.new_categories == ["Workforce"]

    importer.save(upload, people["analyst"])
    first = Action.objects.get(reference="1")
    assert (first.title, first.start_date, first.due_date) == ("Recruit permanent social workers",
                                                                dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    assert (first.status, first.officer_rag, first.accountable_officer) == ("in_progress", "A", people["officer"])
    assert first.measure_ids == ["A02", "P03"] and [p.reference for p in first.ofsted_points.all()] == ["PoC 1"]
    assert Action.objects.get(reference="1.2").accountable_officer == people["other_officer"]
    risk = Risk.objects.get(reference="R1")
    assert (risk.current_score, risk.appetite, risk.category.appetite_score) == (16, 9, 9)
    assert [m.action.reference for m in risk.mitigations.all()] == ["1"]
    assert HistoryEntry.objects.filter(model="board.action", actor_name="ana", change="created").count() == 2


def problems_of(sheets) -> list[str]:
    from headway.board import importer

    upload, problems = importer.read_workbook(workbook(sheets))
    if not problems:
        _, problems = importer.check(upload)
    return [str(p) for p in problems]


ACTION_HEADER = ["Reference", "Title", "Theme", "Accountable officer", "Start date", "Due date", "RAG",
                 "RAG reason", "Measures", "Ofsted references"]


def test_bad_cells_are_named_by_sheet_row_and_column_and_nothing_is_saved(people):
    from headway.board.models import Action, Theme

    found = problems_of({"Actions": [
        ACTION_HEADER,
        ["1.1", "Fine", "Quality", "olly", "01/04/2026", "30/09/2026", None, None, None, None],
        ["1.2", "Bad date", "Quality", "olly", "01/04/2026", "31/02/2026", None, None, None, None],
        ["1.3", "", "Quality", "nobody-here", "01/04/2026", "30/09/2026", "purple", None, "ZZ9", None],
        ["1.1", "Duplicate", "Quality", "mem", "01/10/2026", "30/09/2026", "R", None, None, "Rec 9"],
    ]})
    assert found == [
        "Sheet Actions, row 3, column F (Due date): Enter a real date, written like 31/03/2026",
        "Sheet Actions, row 4, column B (Title): Enter the title",
        "Sheet Actions, row 4, column G (RAG): Enter Red, Amber or Green (or R, A or G)",
    ]  # cells are checked first; rows are checked against each other once every cell reads
    found = problems_of({"Actions": [
        ACTION_HEADER,
        ["1.1", "Fine", "Quality", "olly", "01/04/2026", "30/09/2026", None, None, None, None],
        ["1.3", "Unknown people", "Quality", "nobody-here", "01/04/2026", "30/09/2026", None, None, "ZZ9", None],
        ["1.1", "Duplicate", "Quality", "mem", "01/10/2026", "30/09/2026", "R", None, None, "Rec 9"],
    ]})
    assert found == [
        "Sheet Actions, row 4, column A (Reference): This action reference is also on row 2: each must be different",
        "Sheet Actions, row 3, column D (Accountable officer): No active Headway user has this username or email "
        "with an officer, analyst or board chair role. Add them first or correct the name",
        "Sheet Actions, row 3, column I (Measures): Not in the measure catalogue: ZZ9. Use catalogue IDs such as A02",
        "Sheet Actions, row 4, column D (Accountable officer): No active Headway user has this username or email "
        "with an officer, analyst or board chair role. Add them first or correct the name",
        "Sheet Actions, row 4, column F (Due date): The due date must be on or after the start date",
        "Sheet Actions, row 4, column H (RAG reason): Give a reason for the RAG rating",
        "Sheet Actions, row 4, column J (Ofsted references): An Ofsted reference here is not on the Ofsted sheet or "
        "in Headway. Add it to the Ofsted sheet",
    ]
    assert not Action.objects.exists() and not Theme.objects.exists()


def test_a_reference_already_in_headway_is_refused(people):
    from tests.board_fixtures import make_action

    make_action(people["officer"], "1.1")
    found = problems_of({"Actions": [
        ACTION_HEADER, ["1.1", "Again", "Quality", "olly", "01/04/2026", "30/09/2026", None, None, None, None]]})
    assert found == ["Sheet Actions, row 2, column A (Reference): Headway already has a action with this reference. "
                     "Change the reference or remove the row"]


def test_missing_columns_and_missing_sheets_are_named():
    assert problems_of({"Actions": [["Reference", "Title", "Theme", "Start date", "Due date"], ["1", "t", "q"]]}) == [
        "Sheet Actions: The header row has no column for: Accountable officer"]
    assert problems_of({"Sheet1": [["a", "b"]]}) == [
        "Sheet (workbook): No sheet called Actions or Risks. Use the template's sheet names (Ofsted, Actions, Risks)."]
    assert problems_of({"Actions": [["Nothing", "useful"], ["here"]]})[0].startswith(
        "Sheet Actions: No header row found in the first 10 rows")


RISK_HEADER = ["Reference", "Risk", "Owner", "Category", "Inherent likelihood", "Inherent impact",
               "Current likelihood", "Current impact", "Target likelihood", "Target impact", "Appetite",
               "Next review date", "Mitigating actions"]


def test_risk_rows_are_checked_against_the_matrix_and_categories(people):
    assert problems_of({"Risks": [RISK_HEADER, ["R2", "y", "olly", "Workforce", 5, "five", 3, 3, 2, 2, 9,
                                                "01/05/2026", None]]}) == [
        "Sheet Risks, row 2, column F (Inherent impact): Enter a whole number, like 3"]
    found = problems_of({"Risks": [RISK_HEADER,
                                   ["R1", "x", "olly", "New category", 6, 5, 3, 3.0, 2, 2, None, "01/05/2026", "9.9"],
                                   ["R2", "y", "olly", "New category", 5, 5, 3, 3, 2, 2, 30, "01/05/2026", None]]})
    assert found == [
        "Sheet Risks, row 2, column E (Inherent likelihood): Enter a number from 1 to 5",
        "Sheet Risks, row 2, column K (Appetite): This category is new: give its appetite score here so Headway can "
        "create it",
        "Sheet Risks, row 2, column M (Mitigating actions): An action reference here is not on the Actions sheet or "
        "in Headway",
        "Sheet Risks, row 3, column K (Appetite): Enter a score from 1 to 25",
    ]


def test_a_file_that_is_not_excel_is_refused_plainly():
    from headway.board import importer

    _, problems = importer.read_workbook(io.BytesIO(b"name,ref\nnot,excel\n"))
    assert [str(p) for p in problems] == ["Sheet (workbook): This file could not be opened as an Excel workbook "
                                          "(.xlsx). Open it in Excel and save it again as an Excel Workbook."]


# --- through the pages ---------------------------------------------------------------------
def test_upload_preview_confirm(people):
    from headway.board.models import Action, Risk

    client = client_for(people["analyst"])
    preview = client.post("/board/import/", {"workbook": messy_workbook()})
    page = lxml.html.fromstring(preview.content)
    assert preview.status_code == 200 and page.xpath("//h1")[0].text_content() == "Check the import"
    assert [r.text_content() for r in page.xpath("//table[contains(@class,'hw-preview-actions')]//tbody/tr/td[2]")] == \
        ["1", "1.2"]
    assert not Action.objects.exists()  # nothing until confirmed
    done = client.post("/board/import/confirm/")
    assert done.status_code == 200 and "Imported" in done.content.decode()
    assert Action.objects.count() == 2 and Risk.objects.count() == 1
    assert client.post("/board/import/confirm/").status_code == 302  # the upload is used once


def test_upload_with_problems_lists_them_and_saves_nothing(people):
    from headway.board.models import Action

    bad = workbook({"Actions": [ACTION_HEADER,
                                ["1.1", "x", "Quality", "olly", "01/04/2026", "someday", None, None, None, None]]})
    response = client_for(people["analyst"]).post("/board/import/", {"workbook": bad})
    page = lxml.html.fromstring(response.content)
    assert [li.text_content() for li in page.xpath("//ul[contains(@class,'hw-problem-list')]/li")] == [
        "Sheet Actions, row 2, column F (Due date): Enter a real date, written like 31/03/2026"]
    assert not Action.objects.exists()


def test_only_xlsx_files_are_accepted(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(people["analyst"]).post("/board/import/", {
        "workbook": SimpleUploadedFile("plan.csv", b"a,b\n", content_type="text/csv")})
    assert "Choose an Excel workbook saved as .xlsx" in response.content.decode()


def test_the_template_downloads(people):
    response = client_for(people["analyst"]).get("/board/import/template.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="headway-board-import-template.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Read me"


# --- the column-mapping step -----------------------------------------------------------------
def own_layout_workbook() -> io.BytesIO:
    """A layout no alias catches: a sheet named 'Tracker' and headings of the council's own."""
    return workbook({"Tracker": [
        ["Improvement tracker"],
        ["Item", "What we will do", "Strand", "Who is accountable", "Begins", "Finish by", "Comment"],
        ["7.1", "Audit closed cases", "Quality", "olly", "01/04/2026", "30/09/2026", "x"],
        ["7.2", "Refresh the threshold document", "Tools", "otto", "01/05/2026", "not yet agreed", "y"],
    ]})


OWN_COLUMNS = {"column-actions-reference": "Item", "column-actions-title": "What we will do",
               "column-actions-theme": "Strand", "column-actions-accountable_officer": "Who is accountable",
               "column-actions-start_date": "Begins", "column-actions-due_date": "Finish by"}


def test_a_layout_the_names_miss_is_matched_by_the_analyst_then_checked_and_previewed(people):
    from headway.board.models import Action

    client = client_for(people["analyst"])
    first = client.post("/board/import/", {"workbook": own_layout_workbook()})
    assert "No sheet called Actions or Risks" in first.content.decode()
    assert 'href="/board/import/columns/"' in first.content.decode()  # the way to the mapping step

    offered = lxml.html.fromstring(client.get("/board/import/columns/").content)
    assert offered.xpath("//select[@name='sheet-actions']/option[@selected]")[0].get("value") == ""
    # choosing the worksheet shows its headings to match, and checks nothing yet
    chosen = lxml.html.fromstring(client.post("/board/import/columns/", {"sheet-actions": "Tracker"}).content)
    options = chosen.xpath("//select[@name='column-actions-due_date']/option/@value")
    assert options == ["", "Item", "What we will do", "Strand", "Who is accountable", "Begins", "Finish by",
                       "Comment"]

    checked = client.post("/board/import/columns/", {"sheet-actions": "Tracker", **OWN_COLUMNS})
    problems = [li.text_content() for li in
                lxml.html.fromstring(checked.content).xpath("//ul[contains(@class,'hw-problem-list')]/li")]
    assert problems == ["Sheet Tracker, row 4, column F (Due date): Enter a real date, written like 31/03/2026"]
    assert not Action.objects.exists()


def test_a_mapped_workbook_previews_and_imports_and_the_file_is_then_forgotten(people):
    from headway.board.models import Action

    book = workbook({"Tracker": own_layout_workbook_rows()[:3]})
    client = client_for(people["analyst"])
    client.post("/board/import/", {"workbook": book})
    client.post("/board/import/columns/", {"sheet-actions": "Tracker"})
    preview = client.post("/board/import/columns/", {"sheet-actions": "Tracker", **OWN_COLUMNS})
    page = lxml.html.fromstring(preview.content)
    assert page.xpath("//h1")[0].text_content() == "Check the import"
    assert "Tracker, column G (Comment)" in preview.content.decode()  # unmatched headings are listed as ignored
    assert not Action.objects.exists()
    assert client.post("/board/import/confirm/").status_code == 200
    assert list(Action.objects.values_list("reference", "title")) == [("7.1", "Audit closed cases")]
    after = client.get("/board/import/columns/").content.decode()  # the kept workbook is gone
    assert "Upload the workbook first" in after


def own_layout_workbook_rows() -> list[list]:
    book = load_workbook(own_layout_workbook())
    return [list(row) for row in book["Tracker"].iter_rows(values_only=True)]


def test_the_analyst_s_choice_overrides_matching_by_name(people):
    from headway.board import importer

    book = workbook({"Actions": [
        ["Reference", "Title", "Theme", "Accountable officer", "Start date", "Due date", "Agreed deadline"],
        ["1.1", "t", "Quality", "olly", "01/04/2026", "01/01/2020", "31/12/2026"]]})
    mapping = importer.Mapping(columns={"actions": {"due_date": "Agreed deadline"}})
    upload, problems = importer.read_workbook(book, mapping)
    assert problems == [] and upload.rows["actions"][0]["due_date"] == "2026-12-31"
    assert upload.labels["actions"]["due_date"] == "G (Due date)"
    assert "Actions, column F (Due date)" in upload.ignored
    book.seek(0)
    _, problems = importer.read_workbook(book, importer.Mapping(columns={"actions": {"due_date": ""}}))
    assert [str(p) for p in problems] == ["Sheet Actions: The header row has no column for: Due date"]


def test_the_mapping_page_refuses_headings_that_are_not_in_the_workbook(people):
    client = client_for(people["analyst"])
    client.post("/board/import/", {"workbook": own_layout_workbook()})
    client.post("/board/import/columns/", {"sheet-actions": "Tracker"})
    response = client.post("/board/import/columns/", {"sheet-actions": "Tracker",
                                                      **{**OWN_COLUMNS, "column-actions-due_date": "Made up"}})
    assert "The header row has no column for: Due date" in response.content.decode()


def test_the_kept_workbook_is_private_and_only_for_its_own_session(people):
    from django.conf import settings

    client = client_for(people["analyst"])
    client.post("/board/import/", {"workbook": own_layout_workbook()})
    kept = list((settings.HEADWAY_SETTINGS.workspace / "board-import").glob("*.xlsx"))
    assert len(kept) >= 1 and all(oct(p.stat().st_mode & 0o777) == "0o600" for p in kept)
    other_analyst = client_for(people["analyst"])  # a new session of the same user
    assert "Upload the workbook first" in other_analyst.get("/board/import/columns/").content.decode()
