"""Read the DfE's published statistics (CSV files from explore-education-statistics)
and its statistical-neighbour model, for benchmarking a council's measures.

The user downloads the tables from the statistics service into a folder; this
module reads any folder of them. Which file and column gives which Headway measure
is data, in headway/measures/benchmark_map.yml; files it does not know are listed
and left alone.

Every EES table has the same geography columns: time_period, geographic_level
(National / Regional / Local authority), country_code, region_code, region_name,
old_la_code (3 digits, e.g. 343 Sefton), new_la_code, la_name. Suppressed cells
hold Government Statistical Service symbols (c, x, z, k, u, low, :), read as NULL,
never as 0, with the symbol kept for display.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
import yaml

from headway.errors import FileRejected, HeadwayError, ReturnError
from headway.measures.benchmarks import STAGING_SCHEMAS

MAP_PATH = Path(__file__).resolve().parents[1] / "measures" / "benchmark_map.yml"

# GSS symbols (and the older ':' and '..'); a blank cell is "not published" too.
SUPPRESSION_SYMBOLS = frozenset({"c", "x", "z", "k", "u", "low", ":", "..", ""})
GEOGRAPHIC_LEVELS = ("National", "Regional", "Local authority")
ENGLAND_CODE = "E92000001"
POPULATION = "population"  # the operand name for the ONS 0-17 population
SCALES = {"percent": Decimal(100), "rate_per_10k": Decimal(10_000), "count": Decimal(1)}
UNITS = ("percent", "rate_per_10k", "count", "days")
NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "DOUBLE": pa.float64()}


def _schema(table: str) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind])
                      for name, kind in STAGING_SCHEMAS[table].items()])


# --------------------------------------------------------------------------- the map

Where = tuple[tuple[str, str], ...]  # (column, text) pairs, all of which must match


@dataclass(frozen=True)
class Cell:
    """One number to read: `column` on the measure's own row (where=None), on the
    row of the same area and year matching `where`, or the ONS population."""
    column: str
    where: Where | None = None


@dataclass(frozen=True)
class MeasureSpec:
    measure_id: str
    unit: str
    statistic: str
    where: Where                     # picks the measure's row; () for one row per area
    value: Cell | None               # None: computed from numerator / denominator
    numerator: tuple[Cell, ...]      # summed
    denominator: tuple[Cell, ...]    # summed
    decimals: int = 1

    def cells(self) -> list[Cell]:
        return ([self.value] if self.value else []) + list(self.numerator) + list(self.denominator)

    @property
    def uses_own_row(self) -> bool:
        """False when every cell names its row with `where` (e.g. a sum of breakdowns)."""
        return any(cell.where is None and cell.column != POPULATION for cell in self.cells())

    @property
    def needs_population(self) -> bool:
        return any(cell.column == POPULATION for cell in self.cells())


@dataclass(frozen=True)
class FileSpec:
    name: str
    patterns: tuple[str, ...]
    period: str
    measures: tuple[MeasureSpec, ...]


@dataclass(frozen=True)
class BenchmarkMap:
    files: tuple[FileSpec, ...]
    population_patterns: tuple[str, ...]
    population_where: Where
    population_column: str
    population_year_offset: int
    neighbour_models: tuple[tuple[tuple[str, ...], str], ...]  # (patterns, layout), in order


def load_map(path: Path = MAP_PATH) -> BenchmarkMap:
    """The benchmark map, checked enough that a typo fails here, not mid-import."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    files = tuple(_file_spec(name, entry) for name, entry in raw["files"].items())
    population = raw["population"]
    return BenchmarkMap(
        files=files,
        population_patterns=tuple(population["match"]),
        population_where=_where(population.get("where")),
        population_column=population["column"],
        population_year_offset=int(population.get("year_offset", 0)),
        neighbour_models=tuple((tuple(m["match"]), m["layout"]) for m in raw["neighbours"]),
    )


