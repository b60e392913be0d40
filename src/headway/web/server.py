"""Serve the dashboard with waitress (pure Python, threads, no extra process).

    python -m headway.web.server [--host 127.0.0.1] [--port 8000] [--workspace DIR]

is the same as `headway serve`. One process with threads suits the warehouse: DuckDB
allows many read-only connections in one process.
"""

from __future__ import annotations

import argparse
import sys

from headway.config import Settings, load_settings
from headway.errors import HeadwayError
from headway.web import migrate_database, setup

THREADS = 8


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Migrate the app database, then serve until interrupted."""
    import waitress
    from django.core.wsgi import get_wsgi_application

    setup(settings)
    migrate_database()
    application = get_wsgi_application()
    waitress.serve(application, host=host, port=port, threads=THREADS, ident="Headway")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m headway.web.server", description="Serve the dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workspace", default=None,
                        help="Workspace directory (default: $HEADWAY_WORKSPACE or ./workspace).")
    args = parser.parse_args(argv)
    try:
        serve(load_settings(args.workspace), host=args.host, port=args.port)
    except HeadwayError as exc:  # e.g. a weak secret key: a message, not a traceback
        sys.exit(f"Error: {exc}")


if __name__ == "__main__":
    main()
