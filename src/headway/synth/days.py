"""Dates as whole day numbers, and England's working days.

The generator holds every date as an integer: days since 1 January 1970 (the
numbering numpy's datetime64[D] uses), so a million dates are one small array
and date arithmetic is integer arithmetic. NEVER marks an event that does not
happen; it is far beyond any real date, so "happened by 31 March" is simply
`date <= day(31 March)`.

Working days follow measures.md section 7: Monday to Friday, less England's
bank holidays (the `holidays` package, GB / ENG), counted after the start date
(same day = 0). `add_working_days(start, n)` is the date that makes that count n.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np

EPOCH = dt.date(1970, 1, 1)
NEVER = np.int32(1_000_000)  # year 4707: "does not happen"; adding to it cannot overflow int32


def day(date: dt.date) -> int:
    """The day number of a date."""
    return (date - EPOCH).days


def to_date(day_number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day_number))


def collection_year_bounds(year: int) -> tuple[int, int]:
    """First and last day of a collection year given as the year it ends (2026 = 2025/26)."""
    return day(dt.date(year - 1, 4, 1)), day(dt.date(year, 3, 31))


def months_since_epoch(days: np.ndarray) -> np.ndarray:
    """Calendar month of each day as a count of months since January 1970."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_of_year(days: np.ndarray) -> np.ndarray:
    """1-12."""
    return months_since_epoch(days) % 12 + 1


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """The same day and month `years` later (29 February becomes 1 March)."""
    as_dates = days.astype("datetime64[D]")
    month_start = as_dates.astype("datetime64[M]")
    day_in_month = (as_dates - month_start.astype("datetime64[D]")).astype(np.int64)
    moved = (month_start + 12 * years).astype("datetime64[D]").astype(np.int64) + day_in_month
    return moved.astype(np.int32)


def age_in_years(dob: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Whole years of age on a date (birthdays counted the way people count them)."""
    dob_d = dob.astype("datetime64[D]")
    on_d = np.asarray(on).astype("datetime64[D]")
    dob_m = dob_d.astype("datetime64[M]").astype(np.int64)
    on_m = on_d.astype("datetime64[M]").astype(np.int64)
    dob_dom = (dob_d - dob_d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    on_dom = (on_d - on_d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    months = on_m - dob_m - (on_dom < dob_dom)
    return (months // 12).astype(np.int16)


class WorkingDays:
    """England working days between two years (inclusive), for vectorised offsets."""

    def __init__(self, first_year: int, last_year: int):
        bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
        self.holidays = np.array(sorted(bank_holidays), dtype="datetime64[D]")
        self.calendar = np.busdaycalendar(holidays=self.holidays)

    def add(self, start: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Date `n` working days after `start` (a non-working start rolls forward first)."""
        moved = np.busday_offset(start.astype("datetime64[D]"), n, roll="forward", busdaycal=self.calendar)
        return moved.astype(np.int64).astype(np.int32)

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(days.astype("datetime64[D]"), busdaycal=self.calendar)
