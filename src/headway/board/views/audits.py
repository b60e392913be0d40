"""Quality assurance: the audit programme, grades over time, and case audit records.

Case audit records name a child by pseudonymous ID, so only roles allowed
child-level data (roles.CHILD_LEVEL_ROLES) see them; the board chair sees the
programme and the grades over time, never the records. Everything tied to a team
(records, rota lines, grades over time) is shown only for the teams in the user's
scope (headway.board.scope, which applies headway.web.access).
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from headway.board import forms
from headway.board.audit_summary import by_team, by_theme, grades_over_time
from headway.board.models import CaseAudit, RotaSlot, ThemedAudit
from headway.board.permissions import board_view, require
from headway.board.scope import case_audits_for, org_tree, team_choices, team_records_for
from headway.board.views.common import edit_page, history_for, history_rows, permissions_for, person

FORM_METHODS = ["GET", "HEAD", "POST"]


@require_safe
@board_view("view_audit_summary")
def audits_home(request):
    org = org_tree()
    audits = list(team_records_for(request, CaseAudit.objects.select_related("themed_audit"), org))
    team_quarters, team_rows = grades_over_time(audits, by_team)
    theme_quarters, theme_rows = grades_over_time(audits, by_theme)
    rota = team_records_for(request, RotaSlot.objects.select_related("auditor"), org)
    return render(request, "board/audits.html", {
        "themed": ThemedAudit.objects.select_related("lead"),
        "rota": [{"slot": s, "auditor": person(s.auditor)} for s in rota],
        "team_quarters": team_quarters, "team_rows": team_rows,
        "theme_quarters": theme_quarters, "theme_rows": theme_rows,
        "count": len(audits), "can": permissions_for(request.user),
    })


@require_safe
@board_view("view_case_audits")
def case_audit_list(request):
    audits = case_audits_for(request, CaseAudit.objects.select_related("auditor", "themed_audit"))
    return render(request, "board/case_audits.html", {
        "rows": [{"audit": a, "auditor": person(a.auditor), "url": reverse("board:case_audit_detail", args=[a.pk])}
                 for a in audits], "can": permissions_for(request.user)})


def case_audit_in_scope(request, pk: int, records=CaseAudit.objects) -> CaseAudit:
    """The audit, or 404 (logged) if it does not exist or is outside the user's scope: the
    same answer for both, so nobody learns which audits exist outside their scope."""
    audit = case_audits_for(request, records.filter(pk=pk)).first()
    if audit is None:
        from headway.web.audit import record_denial

        record_denial(request, f"case audit {pk}")
        raise Http404("No such case audit")
    return audit


@require_safe
@board_view("view_case_audits")
def case_audit_detail(request, pk: int):
    audit = case_audit_in_scope(request, pk, CaseAudit.objects.select_related("auditor", "themed_audit",
                                                                               "follows_up"))
    grades = audit.grades.all()
    return render(request, "board/case_audit_detail.html", {
        "audit": audit, "auditor": person(audit.auditor), "grades": grades,
        "follow_ups": case_audits_for(request, audit.follow_ups.all()),
        "history": history_rows(history_for(audit, *grades)),
        "can": permissions_for(request.user, edit_case_audit=audit)})


def save_case_audit(request, form):
    with transaction.atomic():
        audit = form.save(commit=False)
        if not audit.auditor_id:
            audit.auditor = request.user
        audit.save()
        form.save_grades(audit)
    return audit


def case_audit_form_kwargs(request) -> dict:
    """Teams to choose from and earlier audits to follow up: only those in the user's scope."""
    org = org_tree()
    return {"teams": team_choices(request, org), "earlier": case_audits_for(request, CaseAudit.objects.all(), org)}


@require_http_methods(FORM_METHODS)
@board_view("record_audit")
def case_audit_create(request):
    return edit_page(request, forms.CaseAuditForm, save=lambda form: save_case_audit(request, form),
                     form_kwargs=case_audit_form_kwargs(request),
                     title="Record a case audit", back_url=reverse("board:case_audit_list"),
                     done_url=lambda a: reverse("board:case_audit_detail", args=[a.pk]),
                     intro="Name the child only by their pseudonymous ID: never a name, UPN or NHS number.")


@require_http_methods(FORM_METHODS)
@board_view("record_audit")
def case_audit_edit(request, pk: int):
    audit = case_audit_in_scope(request, pk)
    require(request.user, "edit_case_audit", audit)
    url = reverse("board:case_audit_detail", args=[pk])
    return edit_page(request, forms.CaseAuditForm, instance=audit, save=lambda form: save_case_audit(request, form),
                     form_kwargs=case_audit_form_kwargs(request),
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
    org = org_tree()
    return edit_page(request, forms.RotaSlotForm, form_kwargs={"teams": team_choices(request, org), "org": org},
                     title="Add to the audit rota", back_url=url, done_url=url)
