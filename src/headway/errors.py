"""Errors that reach a user.

A ReturnError names where a problem is (file, table, row, column) and what to do,
never the offending value: a value can be a child's data (liia-tools 2a7bb73).
"""

from __future__ import annotations

from dataclasses import dataclass


class HeadwayError(Exception):
    """A problem the user can act on; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class ReturnError:
    file: str
    message: str
    table: str | None = None
    row: int | None = None  # 1-based data row as a spreadsheet shows it (header = row 1)
    column: str | None = None
    rule: str = "format"
    sheet: str | None = None  # a workbook's sheet (Annex A)

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.table:
            where.append(f"table {self.table}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class FileRejected(HeadwayError):
    """A file that failed to read or validate; nothing from it was loaded."""

    def __init__(self, errors: list[ReturnError], limit: int = 20):
        self.errors = errors
        shown = "\n  ".join(str(e) for e in errors[:limit])
        more = f"\n  ... and {len(errors) - limit} more" if len(errors) > limit else ""
        super().__init__(f"{errors[0].file} was not loaded:\n  {shown}{more}")
