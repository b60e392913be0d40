"""Django settings for the dashboard, built from a Headway workspace.

There is no settings module to point DJANGO_SETTINGS_MODULE at: `headway.web.setup()`
calls `build_settings(load_settings())` and hands the result to
`django.conf.settings.configure()`, so the CLI, the WSGI entry point and the tests all
get the same settings from the same workspace.

Environment variables (all optional):
  HEADWAY_WORKSPACE       the workspace (see headway.config)
  HEADWAY_SECRET_KEY      Django's secret key; otherwise workspace/secret_key, created
                          with 0600 permissions on first use. Too short a key is refused.
  DATABASE_URL            postgres://user:password@host:5432/dbname for the app database
                          (users, sessions); otherwise SQLite at workspace/app.sqlite3
  HEADWAY_ALLOWED_HOSTS   comma-separated host names (default: localhost only)
  HEADWAY_SECURE_COOKIES  1 or 0. Default: on, unless every allowed host is this machine
                          ("localhost-only mode", so the demo works over plain HTTP
                          without anyone being tempted to switch protections off)
  HEADWAY_DEBUG           1 to show Django's debug pages (never in production)
  HEADWAY_SESSION_HOURS   absolute session lifetime in hours (default 8)
  HEADWAY_IDLE_MINUTES    signed out after this many minutes without a request (default 30)
  HEADWAY_LOCKOUT_ATTEMPTS  failed sign-ins that lock a username (default 5)
  HEADWAY_LOCKOUT_MINUTES   how long the lock lasts, and the window failures are counted in (default 15)
  HEADWAY_TRUSTED_PROXY   the reverse proxy's address, whose X-Forwarded-Proto is believed (127.0.0.1)
  HEADWAY_OIDC_ISSUER, HEADWAY_OIDC_CLIENT_ID, HEADWAY_OIDC_CLIENT_SECRET   OpenID Connect (oidc.py)
  HEADWAY_CLAMD           a ClamAV daemon that scans board evidence uploads:
                          unix:/run/clamav/clamd.ctl or tcp:host:3310 (board/clamd.py; unset: no scan)
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from headway.board.clamd import parse_address as parse_clamd_address
from headway.config import Settings
from headway.errors import HeadwayError
from headway.web.oidc import oidc_config

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
MIN_SECRET_KEY_LENGTH = 50  # Django's own check (security.W009) warns below this
SESSION_HOURS = 8  # absolute session lifetime (security.md W-2)
IDLE_MINUTES = 30  # idle timeout
LOCKOUT_ATTEMPTS = 5
LOCKOUT_MINUTES = 15
TRUE_WORDS = ("1", "true", "yes", "on")

# Which Content-Security-Policy the middleware sends: nothing inline, nothing from
# anywhere else. Charts are server-rendered SVG, so no script is needed at all.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    return default if value is None or value.strip() == "" else value.strip().lower() in TRUE_WORDS


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise HeadwayError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def secret_key(workspace: Path, environ: Mapping[str, str] = os.environ) -> str:
    """HEADWAY_SECRET_KEY, else workspace/secret_key (created 0600 if absent).

    A default, shared or short key lets anyone forge a session (Superset
    CVE-2023-27524), so a weak key stops the server instead of being used.
    """
    if environ.get("HEADWAY_SECRET_KEY"):
        return _checked_key(environ["HEADWAY_SECRET_KEY"], "HEADWAY_SECRET_KEY")
    path = workspace / "secret_key"
    if not path.exists():
        workspace.mkdir(parents=True, exist_ok=True)
        write_private_file(path, secrets.token_urlsafe(64))
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise HeadwayError(f"{path} can be read by other users. Run `chmod 600 {path}`.")
    return _checked_key(path.read_text(encoding="utf-8").strip(), str(path))


def _checked_key(key: str, source: str) -> str:
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5 or key.startswith("django-insecure"):
        fix = "unset it to use a generated one" if source == "HEADWAY_SECRET_KEY" else "delete it to have one generated"
        raise HeadwayError(
            f"The secret key in {source} is too weak: use at least {MIN_SECRET_KEY_LENGTH} random "
            f"characters, or {fix}.")
    return key


def write_private_file(path: Path, text: str) -> None:
    """Create a file only its owner can read; fails if it already exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


