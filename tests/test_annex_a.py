"""The Ofsted Annex A reader (returns/annex_a.py) and the synthetic workbook.

- Round trip: the synthetic workbooks read back row for row, with the values in
  the cells (read here with openpyxl, independently of the reader), and agree with
  the CIN Census and 903 written from the same children.
- Variants: the workbook written the way real councils send it (title rows, other
  sheet names and header spellings, coded values, dates and ages in other forms)
  stages exactly the same data; and each variant on its own, in a hand-made workbook.
- Bad inputs: a zip bomb, an .xls renamed .xlsx, an encrypted workbook, an empty
  workbook, a workbook with no Annex A list, a bad cell: each refused with a clear
  error naming file (and sheet, row and column where there is one), nothing staged.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from lxml import etree

from headway.config import Settings
from headway.errors import FileRejected
from headway.returns import annex_a, annex_a_cells, read_return
from headway.returns.annex_a_lists import LISTS, header_key, staging_columns
from headway.synth import generate
from headway.warehouse.staging import load_files
from headway.warehouse.tables import STAGING_TABLES

D = dt.date.fromisoformat
YEARS = (2025, 2026)
THIRD_PARTY = Path(__file__).resolve().parents[2] / "shared/reference/thirdparty/liia-annex-a/Annex_A_2024_Jan.xlsx"


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("plain")
    return out, generate(out, children=3000, years=2)


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("varied")
    return out, generate(out, children=3000, years=2, annex_a_variants=True)


def workbook_name(year: int) -> str:
    return f"annex_a/annex_a_{year}-03-31.xlsx"


def sheet_rows(path: Path, title: str) -> tuple[list, list[tuple]]:
    """(header, data rows) of a plain synthetic sheet, read with openpyxl alone."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [r for r in book[title].iter_rows(values_only=True) if any(v is not None for v in r)]
    book.close()
    return list(rows[0]), rows[1:]


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook made with openpyxl (as Excel would save it): sheet name -> rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rejected(path: Path) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read_return(path, file=path.name)
    return caught.value


def refuses_to_load(path: Path, tmp_path: Path) -> list:
    """The load refuses the file and writes nothing to staging."""
    settings = Settings(workspace=tmp_path / "ws")
    with pytest.raises(FileRejected) as caught:
        load_files([path], settings)
    assert not list(settings.staging_dir.glob("annex_a_*/*.parquet"))
    return caught.value.errors


# ------------------------------------------------------------------ round trip

def test_each_synthetic_workbook_reads_back_every_row(plain):
    out, written = plain
    for year in YEARS:
        path = out / workbook_name(year)
        result = read_return(path)
        assert result.rows_read == written[workbook_name(year)]
        for annex in LISTS:
            _, rows = sheet_rows(path, annex.sheet_name)
            assert result.tables[annex.table].num_rows == len(rows), annex.sheet_name
        assert result.staging_label == f"{year}-03-31"
        assert {d for t in result.tables.values() for d in t.column("extract_date").to_pylist()} == {D(f"{year}-03-31")}


def test_cells_are_staged_as_written(plain):
    out, _ = plain
    path = out / workbook_name(2026)
    tables = read_return(path).tables
    header, rows = sheet_rows(path, "List 8")
    staged = tables["annex_a_list8"].to_pylist()
    column = {name: header.index(name) for name in header}
    sexes = {"a) Male": "M", "b) Female": "F"}
    for cells, row in zip(rows, staged):
        assert row["child_id"] == cells[column["Child Unique ID"]]
        assert len(row["child_id"]) == 8  # text, leading zeros kept
        assert row["sex"] == sexes[cells[column["Gender"]]]
        assert row["ethnicity"] == cells[column["Ethnicity"]].split(") ")[1]
        assert row["dob"] == cells[column["Date of Birth"]].date()
        assert row["care_start_date"] == cells[column["Date Started to be Looked After"]].date()
        assert row["legal_status"] == cells[column["Child's Legal Status"]].split(":")[0]
        assert row["placement_location"] == cells[column["Placement Location"]].split(") ")[1]
        assert row["missing_episodes"] == cells[column[next(h for h in header if "Missing" in h)]]
    assert any(r["child_id"].startswith("0") for r in staged + tables["annex_a_list1"].to_pylist())


