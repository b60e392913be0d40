"""The app database on a real PostgreSQL server (security.md R-3; `headway serve` with
DATABASE_URL): the audit, permission and user-management tests run again, in a
process of their own, against a scratch database on 127.0.0.1:5432 (or
HEADWAY_TEST_POSTGRES), and the server itself (several workers) signs a user in and
serves their scope with its app database there. Skipped, saying why, when no server
answers; failed instead when CI is set, since CI has the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import DEFAULT_SERVER, scratch_database, unreachable_reason

SERVER = os.environ.get("HEADWAY_TEST_POSTGRES", DEFAULT_SERVER)
ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/test_web_audit.py", "tests/test_web_security.py", "tests/test_web_oidc.py",
         "tests/test_permissions.py::test_a_team_manager_cannot_reach_another_team",
         "tests/test_permissions.py::test_a_scope_change_applies_on_the_next_request"]


@pytest.fixture(scope="module")
def database_url():
    reason = unreachable_reason(SERVER)
    if reason and os.environ.get("CI"):  # CI has the server: a skip there would hide a failure
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)
    with scratch_database(SERVER) as url:
        yield url


def test_the_app_database_tests_pass_on_postgresql(database_url):
    env = {k: v for k, v in os.environ.items() if k != "HEADWAY_TEST_DATABASE_URL"}
    env.update(DATABASE_URL=database_url, HEADWAY_EXPECT_DATABASE="postgresql")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout


def test_the_migrations_make_the_audit_log_append_only_in_postgresql(database_url, tmp_path):
    import psycopg

    env = {k: v for k, v in os.environ.items() if k != "HEADWAY_TEST_DATABASE_URL"}
    env.update(DATABASE_URL=database_url, HEADWAY_WORKSPACE=str(tmp_path / "workspace"))
    script = ("from headway.config import load_settings; from headway.web import setup, migrate_database; "
              "setup(load_settings()); migrate_database()")
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    with psycopg.connect(database_url, autocommit=True) as con:
        con.execute("INSERT INTO headway_auditevent (at, username, roles, action, what, detail) "
                    "VALUES (now(), 'someone', '', 'view', 'Child', '')")
        before = con.execute("SELECT count(*), max(what) FROM headway_auditevent").fetchone()
        for sql in ["UPDATE headway_auditevent SET what = 'x'", "DELETE FROM headway_auditevent",
                    "TRUNCATE headway_auditevent CASCADE"]:
            with pytest.raises(psycopg.Error, match="append-only"):
                con.execute(sql)
        assert con.execute("SELECT count(*), max(what) FROM headway_auditevent").fetchone() == before


def test_the_server_on_postgresql_signs_in_and_serves_only_the_scope(database_url, tmp_path):
    """`headway serve --workers 2` with DATABASE_URL: migrations, a sign-in through the
    form and a team manager's pages, over HTTP, with sessions and audit in PostgreSQL."""
    import psycopg

    from headway.config import Settings
    from tests.browser_helpers import server_environment
    from tests.serve_helpers import add_user, running_server, sign_in
    from tests.web_helpers import OVERDUE, PASSWORD, write_web_warehouse

    settings = write_web_warehouse(Settings(workspace=tmp_path / "workspace"))
    env = {**server_environment(settings.workspace), "DATABASE_URL": database_url}
    add_user(env, "pg-team-manager", PASSWORD, "--role", "Team Manager", "--team", "T1")
    with running_server(env, workers=2) as (base, _):
        session = sign_in(base, "pg-team-manager", PASSWORD)
        assert session.get(f"{base}/?unit=team:T1", timeout=60).status_code == 200
        assert session.get(f"{base}/?unit=team:T2", timeout=60).status_code == 404
        page = session.get(f"{base}/exceptions/cp-reviews/", timeout=60).text
    assert all(child in page for child in OVERDUE["cp-reviews"]["T1"])
    assert not any(child in page for child in OVERDUE["cp-reviews"]["T2"])
    with psycopg.connect(database_url) as con:
        applied = {r[0] for r in con.execute("SELECT name FROM django_migrations WHERE app = 'headway'")}
        signed_in = con.execute("SELECT count(*) FROM headway_auditevent WHERE username = 'pg-team-manager' "
                                "AND action = 'sign-in'").fetchone()[0]
        sessions = con.execute("SELECT count(*) FROM django_session").fetchone()[0]
    assert "0003_oidc_identity" in applied and signed_in == 1 and sessions >= 1
