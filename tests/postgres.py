"""A scratch PostgreSQL database for tests of the app database (users, scopes, audit log).

    HEADWAY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m pytest

runs the whole suite with its app database on a fresh database created on that server
(the named database is only used to connect), dropped at the end. tests/test_web_postgres.py
always runs the app's database tests on PostgreSQL when the server is reachable.
"""

from __future__ import annotations

import contextlib
import secrets
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT = 3  # seconds


def unreachable_reason(url: str) -> str | None:
    """None if a connection can be made, else why not (for a skip message)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL at {urlsplit(url).hostname}:{urlsplit(url).port}: {str(exc).splitlines()[0]}"
    return None


@contextlib.contextmanager
def scratch_database(server_url: str):
    """Create a new empty database on the server, yield its URL, drop it afterwards."""
    import psycopg

    name = f"headway_test_{secrets.token_hex(6)}"
    with psycopg.connect(server_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
