"""`headway measures export` and `headway benchmarks import`, through the CLI."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from headway.cli import main
from headway.config import Settings
from headway.warehouse.build import refresh
from tests.hand_fixture import D, write_hand_fixture
from tests.test_benchmarks import C1, EES_DIR, csv_rows, needs_ees

CONTRACT = ["measure_id", "period_end", "org_level", "org_unit", "numerator", "denominator", "value",
            "target", "rag", "england", "region", "stat_neighbour_median", "stat_neighbour_count"]


@pytest.fixture
def hand(tmp_path) -> Settings:
    settings = Settings(workspace=tmp_path / "workspace")
    write_hand_fixture(settings)
    return settings


def export(settings: Settings, tmp_path) -> list[dict]:
    out = tmp_path / "measures.csv"
    result = CliRunner().invoke(main, ["measures", "export", "--out", str(out),
                                       "--workspace", str(settings.workspace)])
    assert result.exit_code == 0, result.output
    with out.open(newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames[:len(CONTRACT)] == CONTRACT
        return list(reader)


def test_export_has_one_row_per_measure_period_and_unit(hand, tmp_path):
    refresh(hand)
    rows = export(hand, tmp_path)
    keys = [(r["measure_id"], r["period_end"], r["org_level"], r["org_unit"]) for r in rows]
    assert len(keys) == len(set(keys))
    a02 = next(r for r in rows if r["measure_id"] == "A02" and r["period_end"] == "2025-08-31"
               and r["org_level"] == "authority")
    assert (float(a02["numerator"]), float(a02["denominator"]), float(a02["value"]), a02["rag"]) == (3, 4, 75, "R")
    assert a02["england"] == ""  # nothing imported yet


def test_export_without_a_warehouse_is_a_clear_error(hand, tmp_path):
    result = CliRunner().invoke(main, ["measures", "export", "--out", str(tmp_path / "x.csv"),
                                       "--workspace", str(hand.workspace)])
    assert result.exit_code == 1
    assert "No published warehouse" in result.output and "headway refresh" in result.output


@needs_ees
def test_imported_benchmarks_reach_the_export(hand, tmp_path):
    result = CliRunner().invoke(main, ["benchmarks", "import", str(EES_DIR), "--workspace", str(hand.workspace)])
    assert result.exit_code == 0, result.output
    assert "published figures" in result.output
    refresh(hand)
    rows = export(hand, tmp_path)
    england = {r["time_period"]: float(r["rereferral_percent"]) for r in csv_rows(C1)
               if r["geographic_level"] == "National"}
    r02 = next(r for r in rows if r["measure_id"] == "R02" and r["period_end"] == "2026-03-31"
               and r["org_level"] == "authority")
    # the year to March 2026 is not published yet, so the latest year before it is used
    assert "2026" not in england
    assert (float(r02["england"]), r02["benchmark_year"]) == (england["2025"], "2025")
    a_team_row = next(r for r in rows if r["measure_id"] == "R02" and r["org_level"] == "team")
    assert a_team_row["england"] == r02["england"]  # the same comparator at every level


def test_scorecard_workbook(hand, tmp_path):
    from openpyxl import load_workbook

    from headway.reports.scorecard_xlsx import safe_cell

    refresh(hand)
    out = tmp_path / "scorecard.xlsx"
    result = CliRunner().invoke(main, ["scorecard", "--out", str(out), "--workspace", str(hand.workspace)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    sheet = book["Scorecard"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    from headway.measures.catalogue import load_catalogue

    assert set(rows) == {m.id for m in load_catalogue()}  # every measure listed
    r02 = rows["R02"]
    assert (r02["Value"], r02["Target"], r02["RAG"]) == (40.0, 22.0, "Red")
    rag_cell = sheet.cell(row=[c.value for c in sheet["A"]].index("R02") + 1, column=header.index("RAG") + 1)
    assert rag_cell.fill.fgColor.rgb.endswith("F4B6B6")
    a02 = book["A02"]
    months = [r[0] for r in a02.iter_rows(min_row=4, values_only=True)]
    assert len(months) == 13 and months[0].date() == D("2025-03-31")  # March 2025 to March 2026
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell("-3") == "'-3" and safe_cell(3) == 3
