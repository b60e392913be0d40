"""Feedback from children and families: the council's free-text switch, and the summary.

Feedback is recorded as structured answers (who, how, what about, listened to, made a
difference, overall). Free text ("in their words") is kept only where the council turns
it on in workspace/headway.toml:

    [board.feedback]
    free_text = true

Off by default. Free text is never published: members cannot open feedback at all, the
committee pack (headway.board.publish) does not read it, the history records only that it
changed, and only roles allowed child-level data see it on the feedback page.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from headway.errors import HeadwayError


def free_text_from_toml(values: dict, source: str) -> bool:
    table = values.get("board", {}).get("feedback")
    if table is None:
        return False
    value = table.get("free_text", False)
    if not isinstance(value, bool):
        raise HeadwayError(f"{source} [board.feedback]: free_text must be true or false")
    return value


_cache: dict = {}


def free_text_on() -> bool:
    """The switch for the workspace the app serves (re-read when headway.toml changes)."""
    path = settings.HEADWAY_SETTINGS.workspace / "headway.toml"
    stamp = path.stat().st_mtime_ns if path.exists() else None
    if _cache.get("key") != (path, stamp):
        values = tomllib.loads(path.read_text(encoding="utf-8")) if stamp else {}
        _cache.update(key=(path, stamp), on=free_text_from_toml(values, str(path)))
    return _cache["on"]


@dataclass(frozen=True)
class FeedbackRow:
    """One line of the summary: a team or a subject, and how the feedback went."""

    name: str
    count: int
    listened_to: str      # "3 of 4" said yes, out of those asked
    made_a_difference: str
    good_or_better: str   # overall Good or Very good


def share(yes: int, asked: int) -> str:
    return f"{yes} of {asked}" if asked else "not asked"


def summary(entries, key) -> list[FeedbackRow]:
    """Counts by `key(entry)` (a team, or what it was about), sorted by name."""
    groups = defaultdict(list)
    for entry in entries:
        groups[key(entry)].append(entry)
    rows = []
    for name, items in sorted(groups.items()):
        asked = [e for e in items if e.listened_to != "not_asked"]
        asked_difference = [e for e in items if e.made_a_difference != "not_asked"]
        rows.append(FeedbackRow(
            name=name, count=len(items),
            listened_to=share(sum(e.listened_to == "yes" for e in asked), len(asked)),
            made_a_difference=share(sum(e.made_a_difference == "yes" for e in asked_difference),
                                    len(asked_difference)),
            good_or_better=share(sum(e.overall >= 4 for e in items), len(items))))
    return rows
