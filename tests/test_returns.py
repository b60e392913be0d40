"""The readers and the load step read back exactly what the synthetic generator
wrote: every row, the same values, child IDs as text, dates as dates.

Expected values come from the written files themselves (csv module, lxml), never
from inside the generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import etree

from headway.config import Settings
from headway.errors import FileRejected
from headway.returns import cin, read_return, xmlfile
from headway.synth import generate
from headway.warehouse.staging import load_files, staged_tables
from headway.warehouse.tables import STAGING_TABLES, YEARLY_TABLES

YEARS = (2025, 2026)
CIN_TABLES = [t for t in STAGING_TABLES if t.startswith("cin_")]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A small synthetic authority: its folder and the rows `generate` wrote per file."""
    out = tmp_path_factory.mktemp("returns")
    return out, generate(out, children=15_000, years=2)  # enough for rows in every 903 table, both years


@pytest.fixture(scope="module")
def loaded(synthetic, tmp_path_factory) -> tuple[Settings, list]:
    settings = Settings(workspace=tmp_path_factory.mktemp("workspace"))
    return settings, load_files([synthetic[0]], settings)


def staged(settings: Settings, table: str, label: str):
    return pq.read_table(settings.staging_dir / table / f"{label}.parquet")


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def pseudonym(child_id: str | None) -> str | None:
    """What staging holds for a child ID: HMAC-SHA256 with the test key (conftest.py),
    first 20 hex digits (docs/privacy.md)."""
    key = os.environ["HEADWAY_PSEUDONYM_KEY"].encode()
    return hmac.new(key, child_id.strip().encode(), hashlib.sha256).hexdigest()[:20] if child_id else None


def uk_date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def iso_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# ------------------------------------------------------------------ every row comes through

def test_every_file_loads_with_the_rows_generate_wrote(synthetic, loaded):
    _, written = synthetic
    _, results = loaded
    by_file = {Path(r.file).relative_to(Path(r.file).parts[0]).as_posix(): r for r in results}
    assert set(by_file) == set(written)
    for name, rows in written.items():
        assert by_file[name].rows_read == rows, name
        assert by_file[name].rows_accepted == rows, name
        assert by_file[name].rows_rejected == 0


def test_staging_holds_one_file_per_table_and_year(loaded):
    settings, _ = loaded
    staged_files = staged_tables(settings)
    assert set(staged_files) == set(STAGING_TABLES)
    for table, files in staged_files.items():
        expected = [f"{label}.parquet" for label in staging_labels(table)]
        assert [f.name for f in files] == expected, table


def staging_labels(table: str) -> list[str]:
    """Staging files: a year's return per year, an Annex A extract per extract date, else current."""
    if table in YEARLY_TABLES:
        return [str(y) for y in YEARS]
    return [f"{y}-03-31" for y in YEARS] if table.startswith("annex_a_") else ["current"]


def test_staging_columns_and_types_are_the_contract(loaded):
    settings, _ = loaded
    duckdb_to_arrow = {"VARCHAR": "string", "DATE": "date32[day]", "BOOLEAN": "bool", "INTEGER": "int32",
                       "DOUBLE": "double"}
    for table, columns in STAGING_TABLES.items():
        schema = staged(settings, table, staging_labels(table)[-1]).schema
        expected = [(c, duckdb_to_arrow[k]) for c, k in columns.items()]
        if table in YEARLY_TABLES:
            expected.append(("collection_year", "int32"))
        assert [(f.name, str(f.type)) for f in schema] == expected, table


def test_cin_records_add_up_to_what_generate_counted(synthetic, loaded):
    _, written = synthetic
    settings, _ = loaded
    for year in YEARS:
        total = sum(staged(settings, t, str(year)).num_rows for t in CIN_TABLES)
        assert total == written[f"cin/cin_census_{year}.xml"]


def test_903_rows_match_the_csv_rows(synthetic, loaded):
    out, _ = synthetic
    settings, _ = loaded
    for name, table in (("header", "ssda903_header"), ("episodes", "ssda903_episodes"),
                        ("reviews", "ssda903_reviews")):
        rows = csv_rows(out / "ssda903" / "2026" / f"{name}.csv")
        assert staged(settings, table, "2026").num_rows == len(rows)


