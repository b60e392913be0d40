"""Serve the dashboard with waitress (pure Python, threads), in one process or several.

    python -m headway.web.server [--host 127.0.0.1] [--port 8000] [--workers N] [--workspace DIR]

is the same as `headway serve`. Each process runs waitress with THREADS threads.
With --workers N (N > 1, Linux and other POSIX systems) this process binds the port,
forks N worker processes that all accept connections on it, and restarts one that
dies. Several processes help because rendering a page is Python, which one process
runs on one core at a time (the GIL); DuckDB's own queries already run in parallel.

Every process keeps one snapshot of the published warehouse open read-only
(Warehouse.shared), with the answers it has worked out from it (Warehouse.cached):
DuckDB lets any number of processes do that at once, and a refresh publishes a new
file with os.replace(), so a worker reading the old file finishes its page from it
and its next request starts on the new one.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time

from headway.config import Settings, load_settings
from headway.errors import HeadwayError
from headway.web import migrate_database, setup

THREADS = 8
MAX_WORKERS = 32
CRASH_LOOP_SECONDS = 5  # a worker that dies this soon after starting is not restarted


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Migrate the app database, then serve until interrupted."""
    import waitress
    from django.core.wsgi import get_wsgi_application

    if not 1 <= workers <= MAX_WORKERS:
        raise HeadwayError(f"--workers must be between 1 and {MAX_WORKERS}, not {workers}.")
    if workers > 1 and not hasattr(os, "fork"):
        raise HeadwayError("--workers above 1 needs a POSIX system (fork); on this one run several "
                           "`headway serve` processes on different ports behind the reverse proxy.")
    setup(settings)
    migrate_database()
    application = get_wsgi_application()
    if workers == 1:
        waitress.serve(application, host=host, port=port, **waitress_options())
    else:
        serve_in_processes(application, host, port, workers)


def waitress_options() -> dict:
    """Threads, and the proxy to believe. Behind the TLS-terminating reverse proxy
    (secure cookies on) waitress must pass the proxy's X-Forwarded-Proto on: by default
    it strips it, and then every request looks like plain HTTP, so no HSTS is sent and
    CSRF refuses every form a browser posts from the https:// page."""
    from django.conf import settings

    options = {"threads": THREADS, "ident": "Headway"}
    if settings.SECURE_PROXY_SSL_HEADER:
        options.update(trusted_proxy=settings.HEADWAY_TRUSTED_PROXY, trusted_proxy_headers={"x-forwarded-proto"})
    return options


def serve_in_processes(application, host: str, port: int, workers: int) -> None:
    """Bind once, fork `workers` waitress processes on the one socket, look after them."""
    from django.db import connections

    listener = socket.create_server((host, port), backlog=1024)
    connections.close_all()  # each worker opens database connections of its own
    started: dict[int, float] = {}
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for pid in list(started):
            _kill(pid)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        pid = _fork_worker(application, listener)
        started[pid] = time.monotonic()
    while started:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        began = started.pop(pid, None)
        if stopping or began is None:
            continue
        if time.monotonic() - began < CRASH_LOOP_SECONDS:
            stop(None, None)
            raise HeadwayError(f"A worker process stopped at once (status {status}); see the messages above.")
        print(f"Headway: worker {pid} stopped (status {status}); starting another.", file=sys.stderr)
        started[_fork_worker(application, listener)] = time.monotonic()


def _fork_worker(application, listener: socket.socket) -> int:
    pid = os.fork()
    if pid:
        return pid
    # The worker: default signal handling, gone if the parent goes, then serve for ever.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with_parent()
    status = 0
    try:
        import waitress

        waitress.serve(application, sockets=[listener], **waitress_options())
    except BaseException:  # noqa: BLE001 - a worker must never return into the parent's loop
        status = 1
    finally:
        os._exit(status)


def _die_with_parent() -> None:
    """On Linux, ask the kernel to stop this worker if the parent is killed outright."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m headway.web.server", description="Serve the dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1,
                        help=f"Worker processes, each with {THREADS} threads (default 1).")
    parser.add_argument("--workspace", default=None,
                        help="Workspace directory (default: $HEADWAY_WORKSPACE or ./workspace).")
    args = parser.parse_args(argv)
    try:
        serve(load_settings(args.workspace), host=args.host, port=args.port, workers=args.workers)
    except HeadwayError as exc:  # e.g. a weak secret key: a message, not a traceback
        sys.exit(f"Error: {exc}")


if __name__ == "__main__":
    main()
