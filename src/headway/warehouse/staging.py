"""`headway load`: returns in, staging Parquet out, all or nothing.

    load_files(paths, settings, year=None)   files and folders (searched recursively,
                                             hidden files skipped) -> staging/

Every file is read and checked first (returns/); if any is rejected, nothing is
written and every problem in every file is raised together (FileRejected). Only
then is each table written:

    staging/<table>/<collection year>.parquet   SSDA903 and CIN tables (2026 = 2025/26)
    staging/<table>/current.parquet             organisation and population
    staging/<table>/<extract date>.parquet      Ofsted Annex A lists, one file per extract

so loading a return again for the same year replaces that year (a resubmission),
and the other years stay; the result says what the new file changed (rows added,
removed and changed, children added and removed: resubmission.py). Two files
giving the same 903 table and year in one load are refused (integrity rule HW08:
which is the newer one cannot be told); other tables from several files are put
together.

Before anything is written, in this order:
1. no file is over [load] max_file_mb (memory stays bounded: a file is refused
   before it is read);
2. every file is read by its reader (returns/): any bad cell rejects the file;
3. Headway's integrity checks (validate/integrity.py) run on what the readers
   produced (the 903 files' text, the CIN children; no file is read twice): a
   fatal problem rejects the load, warnings load and are listed on the file's result;
4. every table goes through privacy.protect_tables: child IDs become keyed pseudonyms,
   postcodes sectors (after placement_distance.py has measured the miles between a
   903 episode's home and placement postcodes), dates of birth (optionally) the
   first of the month. The key
   (config.pseudonym_key) is never written; `staging/.key-check` holds a value
   that shows which key was used, so a load with another key is refused instead of
   turning each child into two.

Writing is one transaction: each file is written under a temporary name, a
journal lists them, then each is renamed over the old one and the journal is
removed. A load killed during the renames is finished by the next load or refresh
(the journal says what was left), so a return is never half in staging; a load
that fails earlier leaves staging as it was. A lock (`staging/.lock`) keeps two
loads from writing at once. Rows read = rows accepted + rows rejected for every
file; every rejected row (a blank row, a population row for another level or age)
is counted in its notes.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from headway.config import DEMO_KEY, Settings, key_fingerprint, pseudonym_key
from headway.errors import FileRejected, HeadwayError, ReturnError
from headway.returns import read_returns
from headway.returns.shapes import ReturnFile, is_yearly, year_label
from headway.warehouse import privacy, resubmission
from headway.warehouse.placement_distance import add_placement_distance

CURRENT = "current"
KEY_CHECK = ".key-check"
JOURNAL = ".load-journal.json"
LOCK = ".lock"


@dataclass
class LoadResult:
    file: str
    format: str               # e.g. "SSDA903 Episodes 2025/26"
    table: str                # staging table(s) it filled, comma-separated
    collection_year: int | None
    rows_read: int            # records in the file (CIN: children, episodes, ... and reviews)
    rows_accepted: int
    rows_rejected: int = 0    # rows left out (blank, or not for Headway); a bad row rejects the whole file
    notes: list[str] = field(default_factory=list)  # why rows were left out, warnings, what a resubmission changed


def load_files(paths, settings: Settings, year: int | None = None, progress: bool = False) -> list[LoadResult]:
    """Read and check every file, then write staging; see the module docstring."""
    key = pseudonym_key(settings)
    _check_key(settings.staging_dir, key)
    files = _files_in([Path(p) for p in paths])
    oversized = _too_big(files, settings.max_file_mb)
    files = [f for f in files if f[0] not in {path for path, _ in oversized}]
    with tqdm(total=sum(p.stat().st_size for p, _ in files), unit="B", unit_scale=True,
              desc="load", disable=not progress) as bar:
        returns, errors = read_returns(files, year, progress=bar.update)
    names = dict(files)
    errors = [e for _, e in oversized] + errors + _without_year(returns, names) + _integrity(returns, names)
    if errors:
        raise FileRejected(errors)
    _protect(returns, key, settings)
    tables = _by_table_and_year(returns)
    with _locked(settings.staging_dir):
        _recover(settings.staging_dir)
        changes = _changes(tables, settings.staging_dir)
        _write(tables, settings.staging_dir, key)
    return [_result(r, names[r.path], changes) for r in returns]


def staged_tables(settings: Settings) -> dict[str, list[Path]]:
    """The staging files of each table, oldest collection year first."""
    root = settings.staging_dir
    if not root.is_dir():
        return {}
    if (root / JOURNAL).exists():  # a load was killed while renaming: finish it first (_recover)
        with _locked(root):
            _recover(root)
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
    """One table per staging file: files for the same table and year are put together.
    The integrity warnings of the files behind a table travel in its Parquet metadata
    (WARNINGS_KEY), so the refresh can flag the measures that use it."""
    parts, warnings = defaultdict(list), defaultdict(list)
    for r in returns:
        for name, table in r.tables.items():
            if is_yearly(name):
                key = (name, str(r.collection_year))
                column = pa.array(np.full(table.num_rows, r.collection_year, dtype=np.int32))
                table = table.append_column("collection_year", column)
            else:
                key = (name, r.staging_label or CURRENT)
            parts[key].append(table)
            warnings[key] += r.warnings
    return {key: _with_warnings(pa.concat_tables(tables), warnings[key]) for key, tables in parts.items()}


WARNINGS_KEY = b"headway_warnings"


def _with_warnings(table: pa.Table, warnings: list[str]) -> pa.Table:
    return table.replace_schema_metadata({WARNINGS_KEY: json.dumps(warnings)}) if warnings else table


def staged_warnings(path: Path) -> list[str]:
    """The integrity warnings of the files a staged table came from."""
    metadata = pq.read_schema(path).metadata or {}
    return json.loads(metadata.get(WARNINGS_KEY, b"[]"))


def _too_big(files: list[tuple[Path, str]], max_mb: int) -> list[tuple[Path, ReturnError]]:
    """Files over the size limit, refused before they are read."""
    limit = max_mb << 20
    return [(path, ReturnError(name, f"is {path.stat().st_size / (1 << 20):,.0f} MB, over the limit of "
                                     f"{max_mb:,} MB ([load] max_file_mb in headway.toml): it was not read"))
            for path, name in files if path.stat().st_size > limit]


def _integrity(returns: list[ReturnFile], names: dict[Path, str]) -> list[ReturnError]:
    """Headway's fatal integrity problems across the files; warnings become notes
    on the files they are in (they load, flagged)."""
    from headway.validate import integrity_problems_in

    fatal, warnings = integrity_problems_in(returns, names)
    for r in returns:
        r.text = r.record_lines = None  # what only the checks read: not needed again
    by_file = {names[r.path]: r for r in returns}
    for finding in warnings:
        if finding.file in by_file:
            where = f"{finding.where}: " if finding.where != "whole file" else ""
            by_file[finding.file].notes.append(f"warning {finding.rule}: {where}{finding.message}")
            by_file[finding.file].warnings.append(f"{finding.rule}: {where}{finding.message}")
    return fatal


def _protect(returns: list[ReturnFile], key: bytes, settings: Settings) -> None:
    """Child IDs pseudonymised (and the rest of privacy.protect) in every table of every
    file, all at once: an ID in many files is hashed once."""
    tables = [(r, name) for r in returns for name in r.tables]
    # the placement distance needs the whole postcodes, which privacy cuts to sectors
    protected = privacy.protect_tables([add_placement_distance(r.tables[name]) for r, name in tables], key,
                                       settings)
    for (r, name), (table, notes) in zip(tables, protected):
        r.tables[name] = table
        r.notes += [f"{name}: {note}" if len(r.tables) > 1 else note for note in notes]


def check_key_to_serve(settings: Settings) -> None:
    """`headway serve` refuses to start without a usable pseudonymisation key, or with
    another key than staging was loaded with (security.md 7.4: a missing key must stop
    the server, not be found at the next load). A demo's workspace, loaded with the
    demo key, needs none."""
    check = settings.staging_dir / KEY_CHECK
    if check.exists() and check.read_text().strip() == key_fingerprint(DEMO_KEY.encode()):
        return
    _check_key(settings.staging_dir, pseudonym_key(settings), loading=False)


def _check_key(staging: Path, key: bytes, loading: bool = True) -> None:
    """Refuse a key other than the one staging was pseudonymised with, and (to load)
    staging that holds the council's own IDs."""
    check = staging / KEY_CHECK
    if not any(staging.glob("*/*.parquet")):
        return
    if not check.exists():  # loaded by a Headway that stored the council's own IDs
        if not loading:
            return
        raise HeadwayError(
            f"Staging ({staging}) holds child IDs as the returns wrote them (loaded before Headway "
            "pseudonymised them): delete the staging folder and load every year again.")
    if check.read_text().strip() != key_fingerprint(key):
        raise HeadwayError(
            f"Staging ({staging}) was pseudonymised with a different key: loading with this one would make "
            "every child two children. Use the key it was loaded with; or, to start again with this key, "
            "delete the staging folder and load every year again.")


