"""A CSV file as a table of text, whatever the spreadsheet that saved it.

Every cell is read as text (never a sniffed type: DuckDB's sniffer samples only the
first 20,480 rows, stack-notes.md), with pyarrow's multi-threaded reader, which
measured faster than DuckDB's read_csv(all_varchar=true) on a 2.6 M-row file
(0.4-0.5 s against 1.1-1.2 s, both with date conversion).

Encodings: UTF-8 with or without a byte-order mark; UTF-16 with a byte-order mark
(Excel's "Unicode text", which is tab-separated: a header with tabs and no commas
is read as tab-separated); otherwise Windows-1252 (Excel's "CSV" on Windows).
Column names are matched ignoring case, spaces and underscores at the ends, and
runs of spaces or underscores inside ("Place provider" is PLACE_PROVIDER).
Errors name the row as a spreadsheet shows it (the header is row 1), counting
blank lines, and never quote a value. A file with column names and no rows to load
is refused (it would replace a year's table with nothing); blank rows and rows a
reader does not want are counted in the result's notes, never dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from headway.errors import FileRejected, ReturnError
from headway.returns.convert import ERRORS_SHOWN, Field, blank_rows, clean, convert, located_errors
from headway.returns.shapes import CsvShape, ReturnFile, staging_table

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)'"


def canonical(name: str) -> str:
    """'Place provider ' -> 'PLACE_PROVIDER': how column names are compared."""
    return re.sub(r"[\s_]+", "_", name.strip()).strip("_").upper()


@dataclass
class TextTable:
    """The file's cells as text; columns keyed by canonical name."""
    file: str
    columns: dict[str, pa.ChunkedArray]
    original: dict[str, str]  # canonical name -> as row 1 spells it (for messages)
    data: bytes  # the file as UTF-8, kept to turn row positions into row numbers
    encoding: str = "UTF-8"  # as the file was written: UTF-8, UTF-16 or Windows-1252

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def row_numbers(self, positions: np.ndarray) -> np.ndarray:
        """Spreadsheet row numbers of data rows at `positions` (0 = first data row)."""
        return _nonempty_lines(self.data)[np.asarray(positions) + 1]


def read_csv_text(path: Path, file: str) -> TextTable:
    raw = path.read_bytes()
    data = _utf8(raw, file)
    header_line = _decode(data.split(b"\n", 1)[0].rstrip(b"\r"))
    if not header_line.strip():
        raise FileRejected([ReturnError(file, "row 1 is blank: the column names must be on row 1", row=1)])
    delimiter = "\t" if "\t" in header_line and "," not in header_line else ","
    spelt = [n.strip() for n in next(csv.reader([header_line], delimiter=delimiter))]
    names = [canonical(n) for n in spelt]
    _check_names(file, names)
    placeholders = [n or f"_blank_{i}" for i, n in enumerate(names)]
    table, encoding = _read_table(data, placeholders, delimiter, file)
    columns = {n: table.column(i) for i, n in enumerate(names) if n}
    encoding = "UTF-16" if raw[:2] in UTF16_BOMS else encoding
    return TextTable(file, columns, dict(zip(names, spelt)), data, encoding)


def _utf8(raw: bytes, file: str) -> bytes:
    if not raw or raw.isspace():
        raise FileRejected([ReturnError(file, "is empty: it has no column names and no rows")])
    if raw.startswith(b"PK\x03\x04"):
        raise FileRejected([ReturnError(file, f"is an Excel workbook, not a CSV file: {SAVE_AS}")])
    if raw.startswith(UTF8_BOM):
        return raw[len(UTF8_BOM):]
    for bom in UTF16_BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise FileRejected([ReturnError(file, "starts like UTF-16 text (a byte-order mark) but is not "
                                                      f"UTF-16 text: {SAVE_AS}")]) from None
    if b"\x00" in raw[:4096]:
        raise FileRejected([ReturnError(file, f"is not a text file (it holds NUL bytes): {SAVE_AS}")])
    return raw


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _check_names(file: str, names: list[str]) -> None:
    seen, errors = set(), []
    for name in names:
        if name and name in seen:
            errors.append(ReturnError(file, "this column appears twice on row 1", row=1, column=name))
        seen.add(name)
    if errors:
        raise FileRejected(errors)


def _read_table(data: bytes, names: list[str], delimiter: str, file: str) -> tuple[pa.Table, str]:
    """All columns as text, and the encoding: bytes that are not UTF-8 are read as Windows-1252."""
    try:
        return _arrow_read(data, names, delimiter, file), "UTF-8"
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc):
            raise FileRejected([ReturnError(file, f"could not be read as CSV: {SAVE_AS}")]) from None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRejected([ReturnError(file, f"is neither UTF-8 nor Windows-1252 text: {SAVE_AS}")]) from None
    return _arrow_read(text.encode("utf-8"), names, delimiter, file), "Windows-1252"


def _arrow_read(data: bytes, names: list[str], delimiter: str, file: str, threads: bool = True) -> pa.Table:
    ragged: list[int | None] = []

    def note_ragged(row) -> str:
        ragged.append(row.number)
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=note_ragged),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    if not ragged:
        return table
    if threads:  # row numbers are only known to a single-threaded read
        return _arrow_read(data, names, delimiter, file, threads=False)
    lines = _nonempty_lines(data)
    raise FileRejected([
        ReturnError(file, f"this row does not have {len(names)} values like the header (a comma or line "
                          "break inside a value needs the value in double quotes)", row=int(lines[n - 1]))
        for n in ragged])


