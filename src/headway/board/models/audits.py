"""Quality assurance: the audit programme (rota), themed audits and case audit records.

A case audit names the child only by a pseudonymous ID (never a name, UPN or NHS
number: see check_pseudonymous_id), grades each practice domain on Ofsted's scale,
and may follow up an earlier audit (moderation, or "closing the loop").
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


GOOD_OR_BETTER = frozenset({Grade.OUTSTANDING, Grade.GOOD})
DOMAINS = ("Voice of the child", "Assessment", "Planning", "Management oversight", "Supervision", "Recording")

PSEUDONYM = re.compile(r"^[A-Za-z0-9-]{4,40}$")
UPN = re.compile(r"^[A-Za-z]\d{11}[A-Za-z0-9]$")  # unique pupil number: a letter, 11 digits, a check character
NHS_NUMBER = re.compile(r"^\d{10}$")


def check_pseudonymous_id(text: str) -> None:
    """Refuse anything that is not a pseudonymous ID, or that looks like a real identifier."""
    text = (text or "").strip()
    if not PSEUDONYM.match(text):
        raise ValidationError("Enter the child's pseudonymous ID: 4 to 40 letters, digits or hyphens, no spaces")
    if UPN.match(text.replace("-", "")) or NHS_NUMBER.match(text.replace("-", "")):
        raise ValidationError("This looks like a UPN or an NHS number. Enter the pseudonymous ID instead")


def team_unit_field():
    """The team, as the warehouse's org tree names it (org_units, level "team"). Blank only on
    records from before teams came from the warehouse whose free-text name matched no team:
    only authority-wide roles see those (headway.board.scope)."""
    return models.CharField("Team", max_length=40, blank=True, db_index=True,
                            help_text="Chosen from the teams the warehouse publishes.")


def team_name_field(**options):
    """The team's name as it was when the record was made, for people to read."""
    return models.CharField("Team name", max_length=200, **options)


class ThemedAudit(models.Model):
    theme = models.CharField(max_length=200, help_text="For example: Section 47 and strategy meetings.")
    sample = models.CharField(max_length=300, blank=True,
                              help_text="How the cases were chosen, for example 20 cases closed in March.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "theme"]

    def __str__(self) -> str:
        return f"{self.theme} ({self.starts_on:%B %Y})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date"})


class RotaSlot(models.Model):
    """One line of the audit rota: who audits which team's cases, and by when."""

    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team_unit = team_unit_field()
    team = team_name_field()
    cases = models.PositiveSmallIntegerField(default=1, help_text="How many cases to audit.")
    due_on = models.DateField()
    themed_audit = models.ForeignKey(ThemedAudit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="rota")

    class Meta:
        ordering = ["due_on", "team"]

    def __str__(self) -> str:
        return f"{self.team} by {self.due_on:%d %B %Y}"


class CaseAudit(models.Model):
    class Kind(models.TextChoices):
        ROTA = "rota", "Rota audit"
        THEMED = "themed", "Themed audit"
        MODERATION = "moderation", "Moderation"
        CLOSING_THE_LOOP = "closing_the_loop", "Closing the loop"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ROTA)
    themed_audit = models.ForeignKey(ThemedAudit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="case_audits")
    child_ref = models.CharField("Child's pseudonymous ID", max_length=40, validators=[check_pseudonymous_id])
    team_unit = team_unit_field()
    team = team_name_field()
    worker = models.CharField("Worker", max_length=200, help_text="The allocated worker's staff ID or initials.")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    audited_on = models.DateField()
    overall_grade = models.CharField(max_length=30, choices=Grade.choices)
    findings = models.TextField()
    actions = models.TextField("Actions for the worker and manager", blank=True)
    follows_up = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="follow_ups",
                                   help_text="The audit this moderates or closes the loop on.")

    class Meta:
        ordering = ["-audited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child_ref}, {self.audited_on:%d %B %Y}"

    def clean(self) -> None:
        follow_up_kinds = (self.Kind.MODERATION, self.Kind.CLOSING_THE_LOOP)
        if self.kind in follow_up_kinds and not self.follows_up_id:
            raise ValidationError({"follows_up": "Choose the audit this moderates or closes the loop on"})
        if self.kind == self.Kind.THEMED and not self.themed_audit_id:
            raise ValidationError({"themed_audit": "Choose the themed audit this case belongs to"})


class DomainGrade(models.Model):
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="grades")
    domain = models.CharField(max_length=100, choices=[(d, d) for d in DOMAINS])
    grade = models.CharField(max_length=30, choices=Grade.choices)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["audit", "domain"], name="board_one_grade_a_domain")]

    def __str__(self) -> str:
        return f"{self.domain}: {self.get_grade_display()}"


class Feedback(models.Model):
    """Feedback from a child, young person or family member, recorded as structured answers.

    Nothing here names the person. Free text is kept only where the council has turned it
    on ([board.feedback] free_text = true in headway.toml, see headway.board.feedback);
    it is never published (no member page, no committee pack) and never copied into the
    history. Grouped by team and by what it was about, feedback sits beside the audits.
    """

    class From(models.TextChoices):
        CHILD = "child", "Child or young person"
        CARE_LEAVER = "care_leaver", "Care leaver"
        PARENT = "parent", "Parent or carer"
        FAMILY = "family", "Other family member"

    class Channel(models.TextChoices):
        SURVEY = "survey", "Survey"
        CONVERSATION = "conversation", "Conversation with an auditor"
        PARTICIPATION = "participation", "Participation group"
        COMPLIMENT = "compliment", "Compliment"
        COMPLAINT = "complaint", "Complaint"

    class About(models.TextChoices):
        WORKER = "worker", "Their worker"
        ASSESSMENT = "assessment", "Assessment"
        PLAN = "plan", "Plans and meetings"
        HOME = "home", "Where they live"
        HELP = "help", "The help they got"
        OTHER = "other", "Something else"

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        NOT_ASKED = "not_asked", "Not asked"

    class Overall(models.IntegerChoices):
        VERY_POOR = 1, "Very poor"
        POOR = 2, "Poor"
        OKAY = 3, "Okay"
        GOOD = 4, "Good"
        VERY_GOOD = 5, "Very good"

    history_withheld = ("free_text",)  # the history says it changed, never what it says

    received_on = models.DateField("Date received")
    from_whom = models.CharField("From", max_length=20, choices=From.choices)
    channel = models.CharField("How it was given", max_length=20, choices=Channel.choices)
    team_unit = team_unit_field()
    team = team_name_field(help_text="The team working with the child or family.")
    about = models.CharField("What it was about", max_length=20, choices=About.choices)
    listened_to = models.CharField("Felt listened to", max_length=10, choices=Answer.choices)
    made_a_difference = models.CharField("Said the help made a difference", max_length=10, choices=Answer.choices)
    overall = models.PositiveSmallIntegerField("Overall experience", choices=Overall.choices)
    themed_audit = models.ForeignKey(ThemedAudit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="feedback",
                                     help_text="The themed audit this feedback was gathered for, if any.")
    free_text = models.TextField("In their words", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback from a {self.get_from_whom_display().lower()}, {self.received_on:%d %B %Y}"
