"""xero_client.oauth against the sandbox's identity service over HTTP."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from xero_client import DEFAULT_SCOPES, TransientError, XeroClient, XeroEndpoints, oauth
from xero_client.errors import AuthError, RateLimited
from xero_client.oauth import OAuthError, TokenSet

REDIRECT_URI = "http://localhost/xero/callback"


@pytest.fixture
def endpoints(sandbox):
    return XeroEndpoints.for_host(sandbox.url)


def approve(endpoints, sandbox, scopes=DEFAULT_SCOPES, tenant="all"):
    """What the browser does: open the authorize URL, approve, land on the redirect URI."""
    verifier, challenge = oauth.new_pkce_pair()
    state = oauth.new_state()
    url = oauth.authorization_url(
        endpoints, sandbox.client_id, REDIRECT_URI, state, challenge, scopes
    )
    answer = requests.get(url, params={"tenant": tenant}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = urlparse(answer.headers["Location"])
    query = parse_qs(location.query)
    assert location.path == "/xero/callback"
    assert query["state"] == [state]
    return query["code"][0], verifier


def connect(endpoints, sandbox, secret=None, scopes=DEFAULT_SCOPES):
    code, verifier = approve(endpoints, sandbox, scopes)
    return oauth.exchange_code(endpoints, sandbox.client_id, secret, code, REDIRECT_URI, verifier)


# -- authorize URL and PKCE -------------------------------------------------------------------
def test_authorization_url_asks_for_granular_scopes_with_s256_pkce():
    verifier, challenge = oauth.new_pkce_pair()
    url = oauth.authorization_url(XeroEndpoints(), "CID", REDIRECT_URI, "st8", challenge)
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    assert url.startswith("https://login.xero.com/identity/connect/authorize?")
    assert query == {
        "response_type": "code",
        "client_id": "CID",
        "redirect_uri": REDIRECT_URI,
        "scope": DEFAULT_SCOPES,
        "state": "st8",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    assert "accounting.transactions" not in DEFAULT_SCOPES
    assert 43 <= len(verifier) <= 128 and verifier != challenge
    assert oauth.new_pkce_pair()[0] != verifier
    assert len(oauth.new_state()) >= 32 and oauth.new_state() != oauth.new_state()


# -- code flow, connections -------------------------------------------------------------------
def test_code_flow_with_pkce_only_gives_tokens_and_both_connections(endpoints, sandbox):
    before = time.time()
    tokens = connect(endpoints, sandbox)
    assert tokens.access_token and tokens.refresh_token and tokens.id_token
    assert "offline_access" in tokens.scope.split()
    assert before + 1700 < tokens.expires_at < time.time() + 1801
    connections = oauth.list_connections(endpoints, tokens.access_token)
    assert sorted(c["tenantName"] for c in connections) == [
        "Demo Company (AU)",
        "Demo Company (UK)",
    ]
    assert {c["tenantType"] for c in connections} == {"ORGANISATION"}
    assert {c["tenantId"] for c in connections} == set(sandbox.tenant_ids())
    assert all(c["id"] for c in connections)


def test_code_flow_with_a_client_secret(endpoints, sandbox):
    tokens = connect(endpoints, sandbox, secret=sandbox.client_secret)
    assert len(oauth.list_connections(endpoints, tokens.access_token)) == 2


def test_a_code_is_single_use_and_bound_to_its_verifier(endpoints, sandbox):
    code, verifier = approve(endpoints, sandbox)
    with pytest.raises(OAuthError) as wrong_verifier:
        oauth.exchange_code(endpoints, sandbox.client_id, None, code, REDIRECT_URI, verifier + "x")
    assert wrong_verifier.value.error == "invalid_grant"
    code, verifier = approve(endpoints, sandbox)
    oauth.exchange_code(endpoints, sandbox.client_id, None, code, REDIRECT_URI, verifier)
    with pytest.raises(OAuthError) as reused:
        oauth.exchange_code(endpoints, sandbox.client_id, None, code, REDIRECT_URI, verifier)
    assert reused.value.needs_reconnect


def test_delete_connection_disconnects_one_organisation(endpoints, sandbox, uk):
    tokens = connect(endpoints, sandbox)
    connections = oauth.list_connections(endpoints, tokens.access_token)
    uk_connection = next(c for c in connections if c["tenantId"] == uk.tenant_id)
    oauth.delete_connection(endpoints, tokens.access_token, uk_connection["id"])
    left = oauth.list_connections(endpoints, tokens.access_token)
    assert [c["tenantName"] for c in left] == ["Demo Company (AU)"]


def test_connections_with_a_bad_token_is_an_auth_error(endpoints):
    with pytest.raises(AuthError) as caught:
        oauth.list_connections(endpoints, "not-a-token-at-all")
    assert caught.value.status == 401 and caught.value.reason == "token_invalid"
    assert "not-a-token-at-all" not in str(caught.value)


def test_connections_with_an_expired_token_says_refresh_as_the_api_does(endpoints, sandbox, uk):
    tokens = connect(endpoints, sandbox)
    sandbox.clock.advance(1801)
    with pytest.raises(AuthError) as from_connections:
        oauth.list_connections(endpoints, tokens.access_token)
    with pytest.raises(AuthError) as from_the_api:
        XeroClient(endpoints, tokens.access_token, uk.tenant_id).get_organisation()
    assert from_connections.value.token_expired
    assert from_connections.value.message == from_the_api.value.message


# -- refresh, rotation, revocation ------------------------------------------------------------
def test_refresh_rotates_the_refresh_token(endpoints, sandbox):
    first = connect(endpoints, sandbox)
    second = oauth.refresh_tokens(endpoints, sandbox.client_id, None, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert len(oauth.list_connections(endpoints, second.access_token)) == 2
    third = oauth.refresh_tokens(endpoints, sandbox.client_id, None, second.refresh_token)
    assert third.refresh_token not in (first.refresh_token, second.refresh_token)


def test_the_old_refresh_token_within_the_grace_period_gets_the_same_successor(endpoints, sandbox):
    """Two workers refreshing one token at once both end up with one valid refresh token."""
    first = connect(endpoints, sandbox)
    one = oauth.refresh_tokens(endpoints, sandbox.client_id, None, first.refresh_token)
    two = oauth.refresh_tokens(endpoints, sandbox.client_id, None, first.refresh_token)
    assert one.refresh_token == two.refresh_token


def test_a_rotated_refresh_token_after_the_grace_period_needs_a_reconnect(endpoints, sandbox):
    first = connect(endpoints, sandbox)
    oauth.refresh_tokens(endpoints, sandbox.client_id, None, first.refresh_token)
    sandbox.actions.set_limits({"refresh_grace_seconds": 60})
    sandbox.clock.advance(61)
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(endpoints, sandbox.client_id, None, first.refresh_token)
    error = caught.value
    assert (error.error, error.needs_reconnect, error.status) == ("invalid_grant", True, 400)
    assert "reconnect" in error.message
    assert first.refresh_token not in str(error) and first.refresh_token not in repr(error)


def test_a_wrong_client_secret_is_invalid_client(endpoints, sandbox):
    tokens = connect(endpoints, sandbox, secret=sandbox.client_secret)
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(
            endpoints, sandbox.client_id, "wrong-secret-value", tokens.refresh_token
        )
    assert caught.value.error == "invalid_client" and caught.value.needs_reconnect
    assert "wrong-secret-value" not in str(caught.value)


def test_revoke_ends_the_grant_and_its_connections(endpoints, sandbox):
    tokens = connect(endpoints, sandbox, secret=sandbox.client_secret)
    oauth.revoke(endpoints, sandbox.client_id, sandbox.client_secret, tokens.refresh_token)
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(
            endpoints, sandbox.client_id, sandbox.client_secret, tokens.refresh_token
        )
    assert caught.value.needs_reconnect
    with pytest.raises(AuthError):
        oauth.list_connections(endpoints, tokens.access_token)


def test_invalid_scope_is_not_a_reconnect_error():
    error = OAuthError("invalid_scope", "Unknown scope: accounting.everything")
    assert not error.needs_reconnect
    assert "accounting.everything" in error.message


# -- TokenSet ---------------------------------------------------------------------------------
def test_token_set_expiry_and_repr_hide_the_tokens():
    tokens = TokenSet.from_answer(
        {
            "access_token": "AT-secret-123456",
            "refresh_token": "RT-secret-123456",
            "expires_in": 1800,
            "scope": "openid",
        },
        now=1000,
    )
    assert tokens.expires_at == 2800
    assert tokens.expires_within(60, now=2741)
    assert not tokens.expires_within(60, now=2739)
    assert "secret" not in repr(tokens)


# -- transport failures -----------------------------------------------------------------------
class FakeIdentity(BaseHTTPRequestHandler):
    """Answers every POST with the status and headers the test sets on the server."""

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(self.server.status)
        for name, value in self.server.extra_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_identity():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeIdentity)
    server.status, server.extra_headers = 503, {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_identity_5xx_is_transient(fake_identity):
    endpoints = XeroEndpoints.for_host("http://127.0.0.1:%d" % fake_identity.server_port)
    with pytest.raises(TransientError) as caught:
        oauth.refresh_tokens(endpoints, "CID", "SECRET-abcdefgh", "RT-abcdefgh")
    assert caught.value.status == 503 and not isinstance(caught.value, OAuthError)


def test_identity_429_is_rate_limited(fake_identity):
    fake_identity.status = 429
    fake_identity.extra_headers = {"Retry-After": "17", "X-Rate-Limit-Problem": "minute"}
    endpoints = XeroEndpoints.for_host("http://127.0.0.1:%d" % fake_identity.server_port)
    with pytest.raises(RateLimited) as caught:
        oauth.refresh_tokens(endpoints, "CID", None, "RT-abcdefgh")
    assert (caught.value.retry_after, caught.value.problem) == (17, "minute")


def test_identity_and_api_answers_are_read_alike(fake_identity):
    """One reader for every error answer: a day limit says hours, from either service."""
    fake_identity.status = 429
    fake_identity.extra_headers = {"Retry-After": "7200", "X-Rate-Limit-Problem": "day"}
    endpoints = XeroEndpoints.for_host("http://127.0.0.1:%d" % fake_identity.server_port)
    with pytest.raises(RateLimited) as caught:
        oauth.refresh_tokens(endpoints, "CID", None, "RT-abcdefgh")
    assert caught.value.is_day_limit and "about 2 hours" in caught.value.message
    fake_identity.status = 400
    fake_identity.extra_headers = {}
    with pytest.raises(OAuthError) as refused:
        oauth.revoke(endpoints, "CID", None, "RT-abcdefgh")
    assert (refused.value.error, refused.value.status) == ("http_400", 400)


def test_an_unreachable_identity_service_is_transient(unused_port):
    endpoints = XeroEndpoints.for_host("http://127.0.0.1:%d" % unused_port)
    started = time.monotonic()
    with pytest.raises(TransientError):
        oauth.exchange_code(
            endpoints, "CID", None, "CODE-abcdefgh", REDIRECT_URI, "v" * 43, timeout=(1, 1)
        )
    with pytest.raises(TransientError):
        oauth.list_connections(endpoints, "AT-abcdefgh", timeout=(1, 1))
    assert time.monotonic() - started < 3


@pytest.fixture
def unused_port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeIdentity)
    port = server.server_port
    server.server_close()
    return port
