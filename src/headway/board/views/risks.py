"""The risk register: the list, the heat map, one risk, scoring and keeping the register."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from headway.board import forms
from headway.board.models import Risk, RiskCategory
from headway.board.permissions import board_view, require
from headway.board.rag import today
from headway.board.risk_matrix import current_matrix, heat_map
from headway.board.risks import latest_movement, record_review, risks_needing_attention
from headway.board.views.common import (edit_page, form_page, history_for, history_rows, permissions_for, person,
                                        saving_with)

FORM_METHODS = ["GET", "HEAD", "POST"]
SCORE_SETS = {"current": "Current scores", "inherent": "Inherent scores (before any mitigation)",
              "target": "Target scores"}


def risk_row(risk: Risk, matrix, on) -> dict:
    return {"risk": risk, "owner": person(risk.owner), "band": matrix.band(risk.current_score),
            "movement": latest_movement(risk), "overdue": risk.review_overdue(on),
            "url": reverse("board:risk_detail", args=[risk.pk])}


def all_risks():
    return Risk.objects.select_related("category", "owner").order_by("reference")


@require_safe
@board_view("view_internal")
def risk_list(request):
    on, matrix = today(), current_matrix()
    risks = list(all_risks())
    above, past = risks_needing_attention(risks, on)
    return render(request, "board/risk_list.html", {
        "rows": [risk_row(r, matrix, on) for r in risks],
        "above": [risk_row(r, matrix, on) for r in above], "past": [risk_row(r, matrix, on) for r in past],
        "categories": RiskCategory.objects.all(), "can": permissions_for(request.user),
    })


@require_safe
@board_view("view_internal")
def heat_map_view(request):
    scores = request.GET.get("scores", "current")
    if scores not in SCORE_SETS:
        scores = "current"
    matrix = current_matrix()
    open_risks = all_risks().filter(state=Risk.State.OPEN)
    return render(request, "board/heat_map.html", {
        "rows": heat_map(open_risks, matrix, scores), "matrix": matrix, "scores": scores,
        "score_sets": SCORE_SETS, "scores_label": SCORE_SETS[scores],
        "impacts": list(enumerate(matrix.impact_labels, start=1)),
        "count": len(open_risks),
    })


@require_safe
@board_view("view_internal")
def risk_detail(request, pk: int):
    risk = get_object_or_404(all_risks(), pk=pk)
    matrix = current_matrix()
    scores = [(name, getattr(risk, f"{key}_likelihood"), getattr(risk, f"{key}_impact"),
               getattr(risk, f"{key}_score"), matrix.band(getattr(risk, f"{key}_score")))
              for key, name in (("inherent", "Inherent"), ("current", "Current"), ("target", "Target"))]
    reviews = risk.reviews.select_related("reviewed_by")
    return render(request, "board/risk_detail.html", {
        "risk": risk, "owner": person(risk.owner), "scores": scores, "matrix": matrix,
        "reviews": reviews, "mitigations": risk.mitigations.select_related("action"),
        "overdue": risk.review_overdue(today()), "movement": latest_movement(risk),
        "history": history_rows(history_for(risk, *reviews, *risk.mitigations.all())),
        "can": permissions_for(request.user, review_risk=risk),
    })


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def risk_review(request, pk: int):
    """Score the risk again: its current likelihood and impact move on the heat map."""
    risk = get_object_or_404(Risk, pk=pk)
    require(request.user, "review_risk", risk)
    matrix = current_matrix()
    initial = {"reviewed_on": today(), "likelihood": risk.current_likelihood, "impact": risk.current_impact}
    form = forms.RiskReviewForm(request.POST or None, matrix=matrix, initial=initial) \
        if request.method == "POST" else forms.RiskReviewForm(matrix=matrix, initial=initial)
    if request.method == "POST" and form.is_valid():
        record_review(risk, request.user, **form.cleaned_data)
        return redirect(reverse("board:risk_detail", args=[pk]))
    return form_page(request, form, title="Review this risk", caption=str(risk), submit="Save the review",
                     back_url=reverse("board:risk_detail", args=[pk]))


@require_http_methods(FORM_METHODS)
@board_view("manage_risks")
def risk_edit(request, pk: int | None = None):
    risk = get_object_or_404(Risk, pk=pk) if pk is not None else None
    back = reverse("board:risk_detail", args=[pk]) if risk else reverse("board:risk_list")
    return edit_page(request, forms.RiskForm, instance=risk, title="Change the risk" if risk else "Add a risk",
                     back_url=back, done_url=lambda r: reverse("board:risk_detail", args=[r.pk]))


@require_http_methods(FORM_METHODS)
@board_view("manage_risks")
def mitigation_create(request, pk: int):
    risk = get_object_or_404(Risk, pk=pk)
    url = reverse("board:risk_detail", args=[pk])
    return edit_page(request, forms.MitigationForm, save=saving_with(risk=risk), title="Add a mitigation",
                     caption=str(risk), back_url=url, done_url=url)


@require_http_methods(FORM_METHODS)
@board_view("manage_risks")
def category_edit(request, pk: int | None = None):
    category = get_object_or_404(RiskCategory, pk=pk) if pk is not None else None
    url = reverse("board:risk_list")
    return edit_page(request, forms.RiskCategoryForm, instance=category, back_url=url, done_url=url,
                     title="Change the category" if category else "Add a risk category")
