"""Uploaded evidence for an action, stored safely.

- Outside the web root: files live in workspace/board-evidence/ (mode 0700, files 0600)
  and no URL maps to that folder; they are sent only by the evidence_download view,
  which checks the user's permission first.
- Under a random name (a UUID and the checked extension), never the uploader's name,
  so a file name can't climb out of the folder or collide with another upload.
- Only the kinds of file a board uses (PDF, Word, Excel, PowerPoint, PNG, JPEG), checked
  by content as well as by extension; Office files with macros are refused; at most
  MAX_BYTES.
- Sent back as an attachment with its checked type and `nosniff`, so a browser never
  runs it in Headway's origin.

- Scanned for viruses by a ClamAV daemon when HEADWAY_CLAMD names one (headway.board.clamd):
  refused if clamd finds something or cannot give a verdict (fail closed). Without it
  there is no scan in Headway, and the council should scan at its gateway
  (docs/security.md).
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage

from headway.board import clamd

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
FOLDER = "board-evidence"
ZIP_MAGIC = b"PK\x03\x04"
OFFICE_FOLDER = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
KINDS = {  # extension -> (content type, what the file must start with)
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP_MAGIC),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP_MAGIC),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP_MAGIC),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
ALLOWED_WORDS = "a PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG or JPEG file"


class PrivateStorage(FileSystemStorage):
    """A folder with no URL: Django can never make a link straight to a file."""

    def url(self, name):
        raise ValueError("Evidence files have no URL: send them through the evidence_download view")


def evidence_storage() -> FileSystemStorage:
    """The workspace's evidence folder (Django calls this once, when the models load)."""
    location = Path(settings.HEADWAY_SETTINGS.workspace) / FOLDER
    return PrivateStorage(location=location, file_permissions_mode=0o600, directory_permissions_mode=0o700)


def stored_name(instance, filename: str) -> str:
    """A random name with the (already checked) extension: the uploader's name is kept in the record only."""
    return f"{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def content_type(name: str) -> str:
    return KINDS.get(Path(name).suffix.lower(), ("application/octet-stream", b""))[0]


def _office_problem(upload, extension: str) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return f"The file is not a real {extension} file: save it again from Office and upload that"
    finally:
        upload.seek(0)
    if not any(name.startswith(OFFICE_FOLDER[extension]) for name in names):
        return f"The file is not a real {extension} file: save it again from Office and upload that"
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "The file contains macros: save it without macros and upload that"
    return None


def check_upload(upload) -> None:
    """Refuse anything too big, of the wrong kind, or whose content does not match its name;
    then, where a ClamAV daemon is configured, anything it does not pass."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in KINDS:
        raise ValidationError(f"Choose {ALLOWED_WORDS}")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    if upload.size == 0:
        raise ValidationError("The file is empty")
    upload.seek(0)
    start = upload.read(16)
    upload.seek(0)
    if not start.startswith(KINDS[extension][1]):
        raise ValidationError(f"The file's content is not a {extension} file: choose {ALLOWED_WORDS}")
    if extension in OFFICE_FOLDER:
        problem = _office_problem(upload, extension)
        if problem:
            raise ValidationError(problem)
    scan_for_viruses(upload)


def scan_for_viruses(upload) -> None:
    """Stream the upload to clamd if one is configured; refuse it on a find or on no verdict."""
    address = getattr(settings, "HEADWAY_CLAMD", None)
    if address is None:
        return
    upload.seek(0)
    try:
        found = clamd.scan(address, iter(lambda: upload.read(clamd.CHUNK_BYTES), b""))
    except clamd.ClamdUnavailable as problem:
        log.error("evidence upload refused: %s", problem)
        raise ValidationError("The file could not be checked for viruses, so it was not saved. Try again later, "
                              "or tell the person who runs Headway") from problem
    finally:
        upload.seek(0)
    if found:
        log.warning("evidence upload refused: clamd found %s in %r", found, upload.name)
        raise ValidationError(f"The virus scanner found {found} in this file, so it was not saved")
