"""ONS mid-year population estimates as the DfE publishes them (explore education
statistics layout), for rates per 10,000 children.

Columns read: time_period (the mid-year, e.g. 2024 for mid-2024), geographic_level,
old_la_code (the DfE's 3-digit authority number), la_name, age_group and
population_estimate. Only rows at 'Local authority' level for children aged 0 to 17
are kept (the national file has every authority; the build picks the council's).
The file is reference data, not a collection year: each load replaces the last.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc

from headway.returns.convert import Field
from headway.returns.csvtext import TextTable, read_shape
from headway.returns.shapes import CsvShape, ReturnFile

AGE_0_TO_17 = r"(?i)\b0\s*(to|-)\s*17\b"  # "Children aged 0 to 17 years", "0-17"
LOCAL_AUTHORITY = "local authority"

SHAPES = (
    CsvShape("ONS population 0-17", "population", (
        Field("time_period", "TIME_PERIOD", "int", required=True),
        Field("la_code", "OLD_LA_CODE", required=True), Field("la_name", "LA_NAME"),
        Field("population_0_17", "POPULATION_ESTIMATE", "int", required=True),
    ), identifying=("TIME_PERIOD", "GEOGRAPHIC_LEVEL", "OLD_LA_CODE", "AGE_GROUP", "POPULATION_ESTIMATE")),
)


def read(text: TextTable, shape: CsvShape, path: Path, year: int | None = None) -> ReturnFile:
    """`year` is ignored: each row says its own mid-year."""
    return read_shape(text, shape, path, (), select=_children_by_authority)


def _children_by_authority(texts):
    level = pc.utf8_lower(texts["GEOGRAPHIC_LEVEL"])
    return pc.and_(pc.equal(level, LOCAL_AUTHORITY), pc.match_substring_regex(texts["AGE_GROUP"], AGE_0_TO_17))
