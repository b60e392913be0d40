"""The catalogue's measures against answers worked out by hand on a second tiny
authority (tests/hand_fixture_catalogue.py), and the catalogue's own rules: every
computable measure has a hand-worked test, every measure needing a source not read
yet is skipped naming it, and every measure's SQL fits the model it is written for."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from headway.config import Settings
from headway.errors import HeadwayError
from headway.measures.catalogue import (LOADED_SOURCES, PLANNED_SOURCES, REQUIRED_COLUMNS, load_catalogue,
                                        read_measure)
from headway.warehouse.build import refresh
from headway.warehouse.query import Warehouse
from headway.warehouse.tables import STAGING_TABLES
from tests.hand_fixture_catalogue import write_catalogue_fixture
from tests.test_measures import EXPECTED as SKELETON_EXPECTED
from tests.test_measures import assert_hand_answer

D = dt.date.fromisoformat
PLANNED_MODEL = Path(__file__).with_name("planned_model.sql")
A, POP = "authority", 10_000  # population 10,000: a rate per 10,000 equals the count

# (measure, period end, org level, org unit) -> (numerator, denominator, value), worked out by hand.
EXPECTED = {
    # R01/R03/R04, year to 31 March 2026: F1 (1 April, RC8), F2 (31 March, NFA), F6 (RC9), F8.
    # F2 is NFA, so not "assessed as not in need" although its closure reason is RC8.
    ("R01", "2026-03-31", A, "999"): (4, POP, 4.0),
    ("R01", "2025-03-31", A, "999"): (2, POP, 2.0),       # F7, and F3 received on 31 March
    ("R03", "2026-03-31", A, "999"): (1, 4, 25.0),
    ("R04", "2026-03-31", A, "999"): (2, 4, 50.0),
    # A01: G1 (authorised on Easter Monday), G2, G3, G4, G5 (authorised before its start)
    ("A01", "2026-03-31", A, "999"): (5, POP, 5.0),
    ("A01", "2025-03-31", A, "999"): (1, POP, 1.0),       # G7, authorised on 31 March
    # A03 medians (no numerator). Working days: G1 0 (bank holiday), G2 0, G3 45, G4 10, G7 228.
    ("A03", "2026-03-31", A, "999"): (None, 4, 5.0),      # 0 0 10 45: mean of the middle two
    ("A03", "2025-09-30", A, "999"): (None, 5, 10.0),     # 0 0 10 45 228
    ("A03", "2025-08-31", A, "999"): (None, 4, 22.5),     # 0 0 45 228
    ("A03", "2025-09-30", "team", "T1"): (None, 2, 27.5),  # G3 and G4, held by W1
    ("A03", "2025-09-30", "team", "UNALLOCATED"): (None, 3, 0.0),
    # C01: open, not NFA, under 18. 31 March 2026: F3 only (F7 turns 18 that day, F8 closed on it)
    ("C01", "2025-03-31", A, "999"): (4, POP, 4.0),       # F3 (referred that day), F4, F5, F7
    ("C01", "2026-02-28", A, "999"): (3, POP, 3.0),       # F3, F7, F8
    ("C01", "2026-03-31", A, "999"): (1, POP, 1.0),
    # C02: closed in the year to 31 March 2026: F1, F4 (exactly 2 years), F5 (a day short), F6, F8
    ("C02", "2026-03-31", A, "999"): (1, 5, 20.0),
    # S47s started in the year: H1, H2, H3, H5 (on 31 March), H6; conferences held in it: H1, H2, H4, H6
    ("S01", "2026-03-31", A, "999"): (5, POP, 5.0),
    ("S02", "2026-03-31", A, "999"): (3, 5, 60.0),        # H1, H2, H6 reached a conference
    ("S04", "2026-03-31", A, "999"): (4, POP, 4.0),
    ("S05", "2026-03-31", A, "999"): (2, 4, 50.0),        # H1, H6: plan on the conference day; H2 a day late
    # P01: 31 March 2026: Q1 and Q4 (started that day); Q6 turns 18 that day; H1 ended 15 March
    ("P01", "2026-03-31", A, "999"): (2, POP, 2.0),
    ("P01", "2026-02-28", A, "999"): (3, POP, 3.0),       # H1, Q1, Q6
    # P02: started in the year to 31 March 2026: H1, H2, H6, Q4 (on 31 March), Q6
    ("P02", "2026-03-31", A, "999"): (5, POP, 5.0),
    ("P02", "2024-03-31", A, "999"): (1, POP, 1.0),       # Q1, started on 31 March 2024
    # P04: ended in the year: Q2 exactly 2 years, Q3 a day short; then H1, H2, H6, Q5 all short
    ("P04", "2025-03-31", A, "999"): (1, 2, 50.0),
    ("P04", "2026-03-31", A, "999"): (0, 4, 0.0),
    # P05: Q1 started 31 March 2024 has lasted 2 years on 31 March 2026, not on 28 February
    ("P05", "2026-03-31", A, "999"): (1, 2, 50.0),        # Q1, Q4
    ("P05", "2026-02-28", A, "999"): (0, 3, 0.0),         # H1, Q1, Q6
    # P06: plans open 3 months or more. Q2/Q3 began before the data (1 April 2023): Q2's first
    # review in the data is not judged; Q3 with none is due 1 October 2023 (6 months on).
    ("P06", "2023-09-30", A, "999"): (2, 2, 100.0),
    ("P06", "2023-10-31", A, "999"): (1, 2, 50.0),        # Q3 now overdue
    ("P06", "2024-07-31", A, "999"): (2, 3, 200 / 3),     # Q1 (review at exactly 3 months), Q2; not Q3
    ("P06", "2026-02-28", A, "999"): (2, 3, 200 / 3),     # H1 and Q6 in time; Q1 had a late review
    ("P06", "2026-03-31", A, "999"): (0, 1, 0.0),         # Q1 only: H1 ended, Q6 turned 18, Q4 new
    # L01: K5 short breaks out; K4 turns 18 on 31 March 2026 (episode left open); K6 left care
    # on their 18th birthday, 31 March 2025
    ("L01", "2026-03-31", A, "999"): (5, POP, 5.0),       # K1 K2 K3 K10 K11
    ("L01", "2026-02-28", A, "999"): (6, POP, 6.0),       # and K4
    ("L01", "2025-03-31", A, "999"): (7, POP, 7.0),       # K1 K2 K3 K4 K8 K10 K11
    ("L01", "2025-02-28", A, "999"): (8, POP, 8.0),       # and K6
    # L02: periods started; episodes joined by X1 are one period; K10 came into care twice
    ("L02", "2024-03-31", A, "999"): (4, POP, 4.0),       # K1 K2 K7 K8 (3, 4, 3, 4 episodes)
    ("L02", "2025-03-31", A, "999"): (4, POP, 4.0),       # K4, K6, K10 twice; not K5
    # L03: placements in the 12 months to the month end, counting a change of placement with
    # the same carers (K1's T) but not a legal-status change (K1's L).
    ("L03", "2026-03-31", A, "999"): (1, 5, 20.0),        # K2 (3); K1 K3 K10 K11 fewer; K4 is 18
    ("L03", "2025-03-31", A, "999"): (1, 7, 100 / 7),     # K10: one placement before going home, two after
    ("L03", "2026-03-31", "team", "T3"): (1, 2, 50.0),    # K1, K2 held by W3
    ("L03", "2026-03-31", "team", "UNALLOCATED"): (0, 3, 0.0),
    # L04: under 16, in care 2.5 years. K3 turns 16 on 31 March 2026. K11 placed for adoption
    # in October 2025 after 3 years with foster carers; K2 moved carers in September 2025.
    ("L04", "2026-03-31", A, "999"): (2, 3, 200 / 3),     # K1, K11 of K1 K2 K11
    ("L04", "2026-02-28", A, "999"): (3, 4, 75.0),        # K1, K3, K11 of K1 K2 K3 K11
    # L05: in care 2 years at 31 March 2026: K1 K2 K3 K11; K2 had 4 placements in them
    ("L05", "2026-03-31", A, "999"): (1, 4, 25.0),
    # L16: reviews due by month. Children with no review held (K2, K4, K6, K8, K10 twice) have a
    # first review due 20 working days on, not held: late. K11 and K3's first in the data began
    # care before the data: not judged.
    ("L16", "2024-03-31", A, "999"): (4, 9, 400 / 9),     # K1 3 (1 late), K7 3 (1 late), K3 late, K2, K8
    ("L16", "2025-03-31", A, "999"): (4, 9, 400 / 9),     # K1 2 (1 late), K7, K3 2, K4, K6, K10 x2
    ("L16", "2026-03-31", A, "999"): (3, 4, 75.0),        # K1 (the one due 25 Feb 2026 not held), K3 2
    # Adoption. K7: care 1 May 2023, placed with adopters 1 May 2024 (366 days), adopted
    # 1 December 2024. K8: care 1 June 2023, with the foster carers who adopted them from
    # 1 September 2023 (92 days), placed for adoption 1 October 2024 (488), adopted 30 June 2025.
    ("AD01", "2026-03-31", A, "999"): (854, 2, 427.0),
    ("AD03", "2026-03-31", A, "999"): (458, 2, 229.0),
    ("AD04", "2026-03-31", A, "999"): (488, 1, 488.0),
    ("AD04", "2025-03-31", A, "999"): (366, 1, 366.0),    # not K12, adopted January 2025: start unknown
    # AD06: placement order, not placed: K7 Nov 2023 - Apr 2024, K8 Mar - Sep 2024
    ("AD06", "2024-03-31", A, "999"): (2, None, 2.0),
    ("AD06", "2024-05-31", A, "999"): (1, None, 1.0),
    ("AD06", "2024-10-31", A, "999"): (0, None, 0.0),
    # SSDA903 OC2 (hand_fixture_catalogue.OC2). The 2025/26 cohort counts at 31 March 2026:
    # O1-O5 (O6, every item blank, is not in it); the 2024/25 cohort (O3) until then.
    ("L11", "2026-03-31", A, "999"): (3, 5, 60.0),        # health assessment: O1 O3 O4
    ("L11", "2026-02-28", A, "999"): (0, 1, 0.0),         # O3 in 2024/25
    ("L12", "2026-03-31", A, "999"): (3, 5, 60.0),        # teeth: O2 O3 O4
    ("L13", "2026-03-31", A, "999"): (4, 5, 80.0),        # immunisations: all but O3
    ("L14", "2026-03-31", A, "999"): (1, 1, 100.0),       # aged 0-4: O1 only (O2 is 5 that day)
    ("L15", "2026-03-31", A, "999"): (2, 3, 200 / 3),     # aged 5-16: O2 O5 scored, O3 not; O4 is 17
    ("L20", "2026-03-31", A, "999"): (1, 3, 100 / 3),     # aged 10-17: O4 of O3 O4 O5
    # Missing. Children in care in the 12 months to 31 March 2026: K1 K2 K3 K4 K8 K10 K11 (K6
    # left on 31 March 2025, exactly 12 months before; K5 short breaks). Went missing (M) in
    # them: K2 twice, K11 on 31 March 2026; K3's incident began on 31 March 2025 (not in the
    # 12 months), K10 was away (A), not missing.
    ("L08", "2026-03-31", A, "999"): (2, 7, 200 / 7),
    ("L09", "2026-03-31", A, "999"): (3, 2, 1.5),
    # 12 months to 31 March 2025: in care K1 K2 K3 K4 K6 K7 K8 K10 K11 K12; K3 missing, once
    # (the incident is in both returns)
    ("L08", "2025-03-31", A, "999"): (1, 10, 10.0),
    ("L09", "2025-03-31", A, "999"): (1, 1, 1.0),
    # OC3: birthdays in the 12 months to 31 March 2026: C1 (17, 1 April 2025) C2 (19, 31 March)
    # C3 (20) C4 (18, 1 March 2026) C5 (21); C7 is blank, not a care leaver
    ("CL05", "2026-03-31", A, "999"): (4, 5, 80.0),       # in touch: all but C3
    ("CL05", "2026-02-28", A, "999"): (2, 3, 200 / 3),    # C1 C3 C5 (C2's and C4's birthdays to come)
    ("CL01", "2026-03-31", A, "999"): (1, 3, 100 / 3),    # 19-21: C5 (P1) of C2 C3 C5
    ("CL02", "2026-03-31", A, "999"): (1, 3, 100 / 3),    # C5 (H1); C2 unsuitable (B2), C3 not known
    ("CL03", "2026-03-31", A, "999"): (2, 2, 100.0),      # 17-18: C1 (F2), C4 (F5)
    ("CL03", "2025-03-31", A, "999"): (1, 1, 100.0),      # C6 (F4)
    ("CL04", "2026-03-31", A, "999"): (1, 2, 50.0),       # C1 (D1); C4 unsuitable (E2)
    # AD1 with adoption_journeys. Decision to match: K7 15 Oct 2023 - 10 Apr 2024 178 days; K12
    # 1 Aug 2022 - 11 Sep 2023 406 (the 2025/26 resubmission wins over 11 Sep's 396); K8
    # 1 Oct 2023 - 20 Feb 2024 142.
    ("AD05", "2025-03-31", A, "999"): (584, 2, 292.0),    # K7 (adopted Dec 2024), K12 (Jan 2025)
    ("AD05", "2026-03-31", A, "999"): (142, 1, 142.0),    # K8 (June 2025)
    # AD07: placed within 12 months of the decision: K7 (May 2024) yes; K12 (Oct 2023) no;
    # K8 placed 1 Oct 2024, exactly 12 months on: yes
    ("AD07", "2025-03-31", A, "999"): (1, None, 1.0),
    ("AD07", "2026-03-31", A, "999"): (1, None, 1.0),
    # AD02: placement order to match: K7 1 Nov 2023 - 10 Apr 2024 161; K12 1 Sep 2022 -
    # 11 Sep 2023 375; K8 matched before its order: 0
    ("AD02", "2026-03-31", A, "999"): (536, 3, 536 / 3),
    # L19 (SWEpisodes): periods open at 31 March 2026: K1 K2 K3 K4 K10 K11. K2 had SW1-SW3 in
    # the 12 months; K1 SW5 and SW6 (SW4 ended exactly 12 months before). At 28 February
    # 2026 SW4 still counts for K1.
    ("L19", "2026-03-31", A, "999"): (1, 6, 100 / 6),
    ("L19", "2026-02-28", A, "999"): (2, 6, 100 / 3),
    # Workforce (hand_fixture_catalogue.WORKFORCE). 30 September 2025: in post A1 (1.0, 18 cases),
    # A2 (0.5, 6), A4 (1.0, no cases) permanent, A3 (1.0, 20) agency; left in the 12 months to it
    # A5 (permanent, 0.8) and A6 (agency); not A7, who left exactly a year before.
    ("W01", "2025-09-30", A, "999"): (2.5, 5.0, 50.0),      # vacancies 1.5 + 1.0 of 2.5 + 2.5
    ("W02", "2025-09-30", A, "999"): (1.0, 3.5, 100 / 3.5),
    ("W03", "2025-09-30", A, "999"): (0.8, 2.5, 32.0),      # A6 is agency: not counted
    ("W04", "2025-09-30", A, "999"): (44, 2.5, 17.6),
    # W05: 5 + 2 days lost over 2.5 FTE x 253 working days (1 Oct 2024 - 30 Sep 2025: 261
    # weekdays less 8 bank holidays)
    ("W05", "2025-09-30", A, "999"): (7, 632.5, 700 / 632.5),
    ("W06", "2025-09-30", A, "999"): (2.0, 2.5, 80.0),
    # The same per team (rows carry team_id): T1 has A1, A2 and A6 (left); T2 A3 (agency), A4 and
    # A5 (left). Each pair adds up to the authority's figure above.
    ("W01", "2025-09-30", "team", "T1"): (1.5, 3.0, 50.0),   # A1 + A2 in post
    ("W01", "2025-09-30", "team", "T2"): (1.0, 2.0, 50.0),   # A4 (A3 is agency)
    ("W02", "2025-09-30", "team", "T1"): (0.0, 1.5, 0.0),
    ("W02", "2025-09-30", "team", "T2"): (1.0, 2.0, 50.0),
    ("W03", "2025-09-30", "team", "T1"): (0.0, 1.5, 0.0),    # A6 agency
    ("W03", "2025-09-30", "team", "T2"): (0.8, 1.0, 80.0),   # A5
    ("W04", "2025-09-30", "team", "T1"): (24, 1.5, 16.0),
    ("W04", "2025-09-30", "team", "T2"): (20, 1.0, 20.0),    # A4 holds no cases
    ("W05", "2025-09-30", "team", "T1"): (5, 379.5, 500 / 379.5),
    ("W05", "2025-09-30", "team", "T2"): (2, 253, 200 / 253),
    ("W06", "2025-09-30", "team", "T1"): (1.0, 1.5, 100 / 1.5),
    ("W06", "2025-09-30", "service", "Safeguarding"): (1.0, 1.0, 100.0),
    # 31 August 2025: A6 still in post (leaves 15 September); A5 and A7 left in the 12 months to it
    ("W01", "2025-08-31", A, "999"): (2.5, 5.0, 50.0),
    ("W02", "2025-08-31", A, "999"): (2.0, 4.5, 200 / 4.5),
    ("W03", "2025-08-31", A, "999"): (1.8, 2.5, 72.0),
    ("W04", "2025-08-31", A, "999"): (56, 3.5, 16.0),       # 17 + 5 + 19 + 15
    ("W06", "2025-08-31", A, "999"): (2.5, 2.5, 100.0),
    # the last snapshot holds until a year after it
    ("W02", "2026-03-31", A, "999"): (1.0, 3.5, 100 / 3.5),
    # Ofsted Annex A (hand_fixture_catalogue: extracts of 30 September 2025 and 31 March 2026).
    # FD01: F1, F6, N1 (in both extracts: once), F8, N2 in the year to 31 March 2026
    ("FD01", "2026-03-31", A, "999"): (5, POP, 5.0),
    ("FD01", "2025-09-30", A, "999"): (3, POP, 3.0),
    ("FD02", "2026-03-31", A, "999"): (2, 5, 40.0),       # F1 same day, F6 next working day; not F8
    ("EH01", "2026-03-31", A, "999"): (2, POP, 2.0),      # M1, M2 once each; M3 no assessment
    ("EH01", "2025-09-30", A, "999"): (3, POP, 3.0),      # and M4 (December 2024)
    # Snapshots at the 31 March 2026 extract. P07/P08: J1 J2 J3 (J4 ended, J5 ended on the day)
    ("P07", "2026-03-31", A, "999"): (1, 3, 100 / 3),     # J1 at 10 working days; J2 at 11; J3 never
    ("P08", "2026-03-31", A, "999"): (1, 3, 100 / 3),
    ("L07", "2026-03-31", A, "999"): (2, 4, 50.0),        # Y2, Y3 out of area of Y1-Y4 (Y5 left)
    ("L10", "2026-03-31", A, "999"): (1, 3, 100 / 3),     # went missing: Y2 offered, Y3 not, Y4 blank
    ("L17", "2026-03-31", A, "999"): (2, 4, 50.0),        # Y1 (exactly 6 weeks), Y3 (3 months)
    ("CL06", "2026-03-31", A, "999"): (1, 3, 100 / 3),    # Z1; Z2 exactly 6 months ago; Z3 none
    # L06: new placements (RNE S, P, T, B, U; not short breaks) in the 12 months. To 31 March 2026:
    # K2 1 June 2025 (20.1 miles), K2 1 September (distance unknown: in the total only), K11
    # 1 October (exactly 20: not more than 20)
    ("L06", "2026-03-31", A, "999"): (1, 3, 100 / 3),
    # to 31 March 2025: K2, K4, K6, K7, K8 (35.2 miles), K10 three times; not K5 (V3), not
    # K8's change of legal status (RNE L)
    ("L06", "2025-03-31", A, "999"): (1, 8, 12.5),
}


@pytest.fixture(scope="module")
def catalogue_refresh(tmp_path_factory):
    settings = Settings(workspace=tmp_path_factory.mktemp("catalogue") / "workspace")
    write_catalogue_fixture(settings)
    return settings, refresh(settings)


@pytest.fixture(scope="module")
def catalogue_warehouse(catalogue_refresh):
    settings, _ = catalogue_refresh
    with Warehouse(settings.warehouse_path) as wh:
        yield wh


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: "-".join(k))
def test_measure_matches_hand_answer(catalogue_warehouse, key):
    assert_hand_answer(catalogue_warehouse, key, EXPECTED[key])


def test_every_computable_measure_has_a_hand_worked_answer(catalogue_refresh):
    computed = {o.measure.id for o in catalogue_refresh[1].outcomes if o.status == "ok"}
    answered = {key[0] for key in EXPECTED} | {key[0] for key in SKELETON_EXPECTED}
    assert computed - answered == set()


def test_only_measures_needing_a_source_not_read_yet_are_skipped(catalogue_refresh):
    """The fixture loads every source Headway reads, so nothing else may be skipped, and nothing fails."""
    outcomes = catalogue_refresh[1].outcomes
    assert [(o.measure.id, o.message) for o in outcomes if o.status == "failed"] == []
    for o in outcomes:
        planned = [n for n in o.measure.needs if n not in STAGING_TABLES]
        assert (o.status == "skipped") == bool(planned), o.measure.id
    assert sum(o.status == "ok" for o in outcomes) >= 30


def test_a_measure_whose_source_is_not_loaded_names_it_in_words(tmp_path):
    """L16 needs the 903 Reviews: without them it says so, and shows no zeros
    standing in for the missing data; the measures that do not need them compute."""
    settings = Settings(workspace=tmp_path / "ws")
    write_catalogue_fixture(settings)
    for path in (settings.staging_dir / "ssda903_reviews").glob("*.parquet"):
        path.unlink()
    outcomes = {o.measure.id: o for o in refresh(settings).outcomes}
    assert (outcomes["L16"].status, outcomes["L16"].message) == ("skipped", "needs SSDA903 Reviews")
    assert outcomes["L01"].status == "ok"
    with Warehouse(settings.warehouse_path) as wh:
        assert wh.measure("L16")["status_message"] == "needs SSDA903 Reviews"
        assert wh.series("L16") == []


def test_medians_stop_at_team_level_while_counts_reach_workers(catalogue_warehouse):
    levels = dict(catalogue_warehouse.con.execute(
        "SELECT measure_id, list(DISTINCT org_level ORDER BY org_level) FROM measure_values "
        "WHERE measure_id IN ('A02', 'A03') GROUP BY 1").fetchall())
    assert levels["A03"] == ["authority", "service", "team"]
    assert "worker" in levels["A02"]


def test_workforce_measures_break_down_by_team_not_worker(catalogue_warehouse):
    """W01 to W06 are counted per team (their SQL returns team_id): no worker rows,
    and nothing left "Not allocated" when every worker has a team."""
    levels = catalogue_warehouse.con.execute(
        "SELECT DISTINCT org_level, org_unit FROM measure_values WHERE measure_id LIKE 'W0%' "
        "AND org_level IN ('worker', 'team')").fetchall()
    assert sorted(levels) == [("team", "T1"), ("team", "T2")]


def test_36_month_measures_start_when_three_years_are_in(catalogue_warehouse):
    first = dict(catalogue_warehouse.con.execute(
        "SELECT measure_id, min(period_end) FROM measure_values GROUP BY 1").fetchall())
    assert first["AD01"] == D("2026-03-31")  # data from 1 April 2023
    assert first["AD04"] == D("2024-03-31")
    assert first["P05"] == D("2023-04-30")
    assert first["L03"] == D("2024-03-31")  # needs the 12 months before in the data
    assert first["L04"] == D("2025-09-30")


def test_every_measure_sql_fits_the_model_it_is_written_for(catalogue_refresh, tmp_path):
    """Each query binds against the real model plus the planned tables for sources not
    read yet (tests/planned_model.sql) and returns the columns its basis needs."""
    settings, _ = catalogue_refresh
    copy = tmp_path / "bind.duckdb"
    shutil.copy(settings.warehouse_path, copy)
    con = duckdb.connect(str(copy))
    con.execute(PLANNED_MODEL.read_text(encoding="utf-8"))
    for measure in load_catalogue():
        try:
            columns = {d[0] for d in con.execute(f"SELECT * FROM ({measure.sql}) LIMIT 0").description}
        except duckdb.Error as exc:
            pytest.fail(f"{measure.id}: {exc}")
        forms = REQUIRED_COLUMNS[measure.basis]
        assert any(set(form) <= columns for form in forms), f"{measure.id} returns {sorted(columns)}"


def test_every_source_has_words():
    assert set(STAGING_TABLES) <= set(LOADED_SOURCES) | set(PLANNED_SOURCES)


def test_catalogue_covers_the_issue():
    measures = load_catalogue()
    assert len(measures) >= 50
    sections = {m.section for m in measures}
    assert {"Front door", "Referrals", "Assessments", "Child protection", "Children looked after",
            "Care leavers", "Adoption", "Workforce"} <= sections


@pytest.mark.parametrize("change, message", [
    ({"needs": ["ssda903_oc9"]}, "needs 'ssda903_oc9', which is not a source Headway knows"),
    ({"median": True}, "median: true needs unit days or average, not 'percent'"),
    ({"basis": "rolling_24_months"}, "field 'basis' is 'rolling_24_months'; use one of"),
])
def test_a_bad_measure_file_is_named(tmp_path, change, message):
    good = yaml.safe_load((Path(load_catalogue()[0].source)).read_text())
    path = tmp_path / f"{good['id']}.yml"
    path.write_text(yaml.safe_dump({**good, "unit": "percent", **change}))
    with pytest.raises(HeadwayError) as err:
        read_measure(path)
    assert path.name in str(err.value) and message in str(err.value)


def test_numbers_as_numerator_and_denominator(tmp_path, monkeypatch):
    """Full-time equivalents and the like: numerators and denominators are summed as
    numbers, and a numerator on a row outside the denominator is not counted."""
    from headway.measures import catalogue

    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "L99.yml").write_text(yaml.safe_dump({
        "id": "L99", "title": "Weighted", "description": "A test measure.", "unit": "average",
        "polarity": "context", "basis": "snapshot", "needs": ["ssda903_episodes"],
        "sql": "SELECT child_id, start_date, end_date, 2.5 AS numerator, 0.5 AS denominator FROM care_periods "
               "UNION ALL SELECT 'NOBODY', DATE '2020-01-01', NULL, 7, 0"}))
    monkeypatch.setattr("headway.warehouse.build.load_catalogue", lambda: catalogue.load_catalogue(folder))
    settings = Settings(workspace=tmp_path / "ws")
    write_catalogue_fixture(settings)
    refresh(settings)
    with Warehouse(settings.warehouse_path) as wh:
        # periods of care open on 31 March 2026: K1 K2 K3 K4 K10 K11 (K5's short breaks are not one)
        assert_hand_answer(wh, ("L99", "2026-03-31", A, "999"), (15.0, 3.0, 5.0))
