"""The improvement plan: themes, key areas, Ofsted points, actions and what hangs off them.

Sefton's plan has two dimensions, themes (Quality, Implementation of Learning, Tools,
Strategic Partnerships) and key areas (Corporate Leadership, Governance and
Partnerships, Practice, Enablers and Resources), so an action has one of each.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from headway.board.evidence import evidence_storage, stored_name

RAG_CHOICES = [("R", "Red"), ("A", "Amber"), ("G", "Green")]


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Theme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0, help_text="Where the theme comes in the plan (1 first).")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class KeyArea(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    accountable_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_key_areas", null=True, blank=True,
        help_text="Who writes the area's position statements (an analyst can too).")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OfstedPoint(models.Model):
    """A recommendation, point of concern or area for improvement from an inspection or visit."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        POINT_OF_CONCERN = "point_of_concern", "Point of concern"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    reference = models.CharField(max_length=40, unique=True, help_text="For example PoC 3 or Rec 1.")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.RECOMMENDATION)
    source = models.CharField(max_length=200, blank=True,
                              help_text="The inspection or visit, for example ILACS May 2019.")
    text = models.TextField(help_text="Ofsted's words.")

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:80]}"


class Action(models.Model):
    reference = models.CharField(max_length=40, unique=True, help_text="The plan's own reference, for example 1.3.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="actions", null=True, blank=True)
    accountable_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            related_name="board_actions")
    lead = models.CharField(max_length=200, blank=True, help_text="Who leads the work day to day.")
    start_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    officer_rag = models.CharField("RAG rating", max_length=1, choices=RAG_CHOICES, blank=True)
    rag_reason = models.TextField("Reason for the rating", blank=True)
    rag_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    rag_set_at = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField("Next holding-to-account review", null=True, blank=True)
    ofsted_points = models.ManyToManyField(OfstedPoint, blank=True, related_name="actions")

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        problems = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            problems["due_date"] = "The due date must be on or after the start date"
        if self.officer_rag and not self.rag_reason.strip():
            problems["rag_reason"] = "Give a reason for the RAG rating"
        if self.completed_on and self.status != Status.COMPLETE:
            problems["completed_on"] = "Only a complete action has a completion date"
        if problems:
            raise ValidationError(problems)

    @property
    def measure_ids(self) -> list[str]:
        return [link.measure_id for link in self.linked_measures.all()]


class LinkedMeasure(models.Model):
    """A catalogue measure (for example A02) the action is meant to move."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="linked_measures")
    measure_id = models.CharField(max_length=10)

    class Meta:
        ordering = ["measure_id"]
        constraints = [models.UniqueConstraint(fields=["action", "measure_id"], name="board_one_link_per_measure")]

    def __str__(self) -> str:
        return f"{self.action.reference} → {self.measure_id}"

    def clean(self) -> None:
        from headway.board.catalogue import is_measure

        if not is_measure(self.measure_id):
            raise ValidationError({"measure_id": f"{self.measure_id} is not a measure in the catalogue"})


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.action.reference}: {self.title}"


class Evidence(models.Model):
    """Evidence for an action: a link (a document on the council's intranet) or an uploaded
    file, stored outside the web root under a random name (headway.board.evidence)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=300)
    url = models.URLField("Link", max_length=500, blank=True, help_text="A link starting https://")
    file = models.FileField("File", blank=True, max_length=200, storage=evidence_storage, upload_to=stored_name)
    file_name = models.CharField("File name", max_length=255, blank=True, help_text="The name it was uploaded with.")
    file_size = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.url and self.file:
            raise ValidationError("Give a link or upload a file, not both")
        if not self.url and not self.file:
            raise ValidationError("Give a link starting https:// or upload a file")