def cin_referrals(path: Path, year: int) -> list[tuple[str, dt.date]]:
    first, last = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    found = []
    for child in etree.parse(str(path)).getroot().iter("Child"):
        child_id = child.findtext("ChildIdentifiers/LAchildID")
        for episode in child.iter("CINdetails"):
            day = D(episode.findtext("CINreferralDate"))
            if first <= day <= last:
                found.append((child_id, day))
    return sorted(found)


def test_lists_agree_with_the_cin_census_and_903(plain):
    out, _ = plain
    tables = read_return(out / workbook_name(2026)).tables
    list3 = tables["annex_a_list3"]
    staged = sorted(zip(list3.column("child_id").to_pylist(), list3.column("referral_date").to_pylist()))
    assert staged == cin_referrals(out / "cin" / "cin_census_2026.xml", 2026)
    # every referral had a contact on its day or up to a long weekend before (or on 1 April)
    contacts = set(zip(tables["annex_a_list1"].column("child_id").to_pylist(),
                       tables["annex_a_list1"].column("contact_date").to_pylist()))
    assert all(any((c, d - dt.timedelta(days=k)) in contacts for k in range(5)) or (c, D("2025-04-01")) in contacts
               for c, d in staged)
    assert len(contacts) > 3 * len(staged)  # most contacts go no further
    in_care = set(tables["annex_a_list8"].column("child_id").to_pylist())
    with (out / "ssda903" / "2026" / "header.csv").open() as fh:
        looked_after = {line.split(",")[0] for line in fh.readlines()[1:]}
    assert in_care and in_care <= looked_after


# ------------------------------------------------------------------ variants

def test_the_variant_workbook_stages_the_same_data(plain, varied):
    for year in YEARS:
        one = read_return(plain[0] / workbook_name(year))
        other = read_return(varied[0] / workbook_name(year))
        assert one.staging_label == other.staging_label
        assert set(one.tables) == set(other.tables) == {a.table for a in LISTS}
        for table in one.tables:
            assert one.tables[table].equals(other.tables[table]), table


def test_the_variant_workbook_really_is_written_differently(varied):
    path = varied[0] / workbook_name(2026)
    book = openpyxl.load_workbook(path, read_only=True)
    assert "List1" in book.sheetnames and "List 1" not in book.sheetnames
    rows = list(book["List1"].iter_rows(values_only=True))
    book.close()
    assert rows[0][0].startswith("Annex A List 1") and rows[1][0] == "Extract date:"
    header = rows[3]
    assert "Child ID" in header and "Child Unique ID" not in header
    sexes = {r[1] for r in rows[4:] if r and r[1]}
    assert {"M", "1 - Male", "Male"} & sexes and not {"a) Male", "b) Female"} & sexes


BASE_HEADER = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source"]


def contacts_book(tmp_path: Path, rows: list[list], header=BASE_HEADER, sheet="List 1", above=()) -> Path:
    return write_book(tmp_path / "annex.xlsx", {sheet: [*above, header, *rows]})


def one_row(tmp_path: Path, **cells) -> dict:
    """Stage a one-contact List 1 with some cells replaced; the staged row."""
    values = dict(zip(BASE_HEADER, ["0123", "a) Male", "a) WBRI", dt.datetime(2015, 1, 25), 9,
                                    dt.datetime(2025, 9, 16), "q) 6: Police"]))
    values.update({k.replace("_", " "): v for k, v in cells.items()})
    path = contacts_book(tmp_path, [[values[h] for h in BASE_HEADER]])
    return read_return(path).tables["annex_a_list1"].to_pylist()[0]


@pytest.mark.parametrize("sheet", ["List 1", "List1", "LIST_1", "list 1 - Contacts", " List 1 "])
def test_sheet_names(tmp_path, sheet):
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]], sheet=sheet)
    assert read_return(path).tables["annex_a_list1"].num_rows == 1


