"""The measure catalogue as the board uses it: IDs and titles, read once per process.

Catalogue files change only with a new release, so caching them is safe.
"""

from __future__ import annotations

from functools import lru_cache

from headway.measures.catalogue import Measure, load_catalogue


@lru_cache(maxsize=1)
def measures() -> dict[str, Measure]:
    return {measure.id: measure for measure in load_catalogue()}


def titles() -> dict[str, str]:
    return {measure_id: measure.title for measure_id, measure in measures().items()}


def is_measure(measure_id: str) -> bool:
    return measure_id in measures()
