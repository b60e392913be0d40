"""Evidence files: uploaded through the action's page, stored outside the web root under a
random name, checked by kind, content and size, and sent back only to those allowed."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.board_fixtures import board_app, board_db, client_for, make_action, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def office_file(folder: str, *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
        if macros:
            archive.writestr(f"{folder}vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def upload(client, action, name: str, content: bytes, **fields):
    data = {"title": "Audit report", "url": "", **fields}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    return client.post(f"/board/actions/{action.pk}/evidence/new/", data)


def test_an_uploaded_file_is_stored_outside_the_web_root_under_a_random_name(people):
    from django.conf import settings

    from headway.board.models import Evidence

    action = make_action(people["officer"])
    response = upload(client_for(people["officer"]), action, "../../Board report March.pdf", PDF)
    assert response.status_code == 302
    item = Evidence.objects.get(action=action)
    folder = Path(settings.HEADWAY_SETTINGS.workspace) / "board-evidence"
    stored = Path(item.file.path)
    assert stored.parent == folder and stored.read_bytes() == PDF
    assert "Board report" not in stored.name and stored.suffix == ".pdf"  # the uploader's name is not used
    assert (item.file_name, item.file_size) == ("Board report March.pdf", len(PDF))
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    with pytest.raises(ValueError):
        item.file.url  # no URL maps to the folder: files go out only through the checked view
    for address in (f"/board-evidence/{stored.name}", f"/media/{stored.name}", f"/{stored.name}"):
        assert client_for(people["analyst"]).get(address).status_code == 404, address


def test_the_file_goes_back_as_an_attachment_to_inside_roles_only(people):
    action = make_action(people["officer"])
    upload(client_for(people["officer"]), action, "report.pdf", PDF)
    from headway.board.models import Evidence

    item = Evidence.objects.get(action=action)
    address = f"/board/actions/{action.pk}/evidence/{item.pk}/file/"
    response = client_for(people["chair"]).get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert client_for(people["member"]).get(address).status_code == 403
    other = make_action(people["officer"], "9.9")  # the file is only found under its own action
    assert client_for(people["chair"]).get(f"/board/actions/{other.pk}/evidence/{item.pk}/file/").status_code == 404
    page = client_for(people["chair"]).get(f"/board/actions/{action.pk}/").content.decode()
    assert address in page and "report.pdf" in page


@pytest.mark.parametrize("name, content, message", [
    ("report.exe", b"MZ\x90\x00", "Choose a PDF, Word (.docx)"),
    ("report.html", b"<html><script>alert(1)</script>", "Choose a PDF, Word (.docx)"),
    ("report.pdf", b"<html><script>alert(1)</script>", "content is not a .pdf file"),
    ("report.docx", PDF, "content is not a .docx file"),
    ("report.docx", office_file("xl/"), "not a real .docx file"),
    ("report.xlsx", office_file("xl/", macros=True), "contains macros"),
    ("report.pdf", b"", "The submitted file is empty"),
])
def test_files_of_the_wrong_kind_are_refused_and_nothing_is_saved(people, name, content, message):
    from headway.board.models import Evidence, HistoryEntry

    action = make_action(people["officer"])
    before = HistoryEntry.objects.count()
    response = upload(client_for(people["officer"]), action, name, content)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Evidence.objects.exists() and HistoryEntry.objects.count() == before


def test_a_file_too_big_is_refused(people, monkeypatch):
    from headway.board import evidence
    from headway.board.models import Evidence

    monkeypatch.setattr(evidence, "MAX_BYTES", 40)
    response = upload(client_for(people["officer"]), make_action(people["officer"]), "big.pdf", PDF)
    assert "must be smaller than" in response.content.decode() and not Evidence.objects.exists()


def test_a_real_office_file_is_accepted(people):
    from headway.board.models import Evidence

    response = upload(client_for(people["officer"]), make_action(people["officer"]), "plan.docx",
                      office_file("word/"))
    assert response.status_code == 302
    assert Evidence.objects.get().file_name == "plan.docx"


def test_evidence_is_a_link_or_a_file_not_both_nor_neither(people):
    from headway.board.models import Evidence

    action = make_action(people["officer"])
    client = client_for(people["officer"])
    both = upload(client, action, "report.pdf", PDF, url="https://intranet.example.org/report")
    assert "not both" in both.content.decode()
    neither = upload(client, action, "", None)
    assert "Give a link starting https:// or upload a file" in neither.content.decode()
    assert not Evidence.objects.exists()
    assert upload(client, action, "", None, url="https://intranet.example.org/r").status_code == 302


def test_only_those_who_may_update_the_action_upload(people):
    from headway.board.models import Evidence

    action = make_action(people["officer"])
    assert upload(client_for(people["other_officer"]), action, "r.pdf", PDF).status_code == 403
    assert upload(client_for(people["member"]), action, "r.pdf", PDF).status_code == 403
    assert not Evidence.objects.exists()
