"""The files to validate: found, recognised and read once for every check.

A CSV file is an SSDA903 table when its columns include CHILD and at least one
column only that table has (the DfE's column lists, as csc-validator-be-903 0.1.17
knows them, below): DECOM makes Episodes, REVIEW makes Reviews, DUC makes UASC.
An XML file whose root is <Message> with Collection CIN is a CIN Census. Anything
else is listed as not checked.

Each 903 file is kept as text (`csvtext.TextTable`, which knows every row's
spreadsheet row number); each CIN file as the list of its children: the ID, the
date of birth as written, and the line its <Child> element starts on. That is
all the integrity checks and the DfE rules need to say where a problem is.

The collection year, first that applies: --year; for the 903 the folder the file
is in when named as a year (ssda903/2026/), for the CIN the file's own
Header/CollectionDetails/Year. With `read_formats`, each file also goes through
its Headway reader, whose problems (a bad date, a blank ID) are fatal findings:
`headway load` would refuse the file for them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
from lxml import etree

from headway.errors import FileRejected, ReturnError
from headway.returns.convert import blank_rows, clean
from headway.returns.csvtext import TextTable, read_csv_text
from headway.returns.shapes import FOUR_DIGIT_YEAR, year_from_folder
from headway.validate.findings import FATAL, HEADWAY, Finding

XML_SAFE = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

# The DfE's 903 tables and their columns (csc-validator-be-903 0.1.17, config.py).
DFE_903_COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
SHARED_COLUMNS = {"CHILD", "DOB", "SEX"}


@dataclass
class Table903:
    path: Path
    file: str
    table: str              # the DfE's name: Header, Episodes, ...
    text: TextTable
    year: int | None
    found: dict = field(default_factory=dict, repr=False, compare=False)  # what has been worked out, kept

    def column(self, name: str) -> pa.ChunkedArray | None:
        """Cleaned text (blank is NULL), or None if the file has no such column
        (cleaned once: the Header's columns are compared with every other table's)."""
        if name not in self.found:
            self.found[name] = clean(self.text.columns[name]) if name in self.text.columns else None
        return self.found[name]

    def rows(self, positions) -> np.ndarray:
        return self.text.row_numbers(np.asarray(positions, dtype=np.int64))

    def kept_positions(self) -> np.ndarray:
        """Rows that are not wholly blank (the reader leaves blank rows out too)."""
        texts = {name: clean(column) for name, column in self.text.columns.items()}
        return np.flatnonzero(~blank_rows(texts).to_numpy(zero_copy_only=False))


@dataclass
class CinFile:
    path: Path
    file: str
    year: int | None
    children: pa.Array      # LAchildID per <Child>, cleaned
    dobs: pa.Array          # PersonBirthDate: as written, cleaned; or as the CIN reader read it (dates)
    known_lines: np.ndarray | None = None  # line each <Child> starts on, if known (else found when asked)

    @cached_property
    def lines(self) -> np.ndarray:
        """The line each <Child> starts on. A file the CIN reader has read is not
        parsed again for this unless a finding needs it (a finding names the line)."""
        if self.known_lines is not None:
            return self.known_lines
        found = scan_cin(self.path, self.file, self.year)
        return found.known_lines if found is not None else np.zeros(len(self.children), np.int64)

    @cached_property
    def line_of(self) -> dict[str, int]:
        """The first <Child> line of each child ID."""
        lines = {}
        for child, line in zip(self.children.to_pylist(), self.lines.tolist()):
            if child is not None:
                lines.setdefault(child, line)
        return lines


@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)      # every file looked at
    tables: list[Table903] = field(default_factory=list)
    cin: list[CinFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    def by_year(self) -> dict[int | None, dict[str, list[Table903]]]:
        years: dict[int | None, dict[str, list[Table903]]] = defaultdict(lambda: defaultdict(list))
        for t in self.tables:
            years[t.year][t.table].append(t)
        return {year: dict(tables) for year, tables in sorted(years.items(), key=lambda kv: kv[0] or 0)}

    def table(self, year: int | None, name: str) -> Table903 | None:
        found = self.by_year().get(year, {}).get(name)
        return found[0] if found else None


def collect(paths, year: int | None = None, read_formats: bool = False,
            years: dict[Path, int | None] | None = None) -> Inputs:
    """`paths`: files and folders, or (file, name to show) pairs as `headway load`
    lists them; `years`: the collection year of each file where a reader has
    already found it (overriding --year and folder names)."""
    inputs = Inputs()
    for path, file in expand(paths):
        inputs.files.append(file)
        known_year = (years or {}).get(path, year)
        try:
            _collect_one(path, file, known_year, read_formats, inputs)
        except FileRejected as exc:
            inputs.findings += [from_return_error(e) for e in exc.errors]
    return inputs


def from_returns(returns, names: dict[Path, str]) -> Inputs:
    """The files `headway load` has read (returns.ReturnFile), for the integrity
    checks, without reading them again: a 903 table is the text its reader kept
    (ReturnFile.text, with the row numbers), a CIN Census the children its reader
    staged and the line each <Child> starts on (ReturnFile.record_lines). Which
    files are 903 tables or CIN Census files, and their years, are decided as
    `collect` decides them."""
    inputs = Inputs()
    for r in returns:
        file = names[r.path]
        inputs.files.append(file)
        table = dfe_903_table(r.text.columns) if r.text is not None else None
        if table is not None:
            inputs.tables.append(Table903(r.path, file, table, r.text, r.collection_year or year_from_folder(r.path)))
        elif "cin_child" in r.tables and _collection_is_cin(r.path):
            children = r.tables["cin_child"]
            lines = r.record_lines if r.record_lines is not None and len(r.record_lines) == len(children) else None
            inputs.cin.append(CinFile(r.path, file, r.collection_year or year_from_folder(r.path),
                                      children.column("child_id").combine_chunks(),
                                      children.column("dob").combine_chunks(), known_lines=lines))
        else:
            inputs.not_checked.append(file)
    return inputs


COLLECTION = re.compile(rb"<(?:[\w.-]+:)?Collection\s*>\s*([^<]*?)\s*</")


def _collection_is_cin(path: Path) -> bool:
    """A <Message> file whose Header names another collection is not a CIN Census
    (as scan_cin decides); the Header is at the start of the file."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    named = COLLECTION.search(head)
    return named is None or not named.group(1) or named.group(1).upper() == b"CIN"


