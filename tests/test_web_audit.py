"""The audit log: every view of a child-level page and every export is written with who,
when, what and which children; refusals and sign-ins too; admins read it in the app;
nothing can change it (not the app, not the ORM, not SQL). And managing users in the app."""

from __future__ import annotations

import re

import pytest

from tests.web_helpers import PASSWORD, app, cells, page_of, visit  # noqa: F401 (fixtures)


def latest_event():
    from headway.web.models import AuditEvent

    return AuditEvent.objects.order_by("-id").first()


def children_of(event) -> list[str]:
    return [c.child_id for c in event.children.order_by("id")]


def test_viewing_a_list_logs_who_what_and_which_children(visit):
    visit("team-manager").get("/exceptions/cla-reviews/?sort=child&order=asc")
    event = latest_event()
    assert (event.username, event.action) == ("web-team-manager", "view")
    assert event.what == "Exception list: Looked-after children's reviews overdue"
    assert event.roles == "Team Manager" and "sort=child" in event.detail
    assert children_of(event) == ["K5"] and event.row_count == 1
    assert event.at.tzinfo is not None and event.at.utcoffset().total_seconds() == 0  # stored in UTC


def test_an_export_is_logged_with_its_children(visit):
    visit("executive").get("/exceptions/cp-reviews/export.xlsx")
    event = latest_event()
    assert (event.username, event.action) == ("web-executive", "export")
    assert sorted(children_of(event)) == ["P3", "P4"]


def test_a_child_page_is_logged(visit):
    visit("executive").get("/children/K1/")
    event = latest_event()
    assert (event.action, event.what, children_of(event)) == ("view", "Child", ["K1"])


def test_a_refused_child_is_logged_as_refused(visit):
    visit("team-manager").get("/children/K1/")
    event = latest_event()
    assert (event.username, event.action, event.what) == ("web-team-manager", "denied", "child K1")
    visit("member").get("/exceptions/")
    assert latest_event().action == "denied" and latest_event().username == "web-member"


def test_sign_ins_are_logged(visit):
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.post("/sign-in/", {"username": "web-analyst", "password": "wrong password here"})
    assert (latest_event().action, latest_event().username) == ("sign-in failed", "web-analyst")
    client.post("/sign-in/", {"username": "web-analyst", "password": PASSWORD})
    assert (latest_event().action, latest_event().username) == ("sign-in", "web-analyst")


def test_admins_read_the_log_and_find_who_viewed_a_child(visit):
    visit("executive").get("/children/K5/")
    page = page_of(visit("analyst").get("/manage/audit/?child=K5"))
    rows = [cells(r) for r in page.xpath("//table[contains(@class,'hw-audit')]/tbody/tr")]
    assert rows and all("K5" in row[5] for row in rows)
    assert any(row[1].startswith("web-executive") and row[2] == "Viewed" for row in rows)
    page = page_of(visit("superuser").get("/manage/audit/?user=web-executive&action=view"))
    assert all(cells(r)[1].startswith("web-executive") for r in page.xpath("//table[contains(@class,'hw-audit')]"
                                                                            "/tbody/tr"))


