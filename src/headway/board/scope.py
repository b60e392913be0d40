"""Which team-tied board records a user may read: case audits, the audit rota, grades over
time and feedback. The rule itself is headway.web.access (Access.team_filter for case
audits, which name a child; Access.teams_in_scope for the rest); this module only applies
it to querysets, with the org tree of the published warehouse.

Records carry team_unit, a team ID from the warehouse's org tree. A record whose team_unit
is blank (an old free-text team that matched no team, migration 0004) is in no team's
scope: only authority-wide users (whole authority, or an analyst) see it. With no
warehouse published there is no org tree, so a manager with teams or service areas sees
no team-tied record at all (deny by default), while authority-wide users see everything.

The plan itself (actions, statements, risks, meetings) is authority-wide and not scoped
here: who may edit an action is headway.board.permissions (its accountable officer).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from headway.errors import HeadwayError
from headway.web.access import OrgTree


def org_tree() -> OrgTree:
    """The published warehouse's org tree, or an empty one if nothing is published yet."""
    from headway.warehouse.query import Warehouse

    try:
        warehouse = Warehouse.shared(settings.HEADWAY_SETTINGS.warehouse_path)
    except HeadwayError:
        return OrgTree()
    with warehouse:
        return OrgTree.from_warehouse(warehouse)


def audit_teams(request, org: OrgTree) -> frozenset[str] | None:
    """Teams whose case audits the user may read (None: all). Case audits name a child
    (pseudonymously), so the children's rule applies: Access.team_filter."""
    return request.access.team_filter(org)


def record_teams(request, org: OrgTree) -> frozenset[str] | None:
    """Teams whose rota lines, feedback and grades over time the user may read (None: all)."""
    return request.access.teams_in_scope(org)


def within(records: QuerySet, teams: frozenset[str] | None, field: str = "team_unit") -> QuerySet:
    """The records tied to these teams (None: every record, those tied to no team too)."""
    return records if teams is None else records.filter(**{f"{field}__in": teams})


def case_audits_for(request, records: QuerySet, org: OrgTree | None = None) -> QuerySet:
    return within(records, audit_teams(request, org or org_tree()))


def team_records_for(request, records: QuerySet, org: OrgTree | None = None) -> QuerySet:
    return within(records, record_teams(request, org or org_tree()))


def team_choices(request, org: OrgTree | None = None) -> list[tuple[str, str]]:
    """(team ID, name) for every team in the warehouse this user may record against."""
    org = org or org_tree()
    allowed = record_teams(request, org)
    return [(unit, org.name("team", unit)) for unit in org.units("team") if allowed is None or unit in allowed]
