"""The `headway` command. Each command is a thin wrapper: parse options, call one
function in the package, print what happened. Errors a user can fix (a bad file,
no warehouse yet) print as one clear message and exit with status 1; anything
else is a bug and shows its traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from headway.config import load_settings
from headway.errors import FileRejected, HeadwayError


class HeadwayGroup(click.Group):
    """Turns HeadwayError into a clean message instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FileRejected as exc:
            click.echo(f"Nothing was loaded: {len(exc.errors)} problem(s) found.", err=True)
            for error in exc.errors:
                click.echo(f"  {error}", err=True)
            sys.exit(1)
        except HeadwayError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)


workspace_option = click.option(
    "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Workspace directory (default: $HEADWAY_WORKSPACE or ./workspace).")


@click.group(cls=HeadwayGroup)
@click.version_option(package_name="headway")
def main():
    """Headway: children's services performance and improvement."""


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the synthetic returns into.")
@click.option("--children", default=60_000, show_default=True, help="Children aged 0-17 in the authority.")
@click.option("--years", default=3, show_default=True, help="Collection years to write.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same files).")
@click.option("--last-year", default=2026, show_default=True,
              help="Last collection year, as the year it ends (2026 = 2025/26).")
@click.option("--annex-a-variants", is_flag=True,
              help="Write the Annex A workbooks as real councils send them (title rows, other header "
                   "spellings, codes, dates and ages), to test the reader.")
def synth(out, children, years, seed, last_year, annex_a_variants):
    """Write a synthetic local authority's returns (no real child's data)."""
    from headway.synth import generate

    started = time.perf_counter()
    written = generate(out, children=children, years=years, seed=seed, last_year=last_year, progress=True,
                       annex_a_variants=annex_a_variants)
    rows = sum(written.values())
    click.echo(f"Wrote {len(written)} files, {rows:,} rows, to {out} in {time.perf_counter() - started:.1f}s")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--year", type=int, default=None,
              help="Collection year of every file given, as the year it ends (2026 = 2025/26).")
@workspace_option
def load(paths, year, workspace):
    """Read returns (files or directories) into the workspace's staging area."""
    from headway.warehouse.staging import load_files

    settings = load_settings(workspace)
    results = load_files(list(paths), settings, year=year, progress=True)
    for r in results:
        click.echo(f"  {r.file}: {r.format}, {r.rows_read:,} rows read, {r.rows_accepted:,} accepted, "
                   f"{r.rows_rejected:,} rejected")
        for note in r.notes:  # why rows were rejected, warnings, what a resubmission changed
            click.echo(f"      {note}")
    click.echo(f"Loaded {len(results)} file(s) into {settings.staging_dir}. Run `headway refresh` next.")


# ---------------------------------------------------------------- validate (issue 3)

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--year", type=int, default=None,
              help="Collection year of every file given, as the year it ends (2026 = 2025/26).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for validation.html and validation.csv (default: the workspace's validation/).")
@click.option("--la", "la_code", default=None,
              help="The council's ONS code (e.g. E09000027), for the DfE rules that compare placements "
                   "with the council's own area.")
@click.option("--headway-only", is_flag=True,
              help="Run Headway's own checks only, not the DfE's rules (no validator environment needed).")
@click.option("--cin-xsd", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of the DfE's CIN Census schemas, CIN_schema_<year>.xsd (default: $HEADWAY_CIN_XSD_DIR).")
@workspace_option
def validate(paths, year, out, la_code, headway_only, cin_xsd, workspace):
    """Check returns (files or directories) with Headway's checks and the DfE's rules;
    write an HTML and a CSV report. Exit status 1 if any file has a fatal problem."""
    from headway.validate import validate_returns
    from headway.validate.report import headline, write_reports

    settings = load_settings(workspace)
    result = validate_returns(list(paths), year=year, la=la_code, dfe=not headway_only, settings=settings,
                              progress=True, say=lambda text: click.echo(text, err=True), cin_xsd=cin_xsd)
    written = write_reports(result, out or settings.workspace / "validation")
    click.echo(f"{'File':<60} {'fatal':>6} {'errors':>7} {'warnings':>9}")
    for s in result.summary():
        click.echo(f"{s.file[-60:]:<60} {s.fatal:>6,} {s.errors:>7,} {s.warnings:>9,}")
    for file in result.not_checked:
        click.echo(f"  not checked (not a 903 table or CIN file): {file}")
    click.echo(headline(result))
    click.echo(f"Reports: {written['html']} and {written['csv']}")
    if result.fatal:
        sys.exit(1)


@main.command()
@workspace_option
def refresh(workspace):
    """Build a new warehouse from staging, compute every measure, publish it atomically."""
    from headway.warehouse.build import refresh as run_refresh

    settings = load_settings(workspace)
    result = run_refresh(settings, progress=True)
    click.echo(f"Published {result.path} in {result.seconds:.1f}s: {result.summary()}")


@main.group()
def measures():
    """Measure results."""


@measures.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@workspace_option
def measures_export(out, workspace):
    """Write every measure value (measure, month, org unit) to a CSV file."""
    from headway.measures.export import export_csv

    settings = load_settings(workspace)
    rows = export_csv(settings.warehouse_path, out)
    click.echo(f"Wrote {rows:,} rows to {out}")


@measures.command("docs")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/measures.md"),
              show_default=True)
