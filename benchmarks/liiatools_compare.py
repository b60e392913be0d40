"""Headway beside liiatools on the same SSDA903 and Annex A files (issue 3, speed).

    .venv/bin/python benchmarks/liiatools_compare.py [--children 200000] [--work DIR] [--keep]
                                                      [--returns DIR] [--no-full]
    make liiatools-compare

liiatools is Social Finance's cleaner for children's social care returns. Its PyPI
release that installs on Python 3.11 is liiatools-dagster 0.2.0 (liiatools 0.2.0
itself pins cchardet 2.1.7, which does not build there). It pins pandas<2, numpy<2
and pyarrow 13, so it gets an environment of its own, `.venv-liiatools` next to
`.venv` (gitignored), built on first use from PINS, exactly as resolved on the
build machine; a stamp file records the pins. Nothing of it is imported here: its
steps run as `python -c DRIVER` in that environment, as benchmarks/run.py runs
Headway's steps, each in a fresh process whose time is measured inside it (after
start-up) and also as wall time.

What is compared, on the files `headway synth` writes for --children (three
collection years):

| step | Headway | liiatools |
|---|---|---|
| SSDA903 | `read ssda903` (benchmarks/run.py): every 903 file read, typed and checked | `clean`: `ssda903_pipeline.stream_pipeline.task_cleanfile` on every file with its year's schema (`load_schema(year)`), the cleaning task its `s903 pipeline` command runs first; `pipeline`: that whole command (clean, enrich, degrade, archive, PAN and SUFFICIENCY exports) |
| Annex A | `read annex_a`: every workbook read, typed and checked | `clean`: the stream its `annex_a cleanfile` command builds (openpyxl parse, `configure_stream`, `cleaner.clean`, `degrade.degrade`), consumed without writing; `cleanfile`: that whole command, which writes the cleaned workbook |

The ratio is liiatools' `clean` time over Headway's read: the like-for-like step,
and the one most favourable to liiatools. Its whole commands are shown beside it.

One workaround: liiatools-dagster 0.2.0's `load_schema` takes the first file
`Path.glob` returns as the full schema and applies the rest as diffs; glob order
is the file system's, and on this machine a diff comes first and every year from
2022 fails (KeyError 'type'). The driver gives that module a schema folder whose
glob is sorted (full schema 2017 first, then the diffs in year order), which is
the order the function expects. Nothing else of liiatools is changed.

A whole command that fails is reported with its error instead of a time. On these
files liiatools' `s903 pipeline` stops after cleaning, writing Parquet: an OC2
SDQ_SCORE column holding both scores and blanks (a blank score with SDQ_REASON
given, which the DfE allows) cannot be converted ("Could not convert '' ... to
int64").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import run_step  # noqa: E402  (benchmarks/run.py: Headway's steps, each in a fresh process)

CHECKOUT = Path(__file__).resolve().parents[1]
VENV = CHECKOUT / ".venv-liiatools"
STAMP = "headway-pins.txt"
# `pip freeze` of liiatools-dagster 0.2.0 with numpy<2 on Python 3.11, November 2026
PINS = (
    "liiatools-dagster==0.2.0", "numpy==1.26.4", "pandas==1.5.3", "pyarrow==13.0.0", "pydantic==1.10.27",
    "pydantic_yaml==1.7.0", "sfdata-stream-parser==0.6.0", "tablib==3.10.0", "openpyxl==3.1.5",
    "xlsxwriter==3.3.1", "xlrd==2.0.2", "lxml==4.9.4", "xmlschema==1.11.3", "elementpath==2.5.3",
    "fs==2.4.16", "faust-cchardet==2.2.1", "regex==2022.10.31", "more-itertools==8.14.0", "dacite==1.9.2",
    "python-decouple==3.8", "PyYAML==6.0.3", "ruamel.yaml==0.19.1", "click==8.5.1", "click-log==0.4.0",
)
LA_CODE = "BAR"  # liiatools takes a London authority's three-letter code; which one changes nothing timed

DRIVER = r"""
import json, resource, shutil, sys, time
from pathlib import Path
started = time.perf_counter()
step, returns, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
extra = {}

def sorted_schema_folder():
    # liiatools-dagster 0.2.0's load_schema expects glob() in name order (see the module docstring)
    from liiatools.ssda903_pipeline import spec
    class SortedGlob(type(spec.SCHEMA_DIR)):
        def glob(self, pattern):
            return iter(sorted(super().glob(pattern)))
    spec.SCHEMA_DIR = SortedGlob(spec.SCHEMA_DIR)

