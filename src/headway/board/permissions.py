"""Who may do what on the board: one table of rules, checked on the server in every view.

Deny by default: a verb not in RULES is refused, a user with no Headway role is
refused everything, and Django's is_superuser gives nothing here. Every view is
wrapped in board_view(verb), which checks the page's verb before the view runs;
views that act on one record call require(user, verb, record) once they have it.

    members (Scrutiny Member)   read the plan, approved statements and commentary,
                                and the forward plan; nothing in draft, no risks,
                                meetings, audits or history
    officers (Executive Director, Assistant Director, Service Manager, Team Manager)
                                read everything but case audits outside their role;
                                update and write statements for actions they are
                                accountable for; score risks they own; write commentary.
                                Case audits, the rota, grades over time and feedback
                                only for the teams in their scope (headway.board.scope)
    Analyst                     everything, including the plan's structure and imports
    Improvement Board Chair     reads everything but case audits; approves; runs meetings
Nobody approves their own draft.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from headway.board.history import acting_as
from headway.web.roles import (ANALYST, APPROVER_ROLES, ASSISTANT_DIRECTOR, BOARD_CHAIR, CHILD_LEVEL_ROLES,
                               EXECUTIVE, SCRUTINY_MEMBER, SERVICE_MANAGER, TEAM_MANAGER, roles_of)

OFFICER_ROLES = frozenset({EXECUTIVE, ASSISTANT_DIRECTOR, SERVICE_MANAGER, TEAM_MANAGER})
INSIDE_ROLES = OFFICER_ROLES | {ANALYST, BOARD_CHAIR}  # may see drafts, risks, meetings, history
EVERY_ROLE = INSIDE_ROLES | {SCRUTINY_MEMBER}
COMMENTARY_WRITERS = OFFICER_ROLES | {ANALYST}
MEETING_RUNNERS = frozenset({BOARD_CHAIR, ANALYST})


def user_roles(user) -> frozenset[str]:
    """The user's Headway roles, looked up once per request object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not hasattr(user, "_board_roles"):
        user._board_roles = roles_of(user)
    return user._board_roles


def holds(user, roles: frozenset[str]) -> bool:
    return bool(user_roles(user) & roles)


def is_analyst(user) -> bool:
    return ANALYST in user_roles(user)


def accountable_for(user, subject) -> bool:
    """The user is the accountable officer of this action (or key area)."""
    return (subject is not None and subject.accountable_officer_id is not None
            and subject.accountable_officer_id == user.pk and holds(user, INSIDE_ROLES))


def owns_risk(user, risk) -> bool:
    return risk is not None and risk.owner_id == user.pk and holds(user, INSIDE_ROLES)


def may_approve(user, version) -> bool:
    """Approvers, never on their own words, and only drafts."""
    return (holds(user, APPROVER_ROLES) and version is not None and version.written_by_id != user.pk
            and not version.is_approved)


def wrote(user, thread) -> bool:
    return thread is not None and thread.created_by_id == user.pk


# verb -> rule(user, obj). obj is the record the verb acts on (None for page-level checks).
RULES = {
    "view_board": lambda u, o: holds(u, EVERY_ROLE),
    "view_internal": lambda u, o: holds(u, INSIDE_ROLES),  # drafts, risks, meetings, history
    "manage_plan": lambda u, o: is_analyst(u),
    "update_action": lambda u, o: is_analyst(u) or accountable_for(u, o),
    "write_statement": lambda u, o: is_analyst(u) or accountable_for(u, o),
    "revise_statement": lambda u, o: is_analyst(u) or accountable_for(u, getattr(o, "subject", None)),
    "approve": lambda u, o: may_approve(u, o),
    "see_approvals": lambda u, o: holds(u, APPROVER_ROLES),
    "write_commentary": lambda u, o: holds(u, COMMENTARY_WRITERS),
    "revise_commentary": lambda u, o: is_analyst(u) or (holds(u, COMMENTARY_WRITERS) and wrote(u, o)),
    "manage_risks": lambda u, o: is_analyst(u),
    "review_risk": lambda u, o: is_analyst(u) or owns_risk(u, o),
    "run_meetings": lambda u, o: holds(u, MEETING_RUNNERS),
    "view_audit_summary": lambda u, o: holds(u, INSIDE_ROLES),
    "view_case_audits": lambda u, o: holds(u, CHILD_LEVEL_ROLES),
    "record_audit": lambda u, o: holds(u, CHILD_LEVEL_ROLES),
    "edit_case_audit": lambda u, o: is_analyst(u) or (holds(u, CHILD_LEVEL_ROLES) and o is not None
                                                      and o.auditor_id == u.pk),
    "manage_audit_programme": lambda u, o: is_analyst(u),
    # feedback from children and families: never to members (it is never published)
    "view_feedback": lambda u, o: holds(u, INSIDE_ROLES),
    "record_feedback": lambda u, o: holds(u, CHILD_LEVEL_ROLES),
    "read_feedback_words": lambda u, o: holds(u, CHILD_LEVEL_ROLES),  # the free text, where kept
    "import": lambda u, o: is_analyst(u),
}


def can(user, verb: str, obj=None) -> bool:
    """True only if a rule for this verb exists and allows it."""
    rule = RULES.get(verb)
    return bool(rule and user_roles(user) and rule(user, obj))


def require(user, verb: str, obj=None) -> None:
    if not can(user, verb, obj):
        raise PermissionDenied(f"Not allowed: {verb}")


def board_view(verb: str):
    """Wrap a view: refuse unless the user may `verb`, and attribute its changes to them."""
    if verb not in RULES:
        raise ValueError(f"No permission rule called {verb!r}")

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request.user, verb)
            with acting_as(request.user):
                return view(request, *args, **kwargs)

        wrapper.board_verb = verb  # lets the tests list which verb guards each URL
        return wrapper

    return decorate
