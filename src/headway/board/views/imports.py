"""Import from Excel: upload, see the problems or a preview, confirm. Analysts only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from headway.board import importer
from headway.board.forms import ImportForm
from headway.board.import_spec import SHEETS, template_workbook
from headway.board.permissions import board_view

SESSION_KEY = "board_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_page(request, form, problems=()):
    return render(request, "board/import.html",
                  {"form": form, "sheets": SHEETS, "problems": [str(p) for p in problems]})


@require_http_methods(["GET", "HEAD", "POST"])
@board_view("import")
def import_upload(request):
    if request.method != "POST":
        return import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return import_page(request, form)
    upload, problems = importer.read_workbook(form.cleaned_data["workbook"])
    preview = None
    if not problems:
        preview, problems = importer.check(upload)
    if problems:
        request.session.pop(SESSION_KEY, None)
        return import_page(request, ImportForm(), problems)
    request.session[SESSION_KEY] = upload.to_json()
    return render(request, "board/import_preview.html", {"preview": preview, "ignored": upload.ignored})


@require_POST
@board_view("import")
def import_confirm(request):
    data = request.session.get(SESSION_KEY)
    if not data:
        return redirect("board:import_upload")
    try:
        preview = importer.save(importer.Upload.from_json(data), request.user)
    except importer.ImportRefused as refused:
        return import_page(request, ImportForm(), refused.problems)
    finally:
        request.session.pop(SESSION_KEY, None)
    return render(request, "board/import_done.html", {"preview": preview})


@require_safe
@board_view("import")
def import_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="headway-board-import-template.xlsx"'
    return response
