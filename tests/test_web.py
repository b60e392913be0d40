"""The dashboard through Django's test client: deny by default, sign-in, the
scorecard and measure pages (expected figures read from the warehouse, never typed
in), security headers and settings.

Django is configured once per process (headway.web.setup); each test points the
views at its own sample warehouse with override_settings(HEADWAY_SETTINGS=...).
"""

from __future__ import annotations

import json
import re
import stat

import duckdb
import lxml.html
import pytest

from headway import charts
from headway.config import Settings
from headway.errors import HeadwayError
from headway.measures.rag import RAG_WORDS
from headway.warehouse.query import Warehouse
from headway.web import setup
from headway.web.settings import build_settings, parse_database_url
from tests.sample_warehouse import write_sample_warehouse
from tests.web_helpers import every_route, sample_url

LONG_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2
PUBLIC_ROUTES = {"login", "static"}  # a new public route must be added here on purpose
OIDC_ROUTES = {"oidc_start", "oidc_callback"}  # public, but 404 while no OpenID Connect provider is set up



# --- fixtures ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    """Django configured (once) with an app database of its own; the demo user made."""
    app_settings = Settings(workspace=tmp_path_factory.mktemp("web-app") / "workspace")
    setup(app_settings)
    from headway.web.accounts import ensure_demo_user

    username, password = ensure_demo_user(app_settings)
    return {"settings": app_settings, "username": username, "password": password}


@pytest.fixture(scope="module")
def shared_sample(tmp_path_factory) -> Settings:
    """conftest's sample warehouse, written once for the tests that only read it (writing
    it takes a second or two); a test that changes the warehouse uses sample_settings."""
    settings = Settings(workspace=tmp_path_factory.mktemp("web-sample") / "workspace")
    write_sample_warehouse(settings)
    return settings


def pointed_at(settings: Settings):
    from django.test import override_settings

    return override_settings(HEADWAY_SETTINGS=settings)


@pytest.fixture
def site(web_app, shared_sample):
    """The views reading the shared sample warehouse."""
    with pointed_at(shared_sample):
        yield shared_sample


@pytest.fixture
def client(web_app):
    """A browser with no one signed in (the views read the app workspace: no warehouse)."""
    from django.test import Client

    with pointed_at(web_app["settings"]):
        yield Client(SERVER_NAME="localhost", enforce_csrf_checks=True)


@pytest.fixture
def signed_in(client, web_app):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=web_app["username"]))
    return client


def sign_in(client, username, password, next_url=""):
    page = client.get("/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post("/sign-in/", {"username": username, "password": password, "next": next_url,
                                     "csrfmiddlewaretoken": token})


def csrf_token(client) -> str:
    page = client.get("/")
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def html(response):
    return lxml.html.fromstring(response.content)


SIMPLE_SELECTOR = re.compile(r"^(\w+)?((?:[.#][\w-]+|\[[^\]]+\])*)$")


def css(element, selector: str) -> list:
    """Elements matching a small CSS subset (tag, .class, #id, [attr], [attr=value],
    descendant): lxml's cssselect needs a package the project does not install."""
    path = "."
    for part in selector.split():
        tag, rest = SIMPLE_SELECTOR.match(part).groups()
        tests = []
        for token in re.findall(r"[.#][\w-]+|\[[^\]]+\]", rest):
            if token[0] == ".":
                tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {token[1:]} ')")
            elif token[0] == "#":
                tests.append(f"@id='{token[1:]}'")
            else:
                name, _, value = token[1:-1].partition("=")
                tests.append(f"@{name}='{value}'" if value else f"@{name}")
        path += f"//{tag or '*'}" + "".join(f"[{t}]" for t in tests)
    return element.xpath(path)


def text(element) -> str:
    return " ".join(element.text_content().split())


def assert_sign_in_redirect(response, path=None):
    assert response.status_code == 302, f"{path} answered {response.status_code} to a signed-out visitor"
    assert response["Location"].startswith("/sign-in/?next="), response["Location"]


