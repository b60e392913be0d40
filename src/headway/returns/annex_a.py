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
converted by its column's kind (dates as Excel dates, text or serial numbers;
coded values as "a) Male", "M" or "1 - Male"; ages as 8.5, "<1" or "18m"). Every
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
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineWorkbook

from headway.errors import FileRejected, ReturnError
from headway.returns.annex_a_lists import (CODE_LISTS, ETHNIC_GROUP_WORDS, ETHNICITY_NAMES, EXCEL_ERRORS,
                                           LIST_BY_NUMBER, YES_NO, YES_NO_UNKNOWN, AnnexList, Column,
                                           header_key)
from headway.returns.convert import located_errors
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
FIRST_YEAR, LAST_YEAR = 1900, 2099
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
        return _read_workbook(workbook, path, file)
    finally:
        workbook.close()


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


CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,9})"')
ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,9})"')
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
    """Add a block's cells and furthest row and column (the regexes do the looping)."""
    columns = CELL_COLUMN.findall(text)
    rows = [*CELL_ROW.findall(text), *ROW_NUMBER.findall(text)]
    return (cells + len(columns), max(last_row, max(map(int, rows), default=0)),
            max(last_col, max(map(_column_number, set(columns)), default=0)))


@lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


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
        if all(_is_blank(_first_rows(ws, BLANK_CHECK_ROWS)) for ws in workbook.worksheets):
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


def _is_blank(rows: list[tuple]) -> bool:
    return all(_blank(v) for row in rows for v in row)


# ------------------------------------------------------------------ one list sheet

def _read_sheet(worksheet, annex: AnnexList, file: str, errors: list[ReturnError]) -> _Sheet | None:
    """The sheet's converted columns; problems go into `errors`. None if the sheet is blank."""
    sheet = _Sheet(annex, worksheet.title)
    scanned = _first_rows(worksheet, HEADER_SCAN_ROWS)
    if _is_blank(scanned):
        sheet.notes.append(f"sheet '{worksheet.title}' is blank")
        return None
    positions = _find_header(scanned, sheet, file)
    headers = {c.name: str(scanned[sheet.header_row - 1][i]).strip() for c in annex.columns
               if (i := positions.get(c.name)) is not None}
    width = max(positions.values()) + 1  # cells right of the last column read are not needed
    rows = worksheet.iter_rows(min_row=sheet.header_row + 1, max_col=width)
    problems = _convert_rows(sheet, positions, rows, file)
    for (name, message), at in problems.items():
        header = headers.get(name, _column(annex, name).header)
        errors += [ReturnError(e.file, e.message, row=e.row, column=e.column, sheet=worksheet.title)
                   for e in located_errors(file, None, header, message, at, len(at))]
    return sheet


def _convert_rows(sheet: _Sheet, positions: dict[str, int], rows, file: str) -> dict[tuple[str, str], list[int]]:
    """Convert every data row into sheet.chunks; returns (column, problem) -> sheet rows."""
    columns = sheet.annex.columns
    converters = [(c.name, positions.get(c.name), _converter(c.kind), c.required) for c in columns]
    problems: dict[tuple[str, str], list[int]] = defaultdict(list)
    values: dict[str, list] = {c.name: [] for c in columns}
    for row_number, row in enumerate(rows, start=sheet.header_row + 1):
        if row_number > EXCEL_LAST_ROW:
            raise _reject(file, f"has rows past Excel's last row ({EXCEL_LAST_ROW:,}): the sheet is damaged",
                          sheet=sheet.title)
        if row.count(None) == len(row) or all(_blank(v) for v in row):  # the first test is quick
            continue
        sheet.rows += 1
        for name, index, convert, required in converters:
            raw = row[index] if index is not None and index < len(row) else None
            value, problem = (None, None) if _blank(raw) else convert(raw)
            if value is None and problem is None and required:
                problem = "is blank, and every row needs it"
            if problem:
                problems[(name, problem)].append(row_number)
            values[name].append(value)
        if len(values[columns[0].name]) == CHUNK_ROWS:
            _flush(sheet, values)
    _flush(sheet, values)
    return problems


