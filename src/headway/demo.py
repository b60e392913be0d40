"""`headway demo`: the whole product on a synthetic authority, in one command.

synth -> load -> refresh (warehouse + measures) -> the board's demo plan (headway.board.demo_plan)
-> committee pack (with the board's approved words) -> dashboard.
Everything goes into the workspace, so a demo never touches anything else.
"""

from __future__ import annotations

import time
from dataclasses import replace

import click

from headway.config import Settings


def _step(message: str):
    click.echo(f"==> {message}")
    return time.perf_counter()


def run_demo(settings: Settings, children: int = 60_000, serve: bool = True, port: int = 8000) -> dict:
    from headway.board.pack_reader import committee_pack_reader
    from headway.reports.committee import write_pack
    from headway.synth import generate
    from headway.warehouse.build import refresh
    from headway.warehouse.staging import load_files
    from headway.web import setup
    from headway.web.accounts import ensure_demo_user

    settings = replace(settings, demo=True)  # synthetic children: the demo pseudonymisation key
    returns_dir = settings.workspace / "synthetic-returns"
    started = _step(f"Generating a synthetic authority of {children:,} children in {returns_dir}")
    written = generate(returns_dir, children=children, progress=True)
    click.echo(f"    {len(written)} files, {sum(written.values()):,} rows ({time.perf_counter() - started:.1f}s)")

    started = _step("Loading the returns")
    results = load_files([returns_dir], settings, progress=True)
    click.echo(f"    {len(results)} files, {sum(r.rows_accepted for r in results):,} rows accepted "
               f"({time.perf_counter() - started:.1f}s)")

    started = _step("Refreshing the warehouse and computing the measures")
    result = refresh(settings, progress=True)
    click.echo(f"    {result.summary()} ({time.perf_counter() - started:.1f}s)")

    setup(settings)
    username, password = ensure_demo_user(settings)
    from headway.board.demo_plan import seed_from_workspace  # the board's models need Django set up

    started = _step("Seeding the Improvement Board's plan, statements, risks and audits")
    seeded = seed_from_workspace(settings, username)
    click.echo(f"    {'seeded' if seeded else 'kept the plan already in the workspace'} "
               f"({time.perf_counter() - started:.1f}s)")

    started = _step("Writing the committee pack (with the board's approved statements)")
    pack = write_pack(settings, settings.reports_dir, board=committee_pack_reader(settings))
    click.echo(f"    ({time.perf_counter() - started:.1f}s)")
    click.echo("")
    for kind, path in pack.items():
        click.echo(f"Committee pack ({kind.upper()}): {path}")
    click.echo(f"Dashboard:   http://127.0.0.1:{port}/")
    click.echo(f"Board:       http://127.0.0.1:{port}/board/ (the improvement plan, risks and audits)")
    click.echo(f"Sign in as:  {username} / {password}")
    if serve:
        from headway.web.server import serve as run_server

        click.echo("Serving the dashboard (Ctrl+C to stop)...")
        run_server(settings, host="127.0.0.1", port=port)
    return {"pack": pack, "username": username, "password": password}
