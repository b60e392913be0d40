"""chart_drawing: charts.py's Vega-Lite specs drawn as SVG in Python for the web pages,
with vl-convert for anything else (web/svg.py)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from headway import chart_drawing, charts
from headway.chart_drawing import NotDrawable, draw, nice_ticks
from headway.warehouse.query import Point

SVG = "{http://www.w3.org/2000/svg}"
MEASURE = {"title": "Re-referrals within 12 months", "unit": "percent"}


def months(values: list[float | None], target: float | None = None) -> list[Point]:
    ends = [dt.date(2025 + (m + 3) // 12, (m + 3) % 12 + 1, 1) - dt.timedelta(days=1) for m in range(len(values))]
    return [Point(end, None, None, value, target, None) for end, value in zip(ends, values)]


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # fails on anything that is not well-formed XML


def test_nice_ticks_are_round_numbers_covering_the_data():
    assert nice_ticks(0, 47, 6) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(-3.2, 21.5, 14) == [-4, -2, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]
    assert nice_ticks(0.12, 0.31, 5) == [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]
    assert nice_ticks(5, 5, 5)[0] <= 4 and nice_ticks(5, 5, 5)[-1] >= 6  # one value still gets an axis


def test_trend_chart_draws_a_point_a_month_the_target_dashed_and_month_labels():
    svg = parsed(draw(charts.trend_chart(MEASURE, months([10.0, 20.0, 30.0, 25.0], target=22.0))))
    circles = svg.findall(f"{SVG}circle")
    assert len(circles) == 4
    tooltips = [c.find(f"{SVG}title").text for c in circles]
    assert tooltips[0] == "Month ending: March 2025\nRe-referrals within 12 months: 10.0"
    paths = svg.findall(f"{SVG}path")
    assert len(paths) == 2 and paths[1].get("stroke-dasharray") == "6,4"  # the value line, then the target
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Mar 25", "Jun 25", "Per cent", "Month ending", "0", "30"} <= set(texts)
    # higher values sit higher on the page (smaller y)
    ys = [float(c.get("cy")) for c in circles]
    assert ys[2] < ys[1] < ys[0]
    # each point sits level with its value on the axis: 30 at the "30" tick, 10 at the "10" tick
    label_y = {t.text: float(t.get("y")) - chart_drawing.FONT_SIZE / 3 for t in svg.iter(f"{SVG}text")}
    assert ys[2] == pytest.approx(label_y["30"], abs=0.2) and ys[0] == pytest.approx(label_y["10"], abs=0.2)
    # and the axis runs from the lowest tick to the highest, the chart's height apart
    axis = next(line for line in svg.findall(f"{SVG}line") if line.get("x1") == line.get("x2")
                and line.get("stroke") == "#888" and float(line.get("y2")) - float(line.get("y1")) > 100)
    assert (float(axis.get("y1")), float(axis.get("y2"))) == (pytest.approx(label_y["30"], abs=0.2),
                                                              pytest.approx(label_y["0"], abs=0.2))
    assert float(axis.get("y2")) - float(axis.get("y1")) == pytest.approx(220, abs=0.2)  # trend_chart's height


def test_a_month_without_a_value_breaks_the_line():
    svg = parsed(draw(charts.trend_chart(MEASURE, months([10.0, None, 30.0, 25.0]))))
    assert len(svg.findall(f"{SVG}circle")) == 3
    assert svg.find(f"{SVG}path").get("d").count("M") == 2


def test_sparkline_is_bare_and_not_held_to_zero():
    svg = parsed(draw(charts.sparkline(months([50.0, 60.0, 55.0]))))
    assert not list(svg.iter(f"{SVG}text"))  # no axes: the table cell beside it has the numbers
    d = svg.find(f"{SVG}path").get("d").split()
    ys = [float(step.split(",")[1]) for step in d]
    height = float(svg.get("height"))
    # 50 is the lowest value, so it is drawn at the bottom of the box, not half way up
    assert ys[0] == max(ys) and ys[0] > height * 0.7 and ys[1] == min(ys) < height * 0.3


def test_workforce_chart_draws_a_rule_at_zero_when_a_value_is_negative():
    svg = parsed(draw(charts.workforce_chart("Vacancy gap", "percent", months([5.0, -3.0, 2.0]))))
    rules = [line for line in svg.findall(f"{SVG}line") if line.get("stroke") == charts.BLACK]
    zero_label = next(t for t in svg.iter(f"{SVG}text") if t.text == "0")
    assert len(rules) == 1
    assert abs(float(rules[0].get("y1")) - (float(zero_label.get("y")) - chart_drawing.FONT_SIZE / 3)) < 0.2


def test_breakdown_bars_are_in_proportion_and_names_are_escaped():
    rows = [{"org_unit_name": 'Team <b>"A"</b> & co', "value": 10.0, "numerator": 2, "target": 8.0},
            {"org_unit_name": "Team B", "value": 5.0, "numerator": 1, "target": 8.0},
            {"org_unit_name": "Team C", "value": -2.0, "numerator": 0, "target": 8.0},
            {"org_unit_name": "Team D with no figure", "value": None, "numerator": None, "target": 8.0}]
    raw = draw(charts.breakdown_chart(MEASURE, rows))
    assert "<b>" not in raw
    svg = parsed(raw)
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 3  # no bar for no figure; its name is still listed
    names = [t.text for t in svg.iter(f"{SVG}text")]
    assert 'Team <b>"A"</b> & co' in names and "Team D with no figure" in names
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    assert float(bars[2].get("x")) + widths[2] == pytest.approx(float(bars[1].get("x")), abs=0.2)  # left of zero
    target = [line for line in svg.findall(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(target) == 1


def test_long_unit_names_are_cut_like_vega_lite_labels():
    rows = [{"org_unit_name": "A team name " * 10, "value": 1.0, "numerator": 1, "target": None}]
    name = next(t.text for t in parsed(draw(charts.breakdown_chart(MEASURE, rows))).iter(f"{SVG}text")
                if t.text.startswith("A team"))
    assert name.endswith("…") and len(name) * chart_drawing.CHAR_WIDTH <= chart_drawing.LABEL_LIMIT + 1


def test_other_specs_are_left_to_vl_convert(monkeypatch):
    """The board's impact chart adds a text layer: not drawn here, so web/svg.py uses vl-convert."""
    from headway.web import svg as web_svg

    spec = charts.trend_chart(MEASURE, months([10.0, 20.0]))
    spec["layer"].append({"data": {"values": [{"label": "x"}]}, "mark": {"type": "text"},
                          "encoding": {"text": {"field": "label"}}})
    with pytest.raises(NotDrawable):
        draw(spec)
    used = []
    monkeypatch.setattr(charts, "vl_convert_svg", lambda s: used.append(s) or "<svg ></svg>")
    web_svg.clear_cache()
    assert 'role="img"' in web_svg.inline_svg(spec, "A chart")
    assert used == [spec]


