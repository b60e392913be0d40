"""The validation report: an HTML page for people and CSV files for spreadsheets.

    write_reports(validation, out_dir) -> {"html": ..., "csv": ..., "summary_csv": ...}

validation.html    what was checked, a summary per file, and every finding in a table
                   (GOV.UK Design System look: plain HTML, no script, readable by a
                   screen reader: captions, header cells with scope, text not colour)
validation.csv     every finding: severity, file, table, where, row, line, rule,
                   checked_by, message
validation-summary.csv   fatal problems, errors and warnings per file

Neither names a child: a finding is located by file and row (CSV) or line (XML),
and child IDs are never written (findings.py).

The HTML goes through Django's template engine on its own (a bare Engine, like
the committee pack), so every value in its context is text.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.template import Context, Engine

from headway.validate import Validation
from headway.validate.findings import ERROR, FATAL, WARNING, Finding
from headway.validate.integrity import RULES as INTEGRITY_RULES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
HTML_ROWS = 5_000  # beyond this the page is too long to use; the CSV has every finding
CSV_COLUMNS = ("severity", "file", "table", "where", "row", "line", "rule", "checked_by", "message")
SEVERITY_WORDS = {FATAL: "Fatal", ERROR: "Error", WARNING: "Warning"}


def write_reports(validation: Validation, out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": out_dir / "validation.html", "csv": out_dir / "validation.csv",
             "summary_csv": out_dir / "validation-summary.csv"}
    _write_csv(paths["csv"], CSV_COLUMNS, (_csv_row(f) for f in validation.findings))
    _write_csv(paths["summary_csv"], ("file", "fatal", "errors", "warnings"),
               ((s.file, s.fatal, s.errors, s.warnings) for s in validation.summary()))
    paths["html"].write_text(render_html(validation), encoding="utf-8")
    return paths


def _write_csv(path: Path, header, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _csv_row(f: Finding) -> tuple:
    return (f.severity, f.file, f.table or "", f.where, "" if f.row is None else f.row,
            "" if f.line is None else f.line, f.rule, f.checked_by, f.message)


def render_html(validation: Validation, now: dt.datetime | None = None) -> str:
    engine = Engine(dirs=[str(TEMPLATES_DIR)], app_dirs=False, autoescape=True, debug=False)
    context = html_context(validation, now or dt.datetime.now())
    return engine.get_template("validation.html").render(Context(context, autoescape=True))


def html_context(validation: Validation, now: dt.datetime) -> dict:
    counts = {s: sum(1 for f in validation.findings if f.severity == s) for s in (FATAL, ERROR, WARNING)}
    shown = validation.findings[:HTML_ROWS]
    return {
        "generated": now.strftime("%d %B %Y at %H:%M"),
        "headline": headline(validation),
        "loadable": "no" if counts[FATAL] else "yes",
        "counts": [(SEVERITY_WORDS[s], s, f"{n:,}") for s, n in counts.items()],
        "summary": [(s.file, f"{s.fatal:,}", f"{s.errors:,}", f"{s.warnings:,}") for s in validation.summary()],
        "runs": [_run_row(r) for r in validation.dfe_runs],
        "dfe_skipped": validation.dfe_skipped,
        "integrity_rules": _integrity_rules(),
        "not_checked": validation.not_checked,
        "findings": [(SEVERITY_WORDS[f.severity], f.severity, f.file, f.table or "", f.where, f.rule,
                      f.checked_by, f.message) for f in shown],
        "cut": f"The first {len(shown):,} of {len(validation.findings):,} findings are shown; "
               "validation.csv has them all." if len(shown) < len(validation.findings) else "",
    }


def headline(validation: Validation) -> str:
    counts = {s: sum(1 for f in validation.findings if f.severity == s) for s in (FATAL, ERROR, WARNING)}
    files = len(validation.files) - len(validation.not_checked)
    text = (f"{counts[FATAL]:,} fatal problem(s), {counts[ERROR]:,} error(s) and {counts[WARNING]:,} "
            f"warning(s) in {files:,} file(s).")
    if counts[FATAL]:
        return text + " Headway will not load files with fatal problems."
    return text + " Nothing stops these files loading."


def _run_row(run) -> tuple[str, ...]:
    notes = []
    if run.failed:
        notes.append(f"could not run: {', '.join(run.failed)}")
    if run.not_run:
        notes.append(f"not run without --la: {', '.join(run.not_run)}")
    if run.error:
        notes.append(f"did not run: {run.error}")
    return (run.label, run.ruleset or "", f"{run.rules - run.not_applicable:,} of {run.rules:,}",
            "; ".join(notes) or "none")


def _integrity_rules() -> list[tuple[str, str, str]]:
    return [(code, SEVERITY_WORDS[severity], what) for code, (severity, what) in INTEGRITY_RULES.items()]
