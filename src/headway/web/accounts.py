"""Signing in: local accounts now, OpenID Connect later.

Local sign-in is Django's LoginView with a GOV.UK-styled form (forms.SignInForm,
templates/registration/login.html). The demo user exists so `headway demo` can print
something to sign in with; its password is random and kept in workspace/demo_password
(readable only by its owner).

OpenID Connect (a later issue) belongs here: an authentication backend that maps the
council identity provider's claims to a user, plus its routes in urls.py and their
names in middleware.PUBLIC_URL_NAMES.

This module imports Django lazily so the CLI can import it before headway.web.setup().
"""

from __future__ import annotations

import secrets

from headway.config import Settings
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
    from django.contrib.auth import get_user_model

    from headway.web import migrate_database

    migrate_database()
    password = demo_password(settings)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    user.set_password(password)
    user.is_active = True
    user.first_name = "Demo"
    user.save()
    return DEMO_USERNAME, password
