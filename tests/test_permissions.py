"""The permission matrix: every route in the URLconf, requested signed out and as every
role, against a table that says what each role must get. A new route fails
test_every_route_declares_a_permission_and_is_in_the_matrix until it has both a
declared permission and a row here. Then the boundaries: each role asks for what is
outside its scope (another team's figures, list, export or child; a member asking
for anything child-level) and must be refused, and nothing outside a user's scope
may appear on any page they can open.
"""

from __future__ import annotations

import io

import lxml.html
import openpyxl
import pytest

from headway.web.access import Permission, declared_permission
from tests.web_helpers import (OVERDUE, USERS, app, every_route, mentions, sample_url, visible_text,  # noqa: F401
                               visit)

FIGURE_ROLES = {name: 200 for name in ("executive", "assistant-director", "service-manager", "team-manager",
                                       "two-team-manager", "analyst", "board-chair", "member")}
CHILD_ROLES = {name: 200 for name in ("executive", "assistant-director", "service-manager", "team-manager",
                                      "two-team-manager", "analyst")}
ADMINS = {"analyst": 200, "superuser": 200}
# route -> (the permission it must declare, status per user, status for everyone else signed in)
MATRIX = {
    "scorecard": (Permission.FIGURES, FIGURE_ROLES, 403),
    "measure": (Permission.FIGURES, FIGURE_ROLES, 403),
    "workforce": (Permission.FIGURES, FIGURE_ROLES, 403),
    "exceptions": (Permission.CHILDREN, CHILD_ROLES, 403),
    "exception_list": (Permission.CHILDREN, CHILD_ROLES, 403),
    "exception_export": (Permission.EXPORT, CHILD_ROLES, 403),
    # P4 is held by team T1 (service Assessment): outside the Safeguarding manager's scope
    "child": (Permission.CHILDREN, {**CHILD_ROLES, "service-manager": 404}, 403),
    "users": (Permission.ADMIN, ADMINS, 403),
    "user_new": (Permission.ADMIN, ADMINS, 403),
    "user_edit": (Permission.ADMIN, ADMINS, 403),
    "audit": (Permission.ADMIN, ADMINS, 403),
    "login": (Permission.PUBLIC, {}, 302),       # a signed-in user is sent on to the scorecard
    "logout": (Permission.SIGNED_IN, {}, 405),   # POST only
    "static": (Permission.PUBLIC, {}, 200),
    # OpenID Connect: 404 here, where no provider is configured (tests/test_web_oidc.py signs in with one)
    "oidc_start": (Permission.PUBLIC, {}, 404),
    "oidc_callback": (Permission.PUBLIC, {}, 404),
}
PUBLIC = {"login", "static"}
NOT_CONFIGURED = {"oidc_start", "oidc_callback"}  # public, but 404 without an OpenID Connect provider

# What each user must never see: child IDs and org units outside their scope.
T1_CHILDREN = {c for teams in OVERDUE.values() for c in teams.get("T1", ())}
T2_CHILDREN = {c for teams in OVERDUE.values() for c in teams.get("T2", ())}
UNALLOCATED_CHILDREN = {c for teams in OVERDUE.values() for c in teams.get("UNALLOCATED", ())}
T1_NAMES, T2_NAMES = {"Assessment Team", "Worker One"}, {"Safeguarding Team", "Worker Two"}
OUTSIDE = {
    "team-manager": (T2_CHILDREN | UNALLOCATED_CHILDREN, T2_NAMES | {"Not allocated"}),
    "two-team-manager": (UNALLOCATED_CHILDREN, {"Not allocated"}),
    "assistant-director": (T2_CHILDREN | UNALLOCATED_CHILDREN, T2_NAMES | {"Not allocated"}),
    "service-manager": (T1_CHILDREN | UNALLOCATED_CHILDREN, T1_NAMES | {"Not allocated"}),
    "member": (T1_CHILDREN | T2_CHILDREN | UNALLOCATED_CHILDREN, T1_NAMES | T2_NAMES),
    "board-chair": (T1_CHILDREN | T2_CHILDREN | UNALLOCATED_CHILDREN, set()),
}