def _nonempty_lines(data: bytes) -> np.ndarray:
    """Line numbers (1-based) of the non-blank lines: pyarrow skips blank lines, so
    its n-th row is the n-th non-blank line."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buffer == ord("\n"))
    starts = np.r_[0, ends + 1]
    ends = np.r_[ends, len(buffer)]
    length = ends - starts
    carriage_return_only = (length == 1) & (buffer[np.minimum(starts, len(buffer) - 1)] == ord("\r"))
    blank = (length == 0) | carriage_return_only
    return np.flatnonzero(~blank) + 1


def to_staging(text: TextTable, table: str, fields: tuple[Field, ...], date_formats: tuple[str, ...],
               select: Callable[[dict[str, pa.Array]], pa.Array] | None = None,
               left_out: dict[str, int] | None = None, unique: tuple[str, ...] = ()) -> pa.Table:
    """The staging table from the file's text, leaving out blank rows and any row
    `select` (given the cleaned text columns) says False to (counted in `left_out`,
    if given, by reason); every bad cell in the rows kept is an error, and so is a
    value of a `unique` column that an earlier row has; any error rejects the file."""
    texts = {name: clean(column) for name, column in text.columns.items()}
    keep = pc.invert(blank_rows(texts)) if texts else pa.array([], pa.bool_())
    not_blank = pc.sum(keep).as_py() or 0
    if select is not None:
        keep = pc.and_(keep, pc.fill_null(select(texts), False))
    if left_out is not None:
        left_out["blank"] = text.num_rows - not_blank
        left_out["not wanted"] = not_blank - (pc.sum(keep).as_py() or 0)
    kept = None
    if not pc.all(keep).as_py():
        kept = np.flatnonzero(keep.to_numpy(zero_copy_only=False))
        texts = {name: pc.filter(column, keep) for name, column in texts.items()}
    columns, problems = convert(list(fields), texts, date_formats)
    if problems:
        errors = []
        for p in problems:
            shown = p.positions[:ERRORS_SHOWN]
            rows = text.row_numbers(shown if kept is None else kept[shown])
            column = text.original.get(p.source, p.source)
            errors += located_errors(text.file, table, column, p.message, list(rows), len(p.positions))
        raise FileRejected(errors)
    repeated = [e for source in unique if source in texts for e in _repeats(text, table, source, texts[source], kept)]
    if repeated:
        raise FileRejected(repeated)
    return staging_table(table, columns)


def _repeats(text: TextTable, table: str, source: str, values, kept) -> list[ReturnError]:
    """An error for each row (up to ERRORS_SHOWN) whose `source` value an earlier row
    has, naming that row (not the value: errors never quote one)."""
    if isinstance(values, pa.ChunkedArray):  # one dictionary for the whole column
        values = values.combine_chunks()
    codes = pc.fill_null(pc.dictionary_encode(values).indices, -1).to_numpy(zero_copy_only=False)
    seen, first = np.unique(codes, return_index=True)
    again = np.ones(len(codes), dtype=bool)
    again[first] = False
    again &= codes >= 0  # a blank ID is the required-field check's to report
    positions = np.flatnonzero(again)
    if not positions.size:
        return []
    shown = positions[:ERRORS_SHOWN]
    earlier = first[np.searchsorted(seen, codes[shown])]
    if kept is not None:  # positions among the rows kept -> positions in the file
        shown, earlier = kept[shown], kept[earlier]
    rows, earlier_rows = text.row_numbers(shown), text.row_numbers(earlier)
    column = text.original.get(source, source)
    errors = [ReturnError(text.file, f"has the same {column} as row {int(e)}: each is listed once", table=table,
                          row=int(r), column=column) for r, e in zip(rows, earlier_rows)]
    if positions.size > ERRORS_SHOWN:
        errors.append(ReturnError(text.file, f"and {positions.size - ERRORS_SHOWN:,} more rows with the same "
                                             "problem", table=table, column=column))
    return errors


def read_shape(text: TextTable, shape: CsvShape, path: Path, date_formats: tuple[str, ...],
               select: Callable[[dict[str, pa.Array]], pa.Array] | None = None) -> ReturnFile:
    """A CSV file of a known shape as its staging table, noting columns it lacks."""
    left_out: dict[str, int] = {}
    table = to_staging(text, shape.table, shape.fields, date_formats, select, left_out, shape.unique)
    if table.num_rows == 0:  # loading it would replace the year's table with nothing
        raise FileRejected([ReturnError(text.file, f"has column names on row 1 but no rows Headway can load "
                                                   f"under them ({left_out['blank']:,} blank, "
                                                   f"{left_out['not wanted']:,} not needed): leave the file out "
                                                   "if it has no rows")])
    result = ReturnFile(path, shape, {shape.table: table}, rows_read=text.num_rows)
    result.notes += [f"no column {name}: left blank" for name in shape.absent(text.columns)]
    if left_out["blank"]:
        result.notes.append(f"{left_out['blank']:,} blank row(s) (every cell empty) rejected")
    if left_out["not wanted"]:
        result.notes.append(f"{left_out['not wanted']:,} row(s) not needed by Headway rejected "
                            "(the reader keeps only the rows it uses: docs/formats.md)")
    if text.encoding == "Windows-1252":
        result.notes.append("read as Windows-1252 text, not UTF-8: check accented letters came through; "
                            + SAVE_AS + " to be sure")
    return result
