"""Shared by the tests that run `python -m headway.web.server` as real processes:
start one (with --workers), sign in over HTTP, list a process's children."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.browser_helpers import ROOT, free_port, wait_until_listening


@contextlib.contextmanager
def running_server(env: dict, workers: int = 1):
    """The server on a free port with `workers` processes; yields (base URL, process)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "headway.web.server", "--port", str(port),
                                "--workers", str(workers)], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(timeout=20)


def add_user(env: dict, username: str, password: str, *scope: str) -> None:
    """`headway user USERNAME --password ... SCOPE...` in the server's workspace."""
    subprocess.run([sys.executable, "-m", "headway", "user", username, *scope, "--password", password],
                   env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)


def sign_in(base: str, username: str, password: str) -> requests.Session:
    """A requests session signed in through the sign-in form, CSRF token and all."""
    session = requests.Session()
    page = session.get(f"{base}/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(f"{base}/sign-in/", timeout=30, allow_redirects=False,
                        data={"username": username, "password": password, "csrfmiddlewaretoken": token})
    assert done.status_code == 302, f"sign-in as {username} answered {done.status_code}"
    return session


def children_of(pid: int) -> set[int]:
    """Live (not zombie) child processes of `pid`, from /proc (Linux)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            _, rest = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        state, parent = rest.split()[:2]
        if int(parent) == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found
