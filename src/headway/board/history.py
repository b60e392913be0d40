"""Write a HistoryEntry for every change to a board record: who, when, what changed.

Signals catch every save and delete of a board model, whichever code path made it
(a view, the Excel import, a shell), so nothing escapes the history. The "who"
comes from acting_as(user), which the permission helper sets for each request
(permissions.board_view) and the importer sets for its run; a change made outside
both is recorded as "system".

Values are stored as text as a person reads them (a user's name, a choice's label,
a date as YYYY-MM-DD), so the history still reads right after the record is gone.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

SYSTEM = "system"
_actor: ContextVar = ContextVar("board_history_actor", default=None)


@contextmanager
def acting_as(user):
    """Attribute every change made inside the block to this user."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def tracked_models() -> list[type[models.Model]]:
    from django.apps import apps

    from headway.board.models import HistoryEntry

    return [m for m in apps.get_app_config("board").get_models() if m is not HistoryEntry]


def value_text(instance: models.Model, field: models.Field) -> str | None:
    if field.is_relation:
        related = getattr(instance, field.name)
        if related is None:
            return None
        if hasattr(related, "get_full_name"):  # a user: their name, and the username that signs in
            name = related.get_full_name()
            return f"{name} ({related.get_username()})" if name else related.get_username()
        return str(related)
    value = field.value_from_object(instance)
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def withheld_text(text: str | None) -> str | None:
    """What the history keeps of a withheld field (a model's `history_withheld`): that it had
    words, never the words (feedback's free text must not outlive the council's switch)."""
    return None if text is None else f"(withheld from the history: {len(text)} characters)"


def snapshot(instance: models.Model) -> dict[str, str | None]:
    withheld = getattr(instance, "history_withheld", ())
    return {f.name: withheld_text(value_text(instance, f)) if f.name in withheld else value_text(instance, f)
            for f in instance._meta.concrete_fields if not f.primary_key}


def record(instance: models.Model, change: str, changes: dict) -> None:
    from headway.board.models import HistoryEntry

    user = _actor.get()
    HistoryEntry.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        actor_name=user.get_username() if getattr(user, "pk", None) else SYSTEM,
        model=instance._meta.label_lower, object_id=str(instance.pk), object_repr=str(instance)[:300],
        change=change, changes=changes)


# --- signal handlers -------------------------------------------------------------
def remember_before(sender, instance, raw=False, **kwargs) -> None:
    before = None
    if instance.pk is not None and not raw:
        old = sender._default_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    instance._history_before = before


def record_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures: not a change anyone made
        return
    after = snapshot(instance)
    before = getattr(instance, "_history_before", None)
    if created or before is None:
        changes = {k: [None, v] for k, v in after.items() if v is not None}
        record(instance, "created", changes)
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        record(instance, "changed", changes)


def record_delete(sender, instance, **kwargs) -> None:
    record(instance, "deleted", {k: [v, None] for k, v in snapshot(instance).items() if v is not None})


def related_names(instance, field_name: str) -> list[str]:
    return sorted(str(o) for o in getattr(instance, field_name).all())


def record_many_to_many(field_name: str):
    """A handler for one many-to-many field (e.g. an action's Ofsted points)."""

    def handler(sender, instance, action, reverse, **kwargs):
        if reverse:  # changed from the other side: recorded against that record's own field
            return
        if action in ("pre_add", "pre_remove", "pre_clear"):
            instance._history_m2m_before = related_names(instance, field_name)
        elif action in ("post_add", "post_remove", "post_clear"):
            before = getattr(instance, "_history_m2m_before", [])
            after = related_names(instance, field_name)
            if before != after:
                record(instance, "changed", {field_name: ["; ".join(before) or None, "; ".join(after) or None]})

    return handler


_connected: list = []  # keep the m2m handlers alive (signals hold weak references)


def connect_signals() -> None:
    for model in tracked_models():
        uid = f"board-history-{model._meta.label_lower}"
        pre_save.connect(remember_before, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(record_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(record_delete, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.many_to_many:
            handler = record_many_to_many(field.name)
            _connected.append(handler)
            m2m_changed.connect(handler, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
