"""Signing in with the council's OpenID Connect provider (settings in oidc.py).

    /sign-in/oidc/           sends the browser to the provider: the authorisation code
                             flow with PKCE (S256), a random state and a random nonce,
                             all three kept in this browser's server-side session
    /sign-in/oidc/callback/  the provider sends the browser back here with a code; the
                             state must match, the code is exchanged (with the PKCE
                             verifier and the client secret) for an ID token whose
                             signature must verify against the provider's JWKS and whose
                             iss, aud, exp and nonce must be right

Authlib does the protocol; this module decides who the person is here. An identity
(issuer + `sub`) is linked to one local user (models.OIDCIdentity). The first sign-in
makes a local user with no role and no scope, who sees nothing until an administrator
gives them some (deny by default, docs/security.md). Such a user has no password, so
cannot sign in with the local form. A switched-off user is refused.

Every sign-in and every refusal goes to the audit log; a refusal shows the same plain
page whatever went wrong, and never a token, a claim or the provider's error text.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from headway.web.access import Permission, requires
from headway.web.oidc import SCOPES, OIDCConfig

log = logging.getLogger(__name__)
NEXT_KEY = "headway_oidc_next"
LEEWAY_SECONDS = 60  # clock difference allowed when checking exp and iat
HTTP_TIMEOUT_SECONDS = 10  # for discovery, keys and the token exchange
# Sessions of OIDC users are kept by Django's ordinary backend: the user is a normal
# local user once signed in, so role, scope and "switched off" apply the same way.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInRefused(Exception):
    """The provider's answer is not one we accept; the message goes to the log only."""


def configured() -> OIDCConfig:
    config = getattr(settings, "HEADWAY_OIDC", None)
    if config is None:
        raise Http404("OpenID Connect is not configured")
    return config


@functools.lru_cache(maxsize=4)
def provider(config: OIDCConfig):
    """Authlib's client for the provider, its discovery document loaded and checked.
    Kept per process: the keys are fetched again when a token names a key not seen."""
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    client = oauth.register(
        name="council", client_id=config.client_id, client_secret=config.client_secret,
        server_metadata_url=config.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": HTTP_TIMEOUT_SECONDS})
    issuer = client.load_server_metadata().get("issuer")
    if issuer != config.issuer:  # OpenID Connect Discovery 1.0, section 4.3
        raise SignInRefused(f"the discovery document names issuer {issuer!r}, not {config.issuer!r}")
    return client


def claims_options(config: OIDCConfig) -> dict:
    """What the ID token must say, beyond its signature (Authlib checks exp, iat and
    nonce itself): issued by our issuer, for our client, about someone."""
    return {"iss": {"essential": True, "value": config.issuer},
            "aud": {"essential": True, "value": config.client_id},
            "sub": {"essential": True}}


@requires(Permission.PUBLIC)
def oidc_start(request):
    config = configured()
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    wanted = request.GET.get("next", "")
    request.session[NEXT_KEY] = wanted if _safe_next(request, wanted) else ""
    try:
        return provider(config).authorize_redirect(request, request.build_absolute_uri(reverse("oidc_callback")))
    except Exception as exc:  # the provider is down or misconfigured: say so, log why
        return refused(request, exc, status=502)


@requires(Permission.PUBLIC)
def oidc_callback(request):
    config = configured()
    try:
        token = provider(config).authorize_access_token(
            request, claims_options=claims_options(config), leeway=LEEWAY_SECONDS)
        claims = token.get("userinfo")
        if not claims:  # Authlib skips the ID token check if there is no ID token
            raise SignInRefused("the token response has no ID token")
        user = user_for(config, claims)
    except Exception as exc:  # noqa: BLE001 - fail closed: a state, signature, claim, network or
        return refused(request, exc)  # provider error all refuse the sign-in, and are logged
    if not user.is_active:
        return refused(request, SignInRefused("the account is switched off"), username=user.get_username())
    wanted = request.session.pop(NEXT_KEY, "")
    login(request, user, backend=SESSION_BACKEND)  # a new session key: no fixation
    _audit(request, signed_in=True, username=user.get_username())
    return redirect(wanted or settings.LOGIN_REDIRECT_URL)


def user_for(config: OIDCConfig, claims) -> object:
    """The local user linked to this identity, made (with no role or scope) the first time."""
    from headway.web.models import OIDCIdentity

    subject = str(claims["sub"])
    identity = OIDCIdentity.objects.select_related("user").filter(issuer=config.issuer, subject=subject).first()
    if identity:
        return identity.user
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(_free_username(claims, config), password=None,
                                                        email=str(claims.get("email") or "")[:254],
                                                        first_name=str(claims.get("given_name") or "")[:150],
                                                        last_name=str(claims.get("family_name") or "")[:150])
            OIDCIdentity.objects.create(user=user, issuer=config.issuer, subject=subject)
            return user
    except IntegrityError:  # the same person's first sign-in in two tabs at once
        return OIDCIdentity.objects.get(issuer=config.issuer, subject=subject).user


def _free_username(claims, config: OIDCConfig) -> str:
    """The username claim (else email, else sub), made unique: never the name of an
    existing local account, which would hand that account to whoever has the name."""
    base = str(claims.get(config.username_claim) or claims.get("email") or claims["sub"])[:140]
    users = get_user_model().objects
    name, n = base, 1
    while users.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _safe_next(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure())


def refused(request, reason: Exception, status: int = 400, username: str = ""):
    """One plain page for every failure; the reason goes to the log, not the browser."""
    log.warning("OpenID Connect sign-in refused: %s: %s", type(reason).__name__, reason)
    _audit(request, signed_in=False, username=username, detail=type(reason).__name__)
    return render(request, "registration/oidc_refused.html", status=status)


def _audit(request, signed_in: bool, username: str, detail: str = "") -> None:
    from headway.web.audit import record
    from headway.web.models import AuditEvent

    action = AuditEvent.SIGN_IN if signed_in else AuditEvent.SIGN_IN_FAILED
    record(request, action, "Sign in (OpenID Connect)", detail=detail, username=username)


def sign_in_context(request) -> dict:
    """The sign-in page's button for the council's provider (a template context processor)."""
    config = getattr(settings, "HEADWAY_OIDC", None)
    return {"oidc_label": config.label if config else ""}
