"""The board's permission matrix, tried on every URL as every kind of user.

Every board route must appear in EXPECTED: adding a route without deciding who may
use it fails test_every_board_route_is_in_the_matrix. Each test runs in a
transaction rolled back at its end, so a POST that gets through changes nothing
for the next.
"""

from __future__ import annotations

import datetime as dt

import pytest

from headway.web import roles
from tests.board_fixtures import (COMMENTARY, STATEMENT, board_app, board_db, board_warehouse,  # noqa: F401
                                  client_for, make_action, make_risk, make_user, people, warehouse)

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


# --- managers see their scope (headway.board.scope applies headway.web.access) ------------------
# The board warehouse's org tree: T1 Assessment Team (service Assessment), T2 Safeguarding Team
# (service Safeguarding). Each team gets a case audit, a rota line and feedback; one old audit
# has a free-text team that matched no team (team_unit blank).
TEAM_RECORDS = {"T1": ("Assessment Team", "PSN-T1-0001", "good"), "T2": ("Safeguarding Team", "PSN-T2-0002",
                                                                          "inadequate")}


@pytest.fixture
def scoped(people, warehouse):
    """Managers of one team or one service, an executive for the whole authority, and each
    team's records, all made by the analyst (so nobody reads them as their auditor)."""
    from headway.board.history import acting_as
    from headway.board.models import CaseAudit, DomainGrade, Feedback, RotaSlot

    analyst = people["analyst"]
    made = {
        "team_a": make_user("tam", roles.TEAM_MANAGER, first_name="Tam", last_name="Teama", teams=["T1"]),
        "service_b": make_user("sam", roles.SERVICE_MANAGER, first_name="Sam", service_areas=["Safeguarding"]),
        "executive": make_user("eve", roles.EXECUTIVE, first_name="Eve", whole_authority=True),
    }
    with acting_as(analyst):
        for unit, (name, child, grade) in TEAM_RECORDS.items():
            audit = CaseAudit.objects.create(child_ref=child, team_unit=unit, team=name, worker="W", auditor=analyst,
                                             audited_on=dt.date(2026, 3, 3), overall_grade=grade,
                                             findings=f"Findings for {name}")
            DomainGrade.objects.create(audit=audit, domain="Planning", grade=grade)
            made[unit] = audit
            RotaSlot.objects.create(auditor=analyst, team_unit=unit, team=name, due_on=dt.date(2026, 6, 30))
            Feedback.objects.create(received_on=dt.date(2026, 3, 12), from_whom="child", channel="survey",
                                    team_unit=unit, team=name, about="worker", listened_to="yes",
                                    made_a_difference="yes", overall=4, recorded_by=analyst)
        made["unmatched"] = CaseAudit.objects.create(child_ref="PSN-OLD-0003", team="North (old name)", worker="W",
                                                     auditor=analyst, audited_on=dt.date(2025, 3, 3),
                                                     overall_grade="good", findings="From before teams were IDs")
    return made


