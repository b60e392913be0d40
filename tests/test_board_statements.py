"""Position statements and measure commentary: every version kept, drafts until an
approver approves, and only approved words reach members and the committee pack."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.board_fixtures import (COMMENTARY, STATEMENT, board_app, board_db, client_for, make_action,  # noqa: F401
                                  people)

pytestmark = pytest.mark.usefixtures("board_db")
MARCH = dt.date(2026, 3, 31)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content).text_content()


def test_every_version_is_kept_and_none_is_changed(people):
    from headway.board import drafts

    action = make_action(people["officer"])
    first = drafts.write_statement(action, MARCH, people["officer"], STATEMENT)
    second = drafts.revise(first.statement, people["officer"], {**STATEMENT, "impact": "Agency use 12%."})
    third = drafts.write_statement(action, MARCH, people["officer"], {**STATEMENT, "done": "Also 3 ASYEs."})
    assert [v.number for v in first.statement.versions.order_by("number")] == [1, 2, 3]
    assert third.statement == first.statement  # same action and date: the same statement
    first.refresh_from_db()
    assert first.impact == STATEMENT["impact"] and second.impact == "Agency use 12%."


def test_a_statement_is_a_draft_until_approved_and_only_the_newest_can_be(people):
    from headway.board import drafts
    from headway.board.publish import approved_statements

    action = make_action(people["officer"])
    first = drafts.write_statement(action, MARCH, people["officer"], STATEMENT)
    assert approved_statements(dt.date(2026, 3, 1), MARCH) == []
    second = drafts.revise(first.statement, people["officer"], {**STATEMENT, "proposed_rag": "G"})
    with pytest.raises(ValidationError, match="newer version"):
        drafts.approve(first, people["chair"])
    drafts.approve(second, people["chair"])
    [published] = approved_statements(dt.date(2026, 3, 1), MARCH)
    assert (published.version, published.rag, published.approved_by) == (2, "G", "Cara Chair")
    assert published.action_reference == action.reference and published.done == STATEMENT["done"]


def test_a_new_draft_after_approval_leaves_the_approved_version_published(people):
    from headway.board import drafts
    from headway.board.publish import approved_statements

    action = make_action(people["officer"])
    approved = drafts.approve(drafts.write_statement(action, MARCH, people["officer"], STATEMENT), people["analyst"])
    drafts.revise(approved.statement, people["officer"], {**STATEMENT, "done": "Unapproved words"})
    [published] = approved_statements(MARCH, MARCH)
    assert published.done == STATEMENT["done"] and published.version == 1


def test_approved_statements_are_chosen_by_date_range_inclusive(people):
    from headway.board import drafts
    from headway.board.publish import approved_statements

    action = make_action(people["officer"])
    for day in (dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)):
        drafts.approve(drafts.write_statement(action, day, people["officer"], STATEMENT), people["chair"])
    drafts.write_statement(action, dt.date(2026, 2, 15), people["officer"], STATEMENT)  # a draft: never shown
    dates = [s.as_of for s in approved_statements(dt.date(2026, 2, 1), dt.date(2026, 3, 31))]
    assert dates == [dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    with pytest.raises(ValueError):
        approved_statements(MARCH, dt.date(2026, 1, 1))


def test_nobody_approves_their_own_words_and_officers_cannot_approve(people):
    from headway.board import drafts

    analyst_action = make_action(people["analyst"], "9.9")
    own = drafts.write_statement(analyst_action, MARCH, people["analyst"], STATEMENT)
    with pytest.raises(PermissionDenied):
        drafts.approve(own, people["analyst"])
    officer_draft = drafts.write_statement(make_action(people["officer"]), MARCH, people["officer"], STATEMENT)
    for user in (people["officer"], people["other_officer"], people["member"], people["nobody"]):
        with pytest.raises(PermissionDenied):
            drafts.approve(officer_draft, user)
    drafts.approve(officer_draft, people["chair"])
    with pytest.raises(PermissionDenied):  # already approved
        drafts.approve(officer_draft, people["analyst"])


def test_only_the_accountable_officer_or_an_analyst_writes_a_statement(people):
    from headway.board import drafts

    action = make_action(people["officer"])
    for user in (people["other_officer"], people["chair"], people["member"], people["nobody"]):
        with pytest.raises(PermissionDenied):
            drafts.write_statement(action, MARCH, user, STATEMENT)
    drafts.write_statement(action, MARCH, people["analyst"], STATEMENT)


# --- through the pages --------------------------------------------------------------------
def test_write_then_approve_through_the_pages(people):
    from headway.board.models import PositionStatement

    action = make_action(people["officer"])
    officer = client_for(people["officer"])
    response = officer.post(f"/board/actions/{action.pk}/statements/new/", {"as_of": "2026-03-31", **STATEMENT})
    statement = PositionStatement.objects.get(action=action)
    assert response.status_code == 302 and response["Location"] == f"/board/statements/{statement.pk}/"
    assert "Draft" in text(officer.get(response["Location"]))
    assert "Approve version 1" not in text(officer.get(response["Location"]))

    member = client_for(people["member"])
    assert member.get(f"/board/statements/{statement.pk}/").status_code == 404
    assert STATEMENT["done"] not in text(member.get(f"/board/actions/{action.pk}/"))

    chair = client_for(people["chair"])
    assert "Approve version 1" in text(chair.get(f"/board/statements/{statement.pk}/"))
    version = statement.versions.get()
    response = chair.post(f"/board/statement-versions/{version.pk}/approve/")
    assert response.status_code == 302
    assert "Approved. Members and the committee pack now see this version." in text(chair.get(response["Location"]))
    assert STATEMENT["done"] in text(member.get(f"/board/statements/{statement.pk}/"))


def test_approving_needs_a_post(people):
    from headway.board import drafts

    version = drafts.write_statement(make_action(people["officer"]), MARCH, people["officer"], STATEMENT)
    assert client_for(people["chair"]).get(f"/board/statement-versions/{version.pk}/approve/").status_code == 405
    version.refresh_from_db()
    assert not version.is_approved


def test_the_approvals_page_lists_newest_drafts(people):
    from headway.board import drafts

    action = make_action(people["officer"])
    drafts.write_statement(action, MARCH, people["officer"], STATEMENT)
    drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY)
    page = text(client_for(people["chair"]).get("/board/approvals/"))
    assert f"{action.reference} position at 31 March 2026" in page
    assert "A02 commentary for the month ending 31 March 2026" in page


# --- measure commentary ----------------------------------------------------------------------
def test_commentary_is_per_measure_and_month_end(people):
    from headway.board import drafts

    with pytest.raises(ValidationError, match="last day of a month"):
        drafts.write_commentary("A02", dt.date(2026, 3, 30), people["officer"], COMMENTARY)
    with pytest.raises(ValidationError, match="not a measure in the catalogue"):
        drafts.write_commentary("ZZ9", MARCH, people["officer"], COMMENTARY)
    first = drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY)
    again = drafts.write_commentary("A02", MARCH, people["officer"], {**COMMENTARY, "why": "Also fewer referrals."})
    assert again.commentary == first.commentary and again.number == 2


def test_approved_commentary_for_the_committee_pack(people):
    from headway.board import drafts
    from headway.board.publish import approved_commentary

    draft = drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY)
    assert approved_commentary("A02", MARCH) is None
    drafts.approve(draft, people["analyst"])
    drafts.write_commentary("A02", MARCH, people["officer"], {**COMMENTARY, "shows": "Unapproved"})
    found = approved_commentary("A02", MARCH)
    assert (found.shows, found.version, found.approved_by) == (COMMENTARY["shows"], 1, "Ana Lyst")
    assert approved_commentary("A02", dt.date(2026, 2, 28)) is None
    assert approved_commentary("R02", MARCH) is None


def test_only_the_author_or_an_analyst_revises_commentary(people):
    from headway.board import drafts

    draft = drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY)
    with pytest.raises(PermissionDenied):
        drafts.write_commentary("A02", MARCH, people["other_officer"], COMMENTARY)
    with pytest.raises(PermissionDenied):
        drafts.revise(draft.commentary, people["other_officer"], COMMENTARY)
    for user in (people["chair"], people["member"]):
        with pytest.raises(PermissionDenied):
            drafts.write_commentary("R02", MARCH, user, COMMENTARY)
    drafts.revise(draft.commentary, people["analyst"], COMMENTARY)


def test_commentary_pages_show_members_approved_words_only(people):
    from headway.board import drafts

    draft = drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY)
    member = client_for(people["member"])
    assert COMMENTARY["shows"] not in text(member.get("/board/commentary/"))
    assert member.get(f"/board/commentary/{draft.commentary.pk}/").status_code == 404
    client_for(people["chair"]).post(f"/board/commentary-versions/{draft.pk}/approve/")
    assert COMMENTARY["shows"] in text(member.get(f"/board/commentary/{draft.commentary.pk}/"))


def test_commentary_form_prefills_from_the_measure_page_link(people):
    tree = lxml.html.fromstring(client_for(people["officer"]).get(
        "/board/commentary/new/?measure=A02&period=2026-03-31").content)
    assert tree.xpath("//select[@name='measure_id']/option[@selected]/@value") == ["A02"]
    assert tree.xpath("//input[@name='period_end']/@value") == ["2026-03-31"]
    response = client_for(people["officer"]).post("/board/commentary/new/",
                                                  {"measure_id": "A02", "period_end": "2026-03-30", **COMMENTARY})
    assert "Enter the last day of a month" in text(response)


def test_the_board_home_counts_statements_waiting_not_old_versions(people):
    from headway.board import drafts

    action = make_action(people["officer"])
    first = drafts.write_statement(action, MARCH, people["officer"], STATEMENT)
    drafts.revise(first.statement, people["officer"], STATEMENT)
    assert "1 position statement with a draft waiting" in text(client_for(people["chair"]).get("/board/"))
    drafts.approve(first.statement.latest_version(), people["chair"])
    assert "0 position statements with a draft waiting" in text(client_for(people["chair"]).get("/board/"))


# --- statements on a key area of the plan --------------------------------------------------------
def test_a_key_area_has_statements_from_its_accountable_officer(people):
    from headway.board.models import KeyArea, PositionStatement

    area = KeyArea.objects.create(name="Practice", accountable_officer=people["officer"])
    officer = client_for(people["officer"])
    written = officer.post(f"/board/plan/key-areas/{area.pk}/statements/new/", {"as_of": "2026-03-31", **STATEMENT})
    assert written.status_code == 302
    statement = PositionStatement.objects.get(key_area=area)
    assert (statement.action, str(statement)) == (None, "Key area Practice position at 31 March 2026")
    other = client_for(people["other_officer"])
    assert other.post(f"/board/plan/key-areas/{area.pk}/statements/new/",
                      {"as_of": "2026-04-30", **STATEMENT}).status_code == 403
    assert other.post(f"/board/statements/{statement.pk}/revise/", STATEMENT).status_code == 403
    page = text(officer.get(f"/board/statements/{statement.pk}/"))
    assert "Key area Practice" in page and "Back to Key area Practice" in page


def test_members_see_a_key_area_s_statement_once_approved(people):
    from headway.board import drafts
    from headway.board.models import KeyArea

    area = KeyArea.objects.create(name="Enablers and Resources", accountable_officer=people["officer"])
    draft = drafts.write_statement(area, MARCH, people["officer"], STATEMENT)
    member = client_for(people["member"])
    assert STATEMENT["done"] not in text(member.get(f"/board/plan/key-areas/{area.pk}/"))
    assert member.get(f"/board/statements/{draft.statement.pk}/").status_code == 404
    drafts.approve(draft, people["chair"])
    assert STATEMENT["done"] in text(member.get(f"/board/plan/key-areas/{area.pk}/"))


def test_an_area_without_an_officer_has_statements_only_from_analysts(people):
    from headway.board import drafts
    from headway.board.models import KeyArea

    area = KeyArea.objects.create(name="Governance and Partnerships")
    with pytest.raises(PermissionDenied):
        drafts.write_statement(area, MARCH, people["officer"], STATEMENT)
    assert drafts.write_statement(area, MARCH, people["analyst"], STATEMENT).number == 1


def test_a_statement_is_on_an_action_or_an_area_never_both_nor_neither(people):
    from django.db import IntegrityError, transaction

    from headway.board.models import KeyArea, PositionStatement

    action, area = make_action(people["officer"]), KeyArea.objects.create(name="Practice")
    for links in ({"action": action, "key_area": area}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PositionStatement.objects.create(as_of=MARCH, created_by=people["analyst"], **links)
