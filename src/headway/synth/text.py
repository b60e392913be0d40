"""Turning the simulation's integer codes and day numbers into text, column at a time.

Every conversion is a lookup: a small table of strings (all dates in range, or a
code list) and pyarrow `take`, so a million values cost one vectorised call
rather than a million f-strings. Nulls come out for values that are not to be
shown (a date after the collection year's 31 March, a code of -1), which the
CSV writer writes as empty cells and the XML writer leaves out.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.synth.days import NEVER, to_date

class DateText:
    """Dates from `first` to `last` (day numbers) as ISO and as dd/mm/yyyy."""

    def __init__(self, first: int, last: int):
        self.first = first
        dates = [to_date(d) for d in range(first, last + 1)]
        self.iso = pa.array([d.isoformat() for d in dates])
        self.uk = pa.array([d.strftime("%d/%m/%Y") for d in dates])

    def _take(self, table: pa.Array, days: np.ndarray, shown: np.ndarray | None) -> pa.Array:
        days = np.asarray(days)
        hidden = days >= NEVER
        if shown is not None:
            hidden = hidden | ~shown
        index = np.where(hidden, 0, days.astype(np.int64) - self.first)
        return pc.take(table, pa.array(index, mask=hidden))

    def iso_dates(self, days, shown=None) -> pa.Array:
        return self._take(self.iso, days, shown)

    def uk_dates(self, days, shown=None) -> pa.Array:
        return self._take(self.uk, days, shown)


def codes(names, index: np.ndarray, shown: np.ndarray | None = None) -> pa.Array:
    """index into a list of code strings (-1 = blank)."""
    index = np.asarray(index).astype(np.int64)
    hidden = index < 0
    if shown is not None:
        hidden = hidden | ~shown
    return pc.take(pa.array(list(names)), pa.array(np.where(hidden, 0, index), mask=hidden))


def child_ids(code: np.ndarray) -> pa.Array:
    """8-digit case numbers, zero-padded (kept as text everywhere)."""
    return pc.utf8_lpad(pc.cast(pa.array(code.astype(np.int64)), pa.string()), width=8, padding="0")


def numbers(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values).astype(np.int64)), pa.string())

