"""Shared by the web tests: every route in the URLconf, a real warehouse with children
on the exception lists in more than one team, and one user per role.

The warehouse is the hand-made authority of tests/hand_fixture.py (services
Assessment -> team T1 -> worker W1 and Safeguarding -> T2 -> W2, and 'Not allocated'),
refreshed for real, plus a few more cases so that as at 31 March 2026 every
exception list has children in team T1 and in team T2 or nobody's hands.
"""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest

from headway.config import Settings
from headway.warehouse.build import refresh
from tests import hand_fixture, workforce_fixture
from tests.hand_fixture import D, write_staging

AS_AT = dt.date(2026, 3, 31)
PASSWORD = "correct horse battery staple 42"

# Extra cases (child, ...) and who holds them; (T1 = W1, T2 = W2)
EXTRA_ASSESSMENTS = [("A7", "2026-01-05", None), ("A8", "2026-03-02", None)]  # A7 overdue, A8 not yet
EXTRA_S47S = [("S5", "2026-03-02", None), ("S6", "2026-03-20", None)]        # S5 overdue, S6 not yet
EXTRA_CP_PLANS = [("P4", "2025-10-01", None, 0)]                              # no review: due 1 January
CP_REVIEWS = [("P1", "2025-01-15", "2025-04-10"), ("P1", "2025-01-15", "2025-10-01")]  # P1 up to date
EXTRA_EPISODES = [("K5", "2025-06-01", None, "C2", None)]
CLA_REVIEWS = [("K5", "2025-06-20")]  # first review in time; the second was due 20 September
EXTRA_ALLOCATIONS = [("A7", "W1", "2026-01-05", None), ("A8", "W1", "2026-03-02", None),
                     ("S5", "W1", "2026-03-02", None), ("S6", "W2", "2026-03-20", None),
                     ("P4", "W1", "2025-10-01", None), ("K5", "W1", "2025-06-01", None)]

# Overdue as at AS_AT, by list and team (worked out by hand from the dates above and
# hand_fixture.py; see test_web_exceptions.py for the days).
OVERDUE = {
    "assessments": {"T1": {"A7"}, "UNALLOCATED": {"A6"}},
    "s47-no-icpc": {"T1": {"S5"}, "UNALLOCATED": {"S4"}},
    "cp-reviews": {"T1": {"P4"}, "T2": {"P3"}},
    "cla-reviews": {"T1": {"K5"}, "T2": {"K1"}},
}


def write_web_warehouse(settings: Settings) -> Settings:
    hand_fixture.write_hand_fixture(settings)
    year = 2026
    write_staging(settings, "cin_assessment", [
        {"child_id": c, "start_date": D(s), "authorisation_date": a and D(a)}
        for c, s, a, y in hand_fixture.ASSESSMENTS if y == year] + [
        {"child_id": c, "start_date": D(s), "authorisation_date": a and D(a)} for c, s, a in EXTRA_ASSESSMENTS],
        year)
    write_staging(settings, "cin_s47", [
        {"child_id": c, "start_date": D(s), "icpc_date": i and D(i)} for c, s, i, y in hand_fixture.S47S
        if y == year] + [{"child_id": c, "start_date": D(s), "icpc_date": i and D(i)} for c, s, i in EXTRA_S47S],
        year)
    write_staging(settings, "cin_cp_plan", [
        {"child_id": c, "start_date": D(s), "end_date": e and D(e), "previous_plans": n}
        for c, s, e, n in EXTRA_CP_PLANS], year)
    write_staging(settings, "cin_cp_review", [
        {"child_id": c, "plan_start_date": D(p), "review_date": D(r)} for c, p, r in CP_REVIEWS], year)
    write_staging(settings, "ssda903_episodes", [
        {"child_id": c, "decom": D(s), "dec": e and D(e), "ls": ls, "rec": rec, "rne": "S"}
        for c, s, e, ls, rec, y in hand_fixture.EPISODES if y == year] + [
        {"child_id": c, "decom": D(s), "dec": e and D(e), "ls": ls, "rec": rec, "rne": "S"}
        for c, s, e, ls, rec in EXTRA_EPISODES], year)
    write_staging(settings, "ssda903_reviews", [{"child_id": c, "review": D(r)} for c, r in CLA_REVIEWS], year)
    write_staging(settings, "org_allocation", [
        {"child_id": c, "worker_id": w, "start_date": D(s), "end_date": e and D(e)}
        for c, w, s, e in hand_fixture.ALLOCATIONS + EXTRA_ALLOCATIONS])
    workforce_fixture.write_workforce(settings)  # the workforce page's figures
    result = refresh(settings)
    assert not [o for o in result.outcomes if o.status == "failed"], result.summary()
    return settings


