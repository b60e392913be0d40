"""Meetings: the holding-to-account view, decisions arising, and the forward plan of deep dives."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from headway.board import forms
from headway.board.models import Action, DeepDive, Meeting, Status
from headway.board.permissions import board_view
from headway.board.rag import is_overdue, officer_rating, today
from headway.board.views.common import (edit_page, history_for, history_rows, permissions_for, person,
                                        saving_with)

FORM_METHODS = ["GET", "HEAD", "POST"]


def actions_for_review(meeting: Meeting) -> list[Action]:
    """Open actions due for review by the meeting date, or called to it; overdue first, then by due date."""
    due = Q(next_review_on__lte=meeting.date) | Q(pk__in=meeting.actions_called.values("pk"))
    actions = (Action.objects.filter(due).exclude(status=Status.COMPLETE)
               .select_related("accountable_officer", "theme").distinct())
    return sorted(actions, key=lambda a: (not is_overdue(a, meeting.date), a.due_date, a.reference))


def review_row(action: Action, on) -> dict:
    statement = action.statements.first()  # newest by date (model ordering)
    version = statement.latest_version() if statement else None
    return {"action": action, "officer": person(action.accountable_officer), "rating": officer_rating(action, on),
            "overdue": is_overdue(action, on), "statement": statement, "version": version,
            "url": reverse("board:action_detail", args=[action.pk]),
            "statement_url": reverse("board:statement_detail", args=[statement.pk]) if statement else ""}


@require_safe
@board_view("view_internal")
def meeting_list(request):
    on = today()
    meetings = Meeting.objects.all()
    return render(request, "board/meetings.html", {
        "upcoming": [m for m in meetings if m.date >= on], "past": [m for m in reversed(meetings) if m.date < on],
        "can": permissions_for(request.user)})


@require_safe
@board_view("view_internal")
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    decisions = meeting.decisions.select_related("action", "recorded_by")
    return render(request, "board/meeting_detail.html", {
        "meeting": meeting, "rows": [review_row(a, meeting.date) for a in actions_for_review(meeting)],
        "decisions": decisions, "deep_dives": meeting.deep_dives.select_related("action", "ofsted_point"),
        "history": history_rows(history_for(meeting, *decisions)), "can": permissions_for(request.user)})


@require_http_methods(FORM_METHODS)
@board_view("run_meetings")
def meeting_edit(request, pk: int | None = None):
    meeting = get_object_or_404(Meeting, pk=pk) if pk is not None else None
    return edit_page(request, forms.MeetingForm, instance=meeting,
                     title="Change the meeting" if meeting else "Add a meeting",
                     back_url=reverse("board:meeting_list"),
                     done_url=lambda saved: reverse("board:meeting_detail", args=[saved.pk]))


@require_http_methods(FORM_METHODS)
@board_view("run_meetings")
def decision_create(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    url = reverse("board:meeting_detail", args=[pk])
    return edit_page(request, forms.DecisionForm, save=saving_with(meeting=meeting, recorded_by=request.user),
                     title="Record a decision or action arising", caption=str(meeting), back_url=url, done_url=url)


@require_safe
@board_view("view_board")
def forward_plan(request):
    """Deep dives by meeting, from today on (members see this too: it is the committee's schedule)."""
    dives = (DeepDive.objects.filter(meeting__date__gte=today())
             .select_related("meeting", "action", "ofsted_point").order_by("meeting__date", "id"))
    return render(request, "board/forward_plan.html", {"dives": dives, "can": permissions_for(request.user)})


@require_http_methods(FORM_METHODS)
@board_view("run_meetings")
def deep_dive_create(request):
    url = reverse("board:forward_plan")
    return edit_page(request, forms.DeepDiveForm, title="Schedule a deep dive", back_url=url, done_url=url)
