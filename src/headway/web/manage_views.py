"""Administration inside the app: users, their role and scope, and the audit log.

For administrators only (access.Permission.ADMIN: a Django superuser or an Analyst).
Every change to a user is itself written to the audit log. The audit log is read
here and can be changed nowhere (models.AppendOnlyModel).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from headway.web import accounts, audit, roles
from headway.web.access import OrgTree, Permission, requires
from headway.web.forms import UserAccessForm
from headway.web.models import AuditEvent, Scope, SignInLock, describe_scope
from headway.web.views import open_warehouse

AUDIT_PAGE_SIZE = 100


def org_choices(stored: Scope | None) -> tuple[list[str], list[tuple[str, str]]]:
    """Service areas and teams from the published warehouse, plus whatever the user holds."""
    services, teams = [], []
    warehouse = open_warehouse()
    if warehouse is not None:
        with warehouse:
            org = OrgTree.from_warehouse(warehouse)
        services = [org.name("service", s) for s in org.units("service")]
        teams = [(t, f"{org.name('team', t)} ({t})") for t in org.units("team")]
    if stored:
        services += [s for s in stored.service_areas if s not in services]
        known = {t for t, _ in teams}
        teams += [(t, f"{t} (not in the published figures)") for t in stored.teams if t not in known]
    return services, teams


def user_rows() -> list[dict]:
    locked = set(SignInLock.objects.filter(locked_until__isnull=False).values_list("username", flat=True))
    rows = []
    for user in get_user_model().objects.order_by("username").prefetch_related("groups"):
        scope = Scope.objects.filter(user=user).first()
        held = [g.name for g in user.groups.all() if g.name in roles.ROLES]
        rows.append({"id": user.pk, "username": user.username, "name": user.get_full_name(),
                     "role": ", ".join(held) or "No role",
                     "scope": str(scope) if scope else "Nothing",
                     "active": user.is_active, "locked": user.username in locked and accounts.is_locked(user.username),
                     "superuser": user.is_superuser})
    return rows


@requires(Permission.ADMIN)
@require_safe
def users(request):
    return render(request, "manage_users.html", {"users": user_rows()})


def _initial(user) -> dict:
    scope = Scope.objects.filter(user=user).first()
    held = [g.name for g in user.groups.all() if g.name in roles.ROLES]
    return {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "role": held[0] if held else "", "is_active": user.is_active,
            "whole_authority": bool(scope and scope.whole_authority),
            "service_areas": scope.service_areas if scope else [], "teams": scope.teams if scope else []}


def _save(form, user) -> None:
    data = form.cleaned_data
    with transaction.atomic():
        user.first_name, user.last_name, user.is_active = data["first_name"], data["last_name"], data["is_active"]
        if data.get("new_password"):
            user.set_password(data["new_password"])
        user.save()
        user.groups.set(Group.objects.filter(name=data["role"]) if data["role"] else [])
        Scope.objects.update_or_create(user=user, defaults={
            "whole_authority": data["whole_authority"], "service_areas": data["service_areas"],
            "teams": data["teams"]})
        if data.get("unlock"):
            accounts.clear_failures(user.username)


def _change_summary(user, data) -> str:
    scope = describe_scope(data["whole_authority"], data["service_areas"], data["teams"])
    parts = [f"role: {data['role'] or 'none'}", f"scope: {scope}", "on" if data["is_active"] else "switched off"]
    if data.get("new_password"):
        parts.append("password set")
    if data.get("unlock"):
        parts.append("unlocked")
    return f"{user.username}: " + "; ".join(parts)


@requires(Permission.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def user_edit(request, user_id: int | None = None):
    """Add a user (no user_id) or change one: role, scope, on/off, password, unlock."""
    model = get_user_model()
    user = None
    if user_id is not None:
        user = model.objects.filter(pk=user_id).first()
        if user is None:
            raise Http404("No such user")
    roles.ensure_role_groups()
    services, teams = org_choices(Scope.objects.filter(user=user).first() if user else None)
    form_args = {"editing": user, "acting": request.user, "services": services, "teams": teams}
    if request.method == "POST":
        form = UserAccessForm(request.POST, **form_args)
        if form.is_valid():
            if user is None:
                user = model(username=form.cleaned_data["username"])
            _save(form, user)
            audit.record(request, AuditEvent.ADMIN, "User access", _change_summary(user, form.cleaned_data))
            return redirect("users")
    else:
        form = UserAccessForm(initial=_initial(user) if user else {"is_active": True}, **form_args)
    return render(request, "manage_user.html", {
        "form": form, "editing": user, "locked": bool(user and accounts.is_locked(user.username))})


AUDIT_FILTERS = ("user", "child", "action")


@requires(Permission.ADMIN)
@require_safe
def audit_log(request):
    """The audit log, newest first, filtered by user, child ID or action; read-only."""
    events = AuditEvent.objects.all()
    chosen = {name: request.GET.get(name, "").strip() for name in AUDIT_FILTERS}
    if chosen["user"]:
        events = events.filter(username=chosen["user"])
    if chosen["child"]:
        events = events.filter(children__child_id=chosen["child"]).distinct()
    if chosen["action"]:
        events = events.filter(action=chosen["action"])
    page = Paginator(events.prefetch_related("children"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, AuditEvent.VIEW, "Audit log", request.get_full_path(), row_count=len(page.object_list))
    return render(request, "manage_audit.html", {
        "page": page, "chosen": chosen, "actions": AuditEvent.ACTIONS,
        "rows": [{"at": e.at, "username": e.username, "roles": e.roles, "action": e.get_action_display(),
                  "what": e.what, "detail": e.detail, "row_count": e.row_count,
                  "children": [c.child_id for c in e.children.all()]} for e in page.object_list],
    })
