"""Annex A cells to staged values: the rule for one cell of each column kind, and
the same rules applied to a whole column of a chunk of rows at once.

One cell (`converter(kind)`): a non-blank value as calamine gives it (str, float,
int, bool, date, datetime) -> (value, None), or (None, what is wrong). `blank()`
says which values are no value at all (empty, spaces, an Excel error like #N/A).

A whole column (`convert_column`): the cells are put into Arrow arrays by Python
type (one array when the column holds one type, as most do). IDs and free text,
where nearly every value differs, are trimmed and written as text by Arrow
compute. Every other kind (dates, codes, ages, counts, yes/no) has few distinct
values in a column, so each distinct value goes through the one-cell rule once and
the answers are put back with a lookup (`take`). Either way every cell gets the
value and the problem the one-cell rule gives it, and every cell is looked at: a
bad date on row 2,000,000 is found like one on row 2. Values of a type Arrow has
no array for (a time, a duration) go through the one-cell rule one by one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils.datetime import from_excel

from headway.returns.annex_a_lists import (CODE_LISTS, ETHNIC_GROUP_WORDS, ETHNICITY_NAMES, EXCEL_ERRORS, YES_NO,
                                           YES_NO_UNKNOWN)

FIRST_YEAR, LAST_YEAR = 1900, 2099
REQUIRED_PROBLEM = "is blank, and every row needs it"


# ------------------------------------------------------------------ one cell
# Each converter: a non-blank cell value -> (value, None) or (None, what is wrong).

def blank(value) -> bool:
    """Empty, only spaces, or an Excel error (#N/A ...): read as no value."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text in EXCEL_ERRORS
    return False


def converter(kind: str):
    """The rule for a column kind (annex_a_lists): a non-blank cell -> (value, None) or (None, what is wrong)."""
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


def date_value(value):
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


CONVERTERS = {"id": _id, "text": _text, "label": _label, "date": date_value, "int": _int, "age": _age,
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


# ------------------------------------------------------------------ a whole column

EXACT_WHOLE = 2.0 ** 53  # whole numbers below this are exact as floats, so Arrow writes them as Python does


@dataclass
class ConvertedColumn:
    values: pa.Array                 # the staged type; NULL where the cell is blank or bad
    blank: np.ndarray                # True where the cell is no value (blank())
    problems: dict[str, np.ndarray]  # what is wrong -> positions of the cells it is wrong in


class _Problems:
    """What is wrong, as a small number per cell (-1: nothing)."""

    def __init__(self):
        self.messages: list[str] = []

    def code(self, message: str | None) -> int:
        if message is None:
            return -1
        if message not in self.messages:
            self.messages.append(message)
        return self.messages.index(message)


@dataclass
class _Part:
    """Some cells of a column, converted: positions in the column (None: all of them)."""
    at: np.ndarray | None
    values: pa.Array
    blank: np.ndarray
    problem: np.ndarray


def convert_column(cells: Sequence, kind: str, arrow_type: pa.DataType, required: bool = False) -> ConvertedColumn:
    """Every cell of one column converted by `kind`'s rule (see the module docstring)."""
    problems = _Problems()
    parts = [_convert_part(values, at, cells, kind, arrow_type, problems) for at, values in _by_type(cells)]
    values, blank, problem = _combine(parts, len(cells))
    if required:
        problem = np.where(values.is_null().to_numpy(zero_copy_only=False) & (problem < 0),
                           problems.code(REQUIRED_PROBLEM), problem)
    found = {message: np.flatnonzero(problem == code) for code, message in enumerate(problems.messages)}
    return ConvertedColumn(values, blank, {message: at for message, at in found.items() if len(at)})


_TYPE_ORDER = (str, float, int, bool, dt.date, dt.datetime, type(None))
_TYPE_CODE = defaultdict(lambda: len(_TYPE_ORDER), {t: code for code, t in enumerate(_TYPE_ORDER)})


def _by_type(cells: Sequence) -> list[tuple[np.ndarray | None, pa.Array | list]]:
    """(positions, cells as one Arrow array) for each Python type in the column, or
    (positions, a list) for cells Arrow cannot hold; positions None: the whole column."""
    whole = _arrow(cells)
    if whole is not None:
        return [(None, whole)]
    types = np.fromiter(map(_TYPE_CODE.__getitem__, map(type, cells)), np.int8, len(cells))
    objects = np.fromiter(cells, object, len(cells))
    groups = []
    for code in np.unique(types):
        at = np.flatnonzero(types == code)
        chosen = objects[at]
        array = _arrow(chosen) if code < len(_TYPE_ORDER) else None
        groups.append((at, array if array is not None else chosen.tolist()))
    return groups


def _arrow(cells) -> pa.Array | None:
    """The cells as one Arrow array, if Arrow takes them exactly (one type; whole
    numbers a float holds exactly)."""
    try:
        return pa.array(cells)
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        return None


def _convert_part(values, at, cells, kind: str, arrow_type: pa.DataType, problems: _Problems) -> _Part:
    if isinstance(values, list):
        return _each_cell(values, at, kind, arrow_type, problems)
    if pa.types.is_null(values.type):
        n = len(values)
        return _Part(at, pa.nulls(n, arrow_type), np.ones(n, bool), np.full(n, -1, np.int16))
    if kind == "date" and pa.types.is_date32(values.type):
        return _excel_dates(values, at, problems)
    if kind in ("id", "text") and (pa.types.is_string(values.type) or pa.types.is_integer(values.type)
                                   or pa.types.is_floating(values.type)):
        return _as_text_column(values, at, cells, kind, arrow_type, problems)
    return _each_distinct(values, at, kind, arrow_type, problems)


def _each_cell(values: list, at, kind: str, arrow_type: pa.DataType, problems: _Problems) -> _Part:
    rule = converter(kind)
    results = [(None, None) if blank(v) else rule(v) for v in values]
    return _Part(at, pa.array([r[0] for r in results], arrow_type), np.array([blank(v) for v in values], bool),
                 np.array([problems.code(r[1]) for r in results], np.int16))


def _each_distinct(values: pa.Array, at, kind: str, arrow_type: pa.DataType, problems: _Problems) -> _Part:
    """Each distinct value through the one-cell rule once; the answers looked up for every cell."""
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    rule = converter(kind)
    results = [(None, None) if blank(v) else rule(v) for v in distinct]
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    converted = pa.array([r[0] for r in results], arrow_type).take(pa.array(indices, mask=indices < 0))
    blanks = np.array([blank(v) for v in distinct] + [True], bool)  # index -1 (a NULL): blank
    codes = np.array([problems.code(r[1]) for r in results] + [-1], np.int16)
    return _Part(at, converted, blanks[indices], codes[indices])


def _excel_dates(values: pa.Array, at, problems: _Problems) -> _Part:
    """Cells Excel holds as dates (the usual date column): kept if between FIRST_YEAR and LAST_YEAR."""
    year = pc.year(values)
    good = pc.fill_null(pc.and_(pc.greater_equal(year, FIRST_YEAR), pc.less_equal(year, LAST_YEAR)), False)
    missing = values.is_null().to_numpy(zero_copy_only=False)
    bad = ~good.to_numpy(zero_copy_only=False) & ~missing
    problem = np.where(bad, problems.code(DATE_PROBLEM) if bad.any() else -1, -1).astype(np.int16)
    return _Part(at, pc.if_else(good, values, pa.scalar(None, pa.date32())), missing, problem)


def _as_text_column(values: pa.Array, at, cells, kind: str, arrow_type: pa.DataType, problems: _Problems) -> _Part:
    """IDs and free text: text trimmed; whole numbers written without '.0' (Excel
    stores 123 as 123.0). Other numbers go through the one-cell rule (an ID that is
    a decimal is a problem; free text keeps Python's way of writing it)."""
    n = len(values)
    problem = np.full(n, -1, np.int16)
    if pa.types.is_string(values.type):
        trimmed = pc.utf8_trim_whitespace(values)
        empty = pc.fill_null(pc.or_(pc.equal(pc.binary_length(trimmed), 0),
                                    pc.is_in(trimmed, pa.array(sorted(EXCEL_ERRORS)))), True)
        return _Part(at, pc.if_else(empty, pa.scalar(None, pa.string()), trimmed).cast(arrow_type),
                     empty.to_numpy(zero_copy_only=False), problem)
    missing = values.is_null().to_numpy(zero_copy_only=False)
    whole = pc.is_valid(values)
    if pa.types.is_floating(values.type):
        whole = pc.fill_null(pc.and_(pc.and_(pc.is_finite(values), pc.equal(pc.floor(values), values)),
                                     pc.less(pc.abs(values), EXACT_WHOLE)), False)
    text = pc.if_else(whole, pc.cast(pc.cast(pc.if_else(whole, values, 0), pa.int64()), pa.string()),
                      pa.scalar(None, pa.string()))
    odd = np.flatnonzero(~whole.to_numpy(zero_copy_only=False) & ~missing)
    if len(odd):  # decimals, NaN, huge numbers: each by the one-cell rule, from the cell itself
        rule = converter(kind)
        results = [rule(cells[i if at is None else at[i]]) for i in odd]
        mask = np.zeros(n, bool)
        mask[odd] = True
        text = pc.replace_with_mask(text, pa.array(mask), pa.array([r[0] for r in results], pa.string()))
        problem[odd] = [problems.code(r[1]) for r in results]
    return _Part(at, text.cast(arrow_type), missing, problem)


def _combine(parts: list[_Part], n: int) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The parts put back in the column's order."""
    if len(parts) == 1 and parts[0].at is None:
        return parts[0].values, parts[0].blank, parts[0].problem
    at = np.concatenate([p.at for p in parts])
    order = np.empty(n, np.int64)
    order[at] = np.arange(n)
    values = pa.concat_arrays([p.values for p in parts]).take(pa.array(order))
    blank, problem = np.empty(n, bool), np.empty(n, np.int16)
    blank[at] = np.concatenate([p.blank for p in parts])
    problem[at] = np.concatenate([p.problem for p in parts])
    return values, blank, problem
