"""Security requirements from ../shared/reference/security.md sections 1-3 and 6-7:
lockout after failed sign-ins (W-5), idle and absolute session timeouts (W-2), the
server refusing a weak secret key (W-1), headers (W-4), error pages without data (W-10)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client, override_settings

from headway.config import Settings
from headway.errors import HeadwayError
from headway.web.settings import build_settings
from tests.web_helpers import PASSWORD, app, page_of, visit  # noqa: F401 (fixtures)

LOCKED = "too many failed attempts"


def attempt(client, username, password):
    return client.post("/sign-in/", {"username": username, "password": password})


def error_text(response) -> str:
    summary = page_of(response).xpath("//div[contains(@class,'govuk-error-summary')]")
    return " ".join(summary[0].text_content().split()) if summary else ""


@pytest.fixture
def lockout_after_three(app):
    from headway.web.accounts import clear_failures

    with override_settings(HEADWAY_LOCKOUT_ATTEMPTS=3, HEADWAY_LOCKOUT_MINUTES=15):
        yield
    for name in ("web-board-chair", "nobody-at-all"):
        clear_failures(name)


def test_repeated_failures_lock_the_username_even_against_the_right_password(lockout_after_three):
    client = Client(SERVER_NAME="localhost")
    for _ in range(2):
        assert "Enter a correct username and password" in error_text(attempt(client, "web-board-chair", "nope"))
    assert LOCKED in error_text(attempt(client, "web-board-chair", "nope"))
    response = attempt(client, "web-board-chair", PASSWORD)
    assert response.status_code == 200 and LOCKED in error_text(response)
    assert client.get("/").status_code == 302


def test_a_username_that_does_not_exist_locks_the_same_way(lockout_after_three):
    client = Client(SERVER_NAME="localhost")
    messages = [error_text(attempt(client, "nobody-at-all", "nope")) for _ in range(4)]
    assert LOCKED in messages[-1] and LOCKED in messages[-2]


def test_the_lock_ends_after_its_time_and_a_good_sign_in_clears_failures(lockout_after_three):
    import datetime as dt

    from headway.web.models import SignInLock

    client = Client(SERVER_NAME="localhost")
    for _ in range(3):
        attempt(client, "web-board-chair", "nope")
    SignInLock.objects.filter(username="web-board-chair").update(
        locked_until=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    assert attempt(client, "web-board-chair", PASSWORD).status_code == 302
    assert not SignInLock.objects.filter(username="web-board-chair").exists()


def test_an_admin_unlocks_an_account(app, visit, lockout_after_three):
    from headway.web.accounts import is_locked

    client = Client(SERVER_NAME="localhost")
    for _ in range(3):
        attempt(client, "web-board-chair", "nope")
    assert is_locked("web-board-chair")
    chair = app["users"]["board-chair"]
    form = {"role": "Improvement Board Chair", "whole_authority": "on", "is_active": "on", "unlock": "on"}
    assert visit("analyst").post(f"/manage/users/{chair.pk}/", form).status_code == 302
    assert not is_locked("web-board-chair")
    assert attempt(client, "web-board-chair", PASSWORD).status_code == 302


def signed_in_client(app, name="executive") -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(app["users"][name])
    return client


def age_session(client, **seconds_ago) -> None:
    from headway.web.middleware import LAST_SEEN, SIGNED_IN_AT

    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - seconds_ago.get("signed_in", 0)
    session[LAST_SEEN] = now - seconds_ago.get("last_seen", 0)
    session.save()


@pytest.mark.parametrize("ages, signed_out", [
    ({"signed_in": 3600, "last_seen": 60}, False),
    ({"signed_in": 3600, "last_seen": 31 * 60}, True),          # idle for more than 30 minutes
    ({"signed_in": 8 * 3600 + 5, "last_seen": 10}, True),       # active, but signed in over 8 hours ago
])
def test_idle_and_absolute_timeouts_sign_out_on_the_server(app, visit, ages, signed_out):
    from django.contrib.sessions.models import Session

    with override_settings(HEADWAY_SETTINGS=app["warehouse"]):
        client = signed_in_client(app)
        key = client.session.session_key
        age_session(client, **ages)
        response = client.get("/")
    if signed_out:
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
        assert not Session.objects.filter(session_key=key).exists()  # the old cookie is worthless
    else:
        assert response.status_code == 200


def test_timeouts_and_lockout_come_from_the_environment(tmp_path):
    built = build_settings(Settings(workspace=tmp_path / "ws"), environ={
        "HEADWAY_IDLE_MINUTES": "10", "HEADWAY_SESSION_HOURS": "4", "HEADWAY_LOCKOUT_ATTEMPTS": "3",
        "HEADWAY_LOCKOUT_MINUTES": "30"})
    assert (built["HEADWAY_IDLE_SECONDS"], built["HEADWAY_SESSION_SECONDS"], built["SESSION_COOKIE_AGE"]) == (
        600, 4 * 3600, 4 * 3600)
    assert (built["HEADWAY_LOCKOUT_ATTEMPTS"], built["HEADWAY_LOCKOUT_MINUTES"]) == (3, 30)
    for bad in ["0", "-1", "ten", "1.5"]:
        with pytest.raises(HeadwayError, match="HEADWAY_IDLE_MINUTES must be a whole number"):
            build_settings(Settings(workspace=tmp_path / "ws"), environ={"HEADWAY_IDLE_MINUTES": bad})


@pytest.mark.parametrize("key", ["changeme", "django-insecure-" + "x1y2z3" * 10])
def test_the_server_refuses_to_start_with_a_default_secret_key(tmp_path, key):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(HEADWAY_SECRET_KEY=key, HEADWAY_WORKSPACE=str(tmp_path / "ws"))
    done = subprocess.run([sys.executable, "-m", "headway.web.server", "--port", "0"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "too weak" in done.stderr and "Traceback" not in done.stderr


def test_security_headers_on_every_kind_of_page(visit):
    client = visit("executive")
    for path in ["/", "/exceptions/", "/children/K1/", "/measures/NOPE/", "/sign-in/"]:
        response = client.get(path)
        assert "default-src 'self'" in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "no-store" in response["Cache-Control"], path  # children's IDs never sit in a cache


def test_hsts_and_secure_cookies_behind_tls(tmp_path):
    built = build_settings(Settings(workspace=tmp_path / "ws"), environ={"HEADWAY_ALLOWED_HOSTS": "hw.council.example"})
    assert built["SECURE_HSTS_SECONDS"] >= 31_536_000 and built["SESSION_COOKIE_SECURE"]
    assert built["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_an_error_page_shows_no_data_and_no_stack_trace(app, visit):
    from django.urls import path

    from headway.web import urls
    from headway.web.access import Permission, requires

    @requires(Permission.FIGURES)
    def broken(request):
        raise RuntimeError("child C10 born 2015-02-03 at SW1A 1AA")

    class Urls:
        urlpatterns = [path("broken/", broken, name="broken"), *urls.urlpatterns]

    with override_settings(ROOT_URLCONF=Urls):
        response = visit("executive", raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    for leak in ["C10", "2015-02-03", "SW1A", "Traceback", "RuntimeError", "broken"]:
        assert leak not in body


def test_a_bad_request_says_what_is_wrong_without_echoing_it(visit):
    response = visit("executive").get("/measures/A02/?unit=<script>alert(1)</script>")
    assert response.status_code == 400 and b"<script>alert" not in response.content


NEW_PAGES = ["/?unit=team:T1", "/measures/A02/?unit=service:Assessment", "/measures/A02/?unit=worker:W1",
             "/exceptions/", "/exceptions/cp-reviews/", "/children/K1/", "/manage/users/", "/manage/users/new/",
             "/manage/audit/"]


@pytest.mark.parametrize("path", NEW_PAGES)
def test_new_pages_need_nothing_the_csp_blocks_and_are_accessible_in_structure(visit, path):
    page = page_of(visit("analyst").get(path))
    for script in page.iter("script"):
        assert script.get("type") == "application/json" and not script.get("src"), path
    assert not page.xpath("//style | //@style") and not [a for a in page.xpath("//@*") if a.attrname.startswith("on")]
    assert len(page.findall(".//h1")) == 1 and page.get("lang") == "en-GB"
    for table in page.iter("table"):
        assert table.find("caption") is not None and table.find("caption").text_content().strip(), path
        assert all(th.get("scope") == "col" for th in table.xpath("./thead//th")), path
        assert all(th.get("scope") == "row" for th in table.xpath("./tbody//th")), path
    for field in page.xpath("//input[not(@type='hidden') and not(@type='checkbox') and not(@type='radio')] | //select"):
        assert page.xpath(f"//label[@for='{field.get('id')}']"), f"{path}: {field.get('name')} has no label"


# --- CSRF on every form (W-3) ---------------------------------------------------------------
TEMPLATE_DIRS = [Path(__file__).resolve().parents[1] / "src" / "headway" / d / "templates" for d in ("web", "board")]


def test_every_post_form_in_every_template_carries_a_csrf_token():
    forms = 0
    for template in (t for d in TEMPLATE_DIRS for t in d.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, flags=re.S | re.I):
            if re.search(r"method=\"post\"", match.group(0)[:200], flags=re.I):
                forms += 1
                assert "{% csrf_token %}" in match.group(1), f"{template.name}: a POST form without a CSRF token"
    assert forms >= 3  # sign-in, sign-out, user edit at least: the scan found the forms


def test_a_post_without_the_csrf_token_is_refused_on_every_route(app):
    from tests.web_helpers import every_route, sample_url

    client = Client(SERVER_NAME="localhost", enforce_csrf_checks=True)
    client.force_login(app["users"]["analyst"])
    for name, route in every_route():
        url = sample_url(name, route, user_id=app["users"]["executive"].pk)
        response = client.post(url, {"username": "x", "is_active": "on"})
        assert response.status_code == 403 and b"that form has expired" in response.content, url


@pytest.mark.parametrize("path", ["/children/P3/", "/children/NO-SUCH-CHILD-77/", "/measures/ZZ99/",
                                  "/exceptions/no-such-list-77/"])
def test_not_found_pages_do_not_echo_what_was_asked_for(visit, path):
    from tests.web_helpers import markup_without_tokens, visible_text

    response = visit("team-manager").get(path)  # P3 exists, in team T2: outside this user's scope
    assert response.status_code == 404
    assert path.strip("/").split("/")[-1] not in visible_text(response)
    assert path.strip("/").split("/")[-1] not in markup_without_tokens(response)  # "P3" is in 1 token in 60
