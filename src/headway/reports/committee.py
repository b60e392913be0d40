"""The committee pack: a performance report to Overview and Scrutiny, as PDF and HTML.

    write_pack(settings, out_dir, period_end=None) -> {'pdf': path, 'html': path}

The pack has the shape of a council committee report: a heading block, 1 Summary,
2 Recommendations, 3 Background (how to read the dashboard), then Appendix A, the
performance dashboard, with a section per measure (figure, target, rating in
words, direction over 12 months, trend chart, the last five quarters, and a
commentary drafted from the figures).

How it is built:
  1. build_context() reads the published warehouse once and turns every figure into
     display text, through disclosure control (sdc.py) and the drafted wording
     (narrative.py). The context holds text only, so any renderer can lay it out.
  2. Each renderer in RENDERERS writes one file from that context. HTML goes through
     templates/committee.html; the PDF is that HTML printed by WeasyPrint. A Word
     renderer is one more entry (it can use each chart's `chart_spec` for a PNG).

Templates use Django's template engine on its own (a bare Engine), which reads no
Django settings: the pack works whether or not the web app configured Django in
this process, and never configures it. The price is that the template may only
print text (Django localises numbers and dates through its settings), which
`check_text_only()` enforces.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from headway import charts
from headway.config import Settings
from headway.errors import HeadwayError
from headway.measures.catalogue import BASIS_WORDS, POLARITY_WORDS
from headway.measures.rag import RAG_WORDS
from headway.reports import narrative, sdc
from headway.reports.narrative import long_date, year_before
from headway.warehouse.query import Point, Warehouse

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
COMMITTEE = "Overview and Scrutiny Committee"
REPORT_TITLE = "Children's Services Improvement: Performance Report"
REPORT_OF = "Executive Director of Children's Services"
STATUS = "Draft"
CHART_MONTHS = 24  # two years: the year-on-year comparison is visible on the chart
TABLE_QUARTERS = 5  # this month and the four quarters before it (back to a year earlier)
CHART_WIDTH, CHART_HEIGHT = 560, 190  # Vega-Lite plot area; the SVG is scaled to the page

DIRECTION_WORDS = {
    "improving": "Improving", "declining": "Declining", "steady": "About the same",
    "up": "Up (no better direction)", "down": "Down (no better direction)",
    narrative.SUPPRESSED_DIRECTION: "Not shown (small numbers)", None: "Not enough data",
}
COUNT_HEADINGS = {  # table headings for the numerator and denominator, by unit
    "percent": ("Number", "Out of"),
    "rate_per_10k": ("Number", "Children aged 0 to 17"),
    "days": ("Numerator", "Denominator"),
    "count": ("Number", None),
}


# --- months ------------------------------------------------------------------------
def month_end(day: dt.date) -> dt.date:
    first_of_next = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The month end `months` months before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def chosen_period(periods: list[dt.date], period_end: dt.date | None) -> dt.date:
    """The month to report: the one asked for (any day in it), else the latest published."""
    if not periods:
        raise HeadwayError("The published warehouse has no measure values yet. Run `headway refresh` first.")
    if period_end is None:
        return periods[-1]
    wanted = month_end(period_end)
    if wanted not in periods:
        raise HeadwayError(f"There are no figures for the month ending {long_date(wanted)}: the warehouse "
                           f"has months from {long_date(periods[0])} to {long_date(periods[-1])}.")
    return wanted


def point_at(points: list[Point], day: dt.date) -> Point | None:
    return next((p for p in points if p.period_end == day), None)


def built_at_text(value: str | None) -> str:
    """'2026-04-02T09:00:00' as '2 April 2026 at 09:00'."""
    try:
        when = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return value or "an unknown date"
    return f"{long_date(when.date())} at {when:%H:%M}"


# --- one measure ---------------------------------------------------------------------
def chart_svg(spec: dict, label: str) -> SafeString:
    """The chart as an inline <svg> with a text alternative.

    chart_drawing and vl-convert both escape every text they write into the SVG, so the
    markup is safe as it is.
    """
    svg = charts.to_svg(spec)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1))


def chart_context(measure: dict, points: list[Point]) -> dict:
    """The trend chart, drawn only from publishable figures (a plotted point discloses its value)."""
    shown = sdc.publishable_points(points[-CHART_MONTHS:], measure["unit"])
    plotted = [p for p in shown if p.value is not None]
    if not plotted:
        return {"chart_svg": "", "chart_spec": None, "chart_caption": "",
                "chart_note": "No chart: there are no figures to plot."}
    spec = charts.trend_chart(measure, shown, width=CHART_WIDTH, height=CHART_HEIGHT)
    target = " The dashed line is the target." if any(p.target is not None for p in shown) else ""
    left_out = " Figures not shown for confidentiality are left out." if len(plotted) < sum(
        p.value is not None for p in points[-CHART_MONTHS:]) else ""
    span = f"from {long_date(shown[0].period_end)} to {long_date(shown[-1].period_end)}"
    label = (f"Line chart of {measure['title']} each month {span}.{target}{left_out} "
             "The table gives the figures every three months.")
    return {"chart_svg": chart_svg(spec, label), "chart_spec": spec,
            "chart_caption": f"Each month {span}.{target}{left_out}", "chart_note": ""}


def quarter_rows(measure: dict, points: list[Point], period: dt.date) -> list[dict]:
    """This month and each third month before it, newest first, as printed text."""
    rows = []
    for quarter in range(TABLE_QUARTERS):
        day = months_before(period, 3 * quarter)
        point = point_at(points, day)
        cells = sdc.point_cells(point, measure["unit"])
        has_rating = point is not None and point.value is not None and point.rag is not None
        rows.append({
            "period": long_date(day),
            "value": sdc.show(cells["value"]),
            "numerator": sdc.show(cells["numerator"]),
            "denominator": sdc.show(cells["denominator"]),
            "rating": RAG_WORDS[point.rag] if has_rating else "–",
        })
    return rows


def rating(measure: dict, latest: Point | None) -> tuple[str, str]:
    """The rating as a word and a CSS class: the word always carries the meaning."""
    if latest is None or latest.value is None:
        return "Not rated (no figure)", "rag-none"
    if latest.rag in ("G", "A", "R"):
        return RAG_WORDS[latest.rag], f"rag-{latest.rag.lower()}"
    if measure["polarity"] == "context":
        return "No target (context)", "rag-none"
    return RAG_WORDS[None], "rag-none"


def rating_code(latest: Point | None) -> str | None:
    return latest.rag if latest is not None and latest.value is not None else None


def target_text(measure: dict, latest: Point | None) -> str:
    target = latest.target if latest is not None and latest.target is not None else measure.get("target")
    return "No target" if target is None else charts.format_value(target, measure["unit"])


def measure_context(measure: dict, points: list[Point], period: dt.date,
                    number: int) -> tuple[dict, narrative.Headline]:
    """Everything the dashboard prints for one measure, as text; and its headline for the summary."""
    unit = measure["unit"]
    latest, earlier = point_at(points, period), point_at(points, year_before(period))
    way = narrative.direction_of_travel(measure, latest, earlier)
    rag_word, rag_class = rating(measure, latest)
    numerator_heading, denominator_heading = COUNT_HEADINGS.get(unit, ("Numerator", "Denominator"))
    headline = narrative.Headline(measure["title"], measure["polarity"], rating_code(latest), way,
                                  has_figure=latest is not None and latest.value is not None)
    return {
        "id": measure["measure_id"],
        "number": f"A.{number}",
        "title": measure["title"],
        "description": measure.get("description") or "",
        "value": sdc.show(sdc.point_cells(latest, unit)["value"], missing="no data"),
        "target": target_text(measure, latest),
        "rag_word": rag_word,
        "rag_class": rag_class,
        "direction": DIRECTION_WORDS.get(way, DIRECTION_WORDS[None]),
        "definition": definition_rows(measure),
        "numerator_heading": numerator_heading,
        "denominator_heading": denominator_heading,
        "quarters": quarter_rows(measure, points, period),
        "commentary": narrative.commentary(measure, latest, earlier, period),
        **chart_context(measure, points),
    }, headline


def definition_rows(measure: dict) -> list[tuple[str, str]]:
    rows = [
        ("What is counted", measure.get("numerator")),
        ("Out of", measure.get("denominator")),
        ("Timescale", measure.get("timescale")),
        ("Which way is better", POLARITY_WORDS.get(measure["polarity"], measure["polarity"])),
        ("Basis", BASIS_WORDS.get(measure["basis"], measure["basis"])),
    ]
    return [(label, text) for label, text in rows if text]


# --- the report around the dashboard ---------------------------------------------------
def numbered(section: int, paragraphs: list) -> list[dict]:
    """Paragraphs numbered 1.1, 1.2 ... as committee reports are; a tuple is (text, bullet items)."""
    out = []
    for index, paragraph in enumerate(paragraphs, start=1):
        text, items = paragraph if isinstance(paragraph, tuple) else (paragraph, [])
        out.append({"number": f"{section}.{index}", "text": text, "items": items})
    return out


def recommendation_paragraphs(period: dt.date) -> list:
    return [
        ("That the Committee:", [
            f"notes the performance of children's services shown in the dashboard at Appendix A for the "
            f"month ending {long_date(period)}; and",
            "identifies any areas for further scrutiny.",
        ]),
        "Reason for the recommendation: to enable the Committee to scrutinise the performance of "
        "children's services and to hold the service to account for improvement.",
    ]


def background_paragraphs(period: dt.date, info: dict) -> list:
    population = (f" Rates per 10,000 use the ONS mid-year estimate of children aged 0 to 17 "
                  f"({info['population_year']})." if info.get("population_year") else
                  " Rates per 10,000 use the ONS mid-year estimate of children aged 0 to 17.")
    return [
        f"The dashboard at Appendix A shows each measure for the authority as a whole for the month ending "
        f"{long_date(period)}: the latest figure, the target, a rating, the direction over 12 months, a "
        "chart of the last two years and the figures for the last five quarters.",
        ("Each measure with a target has a rating, always written as a word so the dashboard can be read "
         "without colour:", [
            "Green: on target or better.",
            "Amber: short of the target, but within the tolerance set for the measure.",
            "Red: short of the target by more than the tolerance.",
            "No target: a context measure, such as the number of children looked after per 10,000, shown "
            "for information. A rise or fall in a context measure is not in itself good or bad.",
        ]),
        "For some measures a higher figure is better (for example, assessments completed in time); for "
        "others a lower figure is better (for example, re-referrals). 'Improving' and 'Declining' take "
        "this into account: a falling re-referral rate is shown as improving. The direction compares the "
        "latest figure with the same month a year earlier, as the figures are printed.",
        ("Measures are counted in one of two ways:", [
            "Rolling 12 months: events in the 12 months to the end of the month (for example, referrals "
            "in the year). These change gradually from month to month.",
            "Snapshot: children at the end of the month (for example, children looked after on "
            f"{long_date(period)}).",
        ]),
        f"The figures come from the authority's statutory returns (the Children in Need Census and the "
        f"SSDA903 return) and case-management records, loaded into Headway. The data was last refreshed "
        f"on {built_at_text(info.get('built_at'))}.{population}",
        ("This report may be published, so figures that could identify a child are not shown, following "
         "the Department for Education's convention for children's social care statistics:",
         [f"{symbol} {meaning}." for symbol, meaning in sdc.SYMBOLS]),
        f"The summary and the commentary on each measure were {narrative.DRAFTED_NOTE}.",
    ]


def cover_rows(period: dt.date, report_date: dt.date) -> list[tuple[str, str]]:
    return [
        ("Report to", COMMITTEE),
        ("Subject", REPORT_TITLE),
        ("Report of", REPORT_OF),
        ("Period", f"Month ending {long_date(period)}"),
        ("Date of report", long_date(report_date)),
        ("Wards affected", "All"),
        ("Status", STATUS),
        ("Appendices", "Appendix A: Performance Dashboard"),
    ]


# --- the Improvement Board's approved words -----------------------------------------------
# `board` is headway.board.publish.pack_narrative (or anything with its shape): called with the
# pack's month and the measure IDs, it returns only approved commentary and position statements.
# The pack never imports the board itself, so it still renders without Django configured.
BoardReader = Callable[[dt.date, list[str]], Any]
APPROVED_NOTE = "written by officers and approved for publication by the Improvement Board"


def approved_day(item) -> str:
    """The day it was approved, as the council's date when the board gives it (approved_on)."""
    return long_date(getattr(item, "approved_on", None) or item.approved_at.date())