# ------------------------------------------------------------------ values are as written

def test_child_ids_stay_text_with_their_leading_zeros(synthetic, loaded):
    out, _ = synthetic
    settings, _ = loaded
    written = [r["CHILD"] for r in csv_rows(out / "ssda903" / "2026" / "header.csv")]
    assert any(child.startswith("0") for child in written)
    assert read_return(out / "ssda903" / "2026" / "header.csv").tables["ssda903_header"].column(
        "child_id").to_pylist() == written
    assert staged(settings, "ssda903_header", "2026").column("child_id").to_pylist() == [pseudonym(c) for c in written]


def test_903_dates_and_codes_read_as_written(synthetic, loaded):
    out, _ = synthetic
    settings, _ = loaded
    rows = csv_rows(out / "ssda903" / "2026" / "episodes.csv")
    table = staged(settings, "ssda903_episodes", "2026").to_pylist()
    for written, read in zip(rows, table):
        assert read["child_id"] == pseudonym(written["CHILD"])
        assert read["decom"] == uk_date(written["DECOM"])
        assert read["dec"] == uk_date(written["DEC"])
        assert read["place"] == written["PLACE"]
        assert read["rec"] == (written["REC"] or None)
        assert read["collection_year"] == 2026


def test_cin_children_and_episodes_read_as_written(synthetic, loaded):
    out, _ = synthetic
    settings, _ = loaded
    root = etree.parse(str(out / "cin" / "cin_census_2026.xml")).getroot()
    children = staged(settings, "cin_child", "2026").to_pylist()
    episodes = staged(settings, "cin_episode", "2026").to_pylist()
    written_episodes = []
    for child, read in zip(root.iter("Child"), children):
        ids = child.find("ChildIdentifiers")
        assert read["child_id"] == pseudonym(ids.findtext("LAchildID"))
        assert read["dob"] == iso_date(ids.findtext("PersonBirthDate"))
        assert read["sex"] == ids.findtext("Sex")
        assert read["ethnicity"] == child.findtext("ChildCharacteristics/Ethnicity")
        assert read["disabilities"] == ",".join(d.text for d in child.iter("Disability"))
        for d in child.iter("CINdetails"):
            written_episodes.append((pseudonym(ids.findtext("LAchildID")), iso_date(d.findtext("CINreferralDate")),
                                     iso_date(d.findtext("CINclosureDate")), d.findtext("ReferralNFA") == "1"))
    assert len(children) == len(list(root.iter("Child")))
    assert [(e["child_id"], e["referral_date"], e["closure_date"], e["referral_nfa"]) for e in episodes] \
        == written_episodes


def test_cin_modules_carry_their_child_and_referral(synthetic, loaded):
    out, _ = synthetic
    settings, _ = loaded
    root = etree.parse(str(out / "cin" / "cin_census_2026.xml")).getroot()
    assessments, plans, reviews = [], [], []
    for child in root.iter("Child"):
        child_id = pseudonym(child.findtext("ChildIdentifiers/LAchildID"))
        for d in child.iter("CINdetails"):
            referral = iso_date(d.findtext("CINreferralDate"))
            for a in d.iter("Assessments"):
                factors = ",".join(f.text for f in a.iter("AssessmentFactors")) or None
                assessments.append((child_id, referral, iso_date(a.findtext("AssessmentActualStartDate")), factors))
            for cp in d.iter("ChildProtectionPlans"):
                start = iso_date(cp.findtext("CPPstartDate"))
                plans.append((child_id, referral, start, int(cp.findtext("NumberOfPreviousCPP"))))
                reviews += [(child_id, start, iso_date(r.text)) for r in cp.iter("CPPreviewDate")]
    read = staged(settings, "cin_assessment", "2026").to_pylist()
    assert [(r["child_id"], r["referral_date"], r["start_date"], r["factors"]) for r in read] == assessments
    read = staged(settings, "cin_cp_plan", "2026").to_pylist()
    assert [(r["child_id"], r["referral_date"], r["start_date"], r["previous_plans"]) for r in read] == plans
    read = staged(settings, "cin_cp_review", "2026").to_pylist()
    assert [(r["child_id"], r["plan_start_date"], r["review_date"]) for r in read] == reviews
    assert any(a[3] and "," in a[3] for a in assessments)  # some assessments list several factors