def test_the_log_cannot_be_changed_through_the_app_or_the_orm(visit):
    from headway.web.models import AppendOnlyError, AuditedChild, AuditEvent

    visit("executive").get("/children/K1/")
    event = latest_event()
    event.what = "nothing to see"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(what="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditedChild.objects.filter(event=event).update(child_id="X")
    assert AuditEvent.objects.get(pk=event.pk).what == "Child"


def test_the_database_refuses_changes_to_the_log(visit):
    from django.db import DatabaseError, connection, transaction

    visit("executive").get("/children/K1/")
    event = latest_event()
    for sql in ["UPDATE headway_auditevent SET what = 'x' WHERE id = %s",
                "DELETE FROM headway_auditevent WHERE id = %s",
                "UPDATE headway_auditedchild SET child_id = 'x' WHERE event_id = %s"]:
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert latest_event().what == "Child"


def test_nobody_can_be_given_permission_to_change_the_log(app):
    from django.contrib.auth.models import Permission

    codenames = set(Permission.objects.filter(content_type__app_label="headway",
                                              content_type__model__in=["auditevent", "auditedchild"])
                    .values_list("codename", flat=True))
    assert codenames == {"view_auditevent", "view_auditedchild"}


def test_there_is_no_route_that_writes_to_the_log(visit):
    client = visit("analyst")
    page = client.get("/manage/audit/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert client.post("/manage/audit/", {"csrfmiddlewaretoken": token and token.group(1)}).status_code == 405


# --- managing users ---------------------------------------------------------------------
def csrf(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_an_admin_adds_a_user_with_a_role_and_scope_who_then_sees_only_that(visit):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin = visit("analyst", enforce_csrf_checks=True)
    get_user_model().objects.filter(username="new-team-manager").delete()
    response = admin.post("/manage/users/new/", {
        "csrfmiddlewaretoken": csrf(admin, "/manage/users/new/"), "username": "new-team-manager",
        "role": "Team Manager", "teams": ["T2"], "is_active": "on", "new_password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/manage/users/"
    assert "new-team-manager: role: Team Manager; scope: Teams: T2" in latest_event().detail
    assert latest_event().action == "admin"
    user = Client(SERVER_NAME="localhost")
    assert user.post("/sign-in/", {"username": "new-team-manager", "password": PASSWORD}).status_code == 302
    assert user.get("/children/K1/").status_code == 200
    assert user.get("/children/K5/").status_code == 404


def test_the_user_form_needs_a_csrf_token_and_an_admin(visit):
    assert visit("analyst", enforce_csrf_checks=True).post(
        "/manage/users/new/", {"username": "x", "new_password": PASSWORD}).status_code == 403
    assert visit("executive").post("/manage/users/new/", {"username": "x"}).status_code == 403


def test_the_user_form_explains_its_errors(visit):
    page = page_of(visit("analyst").post("/manage/users/new/", {
        "username": "", "role": "Scrutiny Member", "teams": ["T1"], "new_password": "short"}))
    summary = " ".join(page.xpath("//div[contains(@class,'govuk-error-summary')]")[0].text_content().split())
    assert "Enter a username" in summary and "never a team" in summary and "too short" in summary


def test_an_admin_cannot_lock_themselves_out(app, visit):
    analyst = app["users"]["analyst"]
    response = visit("analyst").post(f"/manage/users/{analyst.pk}/", {"role": "Team Manager", "is_active": "on"})
    assert response.status_code == 200 and b"your own administrator role" in response.content
    analyst.refresh_from_db()
    assert analyst.groups.filter(name="Analyst").exists()


def test_the_user_list_shows_role_scope_and_status(visit):
    page = page_of(visit("superuser").get("/manage/users/"))
    rows = {r.get("data-username"): cells(r) for r in page.xpath("//tr[@data-username]")}
    assert rows["web-team-manager"][1:] == ["Team Manager", "Teams: T1", "On"]
    assert rows["web-member"][1:] == ["Scrutiny Member", "The whole authority", "On"]
    assert rows["web-no-role"][1:] == ["No role", "Nothing", "On"]


def test_the_app_database_is_the_one_configured(app):
    """Run by tests/test_web_postgres.py with HEADWAY_EXPECT_DATABASE=postgresql."""
    import os

    from django.db import connection

    assert connection.vendor == os.environ.get("HEADWAY_EXPECT_DATABASE", connection.vendor)


def test_the_first_administrator_is_made_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HEADWAY_SECRET_KEY")}
    command = [sys.executable, "-m", "headway", "user", "first-admin", "--role", "Analyst", "--authority",
               "--workspace", str(tmp_path / "ws")]
    made = subprocess.run([*command, "--password", PASSWORD], env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "first-admin: role Analyst; scope the whole authority" in made.stdout
    weak = subprocess.run([*command, "--password", "short"], env=env, capture_output=True, text=True, timeout=120)
    assert weak.returncode == 1 and "too short" in weak.stderr and "Traceback" not in weak.stderr
    check = ("from headway.config import load_settings; from headway.web import setup; "
             f"setup(load_settings({str(tmp_path / 'ws')!r})); "
             "from django.contrib.auth import authenticate; from headway.web.access import access_for; "
             f"a = access_for(authenticate(username='first-admin', password={PASSWORD!r})); "
             "print(a.is_admin, a.everything, a.whole_authority)")
    shown = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=120)
    assert shown.stdout.split() == ["True", "True", "True"], shown.stderr