if step == "clean ssda903":
    from fs.osfs import OSFS
    from liiatools.common.data import FileLocator
    from liiatools.ssda903_pipeline.spec import load_schema
    from liiatools.ssda903_pipeline.stream_pipeline import task_cleanfile
    sorted_schema_folder()
    rows = files = problems = 0
    for folder in sorted((returns / "ssda903").iterdir()):
        schema, fs = load_schema(int(folder.name)), OSFS(str(folder))
        for path in sorted(folder.glob("*.csv")):
            result = task_cleanfile(FileLocator(fs, path.name, {"name": path.name, "path": path.name}), schema)
            rows += sum(len(frame) for frame in result.data.values())
            problems += len(result.errors)
            files += 1
    extra.update(rows=rows, files=files, cell_problems=problems)
elif step == "pipeline ssda903":
    from liiatools.ssda903_pipeline.cli import pipeline
    sorted_schema_folder()
    source = work / "liiatools-in" / "ssda903"  # the command moves its input files into its session folder
    (work / "liiatools-out-903").mkdir(exist_ok=True)
    pipeline.callback(input=str(source), la_code=LA_CODE, output=str(work / "liiatools-out-903"))
    extra["files"] = sum(1 for p in (work / "liiatools-out-903" / "current").iterdir())
elif step == "clean annex_a":
    from sfdata_stream_parser import events
    from sfdata_stream_parser.filters.column_headers import promote_first_row
    from sfdata_stream_parser.parser import openpyxl
    from liiatools.datasets.annex_a.lds_annexa_clean import cleaner, degrade
    from liiatools.datasets.annex_a.lds_annexa_clean import configuration as clean_config
    rows = cells = files = 0
    for path in sorted((returns / "annex_a").glob("*.xlsx")):
        stream = openpyxl.parse_sheets(str(path))
        stream = [ev.from_event(ev, la_code=LA_CODE, filename=path.stem) for ev in stream]
        stream = promote_first_row(stream)
        stream = clean_config.configure_stream(stream, clean_config.Config())
        stream = degrade.degrade(cleaner.clean(stream))
        for event in stream:
            if isinstance(event, events.StartRow) and getattr(event, "sheet_name", None):
                rows += 1
            elif isinstance(event, events.Cell) and getattr(event, "other_config", None):  # a column it knows
                cells += 1
        files += 1
    extra.update(rows=rows, files=files, cells=cells)
elif step == "cleanfile annex_a":
    from liiatools.datasets.annex_a.annex_a_cli import cleanfile
    files = 0
    for path in sorted((returns / "annex_a").glob("*.xlsx")):
        out, log = work / "liiatools-out-annex-a", work / "liiatools-log"
        out.mkdir(exist_ok=True), log.mkdir(exist_ok=True)
        cleanfile.callback(input=str(path), la_code=LA_CODE, la_log_dir=str(log), output=str(out))
        files += 1
    extra["files"] = files
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"step": step, "seconds": seconds, "peak_mb": peak_mb, **extra}))
""".replace("LA_CODE", repr(LA_CODE))


# ---------------------------------------------------------------- the environment

def environment_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def setup(say=print) -> Path:
    """Build .venv-liiatools if it is missing or was built with other pins; its Python."""
    stamp = VENV / STAMP
    if environment_python().exists() and stamp.is_file() and stamp.read_text() == "\n".join(PINS):
        return environment_python()
    say(f"Setting up liiatools ({PINS[0]}) in {VENV}: a one-off install from PyPI ...")
    shutil.rmtree(VENV, ignore_errors=True)
    base = os.environ.get("HEADWAY_LIIATOOLS_PYTHON", sys.executable)  # a Python 3.9-3.11
    for command in ([base, "-m", "venv", str(VENV)],
                    [str(environment_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     *PINS],
                    [str(environment_python()), "-I", "-c", "import liiatools.ssda903_pipeline.cli"]):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            raise SystemExit(f"Could not set up liiatools ({' '.join(command[:4])} ...): "
                             + " ".join((done.stderr or done.stdout).strip().splitlines()[-3:]))
    stamp.write_text("\n".join(PINS))
    return environment_python()


# ---------------------------------------------------------------- the steps

def run_liiatools(python: Path, step: str, returns: Path, work: Path, may_fail: bool = False) -> dict:
    """One step in a fresh process. A whole command that fails on these files
    (may_fail) is reported with its error, not timed."""
    started = time.perf_counter()
    done = subprocess.run([str(python), "-I", "-c", DRIVER, step, str(returns), str(work)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        if not may_fail:
            raise SystemExit(f"liiatools step {step!r} failed:\n{done.stderr[-3000:]}")
        return {"step": step, "error": done.stderr.strip().splitlines()[-1], "wall": time.perf_counter() - started}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def fresh_input(returns: Path, work: Path) -> None:
    """liiatools' 903 pipeline moves the files it is given: give it a copy (not timed)."""
    shutil.rmtree(work / "liiatools-in", ignore_errors=True)
    shutil.rmtree(work / "liiatools-out-903", ignore_errors=True)
    shutil.copytree(returns / "ssda903", work / "liiatools-in" / "ssda903")


