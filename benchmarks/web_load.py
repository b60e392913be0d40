"""Load benchmark for the dashboard: N users browsing at once for a bounded time.

    .venv/bin/python benchmarks/web_load.py --workspace WORKSPACE [--users 50] [--duration 60]
                                            [--workers 2] [--think 1.0] [--warmup 10] [--teams 0.0] [--base-url URL]

Starts `python -m headway.web.server --workers W` on a free loopback port for a
workspace with a published warehouse (or uses --base-url), makes a benchmark Analyst
in that workspace's app database (a random password, printed nowhere), signs every
simulated user in through the sign-in form, then each user loops until the time is up:
open the scorecard, a measure page, an exception list (picked at random from the
links the pages offer), waiting --think seconds (uniformly 0.5x to 1.5x) between
pages, like a person reading. --think 0 is a closed loop that measures throughput.
The first --warmup seconds of browsing are not counted (a server just started is slow);
users arrive spread over the first think time and browse on into the counted time
without a pause, so no burst of 50 users at one instant is measured.

With --teams F each simulated user also has a team of their own, picked at random from
the scorecard's unit list, and opens that share of their scorecards and measure pages
for it, as a team manager does; with --teams 0 every page is the whole authority's. A
team's pages are drawn the first time anyone opens them after a start or a refresh,
and kept for the snapshot: with more users than teams those first views are most of
the work, so the warm-up matters more with --teams.

Prints requests, errors (any status but 200, or no answer), requests per second and
the 50th, 95th and 99th percentile latency, overall and per kind of page, and (for a
server it started) the CPU time the server used per page over the whole run, warm-up
and sign-ins included: a figure that, unlike latency, does not depend on what else the
machine is doing. Exits 1 if there were errors. Nothing here is a test: the suite makes no timing assertions.

Why not locust: it would add gevent, Flask and more to the development dependencies
for what a hundred lines of threads and `requests` do here; each simulated user keeps
its own keep-alive connection and session cookie, as a browser would.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120  # seconds for the server to migrate and listen
REQUEST_TIMEOUT = 30
KINDS = ("scorecard", "measure", "exceptions")


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)
    made: int = 0  # every request, counted or not (the server CPU per request divides by it)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None, counted: bool) -> None:
        with self.lock:
            self.made += 1
            if not counted:
                return
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(error)


# --- the server ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workspace: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HEADWAY_WORKSPACE": str(workspace)}
    # The server's messages go to a file: a pipe nobody reads fills up (waitress warns
    # of every deep task queue) and then the server blocks writing to it.
    messages = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([sys.executable, "-m", "headway.web.server", "--port", str(port),
                                "--workers", str(workers)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=messages, text=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            messages.seek(0)
            sys.exit(f"The server stopped: {messages.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"The server did not listen within {START_TIMEOUT}s.")


def make_user(workspace: Path) -> tuple[str, str]:
    """A benchmark Analyst (sees everything) in the workspace's app database."""
    username, password = "load-benchmark", secrets.token_urlsafe(24)
    subprocess.run([sys.executable, "-m", "headway", "user", username, "--role", "Analyst", "--authority",
                    "--password", password, "--workspace", str(workspace)], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    return username, password


# --- one simulated user ----------------------------------------------------------------
def sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/sign-in/", timeout=REQUEST_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(f"{base}/sign-in/", timeout=REQUEST_TIMEOUT, allow_redirects=False,
                        data={"username": username, "password": password, "csrfmiddlewaretoken": token})
    if done.status_code != 302:
        raise RuntimeError(f"sign-in answered {done.status_code}")
    return session


def links(session: requests.Session, url: str, pattern: str) -> list[str]:
    page = session.get(url, timeout=REQUEST_TIMEOUT)
    page.raise_for_status()
    return sorted(set(re.findall(pattern, page.text)))


def site_map(base: str, session: requests.Session) -> dict[str, list[str]]:
    """The pages users will open: found from the scorecard's and the exception index's links."""
    # A scorecard row links to its measure with ?unit=...&period=...: match the path before it.
    measures = links(session, f"{base}/", r'href="(/measures/[A-Za-z0-9_-]+/)[?"]')
    lists = links(session, f"{base}/exceptions/", r'href="(/exceptions/[a-z0-9-]+/)"')
    teams = links(session, f"{base}/", r'<option value="(team:[^"]+)"')
    if not measures or not lists:
        sys.exit("The dashboard offers no measure pages or no exception lists: is the warehouse published?")
    return {"scorecard": ["/"], "measure": measures, "exceptions": lists, "teams": teams}


