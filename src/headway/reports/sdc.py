"""Statistical disclosure control for figures that leave the authority.

A committee pack is a public paper, so nothing in it may let a reader single out
a child. The pack follows the Department for Education's convention for children
in need statistics (measures.md section 8):

  c   a count of 1 to 5, and any percentage, rate or average worked out from such
      a count (its numerator or its denominator), is not shown
  :   no figure is available
  0   is a true zero and is shown

Every number the pack prints goes through `suppress()` and `show()`. Suppression
works on a list of cells so that secondary suppression (hiding a further cell
so a hidden one cannot be worked out from a total and the others) can be added
in one place. At authority level each measure is one figure with its own
numerator and denominator, not a table that sums to a total, so this first cut
applies primary suppression only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from headway.charts import format_value
from headway.warehouse.query import Point

SUPPRESSED = "c"
NOT_AVAILABLE = ":"
SMALLEST_SHOWN = 6  # counts from 1 up to (not including) this are suppressed

SYMBOLS = (  # (symbol, what it means), as the pack explains them
    (SUPPRESSED, "means a figure not shown to protect confidentiality: a count of 1 to 5, or a "
                 "percentage, rate or average calculated from one"),
    (NOT_AVAILABLE, "means no figure is available"),
    ("0", "means a true zero"),
)


@dataclass(frozen=True)
class Cell:
    """One printed figure: its unit, its value, and the counts it was worked out from."""

    unit: str  # 'count' for a number of children or events, else a measure unit
    value: float | None
    based_on: tuple[float | None, ...] = ()  # e.g. (numerator, denominator) of a percentage
    suppressed: bool = False


def is_small(count: float | None) -> bool:
    """A count of 1 to 5: too few to publish. 0 is a true zero and may be shown."""
    return count is not None and 0 < count < SMALLEST_SHOWN


def needs_suppression(cell: Cell) -> bool:
    """Primary suppression: the cell is itself a small count, or is derived from one."""
    own_count = cell.unit == "count" and is_small(cell.value)
    return own_count or any(is_small(count) for count in cell.based_on)


def suppress(cells: Sequence[Cell]) -> list[Cell]:
    """The cells with those that must not be published marked as suppressed.

    Pass every cell of one table (or one month of one measure) together: a rule
    that looks across cells, such as secondary suppression, belongs here.
    """
    return [dataclasses.replace(cell, suppressed=True) if needs_suppression(cell) else cell
            for cell in cells]


def show(cell: Cell, missing: str = NOT_AVAILABLE) -> str:
    """The cell as printed: 'c' if suppressed, `missing` if there is no figure, else formatted."""
    if cell.suppressed:
        return SUPPRESSED
    if cell.value is None:
        return missing
    return format_value(cell.value, cell.unit)


def point_cells(point: Point | None, unit: str) -> dict[str, Cell]:
    """One month of a measure as three cells (value, numerator, denominator), suppressed together."""
    if point is None:
        return {"value": Cell(unit, None), "numerator": Cell("count", None),
                "denominator": Cell("count", None)}
    counts = (point.numerator, point.denominator)
    value, numerator, denominator = suppress([
        Cell(unit, point.value, based_on=counts),
        Cell("count", point.numerator),
        Cell("count", point.denominator),
    ])
    return {"value": value, "numerator": numerator, "denominator": denominator}


def is_suppressed(point: Point | None, unit: str) -> bool:
    """Whether a month's headline figure may not be published."""
    return point_cells(point, unit)["value"].suppressed


def publishable_points(points: Sequence[Point], unit: str) -> list[Point]:
    """The points with every suppressed figure blanked, for charts: a plotted point
    shows its value as plainly as a printed one."""
    safe = []
    for point in points:
        cells = point_cells(point, unit)
        safe.append(dataclasses.replace(
            point,
            value=None if cells["value"].suppressed else point.value,
            numerator=None if cells["numerator"].suppressed else point.numerator,
            denominator=None if cells["denominator"].suppressed else point.denominator,
        ))
    return safe


# --- secondary suppression (added for the dashboard's disclosure-controlled views) -----------
def suppress_parts(parts: Sequence[Cell], total: Cell | None) -> tuple[list[Cell], Cell | None]:
    """Counts that add up to a total (e.g. each service area's children and the
    authority's): primary suppression, then secondary suppression so that no hidden
    part can be worked out as the total minus the parts shown.

    While exactly one part is hidden and the total is shown, the next smallest part is
    hidden too (a positive count before a zero: a hidden zero protects less); with no
    other part to hide, the total is hidden instead.
    """
    parts = suppress(parts)
    total = suppress([total])[0] if total is not None else None
    hidden = [c for c in parts if c.suppressed]
    if total is None or total.suppressed or len(hidden) != 1:
        return parts, total
    candidates = [i for i, c in enumerate(parts) if not c.suppressed and c.value is not None]
    if not candidates:
        return parts, dataclasses.replace(total, suppressed=True)
    pick = min(candidates, key=lambda i: (parts[i].value == 0, parts[i].value))
    parts[pick] = dataclasses.replace(parts[pick], suppressed=True)
    return parts, total
