"""The roles people hold in Headway, one Django Group each.

A user's role says what kind of thing they may do; their scope (which part of the
organisation: the authority, service areas, teams) says where. Both are checked on
the server for every request (deny by default). Keep the names stable: groups are
created from ROLES by `headway.web.setup()`, and data migrations and tests refer to them.
"""

from __future__ import annotations

EXECUTIVE = "Executive Director"
ASSISTANT_DIRECTOR = "Assistant Director"
SERVICE_MANAGER = "Service Manager"
TEAM_MANAGER = "Team Manager"
ANALYST = "Analyst"               # everything, including loads and configuration
BOARD_CHAIR = "Improvement Board Chair"  # approves position statements and commentary
SCRUTINY_MEMBER = "Scrutiny Member"  # aggregates only, with disclosure control; no child-level data

ROLES = (EXECUTIVE, ASSISTANT_DIRECTOR, SERVICE_MANAGER, TEAM_MANAGER, ANALYST, BOARD_CHAIR, SCRUTINY_MEMBER)
# Roles that may see child-level rows (exception lists, audit records) within their scope.
CHILD_LEVEL_ROLES = frozenset({EXECUTIVE, ASSISTANT_DIRECTOR, SERVICE_MANAGER, TEAM_MANAGER, ANALYST})
# Roles that may approve drafts (position statements, measure commentary) for members and packs.
APPROVER_ROLES = frozenset({BOARD_CHAIR, ANALYST})


def roles_of(user) -> frozenset[str]:
    """The Headway roles a signed-in user holds (none for anyone else)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