def approved_commentary_text(commentary) -> list[tuple[str, str]]:
    return [("What the figure shows", commentary.shows), ("Why", commentary.why),
            ("What happens next", commentary.next_steps)]


def use_approved_commentary(measures: list[dict], approved: dict) -> None:
    """Where the board approved commentary on a measure for the month, it replaces the drafted text."""
    for measure in measures:
        commentary = approved.get(measure["id"])
        if commentary is None:
            continue
        measure["approved_commentary"] = approved_commentary_text(commentary)
        measure["approved_note"] = (f"This commentary was {APPROVED_NOTE}: approved by {commentary.approved_by} "
                                    f"on {approved_day(commentary)} (version {commentary.version}).")


def authorship_text(approved: int, total: int) -> str:
    """Who wrote the words, when the board approved commentary on `approved` of `total` measures."""
    which = "every measure" if approved == total else f"{approved} of the {narrative.plural(total, 'measure')}"
    rest = "" if approved == total else f"; the commentary on the others was {narrative.DRAFTED_NOTE}"
    return (f"The summary was {narrative.DRAFTED_NOTE}. The commentary on {which} was {APPROVED_NOTE}"
            f"{rest}.")


def statement_subject(statement) -> str:
    """'1.2 Recruit social workers (Quality; accountable officer ...)' or 'Key area Practice (...)'."""
    officer = f"accountable officer {statement.accountable_officer}" if statement.accountable_officer else ""
    if statement.action_reference:
        return f"{statement.action_reference} {statement.action_title} ({statement.theme}; {officer})"
    return f"Key area {statement.key_area}" + (f" ({officer})" if officer else "")


