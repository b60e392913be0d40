"""A small OpenID Connect provider for the tests: a real HTTP server on 127.0.0.1 that
serves discovery, its keys (JWKS), an authorisation endpoint and a token endpoint, and
signs ID tokens with an RSA key made when it starts. It checks what a real provider
checks (client ID and secret, redirect URI, PKCE S256 verifier, single-use codes), and
a test can make it misbehave (sign with another key, claim another audience, return
another nonce, an expired token) to show the dashboard refuses each.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

KEY_ID = "test-key-1"


def new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})


class LocalProvider:
    def __init__(self, client_id: str = "headway-test-client", client_secret: str | None = None):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(32)
        self.key = new_key()
        self.signing_key = self.key  # a test sets another key to forge a signature
        self.person = {"sub": "subject-0001", "preferred_username": "alice@council.example"}
        self.tamper: dict = {}       # claims that override the ID token's own
        self.omit_id_token = False   # answer with an access token only
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LocalProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"]}

    def jwks(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    # -- the authorisation endpoint: the person is signed in here already ----------------
    def authorize(self, query: dict) -> tuple[int, dict]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}  # this provider insists on PKCE, as Entra does for public clients
        code = secrets.token_urlsafe(16)
        self.codes[code] = dict(query)
        location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": location}

    # -- the token endpoint ---------------------------------------------------------------
    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        self.token_requests.append(dict(form))
        if authorization != "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode():
            return 401, {"error": "invalid_client"}
        asked = self.codes.pop(form.get("code", ""), None)  # a code works once
        if asked is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != asked["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != asked["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        answer = {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 3600,
                  "id_token": self.id_token(asked.get("nonce"))}
        if self.omit_id_token:
            del answer["id_token"]
        return 200, answer

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 600, "nonce": nonce,
                  **self.person, **self.tamper}
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.signing_key)


def _handler_for(provider: LocalProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/openid-configuration":
                return self.reply(200, provider.discovery())
            if parts.path == "/jwks":
                return self.reply(200, provider.jwks())
            if parts.path == "/authorize":
                status, headers = provider.authorize({k: v[0] for k, v in parse_qs(parts.query).items()})
                return self.reply(status, {}, headers)
            return self.reply(404, {})

        def do_POST(self):
            if urlsplit(self.path).path != "/token":
                return self.reply(404, {})
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            status, payload = provider.token(form, self.headers.get("Authorization", ""))
            return self.reply(status, payload)

        def reply(self, status: int, payload: dict, headers: dict | None = None):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
