"""Workforce rows for the web tests' authority (tests/web_helpers.py): team T1
(Assessment) and T2 (Safeguarding, a complex-needs team), snapshots at 28 February
and 31 March 2026. The figures tests/test_web_workforce.py expects are worked out
from these rows by hand there.
"""

from __future__ import annotations

from headway.config import Settings
from tests.hand_fixture import D, write_staging

# (as_at, worker, team, fte, contract, asye, start, leaving, cases)
WORKERS = [
    ("2026-02-28", "B1", "T1", 1.0, "permanent", False, "2019-05-01", None, 18),
    ("2026-02-28", "B2", "T1", 1.0, "permanent", True, "2025-09-01", None, 10),
    ("2026-02-28", "B3", "T1", 1.0, "agency", False, "2025-06-01", None, 15),
    ("2026-02-28", "B4", "T2", 1.0, "permanent", False, "2018-01-01", None, 11),
    ("2026-02-28", "B5", "T2", 0.5, "permanent", False, "2021-01-01", None, 4),
    ("2026-02-28", "B6", "T2", 1.0, "permanent", False, "2017-01-01", None, 9),
    ("2026-02-28", "B7", "T1", 1.0, "agency", False, "2025-01-01", "2025-12-31", None),
    ("2026-03-31", "B1", "T1", 1.0, "permanent", False, "2019-05-01", None, 20),
    ("2026-03-31", "B2", "T1", 1.0, "permanent", True, "2025-09-01", None, 12),
    ("2026-03-31", "B3", "T1", 1.0, "agency", False, "2025-06-01", None, 16),
    ("2026-03-31", "B4", "T2", 1.0, "permanent", False, "2018-01-01", None, 12),
    ("2026-03-31", "B5", "T2", 0.5, "permanent", False, "2021-01-01", None, 4),
    ("2026-03-31", "B6", "T2", 1.0, "permanent", False, "2017-01-01", "2026-03-10", None),
]
# (as_at, team, establishment, vacancies, covered by agency, complex needs)
ESTABLISHMENT = [
    ("2026-02-28", "T1", 3.0, 1.0, 1.0, False), ("2026-02-28", "T2", 3.0, 0.5, 0.0, True),
    ("2026-03-31", "T1", 3.0, 1.0, 1.0, False), ("2026-03-31", "T2", 3.0, 1.5, 0.0, True),
]


def write_workforce(settings: Settings) -> None:
    write_staging(settings, "csww_worker", [
        {"as_at": D(a), "worker_id": w, "team_id": t, "role": "Social Worker", "fte": fte, "contract": contract,
         "asye": asye, "start_date": D(start), "leaving_date": leaving and D(leaving), "cases": cases}
        for a, w, t, fte, contract, asye, start, leaving, cases in WORKERS])
    write_staging(settings, "csww_vacancy", [
        {"as_at": D(a), "team_id": t, "establishment_fte": est, "vacancy_fte": vac, "agency_cover_fte": cover,
         "complex_needs": complex_}
        for a, t, est, vac, cover, complex_ in ESTABLISHMENT])
