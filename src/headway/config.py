"""Where Headway keeps its data and how an install is configured.

Everything lives in one workspace directory (default ./workspace, or the
HEADWAY_WORKSPACE environment variable, or --workspace on the command line):

    workspace/
      headway.toml          settings for this install (optional; see docs/deployment.md)
      staging/              accepted returns, one Parquet file per table and year
      warehouse/current.duckdb   the published warehouse that readers open read-only
      warehouse/build-*.duckdb   a refresh in progress (never read by users)
      app.sqlite3           users, sessions and audit log (Django), unless DATABASE_URL
      reports/              committee packs
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    workspace: Path
    la_code: str = "999"
    la_name: str = "Synthetic Borough"
    first_month: str | None = None  # ISO date of the earliest month-end to report
    months: int = 36  # length of every monthly series
    targets: dict = field(default_factory=dict)  # measure id -> {target, tolerance}
    kpo: tuple[str, ...] = ()  # Key Performance Obsessions: the measures the board watches most

    @property
    def staging_dir(self) -> Path:
        return self.workspace / "staging"

    @property
    def warehouse_dir(self) -> Path:
        return self.workspace / "warehouse"

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse_dir / "current.duckdb"

    @property
    def reports_dir(self) -> Path:
        return self.workspace / "reports"

    @property
    def app_db_path(self) -> Path:
        return self.workspace / "app.sqlite3"


def load_settings(workspace: str | os.PathLike | None = None) -> Settings:
    """Settings for the workspace given, else HEADWAY_WORKSPACE, else ./workspace."""
    root = Path(workspace or os.environ.get("HEADWAY_WORKSPACE") or "workspace").resolve()
    values: dict = {}
    toml_path = root / "headway.toml"
    if toml_path.exists():
        with toml_path.open("rb") as fh:
            values = tomllib.load(fh)
    authority = values.get("authority", {})
    return Settings(
        workspace=root,
        la_code=str(authority.get("la_code", Settings.la_code)),
        la_name=authority.get("la_name", Settings.la_name),
        months=int(values.get("measures", {}).get("months", Settings.months)),
        targets=values.get("targets", {}),
        kpo=tuple(values.get("measures", {}).get("kpo", ())),
    )
