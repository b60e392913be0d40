"""How far a placement is from home, worked out at load time (measure L06).

The DfE derives PL_DISTANCE from the 903's HOME_POST and PL_POST: the straight
line between the two postcodes' Ordnance Survey grid references, in miles (metres
/ 1000 / 1.6093), to one decimal place, as the DfE's guidance gives it and
csc-validator-be-903 computes it. That needs the whole postcodes, which staging
does not keep (privacy.py cuts them to sectors), so staging.py has this module
work the distance out first and keep it, as `pl_distance`. It is blank where
either postcode is blank, not a postcode, or not in the national list
(postcode_list.py); L06 counts such a placement in its total, not as far away.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.postcode_list import postcodes_starting

METRES_PER_MILE = 1000 * 1.6093  # as the DfE's guidance rounds it
COLUMNS = ("home_post", "pl_post", "pl_distance")


def add_placement_distance(table: pa.Table) -> pa.Table:
    """The table with pl_distance filled in, if it has the three columns."""
    if not set(COLUMNS) <= set(table.column_names):
        return table
    miles = placement_miles(table.column("home_post"), table.column("pl_post"))
    return table.set_column(table.column_names.index("pl_distance"), "pl_distance", miles)


def placement_miles(home, placement) -> pa.Array:
    """Miles from each home postcode to its placement postcode, to one decimal place."""
    home_east, home_north = grid_references(home)
    placed_east, placed_north = grid_references(placement)
    metres = np.hypot(home_east - placed_east, home_north - placed_north)
    miles = np.round(metres / METRES_PER_MILE, 1)
    return pa.array(miles, type=pa.float64(), mask=np.isnan(miles))


def grid_references(postcodes) -> tuple[np.ndarray, np.ndarray]:
    """Each postcode's easting and northing in metres (NaN where it is not known),
    matched with the spaces taken out and in capitals, one first letter at a time."""
    if isinstance(postcodes, pa.ChunkedArray):
        postcodes = postcodes.combine_chunks()
    squeezed = pc.utf8_upper(pc.replace_substring(postcodes, " ", ""))
    first = pc.utf8_slice_codeunits(squeezed, 0, 1)
    east, north = np.full(len(squeezed), np.nan), np.full(len(squeezed), np.nan)
    for letter in pc.unique(first).to_pylist():
        if not letter or not ("A" <= letter <= "Z"):
            continue
        known, eastings, northings = _letter_grid(letter)
        at = pc.fill_null(pc.index_in(squeezed, value_set=known), -1).to_numpy(zero_copy_only=False)
        found = at >= 0
        east[found], north[found] = eastings[at[found]], northings[at[found]]
    return east, north


@lru_cache(maxsize=None)
def _letter_grid(letter: str) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    data = postcodes_starting(letter)
    known = pc.replace_substring(pa.array(data["pcd"], pa.string()), " ", "")
    return known, np.asarray(data["oseast1m"], dtype=float), np.asarray(data["osnrth1m"], dtype=float)
