"""The Ofsted ILACS Annex A workbook (.xlsx): the child-level Lists 1 to 11.

A workbook is recognised by its content: a zip (or an OLE2 Office file, to refuse
clearly) whose sheets are named "List 1" ... "List 11" ("List1", "LIST 8 - Children
in care" too). Each list sheet gives one staging table, annex_a_list<N>
(annex_a_lists.py holds the columns, header spellings and code lists).

Safety first, before the file is parsed: an OLE2 file is an encrypted
(password-protected) workbook or an old .xls, both refused by name; a zip whose
directory says it unpacks to more than MAX_UNCOMPRESSED_BYTES (or shared strings
over MAX_SHARED_STRINGS_BYTES) is refused as a possible zip bomb without
unpacking anything. Then calamine (python-calamine, a Rust reader) reads each
sheet a row at a time with saved formula results, so memory holds the converted
columns only; its XML parser expands no entities beyond XML's own five.

Each list sheet: the header is the row, among the first HEADER_SCAN_ROWS, that
names the most of the list's columns (title rows above it are allowed); headers
match after annex_a_lists.header_key(), or through the alias table. Every cell is
converted by its column's kind, a column at a time (annex_a_cells.py: dates as
Excel dates, text or serial numbers; coded values as "a) Male", "M" or "1 - Male";
ages as 8.5, "<1" or "18m"). Every
bad cell is reported by file, sheet, row (as Excel numbers it) and column, and
one bad cell rejects the whole workbook: nothing is half loaded.

The extract date (what "as at" the lists are; the snapshot measures are counted
at it), first that applies:
1. a cell labelled "Extract date", "Extracted on", "Date of extract", "As at",
   "Report date" or "Run date" in the title rows above a list's header or in the
   first rows of another sheet (a cover sheet), with the date in the same cell or
   the next one;
2. the latest date in the workbook's lists (a note on the load result says so).
Each extract is staged as its own file (staging/annex_a_list<N>/<date>.parquet), so
monthly extracts build a history and loading the same extract again replaces it.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineWorkbook

from headway.errors import FileRejected, ReturnError
from headway.returns.annex_a_cells import blank, convert_column, date_value
from headway.returns.annex_a_lists import LIST_BY_NUMBER, AnnexList, Column, header_key
from headway.returns.convert import ERRORS_SHOWN, located_errors
from headway.returns.shapes import ARROW_TYPES, ReturnFile, Shape, staging_table
from headway.warehouse.tables import STAGING_TABLES

SHAPE = Shape("Ofsted Annex A", "an Excel workbook (.xlsx) with sheets named List 1 to List 11")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED_BYTES = 1 << 30       # 1 GiB: a council's Annex A is tens of MB
MAX_SHARED_STRINGS_BYTES = 256 << 20   # the shared strings are held in memory
MAX_ZIP_ENTRIES = 10_000
HEADER_SCAN_ROWS = 20
BLANK_CHECK_ROWS = 1000                # rows looked at to call a sheet with no list in it empty
CHUNK_ROWS = 50_000                    # rows converted to Arrow at a time (bounds memory)
EXCEL_LAST_ROW = 1_048_576
MAX_COLUMNS = 200                      # the widest list (List 8) has 34
LIST_SHEET = re.compile(r"^\s*list\s*[-_.]?\s*(\d{1,2})(?!\d)", re.IGNORECASE)
EXTRACT_LABEL = re.compile(r"extract(ed)?\b|date of extract|\bas at\b|report date|run date", re.IGNORECASE)
DATE_IN_TEXT = re.compile(r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\b")


def recognises(head: bytes) -> bool:
    """A zip (an .xlsx is one) or an OLE2 Office file (.xls, or an encrypted .xlsx)."""
    return head.startswith((ZIP_MAGIC, OLE2_MAGIC))


def read(path: Path, file: str) -> ReturnFile:
    """Read one Annex A workbook into annex_a_list<N> tables, or reject it whole."""
    path = Path(path)
    _refuse_unsafe(path, file)
    workbook = _open(path, file)
    try:
        with _collector_paused():
            return _read_workbook(workbook, path, file)
    finally:
        workbook.close()


@contextmanager
def _collector_paused():
    """calamine gives a list for every row (tens of thousands a chunk, no reference
    cycles among them): the cyclic garbage collector would scan them again and again
    as they are made, which took over half the time of turning rows into lists."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_in_worker(path: Path, file: str) -> tuple[ReturnFile | None, list[ReturnError]]:
    """read(), in a worker process (returns/__init__.py reads workbooks side by side,
    one a core): a rejection comes back as its errors, which pickle."""
    try:
        return read(path, file), []
    except FileRejected as exc:
        return None, exc.errors