def statement_paragraph(statement) -> tuple[str, list[str]]:
    rag = RAG_WORDS.get(statement.rag, statement.rag)
    return (f"{statement_subject(statement)}. Position at {long_date(statement.as_of)}, proposed rating {rag}:", [
                f"What was done: {statement.done}",
                f"Impact seen: {statement.impact}",
                f"Next steps: {statement.next_steps}",
                f"Approved by {statement.approved_by} on {approved_day(statement)} "
                f"(version {statement.version}).",
            ])


def plan_progress_paragraphs(papers) -> list:
    """Section 4: the approved position statements for the quarter, one per action."""
    span = f"from {long_date(papers.statements_from)} to {long_date(papers.statements_to)}"
    if not papers.statements:
        return [f"No position statement dated {span} has been approved by the Improvement Board."]
    return [f"The accountable officers' position statements dated {span}, as approved by the Improvement "
            "Board (the newest for each action and key area of the improvement plan):",
            *[statement_paragraph(s) for s in papers.statements]]


def add_board_papers(context: dict, papers, measure_count: int) -> None:
    """Put the board's approved words into a built context (see build_context)."""
    use_approved_commentary(context["measures"], papers.commentary)
    approved = sum("approved_commentary" in m for m in context["measures"])
    for section in context["sections"]:
        if approved and section["number"] in ("1", "3"):  # both end with who wrote the words
            section["paragraphs"][-1]["text"] = authorship_text(approved, measure_count)
    context["sections"].append({"number": "4", "title": "Progress on the improvement plan",
                                "paragraphs": numbered(4, plan_progress_paragraphs(papers))})


