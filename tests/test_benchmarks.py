"""The DfE published-statistics importer (headway.returns.ees) and the comparators
built from it (headway.measures.benchmarks).

The real published CSVs are reference data outside the repo: /work/shared/reference/ees
beside the checkout, or HEADWAY_EES_DIR. Tests that need them skip when absent.
Expected figures are worked out here from the CSVs with the csv module, not typed in,
except the England figures cited in the issue (22.6% re-referrals, 24.5% subsequent
CP plans in 2025).
"""

from __future__ import annotations

import csv
import os
import shutil
import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from headway.errors import FileRejected, HeadwayError
from headway.measures.benchmarks import STAGING_SCHEMAS, build_comparators
from headway.returns.ees import import_published, load_map, read_neighbours, read_published

EES_DIR = Path(os.environ.get("HEADWAY_EES_DIR")
               or Path(__file__).resolve().parents[2] / "shared/reference/ees")
needs_ees = pytest.mark.skipif(
    not EES_DIR.is_dir(),
    reason=f"DfE published statistics not found at {EES_DIR} (set HEADWAY_EES_DIR)")

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D3 = "d3_cpps_subsequent_plan_2013_to_2025.csv"
D5 = "d5_cpps_at31march_by_duration_2013_to_2025.csv"
SN_2025 = "sn_model_2025_wide.csv"
SN_2021 = "New_Statistical_Neighbour_Groupings_April_2021.csv"
C1_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
             "region_name,old_la_code,new_la_code,la_name,category,referral_count,rereferral_count,"
             "rereferral_percent,no_further_action_count,no_further_action_percent,not_in_need_count,"
             "not_in_need_percent,referral_child_count,rereferral_child_count,rereferral_child_percent")


# ----------------------------------------------------------------------------- helpers

