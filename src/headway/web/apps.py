"""The dashboard as a Django app. The label is fixed now so migrations added later
(plans, commentary, audit) keep a stable name."""

from django.apps import AppConfig


class HeadwayWebConfig(AppConfig):
    name = "headway.web"
    label = "headway"
    verbose_name = "Headway dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        post_migrate.connect(_create_role_groups, sender=self)
        user_logged_in.connect(_start_session_clock)


def _create_role_groups(**kwargs):
    from headway.web.roles import ensure_role_groups

    ensure_role_groups()


def _start_session_clock(sender, request, user, **kwargs):
    """The absolute and idle timeouts count from this sign-in (middleware.SessionTimeoutMiddleware)."""
    import time

    from headway.web.middleware import LAST_SEEN, SIGNED_IN_AT

    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()
