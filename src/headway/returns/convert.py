"""Text to staging types, a whole column at a time, finding every bad value.

Readers read every cell as text; this module turns a text column into the type the
staging contract wants (see `warehouse/tables.py`) with one explicit format per
kind, and says which rows did not convert. Nothing is sniffed and nothing is
guessed from a sample, so a bad date on row 2,000,000 is found like one on row 2.

Blank (empty or only spaces) is NULL everywhere. Dates must be real calendar dates
(31/02/2023 is an error, never 3 March) between 1900 and 2099.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.errors import ReturnError

# Each format: the strict fixed-width form most files use, where year, month and
# day sit in it, and a looser regex for one-digit days and months (1/4/2025).
ISO = "YYYY-MM-DD"
DATE_FORMATS = {
    "DD/MM/YYYY": (r"^\d\d/\d\d/\d{4}$", ((6, 10), (3, 5), (0, 2)),
                   r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    # xs:date may carry a time zone (2025-06-02Z, 2025-06-02+01:00): the date is the same
    ISO: (r"^\d{4}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?$", ((0, 4), (5, 7), (8, 10)),
          r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
}
FIRST_YEAR, LAST_YEAR = 1900, 2099
ERRORS_SHOWN = 10  # rows named per problem; the rest are counted
TRUE_TEXT = pa.array(["true", "1"])
FALSE_TEXT = pa.array(["false", "0"])
WHOLE_NUMBER = r"^[+-]?\d{1,9}(\.0*)?$"  # "2.0" is 2: spreadsheets write whole numbers that way
DECIMAL_NUMBER = r"^[+-]?(\d{1,9}(\.\d*)?|\.\d+)$"  # 0.8, .5, 1: no thousands separators or exponents


@dataclass(frozen=True)
class Field:
    """One staging column: where it comes from in the file and how it converts."""
    column: str            # staging column name
    source: str            # the CSV column or XML element it is read from (named in errors)
    kind: str = "text"     # text | date | bool | int | number (a decimal, e.g. 0.8 FTE)
    required: bool = False


@dataclass
class Problem:
    """Rows (positions in the converted table) where one field failed."""
    source: str
    message: str
    positions: np.ndarray


def clean(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Spaces trimmed; blank becomes NULL."""
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.greater(pc.binary_length(trimmed), 0), trimmed, pa.scalar(None, pa.string()))


def to_dates(text, formats: tuple[str, ...]) -> tuple[pa.Array, pa.Array]:
    """(date32 column, mask of non-blank values that are not a real date in one of
    `formats` between 1900 and 2099).

    Every value is rewritten as YYYY-MM-DD text and cast. Arrow's cast is strict
    (2023-02-31 fails) and fast, so when the whole column casts every date is real;
    when it does not, each value is parsed and printed back, and one that does not
    print back the same (31/02 rolls over to 03/03) is bad."""
    dates = _cast(text) if ISO in formats else None  # most columns: ISO already, all good
    if dates is None:
        iso = _as_iso(text, formats)
        dates = _cast(iso)
        if dates is None:
            parsed = pc.cast(pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())
            dates = pc.if_else(pc.equal(pc.cast(parsed, pa.string()), iso), parsed, pa.scalar(None, pa.date32()))
    year = pc.year(dates)
    good = pc.and_(pc.greater_equal(year, FIRST_YEAR), pc.less_equal(year, LAST_YEAR))
    dates = pc.if_else(good, dates, pa.scalar(None, pa.date32()))
    return dates, _bad(text, good)


def _cast(iso):
    """date32 if every value is a real YYYY-MM-DD date, else None."""
    try:
        return pc.cast(iso, pa.date32())
    except pa.ArrowInvalid:
        return None


def _as_iso(text, formats: tuple[str, ...]):
    """YYYY-MM-DD text for each value in one of `formats`; NULL for the rest."""
    iso = pa.nulls(len(text), pa.string())
    left = pc.is_valid(text)
    for name in formats:
        strict, slices, _ = DATE_FORMATS[name]
        hit = pc.and_(left, pc.fill_null(pc.match_substring_regex(text, strict), False))
        if pc.any(hit).as_py():
            rewritten = text if slices is None else pc.binary_join_element_wise(
                *[pc.utf8_slice_codeunits(text, a, b) for a, b in slices], "-")
            iso = pc.if_else(hit, rewritten, iso)
            left = pc.and_(left, pc.invert(hit))
    if pc.any(left).as_py():  # rare: one-digit days or months
        iso = pc.if_else(left, _loose_iso(text, formats), iso)
    return iso