# --- users, one per role and scope ---------------------------------------------------
# name -> (role, whole authority, service areas, teams, superuser)
USERS = {
    "no-role": (None, False, (), (), False),
    "role-no-scope": ("Team Manager", False, (), (), False),
    "executive": ("Executive Director", True, (), (), False),
    "assistant-director": ("Assistant Director", False, ("Assessment",), (), False),
    "service-manager": ("Service Manager", False, ("Safeguarding",), (), False),
    "team-manager": ("Team Manager", False, (), ("T1",), False),
    "two-team-manager": ("Team Manager", False, (), ("T1", "T2"), False),
    "analyst": ("Analyst", False, (), (), False),
    "board-chair": ("Improvement Board Chair", True, (), (), False),
    "member": ("Scrutiny Member", True, (), (), False),
    "superuser": (None, False, (), (), True),
}


def username(name: str) -> str:
    return f"web-{name}"


def make_users(password: str | None = PASSWORD) -> dict:
    """Create (or reset) one user per entry of USERS; {name: user}."""
    from headway.web.accounts import clear_failures, ensure_user

    made = {}
    for name, (role, whole, services, teams, superuser) in USERS.items():
        user = ensure_user(username(name), password, role=role, whole_authority=whole, service_areas=services,
                           teams=teams)
        user.is_superuser = superuser
        user.save()
        clear_failures(user.username)
        made[name] = user
    return made


# --- routes --------------------------------------------------------------------------
SAMPLE_BY_CONVERTER = {"IntConverter": 1, "SlugConverter": "x", "StringConverter": "x", "PathConverter": "x"}
SAMPLE_KWARGS = {  # route name -> kwargs for a URL that exists in the web warehouse
    "measure": {"measure_id": "A02"}, "static": {"path": "headway/headway.css"},
    "exception_list": {"list_id": "cp-reviews"}, "exception_export": {"list_id": "cp-reviews"},
    "child": {"child_id": "P4"},
}


def every_route() -> list[tuple[str, object]]:
    """(qualified name, URLPattern) for every route, namespaces included."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern):
                yield (f"{namespace}{p.name}" if p.name else None), p

    return list(walk(get_resolver().url_patterns, ""))


def sample_url(name: str, pattern, user_id: int = 1) -> str:
    from django.urls import reverse

    kwargs = dict(SAMPLE_KWARGS.get(name, {}))
    if name == "user_edit":
        kwargs["user_id"] = user_id
    for key, converter in pattern.pattern.converters.items():
        kwargs.setdefault(key, SAMPLE_BY_CONVERTER.get(type(converter).__name__, "x"))
    return reverse(name, kwargs=kwargs)


# --- fixtures (import them into a test module to use them) ----------------------------
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Django set up (once per process: the first module's workspace wins), the app
    database migrated, one user per role, and the web warehouse."""
    from headway.web import migrate_database, setup

    setup(Settings(workspace=tmp_path_factory.mktemp("web-app") / "workspace"))
    migrate_database()
    warehouse = write_web_warehouse(Settings(workspace=tmp_path_factory.mktemp("web-wh") / "workspace"))
    return {"users": make_users(), "warehouse": warehouse}


@pytest.fixture
def visit(app):
    """visit(user name or None) -> a test client signed in as that user, reading the web warehouse."""
    from django.test import Client, override_settings

    with override_settings(HEADWAY_SETTINGS=app["warehouse"]):
        def client_for(name, **options):
            client = Client(SERVER_NAME="localhost", **options)
            if name:
                client.force_login(app["users"][name])
            return client
        yield client_for


# --- reading pages -----------------------------------------------------------------------
def page_of(response):
    return lxml.html.fromstring(response.content)


def visible_text(response) -> str:
    """The page's words, without charts (SVG path data) or embedded JSON."""
    page = page_of(response)
    for element in page.xpath("//*[local-name()='svg'] | //script"):
        element.getparent().remove(element)
    return " ".join(page.text_content().split())


def markup_without_tokens(response) -> str:
    """The page's markup with its CSRF tokens left out: a token is 64 random letters
    and digits, so a short string looked for in the markup turns up in one by chance."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<![\\w-]){re.escape(word)}(?![\\w-])", text) is not None


def cells(row) -> list[str]:
    return [" ".join(c.text_content().split()) for c in row.xpath("./th|./td")]
