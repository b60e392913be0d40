"""Time Headway end to end on a large synthetic authority.

    .venv/bin/python benchmarks/run.py [--children N] [--work DIR] [--keep] [--reuse] [--refreshes N]

Each step (synth; reading each format's files on their own; load; refresh;
export) runs in a fresh Python process, so its wall time includes start-up and its
peak memory (max RSS) is its own. Prints a Markdown table; paste it into
benchmarks/RESULTS.md with the date and machine. The targets: load + refresh +
measures for at least 7 million input rows in 15 s or less on the 2-core machine
(issue 2), and the measures phase of the refresh in 5 s or less (issue 4).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP = """
import json, resource, sys, time
from pathlib import Path
from headway.config import load_settings
started = time.perf_counter()
step, work, children = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
from dataclasses import replace
settings = replace(load_settings(work / "workspace"), demo=True)  # synthetic data: the demo pseudonymisation key
extra = {}
if step == "synth":
    from headway.synth import generate
    written = generate(work / "returns", children=children)
    extra["rows"] = sum(written.values())
    extra["files"] = len(written)
elif step == "load":
    from headway.warehouse.staging import load_files
    results = load_files([work / "returns"], settings)
    extra["rows"] = sum(r.rows_accepted for r in results)
elif step.startswith("read "):  # one format's files read and checked, nothing written
    from headway.returns import read_returns
    from headway.warehouse.staging import _files_in
    returns, errors = read_returns(_files_in([work / "returns" / step[5:]]))
    assert not errors, errors[:3]
    extra["rows"] = sum(r.rows_read for r in returns)
elif step == "refresh":
    from headway.warehouse.build import refresh
    result = refresh(settings)
    extra["summary"] = result.summary().split("; ")[0]
    extra["phases"] = result.phases
elif step == "export":
    from headway.measures.export import export_csv
    extra["rows"] = export_csv(settings.warehouse_path, work / "measures.csv")
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"step": step, "seconds": seconds, "peak_mb": peak_mb, **extra}))
"""


def run_step(step: str, work: Path, children: int) -> dict:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", STEP, step, str(work), str(children)],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started  # includes interpreter start-up and imports
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=4_500_000,
                        help="children aged 0-17 in the synthetic authority")
    parser.add_argument("--work", type=Path, default=None, help="working directory (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--reuse", action="store_true",
                        help="use the returns already synthesised in --work (skips synth, about 2 minutes)")
    parser.add_argument("--refreshes", type=int, default=1,
                        help="refresh this many times and judge the fastest (this machine's speed drifts by a "
                             "third over a day: run old and new code alternately to compare them)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="headway-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        reused = args.reuse and (work / "returns").is_dir()
        results = [] if reused else [run_step("synth", work, args.children)]
        formats = sorted(entry.name for entry in (work / "returns").iterdir())
        results += [run_step(f"read {name}", work, args.children) for name in formats]
        results.append(run_step("load", work, args.children))
        refreshes = [run_step("refresh", work, args.children) for _ in range(max(args.refreshes, 1))]
        results += [dict(r, step=f"refresh {i + 1}" if len(refreshes) > 1 else "refresh") for i, r in enumerate(refreshes)]
        results.append(run_step("export", work, args.children))
        report(results, min(refreshes, key=lambda r: r["seconds"]), args.children, work)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict], refresh: dict, children: int, work: Path) -> None:
    """The table of steps; the targets are judged on the fastest refresh."""
    by_step = {r["step"]: r for r in results}
    by_step["refresh"] = refresh
    rows = by_step["load"].get("rows", 0)  # every synthesised row is accepted
    size_mb = sum(p.stat().st_size for p in (work / "returns").rglob("*") if p.is_file()) / 1e6
    print(f"\nHeadway benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    files = sum(1 for p in (work / "returns").rglob("*") if p.is_file())
    print(f"Synthetic authority: {children:,} children{' (synthesised before: --reuse)' if 'synth' not in by_step else ''}; "
          f"{files} files, {rows:,} input rows, {size_mb:,.0f} MB\n")
    print("| step | seconds (in process) | wall seconds (with start-up) | peak memory MB | detail |")
    print("|---|---:|---:|---:|---|")
    for r in results:
        detail = r.get("summary") or (f"{r['rows']:,} rows" if "rows" in r else "")
        print(f"| {r['step']} | {r['seconds']:.1f} | {r['wall']:.1f} | {r['peak_mb']:,.0f} | {detail} |")
    phases = by_step["refresh"].get("phases", {})
    if phases:
        print("\nrefresh phases: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in phases.items()))
        print(f"measures (every measure, every level, {by_step['refresh']['summary'].split(' over ')[-1].split(' (')[0]}): "
              f"{phases['measures']:.1f} s against a target of 5 s: ratio {phases['measures'] / 5:.2f}")
    pipeline = sum(by_step[s]["seconds"] for s in ("load", "refresh"))
    print(f"\nload + refresh (warehouse and every measure): {pipeline:.1f} s "
          f"against a target of 15 s: ratio {pipeline / 15:.2f}")
    print(f"input rows per second through load + refresh: {rows / pipeline:,.0f}")


if __name__ == "__main__":
    main()