# ------------------------------------------------------------------ refusing safely

def _reject(file: str, message: str, sheet: str | None = None, row: int | None = None,
            column: str | None = None) -> FileRejected:
    return FileRejected([ReturnError(file, message, sheet=sheet, row=row, column=column)])


def _refuse_unsafe(path: Path, file: str) -> None:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic == OLE2_MAGIC:
        if _is_encrypted_ole2(path):
            raise _reject(file, "is a password-protected (encrypted) workbook, which Headway cannot read: "
                                "save a copy without the password (Excel: File > Info > Protect Workbook) "
                                "and load that; nothing was loaded")
        raise _reject(file, "is an old Excel 97-2003 workbook (.xls) or another Office file, not an .xlsx "
                            "workbook, whatever its name says: open it in Excel and save it as .xlsx; "
                            "nothing was loaded")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _reject(file, "is not a readable .xlsx workbook: the zip it should be is damaged "
                            "(was it cut short?); nothing was loaded") from None
    with archive:
        _check_zip_directory(archive.infolist(), file)
        for entry in archive.infolist():
            if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                _check_sheet_extent(archive, entry, file)


CELL_REFERENCE = b'<c r="'   # then 1-3 letters and a digit: a cell (its row: 1-9 digits and '"')
ROW_REFERENCE = b'<row r="'  # then 1-9 digits and '"'
MAX_SPARSE_CELLS = 2_000_000  # cells of a sheet's grid beyond those it writes (calamine holds the grid)


def _check_sheet_extent(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, file: str) -> None:
    """calamine holds a sheet as a grid from its first cell to its last, so one cell
    written at XFD1048576 would claim hundreds of GB: refuse a sheet whose grid is
    far bigger than the cells it holds. Scanned as it unpacks, a block at a time."""
    last_row = last_col = cells = 0
    tail = b""
    with archive.open(entry) as fh:
        while block := fh.read(4 << 20):
            text = tail + block
            cut = text.rfind(b"<c ")  # a reference may straddle blocks: keep the last one for next time
            cut = cut if cut > 0 else len(text)
            cells, last_row, last_col = _extent(text[:cut], cells, last_row, last_col)
            tail = text[cut:]
    cells, last_row, last_col = _extent(tail, cells, last_row, last_col)
    if last_row > EXCEL_LAST_ROW:
        raise _reject(file, f"has rows past Excel's last row ({EXCEL_LAST_ROW:,}) in {entry.filename}: "
                            "the sheet is damaged or crafted; nothing was loaded")
    if last_row * last_col > cells * 4 + MAX_SPARSE_CELLS:
        raise _reject(file, f"has a sheet ({entry.filename}) whose cells reach row {last_row:,}, column "
                            f"{last_col:,} though it holds only {cells:,}: it is damaged or crafted; "
                            "nothing was loaded")


