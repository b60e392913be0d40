"""Feedback from children and families: a summary by team and by subject, the entries,
and a form to record one. Never shown to members: it is never published. Managers see
feedback for the teams in their scope only (headway.board.scope)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from headway.board import forms
from headway.board.feedback import free_text_on, summary
from headway.board.models import Feedback
from headway.board.permissions import board_view, can
from headway.board.scope import team_choices, team_records_for
from headway.board.views.common import edit_page, permissions_for, saving_with

FORM_METHODS = ["GET", "HEAD", "POST"]


@require_safe
@board_view("view_feedback")
def feedback_list(request):
    entries = list(team_records_for(request, Feedback.objects.select_related("themed_audit")))
    return render(request, "board/feedback.html", {
        "entries": entries, "by_team": summary(entries, lambda e: e.team),
        "by_subject": summary(entries, lambda e: e.get_about_display()),
        # words are shown only while the council keeps free text, and only to child-level roles
        "show_words": free_text_on() and can(request.user, "read_feedback_words"),
        "can": permissions_for(request.user)})


@require_http_methods(FORM_METHODS)
@board_view("record_feedback")
def feedback_create(request):
    url = reverse("board:feedback")
    allowed = free_text_on()
    intro = ("Record the answers only. Free text is switched on for this council: write only what they said "
             "about the service." if allowed else
             "Record the answers only. This council does not keep feedback in people's own words.")
    return edit_page(request, forms.FeedbackForm, form_kwargs={"free_text": allowed, "teams": team_choices(request)},
                     save=saving_with(recorded_by=request.user), title="Record feedback from a child or family",
                     back_url=url, done_url=url, intro=intro)
