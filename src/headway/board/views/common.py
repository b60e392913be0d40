"""Helpers every board view uses: form pages, history for a record, display text."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.shortcuts import redirect, render

from headway.board.models import HistoryEntry
from headway.board.permissions import can


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def form_page(request, form, *, title: str, back_url: str, caption: str = "", submit: str = "Save",
              intro: str = "", upload: bool = False, status: int | None = None):
    """A page with one form laid out the GOV.UK way (templates/board/form.html)."""
    context = {"form": form, "title": title, "back_url": back_url, "caption": caption, "submit": submit,
               "intro": intro, "upload": upload}
    return render(request, "board/form.html", context, status=status or 200)


def edit_page(request, form_class, *, title: str, back_url: str, done_url, instance=None, save=None,
              form_kwargs: dict | None = None, **page):
    """GET shows the form; a valid POST saves it (through `save(form)` if given) and redirects.

    done_url is a URL, or a function of the saved object giving one.
    """
    kwargs = dict(form_kwargs or {})
    if instance is not None:
        kwargs["instance"] = instance
    form = form_class(request.POST or None, request.FILES or None, **kwargs) if request.method == "POST" \
        else form_class(**kwargs)
    if request.method == "POST" and form.is_valid():
        saved = save(form) if save else form.save()
        return redirect(done_url(saved) if callable(done_url) else done_url)
    return form_page(request, form, title=title, back_url=back_url, **page)


def saving_with(**values):
    """A save(form) for edit_page that sets these fields (the parent record, who recorded
    it) on a new record before it is saved."""
    def save(form):
        record = form.save(commit=False)
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        form.save_m2m()
        return record

    return save


def history_for(*records) -> list[HistoryEntry]:
    """History entries for these records (newest first)."""
    query = Q(pk__in=[])
    for record in records:
        query |= Q(model=record._meta.label_lower, object_id=str(record.pk))
    return list(HistoryEntry.objects.filter(query).order_by("-at", "-id")[:200])


def field_label(model_label: str, name: str) -> str:
    """A field's own label (e.g. "RAG rating"), or its name made readable if the field is gone."""
    try:
        field = apps.get_model(model_label)._meta.get_field(name)
        label = str(field.verbose_name)
    except (LookupError, FieldDoesNotExist):
        label = name.replace("_", " ")
    return label[:1].upper() + label[1:]


def history_rows(entries) -> list[dict]:
    """Entries as rows for templates/board/_history.html."""
    return [{"entry": e, "changes": [(field_label(e.model, name), before, after)
                                     for name, (before, after) in sorted(e.changes.items())]}
            for e in entries]


def permissions_for(user, **records) -> dict:
    """What the page may offer this user, as {verb: bool}, for templates to show or hide buttons.

    Showing a button is only a courtesy: every view checks again on the server.
    """
    checks = {
        "manage_plan": None, "manage_risks": None, "run_meetings": None, "see_approvals": None,
        "view_internal": None, "write_commentary": None, "import": None, "view_case_audits": None,
        "record_audit": None, "manage_audit_programme": None, "view_audit_summary": None,
        "view_feedback": None, "record_feedback": None,
    }
    found = {verb: can(user, verb, obj) for verb, obj in checks.items()}
    for verb, record in records.items():
        found[verb] = can(user, verb, record)
    return found
