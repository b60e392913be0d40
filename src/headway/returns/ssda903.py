"""The SSDA903 return (children looked after): one CSV file per table.

Headway reads every table of the 903, collection years 2022/23 to 2025/26: Header,
Episodes, Reviews, UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing and
SWEpisodes (SHAPES below, one per table, with the DfE's column names). Each is
recognised by its columns, never by its file name (councils name them anything).
Codes are kept as written (whether a code is valid in its year is for the DfE's
rules, `headway validate`), but for SEX: 1/2 (the code until 2023/24) are read as
M/F (the code from 2024/25), so a child's sex means one thing across years.

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
DOB = Field("dob", "DOB", "date")
OC2_FLAGS = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
             "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")

SHAPES = (
    CsvShape("SSDA903 Header", "ssda903_header", (
        CHILD, Field("sex", "SEX"), DOB, Field("ethnic", "ETHNIC"),
    ), identifying=("CHILD", "SEX", "DOB", "ETHNIC")),
    CsvShape("SSDA903 Episodes", "ssda903_episodes", (
        CHILD, Field("decom", "DECOM", "date", required=True), Field("rne", "RNE"), Field("ls", "LS"),
        Field("cin", "CIN"), Field("place", "PLACE"), Field("place_provider", "PLACE_PROVIDER"),
        Field("dec", "DEC", "date"), Field("rec", "REC"), Field("reason_place_change", "REASON_PLACE_CHANGE"),
        Field("home_post", "HOME_POST"), Field("pl_post", "PL_POST"),
    ), identifying=("CHILD", "DECOM", "RNE", "LS", "PLACE")),
    CsvShape("SSDA903 Reviews", "ssda903_reviews", (
        CHILD, Field("review", "REVIEW", "date", required=True), Field("review_code", "REVIEW_CODE"),
    ), identifying=("CHILD", "DOB", "REVIEW", "REVIEW_CODE")),
    CsvShape("SSDA903 UASC", "ssda903_uasc", (
        CHILD, Field("sex", "SEX"), DOB, Field("duc", "DUC", "date"),
    ), identifying=("CHILD", "DOB", "DUC")),
    CsvShape("SSDA903 OC2", "ssda903_oc2", (
        CHILD, DOB, Field("sdq_score", "SDQ_SCORE", "int"), Field("sdq_reason", "SDQ_REASON"),
        *(Field(name.lower(), name, "bool") for name in OC2_FLAGS),
    ), identifying=("CHILD", "DOB", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK")),
    CsvShape("SSDA903 OC3", "ssda903_oc3", (
        CHILD, DOB, Field("in_touch", "IN_TOUCH"), Field("activ", "ACTIV"), Field("accom", "ACCOM"),
    ), identifying=("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")),
    CsvShape("SSDA903 AD1", "ssda903_ad1", (
        CHILD, DOB, Field("date_int", "DATE_INT", "date"), Field("date_match", "DATE_MATCH", "date"),
        Field("foster_care", "FOSTER_CARE", "bool"), Field("nb_adoptr", "NB_ADOPTR"),
        Field("sex_adoptr", "SEX_ADOPTR"), Field("ls_adoptr", "LS_ADOPTR"),
    ), identifying=("CHILD", "DOB", "DATE_INT", "DATE_MATCH")),
    CsvShape("SSDA903 PlacedAdoption", "ssda903_placed_adoption", (
        CHILD, DOB, Field("date_placed", "DATE_PLACED", "date"),
        Field("date_placed_ceased", "DATE_PLACED_CEASED", "date"),
        Field("reason_placed_ceased", "REASON_PLACED_CEASED"),
    ), identifying=("CHILD", "DOB", "DATE_PLACED")),
    CsvShape("SSDA903 PrevPerm", "ssda903_prev_perm", (
        CHILD, DOB, Field("prev_perm", "PREV_PERM"), Field("la_perm", "LA_PERM"), Field("date_perm", "DATE_PERM"),
    ), identifying=("CHILD", "DOB", "PREV_PERM")),
    CsvShape("SSDA903 Missing", "ssda903_missing", (
        CHILD, DOB, Field("missing", "MISSING"), Field("mis_start", "MIS_START", "date"),
        Field("mis_end", "MIS_END", "date"),
    ), identifying=("CHILD", "DOB", "MISSING", "MIS_START")),
    CsvShape("SSDA903 SWEpisodes", "ssda903_sw_episodes", (
        CHILD, DOB, Field("sw_id", "SW_ID"), Field("sw_decom", "SW_DECOM", "date"),
        Field("sw_dec", "SW_DEC", "date"), Field("sw_reason", "SW_REASON"),
    ), identifying=("CHILD", "DOB", "SW_ID", "SW_DECOM")),
)
# SEX until 2023/24 -> SEX from 2024/25 (measures.md 2.1, DfE rule 101)
SEX_NUMBERS_AS_LETTERS = {"1": "M", "2": "F"}


def read(text: TextTable, shape: CsvShape, path: Path, year: int | None = None) -> ReturnFile:
    result = read_shape(text, shape, path, DATE_FORMATS)
    result.tables[shape.table] = _sex_as_letters(result.tables[shape.table])
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


def _sex_as_letters(table: pa.Table) -> pa.Table:
    """SEX 1/2 (up to 2023/24) as M/F (from 2024/25); any other value as written."""
    if "sex" not in table.column_names:
        return table
    sex = table["sex"]
    for number, letter in SEX_NUMBERS_AS_LETTERS.items():
        sex = pc.if_else(pc.equal(sex, number), letter, sex)
    return table.set_column(table.schema.get_field_index("sex"), "sex", sex)