def test_the_web_pages_draw_charts_py_shapes_without_vl_convert(monkeypatch):
    from headway.web import svg as web_svg

    def refuse(spec):
        raise AssertionError("vl-convert was asked to draw one of charts.py's own shapes")

    monkeypatch.setattr(charts, "vl_convert_svg", refuse)
    web_svg.clear_cache()
    points = months([10.0, 20.0, 15.0], target=12.0)
    rows = [{"org_unit_name": "Team A", "value": 3.0, "numerator": 3, "target": 2.0}]
    for spec in (charts.sparkline(points), charts.trend_chart(MEASURE, points),
                 charts.workforce_chart("Agency rate", "percent", points), charts.breakdown_chart(MEASURE, rows)):
        assert web_svg.inline_svg(spec, "label").startswith('<svg role="img" aria-label="label"')


def test_the_committee_pack_draws_charts_py_shapes_without_vl_convert(monkeypatch):
    """The pack's trend charts come from charts.to_svg too (a 70-page pack has one a measure)."""
    from headway.reports import committee

    def refuse(spec):
        raise AssertionError("vl-convert was asked to draw one of charts.py's own shapes")

    monkeypatch.setattr(charts, "vl_convert_svg", refuse)
    context = committee.chart_context(MEASURE, months([10.0, 20.0, 15.0], target=12.0))
    assert context["chart_svg"].startswith('<svg role="img" aria-label="Line chart of ')
