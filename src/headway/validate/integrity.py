"""Headway's own checks across a year's returns: what the DfE's rules leave to
each table, but Headway's figures depend on. RULES lists them.

Why fatal: a duplicated child has two dates of birth and is counted twice; an
episode with no Header row has no age or sex; overlapping or duplicated episodes
count days in care twice. Why warnings: the 903 and the CIN are kept by different
teams, and which date is right is for a person to settle.

Everything is vectorised (pyarrow and numpy) so a 903 of millions of rows costs
about as much as reading it. Children are matched on their ID exactly as written
(spaces at the ends removed): 0123 is not 123.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.returns.convert import to_dates
from headway.returns.shapes import year_label
from headway.validate.findings import FATAL, WARNING, Finding
from headway.validate.inputs import CinFile, Inputs, Table903

UK_OR_ISO = ("DD/MM/YYYY", "YYYY-MM-DD")  # as the 903 reader accepts them
ISO = ("YYYY-MM-DD",)
OPEN = np.iinfo(np.int64).max  # an episode with no end date runs on for ever

RULES: dict[str, tuple[str, str]] = {
    "HW01": (FATAL, "a child is on more than one row of the 903 Header"),
    "HW02": (FATAL, "a child has episodes in the 903 Episodes but no row in the Header"),
    "HW03": (FATAL, "two of a child's 903 episodes overlap (one starts before the other ends)"),
    "HW04": (FATAL, "two of a child's 903 episodes start on the same day (a duplicate)"),
    "HW05": (WARNING, "a child's date of birth differs between the 903 Header and another 903 table "
                      "of the same year (Reviews, UASC, OC2, ...)"),
    "HW06": (WARNING, "a child's date of birth differs between the 903 Header and the CIN Census of "
                      "the same year"),
    "HW07": (FATAL, "a child is in a CIN Census file more than once"),
    "HW08": (FATAL, "two files hold the same 903 table for the same year"),
    "HW09": (FATAL, "a 903 date of care (DECOM, DEC, REVIEW) is after today, or after the end of the "
                    "file's collection year"),
    "HW10": (FATAL, "a 903 episode ends (DEC) before it starts (DECOM)"),
    "HW11": (FATAL, "a 903 episode starts (DECOM) before the child's date of birth in the Header"),
    "HW12": (WARNING, "a child's sex differs between the 903 Header and the UASC table of the same year"),
}
# The column each rule looks at, named in `headway load`'s errors (HW09 names its own).
RULE_COLUMN = {"HW01": "CHILD", "HW02": "CHILD", "HW03": "DECOM", "HW04": "DECOM", "HW05": "DOB",
               "HW06": "PersonBirthDate", "HW07": "LAchildID", "HW10": "DEC",
               "HW11": "DECOM", "HW12": "SEX"}
# The dates of events that have happened: none can be in the future.
EVENT_DATES = {"Episodes": ("DECOM", "DEC"), "Reviews": ("REVIEW",)}


def check(inputs: Inputs) -> list[Finding]:
    findings: list[Finding] = []
    for year, tables in inputs.by_year().items():
        findings += two_files_for_one_table(year, tables)
        header, episodes = _first(tables, "Header"), _first(tables, "Episodes")
        if header is not None:
            findings += duplicate_children(header)
            findings += [f for name, found in tables.items() if name != "Header"
                         for f in dob_differs_in_903(header, found[0])]
        for name in EVENT_DATES:
            if name in tables:
                findings += dates_in_the_future(tables[name][0], name, year)
        if episodes is not None:
            findings += ends_before_it_starts(episodes)
            findings += overlapping_episodes(episodes)
            if header is not None:
                findings += episodes_without_header(episodes, header)
                findings += care_before_birth(episodes, header)
        if header is not None and "UASC" in tables:
            findings += sex_differs_uasc(header, tables["UASC"][0])
    for cin in inputs.cin:
        findings += duplicate_cin_children(cin)
        header = inputs.table(cin.year, "Header")
        if header is not None:
            findings += dob_differs_903_cin(header, cin)
    return findings


def _found(rule: str, file: str, message: str, **where) -> Finding:
    where.setdefault("column", RULE_COLUMN.get(rule))
    return Finding(file, rule, message, RULES[rule][0], **where)


def _first(tables: dict[str, list[Table903]], name: str) -> Table903 | None:
    return tables[name][0] if name in tables else None


# ---------------------------------------------------------------- one table

def two_files_for_one_table(year: int | None, tables: dict[str, list[Table903]]) -> list[Finding]:
    which = f"the {year_label(year)} collection year" if year else "files with no collection year"
    return [_found("HW08", extra.file, f"is a second 903 {name} table for {which} (the first is "
                    f"{found[0].file}); only the first was checked: give one file per table and year",
                    table=name)
            for name, found in tables.items() for extra in found[1:]]


def duplicate_children(header: Table903) -> list[Finding]:
    ids = header.column("CHILD")
    if ids is None:
        return []
    positions, firsts = _repeats(ids)
    rows, first_rows = header.rows(positions), header.rows(firsts)
    children = _texts(ids, positions)
    return [_found("HW01", header.file, f"this child is already on row {first} of the Header: each child "
                    "must have one Header row", table="Header", row=int(row), child=child)
            for row, first, child in zip(rows, first_rows, children)]


def duplicate_cin_children(cin: CinFile) -> list[Finding]:
    positions, firsts = _repeats(cin.children)
    children = _texts(cin.children, positions)
    return [_found("HW07", cin.file, f"this child is already in the file (the <Child> at line "
                    f"{cin.lines[first]}): each child must have one <Child> element",
                    table="Child", line=int(cin.lines[p]), child=child)
            for p, first, child in zip(positions, firsts, children)]


def overlapping_episodes(episodes: Table903) -> list[Finding]:
    ids, decom_text, dec_text = (episodes.column(c) for c in ("CHILD", "DECOM", "DEC"))
    if ids is None or decom_text is None:
        return []
    child = _codes(ids)
    decom, decom_ok = _days(decom_text, UK_OR_ISO)
    dec, dec_ok = _days(dec_text, UK_OR_ISO) if dec_text is not None else (decom, np.zeros(len(decom), bool))
    dec = np.where(dec_ok, dec, OPEN)
    usable = np.flatnonzero((child >= 0) & decom_ok)  # bad dates are the reader's to report
    order = usable[np.lexsort((usable, decom[usable], child[usable]))]
    before, after = order[:-1], order[1:]
    same_child = child[before] == child[after]
    same_start = same_child & (decom[before] == decom[after])
    overlap = same_child & ~same_start & (dec[before] > decom[after])
    findings = []
    for rule, mask, words in (
            ("HW04", same_start, "starts on the same day as the episode on row {}: is it a duplicate?"),
            ("HW03", overlap, "starts before the episode on row {} ends: a child's episodes must not overlap")):
        rows, earlier = episodes.rows(after[mask]), episodes.rows(before[mask])
        findings += [_found(rule, episodes.file, "this episode " + words.format(first),
                             table="Episodes", row=int(row), child=c)
                     for row, first, c in zip(rows, earlier, _texts(ids, after[mask]))]
    return findings


def dates_in_the_future(table: Table903, name: str, year: int | None,
                        today: dt.date | None = None) -> list[Finding]:
    """Event dates after today, or after the 31 March that ends the collection year."""
    today = today or dt.date.today()
    latest = min(today, dt.date(year, 3, 31)) if year else today
    findings = []
    for column in EVENT_DATES[name]:
        text = table.column(column)
        if text is None:
            continue
        days, ok = _days(text, UK_OR_ISO)
        late = np.flatnonzero(ok & (days > (latest - dt.date(1970, 1, 1)).days))
        why = "after today" if latest == today else f"after 31 March {year}, the end of the file's collection year"
        findings += [_found("HW09", table.file, f"{column} is {why}: a date of care cannot be in the future",
                            table=name, row=int(row), child=c, column=column)
                     for row, c in zip(table.rows(late), _texts(_ids_or(table, text), late))]
    return findings


def ends_before_it_starts(episodes: Table903) -> list[Finding]:
    decom_text, dec_text = episodes.column("DECOM"), episodes.column("DEC")
    if decom_text is None or dec_text is None:
        return []
    decom, decom_ok = _days(decom_text, UK_OR_ISO)
    dec, dec_ok = _days(dec_text, UK_OR_ISO)
    backwards = np.flatnonzero(decom_ok & dec_ok & (dec < decom))
    return [_found("HW10", episodes.file, "DEC is before DECOM: an episode cannot end before it starts",
                   table="Episodes", row=int(row), child=c)
            for row, c in zip(episodes.rows(backwards), _texts(_ids_or(episodes, decom_text), backwards))]


def _ids_or(table: Table903, fallback):
    """The CHILD column, or (a file without one) any column of the same length."""
    ids = table.column("CHILD")
    return ids if ids is not None else fallback


# ---------------------------------------------------------------- across tables

def episodes_without_header(episodes: Table903, header: Table903) -> list[Finding]:
    ids, known = episodes.column("CHILD"), header.column("CHILD")
    if ids is None or known is None:
        return []
    missing = pc.and_(pc.is_valid(ids), pc.is_null(_index_in(ids, known)))
    positions = np.flatnonzero(_numpy(pc.fill_null(missing, False)))
    if not len(positions):
        return []
    codes = _codes(ids)[positions]
    _, first, count = np.unique(codes, return_index=True, return_counts=True)
    firsts = positions[first]
    return [_found("HW02", episodes.file, f"this child has {n} episode(s) in this file but no row in the "
                    f"Header ({header.file}): add the child to the Header", table="Episodes",
                    row=int(row), child=c)
            for row, n, c in zip(episodes.rows(firsts), count, _texts(ids, firsts))]


def dob_differs_in_903(header: Table903, other: Table903) -> list[Finding]:
    ids, dob = other.column("CHILD"), other.column("DOB")
    if ids is None or dob is None:
        return []
    positions, header_rows = _dob_mismatches(header, ids, dob, UK_OR_ISO)
    return [_found("HW05", other.file, f"the date of birth differs from the child's row {first} in the "
                    f"Header ({header.file})", table=other.table, row=int(row), child=c)
            for row, first, c in zip(other.rows(positions), header_rows, _texts(ids, positions))]


def care_before_birth(episodes: Table903, header: Table903) -> list[Finding]:
    ids, decom_text, header_ids, dob_text = (episodes.column("CHILD"), episodes.column("DECOM"),
                                             header.column("CHILD"), header.column("DOB"))
    if ids is None or decom_text is None or header_ids is None or dob_text is None:
        return []
    decom, decom_ok = _days(decom_text, UK_OR_ISO)
    dob, dob_ok = _header_dobs(header)
    at = _numpy(pc.fill_null(_index_in(ids, header_ids), -1)).astype(np.int64)  # the first Header row
    header_pos = np.maximum(at, 0)
    early = np.flatnonzero((at >= 0) & decom_ok & dob_ok[header_pos] & (decom < dob[header_pos]))
    return [_found("HW11", episodes.file, f"DECOM is before the child's date of birth (row {first} of the "
                    f"Header, {header.file})", table="Episodes", row=int(row), child=c)
            for row, first, c in zip(episodes.rows(early), header.rows(header_pos[early]), _texts(ids, early))]


def sex_differs_uasc(header: Table903, uasc: Table903) -> list[Finding]:
    ids, sex, header_ids, header_sex = (uasc.column("CHILD"), uasc.column("SEX"), header.column("CHILD"),
                                        header.column("SEX"))
    if ids is None or sex is None or header_ids is None or header_sex is None:
        return []
    at = _numpy(pc.fill_null(_index_in(ids, header_ids), -1)).astype(np.int64)
    header_pos = np.maximum(at, 0)
    theirs = pc.take(_sex_code(header_sex), pa.array(header_pos))
    differs = _numpy(pc.fill_null(pc.not_equal(_sex_code(sex), theirs), False)) & (at >= 0)
    positions = np.flatnonzero(differs)
    return [_found("HW12", uasc.file, f"SEX differs from the child's row {first} in the Header ({header.file})",
                   table="UASC", row=int(row), child=c)
            for row, first, c in zip(uasc.rows(positions), header.rows(header_pos[positions]),
                                     _texts(ids, positions))]


def _sex_code(text) -> pa.Array:
    """SEX as one code: the 903 wrote 1/2 to 2023/24 and M/F/U since."""
    upper = pc.utf8_upper(_values(text))
    return pc.replace_substring_regex(pc.replace_substring_regex(upper, "^1$", "M"), "^2$", "F")


def dob_differs_903_cin(header: Table903, cin: CinFile) -> list[Finding]:
    positions, header_rows = _dob_mismatches(header, cin.children, cin.dobs, ISO)
    return [_found("HW06", cin.file, f"PersonBirthDate differs from the child's date of birth in the "
                    f"903 Header ({header.file}, row {first})", table="Child",
                    line=int(cin.lines[p]), child=c)
            for p, first, c in zip(positions, header_rows, _texts(cin.children, positions))]


def _dob_mismatches(header: Table903, ids, dob_text, formats) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in `ids`) whose date of birth differs from the child's first Header
    row, and those Header rows. Children not in the Header, or with a date that is
    blank or not a date on either side, are not compared."""
    header_ids, header_dob_text = header.column("CHILD"), header.column("DOB")
    if header_ids is None or header_dob_text is None:
        return np.array([], np.int64), np.array([], np.int64)
    header_dob, header_ok = _header_dobs(header)
    dob, ok = _days(dob_text, formats)
    at = _numpy(pc.fill_null(_index_in(ids, header_ids), -1)).astype(np.int64)  # the first Header row
    found = at >= 0
    header_pos = np.maximum(at, 0)
    differs = found & ok & header_ok[header_pos] & (dob != header_dob[header_pos])
    positions = np.flatnonzero(differs)
    return positions, header.rows(header_pos[positions])


