"""Who may see what: the one place the dashboard decides it, on the server, every request.

Two questions, answered here and nowhere else:

1. May this user use this route at all? Every route declares what it needs with
   @requires(Permission.X) (urls.py wraps the few class-based views it uses).
   AccessMiddleware looks the declaration up before the view runs and refuses a
   route that has none, so a new page is closed until someone decides who it is for
   (tests/test_permissions.py lists every route and fails on one without a declaration).
2. Which part of the organisation may they see? Access.may_see_unit() for a figure
   (authority, service area, team or worker), Access.team_filter() for lists of
   children, Access.visible_units() for every filter list and unit picker, and
   Access.teams_in_scope() for the board's team-tied records (audits, rota, feedback).

Deny by default: a user with no role, or a role but no scope, sees nothing but a page
that says so. Scrutiny members (roles.DISCLOSURE_CONTROL_ROLES) see authority and
service-area figures only, after disclosure control, and never a child. Analysts see
everything. A Django superuser administers users and reads the audit log, but sees
figures only through a role and scope like anyone else.

Role and scope are read from the database on every request, so a change an admin
makes applies to the user's very next request (security.md A-9).
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render

from headway.warehouse.query import ORG_LEVELS
from headway.web import roles

log = logging.getLogger(__name__)


class Permission(enum.Enum):
    """What a route needs. Each route declares exactly one."""

    PUBLIC = "anyone, signed in or not"                    # sign-in page, static files
    SIGNED_IN = "anyone signed in"                          # sign out
    FIGURES = "a role and a scope: figures in scope"        # scorecard, measure pages
    CHILDREN = "a child-level role: children in scope"      # exception lists, child pages
    EXPORT = "a child-level role: downloads of children in scope"
    APPROVE = "an approver role (roles.APPROVER_ROLES)"     # approving statements (board app)
    ADMIN = "an administrator"                              # users, roles, scopes, audit log


def requires(permission: Permission):
    """Declare what a view needs; AccessMiddleware enforces it before the view runs.
    The view is wrapped, so declaring a permission on a library's view (Django's
    static file server) never changes that function for anyone else."""
    def declare(view):
        @functools.wraps(view)
        def declared(*args, **kwargs):
            return view(*args, **kwargs)
        declared.headway_permission = permission
        return declared
    return declare


def declared_permission(view) -> Permission | None:
    """The permission a view declared, if any. The board app's views declare a verb of
    their own rule table instead (headway.board.permissions.board_view), which the view
    checks itself; here such a view counts as needing a signed-in user."""
    permission = getattr(view, "headway_permission", None)
    if permission is None and getattr(view, "board_verb", None):
        return Permission.SIGNED_IN
    return permission


# --- the organisation, as the warehouse publishes it -----------------------------------
Unit = tuple[str, str]  # (org_level, org_unit)


@dataclass(frozen=True)
class OrgTree:
    """org_units as a tree: each unit's parent and name."""

    parents: dict[Unit, Unit | None] = field(default_factory=dict)
    names: dict[Unit, str] = field(default_factory=dict)
    # Answers worked out from this tree, kept as long as it is (one snapshot): see
    # Access.visible_units. Not part of the tree's value.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_warehouse(cls, warehouse) -> "OrgTree":
        """The published tree: the same for every user, so built once per snapshot."""
        return warehouse.cached(("org_tree",), lambda: cls._read(warehouse))

    @classmethod
    def _read(cls, warehouse) -> "OrgTree":
        parents, names = {}, {}
        for level in ORG_LEVELS:
            for row in warehouse.org_units(level):
                unit = (level, row["org_unit"])
                parents[unit] = (row["parent_level"], row["parent_unit"]) if row["parent_level"] else None
                names[unit] = row["org_unit_name"] or row["org_unit"]
        return cls(parents, names)

    def chain(self, level: str, unit: str) -> list[Unit]:
        """The unit and every unit above it; empty if the warehouse has no such unit."""
        found, current = [], (level, unit)
        while current is not None and current in self.parents and current not in found:
            found.append(current)
            current = self.parents[current]
        return found

    def units(self, level: str) -> list[str]:
        return list(self._units_by_level.get(level, ()))

    @functools.cached_property
    def _units_by_level(self) -> dict[str, list[str]]:
        """Each level's units in name order, sorted once (a large authority has thousands)."""
        by_level: dict[str, list[str]] = {}
        for level, unit in self.parents:
            by_level.setdefault(level, []).append(unit)
        return {level: sorted(units, key=lambda u: self.names[(level, u)]) for level, units in by_level.items()}

    def children(self, level: str, unit: str) -> list[Unit]:
        return [u for u, parent in self.parents.items() if parent == (level, unit)]

    def name(self, level: str, unit: str) -> str:
        return self.names.get((level, unit), unit)


