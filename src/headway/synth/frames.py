"""A frame is a dict of equal-length numpy arrays (one per column): the generator's
only data structure. Plain dicts keep the arrays small and the code obvious."""

from __future__ import annotations

import numpy as np

Frame = dict[str, np.ndarray]


def take(frame: Frame, index: np.ndarray) -> Frame:
    """Rows by position or boolean mask."""
    return {name: column[index] for name, column in frame.items()}


def concat(frames: list[Frame]) -> Frame:
    return {name: np.concatenate([f[name] for f in frames]) for name in frames[0]}


def forward_fill_index(has_value: np.ndarray) -> np.ndarray:
    """For each row, the index of the latest row at or before it that has a value
    (row 0 must have one)."""
    index = np.where(has_value, np.arange(len(has_value)), 0)
    return np.maximum.accumulate(index)
