"""Position statements and measure commentary: write, revise, read, approve."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from headway.board import catalogue, drafts, forms
from headway.board.models import (Action, CommentaryVersion, KeyArea, MeasureCommentary, PositionStatement,
                                  StatementVersion)
from headway.board.permissions import board_view, can, require
from headway.board.rag import today
from headway.board.views.common import form_page, history_for, history_rows, permissions_for, person

FORM_METHODS = ["GET", "HEAD", "POST"]


def text_form_page(request, form_class, *, write, title, caption, back_url, initial=None):
    """Show a statement or commentary form; on a valid POST call write(cleaned_data) and go to its page."""
    form = form_class(request.POST or None, initial=initial) if request.method == "POST" \
        else form_class(initial=initial)
    if request.method == "POST" and form.is_valid():
        version = write(form.cleaned_data)
        return redirect(thread_url(version.thread))
    return form_page(request, form, title=title, caption=caption, back_url=back_url, submit="Save as draft",
                     intro="Your words are saved as a draft. Members and the committee pack only see them "
                           "once the board chair or an analyst approves them.")


def thread_url(thread) -> str:
    if isinstance(thread, PositionStatement):
        return reverse("board:statement_detail", args=[thread.pk])
    return reverse("board:commentary_detail", args=[thread.pk])


def versions_visible_to(user, thread) -> list:
    """Officers see every version; members only the newest approved one (404 if none)."""
    if can(user, "view_internal"):
        return list(thread.versions.select_related("written_by", "approved_by").order_by("-number"))
    approved = thread.latest_approved()
    if approved is None:
        raise Http404("Nothing approved yet")
    return [approved]


def version_rows(user, versions) -> list[dict]:
    newest = max((v.number for v in versions), default=0)
    return [{"version": v, "writer": person(v.written_by), "approver": person(v.approved_by),
             "is_newest": v.number == newest, "may_approve": can(user, "approve", v) and v.number == newest}
            for v in versions]


# --- position statements ---------------------------------------------------------------
@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def statement_create(request, pk: int):
    action = get_object_or_404(Action, pk=pk)
    require(request.user, "write_statement", action)
    return text_form_page(
        request, forms.NewStatementForm, initial={"as_of": today(), "proposed_rag": action.officer_rag},
        write=lambda data: drafts.write_statement(action, data["as_of"], request.user, data),
        title="Write a position statement", caption=str(action),
        back_url=reverse("board:action_detail", args=[pk]))


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def key_area_statement_create(request, pk: int):
    area = get_object_or_404(KeyArea, pk=pk)
    require(request.user, "write_statement", area)
    return text_form_page(
        request, forms.NewStatementForm, initial={"as_of": today()},
        write=lambda data: drafts.write_statement(area, data["as_of"], request.user, data),
        title="Write a position statement for the key area", caption=f"Key area {area.name}",
        back_url=reverse("board:key_area_detail", args=[pk]))


def subject_page(statement) -> tuple[str, str]:
    """Where a statement belongs, and what to call it: its action's page, or its key area's."""
    if statement.action_id:
        action = statement.action
        return (reverse("board:action_detail", args=[action.pk]), f"Action {action.reference}: {action.title}")
    return reverse("board:key_area_detail", args=[statement.key_area_id]), f"Key area {statement.key_area.name}"


def revise_page(request, thread, form_class, title: str):
    """Revise a statement or commentary: the form starts from the newest version's words."""
    kind = drafts.KINDS[type(thread)]
    require(request.user, kind.revise_verb, thread)
    latest = thread.latest_version()
    initial = {name: getattr(latest, name) for name in kind.text_fields} if latest else {}
    return text_form_page(request, form_class, initial=initial,
                          write=lambda data: drafts.revise(thread, request.user, data),
                          title=title, caption=str(thread), back_url=thread_url(thread))


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def statement_revise(request, pk: int):
    statement = get_object_or_404(PositionStatement.objects.select_related("action", "key_area"), pk=pk)
    return revise_page(request, statement, forms.StatementTextForm, "Revise the position statement")