def _flush(sheet: _Sheet, values: dict[str, list]) -> None:
    """Move converted values into Arrow (a few bytes a value, not a Python object each)."""
    types = STAGING_TABLES[sheet.annex.table]
    chunk = {name: pa.array(column, ARROW_TYPES[types[name]]) for name, column in values.items()}
    for column in sheet.annex.columns:
        if column.kind == "date":
            latest = pc.max(chunk[column.name]).as_py()
            if latest is not None and (sheet.latest_date is None or latest > sheet.latest_date):
                sheet.latest_date = latest
    sheet.chunks.append(chunk)
    for column in values.values():
        column.clear()


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
        if _blank(value):
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
    columns = {name: pa.concat_arrays([chunk[name] for chunk in sheet.chunks]) for name in sheet.chunks[0]}
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
                date, problem = _date(inside.group(1))
            else:
                after = next((v for v in row[i + 1:] if not _blank(v)), None)
                date, problem = (None, None) if after is None else _date(after)
            if date is not None and problem is None:
                yield date


# ------------------------------------------------------------------ converting cells
# Each converter: a non-blank cell value -> (value, None) or (None, what is wrong).

def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text in EXCEL_ERRORS
    return False


def _converter(kind: str):
    if kind.startswith("code:"):
        name = kind[5:]
        return lambda v: _code(name, _as_text(v))
    return CONVERTERS[kind]


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).strip()


def _id(value):
    if isinstance(value, (dt.date, dt.time, bool)):
        return None, "is a date or true/false, not an ID"
    if isinstance(value, float) and not value.is_integer():
        return None, "is a decimal number, not an ID"
    return _as_text(value), None


def _text(value):
    return _as_text(value), None


SERIAL_LAST = 73050  # 31/12/2099 as an Excel serial number
DATE_PROBLEM = (f"is not a date between {FIRST_YEAR} and {LAST_YEAR} (expected an Excel date, dd/mm/yyyy, "
                "yyyy-mm-dd or an Excel date number)")


def _date(value):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value, None) if FIRST_YEAR <= value.year <= LAST_YEAR else (None, DATE_PROBLEM)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, DATE_PROBLEM
    if isinstance(value, (int, float)):
        return _serial(value)
    return _date_text(value.strip())


def _serial(number: float):
    if not 1 <= number <= SERIAL_LAST:  # NaN fails this too
        return None, DATE_PROBLEM
    return from_excel(int(number)).date(), None


@lru_cache(maxsize=65536)
def _date_text(text: str):
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # a serial number as text; never "2025" (a year, not a date)
        return _serial(float(text))
    match = (re.fullmatch(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})", text)
             or re.fullmatch(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})([T ]00:00(:00(\.0+)?)?)?", text))
    if not match:
        return None, DATE_PROBLEM
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:  # 31/02/2025 is not a date, never 3 March
        return None, DATE_PROBLEM
    return (day, None) if FIRST_YEAR <= day.year <= LAST_YEAR else (None, DATE_PROBLEM)


WHOLE = re.compile(r"[+-]?\d{1,9}(\.0+)?")
LARGEST_INT = 2**31 - 1


def _int(value):
    if isinstance(value, bool):
        return None, "is true/false, not a whole number"
    number = None
    if isinstance(value, (int, float)) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE.fullmatch(text := value.strip().replace(",", "").replace(" ", "")):
        number = int(float(text))
    if number is None or abs(number) > LARGEST_INT:
        return None, "is not a whole number"
    return number, None


AGE_YEARS = re.compile(r"(\d+(?:\.\d+)?)(y|yr|yrs|year|years)?")
AGE_MONTHS = re.compile(r"(\d+)(m|mth|mths|mon|month|months)")
AGE_DAYS_WEEKS = re.compile(r"(\d+)(d|day|days|w|wk|wks|week|weeks)")
AGE_PROBLEM = "is not an age (expected whole or decimal years, '<1', '18m', '6 months' or '8.5yrs')"


