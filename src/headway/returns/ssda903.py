"""The SSDA903 return (children looked after): one CSV file per table.

Headway reads three of the 903's tables: Header, Episodes and Reviews. Each is
recognised by its columns, never by its file name (councils name them anything).
Other 903 tables (UASC, AD1, OC2, ...) are not read yet.

Dates are DD/MM/YYYY, as the DfE specifies, or YYYY-MM-DD (some case-management
exports). CHILD is text, kept exactly as written apart from spaces at the ends
(0123 is not 123).

The collection year (2026 = 1 April 2025 to 31 March 2026), first that applies:
1. `--year` on the command line;
2. the folder the file is in, when it is named as a year (ssda903/2026/episodes.csv);
3. the year ending on the 31 March after the latest date in the file (a note on the
   load result says so, since a Header file's dates are birth dates).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from headway.returns.convert import Field
from headway.returns.csvtext import TextTable, read_shape
from headway.returns.shapes import (CsvShape, ReturnFile, check_year, year_ending_after,
                                    year_from_folder, year_label)

DATE_FORMATS = ("DD/MM/YYYY", "YYYY-MM-DD")
CHILD = Field("child_id", "CHILD", required=True)

SHAPES = (
    CsvShape("SSDA903 Header", "ssda903_header", (
        CHILD, Field("sex", "SEX"), Field("dob", "DOB", "date"), Field("ethnic", "ETHNIC"),
    ), identifying=("CHILD", "SEX", "DOB", "ETHNIC")),
    CsvShape("SSDA903 Episodes", "ssda903_episodes", (
        CHILD, Field("decom", "DECOM", "date", required=True), Field("rne", "RNE"), Field("ls", "LS"),
        Field("cin", "CIN"), Field("place", "PLACE"), Field("place_provider", "PLACE_PROVIDER"),
        Field("dec", "DEC", "date"), Field("rec", "REC"), Field("reason_place_change", "REASON_PLACE_CHANGE"),
    ), identifying=("CHILD", "DECOM", "RNE", "LS", "PLACE")),
    CsvShape("SSDA903 Reviews", "ssda903_reviews", (
        CHILD, Field("review", "REVIEW", "date", required=True), Field("review_code", "REVIEW_CODE"),
    ), identifying=("CHILD", "DOB", "REVIEW", "REVIEW_CODE")),
)


def read(text: TextTable, shape: CsvShape, path: Path, year: int | None = None) -> ReturnFile:
    result = read_shape(text, shape, path, DATE_FORMATS)
    result.collection_year = check_year(text.file, year, "--year") or check_year(
        text.file, year_from_folder(path), "the folder name") or _year_from_dates(result.tables[shape.table], result)
    return result


def _year_from_dates(table: pa.Table, result: ReturnFile) -> int | None:
    dates = [pc.max(table[f.name]).as_py() for f in table.schema if pa.types.is_date32(f.type)]
    latest = max((d for d in dates if d is not None), default=None)
    if latest is None:
        return None
    year = year_ending_after(latest)
    result.notes.append(f"collection year {year_label(year)} taken from the latest date in the file "
                        "(name its folder by year, e.g. ssda903/2026/, or use --year, to be sure)")
    return year
