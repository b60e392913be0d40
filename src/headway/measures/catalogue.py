"""The measure catalogue: one YAML file per measure in measures/catalogue/.

A measure file holds what a councillor reads (title, description, what is counted),
how it is judged (unit, polarity, target, tolerance) and one SQL query over the
warehouse's model tables that lists the cases: one row per referral, assessment,
plan or episode, with a `numerator` column saying whether the case counts on top.
The engine (engine.py) turns those rows into monthly series for every org unit.

What the SQL must return depends on the basis:

  rolling_12_months  child_id, event_date, numerator [, denominator]
  rolling_36_months  a case counts in each month-end whose 12 (or 36) month window
                     holds event_date (36 months: the adoption scorecard's three years)
  snapshot           child_id, start_date, end_date, numerator [, denominator]
                     a case counts at each month-end it is open on
                     (start_date <= month end and end_date blank or after it)
                 or  child_id, period_end, numerator [, denominator]
                     when what counts depends on the month end itself (a plan open
                     for 2 years or more at it, a child under 16 on it, placements in
                     the 12 months before it): the SQL joins the `periods` table (one
                     row per month end reported, column period_end) and returns one
                     row per case and month end; a row counts at that month end only.
                     A snapshot about the workforce (vacancies, agency workers)
                     returns team_id instead of child_id: each row is credited to
                     that team, and a team's rows add up.

`numerator` is true/false, or a number where the unit asks for one: unit `days`
(value = total days / cases, an average) or `average` (numerator / denominator,
e.g. missing incidents per child who went missing, cases per social worker). With
`median: true` (units days and average) the value is instead the median of the
rows' numerators; there is then no meaningful numerator, and the denominator is the
number of rows.

`denominator` is optional: true/false (whether the row is in the denominator) or a
number (e.g. full-time equivalents); without it every row is in the denominator. A
numerator counts only on rows that are in the denominator (a team's row counts as
it is: its numerator and denominator are sums already). For a snapshot a child
counts once per month end (their largest numerator and denominator), credited to the
worker holding their case on it. For a rate per
10,000 the denominator is the ONS 0-17 population, not the rows.

`lookback_months` holds a measure's first value back until that many months of data
lie before it (R02 compares with the year before; L03 counts placements in it).

`needs` lists the staging tables the measure reads (warehouse/tables.py). A measure
is skipped, saying which source in plain words ("needs SSDA903 OC2"), while any of
them is empty or not read by Headway yet; the sources not read yet are in
PLANNED_SOURCES below, and the model tables their SQL is written against are in
tests/planned_model.sql.

Besides the model tables (warehouse/model.sql) measure SQL may use `periods`, the
`calendar` table and the working_days(start, end) macro (warehouse/calendar.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from headway.errors import HeadwayError
from headway.measures.rag import POLARITIES
from headway.warehouse.tables import STAGING_TABLES

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
UNITS = ("percent", "rate_per_10k", "count", "days", "average")
MEDIAN_UNITS = ("days", "average")
BASES = ("rolling_12_months", "rolling_36_months", "snapshot")
WINDOW_MONTHS = {"rolling_12_months": 12, "rolling_36_months": 36, "snapshot": 0}
# What each basis's SQL returns: any one of the column sets (snapshot has two forms,
# each for a child's cases or, about the workforce, a team's).
REQUIRED_COLUMNS = {
    "rolling_12_months": [("child_id", "event_date", "numerator")],
    "rolling_36_months": [("child_id", "event_date", "numerator")],
    "snapshot": [(who, *form, "numerator") for form in (("start_date", "end_date"), ("period_end",))
                 for who in ("child_id", "team_id")],
}
# Sections in the order a scorecard reads, keyed by the ID prefix (measures.md section 5).
SECTIONS = {
    "FD": "Front door", "EH": "Early help", "R": "Referrals", "A": "Assessments",
    "C": "Children in need", "S": "Section 47 enquiries and conferences", "P": "Child protection",
    "L": "Children looked after", "CL": "Care leavers", "AD": "Adoption", "W": "Workforce",
}
ID_PATTERN = re.compile(r"^([A-Z]+)(\d+)$")

# Every source a measure may need, in the words a measure's status uses ("needs ...").
LOADED_SOURCES = {
    "ssda903_header": "SSDA903 Header", "ssda903_episodes": "SSDA903 Episodes",
    "ssda903_reviews": "SSDA903 Reviews", "ssda903_uasc": "SSDA903 UASC", "ssda903_oc2": "SSDA903 OC2",
    "ssda903_oc3": "SSDA903 OC3", "ssda903_ad1": "SSDA903 AD1", "ssda903_placed_adoption": "SSDA903 PlacedAdoption",
    "ssda903_prev_perm": "SSDA903 PrevPerm", "ssda903_missing": "SSDA903 Missing",
    "ssda903_sw_episodes": "SSDA903 SWEpisodes", "cin_child": "CIN Census child details",
    "cin_episode": "CIN Census referrals", "cin_assessment": "CIN Census assessments",
    "cin_plan": "CIN Census CIN plans", "cin_s47": "CIN Census section 47 enquiries",
    "cin_cp_plan": "CIN Census child protection plans", "cin_cp_review": "CIN Census child protection reviews",
    "org_team": "the case-management teams", "org_worker": "the case-management workers",
    "org_allocation": "the case-management allocations", "population": "the ONS population aged 0 to 17",
    "annex_a_list1": "Annex A List 1 (contacts)", "annex_a_list2": "Annex A List 2 (early help)",
    "annex_a_list7": "Annex A List 7 (child protection)", "annex_a_list8": "Annex A List 8 (children in care)",
    "annex_a_list9": "Annex A List 9 (care leavers)", "annex_a_list3": "Annex A List 3 (referrals)",
    "annex_a_list4": "Annex A List 4 (assessments)", "annex_a_list5": "Annex A List 5 (section 47 enquiries)",
    "annex_a_list6": "Annex A List 6 (children in need)", "annex_a_list10": "Annex A List 10 (adoption)",
    "annex_a_list11": "Annex A List 11 (adopters)",
    "csww_worker": "the workforce file (social workers by month)",
    "csww_vacancy": "the workforce establishment file (vacancies by team and month)",
}
# Sources Headway does not read yet: staging table -> words. A measure needing one is
# skipped until a reader adds the table to warehouse/tables.py.
PLANNED_SOURCES: dict[str, str] = {}


def source_words(table: str) -> str:
    """A staging table as people name the source: 'SSDA903 OC2'."""
    return LOADED_SOURCES.get(table) or PLANNED_SOURCES.get(table) or table


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
    median: bool = False
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
        return WINDOW_MONTHS[self.basis]


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
    if data.get("median") and data["unit"] not in MEDIAN_UNITS:
        raise _problem(path, f"median: true needs unit {' or '.join(MEDIAN_UNITS)}, not '{data['unit']}'")
    data["needs"] = tuple(data.get("needs") or ())
    known_sources = set(STAGING_TABLES) | set(LOADED_SOURCES) | set(PLANNED_SOURCES)
    for need in data["needs"]:
        if need not in known_sources:
            raise _problem(path, f"needs '{need}', which is not a source Headway knows; use a staging table "
                                 "name from warehouse/tables.py or catalogue.PLANNED_SOURCES")
    return Measure(**data, source=path)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[Measure]:
    """Every measure in the catalogue, in scorecard order."""
    measures = [read_measure(p) for p in sorted(Path(directory).glob("*.yml"))]
    if not measures:
        raise HeadwayError(f"No measure files (*.yml) in {directory}")
    return sorted(measures, key=lambda m: m.sort_key)


UNIT_WORDS = {"percent": "percentage", "rate_per_10k": "rate per 10,000 children aged 0-17", "count": "number",
              "days": "average days", "average": "average"}
# How a measure's polarity and basis read, on the measure page, in the committee pack
# and in docs/measures.md.
POLARITY_WORDS = {"higher_is_better": "Higher is better", "lower_is_better": "Lower is better",
                  "context": "Context measure: no better direction, no target"}
BASIS_WORDS = {"rolling_12_months": "Rolling 12 months to each month end",
               "rolling_36_months": "Rolling 36 months to each month end", "snapshot": "Snapshot at each month end"}


def unit_words(measure: Measure) -> str:
    return f"median {measure.unit}" if measure.median else UNIT_WORDS[measure.unit]


def render_markdown(measures: list[Measure]) -> str:
    """docs/measures.md, generated from the catalogue (`headway measures docs`)."""
    planned = sum(any(n in PLANNED_SOURCES and n not in STAGING_TABLES for n in m.needs) for m in measures)
    lines = [
        "# Measures",
        "",
        "Generated from `src/headway/measures/catalogue/` by `headway measures docs`; edit the",
        "measure files, not this page. How a measure file is written: see",
        "`src/headway/measures/catalogue.py`; how series are computed: `engine.py`.",
        "",
        *([f"{len(measures)} measures. {planned} of them need a source Headway does not read yet",
           "(marked *planned source* below): a refresh lists them as skipped, naming the source,",
           "until a reader for it is added."] if planned else
          [f"{len(measures)} measures, each from sources Headway reads. A refresh lists a measure",
           "whose sources are not loaded as skipped, naming them."]),
        "",
        "| ID | Measure | Unit | Polarity | Basis | Target (tolerance) |",
        "|---|---|---|---|---|---|",
    ]
    for m in measures:
        target = "none" if m.target is None else f"{m.target:g} ({m.tolerance or 0:g})"
        lines.append(f"| [{m.id}](#{m.id.lower()}) | {m.title} | {unit_words(m)} | "
                     f"{POLARITY_WORDS[m.polarity]} | {BASIS_WORDS[m.basis]} | {target} |")
    for m in measures:
        lines += ["", f"## {m.id}", "", f"**{m.title}** ({m.section})", "", m.description.strip(), ""]
        lines += [f"- Numerator: {m.numerator}", f"- Denominator: {m.denominator}"]
        if m.timescale:
            lines.append(f"- Timescale: {m.timescale}")
        if m.lookback_months:
            lines.append(f"- Starts once {m.lookback_months} months of data before its first month end are loaded")
        lines.append(f"- Sources needed: {_needs_words(m) or 'none'}")
        if m.dfe_statistic:
            lines.append(f"- Published statistic: {m.dfe_statistic}")
        lines += ["", "```sql", m.sql.strip(), "```"]
    return "\n".join(lines) + "\n"


def _needs_words(measure: Measure) -> str:
    return ", ".join(f"{source_words(n)} (`{n}`{', *planned source*' if n not in STAGING_TABLES else ''})"
                     for n in measure.needs)
