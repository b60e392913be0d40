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

from django.utils import timezone

from headway.board.models import Action, CommentaryVersion, MeasureCommentary, PositionStatement, StatementVersion


@dataclass(frozen=True)
class ApprovedStatement:
    """One approved statement, on an action (action_* and theme set, key_area "") or on a key
    area of the plan (key_area set, action_* and theme "")."""

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
    key_area: str = ""
    approved_on: dt.date | None = None  # approved_at as the council's date (TIME_ZONE), for print

    @property
    def subject_key(self) -> str:
        return self.action_reference or f"key area {self.key_area}"


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
    approved_on: dt.date | None = None  # approved_at as the council's date (TIME_ZONE), for print


def person(user) -> str:
    return user.get_full_name() or user.get_username()


def latest_approved_statement(action: Action) -> StatementVersion | None:
    """The newest approved version of the action's newest statement that has one."""
    return (StatementVersion.objects.filter(statement__action=action, approved_at__isnull=False)
            .select_related("statement").order_by("-statement__as_of", "-number").first())


def plan_order(statement: PositionStatement) -> tuple:
    """Actions by reference, then key areas in the plan's order; each by date."""
    if statement.action_id:
        return (0, statement.action.reference, 0, "", statement.as_of)
    return (1, "", statement.key_area.order, statement.key_area.name, statement.as_of)


def approved_statements(start: dt.date, end: dt.date) -> list[ApprovedStatement]:
    """Approved statements dated from start to end (inclusive), latest approved version of each."""
    if end < start:
        raise ValueError("end must be on or after start")
    statements = sorted(PositionStatement.objects.filter(as_of__range=(start, end))
                        .select_related("action__theme", "action__accountable_officer",
                                        "key_area__accountable_officer"), key=plan_order)
    found = []
    for statement in statements:
        version = statement.latest_approved()
        if version is not None:
            found.append(_statement_data(statement, version))
    return found


def _statement_data(statement: PositionStatement, version: StatementVersion) -> ApprovedStatement:
    action, area = statement.action, statement.key_area
    subject = {"action_reference": action.reference, "action_title": action.title, "theme": action.theme.name,
               "accountable_officer": person(action.accountable_officer)} if action else \
              {"action_reference": "", "action_title": "", "theme": "", "key_area": area.name,
               "accountable_officer": person(area.accountable_officer)}
    return ApprovedStatement(
        **subject, as_of=statement.as_of, done=version.done, impact=version.impact, next_steps=version.next_steps,
        rag=version.proposed_rag, version=version.number, approved_by=person(version.approved_by),
        approved_at=version.approved_at, approved_on=timezone.localdate(version.approved_at))


def approved_commentary(measure_id: str, period_end: dt.date) -> ApprovedCommentary | None:
    commentary = MeasureCommentary.objects.filter(measure_id=measure_id, period_end=period_end).first()
    version: CommentaryVersion | None = commentary.latest_approved() if commentary else None
    if version is None:
        return None
    return ApprovedCommentary(
        measure_id=measure_id, period_end=period_end, shows=version.shows, why=version.why,
        next_steps=version.next_steps, version=version.number, approved_by=person(version.approved_by),
        approved_at=version.approved_at, approved_on=timezone.localdate(version.approved_at))


# --- the committee pack --------------------------------------------------------------
STATEMENT_MONTHS = 3  # a pack reports the position statements approved for the quarter to its month


@dataclass(frozen=True)
class PackNarrative:
    """What the board gives one committee pack: approved words only."""

    commentary: dict[str, ApprovedCommentary]  # measure ID -> the approved commentary for the pack's month
    statements: list[ApprovedStatement]        # each action's latest approved statement in the window
    statements_from: dt.date
    statements_to: dt.date


def first_day_of_window(period_end: dt.date, months: int = STATEMENT_MONTHS) -> dt.date:
    """The first day of the month `months - 1` months before period_end's: 1 January for 31 March."""
    index = period_end.year * 12 + period_end.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def latest_per_action(statements: list[ApprovedStatement]) -> list[ApprovedStatement]:
    """One statement per action (or key area), the newest, keeping plan order (statements come
    sorted by plan order, then date)."""
    newest: dict[str, ApprovedStatement] = {}
    for statement in statements:
        newest[statement.subject_key] = statement  # later dates overwrite earlier ones
    return list(newest.values())


def pack_narrative(period_end: dt.date, measure_ids: list[str]) -> PackNarrative:
    """The approved commentary on each measure for the month, and the approved position
    statements dated in the quarter to it (the newest for each action). Never a draft."""
    start = first_day_of_window(period_end)
    found = {measure_id: approved_commentary(measure_id, period_end) for measure_id in measure_ids}
    return PackNarrative(commentary={key: value for key, value in found.items() if value is not None},
                         statements=latest_per_action(approved_statements(start, period_end)),
                         statements_from=start, statements_to=period_end)