def _age(value):
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        return None, AGE_PROBLEM
    if isinstance(value, (int, float)):
        return (int(value), None) if 0 <= value < 130 else (None, AGE_PROBLEM)
    return _age_text(str(value))


@lru_cache(maxsize=4096)
def _age_text(text: str):
    compact = re.sub(r"\s+", "", text.lower())
    if compact in ("<1", "<1y", "<1yr", "<1year", "under1", "0-1"):
        return 0, None
    if match := AGE_MONTHS.fullmatch(compact):
        return int(match[1]) // 12, None
    if AGE_DAYS_WEEKS.fullmatch(compact):
        return 0, None
    if match := AGE_YEARS.fullmatch(compact):
        years = float(match[1])
        return (int(years), None) if years < 130 else (None, AGE_PROBLEM)
    return None, AGE_PROBLEM


def _yes_no(value):
    if isinstance(value, bool):
        return value, None
    return _yes_no_text(_as_text(value))


@lru_cache(maxsize=1024)
def _yes_no_text(text: str):
    for candidate in _candidates(text):
        key = _value_key(candidate)
        if key in _YES_NO_TABLE:
            return _YES_NO_TABLE[key], None
    return None, "is not Yes or No (expected a) Yes, b) No, Y, N, 1 or 0; Unknown is left blank)"


@lru_cache(maxsize=65536)
def _code(name: str, text: str):
    """One of code list `name` (annex_a_lists.CODE_LISTS), by code or by name."""
    if name == "ethnicity":
        token = ETHNIC_CODE.search(text.upper())
        if token:
            return token.group(1), None
    table = _code_table(name)
    for candidate in _candidates(text):
        key = _value_key(candidate)
        if key in table:
            return table[key], None
        if name == "ethnicity":
            for group in ETHNIC_GROUP_WORDS:
                if key.startswith(group) and key[len(group):] in table:
                    return table[key[len(group):]], None
    known = ", ".join(str(c) if not isinstance(c, bool) else names[0] for c, names in CODE_LISTS[name].items())
    return None, f"is not a {name.replace('_', ' ')} code Headway knows (one of {known}, or their names)"


ETHNIC_CODE = re.compile(r"(?<![A-Z])(" + "|".join(ETHNICITY_NAMES) + r")(?![A-Z])")


def _label(value):
    """A coded value kept as its code ("a) E1: Placement order" -> "E1"), else its words."""
    text = _strip_prefix(_as_text(value))
    split = CODE_AND_WORDS.fullmatch(text)
    if split and (any(ch.isdigit() for ch in split[1]) or split[1].isupper()):
        return split[1], None
    return text, None


CONVERTERS = {"id": _id, "text": _text, "label": _label, "date": _date, "int": _int, "age": _age,
              "yesno": _yes_no}

LIST_PREFIX = re.compile(r"^\s*(\(?[a-z]\d?\)|\([A-Za-z0-9.]+\))\s*", re.IGNORECASE)  # "a) ", "p1) ", "(A.A1)"
CODE_AND_WORDS = re.compile(r"([A-Za-z0-9]{1,6})\s*(?:[:\u2013]|-|\s-\s)\s*(.+)")   # "E1: ...", "1 - Male"


def _strip_prefix(text: str) -> str:
    return LIST_PREFIX.sub("", text, count=1).strip()


def _candidates(text: str) -> list[str]:
    """A value, then without its list letter, then its code and its words apart."""
    stripped = _strip_prefix(text)
    out = [text, stripped]
    split = CODE_AND_WORDS.fullmatch(stripped)
    if split:
        out += [split[1], split[2]]
    return out


def _value_key(text: str) -> str:
    return re.sub(r"[^a-z0-9&<]+", "", text.lower())


@lru_cache(maxsize=None)
def _code_table(name: str) -> dict[str, object]:
    table = {}
    for code, names in CODE_LISTS[name].items():
        for spelling in (str(code), *names):
            table.setdefault(_value_key(spelling), code)
    return table


_YES_NO_TABLE = {_value_key(s): answer for answer, spellings in YES_NO.items() for s in spellings}
_YES_NO_TABLE |= {_value_key(s): None for s in YES_NO_UNKNOWN}