def _extent(text: bytes, cells: int, last_row: int, last_col: int) -> tuple[int, int, int]:
    """Add a block's cells and furthest row and column. Read with numpy, all references
    at once (a regex findall made a Python object of each and took most of a second
    for a sheet of 50,000 rows)."""
    data = np.frombuffer(text, np.uint8)
    at = _after(data, CELL_REFERENCE)
    column, letters = _number(data, at, b"A", 26, 3)
    is_cell = (letters > 0) & _is_digit(_bytes_at(data, at + letters))
    row, digits = _number(data, at + letters, b"0", 10, 9)
    has_row = is_cell & (digits > 0) & (_bytes_at(data, at + letters + digits) == ord('"'))
    at = _after(data, ROW_REFERENCE)
    row_number, digits = _number(data, at, b"0", 10, 9)
    numbered = (digits > 0) & (_bytes_at(data, at + digits) == ord('"'))
    rows = np.concatenate([row[has_row], row_number[numbered]])
    return (cells + int(is_cell.sum()), max(last_row, int(rows.max(initial=0))),
            max(last_col, int(column[is_cell].max(initial=0))))


def _after(data: np.ndarray, prefix: bytes) -> np.ndarray:
    """Offsets just after each occurrence of `prefix` (in no particular order): its
    first two bytes are looked for as 16-bit numbers, at even and at odd offsets."""
    size = len(data)
    pair = np.uint16(int.from_bytes(prefix[:2], "little"))
    even, odd = data[:size - size % 2].view("<u2"), data[1:size - (size - 1) % 2].view("<u2")
    at = np.concatenate([np.flatnonzero(even == pair) * 2, np.flatnonzero(odd == pair) * 2 + 1])
    at = at[at <= size - len(prefix)]
    for i in range(2, len(prefix)):
        at = at[data[at + i] == prefix[i]]
    return at + len(prefix)


