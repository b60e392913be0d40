"""What every reader hands back, and the collection-year rules they share.

A reader turns one file into a `ReturnFile`: the staging tables it holds (pyarrow,
with exactly the columns and types of `warehouse/tables.py`), the collection year
they belong to, and a label for the user ("SSDA903 Episodes 2025/26").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from headway.errors import FileRejected, ReturnError
from headway.returns.convert import Field
from headway.warehouse.tables import STAGING_TABLES, YEARLY_TABLES

ARROW_TYPES = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BOOLEAN": pa.bool_(), "INTEGER": pa.int32(),
               "DOUBLE": pa.float64()}
FOUR_DIGIT_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class Shape:
    """A kind of file Headway reads, described for the user who has the wrong one."""
    name: str           # "SSDA903 Episodes"
    looks_like: str     # how it is recognised, e.g. "CSV with columns CHILD, DECOM, ..."


@dataclass(frozen=True)
class CsvShape:
    """A CSV file recognised by its column names (canonical: upper case, see csvtext)."""
    name: str
    table: str                       # the staging table it fills
    fields: tuple[Field, ...]
    identifying: tuple[str, ...]     # columns that must all be on row 1
    unique: tuple[str, ...] = ()     # a column no two rows may share (an ID listed once)

    @property
    def looks_like(self) -> str:
        return "CSV with columns " + ", ".join(self.identifying)

    def matches(self, columns) -> bool:
        return set(self.identifying) <= set(columns)

    def absent(self, columns) -> list[str]:
        """Columns it reads that the file does not have (left NULL)."""
        return [f.source for f in self.fields if f.source not in columns]


@dataclass
class ReturnFile:
    path: Path
    shape: Shape | CsvShape
    tables: dict[str, pa.Table]
    collection_year: int | None = None  # the year the collection ends: 2026 = 2025/26
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # integrity warnings: loaded, and flagged on measures
    staging_label: str | None = None    # names the staging file of a table without a year (default "current")
    text: object | None = None          # a CSV file with a CHILD column as text (csvtext.TextTable): the load's
                                        # integrity checks read it (validate/inputs.from_returns), then drop it
    record_lines: object | None = None  # an XML file: the line each record (<Child>) starts on (numpy), for them too

    @property
    def label(self) -> str:
        year = f" {year_label(self.collection_year)}" if self.collection_year else ""
        return f"{self.shape.name}{year}"


def staging_schema(table: str) -> pa.Schema:
    return pa.schema([(name, ARROW_TYPES[kind]) for name, kind in STAGING_TABLES[table].items()])


def staging_table(table: str, columns: dict[str, pa.Array]) -> pa.Table:
    """The staging table from converted columns; a column the file lacks is all NULL."""
    schema = staging_schema(table)
    rows = len(next(iter(columns.values()))) if columns else 0
    arrays = [columns[f.name] if f.name in columns else pa.nulls(rows, f.type) for f in schema]
    return pa.Table.from_arrays([a if a.type == f.type else a.cast(f.type) for a, f in zip(arrays, schema)],
                                schema=schema)


def is_yearly(table: str) -> bool:
    return table in YEARLY_TABLES


def year_label(year: int) -> str:
    """2026 -> '2025/26' (the collection year ending 31 March 2026)."""
    return f"{year - 1}/{year % 100:02d}"


def year_ending_after(day: dt.date) -> int:
    """The collection year (1 April to 31 March) that `day` falls in, named by its end."""
    return day.year + 1 if day.month >= 4 else day.year


def year_from_folder(path: Path) -> int | None:
    """ssda903/2026/episodes.csv -> 2026; None if the parent folder is not a year."""
    name = path.parent.name
    return int(name) if FOUR_DIGIT_YEAR.fullmatch(name) else None


def check_year(file: str, year: int | None, where: str) -> int | None:
    if year is not None and not 1990 <= year <= 2100:
        raise FileRejected([ReturnError(file, f"the collection year from {where} is not a year between 1990 and 2100")])
    return year
