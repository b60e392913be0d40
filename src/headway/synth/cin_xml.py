"""The CIN Census XML, one file per collection year, 2024/25 shape (measures.md 3.1),
except that years before 2024/25 carry GenderCurrent (1/2) rather than Sex, as
those years' returns did.

A year's file holds every CIN episode (CINdetails) open at any time in the year:
referred in the year, or referred earlier and still open on 1 April. Inside an
episode, each module (assessment, CIN plan, section 47, CP plan) appears if it
was open at any time in the year, showing only what was known on 31 March:
an assessment authorised after 31 March has no authorisation date or factors
yet; an S47 not yet concluded has neither an ICPC date nor ICPCnotRequired true;
a CP plan lists its review conferences up to 31 March.

The file is written a chunk of children at a time, and each chunk is built
column-wise with pyarrow string kernels (no element tree): memory stays flat
and a few hundred thousand children take seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.synth import params
from headway.synth.children import unknown_upn_codes, upn_strings
from headway.synth.csv_files import ETHNICITIES
from headway.synth.days import collection_year_bounds
from headway.synth.journeys import CATEGORIES, CLOSURE_REASONS, NFA, REFERRAL_SOURCES
from headway.synth.text import DateText, child_ids, codes, numbers

CHUNK_CHILDREN = 20_000
DISABILITIES = tuple(params.DISABILITY_WEIGHTS)
REVIEW_KEY = 1 << 21  # episode * REVIEW_KEY + day sorts reviews by plan, then date
FIRST_YEAR_WITH_SEX = 2025  # 2024/25 replaced GenderCurrent (1/2) with Sex (M/F) (CIN rule 4180)


def write_cin_year(out_dir: Path, year: int, sim: dict, dates: DateText, la_code: str) -> dict[str, int]:
    first, last = collection_year_bounds(year)
    e, kids = sim["episodes"], sim["children"]
    rows = np.flatnonzero((e["ref"] <= last) & (e["close"] >= first))
    rows = rows[np.lexsort((e["ref"][rows], kids["code"][e["child"][rows]]))]
    child_of = e["child"][rows]
    starts = np.flatnonzero(np.r_[True, child_of[1:] != child_of[:-1]]) if len(rows) else np.zeros(0, np.int64)
    offsets = np.r_[starts, len(rows)]
    reviews = sim["cp_reviews"]
    review_keys = np.sort(reviews["ep"].astype(np.int64) * REVIEW_KEY + reviews["date"])
    context = _Context(e, kids, year, first, last, dates, _factor_fragments(sim["factor_sets"]), review_keys)

    path = out_dir / "cin" / f"cin_census_{year}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    counted = 0
    with path.open("wb") as fh:
        fh.write(_header(year, la_code).encode())
        for c0 in range(0, len(starts), CHUNK_CHILDREN):
            c1 = min(c0 + CHUNK_CHILDREN, len(starts))
            chunk_rows = rows[offsets[c0]:offsets[c1]]
            chunk_offsets = offsets[c0:c1 + 1] - offsets[c0]
            text, n = _children_text(context, chunk_rows, child_of[starts[c0:c1]], chunk_offsets)
            fh.write(text)
            counted += n
        fh.write(b"\n  </Children>\n</Message>\n")
    return {f"cin/cin_census_{year}.xml": counted}


class _Context:
    def __init__(self, e, kids, year, first, last, dates, factors, review_keys):
        self.e, self.kids, self.year, self.first, self.last = e, kids, year, first, last
        self.dates, self.factors, self.review_keys = dates, factors, review_keys

    def open_in_year(self, start, end):
        """A module open at any time in the year (started by 31 March, not ended before 1 April)."""
        return (start <= self.last) & (end >= self.first)

    def date(self, days, shown=None):
        shown_by_31_march = days <= self.last
        return self.dates.iso_dates(days, shown_by_31_march if shown is None else shown & shown_by_31_march)


def _el(name: str, values, depth: int) -> pa.Array:
    """<name>value</name> on its own line, or nothing where the value is null."""
    tagged = pc.binary_join_element_wise(f"\n{'  ' * depth}<{name}>", values, f"</{name}>", "")
    return pc.fill_null(tagged, "")


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _block(present: np.ndarray, *parts) -> pa.Array:
    return pc.if_else(pa.array(present), _join(*parts), "")


def _children_text(cx: _Context, rows, children, offsets) -> tuple[bytes, int]:
    episodes, counted = _episodes_text(cx, rows)
    episode_lists = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), episodes), "")
    kids = cx.kids
    code = kids["code"][children]
    upn_known = kids["upn_known"][children]
    upn = np.array(upn_strings(code), dtype=object)
    upn_unknown = unknown_upn_codes(kids["dob"][children], cx.year)
    disability_key = (kids["disability_1"][children] + 1) * (len(DISABILITIES) + 1) + kids["disability_2"][children] + 1
    text = _join(
        "\n    <Child>\n      <ChildIdentifiers>",
        _el("LAchildID", child_ids(code), 4),
        _el("UPN", pa.array(np.where(upn_known, upn, None).tolist(), pa.string()), 4),
        _el("UPNunknown", pa.array(np.where(upn_known, None, upn_unknown).tolist(), pa.string()), 4),
        _el("PersonBirthDate", cx.dates.iso_dates(kids["dob"][children]), 4),
        _sex(cx.year, kids["sex"][children]),
        "\n      </ChildIdentifiers>\n      <ChildCharacteristics>",
        _el("Ethnicity", codes(ETHNICITIES, kids["ethnicity"][children]), 4),
        pc.take(_disability_fragments(), pa.array(disability_key.astype(np.int64))),
        "\n      </ChildCharacteristics>",
        episode_lists,
        "\n    </Child>",
    )
    whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(text)], pa.int32()), text), "")
    return whole[0].as_buffer().to_pybytes(), counted + len(children)


def _sex(year: int, sex: np.ndarray) -> pa.Array:
    if year >= FIRST_YEAR_WITH_SEX:
        return _el("Sex", codes(tuple(params.SEX_WEIGHTS), sex), 4)
    return _el("GenderCurrent", codes(("1", "2"), sex), 4)


def _episodes_text(cx: _Context, rows) -> tuple[pa.Array, int]:
    """One CINdetails block per episode row, and the number of records written."""
    e = {name: column[rows] for name, column in cx.e.items()}
    closed = e["close"] <= cx.last
    assessment = cx.open_in_year(e["asmt_start"], e["asmt_auth"])
    plan1 = cx.open_in_year(e["plan1_start"], e["plan1_end"])
    plan2 = cx.open_in_year(e["plan2_start"], e["plan2_end"])
    s47 = cx.open_in_year(e["s47_start"], e["s47_end"])
    cp = cx.open_in_year(e["cp_start"], e["cp_end"])
    reviews_text, n_reviews = _reviews_text(cx, rows, cp)
    text = _join(
        "\n      <CINdetails>",
        _el("CINreferralDate", cx.date(e["ref"]), 4),
        _el("ReferralSource", codes(REFERRAL_SOURCES, e["source"]), 4),
        _el("PrimaryNeedCode", codes(params.NEED_CODES, e["need"]), 4),
        _el("CINclosureDate", cx.date(e["close"], closed), 4),
        _el("ReasonForClosure", codes(CLOSURE_REASONS, e["close_reason"], closed), 4),
        _assessment_text(cx, e, assessment),
        _plan_text(cx, e["plan1_start"], e["plan1_end"], plan1),
        _plan_text(cx, e["plan2_start"], e["plan2_end"], plan2),
        _s47_text(cx, e, s47),
        _el("ReferralNFA", pa.array(np.where(e["route"] == NFA, "1", "0")), 4),
        _cp_text(cx, e, cp, reviews_text),
        "\n      </CINdetails>",
    )
    counted = len(rows) + assessment.sum() + plan1.sum() + plan2.sum() + s47.sum() + cp.sum() + n_reviews
    return text, int(counted)


def _assessment_text(cx: _Context, e, present) -> pa.Array:
    authorised = e["asmt_auth"] <= cx.last
    # the manager's internal review: the day of authorisation or up to 3 days before
    review = np.maximum(e["asmt_start"], e["asmt_auth"] - (e["ref"] % 4))
    factors = np.where(authorised & (e["factors"] >= 0), e["factors"], 0)
    return _block(
        present,
        "\n        <Assessments>",
        _el("AssessmentActualStartDate", cx.date(e["asmt_start"]), 5),
        _el("AssessmentInternalReviewDate", cx.date(review, authorised), 5),
        _el("AssessmentAuthorisationDate", cx.date(e["asmt_auth"]), 5),
        pc.if_else(pa.array(authorised), pc.take(cx.factors, pa.array(factors.astype(np.int64))), ""),
        "\n        </Assessments>",
    )


def _plan_text(cx: _Context, start, end, present) -> pa.Array:
    return _block(present, "\n        <CINPlanDates>", _el("CINPlanStartDate", cx.date(start), 5),
                  _el("CINPlanEndDate", cx.date(end), 5), "\n        </CINPlanDates>")


def _s47_text(cx: _Context, e, present) -> pa.Array:
    concluded = e["s47_end"] <= cx.last
    not_required = e["icpc_not_required"] & concluded
    return _block(
        present,
        "\n        <Section47>",
        _el("S47ActualStartDate", cx.date(e["s47_start"]), 5),
        _el("InitialCPCtarget", cx.dates.iso_dates(e["icpc_target"]), 5),
        _el("DateOfInitialCPC", cx.date(e["icpc"]), 5),
        _el("ICPCnotRequired", pa.array(np.where(not_required, "1", "0")), 5),
        "\n        </Section47>",
    )


def _cp_text(cx: _Context, e, present, reviews_text) -> pa.Array:
    return _block(
        present,
        "\n        <ChildProtectionPlans>",
        _el("CPPstartDate", cx.date(e["cp_start"]), 5),
        _el("CPPendDate", cx.date(e["cp_end"]), 5),
        _el("InitialCategoryOfAbuse", codes(CATEGORIES, e["cat_initial"]), 5),
        _el("LatestCategoryOfAbuse", codes(CATEGORIES, e["cat_latest"]), 5),
        _el("NumberOfPreviousCPP", numbers(e["previous_cpp"]), 5),
        reviews_text,
        "\n        </ChildProtectionPlans>",
    )


def _reviews_text(cx: _Context, rows, cp_present) -> tuple[pa.Array, int]:
    """Each plan's review conferences up to 31 March, as a <Reviews> block."""
    keys = cx.review_keys
    base = rows.astype(np.int64) * REVIEW_KEY
    lo = np.searchsorted(keys, base, side="left")
    hi = np.searchsorted(keys, base + cx.last, side="right")
    counts = np.where(cp_present, hi - lo, 0)
    offsets = np.r_[0, np.cumsum(counts)]
    picked = np.repeat(lo - offsets[:-1], counts) + np.arange(offsets[-1])
    review_days = (keys[picked] % REVIEW_KEY).astype(np.int64)
    items = _join("\n            <CPPreviewDate>", cx.dates.iso_dates(review_days), "</CPPreviewDate>")
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), items), "")
    text = pc.if_else(pa.array(counts > 0), _join("\n          <Reviews>", joined, "\n          </Reviews>"), "")
    return text, int(offsets[-1])