# --- the context -------------------------------------------------------------------------
def build_context(settings: Settings, period_end: dt.date | None = None,
                  report_date: dt.date | None = None, board: BoardReader | None = None) -> dict:
    """Everything the pack prints, as text, read from the published warehouse once.

    With `board`, approved measure commentary replaces the drafted commentary and a section
    gives the approved position statements; without it the pack is drafted from the figures.
    """
    with Warehouse(settings.warehouse_path) as warehouse:
        period = chosen_period(warehouse.periods(), period_end)
        info = warehouse.info()
        catalogue = warehouse.measures()
        series = {m["measure_id"]: warehouse.series(m["measure_id"], until=period)
                  for m in catalogue if m["status"] == "ok"}
    calculated = [m for m in catalogue if m["status"] == "ok"]
    built = [measure_context(m, series[m["measure_id"]], period, number)
             for number, m in enumerate(calculated, start=1)]
    measures, headlines = [text for text, _ in built], [headline for _, headline in built]
    not_calculated = [{"title": m["title"], "reason": m.get("status_message") or f"status: {m['status']}"}
                      for m in catalogue if m["status"] != "ok"]
    authority = info.get("la_name") or settings.la_name
    report_date = report_date or dt.date.today()
    summary = narrative.summary_paragraphs(headlines, period, len(not_calculated))
    context = {
        "file_stem": f"committee-pack-{period:%Y-%m}",
        "authority": authority,
        "committee": COMMITTEE,
        "title": REPORT_TITLE,
        "period_text": f"Month ending {long_date(period)}",
        "report_date": long_date(report_date),
        "status": STATUS,
        "cover": cover_rows(period, report_date),
        "sections": [
            {"number": "1", "title": "Summary", "paragraphs": numbered(1, summary)},
            {"number": "2", "title": "Recommendations", "paragraphs": numbered(2, recommendation_paragraphs(period))},
            {"number": "3", "title": "Background: how to read the dashboard",
             "paragraphs": numbered(3, background_paragraphs(period, info))},
        ],
        "symbols": [{"symbol": s, "meaning": m} for s, m in sdc.SYMBOLS],
        "measures": measures,
        "not_calculated": not_calculated,
        "drafted_note": narrative.DRAFTED_NOTE,
    }
    if board is not None:
        add_board_papers(context, board(period, [m["measure_id"] for m in calculated]), len(measures))
    return context


