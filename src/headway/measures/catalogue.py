"""The measure catalogue: one YAML file per measure in measures/catalogue/.

A measure file holds what a councillor reads (title, description, what is counted),
how it is judged (unit, polarity, target, tolerance) and one SQL query over the
warehouse's model tables that lists the cases: one row per referral, assessment,
plan or episode, with a `numerator` column saying whether the case counts on top.
The engine (engine.py) turns those rows into monthly series for every org unit.

What the SQL must return depends on the basis:

  rolling_12_months  child_id, event_date, numerator [, denominator]
                     a case counts in each month-end whose 12-month window holds event_date
  snapshot           child_id, start_date, end_date, numerator [, denominator]
                     a case counts at each month-end it is open on
                     (start_date <= month end and end_date blank or after it)

`denominator` (true/false) is optional: without it every row is in the denominator.
For a rate per 10,000 the denominator is the ONS 0-17 population, not the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from headway.errors import HeadwayError
from headway.measures.rag import POLARITIES

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
UNITS = ("percent", "rate_per_10k", "count")
BASES = ("rolling_12_months", "snapshot")
REQUIRED_COLUMNS = {
    "rolling_12_months": ("child_id", "event_date", "numerator"),
    "snapshot": ("child_id", "start_date", "end_date", "numerator"),
}
# Sections in the order a scorecard reads, keyed by the ID prefix (measures.md section 5).
SECTIONS = {
    "FD": "Front door", "EH": "Early help", "R": "Referrals", "A": "Assessments",
    "C": "Children in need", "S": "Section 47 enquiries and conferences", "P": "Child protection",
    "L": "Children looked after", "CL": "Care leavers", "AD": "Adoption", "W": "Workforce",
}
ID_PATTERN = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    description: str
    unit: str
    polarity: str
    basis: str
    sql: str
    numerator: str = ""
    denominator: str = ""
    timescale: str | None = None
    target: float | None = None
    tolerance: float | None = None
    needs: tuple[str, ...] = ()
    lookback_months: int = 0
    dfe_statistic: str | None = None
    source: Path | None = field(default=None, compare=False)

    @property
    def section(self) -> str:
        return SECTIONS[ID_PATTERN.match(self.id).group(1)]

    @property
    def sort_key(self) -> tuple[int, int]:
        prefix, number = ID_PATTERN.match(self.id).groups()
        return list(SECTIONS).index(prefix), int(number)

    @property
    def window_months(self) -> int:
        return 12 if self.basis == "rolling_12_months" else 0


def _problem(path: Path, message: str) -> HeadwayError:
    return HeadwayError(f"Measure file {path.name}: {message}")


def read_measure(path: Path) -> Measure:
    """Read and check one measure file; a mistake names the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _problem(path, f"is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise _problem(path, "must be a mapping of fields (id, title, ...)")
    known = set(Measure.__dataclass_fields__) - {"source"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _problem(path, f"unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(known))}")
    for name in ("id", "title", "description", "unit", "polarity", "basis", "sql"):
        if not str(data.get(name) or "").strip():
            raise _problem(path, f"field '{name}' is required")
    checks = [("unit", UNITS), ("polarity", POLARITIES), ("basis", BASES)]
    for name, allowed in checks:
        if data[name] not in allowed:
            raise _problem(path, f"field '{name}' is '{data[name]}'; use one of {', '.join(allowed)}")
    match = ID_PATTERN.match(str(data["id"]))
    if not match or match.group(1) not in SECTIONS:
        raise _problem(path, f"id '{data['id']}' should be a catalogue ID such as R02 (prefixes: {', '.join(SECTIONS)})")
    if path.stem != data["id"]:
        raise _problem(path, f"is named {path.name} but holds measure {data['id']}; name it {data['id']}.yml")
    for name in ("target", "tolerance"):
        if data.get(name) is not None and not isinstance(data[name], (int, float)):
            raise _problem(path, f"field '{name}' must be a number")
    data["needs"] = tuple(data.get("needs") or ())
    return Measure(**data, source=path)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[Measure]:
    """Every measure in the catalogue, in scorecard order."""
    measures = [read_measure(p) for p in sorted(Path(directory).glob("*.yml"))]
    if not measures:
        raise HeadwayError(f"No measure files (*.yml) in {directory}")
    return sorted(measures, key=lambda m: m.sort_key)


UNIT_WORDS = {"percent": "percentage", "rate_per_10k": "rate per 10,000 children aged 0-17", "count": "number"}
POLARITY_WORDS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
                  "context": "context: no better direction"}
BASIS_WORDS = {"rolling_12_months": "rolling 12 months to each month end", "snapshot": "snapshot at each month end"}


def render_markdown(measures: list[Measure]) -> str:
    """docs/measures.md, generated from the catalogue (`headway measures docs`)."""
    lines = [
        "# Measures",
        "",
        "Generated from `src/headway/measures/catalogue/` by `headway measures docs`; edit the",
        "measure files, not this page. How a measure file is written: see",
        "`src/headway/measures/catalogue.py`; how series are computed: `engine.py`.",
        "",
        "| ID | Measure | Unit | Polarity | Basis | Target (tolerance) |",
        "|---|---|---|---|---|---|",
    ]
    for m in measures:
        target = "none" if m.target is None else f"{m.target:g} ({m.tolerance or 0:g})"
        lines.append(f"| [{m.id}](#{m.id.lower()}) | {m.title} | {UNIT_WORDS[m.unit]} | "
                     f"{POLARITY_WORDS[m.polarity]} | {BASIS_WORDS[m.basis]} | {target} |")
    for m in measures:
        lines += ["", f"## {m.id}", "", f"**{m.title}** ({m.section})", "", m.description.strip(), ""]
        lines += [f"- Numerator: {m.numerator}", f"- Denominator: {m.denominator}"]
        if m.timescale:
            lines.append(f"- Timescale: {m.timescale}")
        lines.append(f"- Sources needed: {', '.join(m.needs) or 'none'}")
        if m.dfe_statistic:
            lines.append(f"- Published statistic: {m.dfe_statistic}")
        lines += ["", "```sql", m.sql.strip(), "```"]
    return "\n".join(lines) + "\n"