def test_title_rows_above_the_header_and_blank_rows(tmp_path):
    above = [["Ofsted Annex A - List 1: Contacts"], ["Extract date:", dt.datetime(2025, 9, 30)], []]
    rows = [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"], [], [None, None],
            ["2", "F", "WBRI", None, 4, dt.datetime(2025, 9, 17), "6"]]
    result = read_return(contacts_book(tmp_path, rows, above=above))
    table = result.tables["annex_a_list1"]
    assert table.column("child_id").to_pylist() == ["1", "2"]
    assert table.column("extract_date").to_pylist() == [D("2025-09-30")] * 2
    assert result.staging_label == "2025-09-30"


@pytest.mark.parametrize("label", [["Extract date", "30/09/2025"], ["Data as at 30/09/2025"],
                                   ["Extracted on:", None, dt.datetime(2025, 9, 30)]])
def test_extract_date_labels(tmp_path, label):
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]], above=[label])
    assert read_return(path).staging_label == "2025-09-30"


def test_without_a_label_the_extract_date_is_the_latest_date_and_says_so(tmp_path):
    path = contacts_book(tmp_path, [["1", "M", "WBRI", dt.datetime(2015, 1, 1), 3, dt.datetime(2025, 9, 16), "6"],
                                    ["2", "M", "WBRI", None, 3, dt.datetime(2025, 9, 19), "6"]])
    result = read_return(path)
    assert result.staging_label == "2025-09-19"
    assert any("latest date in the workbook" in n for n in result.notes)


@pytest.mark.parametrize("header", [
    ["Child ID", "Sex", "Ethnic Origin", "DOB", "Age of Child (Years)", "Contact Date", "Source of Contact"],
    ["CHILD UNIQUE ID", "GENDER", "ETHNICITY", "Date of Birth (dd/mm/yyyy)", "AGE", "DATE OF CONTACT", "CONTACT SOURCE"],
    ["ChildUniqueID", "Gender", "Ethnicity", "DateOfBirth", "Age", "DateOfContact", "ContactSource"],
])
def test_header_spellings(tmp_path, header):
    path = contacts_book(tmp_path, [["7", "M", "WBRI", dt.datetime(2015, 1, 1), 3, dt.datetime(2025, 9, 16), "6"]],
                         header=header)
    row = read_return(path).tables["annex_a_list1"].to_pylist()[0]
    assert (row["child_id"], row["sex"], row["dob"], row["contact_date"], row["contact_source"]) == \
        ("7", "M", D("2015-01-01"), D("2025-09-16"), "6")


@pytest.mark.parametrize("written, staged", [
    ("a) Male", "M"), ("M", "M"), ("1 - Male", "M"), ("Male", "M"), ("male ", "M"), (1, "M"),
    ("b) Female", "F"), ("2", "F"), ("c) Not stated/recorded", "U"), ("d) Neither", "N"),
])
def test_gender_codes(tmp_path, written, staged):
    assert one_row(tmp_path, Gender=written)["sex"] == staged


@pytest.mark.parametrize("written, staged", [
    ("a) WBRI", "WBRI"), ("WBRI", "WBRI"), ("WBRI  [White British]", "WBRI"), ("White - British", "WBRI"),
    ("A1 - White - British", "WBRI"), ("(A.A1)White - British", "WBRI"), ("White British", "WBRI"),
    ("Asian or Asian British - Indian", "AIND"), ("Mixed - White and Black Caribbean", "MWBC"),
    ("Black African", "BAFR"), ("Any other ethnic group", "OOTH"), ("Information not yet obtained", "NOBT"),
    ("Gypsy/Roma", "WROM"), ("s) REFU", "REFU"),
])
def test_ethnicity_spellings(tmp_path, written, staged):
    assert one_row(tmp_path, Ethnicity=written)["ethnicity"] == staged


@pytest.mark.parametrize("written", [dt.datetime(2025, 4, 1), "01/04/2025", "1/4/2025", "2025-04-01",
                                     "01-04-2025", 45748, 45748.0, "45748", "2025-04-01 00:00:00"])
def test_date_forms(tmp_path, written):
    assert one_row(tmp_path, Date_of_Contact=written)["contact_date"] == D("2025-04-01")


