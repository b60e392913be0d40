"""The web dashboard: a small server-rendered Django project.

    setup(settings)          configure Django for a workspace (once per process)
    migrate_database()       create or update the app database (users, sessions)
    server.serve(settings)   migrate, then serve with waitress
    accounts.ensure_demo_user(settings)   the `demo` user `headway demo` prints

Django can be configured only once in a process, so the first setup() wins; later
calls with another workspace change nothing (tests point the views at another
warehouse with override_settings(HEADWAY_SETTINGS=...)).
"""

from __future__ import annotations

from headway.config import Settings


def setup(settings: Settings) -> None:
    """Configure Django from a Headway workspace, if nothing has configured it yet."""
    import django
    from django.apps import apps
    from django.conf import settings as django_settings

    if not django_settings.configured:
        from headway.web.settings import build_settings

        django_settings.configure(**build_settings(settings))
    if not apps.ready:
        django.setup()


def migrate_database() -> None:
    """Apply Django's migrations to the app database (quick when nothing is new)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
