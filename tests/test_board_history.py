"""The history of every change: who, when, what changed; visible in the app; not
changeable through the app (model, queryset, routes, and database triggers)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from tests.board_fixtures import STATEMENT, board_app, board_db, client_for, make_action, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")


def entries_for(record):
    from headway.board.models import HistoryEntry

    return list(HistoryEntry.objects.filter(model=record._meta.label_lower, object_id=str(record.pk))
                .order_by("id"))


def test_a_change_through_a_page_records_who_and_what(people):
    action = make_action(people["officer"], rag="G", reason="On track", due=dt.date(2099, 1, 1))
    response = client_for(people["officer"]).post(f"/board/actions/{action.pk}/update/", {
        "status": "in_progress", "officer_rag": "R", "rag_reason": "Two key posts vacant"})
    assert response.status_code == 302
    created, changed = entries_for(action)
    assert (created.change, created.actor_name) == ("created", "system")  # made by the test, outside any request
    assert (changed.change, changed.actor, changed.actor_name) == ("changed", people["officer"], "olly")
    assert changed.changes["officer_rag"] == ["Green", "Red"]
    assert changed.changes["rag_reason"] == ["On track", "Two key posts vacant"]
    assert changed.changes["rag_set_by"] == [None, "Olly Officer (olly)"]
    assert "title" not in changed.changes  # only what changed


def test_saving_with_no_change_records_nothing(people):
    action = make_action(people["officer"])
    action.save()
    assert len(entries_for(action)) == 1


def test_deleting_keeps_the_history(people):
    from headway.board.history import acting_as
    from headway.board.models import Milestone

    action = make_action(people["officer"])
    milestone = Milestone.objects.create(action=action, title="Panel agreed", due_date=dt.date(2026, 5, 31))
    pk = milestone.pk
    with acting_as(people["analyst"]):
        milestone.delete()
    from headway.board.models import HistoryEntry

    deleted = HistoryEntry.objects.get(model="board.milestone", object_id=str(pk), change="deleted")
    assert deleted.actor_name == "ana" and deleted.changes["title"] == ["Panel agreed", None]


def test_many_to_many_changes_are_recorded(people):
    from headway.board.history import acting_as
    from headway.board.models import OfstedPoint

    action = make_action(people["officer"])
    point = OfstedPoint.objects.create(reference="PoC 1", text="Supervision is irregular.")
    with acting_as(people["analyst"]):
        action.ofsted_points.add(point)
    last = entries_for(action)[-1]
    assert last.changes == {"ofsted_points": [None, "PoC 1: Supervision is irregular."]}


def test_statement_versions_and_approval_are_in_the_history(people):
    from headway.board import drafts
    from headway.board.history import acting_as

    version = drafts.write_statement(make_action(people["officer"]), dt.date(2026, 3, 31), people["officer"], STATEMENT)
    with acting_as(people["chair"]):
        drafts.approve(version, people["chair"])
    created, approved = entries_for(version)
    assert created.changes["done"] == [None, STATEMENT["done"]]
    assert approved.actor_name == "chair" and approved.changes["approved_by"] == [None, "Cara Chair (chair)"]


# --- immutability --------------------------------------------------------------------------
def a_history_entry(people):
    make_action(people["officer"])
    from headway.board.models import HistoryEntry

    return HistoryEntry.objects.latest("id")


def test_the_model_refuses_to_change_or_delete_an_entry(people):
    from headway.board.models import HistoryEntry
    from headway.web.models import AppendOnlyError

    entry = a_history_entry(people)
    entry.actor_name = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.filter(pk=entry.pk).update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.filter(pk=entry.pk).delete()
    assert HistoryEntry.objects.get(pk=entry.pk).actor_name == "system"


@pytest.mark.parametrize("sql", ["UPDATE board_historyentry SET actor_name = 'forged' WHERE id = %s",
                                 "DELETE FROM board_historyentry WHERE id = %s"])
def test_the_database_refuses_raw_changes_too(people, sql):
    from headway.board.models import HistoryEntry

    entry = a_history_entry(people)
    with pytest.raises((IntegrityError, DatabaseError), match="board history entries cannot be"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert HistoryEntry.objects.get(pk=entry.pk).actor_name == "system"


def test_the_triggers_exist_after_migrating(board_app):
    if connection.vendor != "sqlite":
        pytest.skip("checks SQLite's catalogue")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'board_historyentry'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"board_history_no_update", "board_history_no_delete"}


def test_no_route_changes_history(people):
    from django.urls import get_resolver

    board_routes = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "board"]
    [resolver] = board_routes
    history_routes = [str(p.pattern) for p in resolver.url_patterns if "history" in str(p.pattern)]
    assert history_routes == ["history/"]
    client = client_for(people["analyst"])
    assert client.post("/board/history/", {"actor_name": "x"}).status_code == 405
    assert client.delete("/board/history/").status_code == 405


# --- visible in the app --------------------------------------------------------------------
def test_the_history_page_and_the_record_page_show_changes(people):
    action = make_action(people["officer"], due=dt.date(2099, 1, 1))
    client_for(people["officer"]).post(f"/board/actions/{action.pk}/update/", {
        "status": "in_progress", "officer_rag": "A", "rag_reason": "Recruitment slower"})
    for url in ("/board/history/", f"/board/actions/{action.pk}/"):
        page = lxml.html.fromstring(client_for(people["chair"]).get(url).content)
        [table] = page.xpath("//table[contains(@class,'hw-history')]")
        assert "Recruitment slower" in table.text_content() and "olly" in table.text_content()


def test_members_see_no_history_and_case_audit_history_needs_a_child_level_role(people):
    from headway.board.history import acting_as
    from headway.board.models import CaseAudit

    with acting_as(people["officer"]):
        CaseAudit.objects.create(child_ref="PSN-4821", team="Assessment North", worker="W17",
                                 auditor=people["officer"], audited_on=dt.date(2026, 3, 2), overall_grade="good",
                                 findings="Clear plan.")
    assert client_for(people["member"]).get("/board/history/").status_code == 403
    chair_page = client_for(people["chair"]).get("/board/history/").content.decode()
    assert "PSN-4821" not in chair_page
    assert "PSN-4821" in client_for(people["officer"]).get("/board/history/").content.decode()