@pytest.mark.parametrize("written, staged", [(8.5, 8), (0.3, 0), ("<1", 0), ("18m", 1), ("6 months", 0),
                                             ("8.5yrs", 8), ("12 years", 12), ("3", 3), ("2 weeks", 0)])
def test_age_forms(tmp_path, written, staged):
    assert one_row(tmp_path, Age=written)["age"] == staged


@pytest.mark.parametrize("written, staged", [("q) 6: Police", "6"), ("6", "6"), ("a) 1A: Individual", "1A"),
                                             ("p1) 5D: LA services", "5D"), ("Police", "6"), (6, "6")])
def test_contact_source_codes(tmp_path, written, staged):
    assert one_row(tmp_path, Contact_Source=written)["contact_source"] == staged


@pytest.mark.parametrize("written", ["2025", "31/02/2025", "2025/04/01", "1/4/25", 0, 80000, "next week"])
def test_values_that_are_not_dates_are_refused(tmp_path, written):
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, written, "6"]])
    error = rejected(path).errors[0]
    assert (error.sheet, error.row, error.column) == ("List 1", 2, "Date of Contact")
    assert error.message.startswith("is not a date")


def test_ids_written_as_numbers_and_excel_errors(tmp_path):
    assert one_row(tmp_path, Child_Unique_ID=9212044)["child_id"] == "9212044"
    assert one_row(tmp_path, Child_Unique_ID=" 0123 ")["child_id"] == "0123"
    assert one_row(tmp_path, Gender="#N/A")["sex"] is None


LIST8 = ["Child Unique ID", "Date Started to be Looked After", "Number of Placements in the Last 12 months",
         "Was the child offered a Return Interview after their last missing episode (Y/N)?", "Placement Location",
         "Child's Legal Status", "Placement Type"]


@pytest.mark.parametrize("cells, expected", [
    (["a) Yes", "3,000", "a) In", "C2: FCO", "f) U6: Foster placement - not FFA"], (True, 3000, "In", "C2", "U6")),
    (["Y", 2.0, "b) Out", "E1", "U6"], (True, 2, "Out", "E1", "U6")),
    ([1, "2", "Out of area", "V2 - Single period under S20", "K2"], (True, 2, "Out", "V2", "K2")),
    (["b) No", None, "In", "J1", None], (False, None, "In", "J1", None)),
    (["N", None, None, None, None], (False, None, None, None, None)),
    (["c) Unknown", None, None, None, None], (None, None, None, None, None)),
    ([False, None, None, None, None], (False, None, None, None, None)),
])
def test_yes_no_counts_and_codes_in_list_8(tmp_path, cells, expected):
    rhi, placements, location, legal, place = cells
    path = write_book(tmp_path / "l8.xlsx", {"List 8": [LIST8, ["5", dt.datetime(2024, 1, 1), placements, rhi,
                                                                location, legal, place]]})
    row = read_return(path).tables["annex_a_list8"].to_pylist()[0]
    assert (row["rhi_offered"], row["placements_12m"], row["placement_location"], row["legal_status"],
            row["placement_type"]) == expected


def test_every_header_spelling_belongs_to_one_column_and_tables_match():
    for annex in LISTS:
        claimed: dict[str, str] = {}
        for column in annex.columns:
            for spelling in (column.header, column.name, *column.aliases):
                key = header_key(spelling)
                assert claimed.setdefault(key, column.name) == column.name, (annex.sheet_name, spelling)
        assert staging_columns(annex) == STAGING_TABLES[annex.table]


@pytest.mark.skipif(not THIRD_PARTY.exists(), reason=f"the liia-tools sample is not at {THIRD_PARTY}")
def test_the_liia_tools_sample_workbook():
    """A workbook Headway did not write (numeric IDs, unlabelled codes, '#N/A', formulas)."""
    result = read_return(THIRD_PARTY)
    counts = {t: result.tables[t].num_rows for t in result.tables}
    assert counts == {f"annex_a_list{n}": c for n, c in zip(range(1, 12), (5, 5, 6, 5, 5, 5, 7, 5, 6, 5, 5))}
    first = result.tables["annex_a_list1"].to_pylist()[0]
    assert (first["child_id"], first["sex"], first["ethnicity"], first["contact_date"], first["contact_source"]) \
        == ("9212044", "F", "WBRI", D("2020-09-16"), "6")
    plans = result.tables["annex_a_list7"].to_pylist()
    assert plans[0]["initial_category"] == "PHY" and plans[0]["seen_alone"] is True
    assert result.tables["annex_a_list6"].column("allocated_team").to_pylist()[0] is None  # '#N/A'


