"""The likelihood x impact matrix: its size, labels and score bands, and the heat map.

5 x 5 by default. A council can change it in workspace/headway.toml:

    [board.risk_matrix]
    size = 4
    likelihood_labels = ["Unlikely", "Possible", "Likely", "Almost certain"]
    impact_labels = ["Minor", "Moderate", "Major", "Severe"]
    bands = [ {name = "Low", up_to = 3}, {name = "Medium", up_to = 8}, {name = "High", up_to = 16} ]

Each band covers scores above the previous band's up_to, up to its own; the last
must reach size x size. The heat map is a table: every cell has its score, band
name and the references of the risks in it, so colour is never the only signal.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from django.conf import settings

from headway.errors import HeadwayError

BAND_CLASSES = ("hw-band--low", "hw-band--medium", "hw-band--high", "hw-band--very-high")


@dataclass(frozen=True)
class Band:
    name: str
    up_to: int
    css_class: str


@dataclass(frozen=True)
class RiskMatrix:
    size: int
    likelihood_labels: tuple[str, ...]
    impact_labels: tuple[str, ...]
    bands: tuple[Band, ...]

    def band(self, score: int) -> Band:
        return next(b for b in self.bands if score <= b.up_to)

    def likelihood_label(self, value: int) -> str:
        return self.likelihood_labels[value - 1]

    def impact_label(self, value: int) -> str:
        return self.impact_labels[value - 1]


DEFAULT = RiskMatrix(
    size=5,
    likelihood_labels=("Rare", "Unlikely", "Possible", "Likely", "Almost certain"),
    impact_labels=("Negligible", "Minor", "Moderate", "Major", "Severe"),
    bands=(Band("Low", 4, BAND_CLASSES[0]), Band("Medium", 9, BAND_CLASSES[1]),
           Band("High", 14, BAND_CLASSES[2]), Band("Very high", 25, BAND_CLASSES[3])),
)


def matrix_from_toml(values: dict, source: str) -> RiskMatrix:
    """A matrix from the [board.risk_matrix] table, or DEFAULT if there is none."""
    table = values.get("board", {}).get("risk_matrix")
    if table is None:
        return DEFAULT
    where = f"{source} [board.risk_matrix]"
    size = table.get("size", DEFAULT.size)
    if not isinstance(size, int) or not 2 <= size <= 10:
        raise HeadwayError(f"{where}: size must be a whole number from 2 to 10")
    likelihood = tuple(table.get("likelihood_labels", DEFAULT.likelihood_labels if size == 5 else ()))
    impact = tuple(table.get("impact_labels", DEFAULT.impact_labels if size == 5 else ()))
    for name, labels in (("likelihood_labels", likelihood), ("impact_labels", impact)):
        if len(labels) != size:
            raise HeadwayError(f"{where}: {name} needs {size} labels, one for each point of the scale")
    bands = _bands(table.get("bands"), size, where) if "bands" in table else DEFAULT.bands
    return RiskMatrix(size, likelihood, impact, bands)


def _bands(raw, size: int, where: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= len(BAND_CLASSES):
        raise HeadwayError(f"{where}: bands must be a list of 1 to {len(BAND_CLASSES)} tables")
    bands, previous = [], 0
    for number, item in enumerate(raw, start=1):
        up_to = item.get("up_to") if isinstance(item, dict) else None
        if not isinstance(up_to, int) or up_to <= previous or not item.get("name"):
            raise HeadwayError(f"{where}: band {number} needs a name and an up_to above the band before it")
        # Spread the colours so the last band is always the darkest.
        css = BAND_CLASSES[len(BAND_CLASSES) - len(raw) + number - 1]
        bands.append(Band(str(item["name"]), up_to, css))
        previous = up_to
    if previous != size * size:
        raise HeadwayError(f"{where}: the last band's up_to must be {size * size} (size x size)")
    return tuple(bands)


_cache: dict = {}


def current_matrix() -> RiskMatrix:
    """The matrix for the workspace the app serves (re-read when headway.toml changes)."""
    path = settings.HEADWAY_SETTINGS.workspace / "headway.toml"
    stamp = path.stat().st_mtime_ns if path.exists() else None
    if _cache.get("key") != (path, stamp):
        values = tomllib.loads(path.read_text(encoding="utf-8")) if stamp else {}
        _cache.update(key=(path, stamp), matrix=matrix_from_toml(values, str(path)))
    return _cache["matrix"]


# --- heat map ----------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    score: int
    band: Band
    references: tuple[str, ...]


def heat_map(risks, matrix: RiskMatrix, scores: str = "current") -> list[tuple[int, str, list[Cell]]]:
    """Rows from the highest likelihood down; each row's cells from the lowest impact up."""
    placed: dict[tuple[int, int], list[str]] = {}
    for risk in risks:
        key = (getattr(risk, f"{scores}_likelihood"), getattr(risk, f"{scores}_impact"))
        placed.setdefault(key, []).append(risk.reference)
    rows = []
    for likelihood in range(matrix.size, 0, -1):
        cells = [Cell(likelihood, impact, likelihood * impact, matrix.band(likelihood * impact),
                      tuple(sorted(placed.get((likelihood, impact), []))))
                 for impact in range(1, matrix.size + 1)]
        rows.append((likelihood, matrix.likelihood_label(likelihood), cells))
    return rows