def csv_rows(name: str) -> list[dict[str, str]]:
    with (EES_DIR / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def half_up(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rows_of(table, **where) -> list[dict]:
    return [r for r in table.to_pylist() if all(r[k] == v for k, v in where.items())]


def connection_with(published, neighbours) -> duckdb.DuckDBPyConnection:
    """A connection holding the two staging tables, as the lead's build will."""
    con = duckdb.connect()
    for name, table in (("published_statistics", published), ("statistical_neighbours", neighbours)):
        con.register("incoming", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    return con


def benchmark_row(con, measure_id: str, year: int) -> dict:
    cur = con.execute("SELECT * FROM benchmarks WHERE measure_id = ? AND time_period = ?",
                      [measure_id, year])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, f"expected one benchmarks row for {measure_id} {year}"
    return dict(zip(names, rows[0]))


def write_c1(directory: Path, *la_rows: str) -> Path:
    """A C1-shaped file: an England row plus the authority rows given (cells after la_name)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    lines = [C1_HEADER,
             "2025,Reporting year,National,E92000001,England,,,,,,Referrals and Re-referrals,"
             "1000,200,20,50,5,300,30,900,150,16.7"]
    for i, cells in enumerate(la_rows):
        lines.append(f"2025,Reporting year,Local authority,E92000001,England,E12000002,North West,"
                     f"{901 + i},E0600009{i},Testshire {i},Referrals and Re-referrals,{cells}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published():
    if not EES_DIR.is_dir():
        pytest.skip(f"DfE published statistics not found at {EES_DIR}")
    return import_published(EES_DIR)


@pytest.fixture(scope="module")
def neighbours():
    if not EES_DIR.is_dir():
        pytest.skip(f"DfE published statistics not found at {EES_DIR}")
    return read_neighbours(EES_DIR)


# --------------------------------------------------------------- importing real files

@needs_ees
def test_issue_figures_for_england_2025(published):
    r02 = rows_of(published.table, measure_id="R02", geographic_level="National", time_period=2025)
    p03 = rows_of(published.table, measure_id="P03", geographic_level="National", time_period=2025)
    assert [(r["numerator"], r["denominator"], r["value"]) for r in r02] == [(142900, 632830, 22.6)]
    assert [(r["numerator"], r["denominator"], r["value"]) for r in p03] == [(15130, 61840, 24.5)]
    assert r02[0]["area_code"] == "E92000001"


@needs_ees
@pytest.mark.parametrize("measure_id, scale, places", [
    ("R02", 100, 1), ("R03", 100, 1), ("R04", 100, 1),   # C1, every year 2013-2025
    ("W01", 100, 1), ("W04", 1, 1),                        # workforce, 2017-2025
    ("L03", 100, 0), ("L04", 100, 0),                      # CLA percentages are whole numbers
])
def test_published_england_values_follow_from_published_counts(published, measure_id, scale, places):
    england = [r for r in rows_of(published.table, measure_id=measure_id, geographic_level="National")
               if r["value"] is not None]
    assert len(england) >= 5
    for row in england:
        recomputed = Decimal(repr(row["numerator"])) * scale / Decimal(repr(row["denominator"]))
        assert half_up(recomputed, places) == row["value"], (measure_id, row["time_period"])


@needs_ees
def test_computed_rate_uses_mid_year_population_before_the_year_end(published):
    """R01 is computed (C1 has no rate). Its population must be the one the DfE itself
    puts beside its CLA rates for the same year, which the ONS file holds a year earlier."""
    r01 = {(r["time_period"], r["area_code"]): r for r in rows_of(published.table, measure_id="R01")}
    l01 = rows_of(published.table, measure_id="L01")
    compared = 0
    for row in l01:
        twin = r01.get((row["time_period"], row["area_code"]))
        if twin and twin["denominator"] is not None and row["denominator"] is not None:
            assert twin["denominator"] == row["denominator"], (row["time_period"], row["area_code"])
            compared += 1
    assert compared > 500
    referrals = next(r for r in csv_rows(C1)
                     if r["geographic_level"] == "National" and r["time_period"] == "2025")
    england = r01[(2025, "E92000001")]
    expected = Decimal(referrals["referral_count"]) * 10_000 / Decimal(repr(england["denominator"]))
    assert england["value"] == half_up(expected, 1)


@needs_ees
def test_every_mapped_measure_has_an_england_value(published):
    mapped = {m.measure_id for spec in load_map().files for m in spec.measures}
    with_england = {r["measure_id"] for r in published.table.to_pylist()
                    if r["geographic_level"] == "National" and r["value"] is not None}
    assert mapped and mapped == with_england


@needs_ees
def test_table_matches_staging_contract(published):
    assert published.table.column_names == list(STAGING_SCHEMAS["published_statistics"])
    assert published.table.schema.field("time_period").type == "int32"


@needs_ees
def test_real_suppressed_cell_is_null_not_zero(published):
    suppressed = next(r for r in csv_rows(D5)
                      if r["geographic_level"] == "Local authority" and r["2_years_or_more_percent"] == "c")
    found = rows_of(published.table, measure_id="P05", area_code=suppressed["old_la_code"],
                    time_period=int(suppressed["time_period"]))
    assert len(found) == 1
    assert found[0]["value"] is None and found[0]["value_symbol"] == "c"
    assert found[0]["denominator"] == float(suppressed["CPP_At31"])  # the rest of the row still read


@needs_ees
def test_reference_files_and_unmapped_files_are_reported(published):
    assert C1 in published.files_read and "R02" in published.files_read[C1]
    assert "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv" in published.files_ignored
    assert SN_2025 in published.reference_files
    assert published.measures_skipped == {}


# ------------------------------------------------------------ small and broken files

@needs_ees
def test_directory_holding_two_copied_files(tmp_path):
    for name in (C1, D3):
        shutil.copy(EES_DIR / name, tmp_path / name)
    result = import_published(tmp_path)
    assert set(result.files_read) == {C1, D3}
    measures = set(result.table.column("measure_id").to_pylist())
    assert {"R02", "P03"} <= measures
    # Rates need the ONS population file, which is not in this folder.
    assert {"R01", "P02"} <= set(result.measures_skipped)
    assert not {"R01", "P02"} & measures
    sefton = rows_of(result.table, measure_id="R02", area_code="343", time_period=2025)
    c1_sefton = next(r for r in csv_rows(C1) if r["old_la_code"] == "343" and r["time_period"] == "2025")
    assert sefton[0]["value"] == float(c1_sefton["rereferral_percent"])


def test_suppression_symbols_are_null_not_zero(tmp_path):
    write_c1(tmp_path,
             "100,c,c,5,5,30,30,90,c,c",
             "200,low,low,k,k,x,x,180,u,u",
             "300,30,10,0,0,:,:,270,25,9.3")
    table = read_published(tmp_path)
    r02 = {r["area_code"]: r for r in rows_of(table, measure_id="R02")}
    assert (r02["901"]["value"], r02["901"]["numerator"], r02["901"]["value_symbol"]) == (None, None, "c")
    assert (r02["902"]["value"], r02["902"]["value_symbol"]) == (None, "low")
    assert r02["903"]["value"] == 10.0
    r03 = {r["area_code"]: r for r in rows_of(table, measure_id="R03")}
    assert r03["902"]["value"] is None and r03["902"]["value_symbol"] == "k"
    assert r03["903"]["value"] == 0.0  # a true zero stays zero
    r04 = {r["area_code"]: r for r in rows_of(table, measure_id="R04")}
    assert r04["903"]["value"] is None and r04["903"]["value_symbol"] == ":"


def test_malformed_number_names_file_row_and_column(tmp_path):
    write_c1(tmp_path, "100,10,10,5,5,30,30,90,9,10", "200,20,1O.5,5,5,30,30,90,9,10")
    with pytest.raises(FileRejected) as caught:
        read_published(tmp_path)
    message = str(caught.value)
    assert "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv" in message
    assert "row 4" in message  # header is row 1, England row 2, first authority row 3
    assert "column rereferral_percent" in message
    assert "1O.5" not in message  # the value itself is never echoed
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "rereferral_percent")]


def test_missing_column_is_named(tmp_path):
    path = write_c1(tmp_path, "100,10,10,5,5,30,30,90,9,10")
    path.write_text(path.read_text().replace("rereferral_percent,", "re_referral_pct,", 1))
    with pytest.raises(FileRejected) as caught:
        read_published(tmp_path)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "rereferral_percent")]


def test_folder_with_no_known_file_is_an_error(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(HeadwayError, match="No DfE statistics file"):
        read_published(tmp_path)


def test_unknown_files_are_listed_not_read(tmp_path):
    write_c1(tmp_path, "100,10,10,5,5,30,30,90,9,10")
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    result = import_published(tmp_path)
    assert result.files_ignored == ["notes.csv"]
    assert "notes.csv" in result.table.schema.metadata[b"headway.summary"].decode()


# ------------------------------------------------------------- statistical neighbours

@needs_ees
def test_neighbours_2025_model(neighbours):
    sefton = [r for r in neighbours.to_pylist() if r["la_code"] == "343"]
    row = next(r for r in csv_rows(SN_2025) if r["old_la_code"] == "343")
    assert [r["neighbour_code"] for r in sefton] == [row[f"SN_{i}"] for i in range(1, 11)]
    assert [r["rank"] for r in sefton] == list(range(1, 11))
    assert sefton[1]["closeness"] == row["SN_2P"].strip()  # 'Close ' loses its trailing space
    assert neighbours.column_names == list(STAGING_SCHEMAS["statistical_neighbours"])


@needs_ees
def test_neighbours_fall_back_to_2021_groupings(tmp_path):
    shutil.copy(EES_DIR / SN_2021, tmp_path / SN_2021)
    table = read_neighbours(tmp_path).to_pylist()
    with (EES_DIR / SN_2021).open(encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.reader(fh))
    camden = next(r for r in raw if r[0] == "202")  # SN1 is column 5, its closeness column 6
    first = next(r for r in table if r["la_code"] == "202" and r["rank"] == 1)
    assert (first["neighbour_code"], first["closeness"].lower()) == (camden[5], camden[6].lower())
    # Authorities listed under 'Old SNs:' (abolished before 2021) are left out.
    old_start = next(i for i, r in enumerate(raw) if any(c.startswith("Old SNs") for c in r))
    old_codes = {r[0] for r in raw[old_start:] if r and r[0]}
    assert old_codes and not old_codes & {r["la_code"] for r in table}
    per_la = {}
    for r in table:
        per_la.setdefault(r["la_code"], []).append(r["rank"])
    assert all(ranks == list(range(1, 11)) for ranks in per_la.values())


# ----------------------------------------------------------------------- comparators

def sn_values(la_code: str, csv_name: str, column: str, year: str) -> tuple[list[float], str]:
    """The authority's 10 neighbours' published values (suppressed ones dropped), read
    straight from the CSVs, and the authority's own cell."""
    row = next(r for r in csv_rows(SN_2025) if r["old_la_code"] == la_code)
    codes = [row[f"SN_{i}"] for i in range(1, 11)]
    data = {r["old_la_code"]: r[column] for r in csv_rows(csv_name)
            if r["geographic_level"] == "Local authority" and r["time_period"] == year}
    values = [float(data[c]) for c in codes if data.get(c, "").replace(".", "", 1).isdigit()]
    return values, data[la_code]


@needs_ees
def test_sefton_rereferrals_against_neighbours_by_hand(published, neighbours):
    expected, own = sn_values("343", C1, "rereferral_percent", "2025")
    con = connection_with(published.table, neighbours)
    build_comparators(con, "343")
    row = benchmark_row(con, "R02", 2025)
    assert row["stat_neighbour_count"] == len(expected) == 10
    assert row["stat_neighbour_median"] == pytest.approx(statistics.median(expected))
    assert row["stat_neighbour_mean"] == pytest.approx(statistics.mean(expected))
    assert row["own_published"] == float(own)
    c1 = csv_rows(C1)
    england = next(r for r in c1 if r["geographic_level"] == "National" and r["time_period"] == "2025")
    sefton = next(r for r in c1 if r["old_la_code"] == "343" and r["time_period"] == "2025")
    region = next(r for r in c1 if r["geographic_level"] == "Regional" and r["time_period"] == "2025"
                  and r["region_code"] == sefton["region_code"])
    assert row["england"] == float(england["rereferral_percent"])
    assert (row["region"], row["region_name"]) == (float(region["rereferral_percent"]), region["region_name"])


@needs_ees
def test_suppressed_neighbours_are_dropped_and_counted(published, neighbours):
    """Darlington's neighbours mostly have CP plans open 2+ years suppressed in 2025."""
    expected, _ = sn_values("841", D5, "2_years_or_more_percent", "2025")
    assert 0 < len(expected) < 10  # the case this test is about
    con = connection_with(published.table, neighbours)
    build_comparators(con, "841")
    row = benchmark_row(con, "P05", 2025)
    assert row["stat_neighbour_count"] == len(expected)
    assert row["stat_neighbour_median"] == pytest.approx(statistics.median(expected))


def test_comparators_on_a_small_table():
    """England, region, median/mean over neighbours with values, and the own figure."""
    rows = [
        ("X1", 2025, "National", "E92000001", "England", None, 20.0),
        ("X1", 2025, "Regional", "E12000002", "North West", None, 18.0),
        ("X1", 2025, "Regional", "E12000003", "Yorkshire", None, 99.0),
        ("X1", 2025, "Local authority", "100", "Own", "E12000002", 25.0),
        ("X1", 2025, "Local authority", "201", "N1", "E12000002", 10.0),
        ("X1", 2025, "Local authority", "202", "N2", "E12000002", None),  # suppressed
        ("X1", 2025, "Local authority", "203", "N3", "E12000003", 30.0),
        ("X1", 2025, "Local authority", "204", "N4", "E12000003", 14.0),
        ("X1", 2025, "Local authority", "999", "Not a neighbour", "E12000003", 1000.0),
    ]
    names = ["measure_id", "time_period", "geographic_level", "area_code", "area_name",
             "region_code", "value"]
    published = pa.Table.from_pylist([dict(zip(names, r)) | {"numerator": None, "denominator": None}
                                      for r in rows])
    neighbours = pa.Table.from_pylist([
        {"la_code": "100", "neighbour_code": code, "rank": i, "closeness": "Close"}
        for i, code in enumerate(["201", "202", "203", "204"], start=1)])
    con = connection_with(published, neighbours)
    build_comparators(con, "100")
    row = benchmark_row(con, "X1", 2025)
    values = [10.0, 30.0, 14.0]
    assert row == {
        "measure_id": "X1", "time_period": 2025, "england": 20.0, "region": 18.0,
        "region_name": "North West", "stat_neighbour_median": statistics.median(values),
        "stat_neighbour_mean": pytest.approx(statistics.mean(values)),
        "stat_neighbour_count": 3, "own_published": 25.0,
    }


def test_comparators_need_the_staging_tables():
    with pytest.raises(HeadwayError, match="published_statistics"):
        build_comparators(duckdb.connect(), "343")
