"""The children: who they are (date of birth, sex, ethnicity, disability, UPN)
and their case number.

A child is created at its first referral; its age then follows the CIN
Census age profile (params.AGE_WEIGHTS). Everything about a child is fixed at
creation, so the same child looks the same in the 903, the CIN Census and the
allocations. Case numbers are 8-digit strings (a bijection of the child's
index, so about one in ten starts with 0: readers must keep IDs as text).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from headway.synth import params
from headway.synth.days import add_years, day
from headway.synth.draws import category, chance_n
from headway.synth.frames import Frame

ID_MULTIPLIER = 7_654_321  # coprime with 10**8, so index -> ID is one-to-one
ID_OFFSET = 13_579_246
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE check-letter alphabet
UNDER_FIVE_DAYS = 5 * 365


def draw_ages_in_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Age at first referral in days, 0 to just under 18 (not within 60 days of 18)."""
    years = category(rng, n, params.AGE_WEIGHTS).astype(np.int64)
    days = years * 365 + (rng.random(n) * 365).astype(np.int64)
    return np.minimum(days, 18 * 365 - 61)


def new_children(rng: np.random.Generator, first_referral: np.ndarray, age_days: np.ndarray,
                 first_index: int) -> Frame:
    """Children first referred on the given days at the given ages."""
    n = len(first_referral)
    dob = (first_referral.astype(np.int64) - age_days).astype(np.int32)
    disability_1 = np.where(chance_n(rng, n, params.DISABILITY_PROBABILITY),
                            category(rng, n, params.DISABILITY_WEIGHTS), -1).astype(np.int16)
    second = (disability_1 >= 0) & chance_n(rng, n, params.SECOND_DISABILITY_PROBABILITY)
    disability_2 = np.where(second, category(rng, n, params.DISABILITY_WEIGHTS), -1).astype(np.int16)
    disability_2[disability_2 == disability_1] = -1
    upn_known = np.where(age_days < UNDER_FIVE_DAYS, chance_n(rng, n, params.UPN_KNOWN_UNDER_5),
                         chance_n(rng, n, params.UPN_KNOWN_OVER_5))
    prior_cpp = np.where(chance_n(rng, n, params.PRIOR_CP_PLAN_PROBABILITY),
                         1 + category(rng, n, params.PRIOR_CP_PLAN_COUNT), 0).astype(np.int16)
    index = np.arange(first_index, first_index + n, dtype=np.int64)
    return {
        "code": (index * ID_MULTIPLIER + ID_OFFSET) % 10**8,
        "dob": dob,
        "last_day": (add_years(dob, 18) - 1).astype(np.int32),  # the day before the 18th birthday
        "sex": category(rng, n, params.SEX_WEIGHTS).astype(np.int8),
        "ethnicity": category(rng, n, params.ETHNICITY_WEIGHTS).astype(np.int8),
        "disability_1": disability_1,
        "disability_2": disability_2,
        "upn_known": upn_known,
        "locality": rng.integers(0, 2**30, n).astype(np.int64),
        "prior_cpp": prior_cpp,
    }


# Characters 2-4 of a UPN are the issuing LA: 001 is one of the DfE's "pseudo LA"
# codes, which the CIN rules accept (rule 1530) and no council has (999 is refused).
UPN_LA_CODE = "001"


def upn_strings(codes: np.ndarray) -> list[str]:
    """13-character UPNs with a valid check letter: UPN_LA_CODE + 9 digits from the
    case number. Only called for the children written out."""
    if len(codes) == 0:
        return []
    body = np.char.add(UPN_LA_CODE + "0", np.char.zfill(codes.astype(str), 8))
    digits = np.frombuffer(body.astype("S12").tobytes(), dtype=np.uint8).reshape(-1, 12) - ord("0")
    check = (digits * np.arange(2, 14)).sum(axis=1) % 23
    letters = np.array(list(UPN_LETTERS))[check]
    return np.char.add(letters, body).tolist()


def unknown_upn_codes(dob: np.ndarray, year: int) -> np.ndarray:
    """UPNunknown for a child without a UPN in collection year `year`: UN1 (too young
    for school) only if born after 31 August six years before the year ends, as the
    DfE's rules count school age (903 rule 209, CIN rule 8770Q); UN2 otherwise."""
    school_age_born_by = day(dt.date(year - 6, 8, 31))
    return np.where(dob > school_age_born_by, "UN1", "UN2").astype(object)