# --- deny by default --------------------------------------------------------------
def test_every_route_but_sign_in_and_static_redirects_signed_out_visitors(client):
    routes = every_route()
    names = {name for name, _ in routes}
    assert None not in names, "every route needs a name so this test can reach it"
    assert {"scorecard", "measure", "login", "logout", "static"} <= names
    for name, route in routes:
        url = sample_url(name, route)
        if name in PUBLIC_ROUTES:
            assert client.get(url).status_code == 200, url
            continue
        if name in OIDC_ROUTES:
            assert client.get(url).status_code == 404, url
            continue
        assert_sign_in_redirect(client.get(url), url)
        assert_sign_in_redirect(client.post(url), url)


def test_unknown_paths_do_not_leak_to_signed_out_visitors(client):
    for path in ["/no-such-page/", "/measures/ZZZ/", "/admin/", "/measures/A02/?period=bad", "/favicon.ico"]:
        response = client.get(path)
        assert_sign_in_redirect(response, path)
        assert response.content == b""


def test_redirect_keeps_where_the_visitor_was_going(client):
    assert client.get("/measures/A02/")["Location"] == "/sign-in/?next=/measures/A02/"


@pytest.mark.parametrize("path", [
    "/static/../measures/A02/",
    "/static/%2e%2e/measures/A02/",
    "/static/headway/../../measures/A02/",
    "/static/./headway/headway.css",
    "/static//etc/passwd",
    "/static/..%2f..%2fsettings.py",
    "/static/headway\\..\\..\\settings.py",
    "/static/",
])
def test_static_path_tricks_are_not_public(client, path):
    assert_sign_in_redirect(client.get(path), path)


