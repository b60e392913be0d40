"""The risk register: risks scored likelihood x impact, reviews, mitigations and appetite.

Scores are checked against the configured matrix (headway.board.risk_matrix, 5 x 5
unless headway.toml says otherwise). A review records the current likelihood and
impact on a date; the risk's current score is its latest review's, and the movement
is measured against the review before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from headway.board.models.plan import Action

SCORE_PAIRS = (("inherent_likelihood", "inherent_impact"), ("current_likelihood", "current_impact"),
               ("target_likelihood", "target_impact"))


class RiskCategory(models.Model):
    name = models.CharField(max_length=100, unique=True)
    appetite_score = models.PositiveSmallIntegerField(
        help_text="The highest score (likelihood x impact) the board accepts for risks in this category.")
    appetite_statement = models.CharField(
        max_length=300, blank=True, help_text="For example: Cautious: we accept little risk to children's safety.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "risk categories"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from headway.board.risk_matrix import current_matrix

        top = current_matrix().size ** 2
        if self.appetite_score is not None and not 1 <= self.appetite_score <= top:
            raise ValidationError({"appetite_score": f"Enter a score from 1 to {top}"})


class Risk(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    cause = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_risks")
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="risks")
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    current_likelihood = models.PositiveSmallIntegerField()
    current_impact = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_impact = models.PositiveSmallIntegerField()
    appetite_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave blank to use the category's appetite.")
    next_review_on = models.DateField("Next review date")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        from headway.board.risk_matrix import current_matrix

        matrix = current_matrix()
        problems = {}
        for likelihood, impact in SCORE_PAIRS:
            for name in (likelihood, impact):
                value = getattr(self, name)
                if value is not None and not 1 <= value <= matrix.size:
                    problems[name] = f"Enter a whole number from 1 to {matrix.size}"
        if self.appetite_score is not None and not 1 <= self.appetite_score <= matrix.size ** 2:
            problems["appetite_score"] = f"Enter a score from 1 to {matrix.size ** 2}"
        if problems:
            raise ValidationError(problems)

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def current_score(self) -> int:
        return self.current_likelihood * self.current_impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact

    @property
    def appetite(self) -> int:
        return self.appetite_score if self.appetite_score is not None else self.category.appetite_score

    @property
    def above_appetite(self) -> bool:
        return self.current_score > self.appetite

    def review_overdue(self, today) -> bool:
        return self.state == self.State.OPEN and self.next_review_on < today


class RiskReview(models.Model):
    """The risk scored again on a date (at a board meeting, usually)."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    # The current scores just before this review, so the movement it made is kept with it.
    previous_likelihood = models.PositiveSmallIntegerField()
    previous_impact = models.PositiveSmallIntegerField()
    note = models.TextField("What has changed", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.risk.reference} reviewed {self.reviewed_on:%d %B %Y}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def previous_score(self) -> int:
        return self.previous_likelihood * self.previous_impact

    @property
    def movement(self) -> str:
        if self.score == self.previous_score:
            return f"No change (score {self.score})"
        word = "Up" if self.score > self.previous_score else "Down"
        return f"{word} from {self.previous_score} to {self.score}"


class Mitigation(models.Model):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="mitigations")
    description = models.TextField()
    action = models.ForeignKey(Action, on_delete=models.PROTECT, null=True, blank=True, related_name="mitigations",
                               help_text="The plan action that delivers this mitigation, if any.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.risk.reference}: {self.description[:60]}"