def _loose_iso(text, formats: tuple[str, ...]):
    parts = [pc.extract_regex(text, DATE_FORMATS[name][2]) for name in formats]
    y, m, d = (pc.coalesce(*[pc.struct_field(p, key) for p in parts]) for key in "ymd")
    return pc.binary_join_element_wise(y, pc.utf8_lpad(m, 2, "0"), pc.utf8_lpad(d, 2, "0"), "-")


def to_booleans(text) -> tuple[pa.Array, pa.Array]:
    """true/false or 1/0, any case."""
    lower = pc.utf8_lower(text)
    is_true, is_false = pc.is_in(lower, TRUE_TEXT), pc.is_in(lower, FALSE_TEXT)
    values = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    return values, _bad(text, pc.or_(is_true, is_false))


def to_integers(text) -> tuple[pa.Array, pa.Array]:
    good = pc.fill_null(pc.match_substring_regex(text, WHOLE_NUMBER), False)
    digits = pc.if_else(good, pc.replace_substring_regex(text, r"\.0*$", ""), pa.scalar(None, pa.string()))
    return pc.cast(digits, pa.int32()), _bad(text, good)


def to_numbers(text) -> tuple[pa.Array, pa.Array]:
    good = pc.fill_null(pc.match_substring_regex(text, DECIMAL_NUMBER), False)
    digits = pc.if_else(good, text, pa.scalar(None, pa.string()))
    return pc.cast(digits, pa.float64()), _bad(text, good)


def _bad(text, good) -> pa.Array:
    """Non-blank and not good."""
    return pc.and_(pc.is_valid(text), pc.invert(pc.fill_null(good, False)))


def convert(fields: list[Field], texts: dict[str, pa.Array], date_formats: tuple[str, ...]
            ) -> tuple[dict[str, pa.Array], list[Problem]]:
    """Convert each field's cleaned text column (keyed by source name; a missing one
    is all NULL); return the staging columns and every problem found."""
    rows = len(next(iter(texts.values()))) if texts else 0
    columns, problems = {}, []
    for f in fields:
        text = texts[f.source] if f.source in texts else pa.nulls(rows, pa.string())
        if f.required:
            _add(problems, f.source, "is blank, and every row needs it", pc.is_null(text))
        columns[f.column] = _typed(f, text, date_formats, problems)
    return columns, problems


def blank_rows(texts: dict[str, pa.Array]) -> pa.Array:
    """True where every cell is blank (spreadsheets leave such rows, e.g. ',,,,')."""
    blank = None
    for text in texts.values():
        blank = pc.is_null(text) if blank is None else pc.and_(blank, pc.is_null(text))
    return blank


def located_errors(file: str, table: str, column: str, message: str, rows: list[int], count: int,
                   limit: int = ERRORS_SHOWN) -> list[ReturnError]:
    """Errors for one problem in one column: the first `limit` rows where it is,
    then one line for the rest (a column of bad dates is one problem to fix)."""
    errors = [ReturnError(file, message, table=table, row=int(r), column=column) for r in rows[:limit]]
    if count > limit:
        errors.append(ReturnError(file, f"and {count - limit:,} more rows with the same problem",
                                  table=table, column=column))
    return errors


def _typed(f: Field, text, date_formats: tuple[str, ...], problems: list[Problem]):
    if f.kind == "text":
        return text
    if f.kind == "date":
        values, bad = to_dates(text, date_formats)
        message = f"is not a real date in the form {' or '.join(date_formats)}"
    elif f.kind == "bool":
        values, bad = to_booleans(text)
        message = "is not true or false (expected true, false, 1 or 0)"
    elif f.kind == "int":
        values, bad = to_integers(text)
        message = "is not a whole number"
    elif f.kind == "number":
        values, bad = to_numbers(text)
        message = "is not a number (expected digits with an optional decimal point, e.g. 0.8)"
    else:
        raise ValueError(f"unknown field kind {f.kind!r}")
    _add(problems, f.source, message, bad)
    return values


def _add(problems: list[Problem], source: str, message: str, mask) -> None:
    mask = pc.fill_null(mask, False)
    if pc.any(mask).as_py():
        positions = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        problems.append(Problem(source, message, positions))
