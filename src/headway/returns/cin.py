"""The CIN Census (children in need): one XML file per collection year.

    Message/Header/CollectionDetails/Year        the collection year (2026 = 2025/26)
    Message/Children/Child                       one child, with
      ChildIdentifiers: LAchildID, PersonBirthDate, Sex (M/F/U, 2024/25 on)
                        or GenderCurrent (1/2/0/9, to 2023/24; read as M/F/U/U)
      ChildCharacteristics: Ethnicity, Disabilities/Disability (joined with ',')
      CINdetails (one per referral): CINreferralDate, ReferralSource, PrimaryNeedCode,
                 CINclosureDate, ReasonForClosure, ReferralNFA, and inside it
        Assessments: AssessmentActualStartDate, AssessmentAuthorisationDate,
                     FactorsIdentifiedAtAssessment/AssessmentFactors (joined with ',')
        CINPlanDates: CINPlanStartDate, CINPlanEndDate
        Section47: S47ActualStartDate, InitialCPCtarget, DateOfInitialCPC, ICPCnotRequired
        ChildProtectionPlans: CPPstartDate, CPPendDate, InitialCategoryOfAbuse,
                     LatestCategoryOfAbuse, NumberOfPreviousCPP, Reviews/CPPreviewDate

Elements not listed are ignored (UPN, AssessmentInternalReviewDate, ...); element
names may carry a namespace. Dates are YYYY-MM-DD (xs:date).

The file is read by xmlfile.py: safely (no entities, DTDs or network), in pieces
parsed by worker processes, in bounded memory. This module says what to read and
turns the elements walked into staging tables: one walk in Python collects each
element's code and text in document order, and which record (child, episode,
assessment, ...) each belongs to is worked out from that order with numpy.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.errors import FileRejected, ReturnError
from headway.returns import xmlfile
from headway.returns.convert import ERRORS_SHOWN, Field, clean, convert
from headway.returns.shapes import ReturnFile, Shape, check_year, staging_table
from headway.returns.xmlfile import Located

SHAPE = Shape("CIN Census", "XML with root <Message> holding <Header> and <Children>")
DATE_FORMATS = ("YYYY-MM-DD",)

# ------------------------------------------------------------------ what is read

# Record kinds: the element that opens a record, and the kind of its parent record.
CHILD, EPISODE, ASSESSMENT, PLAN, S47, CP = range(6)
OPENED_BY = {CHILD: "Child", EPISODE: "CINdetails", ASSESSMENT: "Assessments",
             PLAN: "CINPlanDates", S47: "Section47", CP: "ChildProtectionPlans"}
PARENT = {CHILD: None, EPISODE: CHILD, ASSESSMENT: EPISODE, PLAN: EPISODE, S47: EPISODE, CP: EPISODE}

TABLE_OF = {CHILD: "cin_child", EPISODE: "cin_episode", ASSESSMENT: "cin_assessment",
            PLAN: "cin_plan", S47: "cin_s47", CP: "cin_cp_plan"}
FIELDS = {  # each kind's own leaf elements (one value per record)
    CHILD: (Field("child_id", "LAchildID", required=True), Field("dob", "PersonBirthDate", "date"),
            Field("sex", "Sex"), Field("gender_current", "GenderCurrent"), Field("ethnicity", "Ethnicity")),
    EPISODE: (Field("referral_date", "CINreferralDate", "date", required=True),
              Field("referral_source", "ReferralSource"), Field("primary_need", "PrimaryNeedCode"),
              Field("closure_date", "CINclosureDate", "date"), Field("closure_reason", "ReasonForClosure"),
              Field("referral_nfa", "ReferralNFA", "bool")),
    ASSESSMENT: (Field("start_date", "AssessmentActualStartDate", "date"),
                 Field("authorisation_date", "AssessmentAuthorisationDate", "date")),
    PLAN: (Field("start_date", "CINPlanStartDate", "date"), Field("end_date", "CINPlanEndDate", "date")),
    S47: (Field("start_date", "S47ActualStartDate", "date"), Field("icpc_target", "InitialCPCtarget", "date"),
          Field("icpc_date", "DateOfInitialCPC", "date"), Field("icpc_not_required", "ICPCnotRequired", "bool")),
    CP: (Field("start_date", "CPPstartDate", "date"), Field("end_date", "CPPendDate", "date"),
         Field("initial_category", "InitialCategoryOfAbuse"), Field("latest_category", "LatestCategoryOfAbuse"),
         Field("previous_plans", "NumberOfPreviousCPP", "int")),
}
LISTS = {"Disability": CHILD, "AssessmentFactors": ASSESSMENT, "CPPreviewDate": CP}  # many per record
# Every element read, in code order: the record openers first (code = kind).
ELEMENTS = [OPENED_BY[k] for k in sorted(OPENED_BY)] + [f.source for k in FIELDS for f in FIELDS[k]] + list(LISTS)
CODE = {name: code for code, name in enumerate(ELEMENTS)}
OWNER = {**{f.source: k for k, fields in FIELDS.items() for f in fields}, **LISTS}  # leaf -> its record kind
ROOT_ELEMENT = re.compile(r"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")
GENDER_CURRENT = (pa.array(["1", "2", "0", "9"]), pa.array(["M", "F", "U", "U"]))  # to 2023/24 -> Sex


# ------------------------------------------------------------------ reading a file

def recognises(start: str) -> bool:
    """Whether the start of an XML file has <Message> (any namespace) as its root element."""
    root = ROOT_ELEMENT.search(start)
    return root is not None and root.group(1) == "Message"


def read(path: Path, file: str, year: int | None = None) -> ReturnFile:
    with xmlfile.Workers() as workers:
        return start(path, file, year, workers)()


def start(path: Path, file: str, year: int | None, workers: xmlfile.Workers,
          progress: Callable[[int], None] = lambda done: None) -> Callable[[], ReturnFile]:
    """Hand the file's pieces to `workers` now; the function returned waits for them
    and gives the file's tables (so other files can be read meanwhile)."""
    reading = xmlfile.start(path, file, LAYOUT, workers, progress)

    def finish() -> ReturnFile:
        outcome = reading()
        errors = outcome.errors(file)
        if errors:
            raise FileRejected(errors)
        result = ReturnFile(path, SHAPE, outcome.tables(), rows_read=outcome.records)
        result.collection_year = _collection_year(file, outcome.header, year)
        result.record_lines = outcome.record_lines()
        return result
    return finish


