"""The committee pack (headway.reports): the PDF and HTML written for the sample
warehouse, disclosure control (sdc.py) and the drafted wording (narrative.py).

Expected figures are read from the warehouse the pack reads, never typed in.
WeasyPrint takes a few seconds, so each pack is written once per module.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import shutil
import subprocess
import sys
from collections import Counter

import duckdb
import pytest

from headway import charts
from headway.config import Settings
from headway.errors import HeadwayError
from headway.measures.rag import RAG_WORDS, rag
from headway.reports import committee, narrative, sdc
from headway.reports.narrative import Headline
from headway.warehouse.query import Point, Warehouse
from tests.sample_warehouse import write_sample_warehouse

REPORT_DATE = dt.date(2026, 4, 10)
SMALL_MEASURE = "R02"  # in the edited copy: numerator 3 in the latest month
NO_DATA_MEASURE = "S03"  # in the edited copy: no value in the latest month
SKIPPED_MEASURE = "L01"  # in the edited copy: not calculated
SMALL_NUMERATOR = 3


# --- helpers ---------------------------------------------------------------------------
def pdf_text(path) -> str:
    """The PDF's text with runs of whitespace made single spaces (table cells wrap)."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils), so the PDF's text cannot be read")
    out = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def measure_section(page: str, measure_id: str) -> str:
    found = re.search(rf'<section class="measure" id="measure-{measure_id}">(.*?)</section>', page, re.S)
    assert found, f"no section for {measure_id}"
    return found.group(1)