def _changes(tables: dict[tuple[str, str], pa.Table], staging: Path) -> dict[tuple[str, str], str]:
    """For each staging file about to be replaced, what the new one changes."""
    changes = {}
    for (name, label), table in tables.items():
        final = staging / name / f"{label}.parquet"
        if final.exists():
            found = resubmission.compare(pq.read_table(final), table)
            when = f"the {year_label(int(label))} " if label.isdigit() else (
                "the " if label == CURRENT else f"the {label} extract of the ")
            changes[(name, label)] = f"replaces {when}{name} loaded before: {found.describe()}"
    return changes


class _locked:
    """Holds staging/.lock: one load writes staging at a time."""

    def __init__(self, staging: Path):
        self.path = staging / LOCK

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _write(tables: dict[tuple[str, str], pa.Table], staging: Path, key: bytes) -> None:
    """Write every file under a temporary name (on all cores: Parquet encoding
    releases the GIL), list them in the journal, then rename them all into place."""
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
    (staging / KEY_CHECK).write_text(key_fingerprint(key) + "\n")
    journal = staging / JOURNAL
    _write_atomically(journal, json.dumps([[str(t.relative_to(staging)), str(f.relative_to(staging))]
                                           for t, f in paths.values()]))
    _recover(staging)


def _recover(staging: Path) -> None:
    """Rename every file the journal lists that is still under its temporary name,
    then drop the journal: the load it belongs to is then whole. Temporary files no
    journal lists are from a load killed before it finished writing: removed.
    Called with the lock held, so no other load is writing."""
    journal = staging / JOURNAL
    if journal.exists():
        for temporary, final in json.loads(journal.read_text()):
            if (staging / temporary).exists():
                os.replace(staging / temporary, staging / final)
        journal.unlink()
    for stray in staging.glob("*/.*.tmp"):
        stray.unlink(missing_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)


def _result(r: ReturnFile, name: str, changes: dict[tuple[str, str], str]) -> LoadResult:
    rows = sum(t.num_rows for t in r.tables.values())
    label = str(r.collection_year) if r.collection_year else CURRENT
    labels = (label, CURRENT, r.staging_label)
    replaced = [changes[(t, lab)] for t in r.tables for lab in labels if (t, lab) in changes]
    return LoadResult(file=name, format=r.label, table=", ".join(r.tables), collection_year=r.collection_year,
                      rows_read=r.rows_read, rows_accepted=rows, rows_rejected=r.rows_read - rows,
                      notes=r.notes + replaced)
