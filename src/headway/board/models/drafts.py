"""Position statements and measure commentary: dated updates kept in versions.

A statement (or commentary) is the thread for one action and date (or one measure
and month). Every save adds a version; no version's text is ever changed. A version
is a draft until the board chair or an analyst approves it; members and the
committee pack only ever see the latest approved version
(headway.board.publish). Editing after approval adds a new draft version, and the
approved one stays what members see until the new one is approved too.
"""

from __future__ import annotations

import calendar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from headway.board.models.plan import RAG_CHOICES, Action, KeyArea


class DraftVersion(models.Model):
    """What statement and commentary versions share: who wrote it, and who approved it."""

    number = models.PositiveIntegerField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def state_word(self) -> str:
        return "Approved" if self.is_approved else "Draft"


class VersionedThread(models.Model):
    """A statement or commentary: its versions hang off it as `versions`."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def latest_approved(self):
        return self.versions.filter(approved_at__isnull=False).order_by("-number").first()

    def next_number(self) -> int:
        latest = self.latest_version()
        return latest.number + 1 if latest else 1


class PositionStatement(VersionedThread):
    """The position of one action, or of one key area of the plan, at a date."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="statements", null=True, blank=True)
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="statements", null=True, blank=True)
    as_of = models.DateField("Statement date", help_text="The date the statement describes, usually the meeting's.")

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "as_of"], name="board_one_statement_a_day"),
            models.UniqueConstraint(fields=["key_area", "as_of"], name="board_one_area_statement_a_day"),
            models.CheckConstraint(condition=(models.Q(action__isnull=False, key_area__isnull=True)
                                              | models.Q(action__isnull=True, key_area__isnull=False)),
                                   name="board_statement_is_for_an_action_or_an_area"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} position at {self.as_of:%d %B %Y}"

    @property
    def subject(self):
        """The action or the key area the statement is about."""
        return self.action if self.action_id else self.key_area

    @property
    def subject_name(self) -> str:
        return self.action.reference if self.action_id else f"Key area {self.key_area.name}"


class StatementVersion(DraftVersion):
    statement = models.ForeignKey(PositionStatement, on_delete=models.PROTECT, related_name="versions")
    done = models.TextField("What was done")
    impact = models.TextField("What impact it has had")
    next_steps = models.TextField("Next steps")
    proposed_rag = models.CharField("Proposed RAG rating", max_length=1, choices=RAG_CHOICES)

    class Meta(DraftVersion.Meta):
        constraints = [models.UniqueConstraint(fields=["statement", "number"], name="board_statement_version_once")]

    def __str__(self) -> str:
        return f"{self.statement} (version {self.number}, {self.state_word.lower()})"

    @property
    def thread(self) -> PositionStatement:
        return self.statement


def is_month_end(day) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


class MeasureCommentary(VersionedThread):
    measure_id = models.CharField(max_length=10)
    period_end = models.DateField("Month ending", help_text="The last day of the month the commentary is about.")

    class Meta:
        ordering = ["-period_end", "measure_id"]
        verbose_name_plural = "measure commentaries"
        constraints = [models.UniqueConstraint(fields=["measure_id", "period_end"],
                                               name="board_one_commentary_a_month")]

    def __str__(self) -> str:
        return f"{self.measure_id} commentary for the month ending {self.period_end:%d %B %Y}"

    def clean(self) -> None:
        if self.period_end and not is_month_end(self.period_end):
            raise ValidationError({"period_end": "Enter the last day of a month, for example 31 March 2026"})


class CommentaryVersion(DraftVersion):
    commentary = models.ForeignKey(MeasureCommentary, on_delete=models.PROTECT, related_name="versions")
    shows = models.TextField("What the figure shows")
    why = models.TextField("Why")
    next_steps = models.TextField("What happens next")

    class Meta(DraftVersion.Meta):
        constraints = [models.UniqueConstraint(fields=["commentary", "number"],
                                               name="board_commentary_version_once")]

    def __str__(self) -> str:
        return f"{self.commentary} (version {self.number}, {self.state_word.lower()})"

    @property
    def thread(self) -> MeasureCommentary:
        return self.commentary
