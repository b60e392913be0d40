"""Red / Amber / Green and direction of travel, judged with a measure's polarity.

Polarity is one of:
  higher_is_better  e.g. assessments within 45 working days
  lower_is_better   e.g. re-referrals within 12 months
  context           a volume or rate with no better direction (CLA per 10,000): no RAG
"""

from __future__ import annotations

POLARITIES = ("higher_is_better", "lower_is_better", "context")
RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green", None: "No target"}


def rag(value: float | None, target: float | None, tolerance: float | None, polarity: str) -> str | None:
    """'G' on or better than target, 'A' within tolerance of it, else 'R'; None if unjudged."""
    if value is None or target is None or polarity == "context":
        return None
    tolerance = tolerance or 0.0
    gap = (value - target) if polarity == "higher_is_better" else (target - value)
    if gap >= 0:
        return "G"
    return "A" if -gap <= tolerance else "R"


def direction(latest: float | None, earlier: float | None, polarity: str, steady_within: float = 0.0) -> str | None:
    """'improving', 'declining' or 'steady' (or 'up' / 'down' for context measures)."""
    if latest is None or earlier is None:
        return None
    change = latest - earlier
    if abs(change) <= steady_within:
        return "steady"
    if polarity == "context":
        return "up" if change > 0 else "down"
    better = change > 0 if polarity == "higher_is_better" else change < 0
    return "improving" if better else "declining"