def with_cpu_time(run, *args) -> dict:
    """The step's result, with the CPU seconds its process used ('cpu'): on a shared
    machine wall time depends on what else runs, CPU time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


STEPS = {"ssda903": ("clean ssda903", "pipeline ssda903"), "annex_a": ("clean annex_a", "cleanfile annex_a")}


def compare(python: Path, work: Path, children: int, full: bool, formats: list[str]) -> list[dict]:
    returns = work / "returns"
    rows = []
    for fmt in formats:
        clean, whole = STEPS[fmt]
        headway = with_cpu_time(run_step, f"read {fmt}", work, children)
        theirs = with_cpu_time(run_liiatools, python, clean, returns, work)
        row = {"format": fmt, "headway": headway, "liiatools_clean": theirs}
        if full:
            if fmt == "ssda903":
                fresh_input(returns, work)
            row["liiatools_full"] = with_cpu_time(run_liiatools, python, whole, returns, work, True)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def report(rows: list[dict], children: int | None, work: Path) -> None:
    """children: the size synthesised here, or None for files given with --returns."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    years = sorted(p.name for p in (work / "returns" / "ssda903").iterdir())
    size = f"synthetic authority of {children:,} children" if children else "files given with --returns"
    print(f"\nHeadway and liiatools on the same files: {size}, "
          f"collection years {', '.join(years)} ({work / 'returns'})")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load:.1f} at the end\n")
    print("Seconds: measured inside the process (after start-up) / with start-up (wall) / CPU seconds of the "
          "process.\n")
    print("| format | rows (Headway / liiatools) | Headway read s | liiatools clean s | liiatools whole command s "
          "| liiatools clean / Headway read, in s (in CPU s) |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        h, c = row["headway"], row["liiatools_clean"]
        full = row.get("liiatools_full")
        print(f"| {row['format']} | {h['rows']:,} / {c.get('rows', 0):,} | {timing(h)} | {timing(c)} | "
              f"{timing(full) if full else 'not run'} | {c['seconds'] / h['seconds']:.0f}x "
              f"({c['cpu'] / h['cpu']:.0f}x) |")


def timing(step: dict) -> str:
    if "error" in step:
        return f"failed after {step['wall']:.1f} s: {step['error'][:120]}"
    return f"{step['seconds']:.2f} / {step['wall']:.2f} / {step['cpu']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=200_000, help="children aged 0-17 in the synthetic authority")
    parser.add_argument("--work", type=Path, default=None, help="working directory (default: a temp dir)")
    parser.add_argument("--returns", type=Path, default=None,
                        help="use this `headway synth` output (with ssda903/ and annex_a/) instead of synthesising")
    parser.add_argument("--no-full", dest="full", action="store_false",
                        help="time liiatools' cleaning steps only, not its whole commands")
    parser.add_argument("--formats", nargs="+", choices=list(STEPS), default=list(STEPS),
                        help="which formats to compare (liiatools takes about 7 CPU minutes per 100,000 Annex A rows)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()
    python = setup()
    work = (args.work or Path(tempfile.mkdtemp(prefix="headway-liiatools-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.returns:
            shutil.rmtree(work / "returns", ignore_errors=True)
            (work / "returns").symlink_to(args.returns.resolve(), target_is_directory=True)
        else:
            print(json.dumps(run_step("synth", work, args.children)), flush=True)
        rows = compare(python, work, args.children, args.full, args.formats)
        report(rows, None if args.returns else args.children, work)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
