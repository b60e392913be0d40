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

# --- what each role may do (the policy that uses these is headway.web.access) ----------
# Roles that manage users, roles and scopes and read the audit log. A Django superuser
# may too, but sees figures only through a role and scope of their own (an IG admin
# has no business reading children's records by default: security.md 1.6).
ADMIN_ROLES = frozenset({ANALYST})
# Roles that see every figure and every child whatever scope they are given.
EVERYTHING_ROLES = frozenset({ANALYST})
# Roles that see only aggregates, after statistical disclosure control (counts of 1 to 5
# shown as "c"). This wins over any other role the same user holds.
DISCLOSURE_CONTROL_ROLES = frozenset({SCRUTINY_MEMBER})
# Organisation levels a disclosure-controlled role may see: a team or a worker is too
# small a group to publish figures for (security.md D-5).
DISCLOSURE_CONTROL_LEVELS = ("authority", "service")

ROLE_DESCRIPTIONS = {
    EXECUTIVE: "Figures and lists of children for the scope given (normally the whole authority)",
    ASSISTANT_DIRECTOR: "Figures and lists of children for their service areas (or the authority)",
    SERVICE_MANAGER: "Figures and lists of children for their service areas",
    TEAM_MANAGER: "Figures and lists of children for their teams",
    ANALYST: "Everything, including users, roles, scopes and the audit log",
    BOARD_CHAIR: "Figures for the scope given, and approving statements; no lists of children",
    SCRUTINY_MEMBER: "Authority and service figures only, with counts of 1 to 5 shown as \"c\"; "
                     "no lists of children",
}


def ensure_role_groups() -> None:
    """Create a Django Group for every role that has none (run after each migrate)."""
    from django.contrib.auth.models import Group

    for name in ROLES:
        Group.objects.get_or_create(name=name)