def _collection_year(file: str, in_header: str | None, given: int | None) -> int:
    header_year = None
    if in_header and in_header.strip().isdigit():
        header_year = check_year(file, int(in_header.strip()), "Header/CollectionDetails/Year")
    if header_year and given and header_year != given:
        raise FileRejected([ReturnError(file, f"the file's Header/CollectionDetails/Year is {header_year} "
                                              f"but --year says {given}", column="Year")])
    if not (header_year or given):
        raise FileRejected([ReturnError(file, "has no collection year in Header/CollectionDetails/Year "
                                              "(e.g. <Year>2026</Year> for 2025/26); add it or use --year",
                                        column="Year")])
    return header_year or given


# ------------------------------------------------------------------ records

class Records:
    """The elements Headway reads from some Child elements, in document order: one
    walk in Python collects each element's name (as a code) and text; which record
    each belongs to is then worked out from that order with numpy, not per element."""

    def __init__(self, namespace: str = ""):
        self.tags = [f"{{{namespace}}}{t}" if namespace else t for t in ELEMENTS]
        self.code_of = {tag: code for code, tag in enumerate(self.tags)}
        self.codes = array("b")  # numpy reads it without a copy (a list of ints took 13 ms a piece)
        self.texts: list[str | None] = []

    def walk(self, roots) -> None:
        add_code, add_text, code_of, tags = self.codes.append, self.texts.append, self.code_of, self.tags
        for root in roots:
            for element in root.iter(*tags):  # lxml skips every other element in C
                add_code(code_of[element.tag])
                add_text(element.text)