# --- renderers -----------------------------------------------------------------------------
def check_text_only(value, where: str = "context") -> None:
    """Refuse anything but text in the template context.

    A bare Django Engine prints a number or date through Django's settings, which
    may not be configured; every figure must be formatted (and disclosure-checked)
    before it reaches a template anyway. Specs for charts are data, not printed.
    """
    if value is None or isinstance(value, (str, bool)):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not str(key).endswith("_spec"):
                check_text_only(item, f"{where}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_text_only(item, f"{where}[{index}]")
        return
    raise TypeError(f"{where} is a {type(value).__name__}: format it as text before it reaches the template")


def template_engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES_DIR)], app_dirs=False, autoescape=True, debug=False)


def render_html(context: dict) -> str:
    check_text_only(context)
    template = template_engine().get_template("committee.html")
    return template.render(Context(context, autoescape=True))


def write_html(context: dict, path: Path) -> None:
    path.write_text(render_html(context), encoding="utf-8")


def write_pdf(context: dict, path: Path) -> None:
    from weasyprint import HTML  # slow to import; only the PDF needs it

    # PDF/UA: a tagged PDF that screen readers can follow (headings, tables, reading order).
    HTML(string=render_html(context), base_url=str(TEMPLATES_DIR)).write_pdf(str(path), pdf_variant="pdf/ua-1")


# kind -> (file suffix, writer). Add a renderer (e.g. 'docx') here.
RENDERERS: dict[str, tuple[str, Callable[[dict, Path], None]]] = {
    "pdf": (".pdf", write_pdf),
    "html": (".html", write_html),
}


def write_atomically(path: Path, writer: Callable[[Path], None]) -> None:
    """Write to a temporary name, then rename: a failed run never leaves half a pack."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_pack(settings: Settings, out_dir: Path, period_end: dt.date | None = None, *,
               report_date: dt.date | None = None, board: BoardReader | None = None) -> dict[str, Path]:
    """Write committee-pack-<YYYY-MM>.pdf and .html for a month (default: the latest);
    `board` as for build_context."""
    context = build_context(settings, period_end, report_date, board)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, (suffix, writer) in RENDERERS.items():
        path = out_dir / f"{context['file_stem']}{suffix}"
        write_atomically(path, lambda tmp, writer=writer: writer(context, tmp))
        written[kind] = path
    return written
