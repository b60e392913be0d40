"""Vectorised random draws used across the generator (all from one numpy Generator,
so a seed fixes every draw)."""

from __future__ import annotations

import numpy as np


def category(rng: np.random.Generator, n: int, weights: dict | list | np.ndarray) -> np.ndarray:
    """n draws of an index into `weights` (dict: the order of its keys)."""
    p = np.array(list(weights.values()) if isinstance(weights, dict) else weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int16)


def category_by_row(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One draw per element of `rows`, from that row of a weights table."""
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int16)
    for row in range(len(table)):  # a few rows (age bands): no n x k temporary
        mine = rows == row
        out[mine] = np.searchsorted(cumulative[row], u[mine], side="right")
    return np.minimum(out, table.shape[1] - 1)


def chance(rng: np.random.Generator, p) -> np.ndarray:
    """Bernoulli draws; p a scalar with n given by its shape, or an array."""
    p = np.asarray(p, dtype=float)
    return rng.random(p.shape) < p


def chance_n(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    return rng.random(n) < p


def uniform_days(rng: np.random.Generator, n: int, lo, hi) -> np.ndarray:
    """Whole days uniformly in [lo, hi] (inclusive; lo and hi may be arrays)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    return (lo + np.floor(rng.random(n) * (hi - lo + 1))).astype(np.int64)


def lognormal_days(rng: np.random.Generator, n: int, spec: tuple, sigma: float = 0.7) -> np.ndarray:
    """Whole days from a lognormal with the given median, clipped to (lo, hi)."""
    lo, median, hi = spec
    values = median * np.exp(sigma * rng.standard_normal(n))
    return np.clip(np.rint(values), lo, hi).astype(np.int64)


def age_band(age_years: np.ndarray, bands: list[int]) -> np.ndarray:
    """Index of the age band (bands are lower bounds, ascending)."""
    return (np.searchsorted(bands, age_years, side="right") - 1).astype(np.int16)