# ---------------------------------------------------------------- vectorised helpers

def _numpy(array) -> np.ndarray:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.to_numpy(zero_copy_only=False)


def _values(ids) -> pa.Array:
    return ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids


def _index_in(ids, value_set) -> pa.Array:
    """Where each ID first occurs in `value_set`; NULL if nowhere (or blank)."""
    return pc.index_in(_values(ids), value_set=_values(value_set), skip_nulls=True)


def _codes(ids) -> np.ndarray:
    """A number per distinct ID (in order of first appearance); -1 for blank."""
    encoded = pc.dictionary_encode(_values(ids))
    return _numpy(pc.fill_null(encoded.indices, -1)).astype(np.int64)


def _repeats(ids) -> tuple[np.ndarray, np.ndarray]:
    """Positions of every repeat of an ID, and the position of its first occurrence."""
    codes = _codes(ids)
    positions = np.flatnonzero(codes >= 0)
    distinct, first = np.unique(codes[positions], return_index=True)
    first_of = np.zeros(codes.max(initial=-1) + 1, np.int64)
    first_of[distinct] = positions[first]
    repeats = positions[first_of[codes[positions]] != positions]
    return repeats, first_of[codes[repeats]]


def _days(text, formats) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers and a mask of the values that are real dates (text in one of
    `formats`, or dates a reader has already read)."""
    values = _values(text)
    dates = values if pa.types.is_date32(values.type) else to_dates(values, formats)[0]
    days = pc.cast(dates, pa.int32())
    return _numpy(pc.fill_null(days, 0)).astype(np.int64), _numpy(pc.is_valid(days))


def _header_dobs(header: Table903) -> tuple[np.ndarray, np.ndarray]:
    """_days of the Header's DOB, worked out once (every other table is compared with it)."""
    if "DOB days" not in header.found:
        header.found["DOB days"] = _days(header.column("DOB"), UK_OR_ISO)
    return header.found["DOB days"]


def _texts(ids, positions) -> list[str | None]:
    return pc.take(_values(ids), pa.array(np.asarray(positions, np.int64))).to_pylist()
