"""Small middlewares: deny by default, session timeouts, and the security headers.
(Which signed-in user may use which route is headway.web.access.AccessMiddleware.)

SignInRequiredMiddleware runs before URL resolution, so a signed-out visitor gets the
same redirect to the sign-in page for every path, real or not: nothing about the
site, not even which pages exist, is served to anyone who has not signed in. Only
the sign-in page and the static files (CSS) are public. A new public page must be
added to PUBLIC_URL_NAMES on purpose (the tests list the public routes).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

# Routes a signed-out visitor may reach: the sign-in form, and OpenID Connect's start
# and callback (web/oidc_views.py).
PUBLIC_URL_NAMES = ("login", "oidc_start", "oidc_callback")


def is_static_path(path: str) -> bool:
    """A plain path under STATIC_URL: no '..', '.', empty segments or backslashes."""
    if not path.startswith(settings.STATIC_URL) or "\\" in path or "\x00" in path:
        return False
    segments = path[len(settings.STATIC_URL):].split("/")
    return all(s not in ("", ".", "..") for s in segments)


class SignInRequiredMiddleware:
    """Redirect every request from a signed-out visitor to the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._public_paths: frozenset[str] | None = None

    def public_paths(self) -> frozenset[str]:
        if self._public_paths is None:  # reverse() needs the URLconf, loaded after __init__
            self._public_paths = frozenset(reverse(name) for name in PUBLIC_URL_NAMES)
        return self._public_paths

    def __call__(self, request):
        path = request.path_info
        if request.user.is_authenticated or path in self.public_paths() or is_static_path(path):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


SIGNED_IN_AT = "headway_signed_in_at"
LAST_SEEN = "headway_last_seen"
LAST_SEEN_GRANULARITY = 60  # seconds: note activity at most once a minute, not on every request


class SessionTimeoutMiddleware:
    """Sign a user out on the server after HEADWAY_SESSION_SECONDS since sign-in
    (absolute) or HEADWAY_IDLE_SECONDS without a request (idle), whatever the cookie says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if (now - signed_in_at > settings.HEADWAY_SESSION_SECONDS
                    or now - last_seen > settings.HEADWAY_IDLE_SECONDS):
                logout(request)  # flushes the server-side session
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if now - last_seen >= LAST_SEEN_GRANULARITY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY (no inline script) on every response, and
    keep pages with figures or children's IDs out of browser and proxy caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not is_static_path(request.path_info):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# Nothing in the dashboard needs a camera, a microphone, a location or payment.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
