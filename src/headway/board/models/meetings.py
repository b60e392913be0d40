"""Board and committee meetings: holding-to-account, decisions arising, deep dives."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from headway.board.models.plan import Action, OfstedPoint


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Improvement Board"
        HOLDING_TO_ACCOUNT = "holding_to_account", "Holding to account"
        COMMITTEE = "committee", "Scrutiny committee"

    date = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.BOARD)
    title = models.CharField(max_length=200, blank=True)
    actions_called = models.ManyToManyField(
        Action, blank=True, related_name="meetings_called",
        help_text="Actions whose officers are called to this meeting, besides those due for review.")

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date.day} {self.date:%B %Y}"


class Decision(models.Model):
    """A decision, or an action arising, recorded against a meeting."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ACTION = "action", "Action arising"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True, help_text="Who will do it (actions arising).")
    due_date = models.DateField(null=True, blank=True)
    action = models.ForeignKey(Action, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
                               help_text="The plan action this is about, if any.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class DeepDive(models.Model):
    """A topic examined in depth at a meeting, tied to a plan action or an Ofsted point."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="deep_dives")
    topic = models.CharField(max_length=300)
    action = models.ForeignKey(Action, on_delete=models.PROTECT, null=True, blank=True, related_name="deep_dives")
    ofsted_point = models.ForeignKey(OfstedPoint, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="deep_dives")
    presenter = models.CharField(max_length=200, blank=True)
    papers = models.URLField("Link to the papers", max_length=500, blank=True)

    class Meta:
        ordering = ["meeting__date", "id"]

    def __str__(self) -> str:
        return self.topic

    def clean(self) -> None:
        if not self.action_id and not self.ofsted_point_id:
            raise ValidationError("Choose the plan action or the Ofsted point this deep dive examines")
