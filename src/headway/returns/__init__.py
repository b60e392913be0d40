"""Readers: one module per kind of file a council holds, each giving staging tables.

    ssda903.py     SSDA903, every table (CSV, one file per table)
    cin.py         CIN Census (XML, one file per collection year)
    org.py         Teams, Workers and Allocations from the case-management system (CSV)
    population.py  ONS mid-year population aged 0-17 as the DfE publishes it (CSV)
    annex_a.py     Ofsted ILACS Annex A, Lists 1-11 (.xlsx workbook; lists in annex_a_lists.py,
                   cells to values in annex_a_cells.py)
    workforce.py   Social workers and establishment by month from the HR system (CSV)

A file is recognised by what is in it, never by its name: a CSV file by the column
names on row 1, an XML file by its root element. `read_return` picks the reader;
a file of no known shape is an error that lists the shapes Headway knows, unless
it is nearly one: a CSV file whose column names are below row 1 (title or blank
rows above them) is told which row they are on, and one with most of a shape's
columns is told which it lacks.
The shared machinery: shapes.py (what a reader returns), csvtext.py (a CSV file as
text), xmlfile.py (a large XML file, safely and in parallel), convert.py (text to
dates, booleans and numbers, finding every bad value).

ees.py reads the DfE's published statistics for benchmarking (`headway benchmarks`);
it is not a return and `headway load` does not use it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from headway.errors import FileRejected, ReturnError
from headway.returns import annex_a, cin, org, population, ssda903, workforce, xmlfile
from headway.returns.csvtext import canonical, read_csv_text
from headway.returns.shapes import ReturnFile

CSV_READERS = (ssda903, org, population, workforce)


def known_shapes() -> list[str]:
    shapes = [s for reader in CSV_READERS for s in reader.SHAPES] + [cin.SHAPE, annex_a.SHAPE]
    return [f"{s.name} ({s.looks_like})" for s in shapes]


def read_return(path: Path, file: str | None = None, year: int | None = None) -> ReturnFile:
    """Read one file with the reader its content calls for. `file` names it in
    errors (default: the path as given); `year` is the collection year from --year."""
    with xmlfile.Workers() as workers:
        return _start(Path(path), file or str(path), year, workers, lambda done: None, alone=True).finish()


def read_returns(files: list[tuple[Path, str]], year: int | None = None,
                 progress: Callable[[int], None] = lambda done: None
                 ) -> tuple[list[ReturnFile], list[ReturnError]]:
    """Read every (path, name to show) in `files`; return what was read, in order,
    and every file's errors. CIN Census files and Annex A workbooks are handed to
    worker processes first (one core each) and parsed while the CSV files are read
    here. `progress(n)` says n more bytes are read."""
    errors: list[ReturnError] = []
    results: dict[int, ReturnFile | None] = {}
    with xmlfile.Workers() as workers:
        started: dict[int, _Started | None] = {}
        for i in sorted(range(len(files)), key=lambda i: not _is_workbook(files[i][0])):
            # workbooks first: each is one long task, and the CIN files' pieces fill in around them
            started[i] = _attempt(errors, _start, *files[i], year, workers, progress)
        here_first = sorted(range(len(files)), key=lambda i: started[i] is not None and started[i].in_workers)
        for i in here_first:
            if started[i] is not None:
                results[i] = _attempt(errors, started[i].finish)
            if started[i] is None or not started[i].in_workers:
                progress(files[i][0].stat().st_size)
    return [results[i] for i in sorted(results) if results[i] is not None], errors


def _is_workbook(path: Path) -> bool:
    with path.open("rb") as fh:
        return annex_a.recognises(fh.read(8))


def _attempt(errors: list[ReturnError], fn, *args):
    """fn(*args), or None with its errors added to `errors`."""
    try:
        return fn(*args)
    except FileRejected as exc:
        errors += exc.errors
        return None


@dataclass(frozen=True)
class _Started:
    finish: Callable[[], ReturnFile]  # reads the file, or waits for the workers reading it
    in_workers: bool = False


def _start(path: Path, file: str, year: int | None, workers: xmlfile.Workers,
           progress: Callable[[int], None], alone: bool = False) -> _Started:
    """CIN files and workbooks start parsing in the workers now (and report their own
    progress); CSV files are read at finish(), and so is a workbook read `alone` (no
    other file to read meanwhile: starting a worker would only cost time)."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if not head.strip():
        raise FileRejected([ReturnError(file, "is empty: there is nothing in it to load")])
    if annex_a.recognises(head) and alone:
        return _Started(lambda: annex_a.read(path, file))
    if annex_a.recognises(head):  # a workbook (zip), or an OLE2 .xls / encrypted one to refuse clearly
        return _Started(_in_workers(workers.submit(annex_a.read_in_worker, path, file),
                                    lambda: progress(path.stat().st_size)), in_workers=True)
    start = _as_text(head)
    if not start.lstrip().startswith("<"):
        return _Started(lambda: _read_csv(path, file, year))
    if not cin.recognises(start):
        raise _unknown(file, "an XML file whose root element is not <Message>")
    return _Started(cin.start(path, file, year, workers, progress), in_workers=True)