def _factor_fragments(factor_sets: list[list[str]]) -> pa.Array:
    return pa.array([
        "\n          <FactorsIdentifiedAtAssessment>"
        + "".join(f"\n            <AssessmentFactors>{code}</AssessmentFactors>" for code in factor_set)
        + "\n          </FactorsIdentifiedAtAssessment>"
        for factor_set in factor_sets
    ])


def _disability_fragments() -> pa.Array:
    """Every pair (first, second) of disability codes, -1 = none: NONE when no disability."""
    names = (None,) + DISABILITIES
    out = []
    for a in names:
        for b in names:
            listed = [x for x in (a, b) if x] or ["NONE"]
            items = "".join(f"\n          <Disability>{x}</Disability>" for x in listed)
            out.append(f"\n        <Disabilities>{items}\n        </Disabilities>")
    return pa.array(out)


def _header(year: int, la_code: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
        f"      <Collection>CIN</Collection>\n      <Year>{year}</Year>\n"
        f"      <ReferenceDate>{year}-03-31</ReferenceDate>\n    </CollectionDetails>\n    <Source>\n"
        f"      <SourceLevel>L</SourceLevel>\n      <LEA>{la_code}</LEA>\n"
        "      <SoftwareCode>Headway synthetic generator</SoftwareCode>\n      <Release>1</Release>\n"
        f"      <SerialNo>001</SerialNo>\n      <DateTime>{year}-05-15T09:00:00</DateTime>\n    </Source>\n"
        "  </Header>\n  <Children>"
    )