def test_org_and_population_read_as_written(synthetic, loaded):
    out, _ = synthetic
    settings, _ = loaded
    allocations = csv_rows(out / "org" / "allocations.csv")
    read = staged(settings, "org_allocation", "current").to_pylist()
    assert [(r["child_id"], r["worker_id"], r["start_date"], r["end_date"]) for r in read] == [
        (pseudonym(a["child_id"]), a["worker_id"], iso_date(a["start_date"]), iso_date(a["end_date"]))
        for a in allocations]
    population = csv_rows(out / "population.csv")
    read = staged(settings, "population", "current").to_pylist()
    assert [(r["time_period"], r["la_code"], r["population_0_17"]) for r in read] == [
        (int(p["time_period"]), p["old_la_code"], int(p["population_estimate"])) for p in population]


def test_load_results_name_format_and_year(loaded):
    _, results = loaded
    formats = {Path(r.file).name: r.format for r in results if "2026" in r.file}
    assert formats == {"episodes.csv": "SSDA903 Episodes 2025/26", "header.csv": "SSDA903 Header 2025/26",
                       "reviews.csv": "SSDA903 Reviews 2025/26", "cin_census_2026.xml": "CIN Census 2025/26",
                       "annex_a_2026-03-31.xlsx": "Ofsted Annex A extract 31/03/2026",
                       **{f"{name}.csv": f"SSDA903 {label} 2025/26" for name, (label, _, _) in OTHER_903.items()}}
    teams = next(r for r in results if r.file.endswith("teams.csv"))
    assert (teams.format, teams.table, teams.collection_year) == ("Teams", "org_team", None)


# ------------------------------------------------------------------ the two ways of reading XML agree

def test_cin_pieces_in_parallel_give_the_same_tables_as_streaming(synthetic, monkeypatch):
    out, _ = synthetic
    path = out / "cin" / "cin_census_2026.xml"
    streamed = xmlfile._stream(path, "cin_census_2026.xml", cin.LAYOUT)
    monkeypatch.setattr(xmlfile, "PIECE_BYTES", 20_000)  # dozens of pieces, over two processes
    with xmlfile.Workers(processes=2) as workers:
        pieces = []
        monkeypatch.setattr(workers, "submit", lambda fn, piece, submit=workers.submit: pieces.append(piece)
                            or submit(fn, piece))
        result = cin.start(path, "cin_census_2026.xml", None, workers)()
    assert len(pieces) > 10
    for name, table in streamed.tables().items():
        assert result.tables[name].equals(table), name
    assert result.rows_read == streamed.records


def test_gender_current_before_2024_25_reads_as_sex(tmp_path):
    path = tmp_path / "cin_2024.xml"
    path.write_text(cin_xml(2024, child("0001", sex="<GenderCurrent>1</GenderCurrent>")
                            + child("0002", sex="<GenderCurrent>2</GenderCurrent>")
                            + child("0003", sex="<GenderCurrent>9</GenderCurrent>")))
    table = read_return(path).tables["cin_child"]
    assert table.column("sex").to_pylist() == ["M", "F", "U"]
    assert table.column("child_id").to_pylist() == ["0001", "0002", "0003"]


def test_cin_with_a_namespace_and_nil_attributes_reads(tmp_path):
    path = tmp_path / "cin.xml"
    text = cin_xml(2026, child("0001", episode='<CINclosureDate xsi:nil="true"/>'))
    text = text.replace("<Message>", '<Message xmlns="http://www.example.org/cin" '
                                     'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">')
    path.write_text(text)
    result = read_return(path)
    assert result.collection_year == 2026
    assert result.tables["cin_episode"].to_pylist()[0]["closure_date"] is None
    assert result.tables["cin_episode"].to_pylist()[0]["referral_date"] == dt.date(2025, 6, 2)