# --- every route has a declared permission, and a row in the matrix ---------------------------
def test_every_route_declares_a_permission_and_is_in_the_matrix(app):
    for name, route in every_route():
        assert name, f"route {route.pattern} has no name"
        declared = declared_permission(route.callback)
        assert declared is not None, f"route {name} declares no permission (use access.requires)"
        if name.startswith("board:"):
            assert getattr(route.callback, "board_verb", None), f"{name} has no board permission verb"
            continue
        assert name in MATRIX, f"route {name} is not in the permission matrix in tests/test_permissions.py"
        assert declared == MATRIX[name][0], f"{name} declares {declared}, the matrix says {MATRIX[name][0]}"


def test_a_route_with_no_declaration_is_refused(app, visit):
    from django.test import override_settings
    from django.urls import path

    from headway.web import urls

    def undeclared(request):
        raise AssertionError("an undeclared view must never run")

    class Urls:
        urlpatterns = [path("undeclared/", undeclared, name="undeclared"), *urls.urlpatterns]

    with override_settings(ROOT_URLCONF=Urls):
        assert visit("analyst").get("/undeclared/").status_code == 403


# --- the matrix -------------------------------------------------------------------------
@pytest.mark.parametrize("user", [None, *USERS])
def test_permission_matrix(app, visit, user):
    client = visit(user)
    for name, route in every_route():
        url = sample_url(name, route, user_id=app["users"]["executive"].pk)
        response = client.get(url)
        if user is None:
            if name in PUBLIC:
                assert response.status_code == 200, url
            elif name in NOT_CONFIGURED:
                assert response.status_code == 404, url
            else:
                assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), url
            continue
        if name.startswith("board:"):
            assert response.status_code < 500, f"{url} as {user}: {response.status_code}"
            continue
        _, allowed, otherwise = MATRIX[name]
        expected = allowed.get(user, otherwise)
        assert response.status_code == expected, f"{url} as {user}: {response.status_code}, expected {expected}"


@pytest.mark.parametrize("user", ["no-role", "role-no-scope", "superuser"])
def test_no_role_or_no_scope_sees_a_page_saying_so_and_nothing_else(visit, user):
    client = visit(user)
    for url in ["/", "/measures/A02/", "/measures/A02/?unit=team:T1"]:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        words = visible_text(response)
        if response.status_code == 403:
            assert "You cannot see any figures yet" in words
        for unit in T1_NAMES | T2_NAMES | {"Assessment", "Safeguarding"}:
            assert not mentions(words, unit), f"{unit} shown to {user} on {url}"


@pytest.mark.parametrize("user", sorted(OUTSIDE))
def test_nothing_outside_the_scope_appears_on_any_page_the_user_can_open(app, visit, user):
    client = visit(user)
    children, names = OUTSIDE[user]
    urls = ["/", "/measures/A02/", "/measures/P01/", "/exceptions/", "/workforce/"]
    urls += [f"/workforce/?unit={unit}" for unit in ("service:Assessment", "service:Safeguarding", "team:T1", "team:T2")]
    urls += [f"/exceptions/{list_id}/" for list_id in OVERDUE]
    urls += [f"/measures/A02/?unit={level}:{unit}" for level, unit in
             [("service", "Assessment"), ("service", "Safeguarding"), ("team", "T1"), ("team", "T2"),
              ("worker", "W1"), ("worker", "W2")]]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        words = visible_text(response)
        for child in children:
            assert not mentions(words, child), f"child {child} shown to {user} on {url}"
        for unit in names:
            assert not mentions(words, unit), f"{unit} shown to {user} on {url}"


# --- crossing the boundaries --------------------------------------------------------------
def test_a_team_manager_cannot_reach_another_team(visit):
    client = visit("team-manager")
    for unit in ["team:T2", "worker:W2", "service:Safeguarding", "service:Assessment", "authority:999",
                 "team:UNALLOCATED", "team:NOPE"]:
        assert client.get(f"/measures/A02/?unit={unit}").status_code == 404, unit
        assert client.get(f"/?unit={unit}").status_code == 404, unit
        assert client.get(f"/workforce/?unit={unit}").status_code == 404, unit
    assert client.get("/measures/A02/?unit=team:T1").status_code == 200
    assert client.get("/workforce/?unit=team:T1").status_code == 200
    assert client.get("/measures/A02/?unit=worker:W1").status_code == 200
    for child in T2_CHILDREN | UNALLOCATED_CHILDREN:
        assert client.get(f"/children/{child}/").status_code == 404, child
    for list_id in OVERDUE:
        assert client.get(f"/exceptions/{list_id}/?team=T2").status_code == 404
        assert client.get(f"/exceptions/{list_id}/export.xlsx?team=T2").status_code == 404
        assert client.get(f"/exceptions/{list_id}/export.xlsx?team=UNALLOCATED").status_code == 404


