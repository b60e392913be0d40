"""`headway scorecard --out FILE.xlsx`: the scorecard as an Excel workbook.

Sheet "Scorecard": one row per measure at the authority for the latest month
(value, target, RAG as a word and a fill colour, direction of travel over 3 and 12
months, the DfE comparators). Then one sheet per measure with its monthly series
and comparators, for analysts to chart or pivot.

Every text cell goes through safe_cell(): text starting with = + - @ (or a tab or
carriage return) is a formula to Excel, so it is prefixed with an apostrophe-like
quote character and stored as text ("CSV/formula injection", security.md).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from headway.config import Settings
from headway.measures.rag import RAG_WORDS
from headway.warehouse.query import Warehouse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAG_FILLS = {"R": "F4B6B6", "A": "FFE699", "G": "B7DFB9"}
DIRECTION_WORDS = {None: "", "improving": "Improving", "declining": "Declining", "steady": "Steady",
                   "up": "Up", "down": "Down"}
SCORECARD_COLUMNS = ("ID", "Measure", "Unit", "Month ending", "Value", "Target", "RAG", "Last 3 months",
                     "Last 12 months", "England", "Region", "Statistical neighbours (median)",
                     "Neighbours with a value", "Key Performance Obsession", "Status")
SERIES_COLUMNS = ("Month ending", "Numerator", "Denominator", "Value", "Target", "RAG", "England", "Region",
                  "Statistical neighbours (median)", "Published year compared")


def safe_cell(value):
    """A value Excel will show as it is, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_scorecard(settings: Settings, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    with Warehouse(settings.warehouse_path) as wh:
        period = wh.latest_period()
        cards = wh.scorecard(period_end=period)
        _scorecard_sheet(book.active, wh, cards, period)
        for card in cards:
            if card["status"] == "ok":
                _series_sheet(book.create_sheet(card["measure_id"]), wh, card)
    book.save(out)
    return out


def _append(sheet, values) -> None:
    sheet.append([safe_cell(v) for v in values])


def _header(sheet, columns) -> None:
    _append(sheet, columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{sheet.max_row + 1}"  # a string: asking for the cell would create a row
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(name) + 2, 48))


def _colour_rag(sheet, column: int) -> None:
    cell = sheet.cell(row=sheet.max_row, column=column)
    letter = (cell.value or "")[:1]
    if letter in RAG_FILLS:
        cell.fill = PatternFill("solid", fgColor=RAG_FILLS[letter])


def _scorecard_sheet(sheet, wh: Warehouse, cards: list[dict], period) -> None:
    sheet.title = "Scorecard"
    _header(sheet, SCORECARD_COLUMNS)
    for card in cards:
        latest = card["latest"]
        bench = wh.benchmark(card["measure_id"], period) or {}
        rag = latest.rag if latest else None
        _append(sheet, (
            card["measure_id"], card["title"], card["unit"], period, latest and latest.value,
            latest and latest.target, RAG_WORDS[rag] if rag else "", DIRECTION_WORDS[card["direction_3m"]],
            DIRECTION_WORDS[card["direction_12m"]], bench.get("england"), bench.get("region"),
            bench.get("stat_neighbour_median"), bench.get("stat_neighbour_count"),
            "Yes" if card.get("kpo") else "", card["status"] if card["status"] == "ok"
            else f"{card['status']}: {card['status_message']}"))
        _colour_rag(sheet, SCORECARD_COLUMNS.index("RAG") + 1)


def _series_sheet(sheet, wh: Warehouse, card: dict) -> None:
    _append(sheet, (f"{card['measure_id']}: {card['title']}",))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    _append(sheet, (card["description"],))
    _header(sheet, SERIES_COLUMNS)
    benchmarks = {b["period_end"]: b for b in wh.benchmarks(card["measure_id"])}
    for point in wh.series(card["measure_id"]):
        bench = benchmarks.get(point.period_end, {})
        _append(sheet, (point.period_end, point.numerator, point.denominator, point.value, point.target,
                        RAG_WORDS[point.rag] if point.rag else "", bench.get("england"), bench.get("region"),
                        bench.get("stat_neighbour_median"), bench.get("benchmark_year")))
        _colour_rag(sheet, SERIES_COLUMNS.index("RAG") + 1)
