"""An action's RAG rating: the officer's, unless the automatic overdue rule makes it Red.

The rule: an action whose due date has passed (due before today, in the council's
own time zone) and that is not complete is Red, whatever its officer says. Due
today is not yet overdue.

Members see only what the board approved: the RAG proposed in the latest approved
position statement, again overridden by the overdue rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from headway.board.models import Action, Status

RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green", "": "Not rated"}
TAG_CLASSES = {"R": "govuk-tag--red", "A": "govuk-tag--yellow", "G": "govuk-tag--green", "": "govuk-tag--grey"}


@dataclass(frozen=True)
class Rating:
    code: str  # R, A, G or "" (not rated)
    reason: str
    automatic: bool = False

    @property
    def word(self) -> str:
        return RAG_WORDS[self.code]

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.code]


def today() -> dt.date:
    """Today where the council is (settings.TIME_ZONE), not in UTC."""
    return timezone.localdate()


def is_overdue(action: Action, on: dt.date) -> bool:
    return action.status != Status.COMPLETE and action.due_date < on


def overdue_rating(action: Action) -> Rating:
    due = action.due_date
    return Rating("R", f"Automatic: past its due date of {due.day} {due:%B %Y} and not complete", automatic=True)


def officer_rating(action: Action, on: dt.date) -> Rating:
    """What officers see: the officer's rating, or Red if overdue."""
    if is_overdue(action, on):
        return overdue_rating(action)
    return Rating(action.officer_rag, action.rag_reason)


def approved_rating(action: Action, on: dt.date) -> Rating:
    """What members see: the RAG of the latest approved statement, or Red if overdue."""
    if is_overdue(action, on):
        return overdue_rating(action)
    from headway.board.publish import latest_approved_statement

    version = latest_approved_statement(action)
    if version is None:
        return Rating("", "No approved position statement yet")
    as_of = version.statement.as_of
    return Rating(version.proposed_rag, f"From the position statement of {as_of.day} {as_of:%B %Y}")
