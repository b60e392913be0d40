"""`headway load`: returns in, staging Parquet out, all or nothing.

    load_files(paths, settings, year=None)   files and folders (searched recursively,
                                             hidden files skipped) -> staging/

Every file is read and checked first (returns/); if any is rejected, nothing is
written and every problem in every file is raised together (FileRejected). Only
then is each table written:

    staging/<table>/<collection year>.parquet   SSDA903 and CIN tables (2026 = 2025/26)
    staging/<table>/current.parquet             organisation and population

so loading a return again for the same year replaces that year (a resubmission),
and the other years stay. Two files giving the same table and year in one load
are put together. Each file is written under a temporary name in its folder and
renamed over the old one once all of them are written, so a failed or killed load
leaves the old files in place; the refresh (build.py) reads only `*.parquet`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from headway.config import Settings
from headway.errors import FileRejected, HeadwayError, ReturnError
from headway.returns import read_returns
from headway.returns.shapes import ReturnFile, is_yearly

CURRENT = "current"


@dataclass
class LoadResult:
    file: str
    format: str               # e.g. "SSDA903 Episodes 2025/26"
    table: str                # staging table(s) it filled, comma-separated
    collection_year: int | None
    rows_read: int            # records in the file (CIN: children, episodes, ... and reviews)
    rows_accepted: int
    rows_rejected: int = 0    # a bad row rejects its whole file, so always 0 when loaded
    notes: list[str] = field(default_factory=list)


def load_files(paths, settings: Settings, year: int | None = None, progress: bool = False) -> list[LoadResult]:
    """Read and check every file, then write staging; see the module docstring."""
    files = _files_in([Path(p) for p in paths])
    with tqdm(total=sum(p.stat().st_size for p, _ in files), unit="B", unit_scale=True,
              desc="load", disable=not progress) as bar:
        returns, errors = read_returns(files, year, progress=bar.update)
    names = dict(files)
    errors += _without_year(returns, names)
    if errors:
        raise FileRejected(errors)
    _write(_by_table_and_year(returns), settings.staging_dir)
    return [_result(r, names[r.path]) for r in returns]


def staged_tables(settings: Settings) -> dict[str, list[Path]]:
    """The staging files of each table, oldest collection year first."""
    root = settings.staging_dir
    if not root.is_dir():
        return {}
    return {d.name: sorted(p for p in d.glob("*.parquet") if not p.name.startswith("."))
            for d in sorted(root.iterdir()) if d.is_dir() and any(d.glob("*.parquet"))}


def _files_in(paths: list[Path]) -> list[tuple[Path, str]]:
    """(file, name to show) for every file given or inside a folder given, once
    each (a file given both alone and in its folder would otherwise load twice)."""
    found = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
            found += [(p, str(p.relative_to(path.parent))) for p in inside]
        elif path.is_file():
            found.append((path, str(path)))
        else:
            raise HeadwayError(f"{path} does not exist.")
    unique = {}
    for path, name in found:
        unique.setdefault(path.resolve(), (path, name))
    found = list(unique.values())
    if not found:
        raise HeadwayError(f"No files to load in {', '.join(str(p) for p in paths)}.")
    return found


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _without_year(returns: list[ReturnFile], names: dict[Path, str]) -> list[ReturnError]:
    return [ReturnError(names[r.path], "has no collection year (no dates in it and no year folder): "
                                     "use --year, e.g. --year 2026 for 2025/26")
            for r in returns if r.collection_year is None and any(is_yearly(t) for t in r.tables)]


def _by_table_and_year(returns: list[ReturnFile]) -> dict[tuple[str, str], pa.Table]:
    """One table per staging file: files for the same table and year are put together."""
    parts = defaultdict(list)
    for r in returns:
        for name, table in r.tables.items():
            if is_yearly(name):
                column = pa.array(np.full(table.num_rows, r.collection_year, dtype=np.int32))
                parts[(name, str(r.collection_year))].append(table.append_column("collection_year", column))
            else:
                parts[(name, CURRENT)].append(table)
    return {key: pa.concat_tables(tables) for key, tables in parts.items()}


def _write(tables: dict[tuple[str, str], pa.Table], staging: Path) -> None:
    """Write every file under a temporary name (on all cores: Parquet encoding
    releases the GIL), then rename them all into place."""
    paths = {}
    for name, label in tables:
        final = staging / name / f"{label}.parquet"
        final.parent.mkdir(parents=True, exist_ok=True)
        paths[(name, label)] = (final.with_name(f".{final.name}.{os.getpid()}.tmp"), final)
    try:
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            largest_first = sorted(tables, key=lambda key: -tables[key].num_rows)
            list(pool.map(lambda key: pq.write_table(tables[key], paths[key][0]), largest_first))
    except BaseException:
        for temporary, _ in paths.values():
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in paths.values():
        os.replace(temporary, final)


def _result(r: ReturnFile, name: str) -> LoadResult:
    rows = sum(t.num_rows for t in r.tables.values())
    return LoadResult(file=name, format=r.label, table=", ".join(r.tables), collection_year=r.collection_year,
                      rows_read=r.rows_read, rows_accepted=rows, notes=r.notes)
