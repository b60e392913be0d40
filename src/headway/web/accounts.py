"""Signing in: local accounts now, OpenID Connect later.

Local sign-in is Django's LoginView with a GOV.UK-styled form (forms.SignInForm,
templates/registration/login.html). The demo user exists so `headway demo` can print
something to sign in with; its password is random and kept in workspace/demo_password
(readable only by its owner). It is an Analyst (sees everything, manages users).

Lockout: after settings.HEADWAY_LOCKOUT_ATTEMPTS failed sign-ins for one username
within HEADWAY_LOCKOUT_MINUTES, that username is locked for HEADWAY_LOCKOUT_MINUTES
(an admin can unlock it sooner). Failures are counted for any username typed, real or
not, and the locked message is the same for both, so the form never tells anyone
which usernames exist.

OpenID Connect (a later issue) belongs here: an authentication backend that maps the
council identity provider's claims to a user, plus its routes in urls.py and their
names in middleware.PUBLIC_URL_NAMES.

This module imports Django lazily so the CLI can import it before headway.web.setup().
"""

from __future__ import annotations

import datetime as dt
import secrets

from headway.config import Settings
from headway.errors import HeadwayError
from headway.web.settings import write_private_file

DEMO_USERNAME = "demo"


def demo_password(settings: Settings) -> str:
    """The demo password kept in the workspace, made (randomly) the first time."""
    path = settings.workspace / "demo_password"
    if not path.exists():
        settings.workspace.mkdir(parents=True, exist_ok=True)
        write_private_file(path, secrets.token_urlsafe(12))
    return path.read_text(encoding="utf-8").strip()


def ensure_demo_user(settings: Settings) -> tuple[str, str]:
    """Create the `demo` user, or reset its password to the workspace's; (username, password).

    Needs Django set up (headway.web.setup). Migrates the app database first, so it
    works on a fresh workspace.
    """
    from headway.web import migrate_database
    from headway.web.roles import ANALYST

    migrate_database()
    password = demo_password(settings)
    user = ensure_user(DEMO_USERNAME, password, role=ANALYST, whole_authority=True)
    user.first_name = "Demo"
    user.save()
    clear_failures(DEMO_USERNAME)
    return DEMO_USERNAME, password


def ensure_user(username: str, password: str | None, role: str | None = None, whole_authority: bool = False,
                service_areas: tuple[str, ...] = (), teams: tuple[str, ...] = ()):
    """Create or update a user with one role (or none) and a scope. Needs Django set up."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from headway.web import roles
    from headway.web.models import Scope

    if role is not None and role not in roles.ROLES:
        raise HeadwayError(f"{role!r} is not a Headway role; choose one of: {', '.join(roles.ROLES)}")
    user, _ = get_user_model().objects.get_or_create(username=username)
    if password is not None:
        user.set_password(password)
    user.is_active = True
    user.save()
    roles.ensure_role_groups()
    user.groups.set(Group.objects.filter(name=role) if role else [])
    Scope.objects.update_or_create(user=user, defaults={
        "whole_authority": whole_authority, "service_areas": list(service_areas), "teams": list(teams)})
    return user


def add_user_from_command_line(settings: Settings, username: str, password: str, role: str | None,
                               whole_authority: bool, service_areas: tuple[str, ...], teams: tuple[str, ...]):
    """`headway user`: create or update a user (the first administrator, say) in the
    workspace's app database, checking the password as the sign-in form would."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from headway.web import migrate_database, setup

    setup(settings)
    migrate_database()
    try:
        validate_password(password)
    except ValidationError as problems:
        raise HeadwayError("The password is not good enough: " + " ".join(problems.messages)) from None
    user = ensure_user(username, password, role, whole_authority, service_areas, teams)
    clear_failures(username)
    return user


# --- lockout ------------------------------------------------------------------------
def _lockout_settings() -> tuple[int, dt.timedelta]:
    from django.conf import settings

    return settings.HEADWAY_LOCKOUT_ATTEMPTS, dt.timedelta(minutes=settings.HEADWAY_LOCKOUT_MINUTES)


def is_locked(username: str) -> bool:
    from django.utils import timezone

    from headway.web.models import SignInLock

    lock = SignInLock.objects.filter(username=username).first()
    return bool(lock and lock.locked_until and lock.locked_until > timezone.now())


def record_failure(username: str) -> bool:
    """Count one failed sign-in; True if this failure locked the username."""
    from django.db import transaction
    from django.utils import timezone

    from headway.web.models import SignInLock

    attempts, window = _lockout_settings()
    now = timezone.now()
    with transaction.atomic():
        lock, _ = SignInLock.objects.select_for_update().get_or_create(username=username)
        if lock.first_failure_at is None or now - lock.first_failure_at > window:
            lock.failures, lock.first_failure_at = 0, now  # an old run of failures no longer counts
        lock.failures += 1
        locked_now = lock.failures >= attempts
        if locked_now:
            lock.locked_until, lock.failures, lock.first_failure_at = now + window, 0, None
        lock.save()
    return locked_now


def clear_failures(username: str) -> None:
    """After a good sign-in, or when an admin unlocks the account."""
    from headway.web.models import SignInLock

    SignInLock.objects.filter(username=username).delete()
