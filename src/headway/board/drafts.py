"""Writing and approving versioned drafts (position statements and measure commentary).

Each save adds a version; nothing here edits a version's words. Approval stamps one
version with who and when, under a row lock so two approvers cannot both approve.
Only a thread's newest version can be approved: approving an older one would
publish words its author has since replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from headway.board import catalogue
from headway.board.models import (Action, CommentaryVersion, KeyArea, MeasureCommentary, PositionStatement,
                                  StatementVersion)
from headway.board.permissions import require

STATEMENT_TEXT = ("done", "impact", "next_steps", "proposed_rag")
COMMENTARY_TEXT = ("shows", "why", "next_steps")


@dataclass(frozen=True)
class Kind:
    """What differs between statements and commentary when a new version is written."""

    revise_verb: str
    version_model: type
    link: str  # the version's foreign key to its thread
    text_fields: tuple[str, ...]


KINDS = {
    PositionStatement: Kind("revise_statement", StatementVersion, "statement", STATEMENT_TEXT),
    MeasureCommentary: Kind("revise_commentary", CommentaryVersion, "commentary", COMMENTARY_TEXT),
}


def _add_version(thread, version_model, link: str, user, text: dict):
    version = version_model(**{link: thread}, number=thread.next_number(), written_by=user, **text)
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def write_statement(subject: Action | KeyArea, as_of, user, text: dict) -> StatementVersion:
    """A new draft for the action's (or key area's) statement of that date (a new statement if none)."""
    require(user, "write_statement", subject)
    link = "action" if isinstance(subject, Action) else "key_area"
    statement, _ = PositionStatement.objects.select_for_update().get_or_create(
        **{link: subject}, as_of=as_of, defaults={"created_by": user})
    return _add_version(statement, StatementVersion, "statement", user, _only(text, STATEMENT_TEXT))


@transaction.atomic
def write_commentary(measure_id: str, period_end, user, text: dict) -> CommentaryVersion:
    require(user, "write_commentary")
    if not catalogue.is_measure(measure_id):
        raise ValidationError(f"{measure_id} is not a measure in the catalogue")
    commentary = MeasureCommentary.objects.select_for_update().filter(
        measure_id=measure_id, period_end=period_end).first()
    if commentary is None:
        commentary = MeasureCommentary(measure_id=measure_id, period_end=period_end, created_by=user)
        commentary.full_clean()
        commentary.save()
    else:
        require(user, "revise_commentary", commentary)
    return _add_version(commentary, CommentaryVersion, "commentary", user, _only(text, COMMENTARY_TEXT))


@transaction.atomic
def revise(thread, user, text: dict):
    """A new draft version of a statement or commentary, from its author (or an analyst)."""
    kind = KINDS[type(thread)]
    require(user, kind.revise_verb, thread)
    thread = type(thread).objects.select_for_update().get(pk=thread.pk)
    return _add_version(thread, kind.version_model, kind.link, user, _only(text, kind.text_fields))


@transaction.atomic
def approve(version, user):
    """Approve a draft version (statement or commentary) as `user`."""
    version = type(version).objects.select_for_update().get(pk=version.pk)
    require(user, "approve", version)
    if version.thread.latest_version().pk != version.pk:
        raise ValidationError("A newer version has been written since this one. Approve the newest version.")
    version.approved_by = user
    version.approved_at = timezone.now()
    version.save(update_fields=["approved_by", "approved_at"])
    return version


def _only(text: dict, names: tuple[str, ...]) -> dict:
    return {name: text.get(name, "") for name in names}
