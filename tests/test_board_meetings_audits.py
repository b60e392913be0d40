"""Holding-to-account meetings, the forward plan of deep dives, and quality assurance audits."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import ValidationError

from tests.board_fixtures import (STATEMENT, board_app, board_db, board_warehouse, client_for,  # noqa: F401
                                  make_action, people, warehouse)

pytestmark = pytest.mark.usefixtures("board_db")
MEETING_DAY = dt.date(2026, 4, 14)


def page(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content)


# --- holding to account ---------------------------------------------------------------------
def test_the_meeting_lists_actions_due_for_review_overdue_first(people):
    from headway.board import drafts
    from headway.board.models import Meeting
    from headway.board.views.meetings import actions_for_review

    officer = people["officer"]
    on_time = make_action(officer, "2.1", due=dt.date(2026, 9, 30), next_review_on=dt.date(2026, 4, 1))
    overdue_later = make_action(officer, "1.9", due=dt.date(2026, 3, 31), next_review_on=dt.date(2026, 4, 14))
    overdue_first = make_action(officer, "3.1", due=dt.date(2026, 1, 31), next_review_on=dt.date(2026, 4, 1))
    make_action(officer, "4.1", due=dt.date(2026, 1, 31), next_review_on=dt.date(2026, 4, 1), status="complete",
                completed_on=dt.date(2026, 1, 20))
    make_action(officer, "5.1", due=dt.date(2026, 9, 30), next_review_on=dt.date(2026, 5, 1))  # not yet due
    called = make_action(officer, "6.1", due=dt.date(2026, 12, 31))
    meeting = Meeting.objects.create(date=MEETING_DAY)
    meeting.actions_called.add(called)
    assert [a.reference for a in actions_for_review(meeting)] == ["3.1", "1.9", "2.1", "6.1"]

    drafts.write_statement(overdue_first, dt.date(2026, 4, 10), officer, STATEMENT)
    tree = page(client_for(people["chair"]).get(f"/board/meetings/{meeting.pk}/"))
    items = tree.xpath("//section[contains(@class,'hw-review-item')]")
    assert [i.get("data-reference") for i in items] == ["3.1", "1.9", "2.1", "6.1"]
    assert STATEMENT["done"] in items[0].text_content() and "Draft" in items[0].text_content()
    assert "No statement" in items[1].text_content() and "Red" in items[1].text_content()
    assert on_time.reference == items[2].get("data-reference") and overdue_later.reference == "1.9"


def test_the_chair_records_decisions_against_the_meeting(people):
    from headway.board.models import Meeting

    meeting = Meeting.objects.create(date=MEETING_DAY)
    action = make_action(people["officer"])
    chair = client_for(people["chair"])
    response = chair.post(f"/board/meetings/{meeting.pk}/decisions/new/", {
        "kind": "action", "text": "Bring the supervision audit to May's board", "owner": "Olly Officer",
        "due_date": "2026-05-12", "action": action.pk})
    assert response.status_code == 302
    table = page(chair.get(f"/board/meetings/{meeting.pk}/")).xpath("//table[contains(@class,'hw-decisions')]")[0]
    assert "Bring the supervision audit to May's board" in table.text_content()
    assert meeting.decisions.get().recorded_by == people["chair"]


# --- forward plan ----------------------------------------------------------------------------
def test_a_deep_dive_is_tied_to_a_plan_action_or_an_ofsted_point(people):
    from headway.board.models import DeepDive, Meeting

    meeting = Meeting.objects.create(date=dt.date(2099, 1, 12), kind="committee")
    with pytest.raises(ValidationError, match="Choose the plan action or the Ofsted point"):
        DeepDive(meeting=meeting, topic="Life story work").full_clean()
    action = make_action(people["officer"], "7")
    response = client_for(people["chair"]).post("/board/forward-plan/new/", {
        "meeting": meeting.pk, "topic": "Life story work", "action": action.pk,
        "papers": "https://intranet.example/life-story"})
    assert response.status_code == 302
    tree = page(client_for(people["member"]).get("/board/forward-plan/"))
    row = tree.xpath("//table[contains(@class,'hw-forward-plan')]//tbody/tr")[0].text_content()
    assert "Life story work" in row and "Scrutiny committee, 12 January 2099" in row and "7" in row


# --- audits ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, message", [
    ("Jane Smith", "4 to 40 letters, digits or hyphens"),
    ("A123456789012", "looks like a UPN or an NHS number"),
    ("943-476-5919", "looks like a UPN or an NHS number"),
    ("ab", "4 to 40 letters"),
])
def test_a_child_is_named_only_by_a_pseudonymous_id(value, message):
    from headway.board.models.audits import check_pseudonymous_id

    with pytest.raises(ValidationError, match=message):
        check_pseudonymous_id(value)
    check_pseudonymous_id("PSN-4821")


def test_recording_a_case_audit_with_grades_per_domain(people, warehouse):
    from headway.board.models import CaseAudit

    client = client_for(people["officer"])
    refused = page(client.post("/board/audits/cases/new/", {
        "kind": "rota", "child_ref": "Jane Smith", "team_unit": "T1", "worker": "W1", "audited_on": "2026-03-02",
        "overall_grade": "good", "findings": "Clear plan"}))
    assert "Enter the child's pseudonymous ID" in refused.text_content()
    response = client.post("/board/audits/cases/new/", {
        "kind": "rota", "child_ref": "PSN-4821", "team_unit": "T1", "worker": "W1", "audited_on": "2026-03-02",
        "overall_grade": "requires_improvement", "findings": "Plan not SMART", "grade_1": "good",
        "grade_3": "inadequate"})
    audit = CaseAudit.objects.get(child_ref="PSN-4821")
    assert response["Location"] == f"/board/audits/cases/{audit.pk}/" and audit.auditor == people["officer"]
    assert {g.domain: g.grade for g in audit.grades.all()} == {"Voice of the child": "good", "Planning": "inadequate"}
    assert (audit.team_unit, audit.team) == ("T1", "Assessment Team")  # the warehouse's ID, and its name
    follow_up = page(client.post("/board/audits/cases/new/", {
        "kind": "closing_the_loop", "child_ref": "PSN-4821", "team_unit": "T1", "worker": "W1",
        "audited_on": "2026-04-02", "overall_grade": "good", "findings": "Plan now SMART"}))
    assert "Choose the audit this moderates or closes the loop on" in follow_up.text_content()
    assert client.post("/board/audits/cases/new/", {
        "kind": "closing_the_loop", "follows_up": audit.pk, "child_ref": "PSN-4821", "team_unit": "T1", "worker": "W1",
        "audited_on": "2026-04-02", "overall_grade": "good", "findings": "Plan now SMART"}).status_code == 302
    assert audit.follow_ups.get().overall_grade == "good"


def test_grades_over_time_by_team_and_quarter(people):
    from headway.board.audit_summary import by_team, grades_over_time
    from headway.board.models import CaseAudit

    def audit(team, day, grade):
        return CaseAudit(child_ref="PSN-0001", team=team, worker="W", auditor=people["officer"], audited_on=day,
                         overall_grade=grade, findings="f")

    audits = [audit("North", dt.date(2026, 3, 31), "good"), audit("North", dt.date(2026, 1, 1), "inadequate"),
              audit("North", dt.date(2026, 4, 1), "outstanding"), audit("South", dt.date(2026, 6, 30), "good"),
              audit("South", dt.date(2026, 5, 2), "requires_improvement")]
    quarters, rows = grades_over_time(audits, by_team)
    assert quarters == ["Jan–Mar 2026", "Apr–Jun 2026"]
    assert [(team, [c.text if c else None for c in cells]) for team, cells in rows] == [
        ("North", ["50% of 2", "100% of 1"]), ("South", [None, "50% of 2"])]
    CaseAudit.objects.bulk_create(audits)
    tree = page(client_for(people["chair"]).get("/board/audits/"))
    assert "50% of 2" in tree.xpath("//table[contains(@class,'hw-grades')]")[0].text_content()
