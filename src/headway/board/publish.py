"""What may leave the board: approved position statements and approved commentary.

The committee pack (headway.reports) and the members' pages read through these
functions only, so a draft can never reach them. Each returns plain frozen data,
not models, so a report needs nothing else from Django. Call headway.web.setup()
before using them outside the web app.

    approved_statements(start, end)              every action's latest approved statement dated
                                                 in [start, end], in plan order
    approved_commentary(measure_id, period_end)  the latest approved commentary, or None
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.board.models import Action, CommentaryVersion, MeasureCommentary, PositionStatement, StatementVersion


@dataclass(frozen=True)
class ApprovedStatement:
    action_reference: str
    action_title: str
    theme: str
    accountable_officer: str
    as_of: dt.date
    done: str
    impact: str
    next_steps: str
    rag: str
    version: int
    approved_by: str
    approved_at: dt.datetime


@dataclass(frozen=True)
class ApprovedCommentary:
    measure_id: str
    period_end: dt.date
    shows: str
    why: str
    next_steps: str
    version: int
    approved_by: str
    approved_at: dt.datetime


def person(user) -> str:
    return user.get_full_name() or user.get_username()


def latest_approved_statement(action: Action) -> StatementVersion | None:
    """The newest approved version of the action's newest statement that has one."""
    return (StatementVersion.objects.filter(statement__action=action, approved_at__isnull=False)
            .select_related("statement").order_by("-statement__as_of", "-number").first())


def approved_statements(start: dt.date, end: dt.date) -> list[ApprovedStatement]:
    """Approved statements dated from start to end (inclusive), latest approved version of each."""
    if end < start:
        raise ValueError("end must be on or after start")
    statements = (PositionStatement.objects.filter(as_of__range=(start, end))
                  .select_related("action__theme", "action__accountable_officer")
                  .order_by("action__reference", "as_of"))
    found = []
    for statement in statements:
        version = statement.latest_approved()
        if version is not None:
            found.append(_statement_data(statement, version))
    return found


def _statement_data(statement: PositionStatement, version: StatementVersion) -> ApprovedStatement:
    action = statement.action
    return ApprovedStatement(
        action_reference=action.reference, action_title=action.title, theme=action.theme.name,
        accountable_officer=person(action.accountable_officer), as_of=statement.as_of, done=version.done,
        impact=version.impact, next_steps=version.next_steps, rag=version.proposed_rag, version=version.number,
        approved_by=person(version.approved_by), approved_at=version.approved_at)


def approved_commentary(measure_id: str, period_end: dt.date) -> ApprovedCommentary | None:
    commentary = MeasureCommentary.objects.filter(measure_id=measure_id, period_end=period_end).first()
    version: CommentaryVersion | None = commentary.latest_approved() if commentary else None
    if version is None:
        return None
    return ApprovedCommentary(
        measure_id=measure_id, period_end=period_end, shows=version.shows, why=version.why,
        next_steps=version.next_steps, version=version.number, approved_by=person(version.approved_by),
        approved_at=version.approved_at)