def _bytes_at(data: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The byte at each offset; 0 past the end."""
    found = np.zeros(len(at), np.uint8)
    inside = at < len(data)
    found[inside] = data[at[inside]]
    return found


def _is_digit(values: np.ndarray) -> np.ndarray:
    return (values >= ord("0")) & (values <= ord("9"))


def _number(data: np.ndarray, at: np.ndarray, first: bytes, base: int, most: int) -> tuple[np.ndarray, np.ndarray]:
    """The number written from each offset in up to `most` symbols first .. first + base - 1
    (letters: A = 1, as Excel numbers columns; digits: 0 = 0), and how many symbols."""
    number, length = np.zeros(len(at), np.int64), np.zeros(len(at), np.int64)
    going = np.ones(len(at), bool)
    offset = 1 if base == 26 else 0
    for i in range(most):
        symbol = _bytes_at(data, at[going] + i).astype(np.int64) - first[0]
        going[going] = (symbol >= 0) & (symbol < base)
        number[going] = number[going] * base + symbol[(symbol >= 0) & (symbol < base)] + offset
        length += going
        if not going.any():
            break
    return number, length


def _check_zip_directory(entries: list[zipfile.ZipInfo], file: str) -> None:
    """Refuse from the zip directory alone, before anything is unpacked."""
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise _reject(file, "is a zip file but not an Excel .xlsx workbook (it has no xl/workbook.xml); "
                            "nothing was loaded")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _reject(file, f"holds {len(entries):,} files inside its zip, more than the {MAX_ZIP_ENTRIES:,} "
                            "a workbook needs; nothing was loaded")
    if any(e.flag_bits & 0x1 for e in entries):
        raise _reject(file, "is an encrypted zip; Headway reads only unencrypted .xlsx workbooks")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _reject(file, f"would unpack to {total / 2**20:,.0f} MB, more than the "
                            f"{MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MB Headway allows for a workbook "
                            "(it may be a zip bomb); nothing was unpacked or loaded")
    strings = sum(e.file_size for e in entries if e.filename == "xl/sharedStrings.xml")
    if strings > MAX_SHARED_STRINGS_BYTES:
        raise _reject(file, f"has {strings / 2**20:,.0f} MB of shared text, more than the "
                            f"{MAX_SHARED_STRINGS_BYTES / 2**20:,.0f} MB Headway holds in memory "
                            "(it may be a zip bomb); nothing was loaded")


def _is_encrypted_ole2(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 file holding EncryptionInfo and EncryptedPackage
    streams; their names are in the directory as UTF-16. Scanned a block at a time."""
    marker = "EncryptionInfo".encode("utf-16-le")
    tail = b""
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            if marker in tail + block:
                return True
            tail = block[-len(marker):]
    return False


def _open(path: Path, file: str) -> "_Workbook":
    try:
        return _Workbook(CalamineWorkbook.from_path(str(path)))
    except Exception as exc:  # calamine raises several kinds for a damaged file
        raise _reject(file, f"could not be read as an Excel workbook ({type(exc).__name__}): open it in "
                            "Excel and save it again as .xlsx; nothing was loaded") from None


class _Workbook:
    """The workbook as calamine (Rust) reads it: about ten times as fast as openpyxl's
    read-only mode (benchmarks/RESULTS.md), with the same cell values (None for an
    empty cell; dates as dates; numbers as floats)."""

    def __init__(self, book):
        self._book = book
        self._loaded: tuple[str, object] | None = None
        self.worksheets = [_Worksheet(self, name) for name in book.sheet_names]

    def sheet(self, title: str):
        """calamine holds a whole sheet in memory once loaded: keep only the last one."""
        if self._loaded is None or self._loaded[0] != title:
            self._loaded = None
            self._loaded = (title, self._book.get_sheet_by_name(title))
        return self._loaded[1]

    def close(self) -> None:
        self._loaded = None
        self._book.close()


class _Worksheet:
    def __init__(self, workbook: _Workbook, title: str):
        self._workbook, self.title = workbook, title

    def iter_rows(self, min_row: int = 1, max_col: int | None = None):
        """Rows as tuples, numbered as Excel numbers them from `min_row`: calamine
        starts at the first used cell, so blank rows and columns before it are put back."""
        sheet = self._workbook.sheet(self.title)
        first_row, first_col = sheet.start or (0, 0)
        pad = (None,) * first_col
        for _ in range(max(first_row + 1 - min_row, 0)):
            yield ()
        skip = max(min_row - 1 - first_row, 0)
        for i, values in enumerate(sheet.iter_rows()):
            if i >= skip:
                row = pad + tuple(None if v == "" else v for v in values)
                yield row[:max_col] if max_col else row

    def row_chunks(self, min_row: int, size: int):
        """(Excel number of the first row, first column's position, rows) for the rows
        from `min_row` on, `size` at a time, as calamine gives them: lists starting at
        the first used column, with "" for an empty cell."""
        sheet = self._workbook.sheet(self.title)
        first_row, first_col = sheet.start or (0, 0)
        skip = max(min_row - 1 - first_row, 0)
        rows = islice(sheet.iter_rows(), skip, None)
        number = first_row + 1 + skip
        while chunk := list(islice(rows, size)):
            yield number, first_col, chunk
            number += len(chunk)


# ------------------------------------------------------------------ the workbook

@dataclass
class _Sheet:
    annex: AnnexList
    title: str
    header_row: int = 0
    chunks: list[dict[str, pa.Array]] = field(default_factory=list)  # converted columns, CHUNK_ROWS at a time
    rows: int = 0
    latest_date: dt.date | None = None
    title_cells: list[tuple] = field(default_factory=list)   # rows above the header
    notes: list[str] = field(default_factory=list)


def _read_workbook(workbook, path: Path, file: str) -> ReturnFile:
    lists = _list_sheets(workbook, file)
    errors: list[ReturnError] = []
    sheets = []
    for number, worksheet in sorted(lists.items()):
        try:
            sheet = _read_sheet(worksheet, LIST_BY_NUMBER[number], file, errors)
        except FileRejected as exc:
            errors += exc.errors
            continue
        except Exception as exc:  # a damaged sheet part inside a sound zip
            errors.append(ReturnError(file, f"could not be read ({type(exc).__name__}); open the workbook in "
                                            "Excel and save it again", sheet=worksheet.title))
            continue
        if sheet is not None:
            sheets.append(sheet)
    if errors:
        raise FileRejected(errors)
    if not any(s.rows for s in sheets):
        raise _reject(file, "is empty: its list sheets (" + ", ".join(ws.title for ws in lists.values())
                            + ") have no rows of data; nothing was loaded")
    extract, notes = _extract_date(workbook, sheets, lists, file)
    tables = {s.annex.table: _table(s, extract) for s in sheets}
    notes += [n for s in sheets for n in s.notes]
    absent = [f"List {n}" for n in LIST_BY_NUMBER if n not in lists]
    if absent:
        notes.append(f"no sheet for {', '.join(absent)} (left as loaded before)")
    shape = Shape(f"{SHAPE.name} extract {extract:%d/%m/%Y}", SHAPE.looks_like)
    return ReturnFile(path, shape, tables, rows_read=sum(s.rows for s in sheets),
                      notes=notes, staging_label=extract.isoformat())


def _list_sheets(workbook, file: str) -> dict[int, object]:
    """Sheet number -> worksheet for each sheet named like an Annex A list."""
    found: dict[int, object] = {}
    for worksheet in workbook.worksheets:
        match = LIST_SHEET.match(worksheet.title)
        number = int(match.group(1)) if match else None
        if number not in LIST_BY_NUMBER:
            continue
        if number in found:
            raise _reject(file, f"has two sheets for List {number} ('{found[number].title}' and "
                                f"'{worksheet.title}'): keep one", sheet=worksheet.title)
        found[number] = worksheet
    if not found:
        names = ", ".join(f"'{ws.title}'" for ws in workbook.worksheets)
        if all(_all_blank(_first_rows(ws, BLANK_CHECK_ROWS)) for ws in workbook.worksheets):
            raise _reject(file, f"is an empty workbook: no sheet ({names}) has anything in it; nothing was loaded")
        raise _reject(file, f"is an Excel workbook with no Annex A list: its sheets are {names}, and Headway "
                            "looks for sheets named List 1 to List 11; nothing was loaded")
    return found


def _first_rows(worksheet, limit: int, width: int = MAX_COLUMNS) -> list[tuple]:
    rows = []
    for row in worksheet.iter_rows(max_col=width):
        rows.append(row)
        if len(rows) == limit:
            break
    return rows


def _all_blank(rows: list[tuple]) -> bool:
    return all(blank(v) for row in rows for v in row)


# ------------------------------------------------------------------ one list sheet

def _read_sheet(worksheet, annex: AnnexList, file: str, errors: list[ReturnError]) -> _Sheet | None:
    """The sheet's converted columns; problems go into `errors`. None if the sheet is blank."""
    sheet = _Sheet(annex, worksheet.title)
    scanned = _first_rows(worksheet, HEADER_SCAN_ROWS)
    if _all_blank(scanned):
        sheet.notes.append(f"sheet '{worksheet.title}' is blank")
        return None
    positions = _find_header(scanned, sheet, file)
    headers = {c.name: str(scanned[sheet.header_row - 1][i]).strip() for c in annex.columns
               if (i := positions.get(c.name)) is not None}
    found = _convert_rows(sheet, positions, worksheet, file)
    order = {c.name: i for i, c in enumerate(annex.columns)}
    for (name, message), seen in sorted(found.items(), key=lambda item: (item[1].rows[0], order[item[0][0]])):
        header = headers.get(name, _column(annex, name).header)
        errors += [ReturnError(e.file, e.message, row=e.row, column=e.column, sheet=worksheet.title)
                   for e in located_errors(file, None, header, message, seen.rows, seen.count)]
    return sheet


@dataclass
class _Found:
    """Where one problem is in one column: the first rows (as many as are shown) and how many."""
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def add(self, rows: np.ndarray) -> None:
        self.rows += [int(r) for r in rows[:max(ERRORS_SHOWN - len(self.rows), 0)]]
        self.count += len(rows)


def _convert_rows(sheet: _Sheet, positions: dict[str, int], worksheet, file: str) -> dict[tuple[str, str], _Found]:
    """Convert every data row into sheet.chunks, CHUNK_ROWS at a time and a column
    at a time (annex_a_cells.convert_column); returns (column, problem) -> where."""
    width = max(positions.values()) + 1  # cells right of the last column read are not needed
    found: dict[tuple[str, str], _Found] = defaultdict(_Found)
    for first_number, first_col, rows in worksheet.row_chunks(sheet.header_row + 1, CHUNK_ROWS):
        if first_number + len(rows) - 1 > EXCEL_LAST_ROW:
            raise _reject(file, f"has rows past Excel's last row ({EXCEL_LAST_ROW:,}): the sheet is damaged",
                          sheet=sheet.title)
        cells = _cells_by_column(rows, first_col, width)
        converted = {c.name: convert_column(cells[positions[c.name]], c.kind, _arrow_type(sheet, c), c.required)
                     for c in sheet.annex.columns if c.name in positions}
        kept = ~_blank_rows(converted, cells, set(positions.values()))
        for name, column in converted.items():
            for message, at in column.problems.items():
                if kept[at].any():  # a problem in a blank row is none (a required cell of a blank row)
                    found[(name, message)].add(first_number + at[kept[at]])
        _add_chunk(sheet, {name: column.values for name, column in converted.items()}, kept)
    return found


def _cells_by_column(rows: list[list], first_col: int, width: int) -> list[Sequence]:
    """The cells of each column 0 .. width - 1 (columns before calamine's first are empty)."""
    longest = max(map(len, rows))
    if min(map(len, rows)) < longest:  # calamine's rows are all one length; be sure
        rows = [row + [""] * (longest - len(row)) for row in rows]
    columns = list(zip(*rows))
    empty = ("",) * len(rows)
    return [columns[i - first_col] if 0 <= i - first_col < len(columns) else empty for i in range(width)]


def _blank_rows(converted: dict, cells: list[Sequence], read: set[int]) -> np.ndarray:
    """Rows whose every cell up to the last column read is blank: left out, as Excel users
    leave blank rows between blocks. Cells not read count too, looked at only in rows
    whose read cells are all blank."""
    blank_rows = np.logical_and.reduce([c.blank for c in converted.values()])
    others = [cells[i] for i in range(len(cells)) if i not in read]
    for row in np.flatnonzero(blank_rows) if others else ():
        blank_rows[row] = all(blank(column[row]) for column in others)
    return blank_rows


def _arrow_type(sheet: _Sheet, column: Column) -> pa.DataType:
    return ARROW_TYPES[STAGING_TABLES[sheet.annex.table][column.name]]


def _add_chunk(sheet: _Sheet, values: dict[str, pa.Array], kept: np.ndarray) -> None:
    """Keep the converted rows that are not blank; the columns the sheet lacks are NULL."""
    rows = int(kept.sum())
    if rows < len(kept):
        mask = pa.array(kept)
        values = {name: column.filter(mask) for name, column in values.items()}
    chunk = {c.name: values[c.name] if c.name in values else pa.nulls(rows, _arrow_type(sheet, c))
             for c in sheet.annex.columns}
    for column in sheet.annex.columns:
        if column.kind == "date":
            latest = pc.max(chunk[column.name]).as_py()
            if latest is not None and (sheet.latest_date is None or latest > sheet.latest_date):
                sheet.latest_date = latest
    sheet.rows += rows
    sheet.chunks.append(chunk)


def _find_header(scanned: list[tuple], sheet: _Sheet, file: str) -> dict[str, int]:
    """Column name -> cell position, from the row naming most of the list's columns."""
    aliases = _alias_table(sheet.annex)
    best, best_count = None, 0
    for i, row in enumerate(scanned):
        count = len({aliases[header_key(v)] for v in row if isinstance(v, str) and header_key(v) in aliases})
        if count > best_count:
            best, best_count = i, count
    if best is None or best_count < 2:
        expected = ", ".join(c.header for c in sheet.annex.columns[:4])
        raise _reject(file, f"has no header row: none of its first {HEADER_SCAN_ROWS} rows names the columns of "
                            f"{sheet.annex.sheet_name} ({sheet.annex.title}: {expected}, ...)", sheet=sheet.title)
    sheet.header_row, sheet.title_cells = best + 1, scanned[:best]
    positions: dict[str, int] = {}
    unknown = []
    for index, value in enumerate(scanned[best]):
        if blank(value):
            continue
        name = aliases.get(header_key(value))
        if name is None:
            unknown.append(str(value).strip())
        elif name in positions:
            raise _reject(file, f"has two columns for '{_column(sheet.annex, name).header}': keep one",
                          sheet=sheet.title, row=best + 1, column=str(value).strip())
        else:
            positions[name] = index
    missing = [c for c in sheet.annex.columns if c.name not in positions]
    for column in missing:
        if column.required:
            raise _reject(file, f"has no '{column.header}' column, which Headway needs (header row found on row "
                                f"{best + 1})", sheet=sheet.title, row=best + 1)
    if missing:
        sheet.notes.append(f"{sheet.title}: no column {', '.join(repr(c.header) for c in missing)} (left blank)")
    if unknown:
        sheet.notes.append(f"{sheet.title}: columns not read: {', '.join(repr(u) for u in unknown)}")
    return positions


@lru_cache(maxsize=None)
def _alias_table(annex: AnnexList) -> dict[str, str]:
    """header_key -> column name, for the template header and every alias."""
    table = {}
    for column in annex.columns:
        for spelling in (column.header, column.name, *column.aliases):
            table.setdefault(header_key(spelling), column.name)
    return table


def _column(annex: AnnexList, name: str) -> Column:
    return next(c for c in annex.columns if c.name == name)


def _table(sheet: _Sheet, extract: dt.date) -> pa.Table:
    columns = {name: pa.concat_arrays([chunk[name] for chunk in sheet.chunks]) for name in
               (sheet.chunks[0] if sheet.chunks else ())}
    columns["extract_date"] = pa.array([extract] * sheet.rows, pa.date32())
    return staging_table(sheet.annex.table, columns)


# ------------------------------------------------------------------ the extract date

def _extract_date(workbook, sheets: list[_Sheet], lists: dict, file: str) -> tuple[dt.date, list[str]]:
    labelled = {d for s in sheets for d in _labelled_dates(s.title_cells)}
    listed = {id(ws) for ws in lists.values()}
    for worksheet in workbook.worksheets:
        if id(worksheet) not in listed:  # a cover sheet
            labelled |= set(_labelled_dates(_first_rows(worksheet, HEADER_SCAN_ROWS, width=20)))
    if len(labelled) > 1:
        shown = ", ".join(f"{d:%d/%m/%Y}" for d in sorted(labelled))
        raise _reject(file, f"gives more than one extract date ({shown}): one workbook is one extract")
    if labelled:
        found = labelled.pop()
        return found, [f"extract date {found:%d/%m/%Y}, as labelled in the workbook"]
    dates = [s.latest_date for s in sheets if s.latest_date is not None]
    if not dates:
        raise _reject(file, "has no extract date: no cell labelled 'Extract date' and no dates in its lists")
    latest = max(dates)
    return latest, [f"extract date {latest:%d/%m/%Y} taken as the latest date in the workbook (write "
                    "'Extract date' and the date above a list's header to be sure)"]


def _labelled_dates(rows: list[tuple]):
    for row in rows:
        for i, value in enumerate(row):
            if not isinstance(value, str) or not EXTRACT_LABEL.search(value):
                continue
            inside = DATE_IN_TEXT.search(value)
            if inside:
                date, problem = date_value(inside.group(1))
            else:
                after = next((v for v in row[i + 1:] if not blank(v)), None)
                date, problem = (None, None) if after is None else date_value(after)
            if date is not None and problem is None:
                yield date