def _file_spec(name: str, entry: dict) -> FileSpec:
    measures = tuple(_measure_spec(mid, spec) for mid, spec in entry["measures"].items())
    return FileSpec(name, tuple(entry["match"]), entry.get("period", ""), measures)


def _measure_spec(measure_id: str, spec: dict) -> MeasureSpec:
    unit = spec.get("unit")
    if unit not in UNITS:
        raise HeadwayError(f"benchmark_map.yml: {measure_id} has unit {unit!r}, not one of {UNITS}")
    value = _cells(spec.get("value"))
    if len(value) > 1:
        raise HeadwayError(f"benchmark_map.yml: {measure_id} value must be one column")
    measure = MeasureSpec(
        measure_id=measure_id, unit=unit, statistic=spec.get("statistic", ""),
        where=_where(spec.get("where")), value=value[0] if value else None,
        numerator=_cells(spec.get("numerator")), denominator=_cells(spec.get("denominator")),
        decimals=int(spec.get("round", 1)),
    )
    if measure.value is None and not (measure.numerator and measure.denominator):
        raise HeadwayError(
            f"benchmark_map.yml: {measure_id} needs a value column or a numerator and denominator")
    return measure


def _cells(operand) -> tuple[Cell, ...]:
    """An operand from the map (column, {column, where}, or a list to sum) as cells."""
    if operand is None:
        return ()
    if isinstance(operand, str):
        return (Cell(operand),)
    if isinstance(operand, list):
        return tuple(cell for part in operand for cell in _cells(part))
    if isinstance(operand, dict) and "column" in operand:
        return (Cell(str(operand["column"]), _where(operand.get("where"))),)
    raise HeadwayError(f"benchmark_map.yml: cannot read operand {operand!r}")


def _where(mapping: dict | None) -> Where:
    return tuple(sorted((str(k), str(v)) for k, v in (mapping or {}).items()))


def _matches(filename: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(filename.lower(), p.lower()) for p in patterns)


# ------------------------------------------------------------------- reading a table

@dataclass
class Area:
    """The rows of one table for one area and one year."""
    time_period: int
    level: str
    code: str
    name: str
    region_code: str | None
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (spreadsheet row, cells)