def visible_text(fragment: str) -> str:
    """Text of an HTML fragment as a reader sees it (SVG charts left out)."""
    fragment = re.sub(r"<svg.*?</svg>", " ", fragment, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_cells(fragment: str, css_class: str) -> list[str]:
    cells = re.findall(rf'<td class="[^"]*\b{css_class}\b[^"]*">(.*?)</td>', fragment, re.S)
    return [visible_text(cell) for cell in cells]


def latest_points(settings: Settings) -> list[tuple[dict, Point]]:
    """Each calculated measure with its point for the latest month, from the warehouse."""
    with Warehouse(settings.warehouse_path) as warehouse:
        period = warehouse.latest_period()
        return [(m, warehouse.series(m["measure_id"], until=period)[-1])
                for m in warehouse.measures() if m["status"] == "ok"]


# --- fixtures ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_sample(tmp_path_factory) -> Settings:
    """conftest's sample warehouse, written once for the tests that only read it."""
    settings = Settings(workspace=tmp_path_factory.mktemp("report-sample") / "workspace")
    write_sample_warehouse(settings)
    return settings


@pytest.fixture(scope="module")
def pack(shared_sample, tmp_path_factory) -> dict:
    written = committee.write_pack(shared_sample, tmp_path_factory.mktemp("pack"), report_date=REPORT_DATE)
    return {"settings": shared_sample, "paths": written, "html": written["html"].read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def edited_sample(shared_sample, tmp_path_factory) -> Settings:
    """A copy of the sample where, in the latest month, one measure counts 3 children,
    one has no value, and one was not calculated at all."""
    settings = Settings(workspace=tmp_path_factory.mktemp("report-edited") / "workspace")
    settings.warehouse_dir.mkdir(parents=True)
    shutil.copy(shared_sample.warehouse_path, settings.warehouse_path)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        latest = con.execute("SELECT max(period_end) FROM measure_values").fetchone()[0]
        target, tolerance, polarity = con.execute(
            "SELECT target, tolerance, polarity FROM measure_catalogue WHERE measure_id = ?",
            [SMALL_MEASURE]).fetchone()
        denominator = con.execute(
            "SELECT denominator FROM measure_values "
            "WHERE measure_id = ? AND period_end = ? AND org_level = 'authority'",
            [SMALL_MEASURE, latest]).fetchone()[0]
        value = 100.0 * SMALL_NUMERATOR / denominator
        con.execute("""UPDATE measure_values SET numerator = ?, value = ?, rag = ?
                       WHERE measure_id = ? AND period_end = ? AND org_level = 'authority'""",
                    [SMALL_NUMERATOR, value, rag(value, target, tolerance, polarity), SMALL_MEASURE, latest])
        con.execute("""UPDATE measure_values SET numerator = NULL, denominator = NULL, value = NULL, rag = NULL
                       WHERE measure_id = ? AND period_end = ? AND org_level = 'authority'""",
                    [NO_DATA_MEASURE, latest])
        con.execute("UPDATE measure_catalogue SET status = 'skipped', status_message = 'needs the SSDA903 return' "
                    "WHERE measure_id = ?", [SKIPPED_MEASURE])
    finally:
        con.close()
    return settings


@pytest.fixture(scope="module")
def edited_pack(edited_sample, tmp_path_factory) -> dict:
    written = committee.write_pack(edited_sample, tmp_path_factory.mktemp("edited-pack"), report_date=REPORT_DATE)
    small = next(p for m, p in latest_points(edited_sample) if m["measure_id"] == SMALL_MEASURE)
    return {"paths": written, "html": written["html"].read_text(encoding="utf-8"), "small": small}


# --- the pack for the sample ---------------------------------------------------------------
def test_pack_is_a_pdf_and_an_html_file_named_for_the_month(pack):
    with Warehouse(pack["settings"].warehouse_path) as warehouse:
        month = warehouse.latest_period()
    assert set(pack["paths"]) == {"pdf", "html"}
    assert pack["paths"]["pdf"].name == f"committee-pack-{month:%Y-%m}.pdf"
    assert pack["paths"]["html"].name == f"committee-pack-{month:%Y-%m}.html"
    assert pack["paths"]["pdf"].read_bytes().startswith(b"%PDF-")
    assert not list(pack["paths"]["pdf"].parent.glob(".*partial"))


def test_pdf_has_every_measure_title_and_its_latest_value(pack):
    text = pdf_text(pack["paths"]["pdf"])
    figures = latest_points(pack["settings"])
    assert figures
    for measure, point in figures:
        assert not sdc.is_suppressed(point, measure["unit"]), "the sample has no small numbers"
        assert measure["title"] in text
        assert charts.format_value(point.value, measure["unit"]) in text, measure["measure_id"]


def test_pdf_has_the_heading_block_and_numbered_pages(pack):
    text = pdf_text(pack["paths"]["pdf"])
    with Warehouse(pack["settings"].warehouse_path) as warehouse:
        month = warehouse.latest_period()
        authority = warehouse.info()["la_name"]
    for expected in (authority, "Overview and Scrutiny Committee",
                     "Children's Services Improvement: Performance Report",
                     f"Month ending {narrative.long_date(month)}", narrative.long_date(REPORT_DATE),
                     "Executive Director of Children's Services", "Draft",
                     "1 Summary", "2 Recommendations", "Appendix A: Performance Dashboard",
                     "identifies any areas for further scrutiny"):
        assert expected in text
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages > 1 and f"Page {pages} of {pages}" in text


def test_html_has_an_inline_svg_chart_for_every_measure(pack):
    figures = latest_points(pack["settings"])
    assert pack["html"].count("<svg") == len(figures)
    for measure, _ in figures:
        section = measure_section(pack["html"], measure["measure_id"])
        assert re.search(r'<svg role="img" aria-label="Line chart of [^"]+"', section)


def test_each_rating_is_written_as_a_word(pack):
    for measure, point in latest_points(pack["settings"]):
        section = visible_text(measure_section(pack["html"], measure["measure_id"]))
        expected = RAG_WORDS[point.rag] if point.rag else "No target"
        assert expected in section


def test_quarter_table_shows_every_third_month_from_the_warehouse(pack):
    measure_id = "A02"
    with Warehouse(pack["settings"].warehouse_path) as warehouse:
        unit = warehouse.measure(measure_id)["unit"]
        points = {p.period_end: p for p in warehouse.series(measure_id)}
    months = sorted(points)[::-1][0:13:3]  # newest first, every third month, back a year
    section = measure_section(pack["html"], measure_id)
    assert table_cells(section, "q-value") == [charts.format_value(points[m].value, unit) for m in months]
    assert table_cells(section, "q-numerator") == [f"{points[m].numerator:,.0f}" for m in months]
    assert all(narrative.long_date(m) in visible_text(section) for m in months)


def test_summary_counts_the_ratings_in_the_warehouse(pack):
    counts = Counter(point.rag for _, point in latest_points(pack["settings"]))
    summary = visible_text(re.search(r'<section class="report-section" id="section-1">(.*?)</section>',
                                     pack["html"], re.S).group(1))
    for code in ("G", "A", "R"):
        phrase = {0: "none are", 1: "1 is"}.get(counts[code], f"{counts[code]} are")
        assert f"{phrase} {RAG_WORDS[code]}" in summary


def test_summary_names_the_measures_that_improved_and_declined(pack):
    settings = pack["settings"]
    with Warehouse(settings.warehouse_path) as warehouse:
        cards = warehouse.scorecard()
    summary = visible_text(re.search(r'id="section-1">(.*?)</section>', pack["html"], re.S).group(1))
    improved = re.search(r"improved \(([^)]*)\)", summary)
    declined = re.search(r"declined \(([^)]*)\)", summary)
    for card in cards:
        if card["polarity"] == "context" or card["direction_12m"] not in ("improving", "declining"):
            continue
        clause = improved if card["direction_12m"] == "improving" else declined
        assert clause and narrative.lower_first(card["title"]) in clause.group(1), card["measure_id"]


def test_pack_for_an_earlier_month(sample_settings, tmp_path):
    context = committee.build_context(sample_settings, period_end=dt.date(2025, 12, 15), report_date=REPORT_DATE)
    assert context["period_text"] == "Month ending 31 December 2025"
    assert context["file_stem"] == "committee-pack-2025-12"
    with Warehouse(sample_settings.warehouse_path) as warehouse:
        measure = warehouse.measures()[0]
        december = [p for p in warehouse.series(measure["measure_id"]) if p.period_end == dt.date(2025, 12, 31)][0]
    assert context["measures"][0]["value"] == charts.format_value(december.value, measure["unit"])


def test_a_month_the_warehouse_does_not_have_is_refused(sample_settings, tmp_path):
    with pytest.raises(HeadwayError, match="no figures for the month ending 31 January 2020"):
        committee.write_pack(sample_settings, tmp_path / "out", period_end=dt.date(2020, 1, 31))
    assert not (tmp_path / "out").exists()


def test_no_warehouse_is_a_headway_error(workspace, tmp_path):
    with pytest.raises(HeadwayError, match="No published warehouse"):
        committee.write_pack(workspace, tmp_path)


def test_chosen_period():
    periods = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    assert committee.chosen_period(periods, None) == dt.date(2026, 3, 31)
    assert committee.chosen_period(periods, dt.date(2026, 2, 1)) == dt.date(2026, 2, 28)
    with pytest.raises(HeadwayError, match="no measure values"):
        committee.chosen_period([], None)


# --- templates and Django ------------------------------------------------------------------
def test_template_context_must_be_text():
    committee.check_text_only({"rows": [{"value": "21.8%", "chart_spec": {"width": 560}}], "flag": True})
    with pytest.raises(TypeError, match=r"context\.rows\[0\]\.value is a int"):
        committee.check_text_only({"rows": [{"value": 412}]})


RENDER_SCRIPT = """
import sys
from pathlib import Path
from django.conf import settings as django_settings
from headway.config import Settings
from headway.reports.committee import build_context, render_html
from headway.web import setup

workspace = Settings(workspace=Path(sys.argv[1]))
before = render_html(build_context(workspace))
print("configured after the pack:", django_settings.configured)
setup(workspace)  # the web app configures Django after the pack has been rendered
after = render_html(build_context(workspace))
print("configured after setup:", django_settings.configured)
print("same pack:", before == after)
"""


def test_pack_renders_whether_or_not_the_web_app_configured_django(shared_sample, tmp_path):
    """In a fresh process: the pack leaves Django unconfigured, the web app can still
    configure it afterwards, and the pack renders the same once it has."""
    workspace = tmp_path / "workspace"
    shutil.copytree(shared_sample.workspace, workspace)
    run = subprocess.run([sys.executable, "-c", RENDER_SCRIPT, str(workspace)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "configured after the pack: False" in run.stdout
    assert "configured after setup: True" in run.stdout
    assert "same pack: True" in run.stdout


# --- disclosure control in the pack ----------------------------------------------------------
def test_small_numerator_is_shown_as_c_and_never_as_the_number(edited_pack):
    small = edited_pack["small"]
    assert small.numerator == SMALL_NUMERATOR
    section = measure_section(edited_pack["html"], SMALL_MEASURE)
    assert table_cells(section, "q-value")[0] == "c"
    assert table_cells(section, "q-numerator")[0] == "c"
    assert table_cells(section, "q-denominator")[0] == f"{small.denominator:,.0f}"
    assert re.search(r'<td class="latest-value">\s*c\s*</td>', section)
    commentary = visible_text(re.search(r'<p class="commentary-text">(.*?)</p>', section, re.S).group(1))
    assert "(shown as c)" in commentary
    assert not re.search(rf"\b{SMALL_NUMERATOR}\b", commentary)
    small_value = charts.format_value(small.value, "percent")
    assert small_value not in visible_text(edited_pack["html"])
    assert small_value not in pdf_text(edited_pack["paths"]["pdf"])


def test_other_measures_are_unaffected_by_one_small_number(edited_pack, edited_sample):
    for measure, point in latest_points(edited_sample):
        if measure["measure_id"] in (SMALL_MEASURE, NO_DATA_MEASURE):
            continue
        section = measure_section(edited_pack["html"], measure["measure_id"])
        assert table_cells(section, "q-value")[0] == charts.format_value(point.value, measure["unit"])


def test_no_data_and_not_calculated_measures_are_explained(edited_pack):
    section = measure_section(edited_pack["html"], NO_DATA_MEASURE)
    assert re.search(r'<td class="latest-value">\s*no data\s*</td>', section)
    assert table_cells(section, "q-value")[0] == sdc.NOT_AVAILABLE
    assert "There is no figure for the month ending 31 March 2026" in visible_text(section)
    assert f'id="measure-{SKIPPED_MEASURE}"' not in edited_pack["html"]
    not_calculated = visible_text(re.search(r'id="not-calculated">(.*?)</section>', edited_pack["html"], re.S).group(1))
    assert "Children looked after per 10,000" in not_calculated and "needs the SSDA903 return" in not_calculated
    assert "1 further measure could not be calculated" in visible_text(edited_pack["html"])


def test_pack_explains_the_symbols(edited_pack):
    text = pdf_text(edited_pack["paths"]["pdf"])
    for symbol, meaning in sdc.SYMBOLS:
        assert f"{symbol} {meaning}" in text


# --- sdc ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_counts_of_1_to_5_are_shown_as_c(count):
    [cell] = sdc.suppress([sdc.Cell("count", count)])
    assert cell.suppressed and sdc.show(cell) == "c"


@pytest.mark.parametrize("count, shown", [(0, "0"), (6, "6"), (1234, "1,234")])
def test_zero_and_six_or_more_are_shown(count, shown):
    [cell] = sdc.suppress([sdc.Cell("count", count)])
    assert not cell.suppressed and sdc.show(cell) == shown


@pytest.mark.parametrize("numerator, denominator", [(3, 200), (40, 5), (1, 2)])
def test_percentages_with_a_small_numerator_or_denominator_are_suppressed(numerator, denominator):
    point = Point(dt.date(2026, 3, 31), numerator, denominator, 100.0 * numerator / denominator, None, None)
    cells = sdc.point_cells(point, "percent")
    assert sdc.show(cells["value"]) == "c"
    for part, count in (("numerator", numerator), ("denominator", denominator)):
        assert sdc.show(cells[part]) == ("c" if sdc.is_small(count) else f"{count:,}")


def test_percentages_from_zero_or_larger_counts_are_shown():
    zero = sdc.point_cells(Point(dt.date(2026, 3, 31), 0, 40, 0.0, None, None), "percent")
    assert [sdc.show(zero[k]) for k in ("value", "numerator", "denominator")] == ["0.0%", "0", "40"]
    large = sdc.point_cells(Point(dt.date(2026, 3, 31), 412, 1890, 100 * 412 / 1890, None, None), "percent")
    assert sdc.show(large["value"]) == charts.format_value(100 * 412 / 1890, "percent")


def test_missing_figures_show_a_symbol_not_a_zero():
    assert sdc.show(sdc.Cell("percent", None)) == ":"
    assert sdc.show(sdc.Cell("percent", None), missing="no data") == "no data"
    assert sdc.show(sdc.point_cells(None, "percent")["value"]) == ":"


def test_suppress_keeps_the_order_of_a_list_of_cells():
    cells = [sdc.Cell("count", n) for n in (10, 2, 0, 7, 5)]
    assert [c.suppressed for c in sdc.suppress(cells)] == [False, True, False, False, True]


def test_charts_are_drawn_only_from_publishable_points():
    points = [Point(dt.date(2026, 1, 31), 40, 200, 20.0, 22.0, "G"),
              Point(dt.date(2026, 2, 28), 4, 200, 2.0, 22.0, "G")]
    safe = sdc.publishable_points(points, "percent")
    assert safe[0] == points[0]
    assert (safe[1].value, safe[1].numerator, safe[1].denominator) == (None, None, 200)
    assert safe[1].target == 22.0


# --- narrative ----------------------------------------------------------------------------------
MARCH = dt.date(2026, 3, 31)
LAST_MARCH = dt.date(2025, 3, 31)
RE_REFERRALS = {"measure_id": "R02", "title": "Re-referrals within 12 months", "unit": "percent",
                "polarity": "lower_is_better", "basis": "rolling_12_months", "target": 22.0, "tolerance": 2.0}
ASSESSMENTS = {"measure_id": "A02", "title": "Assessments completed within 45 working days", "unit": "percent",
               "polarity": "higher_is_better", "basis": "rolling_12_months", "target": 86.0, "tolerance": 3.0}
CP_RATE = {"measure_id": "P01", "title": "Children subject of a child protection plan per 10,000",
           "unit": "rate_per_10k", "polarity": "context", "basis": "snapshot", "target": None, "tolerance": None}


def point(day, numerator, denominator, value, target=None, code=None) -> Point:
    return Point(day, numerator, denominator, value, target, code)


def test_commentary_for_an_improving_measure_on_target():
    text = narrative.commentary(RE_REFERRALS, point(MARCH, 412, 1890, 21.8, 22.0, "G"),
                                point(LAST_MARCH, 450, 1867, 24.1, 22.0, "R"), MARCH)
    assert text.startswith("In the 12 months to 31 March 2026, the figure for re-referrals within 12 months "
                           "was 21.8% (412 out of 1,890), better than the target of 22.0% (Green).")
    assert text.endswith("A year earlier the figure was 24.1%, so performance has improved.")


def test_commentary_for_a_declining_amber_measure():
    text = narrative.commentary(ASSESSMENTS, point(MARCH, 830, 1000, 83.0, 86.0, "A"),
                                point(LAST_MARCH, 880, 1000, 88.0, 86.0, "G"), MARCH)
    assert "83.0% (830 out of 1,000), short of the target of 86.0% but within the tolerance of " \
           "3.0 percentage points (Amber)." in text
    assert "A year earlier the figure was 88.0%, so performance has declined." in text


def test_commentary_for_a_red_measure():
    text = narrative.commentary(ASSESSMENTS, point(MARCH, 700, 1000, 70.0, 86.0, "R"), None, MARCH)
    assert "short of the target of 86.0% by more than the tolerance of 3.0 percentage points (Red)." in text
    assert "There is no figure for a year earlier to compare with." in text


def test_commentary_for_a_context_measure_describes_rate_and_change_without_judging():
    text = narrative.commentary(CP_RATE, point(MARCH, 247, 60000, 41.2), point(LAST_MARCH, 234, 60000, 39.0), MARCH)
    assert text.startswith("At 31 March 2026, the figure for children subject of a child protection plan per "
                           "10,000 was 41.2 per 10,000 (247 in a population of 60,000 children aged 0 to 17).")
    assert "context measure: it has no target" in text
    assert "A year earlier the figure was 39.0 per 10,000, so it has risen." in text
    for judgement in ("Green", "Amber", "Red", "improved", "declined", "target of"):
        assert judgement not in text


def test_commentary_for_a_measure_without_a_target():
    untargeted = {**ASSESSMENTS, "target": None, "tolerance": None}
    text = narrative.commentary(untargeted, point(MARCH, 830, 1000, 83.0), point(LAST_MARCH, 800, 1000, 80.0), MARCH)
    assert "No target has been set for this measure." in text
    assert "(Green)" not in text and "so performance has improved" in text


@pytest.mark.parametrize("latest", [None, point(MARCH, None, None, None)])
def test_commentary_when_there_is_no_data(latest):
    text = narrative.commentary(RE_REFERRALS, latest, point(LAST_MARCH, 450, 1867, 24.1, 22.0, "R"), MARCH)
    assert text.startswith("There is no figure for the month ending 31 March 2026")
    assert "24.1" not in text


def test_commentary_calls_a_change_too_small_to_print_about_the_same():
    text = narrative.commentary(RE_REFERRALS, point(MARCH, 412, 1890, 21.84, 22.0, "G"),
                                point(LAST_MARCH, 410, 1880, 21.81, 22.0, "G"), MARCH)
    assert text.endswith("A year earlier the figure was 21.8%, so performance is about the same.")


def test_commentary_never_prints_a_suppressed_figure():
    text = narrative.commentary(RE_REFERRALS, point(MARCH, 3, 190, 100 * 3 / 190, 22.0, "G"),
                                point(LAST_MARCH, 40, 190, 21.1, 22.0, "G"), MARCH)
    assert "(shown as c)" in text and "It is rated Green against the target of 22.0%." in text
    assert "1.6%" not in text and not re.search(r"\b3\b", text)
    assert "No comparison with a year earlier is given" in text


def test_summary_counts_ratings_and_names_changes():
    headlines = [Headline("Re-referrals within 12 months", "lower_is_better", "G", "improving", True),
                 Headline("Assessments completed within 45 working days", "higher_is_better", "A", "declining", True),
                 Headline("Child protection plans that were second or subsequent", "lower_is_better", "R",
                          "steady", True),
                 Headline("Children looked after per 10,000", "context", None, "up", True),
                 Headline("Initial child protection conferences within 15 working days", "higher_is_better",
                          None, None, False)]
    paragraphs = narrative.summary_paragraphs(headlines, MARCH, not_calculated=2)
    text = " ".join(paragraphs)
    assert "It covers 5 measures" in text
    assert "Of the 3 measures with a target, 1 is Green, 1 is Amber and 1 is Red." in text
    assert "1 is a context measure, shown for information without a target." in text
    assert "1 has no figure for this month." in text
    assert ("Compared with a year earlier (31 March 2025), 1 measure has improved (re-referrals within 12 months), "
            "1 measure has declined (assessments completed within 45 working days) and 1 measure is about the same."
            in text)
    assert "children looked after" not in text  # a context measure is never called better or worse
    assert "2 further measures could not be calculated" in text
    assert paragraphs[-1].startswith("This summary and the commentary on each measure were drafted automatically")


def test_direction_of_travel_uses_polarity():
    down = (point(MARCH, 200, 1000, 20.0), point(LAST_MARCH, 250, 1000, 25.0))
    assert narrative.direction_of_travel(RE_REFERRALS, *down) == "improving"
    assert narrative.direction_of_travel(ASSESSMENTS, *down) == "declining"
    assert narrative.direction_of_travel(CP_RATE, *down) == "down"
    assert narrative.direction_of_travel(RE_REFERRALS, down[0], None) is None
    small = point(LAST_MARCH, 4, 16, 25.0)
    assert narrative.direction_of_travel(RE_REFERRALS, down[0], small) == narrative.SUPPRESSED_DIRECTION


def test_year_before_a_month_end():
    assert narrative.year_before(dt.date(2026, 3, 31)) == dt.date(2025, 3, 31)
    assert narrative.year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert committee.months_before(dt.date(2026, 3, 31), 3) == dt.date(2025, 12, 31)
    assert committee.months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
