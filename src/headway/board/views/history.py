"""The history of every change, newest first. Read-only: there is no way to change it here."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from headway.board.models import HistoryEntry
from headway.board.permissions import board_view, can
from headway.board.views.common import history_rows

PAGE_SIZE = 50
# History of case audits holds pseudonymous child IDs: only roles allowed child-level data see it.
CHILD_LEVEL_MODELS = ("board.caseaudit", "board.domaingrade")


def visible_history(user):
    entries = HistoryEntry.objects.all()
    if not can(user, "view_case_audits"):
        entries = entries.exclude(model__in=CHILD_LEVEL_MODELS)
    return entries


@require_safe
@board_view("view_internal")
def history_list(request):
    entries = visible_history(request.user)
    kinds = sorted(set(entries.values_list("model", flat=True)))
    kind = request.GET.get("kind", "")
    if kind in kinds:
        entries = entries.filter(model=kind)
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "board/history.html", {"page": page, "rows": history_rows(page.object_list),
                                                  "kinds": kinds, "kind": kind})