# ------------------------------------------------------------------ bad inputs

def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    """The zip directory says a sheet unpacks to ~3.9 GB: refused before anything is unpacked."""
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]])
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02"))  # the first central directory entry
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46:entry + 46 + name_length].startswith(b"xl/worksheets/"):
            struct.pack_into("<I", data, entry + 24, 0xF000_0000)  # uncompressed size
        entry = data.find(b"PK\x01\x02", entry + 4)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(bytes(data))
    assert sum(i.file_size for i in zipfile.ZipFile(bomb).infolist()) > annex_a.MAX_UNCOMPRESSED_BYTES
    error = rejected(bomb).errors[0]
    assert "bomb.xlsx" in str(error) and "zip bomb" in error.message and "nothing was unpacked" in error.message
    assert refuses_to_load(bomb, tmp_path)


def compound_file(streams: list[str]) -> bytes:
    """A minimal OLE2 compound file (what .xls and encrypted .xlsx files are) holding
    empty streams with these names: header, one FAT sector, one directory sector."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = annex_a.OLE2_MAGIC + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, end, 0, end) + struct.pack("<I", 0)
    header += struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int, right: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, right, child) + bytes(16 + 4 + 16) + struct.pack("<II", end, 0)
                + bytes(4))
    entries = [entry("Root Entry", 5, 1, free)]
    entries += [entry(name, 2, free, i + 2 if i + 1 < len(streams) else free) for i, name in enumerate(streams)]
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory


def test_an_xls_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "lists.xlsx"
    path.write_bytes(compound_file(["Workbook", "\x05SummaryInformation"]))
    error = rejected(path).errors[0]
    assert error.file == "lists.xlsx" and ".xls" in error.message and "save it as .xlsx" in error.message
    assert refuses_to_load(path, tmp_path)


def test_a_password_protected_workbook_is_refused(tmp_path):
    path = tmp_path / "protected.xlsx"
    path.write_bytes(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    error = rejected(path).errors[0]
    assert error.file == "protected.xlsx" and "password-protected" in error.message
    assert refuses_to_load(path, tmp_path)


def test_an_empty_workbook_is_refused(tmp_path):
    path = write_book(tmp_path / "empty.xlsx", {"Sheet1": []})
    assert "is an empty workbook" in rejected(path).errors[0].message
    assert refuses_to_load(path, tmp_path)


def test_list_sheets_with_no_rows_are_refused(tmp_path):
    path = write_book(tmp_path / "headers.xlsx", {"List 1": [BASE_HEADER], "List 2": []})
    assert "have no rows of data" in rejected(path).errors[0].message


def test_a_workbook_with_no_annex_a_list_is_refused(tmp_path):
    path = write_book(tmp_path / "budget.xlsx", {"Budget": [["Team", "Spend"], ["A", 10]], "Notes": [["x"]]})
    error = rejected(path).errors[0]
    assert error.file == "budget.xlsx"
    assert "no Annex A list" in error.message and "'Budget', 'Notes'" in error.message
    assert refuses_to_load(path, tmp_path)


def test_a_damaged_zip_is_refused(tmp_path):
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:600])
    assert "damaged" in rejected(cut).errors[0].message


def test_bad_cells_are_named_by_file_sheet_row_and_column_and_nothing_loads(tmp_path):
    above = [["Annex A"], []]
    rows = [["1", "M", "WBRI", None, 3, "31/02/2025", "6"],          # row 4: no 31 February
            ["2", "X", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"],  # row 5: no gender X
            [None, "M", "WBRI", None, "ten", dt.datetime(2025, 9, 16), "6"]]  # row 6: no ID, no age
    path = contacts_book(tmp_path, rows, above=above)
    good = write_book(tmp_path / "good.xlsx", {"List 1": [BASE_HEADER, ["9", "M", "WBRI", None, 3,
                                                                         dt.datetime(2025, 9, 16), "6"]]})
    errors = refuses_to_load_both(path, good, tmp_path)
    found = {(Path(e.file).name, e.sheet, e.row, e.column) for e in errors}
    assert {("annex.xlsx", "List 1", 4, "Date of Contact"), ("annex.xlsx", "List 1", 5, "Gender"),
            ("annex.xlsx", "List 1", 6, "Child Unique ID"), ("annex.xlsx", "List 1", 6, "Age")} <= found
    shown = "\n".join(str(e) for e in errors)
    assert "annex.xlsx, sheet List 1, row 4, column Date of Contact: is not a date" in shown
    assert "31/02" not in shown  # a value can be a child's data: never echoed


def refuses_to_load_both(bad: Path, good: Path, tmp_path: Path) -> list:
    settings = Settings(workspace=tmp_path / "ws")
    with pytest.raises(FileRejected) as caught:
        load_files([bad, good], settings)
    assert not list(settings.staging_dir.glob("*/*.parquet"))  # not even the good workbook
    return caught.value.errors


@pytest.mark.parametrize("sheets, message", [
    ({"List 1": [["Something"], ["else"]]}, "has no header row"),
    ({"List 1": [["Child Unique ID", "Gender", "Ethnicity"], ["1", "M", "WBRI"]]}, "has no 'Date of Contact' column"),
    ({"List 1": [BASE_HEADER + ["Contact Date"], ["1"] * 8]}, "has two columns for 'Date of Contact'"),
    ({"List 1": [BASE_HEADER], "List1": [BASE_HEADER]}, "has two sheets for List 1"),
])
def test_sheets_Headway_cannot_read_are_named(tmp_path, sheets, message):
    error = rejected(write_book(tmp_path / "odd.xlsx", sheets)).errors[0]
    assert message in error.message and error.file == "odd.xlsx" and error.sheet


# ------------------------------------------------------------------ staging

def test_each_extract_is_its_own_staging_file(tmp_path):
    settings = Settings(workspace=tmp_path / "ws")
    folder = tmp_path / "in"
    folder.mkdir()
    for month, child in (("2025-09-30", "1"), ("2025-10-31", "2")):
        write_book(folder / f"annex_{month}.xlsx", {"List 1": [["Extract date", D(month)], BASE_HEADER,
                                                              [child, "M", "WBRI", None, 3, D(month), "6"]]})
    load_files([folder], settings)
    files = sorted(p.name for p in (settings.staging_dir / "annex_a_list1").glob("*.parquet"))
    assert files == ["2025-09-30.parquet", "2025-10-31.parquet"]
    again = write_book(tmp_path / "again.xlsx", {"List 1": [["Extract date", D("2025-10-31")], BASE_HEADER,
                                                            ["3", "M", "WBRI", None, 3, D("2025-10-30"), "6"],
                                                            ["4", "M", "WBRI", None, 3, D("2025-10-30"), "6"]]})
    load_files([again], settings)  # the same extract again replaces it
    assert pq.read_table(settings.staging_dir / "annex_a_list1" / "2025-10-31.parquet").num_rows == 2
    assert pq.read_table(settings.staging_dir / "annex_a_list1" / "2025-09-30.parquet").num_rows == 1


def test_a_row_number_past_excel_last_row_is_refused(tmp_path):
    """A sheet whose XML numbers a row past 1,048,576 (no spreadsheet writes that) is
    damaged or crafted: refused, not read on for ever."""
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]])
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(crafted, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<row r="2"', b'<row r="1048600"')
            target.writestr(item, data)
    error = rejected(crafted).errors[0]
    assert "past Excel's last row" in error.message and "xl/worksheets/" in error.message


def test_a_cell_far_beyond_the_data_is_refused_before_the_sheet_is_read(tmp_path):
    """One cell written at XFD1048576 would make a grid of 17 billion cells."""
    path = contacts_book(tmp_path, [["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]])
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(crafted, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<c r="G2"', b'<c r="XFD1048576"', 1)
            target.writestr(item, data)
    error = rejected(crafted).errors[0]
    assert "damaged or crafted" in error.message and "column 16,384" in error.message


# ------------------------------------------------------------------ a column at a time

CELLS = ["a) Male", " M ", "1 - Male", "Female", "X", "", "  ", "#N/A", "0123", " 0123 ", "123.0", "2.5",
         "01/04/2025", "1/4/2025", "2025-04-01", "2025-04-01 00:00:00", "31/02/2025", "45748", "2025", "<1", "18m",
         "8.5yrs", "ten", "3,000", "a) Yes", "N", "Unknown", "q) 6: Police", "a) E1: Placement order", "WBRI",
         "Asian or Asian British - Indian", "In", 1.0, 2.0, 0.0, 8.5, -3.0, 45748.0, 80000.0, 1e20, 9212044.0,
         float(2 ** 53 + 2), 7, 12, True, False, dt.date(2025, 4, 1), dt.date(1850, 1, 1),
         dt.datetime(2025, 4, 1, 13, 30), dt.datetime(1965, 3, 1, 12, 0), dt.time(10, 30), dt.timedelta(days=2)]
KINDS = ["id", "text", "label", "date", "int", "age", "yesno", "code:gender", "code:ethnicity", "code:source",
         "code:suitability", "code:location"]


def cell_by_cell(cells: list, kind: str, required: bool) -> tuple[list, list[bool], dict[str, list[int]]]:
    rule = annex_a_cells.converter(kind)
    values, blanks, problems = [], [], {}
    for i, cell in enumerate(cells):
        blank = annex_a_cells.blank(cell)
        value, problem = (None, None) if blank else rule(cell)
        if value is None and problem is None and required:
            problem = annex_a_cells.REQUIRED_PROBLEM
        values.append(value)
        blanks.append(blank)
        if problem:
            problems.setdefault(problem, []).append(i)
    return values, blanks, problems


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mix", ["every type", "one type each"])
def test_a_column_converts_as_each_of_its_cells_would(kind, mix):
    """convert_column (Arrow, once per distinct value) gives every cell the value and
    the problem the one-cell rule gives it, whatever the types in the column."""
    import random

    import pyarrow as pa

    random.seed(kind)
    arrow_type = pa.bool_() if kind == "code:suitability" else {
        "date": pa.date32(), "int": pa.int32(), "age": pa.int32(), "yesno": pa.bool_()}.get(kind, pa.string())
    columns = [[random.choice(CELLS) for _ in range(3000)]] if mix == "every type" else \
        [[c for c in CELLS if type(c) is t] * 40 for t in {type(c) for c in CELLS}]
    for cells in columns:
        for required in (False, True):
            converted = annex_a_cells.convert_column(cells, kind, arrow_type, required)
            values, blanks, problems = cell_by_cell(cells, kind, required)
            assert converted.values.to_pylist() == values
            assert converted.blank.tolist() == blanks
            assert {m: at.tolist() for m, at in converted.problems.items()} == problems


def test_bad_cells_far_down_a_sheet_are_found_and_named_by_row(tmp_path, monkeypatch):
    """Every row is converted (no sample): bad values in later chunks are found, at
    the row Excel shows, past blank rows; twelve bad dates are ten rows and a count."""
    monkeypatch.setattr(annex_a, "CHUNK_ROWS", 500)
    good = ["1", "M", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]
    rows = [good] * 1200 + [[]] * 3 + [good] * 800 + [["2", "M", "WBRI", None, 3, "31/02/2025", "6"]] * 12
    rows += [good] * 300 + [["3", "Q", "WBRI", None, 3, dt.datetime(2025, 9, 16), "6"]]
    errors = rejected(contacts_book(tmp_path, rows)).errors
    shown = [(e.row, e.column) for e in errors]
    first_bad = 1 + 1200 + 3 + 800 + 1
    assert shown[:10] == [(first_bad + i, "Date of Contact") for i in range(10)]
    assert errors[10].message == "and 2 more rows with the same problem" and errors[10].row is None
    assert shown[11:] == [(first_bad + 12 + 300, "Gender")]