class EesTable:
    """One EES CSV, its rows grouped by (time_period, geographic_level, area code).

    Numbers are parsed on demand; a cell that is neither a number nor a suppression
    symbol is recorded (once) as a ReturnError, and `check()` raises them together.
    """

    GEOGRAPHY = ("time_period", "geographic_level", "country_code", "region_code", "old_la_code")

    def __init__(self, path: Path):
        self.path = path
        self.file = path.name
        self.errors: dict[tuple[int, str], ReturnError] = {}
        self.header, rows = _read_csv(path)
        self.require_columns(self.GEOGRAPHY)
        self.areas: dict[tuple[int, str, str], Area] = {}
        for line, values in rows:
            self._add(line, dict(zip(self.header, values)))
        self.check()

    def require_columns(self, columns) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise FileRejected([ReturnError(
                self.file, row=1, column=c,
                message="this column is missing: is this the file as downloaded from "
                        "explore-education-statistics?") for c in missing])

    def _add(self, line: int, cells: dict[str, str]) -> None:
        level = cells["geographic_level"]
        if level not in GEOGRAPHIC_LEVELS:
            return  # e.g. local authority districts: not used for benchmarks
        year = self._time_period(line, cells["time_period"])
        code, name = _area(level, cells)
        if year is None:
            return
        if not code:
            column = {"National": "country_code", "Regional": "region_code"}.get(level, "old_la_code")
            self._error(line, column, f"is blank on a {level} row")
            return
        region = (cells.get("region_code") or None) if level == "Local authority" else None
        area = self.areas.setdefault((year, level, code), Area(year, level, code, name, region))
        area.rows.append((line, cells))

    def _time_period(self, line: int, text: str) -> int | None:
        """2025, or 202425 (EES financial/academic year) as the year it ends, 2025."""
        text = text.strip()
        if re.fullmatch(r"\d{4}", text):
            return int(text)
        if re.fullmatch(r"\d{6}", text):
            return int(text[:4]) + 1
        self._error(line, "time_period", "is not a year such as 2025 or 202425")
        return None

    def number(self, line: int, cells: dict[str, str], column: str) -> tuple[float | None, str | None]:
        """(value, None) for a number, (None, symbol) for a suppressed cell."""
        text = (cells.get(column) or "").strip()
        if NUMBER.fullmatch(text):
            return float(text), None
        if text.lower() in SUPPRESSION_SYMBOLS:
            return None, (text.lower() or None)
        self._error(line, column, "is not a number or a DfE suppression symbol "
                                  "(c, x, z, k, u, low, :)")
        return None, None

    def _error(self, line: int, column: str, message: str) -> None:
        # Never the cell's content: messages can reach logs and screens.
        self.errors.setdefault((line, column), ReturnError(self.file, message, row=line, column=column))

    def check(self) -> None:
        if self.errors:
            raise FileRejected(sorted(self.errors.values(), key=lambda e: (e.row or 0, e.column or "")))

    def rows_where(self, area: Area, where: Where) -> list[tuple[int, dict[str, str]]]:
        return [(line, cells) for line, cells in area.rows if _row_matches(cells, where)]

    def require_rows(self, where: Where, measure_id: str) -> None:
        """A `where` no row meets means the DfE renamed a category: say so, don't import nothing."""
        if not where:
            return
        for column, _ in where:
            self.require_columns([column])
        if not any(_row_matches(cells, where) for area in self.areas.values() for _, cells in area.rows):
            wanted = "; ".join(f"{c} = '{v}'" for c, v in where)
            raise FileRejected([ReturnError(
                self.file, row=None, column=where[0][0],
                message=f"no row has {wanted} (needed for {measure_id}); the published "
                        "categories may have changed: update benchmark_map.yml")])


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (BOM and spaces removed) and the non-blank rows, each numbered as a
    spreadsheet shows it and kept as a list: some headers repeat a name."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [name.strip() for name in next(reader, [])]
            if not header or not any(header):
                raise FileRejected([ReturnError(path.name, "the file is empty", row=1)])
            rows = []
            for line, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    rows.append((line, [v.strip() for v in values]))
            return header, rows
    except UnicodeDecodeError:
        raise FileRejected([ReturnError(
            path.name, "is not UTF-8 text: download the CSV again rather than saving it from a spreadsheet")])
    except csv.Error as exc:
        raise FileRejected([ReturnError(path.name, f"cannot be read as CSV ({exc})")])


def _area(level: str, cells: dict[str, str]) -> tuple[str, str]:
    """(code, name) of the area a row describes."""
    if level == "National":
        return cells.get("country_code") or ENGLAND_CODE, cells.get("country_name") or "England"
    if level == "Regional":
        return cells.get("region_code", ""), cells.get("region_name", "")
    return cells.get("old_la_code", ""), cells.get("la_name", "")


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _row_matches(cells: dict[str, str], where: Where) -> bool:
    return all(_normal(cells.get(column, "")) == _normal(text) for column, text in where)


# -------------------------------------------------------------- published statistics

@dataclass
class PublishedImport:
    """What read_published found: the rows, and which files gave what."""
    table: pa.Table
    files_read: dict[str, list[str]]          # file name -> measure ids taken from it
    reference_files: dict[str, str]           # file name -> what it was used for
    files_ignored: list[str]                  # CSVs with no measure in the map
    measures_skipped: dict[str, str]          # measure id -> why it was not imported

    def summary(self) -> str:
        lines = [f"{name}: {', '.join(ids) or 'nothing (see below)'}"
                 for name, ids in self.files_read.items()]
        lines += [f"{name}: {use}" for name, use in self.reference_files.items()]
        lines += [f"{mid} not imported: {why}" for mid, why in self.measures_skipped.items()]
        if self.files_ignored:
            lines.append("ignored (no Headway measure): " + ", ".join(self.files_ignored))
        return "\n".join(lines)


