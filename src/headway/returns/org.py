"""The case-management extract: teams, workers and who each child is allocated to.

Three CSV files, each recognised by its columns:

    teams        team_id, team_name, service_area
    workers      worker_id, worker_name, team_id, role
    allocations  child_id, worker_id, start_date, end_date (blank: still allocated)

They describe the organisation as it is now, not one collection year: each load
replaces the last (staging/org_*/current.parquet). A team or worker is listed once
(a worker on two rows could be in two teams, and their children counted in both).
Dates are YYYY-MM-DD, or DD/MM/YYYY as a spreadsheet may write them.
"""

from __future__ import annotations

from pathlib import Path

from headway.returns.convert import Field
from headway.returns.csvtext import TextTable, read_shape
from headway.returns.shapes import CsvShape, ReturnFile

DATE_FORMATS = ("YYYY-MM-DD", "DD/MM/YYYY")

SHAPES = (
    CsvShape("Teams", "org_team", (
        Field("team_id", "TEAM_ID", required=True), Field("team_name", "TEAM_NAME"),
        Field("service_area", "SERVICE_AREA"),
    ), identifying=("TEAM_ID", "TEAM_NAME", "SERVICE_AREA"), unique=("TEAM_ID",)),
    CsvShape("Workers", "org_worker", (
        Field("worker_id", "WORKER_ID", required=True), Field("worker_name", "WORKER_NAME"),
        Field("team_id", "TEAM_ID"), Field("role", "ROLE"),
    ), identifying=("WORKER_ID", "WORKER_NAME", "TEAM_ID"), unique=("WORKER_ID",)),
    CsvShape("Allocations", "org_allocation", (
        Field("child_id", "CHILD_ID", required=True), Field("worker_id", "WORKER_ID", required=True),
        Field("start_date", "START_DATE", "date", required=True), Field("end_date", "END_DATE", "date"),
    ), identifying=("CHILD_ID", "WORKER_ID", "START_DATE")),
)


def read(text: TextTable, shape: CsvShape, path: Path, year: int | None = None) -> ReturnFile:
    """`year` is ignored: the extract is the organisation as it is now."""
    return read_shape(text, shape, path, DATE_FORMATS)