def expand(paths) -> list[tuple[Path, str]]:
    """(file, name) for each file given, and for each file in a folder given (searched
    recursively, hidden files skipped), named from the folder: as `headway load` does."""
    files = []
    for item in paths:
        path, name = (Path(item[0]), item[1]) if isinstance(item, tuple) else (Path(item), None)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
            files += [(p, str(p.relative_to(path.parent))) for p in inside]
        else:
            files.append((path, name or str(path)))
    return list(dict.fromkeys(files))


def from_return_error(error: ReturnError) -> Finding:
    """A reader's error: `headway load` refuses the file for it, so it is fatal."""
    return Finding(error.file, error.rule, error.message if not error.column else f"column {error.column}: "
                   f"{error.message}", FATAL, HEADWAY, table=error.table, row=error.row)


def _collect_one(path: Path, file: str, year: int | None, read_formats: bool, inputs: Inputs) -> None:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<"):
        cin = _read_cin(path, file, year, read_formats)
        (inputs.cin.append(cin) if cin else inputs.not_checked.append(file))
        return
    if head.startswith(b"PK\x03\x04"):  # a workbook (Annex A, workforce): not a 903 or CIN file
        inputs.not_checked.append(file)
        return
    text = read_csv_text(path, file)
    table = dfe_903_table(text.columns)
    if table is None:
        inputs.not_checked.append(file)
        return
    found_year = year or year_from_folder(path)
    if read_formats:
        found_year = _read_903(text, path, year) or found_year
    inputs.tables.append(Table903(path, file, table, text, found_year))


def dfe_903_table(columns) -> str | None:
    """The 903 table whose own columns the file has most of (CHILD is required)."""
    columns = set(columns)
    if "CHILD" not in columns:
        return None
    best = max(DFE_903_COLUMNS, key=lambda t: len((set(DFE_903_COLUMNS[t]) - SHARED_COLUMNS) & columns))
    return best if (set(DFE_903_COLUMNS[best]) - SHARED_COLUMNS) & columns else None


def _read_903(text: TextTable, path: Path, year: int | None) -> int | None:
    """The reader's problems raise FileRejected; its year (which may come from the
    file's dates) is returned. Tables Headway does not read yet are not read."""
    from headway.returns import ssda903

    shapes = [s for s in ssda903.SHAPES if s.matches(text.columns)]
    if not shapes:
        return None
    shape = max(shapes, key=lambda s: len(s.identifying))
    return ssda903.read(text, shape, path, year).collection_year


def _read_cin(path: Path, file: str, year: int | None, read_formats: bool) -> CinFile | None:
    if read_formats:
        from headway.returns import cin
        year = cin.read(path, file, year).collection_year
    return scan_cin(path, file, year)


def scan_cin(path: Path, file: str, year: int | None) -> CinFile | None:
    """Each child's ID, date of birth and line, streamed (memory stays flat); None
    if the file is not a CIN Census. Entities are never expanded, no DTD is loaded."""
    ids, dobs, lines = [], [], []
    header_year, collection = None, None
    events = etree.iterparse(str(path), events=("start", "end"), **XML_SAFE)
    try:
        for event, element in events:
            name = etree.QName(element).localname
            if event == "start":
                if element.getparent() is None and name != "Message":
                    return None
                continue
            if name == "Collection":
                collection = (element.text or "").strip()
            elif name == "Year" and header_year is None:
                header_year = (element.text or "").strip()
            elif name == "Child":
                ids.append(_leaf(element, "LAchildID"))
                dobs.append(_leaf(element, "PersonBirthDate"))
                lines.append(element.sourceline)
                _forget(element)
    except etree.XMLSyntaxError as exc:
        raise FileRejected([ReturnError(file, "is not well-formed XML; was it cut short or edited by hand?",
                                        table="cin", row=exc.lineno)]) from None
    if collection and collection.upper() != "CIN":
        return None
    return CinFile(path, file, year or _year(header_year) or year_from_folder(path),
                   clean(pa.array(ids, pa.string())), clean(pa.array(dobs, pa.string())),
                   known_lines=np.asarray(lines, dtype=np.int64))


def _leaf(child, name: str) -> str | None:
    found = next(child.iter(f"{{*}}{name}"), None)
    return found.text if found is not None else None


def _forget(element) -> None:
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _year(text: str | None) -> int | None:
    return int(text) if text and FOUR_DIGIT_YEAR.fullmatch(text) else None
