"""The immutable history of every change to a board record.

Rows are only ever inserted (by headway.board.history). Like the access audit log
it is an AppendOnlyModel (headway.web.models): save() of a stored row, delete(), and
queryset update() and delete() raise AppendOnlyError, and no add, change or delete
permission exists for it; database triggers (migration 0002) refuse UPDATE and
DELETE from anything else that connects through the app. Nothing links to the
changed record by foreign key, so deleting a record never touches its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from headway.web.models import AppendOnlyModel


class HistoryEntry(AppendOnlyModel):
    class Change(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, help_text="The username at the time, or 'system'.")
    model = models.CharField(max_length=100, db_index=True, help_text="The record's kind, e.g. board.action.")
    object_id = models.CharField(max_length=40, db_index=True)
    object_repr = models.CharField(max_length=300)
    change = models.CharField(max_length=10, choices=Change.choices)
    changes = models.JSONField(default=dict, help_text="Field name: [before, after], as text.")

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-at", "-id"]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.change} {self.object_repr} at {self.at:%Y-%m-%d %H:%M}"