def test_cin_with_prefixed_elements_cut_into_pieces(tmp_path, monkeypatch):
    monkeypatch.setattr(xmlfile, "PIECE_BYTES", 300)
    children = "".join(f"<c:Child><c:ChildIdentifiers><c:LAchildID>{i:04d}</c:LAchildID></c:ChildIdentifiers>"
                       "<c:CINdetails><c:CINreferralDate>2025-06-02</c:CINreferralDate></c:CINdetails></c:Child >\n"
                       for i in range(20))
    path = tmp_path / "cin.xml"
    path.write_text('<c:Message xmlns:c="urn:cin"><c:Header><c:CollectionDetails><c:Year>2026</c:Year>'
                    f"</c:CollectionDetails></c:Header>\n<c:Children>\n{children}</c:Children></c:Message>\n")
    result = read_return(path)
    assert result.collection_year == 2026
    assert result.tables["cin_child"].column("child_id").to_pylist() == [f"{i:04d}" for i in range(20)]
    assert result.tables["cin_episode"].num_rows == 20


def test_a_comment_holding_an_end_tag_is_read_by_streaming(tmp_path, monkeypatch):
    """Cutting at </Child> inside a comment breaks a piece; the file is then streamed."""
    monkeypatch.setattr(xmlfile, "PIECE_BYTES", 400)
    children = child("0001") + "<!-- moved: </Child> -->\n" + "".join(child(f"{i:04d}") for i in range(2, 12))
    path = tmp_path / "cin.xml"
    path.write_text(cin_xml(2026, children))
    assert read_return(path).tables["cin_child"].column("child_id").to_pylist() == [f"{i:04d}" for i in range(1, 12)]


def test_cin_episode_initial_cpc_is_not_put_on_a_section_47(tmp_path):
    """CINdetails has its own DateOfInitialCPC; only Section47's fills cin_s47.icpc_date."""
    s47 = ("<Section47><S47ActualStartDate>2025-06-03</S47ActualStartDate>"
           "<DateOfInitialCPC>2025-06-20</DateOfInitialCPC></Section47>")
    path = tmp_path / "cin.xml"
    path.write_text(cin_xml(2026, child("0001", episode=s47)
                            + child("0002", episode="<DateOfInitialCPC>2025-07-01</DateOfInitialCPC>")))
    s47_rows = read_return(path).tables["cin_s47"].to_pylist()
    assert [(r["child_id"], r["icpc_date"]) for r in s47_rows] == [("0001", dt.date(2025, 6, 20))]


# ------------------------------------------------------------------ collection years and resubmission

def test_903_year_from_folder_then_dates_then_year_option(tmp_path):
    flat = tmp_path / "episodes.csv"
    flat.write_text(EPISODES_HEADER + "\n0123,01/05/2025,S,C2,N1,U1,PR1,,,\n")
    inferred = read_return(flat)
    assert inferred.collection_year == 2026  # 1 May 2025 falls in 2025/26
    assert any("latest date" in note for note in inferred.notes)
    assert read_return(flat, year=2027).collection_year == 2027
    in_folder = tmp_path / "2024" / "episodes.csv"
    in_folder.parent.mkdir()
    shutil.copy(flat, in_folder)
    assert read_return(in_folder).collection_year == 2024


def test_reloading_a_year_replaces_only_that_year(tmp_path, workspace):
    for year, rows in ((2025, 2), (2026, 3)):
        folder = tmp_path / str(year)
        folder.mkdir()
        (folder / "episodes.csv").write_text(
            EPISODES_HEADER + "\n" + "".join(f"{i:04d},01/05/{year - 1},S,C2,N1,U1,PR1,,,\n" for i in range(rows)))
    load_files([tmp_path], workspace)
    (tmp_path / "2026" / "episodes.csv").write_text(EPISODES_HEADER + "\n0009,01/06/2025,S,C2,N1,U1,PR1,,,\n")
    load_files([tmp_path / "2026" / "episodes.csv"], workspace)
    assert staged(workspace, "ssda903_episodes", "2025").num_rows == 2
    assert staged(workspace, "ssda903_episodes", "2026").column("child_id").to_pylist() == [pseudonym("0009")]


