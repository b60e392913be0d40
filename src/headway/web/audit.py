"""Writing the audit log: every view of children's records, every export, every refusal,
every sign-in and every change to a user (security.md P-7, P-8; ASVS 16).

Records hold who, when (UTC), what, the filters used and which children; never a
child's details beyond the pseudonymous ID. The log is append-only (models.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from headway.web.models import AuditedChild, AuditEvent

log = logging.getLogger(__name__)
MAX_TEXT = {"what": 300, "detail": 500, "roles": 300, "username": 150}


def _clip(name: str, value: str) -> str:
    limit = MAX_TEXT[name]
    return value if len(value) <= limit else value[: limit - 1] + "…"


def record(request, action: str, what: str, detail: str = "", child_ids: Iterable[str] = (),
           row_count: int | None = None, username: str | None = None) -> AuditEvent:
    """Add one event (and the children it showed) to the log."""
    access = getattr(request, "access", None)
    children = list(dict.fromkeys(child_ids))  # each child once, in the order shown
    with transaction.atomic():
        event = AuditEvent.objects.create(
            user_id_at_the_time=getattr(access, "user_id", None),
            username=_clip("username", username if username is not None else getattr(access, "username", "")),
            roles=_clip("roles", ", ".join(sorted(getattr(access, "roles", ())))),
            action=action, what=_clip("what", what), detail=_clip("detail", detail),
            row_count=row_count if row_count is not None else (len(children) or None),
        )
        AuditedChild.objects.bulk_create([AuditedChild(event=event, child_id=c) for c in children])
    return event


def record_view(request, what: str, child_ids: Iterable[str], detail: str = "") -> AuditEvent:
    return record(request, AuditEvent.VIEW, what, detail or request.get_full_path(), child_ids)


def record_export(request, what: str, child_ids: Iterable[str], detail: str = "") -> AuditEvent:
    return record(request, AuditEvent.EXPORT, what, detail or request.get_full_path(), child_ids)


def record_denial(request, what: str) -> AuditEvent:
    log.warning("refused %s to %s", what, getattr(getattr(request, "access", None), "username", "?"))
    return record(request, AuditEvent.DENIED, what, request.get_full_path())