# --- one user's access ---------------------------------------------------------------
@dataclass(frozen=True)
class Access:
    username: str = ""
    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    is_superuser: bool = False
    whole_authority: bool = False
    service_areas: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()

    # -- what kind of thing --
    @property
    def disclosure_control(self) -> bool:
        """Counts of 1 to 5 shown as "c" (and only aggregates): scrutiny members."""
        return bool(self.roles & roles.DISCLOSURE_CONTROL_ROLES)

    @property
    def everything(self) -> bool:
        return bool(self.roles & roles.EVERYTHING_ROLES) and not self.disclosure_control

    @property
    def has_scope(self) -> bool:
        return self.everything or self.whole_authority or bool(self.service_areas or self.teams)

    @property
    def may_see_figures(self) -> bool:
        return bool(self.roles) and self.has_scope

    @property
    def may_see_children(self) -> bool:
        return (self.may_see_figures and not self.disclosure_control
                and bool(self.roles & roles.CHILD_LEVEL_ROLES))

    @property
    def may_export(self) -> bool:
        return self.may_see_children

    @property
    def may_approve(self) -> bool:
        return self.may_see_figures and bool(self.roles & roles.APPROVER_ROLES) and not self.disclosure_control

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or (bool(self.roles & roles.ADMIN_ROLES) and not self.disclosure_control)

    @property
    def levels(self) -> tuple[str, ...]:
        """Organisation levels this user may see figures for."""
        return roles.DISCLOSURE_CONTROL_LEVELS if self.disclosure_control else ORG_LEVELS

    def allows(self, permission: Permission) -> bool:
        return {
            Permission.PUBLIC: True,
            Permission.SIGNED_IN: bool(self.username),
            Permission.FIGURES: self.may_see_figures,
            Permission.CHILDREN: self.may_see_children,
            Permission.EXPORT: self.may_export,
            Permission.APPROVE: self.may_approve,
            Permission.ADMIN: self.is_admin,
        }[permission]

    # -- where --
    def _scope_covers(self, unit: Unit) -> bool:
        level, name = unit
        return ((level == "authority" and self.whole_authority)
                or (level == "service" and name in self.service_areas)
                or (level == "team" and name in self.teams))

    def may_see_unit(self, org: OrgTree, level: str, unit: str) -> bool:
        """Figures for one org unit: in a level this user may see, and at or below their scope."""
        if not self.may_see_figures or level not in self.levels:
            return False
        chain = org.chain(level, unit)
        if not chain:
            return False
        return self.everything or any(self._scope_covers(u) for u in chain)

    def visible_units(self, org: OrgTree, level: str) -> list[str]:
        """Every unit at a level this user may see (for pickers and comparison tables).
        A large authority has thousands of units and every page asks, so the answer is
        kept with the tree, keyed on everything may_see_unit reads from the user: users
        with the same roles and scope share it, and nobody gets another scope's list."""
        key = ("visible_units", self.roles, self.whole_authority, self.service_areas, self.teams, level)
        if key not in org.memo:
            org.memo[key] = tuple(u for u in org.units(level) if self.may_see_unit(org, level, u))
        return list(org.memo[key])

    def home_units(self, org: OrgTree) -> list[Unit]:
        """Where the scorecard starts: the highest level at which the user sees anything."""
        for level in self.levels:
            visible = self.visible_units(org, level)
            if visible:
                return [(level, u) for u in visible]
        return []

    def team_filter(self, org: OrgTree) -> frozenset[str] | None:
        """Teams whose children this user may list; None means every child, allocated or not."""
        if not self.may_see_children:
            return frozenset()
        if self.everything or self.whole_authority:
            return None
        return frozenset(self.visible_units(org, "team"))

    def teams_in_scope(self, org: OrgTree) -> frozenset[str] | None:
        """Teams whose records this user may read where the records themselves are not a list
        of children (the board's audit programme, grades over time, feedback); None means every
        team, and records tied to no team. Child-level records use team_filter."""
        if not self.may_see_figures or "team" not in self.levels:
            return frozenset()
        if self.everything or self.whole_authority:
            return None
        return frozenset(self.visible_units(org, "team"))

    def may_see_child(self, org: OrgTree, team_id: str) -> bool:
        """A child held (as at the latest month end) by a team; unallocated children are
        in team 'UNALLOCATED' under service 'Not allocated'."""
        teams = self.team_filter(org)
        return teams is None or team_id in teams


NOBODY = Access()


def access_for(user) -> Access:
    """The user's access, read from the database now (so changes apply at once)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    from headway.web.models import Scope

    scope = Scope.objects.filter(user=user).first()
    return Access(
        username=user.get_username(),
        user_id=user.pk,
        roles=roles.roles_of(user),
        is_superuser=user.is_superuser,
        whole_authority=bool(scope and scope.whole_authority),
        service_areas=frozenset(scope.service_areas if scope else ()),
        teams=frozenset(scope.teams if scope else ()),
    )


# --- enforcement ---------------------------------------------------------------------
def refuse(request, what: str, status: int = 403):
    """The refusal page, with the refusal in the audit log (security.md A-1, ASVS 16.3.2)."""
    from headway.web.audit import record_denial

    record_denial(request, what)
    access = getattr(request, "access", NOBODY)
    template = "no_access.html" if not access.may_see_figures else "403.html"
    return render(request, template, {"access": access}, status=status)


def require_unit(request, org: OrgTree, level: str, unit: str) -> None:
    """404 (logged) for a unit outside the user's scope: the same answer as for a unit
    that does not exist, so nobody learns which units exist outside their scope."""
    if not request.access.may_see_unit(org, level, unit):
        from headway.web.audit import record_denial

        record_denial(request, f"{level} {unit}")
        raise Http404("No such organisation unit")


def units_described(org: OrgTree, units: Iterable[Unit]) -> list[dict]:
    return [{"level": lv, "unit": u, "name": org.name(lv, u)} for lv, u in units]


class AccessMiddleware:
    """Attach request.access, and enforce each route's declared permission."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = access_for(request.user)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        permission = declared_permission(view_func)
        if permission is None:  # fail closed: an undeclared route is nobody's
            log.error("route %s declares no permission; refused", request.path_info)
            return refuse(request, f"undeclared route {request.path_info}")
        if not request.access.allows(permission):
            return refuse(request, f"{permission.name.lower()} route {request.path_info}")
        return None
