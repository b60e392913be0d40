"""The plan: the board's home page, the plan by theme, one action, and keeping the plan."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from headway.board import catalogue, evidence, forms
from headway.board.models import Action, Evidence, KeyArea, OfstedPoint, PositionStatement, Risk, Status, Theme
from headway.board.permissions import board_view, can, require
from headway.board.rag import approved_rating, is_overdue, officer_rating, today
from headway.board.risks import risks_needing_attention
from headway.board.views.common import (edit_page, history_for, history_rows, permissions_for, person,
                                        saving_with)

FORM_METHODS = ["GET", "HEAD", "POST"]


def rating_for(user, action, on):
    """Officers see the officer's rating; members see the approved one (both Red when overdue)."""
    return officer_rating(action, on) if can(user, "view_internal") else approved_rating(action, on)


def action_row(user, action, on) -> dict:
    return {"action": action, "officer": person(action.accountable_officer), "rating": rating_for(user, action, on),
            "overdue": is_overdue(action, on), "url": reverse("board:action_detail", args=[action.pk])}


def plan_actions():
    return Action.objects.select_related("theme", "key_area", "accountable_officer").order_by("reference")


@require_safe
@board_view("view_board")
def home(request):
    on = today()
    rows = [action_row(request.user, a, on) for a in plan_actions()]
    counts = {word: sum(1 for r in rows if r["rating"].word == word) for word in ("Red", "Amber", "Green", "Not rated")}
    context = {
        "counts": counts, "total": len(rows),
        "overdue": [r for r in rows if r["overdue"]],
        "mine": [r for r in rows if r["action"].accountable_officer_id == request.user.pk],
        "can": permissions_for(request.user),
    }
    if can(request.user, "view_internal"):
        above, past = risks_needing_attention(Risk.objects.select_related("category"), on)
        context.update(risks_above=above, risks_past=past)
    if can(request.user, "see_approvals"):
        newest = (v for v in (s.latest_version() for s in PositionStatement.objects.all()) if v is not None)
        context["drafts_waiting"] = sum(1 for version in newest if not version.is_approved)
    return render(request, "board/home.html", context)


@require_safe
@board_view("view_board")
def plan(request):
    on = today()
    rows = [action_row(request.user, a, on) for a in plan_actions()]
    themes = [{"theme": theme, "rows": [r for r in rows if r["action"].theme_id == theme.pk]}
              for theme in Theme.objects.all()]
    return render(request, "board/plan.html", {"themes": themes, "key_areas": KeyArea.objects.all(),
                                               "can": permissions_for(request.user), "today": on})


def statements_visible_to(user, subject) -> list[dict]:
    """Each statement on an action or key area with the version this user may see: the newest
    (officers), the newest approved (members)."""
    internal = can(user, "view_internal")
    shown = []
    for statement in subject.statements.all():
        version = statement.latest_version() if internal else statement.latest_approved()
        if version is not None:
            shown.append({"statement": statement, "version": version,
                          "approved": statement.latest_approved(),
                          "url": reverse("board:statement_detail", args=[statement.pk])})
    return shown


@require_safe
@board_view("view_board")
def action_detail(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("theme", "key_area", "accountable_officer"), pk=pk)
    internal = can(request.user, "view_internal")
    titles = catalogue.titles()
    context = {
        "action": action, "officer": person(action.accountable_officer),
        "rating": rating_for(request.user, action, today()), "overdue": is_overdue(action, today()),
        "milestones": action.milestones.all(), "evidence": action.evidence.all() if internal else [],
        "ofsted_points": action.ofsted_points.all(),
        "measures": [(mid, titles.get(mid, "Not in the catalogue")) for mid in action.measure_ids],
        "mitigations": action.mitigations.select_related("risk") if internal else [],
        "statements": statements_visible_to(request.user, action),
        "history": history_rows(history_for(action, *action.milestones.all(), *action.linked_measures.all(),
                                            *action.evidence.all())) if internal else [],
        "can": permissions_for(request.user, update_action=action, write_statement=action),
    }
    return render(request, "board/action_detail.html", context)


# --- keeping the plan (analysts) -------------------------------------------------------
@require_http_methods(FORM_METHODS)
@board_view("manage_plan")
def action_create(request):
    return edit_page(request, forms.ActionForm, title="Add an action", back_url=reverse("board:plan"),
                     done_url=lambda a: reverse("board:action_detail", args=[a.pk]))