def test_two_files_for_the_same_903_table_and_year_are_refused(tmp_path, workspace):
    """Which of the two is the newer cannot be told, and putting them together would
    count their children twice (integrity rule HW08)."""
    for part, child_id in (("a", "0001"), ("b", "0002")):
        folder = tmp_path / part / "2026"
        folder.mkdir(parents=True)
        (folder / "episodes.csv").write_text(EPISODES_HEADER + f"\n{child_id},01/05/2025,S,C2,N1,U1,PR1,,,\n")
    with pytest.raises(FileRejected, match="is a second 903 Episodes table for the 2025/26 collection year"):
        load_files([tmp_path / "a", tmp_path / "b"], workspace)
    assert staged_tables(workspace) == {}


def test_a_file_given_twice_loads_once(tmp_path, workspace):
    path = tmp_path / "2026" / "episodes.csv"
    path.parent.mkdir()
    path.write_text(EPISODES_HEADER + "\n0001,01/05/2025,S,C2,N1,U1,PR1,,,\n")
    assert len(load_files([tmp_path, path], workspace)) == 1
    assert staged(workspace, "ssda903_episodes", "2026").num_rows == 1


# ------------------------------------------------------------------ CSV files as spreadsheets save them

def test_column_names_ignore_case_spaces_and_order(tmp_path):
    path = tmp_path / "2026" / "episodes.csv"
    path.parent.mkdir()
    path.write_text(" decom ,Child,rne,ls,cin,place,Place Provider,dec,rec,reason_place_change,URN\n"
                    "01/05/2025, 0123 ,S,C2,N1,U1,PR1,,,,SC1\n")
    row = read_return(path).tables["ssda903_episodes"].to_pylist()[0]
    assert (row["child_id"], row["decom"], row["place_provider"]) == ("0123", dt.date(2025, 5, 1), "PR1")


def test_blank_rows_and_one_digit_days_are_fine(tmp_path):
    path = tmp_path / "2026" / "header.csv"
    path.parent.mkdir()
    path.write_text("CHILD,SEX,DOB,ETHNIC\r\n0001,1,1/4/2015,WBRI\r\n,,,\r\n\r\n0002,2,2015-04-02,WBRI\r\n")
    table = read_return(path).tables["ssda903_header"]
    assert table.column("dob").to_pylist() == [dt.date(2015, 4, 1), dt.date(2015, 4, 2)]


def test_a_missing_optional_column_is_left_blank_with_a_note(tmp_path):
    path = tmp_path / "2026" / "episodes.csv"
    path.parent.mkdir()
    path.write_text("CHILD,DECOM,RNE,LS,PLACE\n0001,01/05/2025,S,C2,U1\n")
    result = read_return(path)
    assert result.tables["ssda903_episodes"].column("cin").to_pylist() == [None]
    assert "no column CIN: left blank" in result.notes


def test_population_keeps_local_authority_rows_for_children(tmp_path):
    header = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,new_la_code,la_name,age_group,population_estimate")
    rows = ["2024,Calendar year,National,E92000001,England,,,,,,Children aged 0 to 17 years,12183016",
            "2024,Calendar year,Local authority,E92000001,England,E12000001,North East,841,E06000005,"
            "Darlington,Children aged 0 to 17 years,22345",
            "2024,Calendar year,Local authority,E92000001,England,E12000001,North East,841,E06000005,"
            "Darlington,All ages,109000"]
    path = tmp_path / "population.csv"
    path.write_text("\n".join([header] + rows) + "\n")
    assert read_return(path).tables["population"].to_pylist() == [
        {"time_period": 2024, "la_code": "841", "la_name": "Darlington", "population_0_17": 22345}]


# ------------------------------------------------------------------ tiny CIN files

EPISODES_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE"


def child(child_id: str, sex: str = "<Sex>F</Sex>", episode: str = "") -> str:
    return (f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
            f"<PersonBirthDate>2015-01-01</PersonBirthDate>{sex}</ChildIdentifiers>"
            "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
            f"<CINdetails><CINreferralDate>2025-06-02</CINreferralDate>{episode}"
            "<ReferralNFA>false</ReferralNFA></CINdetails></Child>\n")


def cin_xml(year: int, children: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Message>\n<Header><CollectionDetails>'
            f"<Collection>CIN</Collection><Year>{year}</Year></CollectionDetails></Header>\n"
            f"<Children>\n{children}</Children>\n</Message>\n")