def board_text(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    return response.content.decode()


def test_a_team_manager_cannot_read_another_team_s_audits_by_any_route(scoped):
    from django.urls import reverse

    client = client_for(scoped["team_a"])
    theirs, other = scoped["T1"], scoped["T2"]
    listed = board_text(client, "/board/audits/cases/")
    assert "PSN-T1-0001" in listed and "PSN-T2-0002" not in listed and "PSN-OLD-0003" not in listed
    assert client.get(f"/board/audits/cases/{theirs.pk}/").status_code == 200
    for audit in (other, scoped["unmatched"]):  # by its URL: 404, as for an audit that does not exist
        assert client.get(f"/board/audits/cases/{audit.pk}/").status_code == 404
        assert client.get(f"/board/audits/cases/{audit.pk}/edit/").status_code == 404
    # grades over time (the chart of the audit programme) and the rota: their team only
    summary = board_text(client, "/board/audits/")
    assert "Assessment Team" in summary and "Safeguarding Team" not in summary and "North (old name)" not in summary
    assert "1 case audit in all" in summary
    feedback = board_text(client, "/board/feedback/")
    assert "Assessment Team" in feedback and "Safeguarding Team" not in feedback
    # the history holds every field of every record: their team's only
    for address in ("/board/history/", "/board/history/?kind=board.caseaudit",
                    "/board/history/?kind=board.domaingrade", "/board/history/?kind=board.rotaslot",
                    "/board/history/?kind=board.feedback"):
        text = board_text(client, address)
        assert "PSN-T2-0002" not in text and "Safeguarding Team" not in text and "PSN-OLD-0003" not in text, address
    assert "PSN-T1-0001" in board_text(client, "/board/history/?kind=board.caseaudit")
    # no board route exports audits (the one spreadsheet is the blank import template, analysts
    # only): an export added later must be scoped and join this test
    downloads = {r.name for r in board_routes() if "export" in r.name or str(r.pattern).endswith((".csv", ".xlsx"))}
    assert downloads == {"import_template"}
    assert client.get(reverse("board:import_template")).status_code == 403


def test_a_service_manager_sees_the_teams_of_their_service_only(scoped):
    client = client_for(scoped["service_b"])
    listed = board_text(client, "/board/audits/cases/")
    assert "PSN-T2-0002" in listed and "PSN-T1-0001" not in listed
    assert client.get(f"/board/audits/cases/{scoped['T1'].pk}/").status_code == 404
    summary = board_text(client, "/board/audits/")
    assert "Safeguarding Team" in summary and "Assessment Team" not in summary


@pytest.mark.parametrize("who", ["executive", "analyst"])
def test_authority_wide_roles_see_every_team_and_the_unmatched_audit(scoped, people, who):
    client = client_for(scoped.get(who) or people[who])
    listed = board_text(client, "/board/audits/cases/")
    assert all(child in listed for child in ("PSN-T1-0001", "PSN-T2-0002", "PSN-OLD-0003"))
    assert client.get(f"/board/audits/cases/{scoped['unmatched'].pk}/").status_code == 200
    summary = board_text(client, "/board/audits/")
    assert "Assessment Team" in summary and "Safeguarding Team" in summary and "North (old name)" in summary


def test_the_chair_sees_every_team_s_grades_but_no_record(scoped, people):
    chair = client_for(people["chair"])
    summary = board_text(chair, "/board/audits/")
    assert "Assessment Team" in summary and "Safeguarding Team" in summary and "PSN-T2-0002" not in summary
    assert chair.get(f"/board/audits/cases/{scoped['T2'].pk}/").status_code == 403


def test_without_a_published_warehouse_a_team_manager_sees_no_team_s_records(scoped):
    from pathlib import Path

    from django.test import override_settings

    from headway.config import Settings

    with override_settings(HEADWAY_SETTINGS=Settings(workspace=Path("/nonexistent/headway-workspace"))):
        client = client_for(scoped["team_a"])
        listed = board_text(client, "/board/audits/cases/")
        assert "PSN-T1-0001" not in listed and "PSN-T2-0002" not in listed
        assert client.get(f"/board/audits/cases/{scoped['T1'].pk}/").status_code == 404
        assert "PSN-T2-0002" in board_text(client_for(scoped["executive"]), "/board/audits/cases/")


def test_a_manager_records_audits_only_for_teams_in_their_scope(scoped):
    import lxml.html

    from headway.board.models import CaseAudit

    client = client_for(scoped["team_a"])
    form = lxml.html.fromstring(board_text(client, "/board/audits/cases/new/"))
    assert [o.get("value") for o in form.xpath("//select[@id='id_team_unit']/option")] == ["", "T1"]
    follow_ups = [o.text_content() for o in form.xpath("//select[@id='id_follows_up']/option")]
    assert any("PSN-T1-0001" in o for o in follow_ups) and not any("PSN-T2" in o or "PSN-OLD" in o for o in follow_ups)
    answers = {"kind": "rota", "child_ref": "PSN-4821", "worker": "W1", "audited_on": "2026-03-02",
               "overall_grade": "good", "findings": "Clear plan"}
    refused = client.post("/board/audits/cases/new/", {**answers, "team_unit": "T2"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    sneaked = client.post("/board/audits/cases/new/", {**answers, "kind": "moderation", "team_unit": "T1",
                                                      "follows_up": scoped["T2"].pk})
    assert sneaked.status_code == 200 and not CaseAudit.objects.filter(child_ref="PSN-4821").exists()
    assert client.post("/board/audits/cases/new/", {**answers, "team_unit": "T1"}).status_code == 302
    assert CaseAudit.objects.get(child_ref="PSN-4821").team == "Assessment Team"


def test_the_rota_gives_an_auditor_only_teams_in_their_scope(scoped, people):
    from headway.board.models import RotaSlot

    analyst = client_for(people["analyst"])
    line = {"cases": "2", "due_on": "2026-07-31"}
    refused = analyst.post("/board/audits/rota/new/", {**line, "auditor": scoped["team_a"].pk, "team_unit": "T2"})
    assert refused.status_code == 200 and "Safeguarding Team is outside Tam Teama&#x27;s scope" in \
        refused.content.decode()
    assert analyst.post("/board/audits/rota/new/", {**line, "auditor": scoped["team_a"].pk,
                                                    "team_unit": "T1"}).status_code == 302
    assert RotaSlot.objects.filter(due_on=dt.date(2026, 7, 31)).get().team == "Assessment Team"


def test_old_free_text_teams_are_mapped_to_warehouse_ids_where_a_name_matches(people, warehouse):
    """Migration 0004's data step, run on rows made as they were before it."""
    import importlib

    from django.apps import apps

    from headway.board.models import CaseAudit, Feedback, RotaSlot

    step = importlib.import_module("headway.board.migrations.0004_team_from_the_warehouse")
    officer = people["officer"]
    old = {name: CaseAudit.objects.create(child_ref="PSN-0009", team=name, worker="W", auditor=officer,
                                          audited_on=dt.date(2025, 1, 6), overall_grade="good", findings="f")
           for name in ("  assessment   TEAM ", "T2", "North", "Not a team")}
    rota = RotaSlot.objects.create(auditor=officer, team="Safeguarding Team", due_on=dt.date(2025, 2, 1))
    feedback = Feedback.objects.create(received_on=dt.date(2025, 1, 9), from_whom="parent", channel="survey",
                                       team="Nowhere", about="help", listened_to="yes", made_a_difference="no",
                                       overall=3, recorded_by=officer)
    step.map_old_team_names(apps, None)
    assert {name: CaseAudit.objects.get(pk=a.pk).team_unit for name, a in old.items()} == {
        "  assessment   TEAM ": "T1", "T2": "T2", "North": "", "Not a team": ""}
    assert RotaSlot.objects.get(pk=rota.pk).team_unit == "T2" and Feedback.objects.get(pk=feedback.pk).team_unit == ""
    assert step.team_ids_by_name([{"org_unit": "A", "org_unit_name": "Same"},
                                  {"org_unit": "B", "org_unit_name": "same"}]) == {"a": "A", "b": "B"}


# --- the plan is authority-wide: managers read all of it, edit only their own actions ------------
def test_a_team_manager_reads_the_whole_plan_but_updates_only_their_own_action(scoped, people):
    from headway.board import drafts
    from headway.board.models import Action

    mine = make_action(scoped["team_a"], "2.1", due=dt.date(2099, 1, 1))
    someone_else_s = make_action(people["officer"], "2.2", due=dt.date(2099, 1, 1))
    drafts.write_statement(someone_else_s, dt.date(2026, 3, 31), people["officer"], STATEMENT)
    risk = make_risk(people["officer"])
    client = client_for(scoped["team_a"])
    for address in ("/board/plan/", f"/board/actions/{someone_else_s.pk}/", "/board/risks/",
                    f"/board/risks/{risk.pk}/", "/board/meetings/"):
        assert client.get(address).status_code == 200, address
    assert STATEMENT["done"] in board_text(client, f"/board/actions/{someone_else_s.pk}/")  # drafts: inside roles
    update = {"status": "in_progress", "officer_rag": "A", "rag_reason": "Recruiting"}
    assert client.post(f"/board/actions/{someone_else_s.pk}/update/", update).status_code == 403
    assert client.post(f"/board/actions/{someone_else_s.pk}/statements/new/",
                       {"as_of": "2026-03-31", **STATEMENT}).status_code == 403
    assert client.post(f"/board/risks/{risk.pk}/review/", {}).status_code == 403
    assert client.post(f"/board/actions/{mine.pk}/update/", update).status_code == 302
    assert Action.objects.get(pk=mine.pk).officer_rag == "A"
    assert Action.objects.get(pk=someone_else_s.pk).officer_rag == ""