def _in_workers(reading, done: Callable[[], None]) -> Callable[[], ReturnFile]:
    """Waits for a file read by a worker process, which sends its errors back as a
    list (a FileRejected does not pickle)."""
    def finish() -> ReturnFile:
        result, errors = reading.result()
        done()
        if errors:
            raise FileRejected(errors)
        return result
    return finish


def _read_csv(path: Path, file: str, year: int | None) -> ReturnFile:
    try:
        text = read_csv_text(path, file)
    except FileRejected as exc:
        raise _header_below_row_1(path, file) or exc
    matching = [(len(s.identifying), reader, s) for reader in CSV_READERS for s in reader.SHAPES
                if s.matches(text.columns)]
    if not matching:
        raise (_header_below_row_1(path, file) or _lacking_columns(file, text.columns)
               or _unknown(file, f"a CSV file with columns {', '.join(text.original.values())}"))
    _, reader, shape = max(matching, key=lambda m: m[0])  # the most specific shape
    result = reader.read(text, shape, path, year)
    if "CHILD" in text.columns:  # may be a 903 table: kept so the integrity checks need not read it again
        result.text = text
    return result


def _csv_shapes():
    return [s for reader in CSV_READERS for s in reader.SHAPES]


def _header_below_row_1(path: Path, file: str, look: int = 20) -> FileRejected | None:
    """A file with a title or blank rows above its column names: say where they are
    (rows are numbered from the column names, so they must be on row 1)."""
    with path.open("rb") as fh:
        lines = _as_text(fh.read(64 * 1024)).splitlines()
    for number, line in enumerate(lines[1:look], start=2):
        names = {canonical(n) for n in next(csv.reader([line], delimiter="\t" if "\t" in line else ","), [])}
        shape = next((s for s in _csv_shapes() if s.matches(names)), None)
        if shape is not None:
            return FileRejected([ReturnError(
                file, f"the column names of {shape.name} are on row {number}, not row 1: delete the "
                      f"{number - 1} row(s) above them (titles or blank rows) and save the file again", row=number)])
    return None


def _lacking_columns(file: str, columns) -> FileRejected | None:
    """A file with most of a shape's columns: say which it lacks (a renamed or
    missing column), rather than that the file is unknown."""
    best = max(_csv_shapes(), key=lambda s: len(set(s.identifying) & set(columns)))
    missing = [c for c in best.identifying if c not in columns]
    if len(missing) > len(best.identifying) // 2:
        return None
    return FileRejected([ReturnError(file, f"looks like {best.name} but has no column {', '.join(missing)} on "
                                           f"row 1 ({best.looks_like})", row=1, column=missing[0])])


def _as_text(head: bytes) -> str:
    """The start of a file as text, enough to tell XML from CSV."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="replace")
    return head.decode("latin-1")


def _unknown(file: str, seen: str) -> FileRejected:
    known = "; ".join(known_shapes())
    return FileRejected([ReturnError(file, f"is not a file Headway knows: it is {seen}. Headway reads: {known}")])