def parse_database_url(url: str) -> dict:
    """A DATABASE_URL as a Django DATABASES entry. PostgreSQL or SQLite only.

    The password never appears in an error message.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        name = unquote(parts.path)
        if not name or name == "/":
            raise HeadwayError("DATABASE_URL sqlite:///path needs a file path.")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if scheme not in ("postgres", "postgresql", "pgsql"):
        raise HeadwayError(f"DATABASE_URL must start postgres:// (or sqlite://), not {scheme or 'nothing'}://.")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise HeadwayError("DATABASE_URL names no database: use postgres://user@host:5432/dbname.")
    try:
        port = parts.port
    except ValueError:
        raise HeadwayError("DATABASE_URL has a port that is not a number.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),  # e.g. ?sslmode=require
        **PERSISTENT_CONNECTIONS,
    }


# A connection is kept by its thread for up to a minute and checked before reuse,
# so one the database dropped is replaced instead of failing a page.
PERSISTENT_CONNECTIONS = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}


def databases(settings: Settings, environ: Mapping[str, str] = os.environ) -> dict:
    if environ.get("DATABASE_URL"):
        return {"default": parse_database_url(environ["DATABASE_URL"])}
    # IMMEDIATE transactions and a busy timeout stop "database is locked" errors when
    # waitress's threads write sessions at the same moment. The write-ahead log lets
    # several worker processes read while one writes (an audit event per page of
    # children) and costs one fsync a commit instead of two; commits stay durable.
    # Each waitress thread keeps its connection (CONN_MAX_AGE): opening one, with its
    # pragmas, was a tenth of a page's time under load.
    return {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(settings.app_db_path),
                        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                    "init_command": "PRAGMA journal_mode=WAL;"},
                        **PERSISTENT_CONNECTIONS}}


def allowed_hosts(environ: Mapping[str, str] = os.environ) -> list[str]:
    hosts = [h.strip() for h in environ.get("HEADWAY_ALLOWED_HOSTS", "").split(",") if h.strip()]
    return hosts or list(LOCAL_HOSTS)


def secure_cookies(hosts: list[str], environ: Mapping[str, str] = os.environ) -> bool:
    """Secure-only cookies, unless the server only answers to this machine."""
    localhost_only = all(h in LOCAL_HOSTS for h in hosts)
    return _flag(environ, "HEADWAY_SECURE_COOKIES", default=not localhost_only)


def build_settings(settings: Settings, environ: Mapping[str, str] = os.environ) -> dict:
    """Everything django.conf.settings.configure() needs for this workspace."""
    hosts = allowed_hosts(environ)
    secure = secure_cookies(hosts, environ)
    session_hours = _positive_int(environ, "HEADWAY_SESSION_HOURS", SESSION_HOURS)
    return {
        "HEADWAY_SETTINGS": settings,  # the workspace the views read the warehouse from
        "SECRET_KEY": secret_key(settings.workspace, environ),
        "DEBUG": _flag(environ, "HEADWAY_DEBUG", default=False),
        "ALLOWED_HOSTS": hosts,
        "DATABASES": databases(settings, environ),
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "headway.web",
            "headway.board",  # the Improvement Board's tools (src/headway/board/)
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "headway.web.middleware.SignInRequiredMiddleware",
            "headway.web.middleware.SessionTimeoutMiddleware",
            "headway.web.access.AccessMiddleware",  # every route's permission, every request's scope
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "headway.web.middleware.ContentSecurityPolicyMiddleware",
        ],
        "ROOT_URLCONF": "headway.web.urls",
        "WSGI_APPLICATION": "headway.web.wsgi.application",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "headway.web.views.site_context",
                "headway.web.oidc_views.sign_in_context",  # the OpenID Connect button
            ]},
        }],
        # Sign-in: local accounts here; OpenID Connect (web/oidc.py, None when not set up)
        # signs its users in as local users, so this one backend keeps every session.
        "AUTHENTICATION_BACKENDS": ["django.contrib.auth.backends.ModelBackend"],
        "HEADWAY_OIDC": oidc_config(settings.workspace, environ),
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "scorecard",
        "LOGOUT_REDIRECT_URL": "login",
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
            "django.contrib.auth.hashers.ScryptPasswordHasher",
        ],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
             "OPTIONS": {"min_length": 12}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        # Sessions live in the database, so signing out really ends them.
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "SESSION_COOKIE_AGE": session_hours * 3600,
        # Absolute and idle timeouts, enforced on the server (middleware.SessionTimeoutMiddleware).
        "HEADWAY_SESSION_SECONDS": session_hours * 3600,
        "HEADWAY_IDLE_SECONDS": _positive_int(environ, "HEADWAY_IDLE_MINUTES", IDLE_MINUTES) * 60,
        "HEADWAY_LOCKOUT_ATTEMPTS": _positive_int(environ, "HEADWAY_LOCKOUT_ATTEMPTS", LOCKOUT_ATTEMPTS),
        "HEADWAY_LOCKOUT_MINUTES": _positive_int(environ, "HEADWAY_LOCKOUT_MINUTES", LOCKOUT_MINUTES),
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_NAME": "headway_session",
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": secure,
        "CSRF_COOKIE_NAME": "headway_csrftoken",
        # Headers. Secure cookies mean TLS, which waitress does not do: a reverse proxy
        # terminates it and says so in X-Forwarded-Proto. HSTS only then.
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "SECURE_HSTS_SECONDS": 31_536_000 if secure else 0,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if secure else None,
        # The proxy whose X-Forwarded-Proto waitress passes on (server.py); it drops the
        # header from anyone else, so a client cannot claim TLS it does not have.
        "HEADWAY_TRUSTED_PROXY": environ.get("HEADWAY_TRUSTED_PROXY", "").strip() or "127.0.0.1",
        # Virus scan of board evidence uploads (None: no scan); a bad address stops start-up.
        "HEADWAY_CLAMD": parse_clamd_address(environ.get("HEADWAY_CLAMD")),
        "X_FRAME_OPTIONS": "DENY",
        "CONTENT_SECURITY_POLICY": CONTENT_SECURITY_POLICY,
        "LANGUAGE_CODE": "en-gb",
        "TIME_ZONE": "Europe/London",
        "USE_I18N": True,
        "USE_TZ": True,
        # Static files are served by the app (headway.web.urls); see the note there.
        "STATIC_URL": "/static/",
    }