def test_a_team_manager_s_lists_and_exports_hold_only_their_team(visit):
    client = visit("team-manager")
    for list_id, by_team in OVERDUE.items():
        page = lxml.html.fromstring(client.get(f"/exceptions/{list_id}/").content)
        shown = {row.get("data-child-id") for row in page.xpath("//tr[@data-child-id]")}
        assert shown == by_team.get("T1", set()), list_id
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exceptions/{list_id}/export.xlsx").content))
        exported = {row[0] for row in book.active.iter_rows(min_row=6, values_only=True) if row[0]}
        assert exported == by_team.get("T1", set()), list_id


def test_a_manager_of_two_teams_sees_both(visit):
    client = visit("two-team-manager")
    for list_id, by_team in OVERDUE.items():
        page = lxml.html.fromstring(client.get(f"/exceptions/{list_id}/").content)
        shown = {row.get("data-child-id") for row in page.xpath("//tr[@data-child-id]")}
        assert shown == by_team.get("T1", set()) | by_team.get("T2", set()), list_id
    assert client.get("/children/K1/").status_code == 200 and client.get("/children/K5/").status_code == 200


def test_only_the_whole_authority_sees_children_nobody_holds(visit):
    for user, sees in [("executive", True), ("analyst", True), ("service-manager", False),
                       ("assistant-director", False)]:
        client = visit(user)
        for child in UNALLOCATED_CHILDREN:
            assert (client.get(f"/children/{child}/").status_code == 200) is sees, (user, child)


@pytest.mark.parametrize("user", ["member", "board-chair"])
def test_aggregate_roles_get_no_child_level_page_or_export(visit, user):
    client = visit(user)
    assert client.get("/exceptions/").status_code == 403
    for list_id in OVERDUE:
        assert client.get(f"/exceptions/{list_id}/").status_code == 403
        response = client.get(f"/exceptions/{list_id}/export.xlsx")
        assert response.status_code == 403 and "spreadsheet" not in response["Content-Type"]
    for child in T1_CHILDREN | T2_CHILDREN:
        assert client.get(f"/children/{child}/").status_code == 403
    assert "Exception lists" not in visible_text(client.get("/"))


def test_a_member_sees_authority_and_service_areas_only(visit):
    client = visit("member")
    assert client.get("/measures/A02/?unit=authority:999").status_code == 200
    assert client.get("/measures/A02/?unit=service:Safeguarding").status_code == 200
    assert client.get("/workforce/?unit=service:Safeguarding").status_code == 200
    for unit in ["team:T1", "team:T2", "worker:W1", "team:UNALLOCATED"]:
        assert client.get(f"/measures/A02/?unit={unit}").status_code == 404, unit
        assert client.get(f"/?unit={unit}").status_code == 404, unit
        assert client.get(f"/workforce/?unit={unit}").status_code == 404, unit


def test_filter_lists_offer_only_what_is_in_scope(visit):
    page = lxml.html.fromstring(visit("service-manager").get("/").content)
    options = {o.get("value") for o in page.xpath("//select[@id='unit']/option")}
    assert options <= {"service:Safeguarding", "team:T2"} and "service:Safeguarding" in options
    page = lxml.html.fromstring(visit("team-manager").get("/exceptions/cp-reviews/").content)
    assert {o.get("value") for o in page.xpath("//select[@id='team']/option")} == {"", "T1"}
    page = lxml.html.fromstring(visit("member").get("/").content)
    options = {o.get("value") for o in page.xpath("//select[@id='unit']/option")}
    assert options == {"authority:999", "service:Assessment", "service:Safeguarding", "service:Not allocated"}


def test_a_scope_change_applies_on_the_next_request(app, visit):
    from headway.web.models import Scope

    client = visit("team-manager")
    assert client.get("/children/K1/").status_code == 404
    scope = Scope.objects.get(user=app["users"]["team-manager"])
    scope.teams = ["T1", "T2"]
    scope.save()
    try:
        assert client.get("/children/K1/").status_code == 200
    finally:
        scope.teams = ["T1"]
        scope.save()
    assert client.get("/children/K1/").status_code == 404