def measures_docs(out):
    """Write the measure catalogue as Markdown (docs/measures.md)."""
    from headway.measures.catalogue import load_catalogue, render_markdown

    measures = load_catalogue()
    out.write_text(render_markdown(measures), encoding="utf-8")
    click.echo(f"Wrote {len(measures)} measures to {out}")


@main.group()
def benchmarks():
    """The DfE's published statistics, for comparing with England and similar councils."""


@benchmarks.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@workspace_option
def benchmarks_import(directory, workspace):
    """Read the DfE statistics CSVs (explore-education-statistics) and the statistical
    neighbour model from DIRECTORY. Takes effect at the next `headway refresh`."""
    from headway.measures.benchmarks import import_benchmarks

    settings = load_settings(workspace)
    published, neighbour_rows = import_benchmarks(directory, settings)
    click.echo(published.summary())
    click.echo(f"Imported {published.table.num_rows:,} published figures and {neighbour_rows:,} "
               f"statistical-neighbour pairs. Run `headway refresh` to compare with them.")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for the pack (default: the workspace's reports/).")
@workspace_option
def report(out, workspace):
    """Write the committee pack (PDF and HTML), with the Improvement Board's approved words."""
    from headway.board.pack_reader import committee_pack_reader
    from headway.reports.committee import write_pack

    settings = load_settings(workspace)
    written = write_pack(settings, out or settings.reports_dir, board=committee_pack_reader(settings))
    for kind, path in written.items():
        click.echo(f"  {kind}: {path}")


@main.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The Excel file to write (.xlsx).")
@workspace_option
def scorecard(out, workspace):
    """Write the scorecard and every measure's series to an Excel workbook."""
    from headway.reports.scorecard_xlsx import write_scorecard

    settings = load_settings(workspace)
    click.echo(f"Wrote {write_scorecard(settings, out)}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Worker processes (each with 8 threads) sharing the port; see docs/deployment.md.")
@workspace_option
def serve(host, port, workers, workspace):
    """Serve the dashboard."""
    from headway.warehouse.staging import check_key_to_serve
    from headway.web.server import serve as run_server

    settings = load_settings(workspace)
    check_key_to_serve(settings)  # no pseudonymisation key, no server (docs/privacy.md)
    click.echo(f"Headway dashboard on http://{host}:{port}/  (Ctrl+C to stop)")
    run_server(settings, host=host, port=port, workers=workers)


@main.command()
@click.argument("username")
@click.option("--role", default=None, help="One of the roles in docs/security.md (e.g. Analyst); none = sees nothing.")
@click.option("--authority", is_flag=True, help="Scope: the whole authority.")
@click.option("--service", "services", multiple=True, help="Scope: a service area (repeat for more).")
@click.option("--team", "teams", multiple=True, help="Scope: a team ID (repeat for more).")
@click.password_option(help="The password (asked for if not given).")
@workspace_option
def user(username, role, authority, services, teams, password, workspace):
    """Create or update a dashboard user, e.g. the first administrator:
    headway user alice --role Analyst --authority"""
    from headway.web.accounts import add_user_from_command_line

    add_user_from_command_line(load_settings(workspace), username, password, role, authority, services, teams)
    click.echo(f"{username}: role {role or 'none'}; scope "
               f"{'the whole authority' if authority else ', '.join([*services, *teams]) or 'nothing'}")


@main.command()
@click.option("--no-serve", is_flag=True, help="Stop after writing the outputs.")
@click.option("--children", default=60_000, show_default=True)
@click.option("--port", default=8000, show_default=True)
@workspace_option
def demo(no_serve, children, port, workspace):
    """Synthetic authority in, warehouse, committee pack and dashboard out."""
    from headway.demo import run_demo

    settings = load_settings(workspace)
    run_demo(settings, children=children, serve=not no_serve, port=port)


if __name__ == "__main__":
    main()
