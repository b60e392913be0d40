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

The pseudonymisation key (see docs/privacy.md) is never in the workspace: it comes
from HEADWAY_PSEUDONYM_KEY or from the file [privacy] key_file in headway.toml names.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from headway.errors import HeadwayError

KEY_VARIABLE = "HEADWAY_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 32  # characters: 32 hex digits are 128 bits
# `headway demo` only: a synthetic authority needs no secret, and a key anyone can
# read in this file must never pseudonymise real children, so it is refused elsewhere.
DEMO_KEY = "headway-demo-key-for-synthetic-data-only-never-for-real-children"
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"

# Caseload targets by cohort (cases per full-time social worker), as West Sussex set
# them in 2018: experienced up to 18, newly qualified (ASYE) 15, complex-needs teams 10.
CASELOAD_TARGETS = {"experienced": 18.0, "newly_qualified": 15.0, "complex_needs": 10.0}


@dataclass(frozen=True)
class Settings:
    workspace: Path
    la_code: str = "999"
    la_name: str = "Synthetic Borough"
    first_month: str | None = None  # ISO date of the earliest month-end to report
    months: int = 36  # length of every monthly series
    targets: dict = field(default_factory=dict)  # measure id -> {target, tolerance}
    kpo: tuple[str, ...] = ()  # Key Performance Obsessions: the measures the board watches most
    # [workforce.caseload_targets]: cases per FTE for each cohort (the workforce digest)
    caseload_targets: dict = field(default_factory=lambda: dict(CASELOAD_TARGETS))
    demo: bool = False  # `headway demo`: synthetic data, pseudonymised with DEMO_KEY
    key_file: Path | None = None  # [privacy] key_file: holds the pseudonymisation key
    dob_first_of_month: bool = False  # [privacy] dob_first_of_month: dates of birth cut to the 1st
    max_file_mb: int = 4096  # [load] max_file_mb: a bigger file is refused before it is read

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
        caseload_targets=_caseload_targets(values.get("workforce", {}).get("caseload_targets", {})),
        key_file=_path_in(root, values.get("privacy", {}).get("key_file")),
        dob_first_of_month=bool(values.get("privacy", {}).get("dob_first_of_month", False)),
        max_file_mb=int(values.get("load", {}).get("max_file_mb", Settings.max_file_mb)),
    )


def _path_in(root: Path, name: str | None) -> Path | None:
    """A path from headway.toml; a relative one is relative to the workspace."""
    return None if not name else (root / Path(name).expanduser()).resolve()


def pseudonym_key(settings: Settings, environ: Mapping[str, str] = os.environ) -> bytes:
    """The key child IDs are pseudonymised with: HEADWAY_PSEUDONYM_KEY, else the file
    [privacy] key_file names, else (demo only) DEMO_KEY. Without one Headway refuses
    to load: IDs pseudonymised with a made-up key could never be joined again."""
    if environ.get(KEY_VARIABLE, "").strip():
        return _checked_key(environ[KEY_VARIABLE].strip(), KEY_VARIABLE, settings)
    if settings.key_file is not None:
        return _checked_key(_read_key_file(settings.key_file, settings), str(settings.key_file), settings)
    if settings.demo:
        return DEMO_KEY.encode()
    raise HeadwayError(
        "No pseudonymisation key: Headway stores child IDs only as keyed pseudonyms and will not load "
        f"without a key. Make one with `{MAKE_A_KEY}`, keep it outside the workspace (and back it up: "
        f"a lost key means the next load cannot be joined with the last), then either set {KEY_VARIABLE} "
        "to it or name a file holding it in headway.toml:\n  [privacy]\n  key_file = \"/etc/headway/pseudonym.key\"\n"
        "(`headway demo` needs no key.) See docs/privacy.md.")


def key_fingerprint(key: bytes) -> str:
    """A short value that shows which key pseudonymised staging, and gives nothing of it away."""
    return hmac.new(key, b"headway key check", hashlib.sha256).hexdigest()[:16]


def _read_key_file(path: Path, settings: Settings) -> str:
    if not path.is_file():
        raise HeadwayError(f"The pseudonymisation key file {path} (headway.toml [privacy] key_file) does not exist.")
    if path.is_relative_to(settings.workspace):
        raise HeadwayError(f"The pseudonymisation key file {path} is inside the workspace, which holds the data "
                           "it protects: move it outside the workspace and change [privacy] key_file.")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise HeadwayError(f"The pseudonymisation key file {path} can be read by other users. Run `chmod 600 {path}`.")
    return path.read_text(encoding="utf-8").strip()


def _checked_key(key: str, source: str, settings: Settings) -> bytes:
    if key == DEMO_KEY and not settings.demo:
        raise HeadwayError(f"The pseudonymisation key in {source} is the published demo key: make a key of "
                           f"your own with `{MAKE_A_KEY}`.")
    if len(key) < MIN_KEY_LENGTH or len(set(key)) < 8:
        raise HeadwayError(f"The pseudonymisation key in {source} is too weak: use at least {MIN_KEY_LENGTH} "
                           f"random characters, e.g. from `{MAKE_A_KEY}`.")
    return key.encode()


def _caseload_targets(given: Mapping) -> dict:
    """The defaults with headway.toml's [workforce.caseload_targets] over them; an
    unknown cohort or a target that is not a positive number is an error."""
    unknown = sorted(set(given) - set(CASELOAD_TARGETS))
    if unknown:
        raise HeadwayError(f"headway.toml [workforce.caseload_targets] names {', '.join(unknown)}; the cohorts "
                           f"are {', '.join(CASELOAD_TARGETS)}.")
    for cohort, target in given.items():
        if isinstance(target, bool) or not isinstance(target, (int, float)) or target <= 0:
            raise HeadwayError(f"headway.toml [workforce.caseload_targets] {cohort} must be a positive number "
                               "of cases per full-time worker.")
    return {**CASELOAD_TARGETS, **{cohort: float(target) for cohort, target in given.items()}}