def test_a_switched_off_user_is_signed_out_at_once(app, visit):
    client = visit("two-team-manager")
    user = app["users"]["two-team-manager"]
    user.is_active = False
    user.save()
    try:
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    finally:
        user.is_active = True
        user.save()


@pytest.mark.parametrize("value", ["' OR 1=1 --", "T1' OR '1'='1", "{{ 4*'foo' }}", "T1;DROP TABLE teams"])
def test_filter_values_are_data_not_sql(visit, value):
    client = visit("team-manager")
    assert client.get("/exceptions/cp-reviews/", {"team": value}).status_code == 404
    assert client.get("/exceptions/cp-reviews/", {"sort": value}).status_code == 400
    assert client.get("/measures/A02/", {"unit": f"team:{value}"}).status_code == 404


# --- the board's team-tied records (case audits, rota, grades over time, feedback) ---------------
@pytest.fixture
def board_audits(app):
    """A case audit, a domain grade, a rota line and feedback for each of teams T1 and T2, made
    by the analyst; removed again afterwards (their history stays, as all history does)."""
    import datetime as dt

    from headway.board.history import acting_as
    from headway.board.models import CaseAudit, DomainGrade, Feedback, RotaSlot

    analyst, made = app["users"]["analyst"], {}
    with acting_as(analyst):
        for unit, name in (("T1", "Assessment Team"), ("T2", "Safeguarding Team")):
            audit = CaseAudit.objects.create(child_ref=f"PSN-{unit}-AUDIT", team_unit=unit, team=name, worker="W",
                                             auditor=analyst, audited_on=dt.date(2026, 3, 3), overall_grade="good",
                                             findings=f"Findings for {name}")
            made[unit] = [DomainGrade.objects.create(audit=audit, domain="Planning", grade="good"), audit,
                          RotaSlot.objects.create(auditor=analyst, team_unit=unit, team=name,
                                                  due_on=dt.date(2026, 6, 30)),
                          Feedback.objects.create(received_on=dt.date(2026, 3, 12), from_whom="child",
                                                  channel="survey", team_unit=unit, team=name, about="worker",
                                                  listened_to="yes", made_a_difference="yes", overall=4,
                                                  recorded_by=analyst)]
    yield {unit: records[1] for unit, records in made.items()}
    with acting_as(analyst):
        for records in made.values():
            for record in records:
                record.delete()


@pytest.mark.parametrize("user, own, other", [("team-manager", "T1", "T2"), ("service-manager", "T2", "T1")])
def test_a_manager_cannot_read_another_team_s_audit_by_list_url_history_or_grades(visit, board_audits, user, own,
                                                                                   other):
    client = visit(user)
    names = {"T1": "Assessment Team", "T2": "Safeguarding Team"}
    listed = visible_text(client.get("/board/audits/cases/"))
    assert f"PSN-{own}-AUDIT" in listed and f"PSN-{other}-AUDIT" not in listed
    assert client.get(f"/board/audits/cases/{board_audits[own].pk}/").status_code == 200
    assert client.get(f"/board/audits/cases/{board_audits[other].pk}/").status_code == 404
    assert client.get(f"/board/audits/cases/{board_audits[other].pk}/edit/").status_code == 404
    for address in ("/board/audits/", "/board/feedback/", "/board/history/", "/board/history/?kind=board.caseaudit"):
        response = client.get(address)
        assert response.status_code == 200, address
        words = visible_text(response)
        assert not mentions(words, names[other]) and f"PSN-{other}-AUDIT" not in words, (user, address)
    assert mentions(visible_text(client.get("/board/audits/")), names[own])  # their own team's grades


def test_authority_wide_users_see_every_team_s_audits(visit, board_audits):
    for user in ("executive", "analyst"):
        listed = visible_text(visit(user).get("/board/audits/cases/"))
        assert "PSN-T1-AUDIT" in listed and "PSN-T2-AUDIT" in listed, user
    grades = visible_text(visit("board-chair").get("/board/audits/"))
    assert mentions(grades, "Assessment Team") and mentions(grades, "Safeguarding Team")
    assert visit("board-chair").get(f"/board/audits/cases/{board_audits['T1'].pk}/").status_code == 403
    assert visit("member").get("/board/audits/").status_code == 403