def test_static_files_are_public(client):
    response = client.get("/static/headway/headway.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b".govuk-header" in b"".join(response.streaming_content)


def test_static_traversal_fails_for_signed_in_users_too(signed_in):
    for path in ["/static/../../settings.py", "/static/headway/../../settings.py", "/static/headway/"]:
        assert signed_in.get(path).status_code in (400, 404), path


# --- signing in and out ---------------------------------------------------------------
def test_demo_user_can_sign_in(client, web_app):
    response = sign_in(client, web_app["username"], web_app["password"])
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, web_app):
    response = sign_in(client, web_app["username"], web_app["password"], next_url="/measures/A02/")
    assert response["Location"] == "/measures/A02/"
    client.logout()
    response = sign_in(client, web_app["username"], web_app["password"], next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_fails(client, web_app):
    response = sign_in(client, web_app["username"], web_app["password"] + "x")
    assert response.status_code == 200
    page = html(response)
    assert "Enter a correct username and password" in text(css(page, ".govuk-error-summary")[0])
    assert page.findtext(".//title").startswith("Error:")
    assert_sign_in_redirect(client.get("/"))


def test_empty_sign_in_says_what_to_enter(client):
    response = sign_in(client, "", "")
    summary = text(css(html(response), ".govuk-error-summary")[0])
    assert "Enter your username" in summary and "Enter your password" in summary


def test_sign_in_needs_the_csrf_token(client, web_app):
    client.get("/sign-in/")
    response = client.post("/sign-in/", {"username": web_app["username"], "password": web_app["password"]})
    assert response.status_code == 403
    assert b"form has expired" in response.content
    assert_sign_in_redirect(client.get("/"))


def test_session_cookie_is_httponly_and_samesite(client, web_app):
    sign_in(client, web_app["username"], web_app["password"])
    cookie = client.cookies["headway_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_sign_out_is_a_post_and_ends_the_session(signed_in):
    assert signed_in.get("/sign-out/").status_code == 405
    assert signed_in.get("/").status_code == 200
    response = signed_in.post("/sign-out/", {"csrfmiddlewaretoken": csrf_token(signed_in)})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert_sign_in_redirect(signed_in.get("/"))


# --- scorecard ------------------------------------------------------------------------
def test_scorecard_shows_every_measure_with_its_latest_value_and_rating(signed_in, site):
    with Warehouse(site.warehouse_path) as warehouse:
        cards = warehouse.scorecard()
        latest_period = warehouse.latest_period()
    page = html(signed_in.get("/"))
    rows = css(page, "table.hw-scorecard tr[data-measure-id]")
    assert [r.get("data-measure-id") for r in rows] == [c["measure_id"] for c in cards]
    for row, card in zip(rows, cards):
        latest = card["latest"]
        assert text(css(row, "th a")[0]) == card["title"]
        assert css(row, "th a")[0].get("href") == (f"/measures/{card['measure_id']}/?unit=authority%3A999"
                                                   f"&period={latest_period.isoformat()}")
        assert text(css(row, ".hw-value")[0]) == charts.format_value(latest.value, card["unit"])
        assert text(css(row, ".hw-rag")[0]) == RAG_WORDS[latest.rag]
        assert card["direction_12m"].capitalize() in text(css(row, ".hw-direction")[0])
        expected_target = "No target" if latest.target is None else charts.format_value(latest.target, card["unit"])
        assert text(css(row, ".hw-target")[0]) == expected_target
    heading = text(css(page, "main")[0])
    assert f"Month ending {latest_period.day} {latest_period:%B %Y}" in heading
    assert "2 April 2026" in heading  # built_at in the sample's refresh_info


def test_rag_is_never_colour_alone(signed_in, site):
    page = html(signed_in.get("/"))
    tags = css(page, ".hw-rag .govuk-tag")
    assert tags
    colours = {"Green": "govuk-tag--green", "Amber": "govuk-tag--yellow", "Red": "govuk-tag--red",
               "No target": "govuk-tag--grey"}
    for tag in tags:
        assert colours[text(tag)] in tag.get("class").split()


def test_sparklines_are_server_rendered_and_hidden_from_screen_readers(signed_in, site):
    page = html(signed_in.get("/"))
    cells = css(page, "table.hw-scorecard td.hw-sparkline")
    assert cells
    for cell in cells:
        svg = cell.xpath(".//*[local-name()='svg']")
        assert len(svg) == 1 and svg[0].get("aria-hidden") == "true"


def test_measures_not_calculated_are_listed_with_the_reason(signed_in, sample_settings):
    con = duckdb.connect(str(sample_settings.warehouse_path))
    con.execute("UPDATE measure_catalogue SET status = 'skipped', status_message = 'needs the CIN Census' "
                "WHERE measure_id = 'S03'")
    con.execute("UPDATE measure_catalogue SET status = 'failed', status_message = 'see log ref 42' "
                "WHERE measure_id = 'P03'")
    con.close()
    with pointed_at(sample_settings):
        page = html(signed_in.get("/"))
    calculated = {r.get("data-measure-id") for r in css(page, "table.hw-scorecard tr[data-measure-id]")}
    assert "S03" not in calculated and "P03" not in calculated and "A02" in calculated
    listed = {r.get("data-measure-id"): text(r) for r in css(page, "table.hw-not-calculated tbody tr")}
    assert "Skipped" in listed["S03"] and "needs the CIN Census" in listed["S03"]
    assert "Failed" in listed["P03"] and "see log ref 42" in listed["P03"]


def test_no_warehouse_gives_a_friendly_page(web_app, tmp_path):
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    empty = Settings(workspace=tmp_path / "empty")
    with override_settings(HEADWAY_SETTINGS=empty):
        client = Client(SERVER_NAME="localhost")
        client.force_login(get_user_model().objects.get(username=web_app["username"]))
        for path in ["/", "/measures/A02/"]:
            response = client.get(path)
            assert response.status_code == 200, path
            assert b"headway refresh" in response.content
            assert html(response).findtext(".//h1") == "No figures yet"


# --- one measure ------------------------------------------------------------------------
def test_measure_page_shows_definition_trend_and_teams(signed_in, site):
    with Warehouse(site.warehouse_path) as warehouse:
        measure = warehouse.measure("A02")
        period = warehouse.latest_period()
        points = warehouse.series("A02", until=period)
        teams = warehouse.breakdown("A02", period, "team")
    page = html(signed_in.get("/measures/A02/"))
    assert page.findtext(".//h1") == measure["title"]
    definition = text(css(page, ".hw-definition")[0])
    for words in [measure["numerator"], measure["denominator"], "Higher is better", "Rolling 12 months",
                  charts.format_value(measure["target"], measure["unit"])]:
        assert words in definition
    chart = css(page, ".hw-trend")[0].xpath(".//*[local-name()='svg']")[0]
    assert chart.get("role") == "img" and measure["title"] in chart.get("aria-label")
    months = css(page, "table.hw-months tbody tr")
    assert sorted(r.get("data-period") for r in months) == [p.period_end.isoformat() for p in points]
    team_rows = css(page, "table.hw-teams tbody tr")
    assert len(team_rows) == len(teams) > 0
    for row, team in zip(team_rows, teams):
        cells = [text(c) for c in row.xpath("./th|./td")]
        assert cells == [team["org_unit_name"], f"{team['numerator']:,.0f}", f"{team['denominator']:,.0f}",
                         charts.format_value(team["value"], measure["unit"]), RAG_WORDS[team["rag"]]]


def test_measure_page_embeds_the_report_s_chart_spec(signed_in, site):
    with Warehouse(site.warehouse_path) as warehouse:
        measure = warehouse.measure("R02")
        period = warehouse.latest_period()
        points = warehouse.series("R02", until=period)
        teams = warehouse.breakdown("R02", period, "team")
    page = html(signed_in.get("/measures/R02/"))
    embedded = css(page, "script#trend-spec")[0]
    assert embedded.get("type") == "application/json"
    assert json.loads(embedded.text) == json.loads(json.dumps(charts.trend_chart(measure, points)))
    breakdown = json.loads(css(page, "script#breakdown-spec")[0].text)
    assert breakdown == json.loads(json.dumps(charts.breakdown_chart(measure, teams)))
    assert "Lower is better" in text(css(page, ".hw-definition")[0])


def test_rate_measure_explains_the_team_chart_and_is_a_snapshot(signed_in, site):
    page = html(signed_in.get("/measures/P01/"))
    main = text(css(page, "main")[0])
    assert "Snapshot at each month end" in main and "no population figure for a service area, team or worker" in main
    assert "No target" in text(css(page, ".hw-summary")[0])


def test_period_picks_the_month(signed_in, site):
    with Warehouse(site.warehouse_path) as warehouse:
        month = warehouse.periods()[-4]
        teams = warehouse.breakdown("A02", month, "team")
    page = html(signed_in.get(f"/measures/A02/?period={month.isoformat()}"))
    assert f"month ending {month.day} {month:%B %Y}" in text(css(page, "table.hw-teams caption")[0])
    values = [text(r.xpath("./td")[2]) for r in css(page, "table.hw-teams tbody tr")]
    assert values == [charts.format_value(t["value"], "percent") for t in teams]
    assert css(page, "select#period option[selected]")[0].get("value") == month.isoformat()


@pytest.mark.parametrize("period, status", [
    ("2025-13-01", 400), ("garbage", 400), ("20260331", 400), ("2026-03-31T00:00", 400),
    ("2026-03-30", 404), ("1999-12-31", 404),
])
def test_period_is_validated(signed_in, site, period, status):
    assert signed_in.get(f"/measures/A02/?period={period}").status_code == status


def test_unknown_measure_is_404(signed_in, site):
    response = signed_in.get("/measures/ZZ9/")
    assert response.status_code == 404
    assert html(response).findtext(".//h1") == "Page not found"


# --- headers, markup, accessibility ------------------------------------------------------
PAGES = ["/", "/measures/A02/", "/measures/P01/", "/measures/ZZ9/"]


def test_security_headers(signed_in, site):
    for path in PAGES + ["/sign-in/"]:
        response = signed_in.get(path)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_need_nothing_the_csp_blocks(signed_in, site):
    for path in PAGES:
        page = html(signed_in.get(path))
        for script in page.iter("script"):
            assert script.get("type") == "application/json" and not script.get("src"), path
        assert not page.xpath("//style"), path
        assert not page.xpath("//@style"), path
        assert not [a for a in page.xpath("//@*") if a.attrname.startswith("on")], path


def test_pages_are_accessible_in_structure(signed_in, site):
    for path in PAGES:
        page = html(signed_in.get(path))
        assert page.get("lang") == "en-GB", path
        assert len(page.findall(".//h1")) == 1, path
        skip = css(page, "a.govuk-skip-link")[0]
        assert skip.get("href") == "#main-content" and css(page, "main#main-content"), path
        for table in page.iter("table"):
            assert table.find("caption") is not None and text(table.find("caption")), path
            assert all(th.get("scope") == "col" for th in css(table, "thead th")), path
            assert all(th.get("scope") == "row" for th in css(table, "tbody th")), path
        assert text(css(page, ".govuk-phase-banner")[0]).startswith("Alpha")
        assert "Synthetic Borough" in text(css(page, "header")[0])


def test_sign_in_page_is_accessible_in_structure(client):
    page = html(client.get("/sign-in/"))
    assert page.get("lang") == "en-GB" and len(page.findall(".//h1")) == 1
    for field in ("id_username", "id_password"):
        assert css(page, f"label[for={field}]") and css(page, f"input#{field}")


# --- settings, accounts, setup -------------------------------------------------------------
def test_secret_key_is_created_private_and_reused(tmp_path):
    workspace = Settings(workspace=tmp_path / "ws")
    first = build_settings(workspace, environ={})["SECRET_KEY"]
    key_file = workspace.workspace / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert build_settings(workspace, environ={})["SECRET_KEY"] == first


def test_secret_key_from_the_environment_and_weak_keys_refused(tmp_path):
    workspace = Settings(workspace=tmp_path / "ws")
    assert build_settings(workspace, environ={"HEADWAY_SECRET_KEY": LONG_KEY})["SECRET_KEY"] == LONG_KEY
    assert not (workspace.workspace / "secret_key").exists()
    for weak in ["changeme", "a" * 80, "django-insecure-" + LONG_KEY]:
        with pytest.raises(HeadwayError, match="too weak"):
            build_settings(workspace, environ={"HEADWAY_SECRET_KEY": weak})


def test_a_key_file_others_can_read_is_refused(tmp_path):
    workspace = Settings(workspace=tmp_path / "ws")
    build_settings(workspace, environ={})
    (workspace.workspace / "secret_key").chmod(0o644)
    with pytest.raises(HeadwayError, match="chmod 600"):
        build_settings(workspace, environ={})


def test_safe_defaults(tmp_path):
    workspace = Settings(workspace=tmp_path / "ws")
    built = build_settings(workspace, environ={})
    assert built["DEBUG"] is False
    assert built["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert set(built["ALLOWED_HOSTS"]) == {"localhost", "127.0.0.1", "[::1]"}
    assert built["DATABASES"]["default"]["NAME"] == str(workspace.app_db_path)
    assert built["SESSION_COOKIE_HTTPONLY"] and built["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert built["X_FRAME_OPTIONS"] == "DENY"
    assert "django.middleware.csrf.CsrfViewMiddleware" in built["MIDDLEWARE"]
    # localhost-only mode: plain HTTP works for the demo, so cookies are not Secure-only
    assert built["SESSION_COOKIE_SECURE"] is False and built["SECURE_HSTS_SECONDS"] == 0


def test_a_real_host_name_turns_on_secure_cookies(tmp_path):
    workspace = Settings(workspace=tmp_path / "ws")
    env = {"HEADWAY_ALLOWED_HOSTS": "dashboard.council.example, localhost"}
    built = build_settings(workspace, environ=env)
    assert built["ALLOWED_HOSTS"] == ["dashboard.council.example", "localhost"]
    assert built["SESSION_COOKIE_SECURE"] and built["CSRF_COOKIE_SECURE"] and built["SECURE_HSTS_SECONDS"] > 0
    built = build_settings(workspace, environ={**env, "HEADWAY_SECURE_COOKIES": "0"})
    assert built["SESSION_COOKIE_SECURE"] is False
    assert build_settings(workspace, environ={"HEADWAY_DEBUG": "1"})["DEBUG"] is True


def test_database_url_is_parsed_for_postgres(tmp_path):
    url = "postgres://headway:s%40cret@db.council.example:5433/headway_app?sslmode=require"
    db = parse_database_url(url)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "headway_app", "headway", "s@cret", "db.council.example", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url("postgresql://me@localhost/hw")["PORT"] == ""
    built = build_settings(Settings(workspace=tmp_path / "ws"), environ={"DATABASE_URL": url})
    assert built["DATABASES"]["default"]["HOST"] == "db.council.example"


@pytest.mark.parametrize("url", ["mysql://user:topsecret@host/db", "postgres://user:topsecret@host/",
                                 "postgres://user:topsecret@host:notaport/db"])
def test_bad_database_urls_are_refused_without_echoing_the_password(url):
    with pytest.raises(HeadwayError) as caught:
        parse_database_url(url)
    assert "topsecret" not in str(caught.value)


def test_demo_user_password_is_kept_private_and_reset(web_app, tmp_path):
    from django.contrib.auth import authenticate, get_user_model

    from headway.web.accounts import ensure_demo_user

    workspace = Settings(workspace=tmp_path / "ws")
    username, password = ensure_demo_user(workspace)
    stored = workspace.workspace / "demo_password"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and stored.read_text().strip() == password
    user = get_user_model().objects.get(username=username)
    user.set_password("something else entirely")
    user.save()
    assert ensure_demo_user(workspace) == (username, password)
    assert authenticate(username=username, password=password) is not None
    assert get_user_model().objects.get(username=username).password.startswith("argon2")
    ensure_demo_user(web_app["settings"])  # leave the shared demo user as the other tests expect


def test_setup_is_idempotent(web_app, tmp_path):
    from django.conf import settings

    before = (settings.HEADWAY_SETTINGS, settings.DATABASES["default"]["NAME"])
    setup(Settings(workspace=tmp_path / "other"))
    assert (settings.HEADWAY_SETTINGS, settings.DATABASES["default"]["NAME"]) == before


def test_rendered_charts_are_cached_by_spec(monkeypatch):
    from headway.web import svg

    calls = []

    def fake_to_svg(spec):
        calls.append(spec)
        return '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'

    monkeypatch.setattr(charts, "to_svg", fake_to_svg)
    svg.clear_cache()
    try:
        spec = {"mark": "line", "data": {"values": [{"x": 1}]}}
        first = svg.inline_svg(spec, label='Chart of "A" & B')
        svg.inline_svg(dict(reversed(list(spec.items()))), label="Another label")
        assert len(calls) == 1
        assert 'role="img"' in first and 'aria-label="Chart of &quot;A&quot; &amp; B"' in first
        assert 'aria-hidden="true"' in svg.inline_svg(spec)
        svg.inline_svg({**spec, "mark": "bar"})
        assert len(calls) == 2
    finally:
        svg.clear_cache()


def test_django_system_checks_pass(web_app):
    from django.core.management import call_command

    call_command("check", fail_level="WARNING", verbosity=0)


def test_measure_page_flags_warnings_from_loading_its_returns(signed_in, site, monkeypatch):
    warnings = [{"source_table": "ssda903_reviews", "staged_as": str(2026),
                 "warning": f"HW05: row {n}: the date of birth differs <b>"} for n in range(12)]
    monkeypatch.setattr(Warehouse, "load_warnings", lambda self, measure_id: warnings)
    page = signed_in.get("/measures/A02/").content.decode()
    assert "Data quality: 12 warnings when the returns this measure uses were loaded" in page
    assert "SSDA903 Reviews (2026): HW05: row 0: the date of birth differs &lt;b&gt;" in page
    assert "row 11" not in page and "the first 10" in page  # the rest are in the validation report


def test_measure_page_without_warnings_says_nothing_of_them(signed_in, site):
    assert "Data quality:" not in signed_in.get("/measures/A02/").content.decode()


def test_no_template_comment_spans_lines():
    """Django's {# #} comment ends at the line's end: one left open shows its words on
    the page (it did, above every scorecard). Longer notes use {% comment %}."""
    from pathlib import Path

    import headway

    templates = [p for p in Path(headway.__file__).parent.rglob("*.html") if "templates" in p.parts]
    assert len(templates) > 20
    open_comments = [f"{p.name}:{n}" for p in templates
                     for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                     if line.count("{#") > line.count("#}")]
    assert open_comments == []

