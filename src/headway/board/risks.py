"""Scoring risks: a review re-scores a risk's current likelihood and impact."""

from __future__ import annotations

from django.db import transaction

from headway.board.models import Risk, RiskReview
from headway.board.permissions import require


@transaction.atomic
def record_review(risk: Risk, user, *, reviewed_on, likelihood: int, impact: int, note: str,
                  next_review_on) -> RiskReview:
    """Record a review and make its scores the risk's current ones."""
    require(user, "review_risk", risk)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    review = RiskReview(risk=risk, reviewed_on=reviewed_on, likelihood=likelihood, impact=impact, note=note,
                        previous_likelihood=risk.current_likelihood, previous_impact=risk.current_impact,
                        reviewed_by=user)
    review.full_clean()
    review.save()
    risk.current_likelihood, risk.current_impact = likelihood, impact
    risk.next_review_on = next_review_on
    risk.full_clean()
    risk.save()
    return review


def latest_movement(risk: Risk) -> str:
    review = risk.reviews.order_by("-reviewed_on", "-id").first()
    return review.movement if review else "Not reviewed yet"


def risks_needing_attention(risks, today) -> tuple[list[Risk], list[Risk]]:
    """(open risks above appetite, open risks past their review date)."""
    open_risks = [r for r in risks if r.state == Risk.State.OPEN]
    return ([r for r in open_risks if r.above_appetite], [r for r in open_risks if r.review_overdue(today)])