def read_published(directory: Path) -> pa.Table:
    """Every mapped published statistic in `directory` as one table (STAGING_SCHEMAS
    ['published_statistics']); the import summary is in the schema metadata."""
    return import_published(directory).table


def import_published(directory: Path, benchmark_map: BenchmarkMap | None = None) -> PublishedImport:
    """Read every CSV in `directory` (and below) that the benchmark map knows."""
    bmap = benchmark_map or load_map()
    csvs = _csv_files(directory)
    found = {spec: path for spec in bmap.files if (path := _one_file(csvs, spec.patterns, spec.name))}
    if not found:
        expected = ", ".join(spec.patterns[0] for spec in bmap.files)
        raise HeadwayError(
            f"No DfE statistics file found in {directory}. Expected CSVs downloaded from "
            f"explore-education-statistics, named like: {expected}")
    population_path = _one_file(csvs, bmap.population_patterns, "population")
    population = _read_population(population_path, bmap) if population_path else None

    records: list[dict] = []
    files_read: dict[str, list[str]] = {}
    skipped: dict[str, str] = {}
    for spec, path in found.items():
        measures = [m for m in spec.measures if population is not None or not m.needs_population]
        skipped |= {m.measure_id: "needs the ONS mid-year population file "
                                  "(ons_mid-year_population_estimates...csv)"
                    for m in spec.measures if m not in measures}
        records += _read_measures(path, measures, population)
        files_read[path.name] = [m.measure_id for m in measures]

    reference = _reference_files(csvs, population_path, bmap)
    ignored = sorted(p.name for p in csvs if p.name not in files_read and p.name not in reference)
    table = _published_table(records, files_read, reference, ignored, skipped)
    return PublishedImport(table, files_read, reference, ignored, skipped)


def _reference_files(csvs: list[Path], population_path: Path | None, bmap: BenchmarkMap) -> dict[str, str]:
    """Known files that hold no measure themselves: the population and neighbour models."""
    reference = {}
    if population_path:
        reference[population_path.name] = "population aged 0-17 for rates per 10,000"
    for patterns, _ in bmap.neighbour_models:
        for path in csvs:
            if _matches(path.name, patterns):
                reference[path.name] = "statistical neighbours (read_neighbours)"
    return reference