def browse(base: str, session: requests.Session, pages: dict[str, list[str]], window: tuple[float, float],
           think: float, teams: float, home: str | None, results: Results, rng: random.Random) -> None:
    """One user's pages until window's end; those started before its beginning (the
    warm-up) are not counted. The user starts after a random part of one think time,
    so users arrive spread out, as people do, not all in the same instant."""
    counted_from, until = window
    time.sleep(think * rng.uniform(0, 1.5))
    while time.monotonic() < until:
        for kind in KINDS:
            if time.monotonic() >= until:
                return
            path = rng.choice(pages[kind])
            if kind != "exceptions" and home and rng.random() < teams:
                path += "?" + urlencode({"unit": home})
            began = time.monotonic()
            started = time.perf_counter()
            try:
                response = session.get(base + path, timeout=REQUEST_TIMEOUT, allow_redirects=False)
                response.content  # noqa: B018 - the whole body, as a browser reads it
                error = None if response.status_code == 200 else f"{path}: HTTP {response.status_code}"
            except requests.RequestException as exc:
                error = f"{path}: {type(exc).__name__}"
            results.add(kind, time.perf_counter() - started, error, counted=began >= counted_from)
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))


# --- the run and the report --------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def report(results: Results, seconds: float, users: int, workers: int, think: float, teams: float) -> str:
    every = [v for values in results.latencies.values() for v in values]
    lines = [f"{users} users, {workers} worker process(es), think time {think:g}s, {seconds:.0f}s, "
             f"{teams:.0%} of scorecards and measure pages for the user's own team",
             f"requests {len(every)}  errors {len(results.errors)}  {len(every) / seconds:.1f} requests/s",
             f"{'page':<12}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for kind, values in [*results.latencies.items(), ("all", every)]:
        if values:
            p50, p95, p99 = (percentile(values, p) * 1000 for p in (50, 95, 99))
            lines.append(f"{kind:<12}{len(values):>9}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}")
    for error in sorted(set(results.errors))[:10]:
        lines.append(f"error: {error}")
    return "\n".join(lines)


def run(base: str, username: str, password: str, users: int, duration: float, think: float, seed: int,
        warmup: float, teams: float) -> tuple[Results, float]:
    """Every user browses for warmup + duration seconds without a break; only pages
    started after the warm-up are counted (a server just started is slower: templates,
    first queries). The counted results and their seconds."""
    sessions = [sign_in(base, username, password) for _ in range(users)]
    pages = site_map(base, sessions[0])
    # each user's own team, as a team manager has
    homes = [random.Random(i).choice(pages["teams"]) if pages["teams"] else None for i in range(users)]
    results = Results(made=2 * users + 3)  # sign-in form and post for each user, the site map's 3 pages
    counted_from = time.monotonic() + warmup
    window = (counted_from, counted_from + duration)
    threads = [threading.Thread(target=browse, args=(base, s, pages, window, think, teams, homes[i], results,
                                                     random.Random(seed + i)))
               for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - counted_from


def cpu_seconds_of_children() -> float:
    """CPU time of the child processes that have finished (the server and its workers)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, help="A workspace with a published warehouse.")
    parser.add_argument("--base-url", help="Use a server already running here (needs --username/--password).")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of browsing (default 60).")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes (default 2).")
    parser.add_argument("--think", type=float, default=1.0, help="Mean seconds between a user's pages (default 1).")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="Seconds of browsing before the measured time, not counted (default 10).")
    parser.add_argument("--teams", type=float, default=0.0,
                        help="Share of scorecards and measure pages opened for a random team (default 0).")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.base_url and not args.workspace:
        parser.error("give --workspace (to start a server) or --base-url")
    process = None
    if args.base_url:
        base, username, password = args.base_url.rstrip("/"), args.username, args.password
    else:
        username, password = make_user(args.workspace.resolve())
        cpu_before = cpu_seconds_of_children()
        process, base = start_server(args.workspace.resolve(), args.workers)
    try:
        results, seconds = run(base, username, password, args.users, args.duration, args.think, args.seed,
                               args.warmup, args.teams)
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    print(report(results, seconds, args.users, args.workers, args.think, args.teams))
    if process:  # the workers' time is counted once the server has waited for them
        server_cpu = cpu_seconds_of_children() - cpu_before
        print(f"server CPU {server_cpu:.1f}s for {results.made} requests (start-up, sign-ins and warm-up included): "
              f"{1000 * server_cpu / results.made:.0f} ms a request")
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
