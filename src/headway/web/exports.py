"""Excel downloads from the dashboard, built in memory with openpyxl.

Every text cell goes through headway.reports.scorecard_xlsx.safe_cell (text that
starts = + - @, a tab or a carriage return is stored so Excel never runs it as a
formula: security.md W-8); numbers and dates are written as numbers and dates.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from headway.reports.scorecard_xlsx import _append, _header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"


def exception_workbook(item, rows: list[dict], as_at: dt.date, exported_by: str,
                       exported_at: dt.datetime) -> bytes:
    """One sheet: what the list is, as at when, who exported it, then one row per child."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Overdue"
    _append(sheet, [item.title])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(sheet, [item.rule])
    _append(sheet, [f"As at {as_at:%d/%m/%Y}. Exported by {exported_by} at "
                    f"{exported_at:%d/%m/%Y %H:%M} UTC. Contains children's records: keep it secure."])
    _append(sheet, [])
    _header(sheet, ("Child ID", "Allocated worker", "Team", "Service area", item.started_label, "Due by",
                    "Days overdue"))
    for r in rows:
        _append(sheet, [r["child_id"], r["worker_name"] or "Not allocated", r["team_name"], r["service_area"],
                        r["started"], r["due_date"], r["days_overdue"]])
        for cell in sheet[sheet.max_row][4:6]:
            cell.number_format = DATE_FORMAT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