def _csv_files(directory: Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise HeadwayError(f"{directory} is not a folder of DfE statistics files.")
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")


def _one_file(csvs: list[Path], patterns: tuple[str, ...], what: str) -> Path | None:
    """The one CSV matching `patterns`; two would load the same statistic twice."""
    hits = [p for p in csvs if _matches(p.name, patterns)]
    if len(hits) > 1:
        names = ", ".join(str(p) for p in hits)
        raise HeadwayError(f"More than one file holds {what}: {names}. Keep only the newest.")
    return hits[0] if hits else None


PopulationLookup = dict[tuple[int, str, str], tuple[float | None, str | None]]


def _read_population(path: Path, bmap: BenchmarkMap) -> PopulationLookup:
    """ONS population by (year it is the denominator for, level, area code)."""
    table = EesTable(path)
    table.require_columns([bmap.population_column])
    table.require_rows(bmap.population_where, "rates per 10,000")
    lookup: PopulationLookup = {}
    for (year, level, code), area in table.areas.items():
        rows = table.rows_where(area, bmap.population_where)
        if rows:
            line, cells = rows[0]
            lookup[(year + bmap.population_year_offset, level, code)] = table.number(
                line, cells, bmap.population_column)
    table.check()
    return lookup


def _read_measures(path: Path, measures: list[MeasureSpec],
                   population: PopulationLookup | None) -> list[dict]:
    table = EesTable(path)
    for m in measures:
        table.require_columns([c.column for c in m.cells() if c.column != POPULATION])
        table.require_rows(m.where, m.measure_id)
        for cell in m.cells():
            table.require_rows(cell.where or (), m.measure_id)
    records = []
    for area in table.areas.values():
        for m in measures:
            record = _measure_record(table, area, m, population)
            if record:
                records.append(record)
    table.check()
    return records


def _measure_record(table: EesTable, area: Area, m: MeasureSpec,
                    population: PopulationLookup | None) -> dict | None:
    """The measure for one area and year, or None if the file has no row for it."""
    if m.uses_own_row:
        own = table.rows_where(area, m.where)
        if not own:
            return None
    else:  # every cell names its row (e.g. a sum of breakdowns): any of them will do
        own = []
        if not any(table.rows_where(area, cell.where) for cell in m.cells() if cell.where):
            return None

    def read(cell: Cell) -> tuple[float | None, str | None]:
        if cell.column == POPULATION:
            return (population or {}).get((area.time_period, area.level, area.code), (None, None))
        rows = own if cell.where is None else table.rows_where(area, cell.where)
        if len(rows) > 1:
            _ambiguous(table, rows, m)
        return table.number(*rows[0], cell.column) if rows else (None, None)

    numerator, num_symbol = _sum(read(c) for c in m.numerator)
    denominator, den_symbol = _sum(read(c) for c in m.denominator)
    if m.value is not None:
        value, symbol = read(m.value)
    else:
        value, symbol = _ratio(numerator, denominator, m), (num_symbol or den_symbol)
    return {
        "measure_id": m.measure_id, "time_period": area.time_period,
        "geographic_level": area.level, "area_code": area.code, "area_name": area.name,
        "region_code": area.region_code, "value": value, "numerator": numerator,
        "denominator": denominator, "value_symbol": symbol if value is None else None,
        "source_file": table.file,
    }


def _ambiguous(table: EesTable, rows, m: MeasureSpec) -> None:
    lines = ", ".join(str(line) for line, _ in rows)
    raise FileRejected([ReturnError(
        table.file, row=rows[0][0],
        message=f"rows {lines} all match {m.measure_id} for the same area and year: "
                "benchmark_map.yml needs a narrower `where`")])


def _sum(parts) -> tuple[float | None, str | None]:
    """Sum of the parts; NULL (with the first symbol) if any part is suppressed or
    there are none. Summed as decimals so 5965.4 + 36186.3 stays 42151.7."""
    total, symbol, missing, count = Decimal(0), None, False, 0
    for value, part_symbol in parts:
        count += 1
        if value is None:
            missing, symbol = True, symbol or part_symbol
        else:
            total += Decimal(repr(value))
    return (None, symbol) if missing or not count else (float(total), None)


def _ratio(numerator: float | None, denominator: float | None, m: MeasureSpec) -> float | None:
    """numerator / denominator in the measure's unit, rounded half up as the DfE rounds."""
    if numerator is None or not denominator:
        return None
    exact = Decimal(repr(numerator)) * SCALES[m.unit] / Decimal(repr(denominator))
    return float(exact.quantize(Decimal(1).scaleb(-m.decimals), rounding=ROUND_HALF_UP))


def _published_table(records, files_read, reference, ignored, skipped) -> pa.Table:
    schema = _schema("published_statistics")
    level_order = {level: i for i, level in enumerate(GEOGRAPHIC_LEVELS)}
    records.sort(key=lambda r: (r["measure_id"], r["time_period"],
                                level_order[r["geographic_level"]], r["area_code"]))
    summary = {"files_read": files_read, "reference_files": reference,
               "files_ignored": ignored, "measures_skipped": skipped}
    schema = schema.with_metadata({"headway.summary": json.dumps(summary)})
    return pa.Table.from_pylist(records, schema=schema)


# ------------------------------------------------------------ statistical neighbours

def read_neighbours(directory: Path, benchmark_map: BenchmarkMap | None = None) -> pa.Table:
    """Each authority's statistical neighbours (la_code, neighbour_code, rank, closeness)
    from the 2025 model, or the April 2021 groupings if the 2025 file is absent."""
    bmap = benchmark_map or load_map()
    csvs = _csv_files(directory)
    for patterns, layout in bmap.neighbour_models:
        path = _one_file(csvs, patterns, "statistical neighbours")
        if path:
            header, rows = _read_csv(path)
            reader = _wide_2025 if layout == "wide_2025" else _groupings_2021
            pairs = reader(path.name, header, rows)
            if not pairs:
                raise FileRejected([ReturnError(path.name, "holds no statistical neighbours")])
            schema = _schema("statistical_neighbours").with_metadata({"headway.source_file": path.name})
            return pa.Table.from_pylist(pairs, schema=schema)
    raise HeadwayError(
        f"No statistical neighbour file in {directory}: expected sn_model_2025_wide.csv "
        "or New_Statistical_Neighbour_Groupings_April_2021.csv.")


def _wide_2025(file: str, header: list[str], rows) -> list[dict]:
    """Columns old_la_code, la_name, ..., SN_1, SN_1P (closeness), ... SN_10, SN_10P."""
    if "old_la_code" not in header:
        raise FileRejected([ReturnError(file, "this column is missing", row=1, column="old_la_code")])
    ranks = sorted(int(m.group(1)) for name in header if (m := re.fullmatch(r"SN_(\d+)", name)))
    pairs, errors = [], []
    for line, values in rows:
        cells = dict(zip(header, values))
        for rank in ranks:
            pair = _pair(file, line, cells["old_la_code"], "old_la_code", cells.get(f"SN_{rank}", ""),
                         f"SN_{rank}", rank, cells.get(f"SN_{rank}P", ""), errors)
            if pair:
                pairs.append(pair)
    if errors:
        raise FileRejected(errors)
    return pairs


def _groupings_2021(file: str, header: list[str], rows) -> list[dict]:
    """Columns 'LA num', 'LA Name', 'LA number', GOInd, GOReg, then SN1, SNP, SN2, SNP...
    (every closeness column is called SNP, so it is read by position). Below a row
    'Old SNs:' come authorities abolished before 2021, which are left out."""
    if not header or header[0] != "LA num":
        raise FileRejected([ReturnError(file, "expected 'LA num' as the first column", row=1)])
    positions = [(int(m.group(1)), i) for i, name in enumerate(header)
                 if (m := re.fullmatch(r"SN(\d+)", name))]
    pairs, errors = [], []
    for line, values in rows:
        if any(v.lower().startswith("old sns") for v in values):
            break
        for rank, i in positions:
            closeness = values[i + 1] if i + 1 < len(values) else ""
            pair = _pair(file, line, values[0], header[0], values[i], header[i], rank, closeness, errors)
            if pair:
                pairs.append(pair)
    if errors:
        raise FileRejected(errors)
    return pairs


def _pair(file, line, la_code, la_column, neighbour, neighbour_column, rank, closeness,
          errors: list[ReturnError]) -> dict | None:
    """One (authority, neighbour) row, or None for an empty slot; bad codes go to `errors`."""
    if not neighbour:
        return None  # fewer than 10 neighbours for this authority
    for code, column in ((la_code, la_column), (neighbour, neighbour_column)):
        if not re.fullmatch(r"\d{3}", code):
            errors.append(ReturnError(file, "is not a 3-digit local authority code", row=line, column=column))
            return None
    label = " ".join(closeness.split())
    return {"la_code": la_code, "neighbour_code": neighbour, "rank": rank,
            "closeness": label[:1].upper() + label[1:].lower() if label else None}