@require_http_methods(FORM_METHODS)
@board_view("manage_plan")
def action_edit(request, pk: int):
    action = get_object_or_404(Action, pk=pk)
    url = reverse("board:action_detail", args=[pk])
    return edit_page(request, forms.ActionForm, instance=action, title=f"Change action {action.reference}",
                     back_url=url, done_url=url)


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def action_update(request, pk: int):
    """The accountable officer's update: status, RAG and its reason, next review."""
    action = get_object_or_404(Action, pk=pk)
    require(request.user, "update_action", action)
    url = reverse("board:action_detail", args=[pk])
    old_rag, old_reason = action.officer_rag, action.rag_reason

    def save(form):
        updated = form.save(commit=False)
        if (updated.officer_rag, updated.rag_reason) != (old_rag, old_reason):
            updated.rag_set_by, updated.rag_set_at = request.user, timezone.now()
        if updated.status != Status.COMPLETE:
            updated.completed_on = None
        updated.save()
        return updated

    return edit_page(request, forms.ActionUpdateForm, instance=action, save=save, back_url=url, done_url=url,
                     title=f"Update action {action.reference}", caption=action.title)


def child_of_action(request, pk: int, form_class, title: str, instance=None, upload: bool = False, **values):
    """Add or change a milestone or a piece of evidence on an action the user may update."""
    action = get_object_or_404(Action, pk=pk)
    require(request.user, "update_action", action)
    url = reverse("board:action_detail", args=[pk])
    return edit_page(request, form_class, instance=instance, save=saving_with(action=action, **values), title=title,
                     caption=str(action), back_url=url, done_url=url, upload=upload)


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def milestone_create(request, pk: int):
    return child_of_action(request, pk, forms.MilestoneForm, "Add a milestone")


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def milestone_edit(request, pk: int, milestone_pk: int):
    action = get_object_or_404(Action, pk=pk)
    milestone = get_object_or_404(action.milestones, pk=milestone_pk)
    return child_of_action(request, pk, forms.MilestoneForm, "Change a milestone", instance=milestone)


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def evidence_create(request, pk: int):
    return child_of_action(request, pk, forms.EvidenceForm, "Add evidence", upload=True, added_by=request.user)


@require_safe
@board_view("view_internal")
def evidence_download(request, pk: int, evidence_pk: int):
    """An uploaded file, to those who may see the action's evidence, as an attachment that
    the browser must not sniff or run (headway.board.evidence)."""
    item = get_object_or_404(Evidence, pk=evidence_pk, action_id=pk)
    if not item.file:
        raise Http404("This evidence is a link, not a file")
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file_name or item.file.name,
                            content_type=evidence.content_type(item.file.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- themes, key areas, Ofsted points --------------------------------------------------
def simple_edit(request, form_class, model, pk, noun: str, back: str):
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    title = f"Change {noun}" if instance else f"Add {noun}"
    return edit_page(request, form_class, instance=instance, title=title, back_url=reverse(back),
                     done_url=reverse(back))


@require_http_methods(FORM_METHODS)
@board_view("manage_plan")
def theme_edit(request, pk: int | None = None):
    return simple_edit(request, forms.ThemeForm, Theme, pk, "a theme", "board:plan")


@require_http_methods(FORM_METHODS)
@board_view("manage_plan")
def key_area_edit(request, pk: int | None = None):
    return simple_edit(request, forms.KeyAreaForm, KeyArea, pk, "a key area", "board:plan")


@require_safe
@board_view("view_board")
def key_area_detail(request, pk: int):
    """A key area of the plan: its accountable officer, its actions and its position statements."""
    area = get_object_or_404(KeyArea.objects.select_related("accountable_officer"), pk=pk)
    on = today()
    return render(request, "board/key_area_detail.html", {
        "area": area, "officer": person(area.accountable_officer),
        "rows": [action_row(request.user, a, on) for a in plan_actions().filter(key_area=area)],
        "statements": statements_visible_to(request.user, area),
        "history": history_rows(history_for(area)) if can(request.user, "view_internal") else [],
        "can": permissions_for(request.user, write_statement=area)})


@require_http_methods(FORM_METHODS)
@board_view("manage_plan")
def ofsted_edit(request, pk: int | None = None):
    return simple_edit(request, forms.OfstedPointForm, OfstedPoint, pk, "an Ofsted point", "board:ofsted_list")


@require_safe
@board_view("view_board")
def ofsted_list(request):
    points = OfstedPoint.objects.prefetch_related("actions")
    return render(request, "board/ofsted_list.html", {"points": points, "can": permissions_for(request.user)})
