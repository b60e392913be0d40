"""`headway measures export`: every measure value as one CSV file.

The first nine columns are a contract other tools rely on and never change:
measure_id, period_end (ISO date), org_level, org_unit, numerator, denominator,
value, target, rag. Then the DfE comparators for the month (blank until
`headway benchmarks import` and a refresh): england, region,
stat_neighbour_median, stat_neighbour_count; columns after those may be added.
"""

from __future__ import annotations

from pathlib import Path

from headway.warehouse.query import Warehouse

EXPORT_COLUMNS = ("measure_id", "period_end", "org_level", "org_unit", "numerator", "denominator",
                  "value", "target", "rag",
                  # the DfE's comparators (same unit as value), then what they are
                  "england", "region", "stat_neighbour_median", "stat_neighbour_count",
                  "benchmark_year", "region_name", "org_unit_name", "parent_unit")
LEVEL_ORDER = "CASE org_level WHEN 'authority' THEN 1 WHEN 'service' THEN 2 WHEN 'team' THEN 3 ELSE 4 END"


def export_csv(warehouse_path: Path, out: Path) -> int:
    """Write the published warehouse's measure values to `out`; returns rows written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with Warehouse(warehouse_path) as wh:
        query = (f"SELECT {', '.join(EXPORT_COLUMNS)} FROM measure_values "
                 f"LEFT JOIN measure_benchmarks USING (measure_id, period_end) "
                 f"ORDER BY measure_id, period_end, {LEVEL_ORDER}, org_unit")
        wh.con.execute(f"COPY ({query}) TO ? (HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')", [str(out)])
        return wh.con.execute("SELECT count(*) FROM measure_values").fetchone()[0]
