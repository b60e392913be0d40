"""What a check found, and how bad it is.

Three severities, from worst:

- fatal: Headway would compute wrong figures from the file (a child twice in the
  903 Header, episodes of care for a child the Header does not have, episodes
  that overlap), or cannot read it at all. `headway load` refuses the file.
- error: a DfE validation error: the DfE would not accept the return until it is
  fixed or explained. The file loads; the problem is flagged.
- warning: a DfE query, a rule that could not run, or a difference Headway
  cannot settle (a date of birth that differs between the 903 and the CIN).

A finding says where the problem is (file, table, and the row of a CSV or the
line of the XML element) and what the rule says, never the value: a value is a
child's data. `child` is kept in memory only, to be pseudonymised before it is
ever shown; reports never write it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from headway.errors import ReturnError

FATAL, ERROR, WARNING = "fatal", "error", "warning"
SEVERITIES = (FATAL, ERROR, WARNING)

HEADWAY = "Headway"
DFE_903 = "DfE 903 rules"
DFE_CIN = "DfE CIN rules"


@dataclass(frozen=True)
class Finding:
    file: str
    rule: str
    message: str
    severity: str
    checked_by: str = HEADWAY
    table: str | None = None
    row: int | None = None    # CSV: the row as a spreadsheet shows it (header = row 1)
    line: int | None = None   # XML: the line the child's <Child> element starts on
    child: str | None = None  # never written out (see the module docstring)
    column: str | None = None  # the column or element the rule looks at, where there is one

    @property
    def where(self) -> str:
        if self.row is not None:
            return f"row {self.row}"
        if self.line is not None:
            return f"line {self.line}"
        return "whole file"

    def as_return_error(self) -> ReturnError:
        """For `headway load`, which reports problems as ReturnErrors."""
        message = self.message if self.line is None else f"line {self.line}: {self.message}"
        return ReturnError(self.file, message, table=self.table, row=self.row, column=self.column, rule=self.rule)


@dataclass(frozen=True)
class FileSummary:
    file: str
    fatal: int
    errors: int
    warnings: int


def summarise(findings: list[Finding], files: list[str]) -> list[FileSummary]:
    """Counts per file, in the order given; a file with no findings shows zeros."""
    counts = Counter((f.file, f.severity) for f in findings)
    names = list(dict.fromkeys(files + [f.file for f in findings]))
    return [FileSummary(name, counts[name, FATAL], counts[name, ERROR], counts[name, WARNING]) for name in names]


def ordered(findings: list[Finding]) -> list[Finding]:
    """Worst first, then by file and position."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.file, f.table or "",
                                           f.row or 0, f.line or 0, f.rule))
