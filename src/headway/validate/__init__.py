"""Validation: is a council's return fit to load, and would the DfE accept it?

    validate_returns(paths, year=None, la=None, dfe=True) -> Validation   (`headway validate`)
    fatal_problems(paths, year=None) -> list[ReturnError]                 (for `headway load`)
    integrity_problems(paths, year=None) -> (fatal errors, warning findings)
    integrity_problems_in(returns, names) -> the same for files already read  (what `headway load` uses)

Three kinds of check, each saying where (file, table, row or line) and which rule:
- the readers (headway.returns): the file can be read at all (`validate` only;
  `load` has already run them when it calls fatal_problems);
- Headway's integrity checks across a year's tables (integrity.py);
- the DfE's rules, run by csc-validator-be-903 and csc-validator-be-cin in an
  environment of their own (dfe.py);
- the CIN Census file against the DfE's XML schema of its year (cin_schema.py),
  where the council has given the schemas.
Severities are explained in findings.py: only fatal findings stop a load.
report.py writes what was found as HTML and CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from headway.config import Settings
from headway.errors import ReturnError
from headway.validate import cin_schema, integrity
from headway.validate.dfe import DfeRun, run_dfe_rules
from headway.validate.findings import FATAL, FileSummary, Finding, ordered, summarise
from headway.validate.inputs import collect, from_returns


@dataclass
class Validation:
    findings: list[Finding]
    files: list[str]
    not_checked: list[str] = field(default_factory=list)
    dfe_runs: list[DfeRun] = field(default_factory=list)
    dfe_skipped: bool = False

    @property
    def fatal(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == FATAL]

    def summary(self) -> list[FileSummary]:
        return summarise(self.findings, [f for f in self.files if f not in self.not_checked])


def validate_returns(paths: list[Path], year: int | None = None, la: str | None = None, dfe: bool = True,
                     settings: Settings | None = None, progress: bool = False,
                     say=lambda text: None, cin_xsd: Path | None = None) -> Validation:
    inputs = collect(paths, year, read_formats=True)
    findings = inputs.findings + integrity.check(inputs) + cin_schema.check(inputs.cin, cin_schema.schema_dir(cin_xsd))
    runs: list[DfeRun] = []
    if dfe:
        dfe_findings, runs = run_dfe_rules(inputs, settings, la=la, progress=progress, say=say)
        findings += dfe_findings
    return Validation(ordered(findings), inputs.files, inputs.not_checked, runs, dfe_skipped=not dfe)


def fatal_problems(paths, year: int | None = None,
                   years: dict[Path, int | None] | None = None) -> list[ReturnError]:
    """Headway's fatal integrity problems in these files, as `load` reports problems.
    `paths` as `collect` takes them ((file, name) pairs keep load's names); `years`
    is each file's collection year as its reader found it. Fast and in-process (no
    DfE rules); the readers' own problems are not repeated."""
    return integrity_problems(paths, year, years)[0]


def integrity_problems(paths, year: int | None = None, years: dict[Path, int | None] | None = None
                       ) -> tuple[list[ReturnError], list[Finding]]:
    """As fatal_problems, with the warnings too: `headway load` refuses the fatal
    problems and loads the files with warnings, listing them."""
    return _split(collect(paths, year, read_formats=False, years=years))


def integrity_problems_in(returns, names: dict[Path, str]) -> tuple[list[ReturnError], list[Finding]]:
    """As integrity_problems, for files `headway load` has already read (returns.ReturnFile,
    named as `names` says): checked on what the readers produced, not read again."""
    return _split(from_returns(returns, names))


def _split(inputs) -> tuple[list[ReturnError], list[Finding]]:
    found = ordered(inputs.findings + integrity.check(inputs))
    return [f.as_return_error() for f in found if f.severity == FATAL], [f for f in found if f.severity != FATAL]
