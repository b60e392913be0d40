"""OpenID Connect sign-in settings: which identity provider, and this app's client there.

Councils sign in with their own identity provider (usually Microsoft Entra ID). The
settings come from the environment, or from headway.toml's [oidc] table (the
environment wins), and are checked when the server starts:

  HEADWAY_OIDC_ISSUER         [oidc] issuer              e.g. https://login.microsoftonline.com/TENANT-ID/v2.0
  HEADWAY_OIDC_CLIENT_ID      [oidc] client_id           the app registration's Application (client) ID
  HEADWAY_OIDC_CLIENT_SECRET  [oidc] client_secret_file  the client secret, or a file holding it (never
                                                         the secret itself in headway.toml)
                              [oidc] label               the sign-in button's words
                              [oidc] username_claim      the claim that names a new user (preferred_username)

No issuer means no OpenID Connect: local accounts only. The sign-in itself (the
authorisation code flow with PKCE, state and nonce, the ID token's signature checked
against the provider's published keys, and its iss, aud, exp and nonce checked) is
oidc_views.py, using Authlib. This module imports nothing from Django, so
settings.build_settings can call it before Django is configured.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from headway.errors import HeadwayError

DEFAULT_LABEL = "Sign in with your council account"
DEFAULT_USERNAME_CLAIM = "preferred_username"
SCOPES = "openid profile email"


@dataclass(frozen=True)
class OIDCConfig:
    issuer: str
    client_id: str
    client_secret: str
    label: str = DEFAULT_LABEL
    username_claim: str = DEFAULT_USERNAME_CLAIM

    def __repr__(self) -> str:  # the secret never appears in a log or an error page
        return f"OIDCConfig(issuer={self.issuer!r}, client_id={self.client_id!r})"


def _toml_section(workspace: Path) -> dict:
    path = workspace / "headway.toml"
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            section = tomllib.load(fh).get("oidc", {})
    except tomllib.TOMLDecodeError as exc:
        raise HeadwayError(f"{path} is not valid TOML: {exc}") from None
    if not isinstance(section, dict):
        raise HeadwayError(f"{path}: [oidc] must be a table.")
    return section


def oidc_config(workspace: Path, environ: Mapping[str, str] = os.environ) -> OIDCConfig | None:
    """The configured provider, None if none is, or a HeadwayError naming what is wrong."""
    section = _toml_section(workspace)
    issuer = (environ.get("HEADWAY_OIDC_ISSUER") or section.get("issuer") or "").strip()
    if not issuer:
        return None
    _check_issuer(issuer)
    client_id = (environ.get("HEADWAY_OIDC_CLIENT_ID") or section.get("client_id") or "").strip()
    if not client_id:
        raise HeadwayError("OpenID Connect needs a client ID: set HEADWAY_OIDC_CLIENT_ID or [oidc] client_id "
                           "in headway.toml.")
    return OIDCConfig(
        issuer=issuer, client_id=client_id, client_secret=_client_secret(workspace, section, environ),
        label=str(section.get("label") or DEFAULT_LABEL),
        username_claim=str(section.get("username_claim") or DEFAULT_USERNAME_CLAIM))


def _check_issuer(issuer: str) -> None:
    """https, or plain http only to this machine (a test provider): tokens and the
    client secret must never cross a network unencrypted."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and _is_loopback(parts.hostname or ""):
        return
    raise HeadwayError(f"The OpenID Connect issuer must be an https:// address, not {issuer!r}.")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _client_secret(workspace: Path, section: dict, environ: Mapping[str, str]) -> str:
    if environ.get("HEADWAY_OIDC_CLIENT_SECRET"):
        return environ["HEADWAY_OIDC_CLIENT_SECRET"].strip()
    if "client_secret" in section:
        raise HeadwayError("headway.toml must not hold the OpenID Connect client secret: put it in a file "
                           "readable only by the service account and name it in [oidc] client_secret_file, "
                           "or set HEADWAY_OIDC_CLIENT_SECRET.")
    name = section.get("client_secret_file")
    if not name:
        raise HeadwayError("OpenID Connect needs a client secret: set HEADWAY_OIDC_CLIENT_SECRET or "
                           "[oidc] client_secret_file in headway.toml.")
    path = Path(name) if Path(name).is_absolute() else workspace / name
    if not path.is_file():
        raise HeadwayError(f"The OpenID Connect client secret file {path} does not exist.")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise HeadwayError(f"{path} can be read by other users. Run `chmod 600 {path}`.")
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise HeadwayError(f"The OpenID Connect client secret file {path} is empty.")
    return secret
