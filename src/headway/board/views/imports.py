"""Import from Excel: upload, match the columns if the layout needs it, see the problems or a
preview, confirm. Analysts only.

The uploaded workbook is kept, until it is imported or replaced, in a private folder of the
workspace (workspace/board-import/, files 0600, random names, no URL), so the analyst can
match its columns on the mapping page without uploading it again.
"""

from __future__ import annotations

import io
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from headway.board import importer
from headway.board.forms import ImportForm
from headway.board.import_spec import SHEETS, template_workbook
from headway.board.permissions import board_view

SESSION_KEY = "board_import"
FILE_KEY = "board_import_file"
MAPPING_KEY = "board_import_mapping"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEEP_SECONDS = 24 * 3600  # a workbook nobody confirmed is deleted after a day
NOT_IN_WORKBOOK = ""


# --- the kept workbook ---------------------------------------------------------------------
def kept_folder() -> Path:
    folder = Path(settings.HEADWAY_SETTINGS.workspace) / "board-import"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep_workbook(request, data: bytes) -> None:
    forget_workbook(request)
    for old in kept_folder().glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    path = kept_folder() / f"{token}.xlsx"
    path.touch(mode=0o600)
    path.write_bytes(data)
    request.session[FILE_KEY] = token


def kept_workbook(request) -> bytes | None:
    token = request.session.get(FILE_KEY, "")
    path = kept_folder() / f"{token}.xlsx"
    return path.read_bytes() if token.isalnum() and path.is_file() else None


def forget_workbook(request) -> None:
    token = request.session.pop(FILE_KEY, "")
    if token.isalnum():
        (kept_folder() / f"{token}.xlsx").unlink(missing_ok=True)
    request.session.pop(MAPPING_KEY, None)


# --- pages -----------------------------------------------------------------------------------
def import_page(request, form, problems=(), can_map: bool = False):
    return render(request, "board/import.html",
                  {"form": form, "sheets": SHEETS, "problems": [str(p) for p in problems], "can_map": can_map})


def checked(request, data: bytes, mapping: importer.Mapping):
    """Read and check the kept workbook: the problems (with the way to the mapping page), or the preview."""
    upload, problems = importer.read_workbook(io.BytesIO(data), mapping)
    preview = None
    if not problems:
        preview, problems = importer.check(upload)
    if problems:
        request.session.pop(SESSION_KEY, None)
        could_open = not any(p.sheet == "(workbook)" and "could not be opened" in p.message for p in problems)
        return import_page(request, ImportForm(), problems, can_map=could_open)
    request.session[SESSION_KEY] = upload.to_json()
    return render(request, "board/import_preview.html", {"preview": preview, "ignored": upload.ignored})


@require_http_methods(["GET", "HEAD", "POST"])
@board_view("import")
def import_upload(request):
    if request.method != "POST":
        return import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return import_page(request, form)
    data = form.cleaned_data["workbook"].read()
    keep_workbook(request, data)
    return checked(request, data, importer.Mapping())


def posted_mapping(request, layouts) -> tuple[importer.Mapping, bool]:
    """The mapping the analyst chose, and whether they switched a sheet to another worksheet
    (then its columns are offered again rather than checked)."""
    mapping, switched = importer.Mapping(), False
    for item in layouts:
        key = item.sheet.key
        worksheet = request.POST.get(f"sheet-{key}", item.worksheet)
        mapping.sheets[key] = worksheet if worksheet in item.worksheets else NOT_IN_WORKBOOK
        if mapping.sheets[key] != item.worksheet:
            switched = True
            continue
        chosen = {}
        for column in item.sheet.columns:
            heading = request.POST.get(f"column-{key}-{column.key}", NOT_IN_WORKBOOK)
            chosen[column.key] = heading if heading in item.headings else NOT_IN_WORKBOOK
        mapping.columns[key] = chosen
    return mapping, switched


@require_http_methods(["GET", "HEAD", "POST"])
@board_view("import")
def import_columns(request):
    """The column-mapping step: which worksheet is which sheet, and which heading is which column."""
    data = kept_workbook(request)
    if data is None:
        return import_page(request, ImportForm(), [importer.Problem(
            "(workbook)", "Upload the workbook first, then match its columns here.")])
    mapping = importer.Mapping.from_json(request.session.get(MAPPING_KEY))
    layouts = importer.layout(io.BytesIO(data), mapping)
    if request.method == "POST":
        mapping, switched = posted_mapping(request, layouts)
        request.session[MAPPING_KEY] = mapping.to_json()
        if not switched:
            return checked(request, data, mapping)
        layouts = importer.layout(io.BytesIO(data), mapping)
    return render(request, "board/import_columns.html", {"layouts": layouts})


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
        forget_workbook(request)
    return render(request, "board/import_done.html", {"preview": preview})


@require_safe
@board_view("import")
def import_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="headway-board-import-template.xlsx"'
    return response