# ------------------------------------------------------------------ the 903's other tables

# file the synth writes -> (table's name, staging table, {staging column: (CSV column, kind)}),
# written out here rather than taken from the reader, so the reader is checked against it.
OTHER_903 = {
    "uasc": ("UASC", "ssda903_uasc", {"child_id": ("CHILD", "text"), "sex": ("SEX", "text"),
                                      "dob": ("DOB", "date"), "duc": ("DUC", "date")}),
    "oc2": ("OC2", "ssda903_oc2", {
        "child_id": ("CHILD", "text"), "dob": ("DOB", "date"), "sdq_score": ("SDQ_SCORE", "int"),
        "sdq_reason": ("SDQ_REASON", "text"), "convicted": ("CONVICTED", "flag"),
        "health_check": ("HEALTH_CHECK", "flag"), "immunisations": ("IMMUNISATIONS", "flag"),
        "teeth_check": ("TEETH_CHECK", "flag"), "health_assessment": ("HEALTH_ASSESSMENT", "flag"),
        "substance_misuse": ("SUBSTANCE_MISUSE", "flag"), "intervention_received": ("INTERVENTION_RECEIVED", "flag"),
        "intervention_offered": ("INTERVENTION_OFFERED", "flag")}),
    "oc3": ("OC3", "ssda903_oc3", {"child_id": ("CHILD", "text"), "dob": ("DOB", "date"),
                                   "in_touch": ("IN_TOUCH", "text"), "activ": ("ACTIV", "text"),
                                   "accom": ("ACCOM", "text")}),
    "ad1": ("AD1", "ssda903_ad1", {
        "child_id": ("CHILD", "text"), "dob": ("DOB", "date"), "date_int": ("DATE_INT", "date"),
        "date_match": ("DATE_MATCH", "date"), "foster_care": ("FOSTER_CARE", "flag"),
        "nb_adoptr": ("NB_ADOPTR", "text"), "sex_adoptr": ("SEX_ADOPTR", "text"), "ls_adoptr": ("LS_ADOPTR", "text")}),
    "placed_for_adoption": ("PlacedAdoption", "ssda903_placed_adoption", {
        "child_id": ("CHILD", "text"), "dob": ("DOB", "date"), "date_placed": ("DATE_PLACED", "date"),
        "date_placed_ceased": ("DATE_PLACED_CEASED", "date"), "reason_placed_ceased": ("REASON_PLACED_CEASED", "text")}),
    "previous_permanence": ("PrevPerm", "ssda903_prev_perm", {
        "child_id": ("CHILD", "text"), "dob": ("DOB", "date"), "prev_perm": ("PREV_PERM", "text"),
        "la_perm": ("LA_PERM", "text"), "date_perm": ("DATE_PERM", "text")}),
    "missing": ("Missing", "ssda903_missing", {
        "child_id": ("CHILD", "text"), "dob": ("DOB", "date"), "missing": ("MISSING", "text"),
        "mis_start": ("MIS_START", "date"), "mis_end": ("MIS_END", "date")}),
    "sw_episodes": ("SWEpisodes", "ssda903_sw_episodes", {
        "child_id": ("CHILD", "text"), "dob": ("DOB", "date"), "sw_id": ("SW_ID", "text"),
        "sw_decom": ("SW_DECOM", "date"), "sw_dec": ("SW_DEC", "date"), "sw_reason": ("SW_REASON", "text")}),
}
FLAGS = {"0": False, "1": True, "": None}


def as_read(text: str, kind: str):
    """A CSV cell as the reader should give it."""
    if kind == "date":
        return uk_date(text)
    if kind == "flag":
        return FLAGS[text]
    if kind == "int":
        return int(text) if text else None
    return text or None


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", list(OTHER_903))
def test_every_other_903_table_reads_back_as_written(synthetic, loaded, name, year):
    """Every row and every value the reader gives, and the rows staged, for each table and year."""
    out, _ = synthetic
    settings, _ = loaded
    label, table, columns = OTHER_903[name]
    path = out / "ssda903" / str(year) / f"{name}.csv"
    rows = csv_rows(path)
    assert rows  # not a round trip of an empty file
    result = read_return(path)
    assert (result.shape.name, result.collection_year) == (f"SSDA903 {label}", year)
    read = result.tables[table].to_pylist()
    assert [{c: as_read(r[source], kind) for c, (source, kind) in columns.items()} for r in rows] == read
    assert staged(settings, table, str(year)).num_rows == len(rows)
    assert staged(settings, table, str(year)).column("child_id").to_pylist() == [pseudonym(r["CHILD"]) for r in rows]


