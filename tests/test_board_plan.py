"""The improvement plan: the overdue rule (across month and year ends and the clock
change), the officer's RAG with its reason, linked measures, and the plan pages."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import ValidationError

from tests.board_fixtures import board_app, board_db, client_for, make_action, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")


# --- the overdue rule ---------------------------------------------------------------
@pytest.mark.parametrize("due, today, overdue", [
    (dt.date(2026, 1, 31), dt.date(2026, 1, 31), False),   # due today: not yet overdue
    (dt.date(2026, 1, 31), dt.date(2026, 2, 1), True),     # month end
    (dt.date(2025, 12, 31), dt.date(2026, 1, 1), True),    # year end
    (dt.date(2025, 12, 31), dt.date(2025, 12, 31), False),
    (dt.date(2024, 2, 29), dt.date(2024, 3, 1), True),     # leap day
    (dt.date(2026, 2, 28), dt.date(2026, 2, 28), False),
    (dt.date(2026, 3, 31), dt.date(2026, 4, 1), True),     # financial year end
    (dt.date(2026, 6, 30), dt.date(2026, 5, 31), False),   # due next month
])
def test_an_action_past_its_due_date_and_not_complete_is_red(people, due, today, overdue):
    from headway.board.rag import is_overdue, officer_rating

    action = make_action(people["officer"], due=due, start=dt.date(2023, 1, 1), rag="G", reason="On track")
    assert is_overdue(action, today) is overdue
    rating = officer_rating(action, today)
    assert (rating.code, rating.automatic) == (("R", True) if overdue else ("G", False))


def test_a_complete_action_is_never_overdue(people):
    from headway.board.rag import is_overdue, officer_rating

    action = make_action(people["officer"], due=dt.date(2025, 12, 31), status="complete", rag="G", reason="Done",
                         completed_on=dt.date(2025, 12, 20))
    assert not is_overdue(action, dt.date(2026, 1, 1))
    assert officer_rating(action, dt.date(2026, 1, 1)).code == "G"


def test_the_overdue_rule_reads_the_council_s_own_date_not_utc(people, monkeypatch):
    """23:30 UTC on 30 June is 00:30 on 1 July in London (BST): an action due 30 June is overdue."""
    from django.utils import timezone

    from headway.board import rag

    late_utc = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(timezone, "now", lambda: late_utc)
    assert rag.today() == dt.date(2026, 7, 1)
    action = make_action(people["officer"], due=dt.date(2026, 6, 30))
    assert rag.officer_rating(action, rag.today()).code == "R"
    winter_utc = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc)  # GMT: still 31 December
    monkeypatch.setattr(timezone, "now", lambda: winter_utc)
    assert rag.today() == dt.date(2026, 12, 31)


def test_overdue_text_names_the_due_date(people):
    from headway.board.rag import officer_rating

    action = make_action(people["officer"], due=dt.date(2025, 12, 31), start=dt.date(2025, 1, 1))
    assert officer_rating(action, dt.date(2026, 1, 1)).reason == \
        "Automatic: past its due date of 31 December 2025 and not complete"


# --- the action's own rules -------------------------------------------------------------
def test_a_rating_needs_a_reason_and_dates_must_be_in_order(people):
    from headway.board.models import Action, Theme

    action = Action(reference="9", title="x", theme=Theme.objects.create(name="T"),
                    accountable_officer=people["officer"], start_date=dt.date(2026, 3, 1),
                    due_date=dt.date(2026, 2, 1), officer_rag="A")
    with pytest.raises(ValidationError) as caught:
        action.full_clean()
    assert caught.value.message_dict["due_date"] == ["The due date must be on or after the start date"]
    assert caught.value.message_dict["rag_reason"] == ["Give a reason for the RAG rating"]


def test_a_linked_measure_must_be_in_the_catalogue(people):
    from headway.board.models import LinkedMeasure

    action = make_action(people["officer"])
    LinkedMeasure(action=action, measure_id="A02").full_clean()
    with pytest.raises(ValidationError, match="ZZ9 is not a measure in the catalogue"):
        LinkedMeasure(action=action, measure_id="ZZ9").full_clean()


# --- pages -----------------------------------------------------------------------
def page(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content)


def rag_words(tree) -> dict[str, str]:
    return {row.get("data-reference"): row.xpath("string(.//td[contains(@class,'hw-rag')]//strong)").strip()
            for row in tree.xpath("//table[contains(@class,'hw-actions')]//tr[@data-reference]")}


def test_the_plan_lists_actions_by_theme_with_their_rating(people):
    make_action(people["officer"], "1.1", rag="G", reason="On track", due=dt.date(2099, 1, 1))
    make_action(people["officer"], "1.2", rag="G", reason="On track", due=dt.date(2020, 1, 1),
                start=dt.date(2019, 1, 1))
    make_action(people["other_officer"], "2.1", theme_name="Tools", due=dt.date(2099, 1, 1))
    tree = page(client_for(people["chair"]).get("/board/plan/"))
    assert [h.text_content().strip() for h in tree.xpath("//h2[@class='govuk-heading-m']")][:2] == ["Quality", "Tools"]
    assert rag_words(tree) == {"1.1": "Green", "1.2": "Red", "2.1": "Not rated"}


def test_members_see_the_approved_rating_not_the_officer_s(people):
    from headway.board import drafts

    action = make_action(people["officer"], "1.1", rag="G", reason="Officer says green", due=dt.date(2099, 1, 1))
    assert rag_words(page(client_for(people["member"]).get("/board/plan/"))) == {"1.1": "Not rated"}
    version = drafts.write_statement(action, dt.date(2026, 3, 1), people["officer"],
                                     {"done": "d", "impact": "i", "next_steps": "n", "proposed_rag": "A"})
    drafts.approve(version, people["chair"])
    assert rag_words(page(client_for(people["member"]).get("/board/plan/"))) == {"1.1": "Amber"}
    assert rag_words(page(client_for(people["officer"]).get("/board/plan/"))) == {"1.1": "Green"}


def test_the_officer_updates_status_and_rag_with_a_reason(people):
    from headway.board.models import Action

    action = make_action(people["officer"], due=dt.date(2099, 1, 1))
    client = client_for(people["officer"])
    url = f"/board/actions/{action.pk}/update/"
    refused = page(client.post(url, {"status": "in_progress", "officer_rag": "A", "rag_reason": ""}))
    assert "Give a reason for the RAG rating" in refused.text_content()
    response = client.post(url, {"status": "in_progress", "officer_rag": "A", "rag_reason": "Recruitment slower"})
    assert response.status_code == 302
    action = Action.objects.get(pk=action.pk)
    assert (action.officer_rag, action.rag_reason, action.rag_set_by) == ("A", "Recruitment slower", people["officer"])


def test_complete_needs_its_completion_date(people):
    action = make_action(people["officer"], due=dt.date(2099, 1, 1))
    tree = page(client_for(people["officer"]).post(f"/board/actions/{action.pk}/update/", {"status": "complete"}))
    assert "Enter the date the action was completed" in tree.text_content()


def test_an_analyst_adds_an_action_with_ofsted_points_and_measures(people):
    from headway.board.models import Action, OfstedPoint, Theme

    theme = Theme.objects.create(name="Quality")
    point = OfstedPoint.objects.create(reference="PoC 3", kind="point_of_concern", text="Care plans are not SMART.")
    response = client_for(people["analyst"]).post("/board/actions/new/", {
        "reference": "3.1", "title": "SMART care plans", "theme": theme.pk, "accountable_officer": people["officer"].pk,
        "start_date": "2026-04-01", "due_date": "2026-09-30", "ofsted_points": [point.pk], "measures": ["A02", "P03"]})
    assert response.status_code == 302
    action = Action.objects.get(reference="3.1")
    assert list(action.ofsted_points.all()) == [point]
    assert action.measure_ids == ["A02", "P03"]
    tree = page(client_for(people["member"]).get(f"/board/actions/{action.pk}/"))
    assert "PoC 3" in tree.text_content()
    assert tree.xpath("//a[@href='/measures/A02/']")


def test_a_measure_outside_the_catalogue_is_refused_by_the_form(people):
    from headway.board.models import Theme

    theme = Theme.objects.create(name="Quality")
    tree = page(client_for(people["analyst"]).post("/board/actions/new/", {
        "reference": "3.1", "title": "t", "theme": theme.pk, "accountable_officer": people["officer"].pk,
        "start_date": "2026-04-01", "due_date": "2026-09-30", "measures": ["ZZ9"]}))
    assert "Select a valid choice" in tree.text_content()


def test_milestones_and_evidence_links(people):
    action = make_action(people["officer"], due=dt.date(2099, 1, 1))
    client = client_for(people["officer"])
    assert client.post(f"/board/actions/{action.pk}/milestones/new/",
                       {"title": "Panel agreed", "due_date": "2026-05-31"}).status_code == 302
    refused = page(client.post(f"/board/actions/{action.pk}/evidence/new/",
                               {"title": "Minutes", "url": "http://intranet.example/minutes"}))
    assert "Enter a link that starts with https://" in refused.text_content()
    assert client.post(f"/board/actions/{action.pk}/evidence/new/",
                       {"title": "Minutes", "url": "https://intranet.example/minutes"}).status_code == 302
    tree = page(client.get(f"/board/actions/{action.pk}/"))
    assert "Panel agreed" in tree.text_content()
    assert tree.xpath("//a[@href='https://intranet.example/minutes']")
