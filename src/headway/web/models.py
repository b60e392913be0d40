"""App data the access model keeps: each user's scope, the audit log, sign-in lockouts.

A user's role is a Django Group (roles.py); their scope says where in the organisation
they may look. headway.web.access turns both into one decision per request.

The audit log is append-only: no add/change/delete permission is generated for it,
save() refuses to change a stored row, delete() and queryset update()/delete() refuse,
and a database trigger (migration 0002) stops UPDATE and DELETE from anything else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.Model):
    """Where a user may look: the whole authority, some service areas, some teams.

    Service areas are named as the warehouse names them (org_units, level 'service':
    the team file's service area, or 'Not allocated' for cases nobody holds); teams by
    team ID. Empty lists and whole_authority off mean the user sees nothing.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="headway_scope")
    whole_authority = models.BooleanField(default=False)
    service_areas = models.JSONField(default=list, blank=True)
    teams = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return describe_scope(self.whole_authority, self.service_areas, self.teams)


def describe_scope(whole_authority: bool, service_areas, teams) -> str:
    if whole_authority:
        return "The whole authority"
    parts = []
    if service_areas:
        parts.append("Service areas: " + ", ".join(service_areas))
    if teams:
        parts.append("Teams: " + ", ".join(teams))
    return "; ".join(parts) or "Nothing"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The audit log cannot be deleted from.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        default_permissions = ("view",)  # nobody can be given add, change or delete

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log cannot be deleted from.")


class AuditEvent(AppendOnlyModel):
    """One thing someone did that the log must show: who, when (UTC), what, how many rows.

    The user is kept by name and ID, not as a foreign key, so removing a user can
    never remove or change what they did.
    """

    VIEW, EXPORT, DENIED, SIGN_IN, SIGN_IN_FAILED, LOCKED, ADMIN = (
        "view", "export", "denied", "sign-in", "sign-in failed", "locked", "admin")
    ACTIONS = [(VIEW, "Viewed"), (EXPORT, "Exported"), (DENIED, "Refused"), (SIGN_IN, "Signed in"),
               (SIGN_IN_FAILED, "Sign-in failed"), (LOCKED, "Account locked"), (ADMIN, "Changed a user")]

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id_at_the_time = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, db_index=True)
    roles = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=20, choices=ACTIONS)
    what = models.CharField(max_length=300)  # e.g. "Exception list: CLA reviews overdue"
    detail = models.CharField(max_length=500, blank=True)  # filters, sort, path, period
    row_count = models.IntegerField(null=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.what}"


class AuditedChild(AppendOnlyModel):
    """One child an audit event showed or exported: so "who viewed child X" is a lookup."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="children")
    child_id = models.CharField(max_length=64, db_index=True)


class SignInLock(models.Model):
    """Failed sign-ins for one username (whether or not the account exists, so the
    response never says which usernames are real), and how long it is locked."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)


class OIDCIdentity(models.Model):
    """Which local user an identity at the council's OpenID Connect provider signs in as.

    Keyed by the provider's issuer and its subject (`sub`), which never changes for a
    person, rather than by a name they could change. An administrator sets the local
    user's role and scope as for anyone else; a first sign-in makes a user with none.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_oidc_identity")]