class Order:
    """For every element walked, the record of each kind it falls in (-1: none).

    A record of a kind is the one opened last, unless an ancestor kind opened a new
    record since (a new CINdetails closes the last Section47, so the CINdetails's own
    DateOfInitialCPC is never put on it)."""

    def __init__(self, records: Records):
        self.codes = np.frombuffer(records.codes, dtype=np.int8)
        self.texts = clean(pa.array(records.texts, pa.string()))
        position = np.arange(len(self.codes))
        opens = {k: self.codes == k for k in OPENED_BY}
        last_opened = {k: np.maximum.accumulate(np.where(opens[k], position, -1)) if len(position) else position
                       for k in OPENED_BY}
        self.count = {k: int(np.count_nonzero(opens[k])) for k in OPENED_BY}
        self.current = {}
        for kind in OPENED_BY:
            ancestors = [last_opened[a] for a in _ancestors(kind)]
            newest_ancestor = np.max(ancestors, axis=0) if ancestors else -1
            number = np.cumsum(opens[kind]) - 1
            self.current[kind] = np.where(last_opened[kind] > newest_ancestor, number, -1)

    def parents(self, kind: int) -> np.ndarray:
        """The parent record of each record of `kind` (-1: not inside one)."""
        return self.current[PARENT[kind]][self.codes == kind]

    def values(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(positions in the walk, owning records) of every <name> element."""
        at = np.flatnonzero(self.codes == CODE[name])
        return at, self.current[OWNER[name]][at]

    @property
    def total(self) -> int:
        return sum(self.count.values()) + int((self.codes == CODE["CPPreviewDate"]).sum())


def _ancestors(kind: int) -> list[int]:
    chain = []
    while PARENT[kind] is not None:
        kind = PARENT[kind]
        chain.append(kind)
    return chain


def walk(roots: list, namespace: str, found: Located) -> tuple[dict[str, pa.Table], int]:
    """The staging tables for the Child elements in `roots` (or below them)."""
    records = Records(namespace)
    records.walk(roots)
    return to_tables(records, roots, found)


def to_tables(records: Records, roots, found: Located) -> tuple[dict[str, pa.Table], int]:
    """The staging tables for the records, and how many records; problems (with
    the lines of the elements, as the parser numbered them) go to `found`."""
    order, locate = Order(records), _Locator(roots)
    columns = {}
    for kind, fields in FIELDS.items():
        texts = {f.source: _scatter(order, kind, f.source) for f in fields}
        columns[kind], problems = convert(list(fields), texts, DATE_FORMATS)
        for p in problems:
            rows = [locate(OPENED_BY[kind], i, p.source) for i in p.positions[:ERRORS_SHOWN]]
            found.add(TABLE_OF[kind], p.source, p.message, rows, len(p.positions))
        _check_parents(order, kind, locate, found)
    _add_keys(order, columns)
    tables = {TABLE_OF[k]: staging_table(TABLE_OF[k], _with_derived(k, order, columns[k])) for k in FIELDS}
    tables["cin_cp_review"] = _reviews(order, columns[CP], locate, found)
    return tables, order.total


def _scatter(order: Order, kind: int, name: str) -> pa.Array:
    """One value per record of `kind` (the last, if an element is repeated)."""
    at, owners = order.values(name)
    where = np.full(order.count[kind], -1, dtype=np.int64)
    inside = owners >= 0
    where[owners[inside]] = at[inside]
    return pc.take(order.texts, pa.array(where, mask=where < 0))


def _check_parents(order: Order, kind: int, locate, found: Located) -> None:
    if PARENT[kind] is None:
        return
    orphans = np.flatnonzero(order.parents(kind) < 0)
    if len(orphans):
        rows = [locate(OPENED_BY[kind], i) for i in orphans[:ERRORS_SHOWN]]
        found.add(TABLE_OF[kind], OPENED_BY[kind], f"is not inside a <{OPENED_BY[PARENT[kind]]}> element",
                  rows, len(orphans))


def _take(values: pa.Array, indexes: np.ndarray) -> pa.Array:
    return pc.take(values, pa.array(indexes, mask=indexes < 0))


def _add_keys(order: Order, columns: dict[int, dict]) -> None:
    """Every record below a child carries child_id, and below an episode its referral_date."""
    child, episode = columns[CHILD], columns[EPISODE]
    episode["child_id"] = _take(child["child_id"], order.parents(EPISODE))
    for kind in (ASSESSMENT, PLAN, S47, CP):
        columns[kind]["child_id"] = _take(episode["child_id"], order.parents(kind))
        columns[kind]["referral_date"] = _take(episode["referral_date"], order.parents(kind))


def _with_derived(kind: int, order: Order, columns: dict) -> dict:
    """Sex from either element, and the joined lists."""
    if kind == CHILD:
        gender = columns.pop("gender_current")
        as_sex = pc.take(GENDER_CURRENT[1], pc.index_in(gender, GENDER_CURRENT[0]))
        columns["sex"] = pc.coalesce(columns["sex"], as_sex, gender)
        columns["disabilities"] = _joined(order, CHILD, "Disability")
    if kind == ASSESSMENT:
        columns["factors"] = _joined(order, ASSESSMENT, "AssessmentFactors")
    return columns


def _joined(order: Order, kind: int, name: str) -> pa.Array:
    """Every <name> value of each record, joined with ',' in the file's order; NULL if none."""
    at, owners = order.values(name)
    values = order.texts.take(pa.array(at))
    keep = (owners >= 0) & values.is_valid().to_numpy(zero_copy_only=False)
    owners, values = owners[keep], values.filter(pa.array(keep))
    offsets = np.r_[0, np.cumsum(np.bincount(owners, minlength=order.count[kind]))].astype(np.int32)
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), values), ",")
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def _reviews(order: Order, cp: dict, locate, found: Located) -> pa.Table:
    at, owners = order.values("CPPreviewDate")
    texts = {"CPPreviewDate": order.texts.take(pa.array(at))}
    columns, problems = convert([Field("review_date", "CPPreviewDate", "date")], texts, DATE_FORMATS)
    for p in problems:
        rows = [locate("CPPreviewDate", i) for i in p.positions[:ERRORS_SHOWN]]
        found.add("cin_cp_review", p.source, p.message, rows, len(p.positions))
    inside = pa.array(owners >= 0)
    return staging_table("cin_cp_review", {
        "child_id": _take(cp["child_id"], owners).filter(inside),
        "plan_start_date": _take(cp["start_date"], owners).filter(inside),
        "review_date": columns["review_date"].filter(inside),
    })


class _Locator:
    """The line of the n-th <container> in the walked elements (or of its first
    <leaf>): found only for the few bad values, by walking again."""

    def __init__(self, roots):
        self.roots = roots

    def __call__(self, container: str, nth: int, leaf: str | None = None) -> int:
        seen = 0
        for root in self.roots:
            for element in root.iter(f"{{*}}{container}"):
                if seen == nth:
                    found = next(element.iter(f"{{*}}{leaf}"), element) if leaf else element
                    return found.sourceline
                seen += 1
        return 0


LAYOUT = xmlfile.Layout(record="Child", header=("CollectionDetails", "Year"), walk=walk,
                        tables=(*TABLE_OF.values(), "cin_cp_review"))
