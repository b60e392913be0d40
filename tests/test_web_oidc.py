"""OpenID Connect sign-in (security.md W-5) against a real, small provider on 127.0.0.1
(tests/oidc_provider.py): the whole authorisation code flow over HTTP, with PKCE, state
and nonce; then every way an answer can be wrong (a forged signature, another audience,
another issuer, another nonce, a changed state, an expired token, a replayed code) must
be refused and logged, and an identity maps to a local user whose role and scope an
administrator sets (a first-time user sees nothing).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client, override_settings

from headway.errors import HeadwayError
from headway.web.oidc import OIDCConfig, oidc_config
from headway.config import Settings
from tests.oidc_provider import LocalProvider, new_key
from tests.sample_warehouse import write_sample_warehouse
from tests.web_helpers import markup_without_tokens, visible_text

NO_FIGURES = "You cannot see any figures yet"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Django set up, the app database migrated, and a small published warehouse
    (teams T1 and T2) written directly, so these tests need no refresh."""
    from headway.web import migrate_database, setup

    setup(Settings(workspace=tmp_path_factory.mktemp("oidc-app") / "workspace"))
    migrate_database()
    warehouse = Settings(workspace=tmp_path_factory.mktemp("oidc-wh") / "workspace")
    write_sample_warehouse(warehouse)
    return {"warehouse": warehouse}


@pytest.fixture(scope="module")
def provider():
    with LocalProvider() as running:
        yield running


@pytest.fixture
def oidc(app, provider):
    """The dashboard configured for the local provider, reading the web warehouse."""
    provider.tamper, provider.signing_key, provider.omit_id_token = {}, provider.key, False
    provider.person = {"sub": "subject-0001", "preferred_username": "alice@council.example"}
    config = OIDCConfig(issuer=provider.issuer, client_id=provider.client_id, client_secret=provider.client_secret)
    with override_settings(HEADWAY_OIDC=config, HEADWAY_SETTINGS=app["warehouse"]):
        yield provider


def authorise(client: Client, start: str = "/sign-in/oidc/") -> str:
    """Start the sign-in, let the provider authorise it; the callback URL it sends back."""
    response = client.get(start)
    assert response.status_code == 302, response.status_code
    answer = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.status_code
    return answer.headers["Location"]


def callback(client: Client, url: str):
    parts = urlsplit(url)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def sign_in(client: Client, **options):
    return callback(client, authorise(client, **options))


def oidc_user(provider, subject: str):
    from headway.web.models import OIDCIdentity

    identity = OIDCIdentity.objects.filter(issuer=provider.issuer, subject=subject).first()
    return identity.user if identity else None


def last_sign_in_event():
    from headway.web.models import AuditEvent

    return AuditEvent.objects.filter(what="Sign in (OpenID Connect)").order_by("-id").first()


# --- the flow ------------------------------------------------------------------------
def test_the_sign_in_page_offers_the_council_account_only_when_configured(app, oidc):
    page = Client(SERVER_NAME="localhost").get("/sign-in/?next=/exceptions/")
    assert "Sign in with your council account" in visible_text(page)
    assert 'href="/sign-in/oidc/?next=/exceptions/"' in page.content.decode()
    with override_settings(HEADWAY_OIDC=None):
        page = Client(SERVER_NAME="localhost").get("/sign-in/")
        assert "council account" not in visible_text(page)
        assert Client(SERVER_NAME="localhost").get("/sign-in/oidc/").status_code == 404
        assert Client(SERVER_NAME="localhost").get("/sign-in/oidc/callback/?code=x&state=y").status_code == 404


