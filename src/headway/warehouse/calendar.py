"""Working days and month ends, as tables and macros in the warehouse.

A working day is Monday to Friday and not an England and Wales bank holiday (from
the `holidays` package, which follows the gov.uk feed, including one-off days
such as the 2022 state funeral). Durations follow measures.md section 7.2:

    working_days(start, end) = the working days d with start < d <= end

so the same day is 0 and Friday to Monday is 1. The warehouse holds a `calendar`
table (date, working_day_number = working days up to and including that date) and
the macro looks both dates up in it, which DuckDB turns into a join: fast enough
for millions of rows.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
import pyarrow as pa

FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2045, 12, 31)


def bank_holidays(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> list[dt.date]:
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    return sorted(found)


def create_calendar(con) -> None:
    """Create the `calendar` table and the working_days() macro."""
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY) + 1)
    working = np.is_busday(days, holidays=np.array(bank_holidays(), dtype="datetime64[D]"))
    numbers = np.cumsum(working)
    con.execute("CREATE TABLE calendar (date DATE PRIMARY KEY, is_working_day BOOLEAN, working_day_number INTEGER)")
    table = pa.table({"date": days.astype("datetime64[D]"), "is_working_day": working,
                      "working_day_number": numbers.astype("int32")})
    con.register("calendar_source", table)
    con.execute("INSERT INTO calendar SELECT * FROM calendar_source")
    con.unregister("calendar_source")
    con.execute("""
        CREATE MACRO working_days(start_date, end_date) AS
            (SELECT working_day_number FROM calendar WHERE date = end_date)
          - (SELECT working_day_number FROM calendar WHERE date = start_date)
    """)
