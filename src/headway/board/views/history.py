"""The history of every change, newest first. Read-only: there is no way to change it here."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from headway.board.models import CaseAudit, DomainGrade, Feedback, HistoryEntry, RotaSlot
from headway.board.permissions import board_view, can
from headway.board.scope import audit_teams, org_tree, record_teams, within
from headway.board.views.common import history_rows

PAGE_SIZE = 50
# History of case audits holds pseudonymous child IDs: only roles allowed child-level data see it.
CHILD_LEVEL_MODELS = ("board.caseaudit", "board.domaingrade")


# Team-tied records: a manager sees their history only for the teams in their scope.
TEAM_TIED = (("board.caseaudit", CaseAudit, "team_unit", audit_teams),
             ("board.domaingrade", DomainGrade, "audit__team_unit", audit_teams),
             ("board.rotaslot", RotaSlot, "team_unit", record_teams),
             ("board.feedback", Feedback, "team_unit", record_teams))


def out_of_scope(request, org) -> Q:
    """History entries of team-tied records outside the user's scope. A deleted record's
    entries count as outside: only authority-wide users see them."""
    hidden = Q(pk__in=[])
    for label, model, field, teams_of in TEAM_TIED:
        teams = teams_of(request, org)
        if teams is not None:
            kept = within(model.objects.all(), teams, field).values_list("pk", flat=True)
            hidden |= Q(model=label) & ~Q(object_id__in=[str(pk) for pk in kept])
    return hidden


def visible_history(request):
    user = request.user
    entries = HistoryEntry.objects.all()
    if not can(user, "view_case_audits"):
        entries = entries.exclude(model__in=CHILD_LEVEL_MODELS)
    return entries.exclude(out_of_scope(request, org_tree()))


@require_safe
@board_view("view_internal")
def history_list(request):
    entries = visible_history(request)
    kinds = sorted(set(entries.values_list("model", flat=True)))
    kind = request.GET.get("kind", "")
    if kind in kinds:
        entries = entries.filter(model=kind)
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "board/history.html", {"page": page, "rows": history_rows(page.object_list),
                                                  "kinds": kinds, "kind": kind})