@require_safe
@board_view("view_board")
def statement_detail(request, pk: int):
    statement = get_object_or_404(PositionStatement.objects.select_related("action", "key_area"), pk=pk)
    versions = versions_visible_to(request.user, statement)
    internal = can(request.user, "view_internal")
    back_url, subject = subject_page(statement)
    return render(request, "board/statement_detail.html", {
        "statement": statement, "back_url": back_url, "subject": subject,
        "rows": version_rows(request.user, versions),
        "history": history_rows(history_for(statement, *versions)) if internal else [],
        "can": permissions_for(request.user, revise_statement=statement),
    })


def approve_view(request, version):
    """Approve a draft (POST only), then back to its page with the outcome."""
    require(request.user, "approve", version)
    try:
        drafts.approve(version, request.user)
    except ValidationError as problem:
        return render(request, "board/problem.html", {"message": problem.messages[0],
                                                      "back_url": thread_url(version.thread)}, status=409)
    return redirect(thread_url(version.thread) + "?approved=1")


@require_POST
@board_view("see_approvals")
def statement_approve(request, pk: int):
    return approve_view(request, get_object_or_404(StatementVersion.objects.select_related("statement"), pk=pk))


@require_safe
@board_view("see_approvals")
def approvals(request):
    """Drafts waiting for approval: the newest version of each thread, not written by this user."""
    def waiting(threads):
        rows = []
        for thread in threads:
            version = thread.latest_version()
            if version and not version.is_approved:
                rows.append({"thread": thread, "version": version, "writer": person(version.written_by),
                             "url": thread_url(thread), "may_approve": can(request.user, "approve", version)})
        return rows

    statements = PositionStatement.objects.select_related("action", "key_area").order_by("as_of")
    commentaries = MeasureCommentary.objects.order_by("period_end", "measure_id")
    return render(request, "board/approvals.html", {"statements": waiting(statements),
                                                    "commentaries": waiting(commentaries)})


# --- measure commentary ----------------------------------------------------------------
@require_safe
@board_view("view_board")
def commentary_list(request):
    internal = can(request.user, "view_internal")
    titles = catalogue.titles()
    rows = []
    for commentary in MeasureCommentary.objects.order_by("-period_end", "measure_id"):
        version = commentary.latest_version() if internal else commentary.latest_approved()
        if version is not None:
            rows.append({"commentary": commentary, "title": titles.get(commentary.measure_id, ""),
                         "version": version, "url": thread_url(commentary)})
    return render(request, "board/commentary_list.html", {"rows": rows, "can": permissions_for(request.user)})


@require_http_methods(FORM_METHODS)
@board_view("write_commentary")
def commentary_create(request):
    initial = {"measure_id": request.GET.get("measure", ""), "period_end": request.GET.get("period", "")}
    return text_form_page(
        request, forms.NewCommentaryForm, initial=initial,
        write=lambda data: drafts.write_commentary(data["measure_id"], data["period_end"], request.user, data),
        title="Write measure commentary", caption="What the figure shows, why, and what happens next",
        back_url=reverse("board:commentary_list"))


@require_http_methods(FORM_METHODS)
@board_view("view_internal")
def commentary_revise(request, pk: int):
    return revise_page(request, get_object_or_404(MeasureCommentary, pk=pk), forms.CommentaryTextForm,
                       "Revise the commentary")


@require_safe
@board_view("view_board")
def commentary_detail(request, pk: int):
    commentary = get_object_or_404(MeasureCommentary, pk=pk)
    versions = versions_visible_to(request.user, commentary)
    internal = can(request.user, "view_internal")
    return render(request, "board/commentary_detail.html", {
        "commentary": commentary, "title": catalogue.titles().get(commentary.measure_id, ""),
        "rows": version_rows(request.user, versions),
        "history": history_rows(history_for(commentary, *versions)) if internal else [],
        "can": permissions_for(request.user, revise_commentary=commentary),
    })


@require_POST
@board_view("see_approvals")
def commentary_approve(request, pk: int):
    return approve_view(request, get_object_or_404(CommentaryVersion.objects.select_related("commentary"), pk=pk))
