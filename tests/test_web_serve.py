"""`headway serve --workers N`: several processes on one port, reading the published
warehouse read-only while `refresh` publishes new ones (security.md 7.3 item 42: users
see the old figures or the new, never an error). Real processes over real HTTP.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import requests

from headway.config import Settings
from headway.warehouse.build import refresh
from tests.browser_helpers import ROOT, server_environment
from tests.serve_helpers import add_user, children_of, running_server, sign_in
from tests.web_helpers import PASSWORD, write_web_warehouse

WORKERS = 2
PAGES = ["/", "/measures/A02/", "/measures/A02/?unit=team:T1", "/exceptions/", "/exceptions/cp-reviews/",
         "/children/P4/"]
REFRESHES = 3

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts worker processes in /proc")]


def wait_for_workers(pid: int, count: int) -> set[int]:
    deadline = time.monotonic() + 20
    while len(children_of(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return children_of(pid)


def is_running(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Settings:
    settings = write_web_warehouse(Settings(workspace=tmp_path_factory.mktemp("serve") / "workspace"))
    add_user(server_environment(settings.workspace), "analyst", PASSWORD, "--role", "Analyst", "--authority")
    return settings


@pytest.fixture(scope="module")
def server(workspace):
    with running_server(server_environment(workspace.workspace), workers=WORKERS) as (base, process):
        yield {"base": base, "process": process}


def test_the_server_runs_the_workers_asked_for(server):
    assert len(wait_for_workers(server["process"].pid, WORKERS)) == WORKERS


def test_the_app_database_lets_workers_read_while_one_writes(server, workspace):
    """SQLite's write-ahead log: worker processes writing sessions and audit events do not
    block each other's reads (docs/deployment.md says how to back it up)."""
    sign_in(server["base"], "analyst", PASSWORD)
    with sqlite3.connect(workspace.app_db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_pages_keep_answering_while_refresh_publishes_new_warehouses(server, workspace):
    base = server["base"]
    answers: list[tuple[float, str, int]] = []
    stop = threading.Event()

    def browse():
        session = sign_in(base, "analyst", PASSWORD)
        while not stop.is_set():
            for page in PAGES:
                response = session.get(base + page, timeout=60, allow_redirects=False)
                answers.append((time.monotonic(), page, response.status_code))

    browsers = [threading.Thread(target=browse) for _ in range(4)]
    for browser in browsers:
        browser.start()
    time.sleep(1)
    published = []
    for _ in range(REFRESHES):
        before = os.stat(workspace.warehouse_path).st_ino
        started = time.monotonic()
        result = refresh(workspace)
        assert not [o for o in result.outcomes if o.status == "failed"], result.summary()
        published.append((started, time.monotonic()))
        assert os.stat(workspace.warehouse_path).st_ino != before  # a new file really was swapped in
    time.sleep(1)
    stop.set()
    for browser in browsers:
        browser.join(timeout=120)

    assert answers and all(status == 200 for _, _, status in answers), [a for a in answers if a[2] != 200][:5]
    during = [a for a in answers if any(start <= a[0] <= end for start, end in published)]
    assert len(during) >= REFRESHES, "no page was asked for while a refresh ran"
    assert {page for _, page, _ in answers} == set(PAGES)


def test_stopping_the_server_stops_every_worker(workspace):
    with running_server(server_environment(workspace.workspace), workers=WORKERS) as (_, process):
        workers = wait_for_workers(process.pid, WORKERS)
        assert len(workers) == WORKERS
    deadline = time.monotonic() + 10
    while [pid for pid in workers if is_running(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if is_running(pid)]


def test_a_bad_number_of_workers_is_refused(workspace):
    done = subprocess.run([sys.executable, "-m", "headway.web.server", "--workers", "0"],
                          env=server_environment(workspace.workspace), cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "--workers must be between 1" in done.stderr


# --- behind the TLS-terminating reverse proxy (docs/deployment.md) ---------------------------
PUBLIC_HOST = "headway.council.example"


def sign_in_through_the_proxy(base: str) -> tuple[requests.Response, requests.Response]:
    """Sign in as a browser on https://PUBLIC_HOST would, through a proxy on this machine
    that sets Host and X-Forwarded-Proto (cookies sent by hand: they are Secure-only)."""
    proxy = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
    page = requests.get(f"{base}/sign-in/", headers=proxy, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    posted = requests.post(f"{base}/sign-in/", timeout=30, allow_redirects=False,
                           data={"username": "analyst", "password": PASSWORD, "csrfmiddlewaretoken": token},
                           headers={**proxy, "Origin": f"https://{PUBLIC_HOST}",
                                    "Referer": f"https://{PUBLIC_HOST}/sign-in/",
                                    "Cookie": f"headway_csrftoken={page.cookies['headway_csrftoken']}"})
    return page, posted


@pytest.mark.parametrize("trusted_proxy, signs_in", [("127.0.0.1", True), ("10.9.9.9", False)])
def test_behind_the_proxy_https_is_believed_only_from_the_proxy(workspace, trusted_proxy, signs_in):
    env = {**server_environment(workspace.workspace), "HEADWAY_ALLOWED_HOSTS": PUBLIC_HOST,
           "HEADWAY_TRUSTED_PROXY": trusted_proxy}
    with running_server(env) as (base, _):
        page, posted = sign_in_through_the_proxy(base)
    if signs_in:
        assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
        assert posted.status_code == 302 and posted.headers["Location"] == "/"
        assert "Secure" in posted.headers["Set-Cookie"] and "headway_session=" in posted.headers["Set-Cookie"]
    else:  # someone else's X-Forwarded-Proto is dropped: plain HTTP, so no HSTS and the https form fails
        assert "Strict-Transport-Security" not in page.headers
        assert posted.status_code == 403
