"""The board's permission matrix, tried on every URL as every kind of user.

Every board route must appear in EXPECTED: adding a route without deciding who may
use it fails test_every_board_route_is_in_the_matrix. Each test runs in a
transaction rolled back at its end, so a POST that gets through changes nothing
for the next.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.board_fixtures import (COMMENTARY, STATEMENT, board_app, board_db, client_for, make_action,  # noqa: F401
                                  make_risk, people)

pytestmark = pytest.mark.usefixtures("board_db")

ALL = {"analyst", "chair", "officer", "other_officer", "member"}
INSIDE = ALL - {"member"}
CHILD_LEVEL = {"analyst", "officer", "other_officer"}
ANALYST = {"analyst"}
ACCOUNTABLE = {"analyst", "officer"}  # the officer is accountable for the sample action, owns the sample risk,
                                      # wrote the sample drafts and did the sample audit
RUNNERS = {"analyst", "chair"}
WRITERS = {"analyst", "officer", "other_officer"}

# route name -> (who may GET it, who is refused with 404 rather than 403)
EXPECTED = {
    "home": (ALL, set()), "stylesheet": (ALL, set()), "plan": (ALL, set()), "ofsted_list": (ALL, set()),
    "action_detail": (ALL, set()), "action_impact": (ALL, set()), "commentary_list": (ALL, set()),
    "forward_plan": (ALL, set()),
    "statement_detail": (INSIDE, {"member"}), "commentary_detail": (INSIDE, {"member"}),  # drafts: 404 to members
    "theme_create": (ANALYST, set()), "theme_edit": (ANALYST, set()), "key_area_create": (ANALYST, set()),
    "key_area_edit": (ANALYST, set()), "ofsted_create": (ANALYST, set()), "ofsted_edit": (ANALYST, set()),
    "action_create": (ANALYST, set()), "action_edit": (ANALYST, set()),
    "action_update": (ACCOUNTABLE, set()), "milestone_create": (ACCOUNTABLE, set()),
    "milestone_edit": (ACCOUNTABLE, set()), "evidence_create": (ACCOUNTABLE, set()),
    "statement_create": (ACCOUNTABLE, set()), "statement_revise": (ACCOUNTABLE, set()),
    "statement_approve": (set(), set()), "commentary_approve": (set(), set()),  # POST only (see below)
    "approvals": (RUNNERS, set()),
    "commentary_create": (WRITERS, set()), "commentary_revise": (ACCOUNTABLE, set()),
    "risk_list": (INSIDE, set()), "heat_map": (INSIDE, set()), "risk_detail": (INSIDE, set()),
    "risk_create": (ANALYST, set()), "risk_edit": (ANALYST, set()), "risk_review": (ACCOUNTABLE, set()),
    "mitigation_create": (ANALYST, set()), "category_create": (ANALYST, set()), "category_edit": (ANALYST, set()),
    "meeting_list": (INSIDE, set()), "meeting_detail": (INSIDE, set()), "meeting_create": (RUNNERS, set()),
    "meeting_edit": (RUNNERS, set()), "decision_create": (RUNNERS, set()), "deep_dive_create": (RUNNERS, set()),
    "audits": (INSIDE, set()), "themed_audit_create": (ANALYST, set()), "rota_create": (ANALYST, set()),
    "case_audit_list": (CHILD_LEVEL, set()), "case_audit_detail": (CHILD_LEVEL, set()),
    "case_audit_create": (CHILD_LEVEL, set()), "case_audit_edit": (ACCOUNTABLE, set()),
    "import_upload": (ANALYST, set()), "import_confirm": (set(), set()), "import_template": (ANALYST, set()),
    "import_columns": (ANALYST, set()),
    "history": (INSIDE, set()),
    "evidence_download": (INSIDE, set()), "feedback": (INSIDE, set()), "feedback_create": (CHILD_LEVEL, set()),
    "key_area_detail": (ALL, set()), "key_area_statement_create": (ACCOUNTABLE, set()),
}
# POST-only routes: who gets through (anyone else gets 403).
POST_ONLY = {"statement_approve": RUNNERS, "commentary_approve": RUNNERS, "import_confirm": ANALYST}


@pytest.fixture
def sample(people):
    """One of everything, the officer accountable for, owning or having written each."""
    from django.core.files.base import ContentFile

    from headway.board import drafts
    from headway.board.models import (CaseAudit, Evidence, KeyArea, Meeting, Milestone, OfstedPoint, RiskCategory,
                                      Theme)

    officer = people["officer"]
    action = make_action(officer, due=dt.date(2099, 1, 1))
    statement = drafts.write_statement(action, dt.date(2026, 3, 31), officer, STATEMENT)
    commentary = drafts.write_commentary("A02", dt.date(2026, 3, 31), officer, COMMENTARY)
    risk = make_risk(officer)
    return {
        "action": action, "statement": statement, "commentary": commentary, "risk": risk,
        "theme": Theme.objects.get(), "key_area": KeyArea.objects.create(name="Practice", accountable_officer=officer),
        "ofsted": OfstedPoint.objects.create(reference="Rec 1", text="Improve supervision."),
        "milestone": Milestone.objects.create(action=action, title="m", due_date=dt.date(2026, 6, 30)),
        "category": RiskCategory.objects.get(), "meeting": Meeting.objects.create(date=dt.date(2026, 4, 14)),
        "case_audit": CaseAudit.objects.create(child_ref="PSN-0001", team="North", worker="W1", auditor=officer,
                                               audited_on=dt.date(2026, 3, 3), overall_grade="good", findings="f"),
        "evidence": Evidence.objects.create(action=action, title="Audit report", added_by=officer,
                                            file=ContentFile(b"%PDF-1.4 sample", name="report.pdf"),
                                            file_name="report.pdf", file_size=15),
    }


def kwargs_for(name: str, sample: dict) -> dict:
    pk_of = {
        "theme_edit": "theme", "key_area_edit": "key_area", "key_area_detail": "key_area",
        "key_area_statement_create": "key_area", "ofsted_edit": "ofsted", "action_detail": "action",
        "action_edit": "action", "action_update": "action", "milestone_create": "action",
        "evidence_create": "action", "statement_create": "action", "action_impact": "action",
        "risk_detail": "risk", "risk_edit": "risk", "risk_review": "risk", "mitigation_create": "risk",
        "category_edit": "category", "meeting_detail": "meeting", "meeting_edit": "meeting",
        "decision_create": "meeting", "case_audit_detail": "case_audit", "case_audit_edit": "case_audit",
    }
    if name in pk_of:
        return {"pk": sample[pk_of[name]].pk}
    return {
        "milestone_edit": {"pk": sample["action"].pk, "milestone_pk": sample["milestone"].pk},
        "statement_detail": {"pk": sample["statement"].statement.pk},
        "statement_revise": {"pk": sample["statement"].statement.pk},
        "statement_approve": {"pk": sample["statement"].pk},
        "commentary_detail": {"pk": sample["commentary"].commentary.pk},
        "commentary_revise": {"pk": sample["commentary"].commentary.pk},
        "commentary_approve": {"pk": sample["commentary"].pk},
        "evidence_download": {"pk": sample["action"].pk, "evidence_pk": sample["evidence"].pk},
    }.get(name, {})


def board_routes():
    from django.urls import URLResolver, get_resolver

    [resolver] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "board"]
    return resolver.url_patterns


def url(name: str, sample: dict) -> str:
    from django.urls import reverse

    return reverse(f"board:{name}", kwargs=kwargs_for(name, sample))


def test_every_board_route_is_in_the_matrix_and_guarded(board_app):
    names = [route.name for route in board_routes()]
    assert sorted(names) == sorted(EXPECTED)
    for route in board_routes():
        assert getattr(route.callback, "board_verb", None), f"{route.name} is not wrapped in board_view"


def test_signed_out_visitors_are_sent_to_sign_in_from_every_board_route(sample):
    client = client_for(None)
    for name in EXPECTED:
        address = url(name, sample)
        for response in (client.get(address), client.post(address)):
            assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), address


@pytest.mark.parametrize("role", sorted(ALL | {"nobody"}))
def test_each_role_gets_exactly_the_pages_the_matrix_allows(people, sample, role):
    client = client_for(people[role])
    for name, (allowed, hidden) in EXPECTED.items():
        if name in POST_ONLY:
            continue
        response = client.get(url(name, sample))
        expected = 200 if role in allowed else 404 if role in hidden else 403
        assert response.status_code == expected, f"{role} GET {name}: {response.status_code}, expected {expected}"


@pytest.mark.parametrize("role", sorted(ALL | {"nobody"}))
def test_posts_from_those_not_allowed_are_refused_and_change_nothing(people, sample, role):
    from headway.board.models import HistoryEntry

    client = client_for(people[role])
    before = HistoryEntry.objects.count()
    for name, (allowed, hidden) in EXPECTED.items():
        allowed = POST_ONLY.get(name, allowed)
        if role in allowed:
            continue
        response = client.post(url(name, sample), {})
        assert response.status_code in (403, 404, 405), f"{role} POST {name}: {response.status_code}"
    assert HistoryEntry.objects.count() == before


@pytest.mark.parametrize("role", sorted(ALL | {"nobody"}))
def test_post_only_routes(people, sample, role):
    client = client_for(people[role])
    for name, allowed in POST_ONLY.items():
        assert client.get(url(name, sample)).status_code == 405
        response = client.post(url(name, sample))
        if role in allowed:
            assert response.status_code in (200, 302), f"{role} POST {name}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} POST {name}: {response.status_code}"


# --- boundaries, one by one ------------------------------------------------------------------
def test_an_officer_cannot_update_or_write_for_someone_else_s_action(people, sample):
    from headway.board.models import Action

    other = client_for(people["other_officer"])
    action = sample["action"]
    assert other.post(f"/board/actions/{action.pk}/update/", {"status": "complete", "completed_on": "2026-01-01",
                                                             "officer_rag": "G", "rag_reason": "x"}).status_code == 403
    assert other.post(f"/board/actions/{action.pk}/statements/new/",
                      {"as_of": "2026-03-31", **STATEMENT}).status_code == 403
    assert Action.objects.get(pk=action.pk).status == "in_progress"


def test_the_officer_cannot_approve_their_own_statement(people, sample):
    version = sample["statement"]
    assert client_for(people["officer"]).post(f"/board/statement-versions/{version.pk}/approve/").status_code == 403
    version.refresh_from_db()
    assert not version.is_approved


def test_an_analyst_who_wrote_a_draft_cannot_approve_it_but_the_chair_can(people, sample):
    from headway.board import drafts

    version = drafts.revise(sample["statement"].statement, people["analyst"], STATEMENT)
    address = f"/board/statement-versions/{version.pk}/approve/"
    assert client_for(people["analyst"]).post(address).status_code == 403
    assert client_for(people["chair"]).post(address).status_code == 302


def test_members_never_see_drafts_anywhere(people, sample):
    member = client_for(people["member"])
    for address in ("/board/", "/board/plan/", f"/board/actions/{sample['action'].pk}/", "/board/commentary/"):
        body = member.get(address).content.decode()
        assert STATEMENT["done"] not in body and COMMENTARY["shows"] not in body, address


def test_the_chair_sees_no_case_audit_records(people, sample):
    chair = client_for(people["chair"])
    assert chair.get("/board/audits/cases/").status_code == 403
    assert "PSN-0001" not in chair.get("/board/audits/").content.decode()


def test_a_superuser_without_a_role_gets_nothing(people, sample):
    from headway.board.permissions import can

    boss = people["nobody"]
    boss.is_superuser = True
    boss.save()
    assert not can(boss, "view_board")
    assert client_for(boss).get("/board/").status_code == 403


def test_an_unknown_verb_is_refused_and_cannot_guard_a_view(people):
    from headway.board.permissions import board_view, can

    assert not can(people["analyst"], "delete_everything")
    with pytest.raises(ValueError):
        board_view("delete_everything")


def test_approval_needs_the_csrf_token(people, sample):
    from django.test import Client

    chair = Client(SERVER_NAME="localhost", enforce_csrf_checks=True)
    chair.force_login(people["chair"])
    assert chair.post(f"/board/statement-versions/{sample['statement'].pk}/approve/").status_code == 403
    sample["statement"].refresh_from_db()
    assert not sample["statement"].is_approved


def test_the_service_menu_links_to_the_board_for_role_holders_only(people):
    assert 'href="/board/"' in client_for(people["member"]).get("/board/plan/").content.decode()
    assert 'href="/board/"' not in client_for(people["nobody"]).get("/").content.decode()


def test_docs_name_every_permission_verb_and_import_column():
    from pathlib import Path

    from headway.board.import_spec import SHEETS
    from headway.board.permissions import RULES

    docs = (Path(__file__).resolve().parent.parent / "docs" / "board.md").read_text(encoding="utf-8")
    assert [verb for verb in RULES if f"`{verb}`" not in docs] == []
    documented_columns = docs.replace("Inherent / Current / Target likelihood and impact",
                                      "Inherent likelihood Inherent impact Current likelihood Current impact "
                                      "Target likelihood Target impact").replace("Cause, Effect", "Cause Effect")
    missing = [f"{s.title}: {c.title}" for s in SHEETS for c in s.columns if c.title not in documented_columns]
    assert missing == []