def test_episode_postcodes_are_read(synthetic):
    out, _ = synthetic
    path = out / "ssda903" / "2026" / "episodes.csv"
    read = read_return(path).tables["ssda903_episodes"].to_pylist()
    assert [(r["home_post"], r["pl_post"]) for r in read] == [
        (w["HOME_POST"] or None, w["PL_POST"] or None) for w in csv_rows(path)]


@pytest.mark.parametrize("year, written, read", [
    (2024, ("1", "2"), ["M", "F"]),        # 2023/24: SEX 1/2
    (2026, ("M", "F"), ["M", "F"]),        # 2025/26: SEX M/F/U
])
def test_sex_numbers_and_letters_read_as_one_code(tmp_path, year, written, read):
    path = tmp_path / str(year) / "header.csv"
    path.parent.mkdir()
    path.write_text("CHILD,SEX,DOB,ETHNIC\n" + "".join(
        f"000{i},{sex},01/04/2015,WBRI\n" for i, sex in enumerate(written)))
    assert read_return(path).tables["ssda903_header"].column("sex").to_pylist() == read


def test_a_903_table_is_known_by_its_columns_whatever_its_name(tmp_path):
    path = tmp_path / "2026" / "export (3).csv"
    path.parent.mkdir()
    path.write_text("Child,DOB,Missing,Mis Start,Mis End\n0007,01/02/2010,M,03/05/2025,\n")
    result = read_return(path)
    assert result.shape.name == "SSDA903 Missing"
    assert result.tables["ssda903_missing"].to_pylist() == [
        {"child_id": "0007", "dob": dt.date(2010, 2, 1), "missing": "M", "mis_start": dt.date(2025, 5, 3),
         "mis_end": None}]


def test_a_bad_oc2_flag_is_named_by_row_and_column(tmp_path):
    path = tmp_path / "2026" / "oc2.csv"
    path.parent.mkdir()
    header = ("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
              "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED")
    path.write_text(f"{header}\n0001,01/02/2012,12,,0,,1,1,1,0,,\n0002,01/02/2012,x,,0,,1,yes,1,0,,\n")
    with pytest.raises(FileRejected) as raised:
        read_return(path)
    found = sorted((e.row, e.column) for e in raised.value.errors)
    assert found == [(3, "SDQ_SCORE"), (3, "TEETH_CHECK")]


THIRD_PARTY_903 = Path(__file__).resolve().parents[2] / "shared" / "reference" / "thirdparty" / "d2i-903-fake"


@pytest.mark.skipif(not THIRD_PARTY_903.is_dir(), reason=f"the D2I fake 903 files are not at {THIRD_PARTY_903}")
def test_the_d2i_fake_903_tables_are_each_recognised(tmp_path):
    """Files written by the field's own validator project, not by Headway's generator
    (DoLo, new in 2026/27, is not read)."""
    expected = {"header.csv": "Header", "episodes.csv": "Episodes", "reviews.csv": "Reviews", "uasc.csv": "UASC",
                "oc2.csv": "OC2", "oc3.csv": "OC3", "ad1.csv": "AD1", "placed_for_adoption.csv": "PlacedAdoption",
                "previous_permanence.csv": "PrevPerm", "missing.csv": "Missing", "sw_episodes.csv": "SWEpisodes"}
    for name, label in expected.items():
        path = THIRD_PARTY_903 / name
        result = read_return(path, year=2024)
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = sum(1 for row in csv.reader(fh) if any(cell.strip() for cell in row)) - 1
        assert (result.shape.name, result.tables[result.shape.table].num_rows) == (f"SSDA903 {label}", rows), name
