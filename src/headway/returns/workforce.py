"""The workforce: social workers and establishment from the council's HR system.

Two CSV files, each recognised by its columns (docs/formats.md, "Workforce"):

    social workers   AS_AT, WORKER_ID, TEAM_ID, ROLE, FTE, CONTRACT, ASYE, START_DATE,
                     LEAVING_DATE, CASES, ABSENCE_DAYS
                     one row per social worker (permanent or agency) per month end
                     (AS_AT), and a row for each one who left in that month
    establishment    AS_AT, TEAM_ID, ESTABLISHMENT_FTE, VACANCY_FTE, AGENCY_COVER_FTE,
                     COMPLEX_NEEDS
                     one row per team per month end

They hold what the DfE's children's social work workforce census asks for (the W
measures) and what the monthly workforce digest shows, month by month: keep one
file of each and add each month's rows to it. Each load replaces the last
(staging/csww_*/current.parquet). Dates are YYYY-MM-DD or DD/MM/YYYY.

Besides the type of every cell, a row must make sense: CONTRACT permanent or
agency, FTE above 0 and at most 1, no negative counts, nobody leaving before they
started or in a snapshot before they started, vacancies no more than the
establishment and agency cover no more than the vacancies, and one row per worker
(or team) per AS_AT. Every failure names the file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.errors import FileRejected
from headway.returns.convert import Field, blank_rows, clean, located_errors
from headway.returns.csvtext import TextTable, read_shape
from headway.returns.shapes import CsvShape, ReturnFile

DATE_FORMATS = ("YYYY-MM-DD", "DD/MM/YYYY")
CONTRACTS = ("permanent", "agency")
MAX_FTE = 1.0

WORKERS = CsvShape("Workforce social workers", "csww_worker", (
    Field("as_at", "AS_AT", "date", required=True), Field("worker_id", "WORKER_ID", required=True),
    Field("team_id", "TEAM_ID", required=True), Field("role", "ROLE"),
    Field("fte", "FTE", "number", required=True), Field("contract", "CONTRACT", required=True),
    Field("asye", "ASYE", "bool"), Field("start_date", "START_DATE", "date", required=True),
    Field("leaving_date", "LEAVING_DATE", "date"), Field("cases", "CASES", "int"),
    Field("absence_days", "ABSENCE_DAYS", "number"),
), identifying=("AS_AT", "WORKER_ID", "FTE", "CONTRACT"))

ESTABLISHMENT = CsvShape("Workforce establishment", "csww_vacancy", (
    Field("as_at", "AS_AT", "date", required=True), Field("team_id", "TEAM_ID", required=True),
    Field("establishment_fte", "ESTABLISHMENT_FTE", "number", required=True),
    Field("vacancy_fte", "VACANCY_FTE", "number", required=True),
    Field("agency_cover_fte", "AGENCY_COVER_FTE", "number", required=True),
    Field("complex_needs", "COMPLEX_NEEDS", "bool"),
), identifying=("AS_AT", "TEAM_ID", "ESTABLISHMENT_FTE", "VACANCY_FTE"))

SHAPES = (WORKERS, ESTABLISHMENT)


def read(text: TextTable, shape: CsvShape, path: Path, year: int | None = None) -> ReturnFile:
    """`year` is ignored: every row says its own AS_AT date."""
    result = read_shape(text, shape, path, DATE_FORMATS)
    table = result.tables[shape.table]
    if shape is WORKERS:
        table = _lower_case(table, "contract")
    rules = _worker_rules(table) if shape is WORKERS else _establishment_rules(table)
    _reject_broken(text, shape.table, table, rules)
    result.tables[shape.table] = _with_defaults(table, shape)
    return result


# --- the rules a row must keep, beyond the type of each cell ----------------------

def _worker_rules(t: pa.Table) -> list[tuple[str, str, pa.Array]]:
    """(column, message, rows breaking the rule)."""
    return [
        ("CONTRACT", f"is not {' or '.join(CONTRACTS)}",
         pc.invert(pc.is_in(t["contract"], pa.array(CONTRACTS)))),
        ("FTE", f"is not above 0 and at most {MAX_FTE:g} (full time is 1)",
         pc.or_(pc.less_equal(t["fte"], 0), pc.greater(t["fte"], MAX_FTE))),
        ("CASES", "is negative: it is the number of cases the worker holds", pc.less(t["cases"], 0)),
        ("ABSENCE_DAYS", "is negative: it is the working days lost to sickness", pc.less(t["absence_days"], 0)),
        ("LEAVING_DATE", "is before START_DATE", pc.less(t["leaving_date"], t["start_date"])),
        ("START_DATE", "is after AS_AT: a worker who has not started yet belongs in a later month's rows",
         pc.greater(t["start_date"], t["as_at"])),
        ("WORKER_ID", "appears more than once for the same AS_AT date",
         _repeated(t, ("as_at", "worker_id"))),
    ]


def _establishment_rules(t: pa.Table) -> list[tuple[str, str, pa.Array]]:
    return [
        ("ESTABLISHMENT_FTE", "is negative", pc.less(t["establishment_fte"], 0)),
        ("VACANCY_FTE", "is negative", pc.less(t["vacancy_fte"], 0)),
        ("AGENCY_COVER_FTE", "is negative", pc.less(t["agency_cover_fte"], 0)),
        ("VACANCY_FTE", "is more than ESTABLISHMENT_FTE: a vacancy is an established post with no "
                        "permanent worker in it", pc.greater(t["vacancy_fte"], t["establishment_fte"])),
        ("AGENCY_COVER_FTE", "is more than VACANCY_FTE: it counts only the vacancies agency workers cover",
         pc.greater(t["agency_cover_fte"], t["vacancy_fte"])),
        ("TEAM_ID", "appears more than once for the same AS_AT date", _repeated(t, ("as_at", "team_id"))),
    ]


def _repeated(t: pa.Table, key: tuple[str, ...]) -> pa.Array:
    """True on every row after the first with the same key."""
    seen, repeated = set(), []
    for row in zip(*(t[k].to_pylist() for k in key)):
        repeated.append(row in seen)
        seen.add(row)
    return pa.array(repeated, pa.bool_())


def _reject_broken(text: TextTable, table_name: str, table: pa.Table, rules) -> None:
    """Raise FileRejected naming every row that breaks a rule."""
    data_rows = _data_row_positions(text)
    errors = []
    for column, message, broken in rules:
        positions = np.flatnonzero(pc.fill_null(broken, False).to_numpy(zero_copy_only=False))
        if len(positions):
            rows = text.row_numbers(data_rows[positions])
            errors += located_errors(text.file, table_name, text.original.get(column, column), message,
                                     list(rows), len(positions))
    if errors:
        raise FileRejected(errors)


def _data_row_positions(text: TextTable) -> np.ndarray:
    """Positions in the file's rows of the rows read_shape kept (blank rows are left out)."""
    texts = {name: clean(column) for name, column in text.columns.items()}
    blank = blank_rows(texts)
    return np.flatnonzero(~blank.to_numpy(zero_copy_only=False)) if blank is not None else np.arange(0)


def _lower_case(table: pa.Table, column: str) -> pa.Table:
    index = table.schema.get_field_index(column)
    return table.set_column(index, column, pc.utf8_lower(table[column]))


def _with_defaults(table: pa.Table, shape: CsvShape) -> pa.Table:
    """A blank flag (ASYE, COMPLEX_NEEDS) is false: the column says which rows are."""
    flag = "asye" if shape is WORKERS else "complex_needs"
    index = table.schema.get_field_index(flag)
    return table.set_column(index, flag, pc.fill_null(table[flag], False))
