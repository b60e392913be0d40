"""Quality assurance: the audit programme, grades over time, and case audit records.

Case audit records name a child by pseudonymous ID, so only roles allowed
child-level data (roles.CHILD_LEVEL_ROLES) see them; the board chair sees the
programme and the grades over time, never the records.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from headway.board import forms
from headway.board.audit_summary import by_team, by_theme, grades_over_time
from headway.board.models import CaseAudit, RotaSlot, ThemedAudit
from headway.board.permissions import board_view, require
from headway.board.views.common import edit_page, history_for, history_rows, permissions_for, person

FORM_METHODS = ["GET", "HEAD", "POST"]


@require_safe
@board_view("view_audit_summary")
def audits_home(request):
    audits = list(CaseAudit.objects.select_related("themed_audit"))
    team_quarters, team_rows = grades_over_time(audits, by_team)
    theme_quarters, theme_rows = grades_over_time(audits, by_theme)
    return render(request, "board/audits.html", {
        "themed": ThemedAudit.objects.select_related("lead"),
        "rota": [{"slot": s, "auditor": person(s.auditor)} for s in RotaSlot.objects.select_related("auditor")],
        "team_quarters": team_quarters, "team_rows": team_rows,
        "theme_quarters": theme_quarters, "theme_rows": theme_rows,
        "count": len(audits), "can": permissions_for(request.user),
    })


@require_safe
@board_view("view_case_audits")
def case_audit_list(request):
    audits = CaseAudit.objects.select_related("auditor", "themed_audit")
    return render(request, "board/case_audits.html", {
        "rows": [{"audit": a, "auditor": person(a.auditor), "url": reverse("board:case_audit_detail", args=[a.pk])}
                 for a in audits], "can": permissions_for(request.user)})


@require_safe
@board_view("view_case_audits")
def case_audit_detail(request, pk: int):
    audit = get_object_or_404(CaseAudit.objects.select_related("auditor", "themed_audit", "follows_up"), pk=pk)
    grades = audit.grades.all()
    return render(request, "board/case_audit_detail.html", {
        "audit": audit, "auditor": person(audit.auditor), "grades": grades,
        "follow_ups": audit.follow_ups.all(), "history": history_rows(history_for(audit, *grades)),
        "can": permissions_for(request.user, edit_case_audit=audit)})


def save_case_audit(request, form):
    with transaction.atomic():
        audit = form.save(commit=False)
        if not audit.auditor_id:
            audit.auditor = request.user
        audit.save()
        form.save_grades(audit)
    return audit


@require_http_methods(FORM_METHODS)
@board_view("record_audit")
def case_audit_create(request):
    return edit_page(request, forms.CaseAuditForm, save=lambda form: save_case_audit(request, form),
                     title="Record a case audit", back_url=reverse("board:case_audit_list"),
                     done_url=lambda a: reverse("board:case_audit_detail", args=[a.pk]),
                     intro="Name the child only by their pseudonymous ID: never a name, UPN or NHS number.")


@require_http_methods(FORM_METHODS)
@board_view("record_audit")
def case_audit_edit(request, pk: int):
    audit = get_object_or_404(CaseAudit, pk=pk)
    require(request.user, "edit_case_audit", audit)
    url = reverse("board:case_audit_detail", args=[pk])
    return edit_page(request, forms.CaseAuditForm, instance=audit, save=lambda form: save_case_audit(request, form),
                     title="Change the case audit", back_url=url, done_url=url)


@require_http_methods(FORM_METHODS)
@board_view("manage_audit_programme")
def themed_audit_create(request):
    url = reverse("board:audits")
    return edit_page(request, forms.ThemedAuditForm, title="Plan a themed audit", back_url=url, done_url=url)


@require_http_methods(FORM_METHODS)
@board_view("manage_audit_programme")
def rota_create(request):
    url = reverse("board:audits")
    return edit_page(request, forms.RotaSlotForm, title="Add to the audit rota", back_url=url, done_url=url)