def test_the_request_uses_pkce_state_and_nonce(oidc):
    client = Client(SERVER_NAME="localhost")
    query = parse_qs(urlsplit(client.get("/sign-in/oidc/")["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == ["http://localhost/sign-in/oidc/callback/"]
    assert "openid" in query["scope"][0].split()
    other = parse_qs(urlsplit(Client(SERVER_NAME="localhost").get("/sign-in/oidc/")["Location"]).query)
    assert other["state"] != query["state"] and other["nonce"] != query["nonce"]


def test_a_first_sign_in_makes_a_user_who_sees_nothing_until_an_admin_gives_a_scope(oidc):
    from headway.web.accounts import ensure_user

    oidc.person = {"sub": "subject-first", "preferred_username": "new.starter@council.example"}
    client = Client(SERVER_NAME="localhost")
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/"
    user = oidc_user(oidc, "subject-first")
    assert user.username == "new.starter@council.example" and not user.has_usable_password()
    assert oidc.token_requests[-1]["code_verifier"]  # the verifier went to the token endpoint
    page = client.get("/")
    assert page.status_code == 403 and NO_FIGURES in visible_text(page)
    assert client.get("/exceptions/").status_code == 403
    event = last_sign_in_event()
    assert (event.action, event.username) == ("sign-in", "new.starter@council.example")

    ensure_user(user.username, None, role="Team Manager", teams=("T1",))  # what the Users page does
    assert client.get("/").status_code == 200
    assert client.get("/?unit=team:T2").status_code == 404  # the scope an admin gave, no more


def test_the_same_person_is_the_same_user_even_after_a_change_of_name(oidc):
    oidc.person = {"sub": "subject-rename", "preferred_username": "jo.bloggs@council.example"}
    sign_in(Client(SERVER_NAME="localhost"))
    first = oidc_user(oidc, "subject-rename")
    oidc.person = {"sub": "subject-rename", "preferred_username": "jo.smith@council.example"}
    client = Client(SERVER_NAME="localhost")
    assert sign_in(client).status_code == 302
    assert int(client.session["_auth_user_id"]) == first.pk


def test_an_identity_never_takes_over_a_local_account_with_the_same_name(oidc):
    from headway.web.accounts import ensure_user

    local = ensure_user("bob@council.example", "a long local password 123", role="Analyst", whole_authority=True)
    oidc.person = {"sub": "subject-bob", "preferred_username": "bob@council.example"}
    client = Client(SERVER_NAME="localhost")
    sign_in(client)
    linked = oidc_user(oidc, "subject-bob")
    assert linked.pk != local.pk and linked.username == "bob@council.example-2"
    assert client.get("/manage/users/").status_code == 403  # not the Analyst's rights


def test_it_returns_to_the_page_asked_for_but_never_off_site(oidc):
    oidc.person = {"sub": "subject-next", "preferred_username": "next@council.example"}
    client = Client(SERVER_NAME="localhost")
    assert sign_in(client, start="/sign-in/oidc/?next=/exceptions/")["Location"] == "/exceptions/"
    client = Client(SERVER_NAME="localhost")
    assert sign_in(client, start="/sign-in/oidc/?next=https://evil.example/")["Location"] == "/"


def test_a_switched_off_user_is_refused(oidc):
    oidc.person = {"sub": "subject-off", "preferred_username": "leaver@council.example"}
    sign_in(Client(SERVER_NAME="localhost"))
    user = oidc_user(oidc, "subject-off")
    user.is_active = False
    user.save()
    client = Client(SERVER_NAME="localhost")
    assert sign_in(client).status_code == 400
    assert "_auth_user_id" not in client.session


# --- refused answers ---------------------------------------------------------------------
def forged_signature(provider):
    provider.signing_key = new_key()  # same key ID, a key the provider never published


REFUSALS = {
    "a signature by another key": forged_signature,
    "another audience": lambda p: p.tamper.update(aud="another-app", azp=p.client_id),
    "another issuer": lambda p: p.tamper.update(iss="http://127.0.0.1:1"),
    "another nonce": lambda p: p.tamper.update(nonce="not-the-nonce-we-sent"),
    "an expired token": lambda p: p.tamper.update(exp=1_000_000_000, iat=999_990_000),
    "no subject": lambda p: p.tamper.update(sub=None),
    "no ID token at all": lambda p: setattr(p, "omit_id_token", True),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_id_token_is_refused_and_logged(oidc, case):
    oidc.person = {"sub": f"subject-{case}", "preferred_username": "mallory@council.example"}
    REFUSALS[case](oidc)
    client = Client(SERVER_NAME="localhost")
    response = sign_in(client)
    assert response.status_code == 400
    assert "You could not be signed in" in visible_text(response)
    assert "_auth_user_id" not in client.session and client.get("/").status_code == 302
    assert oidc_user(oidc, f"subject-{case}") is None
    assert last_sign_in_event().action == "sign-in failed"
    for leak in ["eyJ", "Traceback", "nonce", oidc.client_secret]:
        assert leak not in markup_without_tokens(response)


def test_a_changed_or_missing_state_is_refused(oidc):
    client = Client(SERVER_NAME="localhost")
    url = authorise(client)
    changed = url.replace("state=", "state=x")
    assert callback(client, changed).status_code == 400
    assert "_auth_user_id" not in client.session
    other_browser = Client(SERVER_NAME="localhost")  # the callback arrives in a browser that never started
    assert callback(other_browser, authorise(client)).status_code == 400
    assert "_auth_user_id" not in other_browser.session


def test_a_callback_used_twice_is_refused_the_second_time(oidc):
    oidc.person = {"sub": "subject-replay", "preferred_username": "replay@council.example"}
    client = Client(SERVER_NAME="localhost")
    url = authorise(client)
    assert callback(client, url).status_code == 302
    replay = Client(SERVER_NAME="localhost")
    assert callback(replay, url).status_code == 400


def test_an_error_from_the_provider_is_refused_without_echoing_it(oidc):
    client = Client(SERVER_NAME="localhost")
    url = authorise(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = client.get("/sign-in/oidc/callback/", {"error": "access_denied", "state": state,
                                                      "error_description": "<script>x</script>"})
    assert response.status_code == 400 and b"<script>x" not in response.content


def test_a_provider_that_cannot_be_reached_gives_a_plain_page(app):
    config = OIDCConfig(issuer="http://127.0.0.1:9", client_id="x", client_secret="y")  # nothing listens
    with override_settings(HEADWAY_OIDC=config):
        response = Client(SERVER_NAME="localhost").get("/sign-in/oidc/")
    assert response.status_code == 502 and "You could not be signed in" in visible_text(response)


def test_a_discovery_document_naming_another_issuer_is_refused(app, provider):
    config = OIDCConfig(issuer=provider.issuer + "/", client_id=provider.client_id, client_secret="y")
    with override_settings(HEADWAY_OIDC=config):
        assert Client(SERVER_NAME="localhost").get("/sign-in/oidc/").status_code == 502


# --- settings ---------------------------------------------------------------------------------
ENTRA = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"


def test_settings_come_from_the_environment_or_headway_toml(tmp_path):
    assert oidc_config(tmp_path, environ={}) is None
    config = oidc_config(tmp_path, environ={"HEADWAY_OIDC_ISSUER": ENTRA, "HEADWAY_OIDC_CLIENT_ID": "app-id",
                                            "HEADWAY_OIDC_CLIENT_SECRET": "s3cret"})
    assert (config.issuer, config.client_id, config.client_secret) == (ENTRA, "app-id", "s3cret")
    assert "s3cret" not in repr(config)
    secret = tmp_path / "oidc_secret"
    secret.write_text("from-a-file\n")
    secret.chmod(0o600)
    (tmp_path / "headway.toml").write_text(
        f'[oidc]\nissuer = "{ENTRA}"\nclient_id = "toml-id"\nclient_secret_file = "oidc_secret"\n'
        'label = "Sign in with Contoso"\n')
    config = oidc_config(tmp_path, environ={})
    assert (config.client_id, config.client_secret, config.label) == ("toml-id", "from-a-file", "Sign in with Contoso")


@pytest.mark.parametrize("environ, toml, message", [
    ({"HEADWAY_OIDC_ISSUER": "http://login.council.example"}, "", "must be an https:// address"),
    ({"HEADWAY_OIDC_ISSUER": ENTRA, "HEADWAY_OIDC_CLIENT_SECRET": "s"}, "", "needs a client ID"),
    ({"HEADWAY_OIDC_ISSUER": ENTRA, "HEADWAY_OIDC_CLIENT_ID": "a"}, "", "needs a client secret"),
    ({}, f'[oidc]\nissuer = "{ENTRA}"\nclient_id = "a"\nclient_secret = "s"\n', "must not hold"),
    ({}, f'[oidc]\nissuer = "{ENTRA}"\nclient_id = "a"\nclient_secret_file = "nope"\n', "does not exist"),
])
def test_bad_settings_stop_the_server_with_a_message(tmp_path, environ, toml, message):
    if toml:
        (tmp_path / "headway.toml").write_text(toml)
    with pytest.raises(HeadwayError, match=message):
        oidc_config(tmp_path, environ=environ)


def test_a_secret_file_others_can_read_is_refused(tmp_path):
    secret = tmp_path / "oidc_secret"
    secret.write_text("s3cret")
    secret.chmod(0o644)
    (tmp_path / "headway.toml").write_text(
        f'[oidc]\nissuer = "{ENTRA}"\nclient_id = "a"\nclient_secret_file = "{secret}"\n')
    with pytest.raises(HeadwayError, match="can be read by other users"):
        oidc_config(tmp_path, environ={})
