"""Custom connections end to end against the sandbox over HTTP: the client-credentials grant
(``oauth.client_credentials_token``), calls without ``xero-tenant-id`` (``XeroClient`` with no
tenant), what Xero refuses, and the ``on_answer`` hook that counts calls."""

import logging
import time
import uuid

import pytest
import requests
from xero_python.accounting import Contact

from xero_client import AuthError, TransientError, XeroClient, XeroEndpoints, oauth
from xero_client.oauth import OAuthError
from xero_sandbox import Sandbox
from xero_sandbox.identity import BROAD_SCOPES, CUSTOM_CONNECTION_SCOPES

from .sandbox_helpers import REDIRECT_URI

CLIENT_ID = "custom-connection-app"
SECRET = "custom-connection-secret"


def register(sandbox, **app):
    answer = requests.post(sandbox.url + "/sandbox/apps", json=app, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def endpoints(sandbox):
    return XeroEndpoints.for_host(sandbox.url)


@pytest.fixture
def custom_app(sandbox, uk):
    return register(
        sandbox, client_id=CLIENT_ID, client_secret=SECRET, custom_connection_tenant=uk.tenant_id
    )


@pytest.fixture
def tokens(endpoints, custom_app):
    return oauth.client_credentials_token(endpoints, CLIENT_ID, SECRET)


@pytest.fixture
def client(endpoints, tokens):
    return XeroClient(endpoints, tokens.access_token, None)


@pytest.fixture
def received_headers(sandbox, monkeypatch):
    """The headers of each Accounting API call, as the sandbox read them off the wire."""
    seen = []
    handle = sandbox.api.handle

    def recording(request, api_path):
        seen.append({name.lower(): value for name, value in request.headers.items()})
        return handle(request, api_path)

    monkeypatch.setattr(sandbox.api, "handle", recording)
    return seen


def token_answer(sandbox, form, auth=None):
    return requests.post(sandbox.token_url, data=form, auth=auth, timeout=10)


# -- the app and its token --------------------------------------------------------------------
def test_a_custom_connection_is_bound_to_one_organisation_with_granular_scopes(
    sandbox, custom_app, uk
):
    assert custom_app["custom_connection_tenant"] == uk.tenant_id
    assert custom_app["redirect_uris"] == []
    assert set(custom_app["scopes"]) == CUSTOM_CONNECTION_SCOPES
    assert {"accounting.contacts", "accounting.invoices"} <= CUSTOM_CONNECTION_SCOPES
    assert not BROAD_SCOPES & CUSTOM_CONNECTION_SCOPES
    listed = requests.get(sandbox.url + "/sandbox/apps", timeout=10).json()[CLIENT_ID]
    assert listed == {
        "redirect_uris": [],
        "custom_connection_tenant": uk.tenant_id,
        "scopes": custom_app["scopes"],
    }
    chosen = register(
        sandbox,
        client_id="narrow",
        client_secret=SECRET,
        custom_connection_tenant=uk.tenant_id.upper(),
        scopes=["accounting.contacts", "accounting.settings.read"],
    )
    assert chosen["custom_connection_tenant"] == uk.tenant_id
    assert chosen["scopes"] == ["accounting.contacts", "accounting.settings.read"]


@pytest.mark.parametrize(
    "app, why",
    [
        ({"custom_connection_tenant": str(uuid.uuid4())}, "Unknown tenant"),
        ({"scopes": ["accounting.contacts", "payroll.everything"]}, "Unknown scopes"),
        ({"scopes": []}, "scopes must be a list"),
        ({"redirect_uris": [REDIRECT_URI]}, "no redirect URIs"),
    ],
)
def test_a_custom_connection_the_sandbox_cannot_make_is_refused(sandbox, uk, app, why):
    body = dict(client_id="bad", client_secret=SECRET, custom_connection_tenant=uk.tenant_id)
    answer = requests.post(sandbox.url + "/sandbox/apps", json=dict(body, **app), timeout=10)
    assert answer.status_code == 400 and why in answer.json()["error"]
    assert "bad" not in sandbox.state.apps


def test_the_token_lasts_30_minutes_and_comes_without_refresh_or_id_token(
    sandbox, endpoints, custom_app
):
    before = time.time()
    tokens = oauth.client_credentials_token(endpoints, CLIENT_ID, SECRET)
    assert tokens.access_token and tokens.refresh_token is None and tokens.id_token is None
    assert sorted(tokens.scope.split()) == sorted(custom_app["scopes"])
    assert before + 1799 <= tokens.expires_at <= time.time() + 1800
    answer = token_answer(sandbox, {"grant_type": "client_credentials"}, (CLIENT_ID, SECRET))
    assert answer.status_code == 200
    assert set(answer.json()) == {"access_token", "expires_in", "token_type", "scope"}
    assert (answer.json()["expires_in"], answer.json()["token_type"]) == (1800, "Bearer")
    in_form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}
    assert token_answer(sandbox, in_form).status_code == 200


def test_scopes_asked_for_are_the_ones_granted_and_others_are_invalid_scope(endpoints, custom_app):
    contacts_only = oauth.client_credentials_token(
        endpoints, CLIENT_ID, SECRET, scopes=["accounting.contacts"]
    )
    assert contacts_only.scope == "accounting.contacts"
    client = XeroClient(endpoints, contacts_only.access_token, None)
    assert client.get_contacts() == []
    with pytest.raises(AuthError) as caught:
        client.get_page("Invoices")
    assert caught.value.reason == "missing_scope"
    with pytest.raises(OAuthError) as refused:
        oauth.client_credentials_token(
            endpoints, CLIENT_ID, SECRET, scopes="accounting.contacts accounting.transactions"
        )
    assert refused.value.error == "invalid_scope" and refused.value.status == 400


# -- calls without xero-tenant-id -------------------------------------------------------------
def test_a_contact_is_created_and_read_without_the_tenant_header(
    client, sandbox, uk, au, received_headers
):
    [saved] = client.save_contacts([Contact(name="Custom Co", email_address="c@example.com")], "k")
    assert saved.ok
    contact_id = saved.data.contact_id
    assert client.get_contact(contact_id).name == "Custom Co"
    assert [c["Name"] for c in uk.all("Contacts")] == ["Custom Co"]
    assert au.all("Contacts") == []
    assert len(received_headers) == 2
    assert all("xero-tenant-id" not in headers for headers in received_headers)
    assert [entry["tenant"] for entry in sandbox.state.request_log] == [None, None]
    assert client.day_limit_remaining == 4998  # the organisation's own limits, as with a header
    assert sandbox.limiter.remaining(uk.tenant_id)["X-DayLimit-Remaining"] == 4998


def test_connections_list_the_one_organisation(endpoints, tokens, uk):
    [connection] = oauth.list_connections(endpoints, tokens.access_token)
    assert (connection["tenantId"], connection["tenantName"]) == (uk.tenant_id, uk.name)
    assert connection["tenantType"] == "ORGANISATION" and connection["authEventId"]


def test_a_header_may_name_its_own_organisation_but_no_other(endpoints, tokens, uk, au):
    assert XeroClient(endpoints, tokens.access_token, uk.tenant_id).get_organisation().name == (
        uk.name
    )
    with pytest.raises(AuthError) as caught:
        XeroClient(endpoints, tokens.access_token, au.tenant_id).get_organisation()
    assert caught.value.status == 403


def test_an_ordinary_token_still_needs_the_header(endpoints, token):
    with pytest.raises(AuthError) as caught:
        XeroClient(endpoints, token["access_token"], None).get_organisation()
    assert caught.value.status == 403 and caught.value.reason == "tenant_disconnected"


def test_the_token_expires_after_30_minutes_of_sandbox_time(sandbox, endpoints, client, uk):
    sandbox.clock.advance(1790)
    assert client.get_organisation().name == uk.name
    sandbox.clock.advance(20)
    with pytest.raises(AuthError) as caught:
        client.get_organisation()
    assert caught.value.status == 401 and caught.value.token_expired
    fresh = oauth.client_credentials_token(endpoints, CLIENT_ID, SECRET)
    assert XeroClient(endpoints, fresh.access_token, None).get_organisation().name == uk.name


def test_the_custom_connection_survives_a_restart_from_the_state_file(tmp_path):
    state_file = str(tmp_path / "sandbox.json")
    first = Sandbox(state_file=state_file)
    tenant = first.tenant_ids()[1]
    first.actions.register_app(CLIENT_ID, SECRET, custom_connection_tenant=tenant)
    second = Sandbox(state_file=state_file).start()
    try:
        endpoints = XeroEndpoints.for_host(second.url)
        tokens = oauth.client_credentials_token(endpoints, CLIENT_ID, SECRET)
        organisation = XeroClient(endpoints, tokens.access_token, None).get_organisation()
        assert organisation.name == second.state.org(tenant).name
        assert second.state.apps[CLIENT_ID]["scopes"] == sorted(CUSTOM_CONNECTION_SCOPES)
    finally:
        second.stop()


# -- what Xero refuses ------------------------------------------------------------------------
def test_a_wrong_or_missing_secret_is_invalid_client(sandbox, endpoints, custom_app):
    for secret in ("not-the-secret", None):
        with pytest.raises(OAuthError) as caught:
            oauth.client_credentials_token(endpoints, CLIENT_ID, secret)
        assert caught.value.error == "invalid_client" and caught.value.needs_reconnect


def test_a_custom_connection_without_a_secret_gets_no_token(sandbox, endpoints, uk):
    register(sandbox, client_id="no-secret", custom_connection_tenant=uk.tenant_id)
    for secret in ("anything", None):
        with pytest.raises(OAuthError) as caught:
            oauth.client_credentials_token(endpoints, "no-secret", secret)
        assert caught.value.error == "invalid_client"
    empty = token_answer(sandbox, {"grant_type": "client_credentials"}, ("no-secret", ""))
    assert (empty.status_code, empty.json()["error"]) == (400, "invalid_client")


def test_an_ordinary_app_may_not_use_client_credentials(sandbox, endpoints):
    with pytest.raises(OAuthError) as caught:
        oauth.client_credentials_token(endpoints, sandbox.client_id, sandbox.client_secret)
    assert caught.value.error == "unauthorized_client" and caught.value.status == 400


def test_a_custom_connection_may_use_no_other_grant(sandbox, endpoints, custom_app):
    page = requests.get(
        sandbox.authorize_url,
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "accounting.contacts",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert page.status_code == 400 and "redirect_uri is not registered" in page.text
    code = {"grant_type": "authorization_code", "code": "c", "redirect_uri": REDIRECT_URI}
    answer = token_answer(sandbox, code, (CLIENT_ID, SECRET))
    assert (answer.status_code, answer.json()["error"]) == (400, "unauthorized_client")
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(endpoints, CLIENT_ID, SECRET, "sbx_rt_any-refresh-token")
    assert caught.value.error == "unauthorized_client"
    other = token_answer(sandbox, {"grant_type": "password"}, (CLIENT_ID, SECRET))
    assert other.json()["error"] == "unsupported_grant_type"


def test_re_registering_a_custom_connection_moves_it_to_its_new_organisation(
    sandbox, endpoints, tokens, custom_app, au
):
    register(
        sandbox, client_id=CLIENT_ID, client_secret=SECRET, custom_connection_tenant=au.tenant_id
    )
    with pytest.raises(AuthError) as caught:
        XeroClient(endpoints, tokens.access_token, None).get_organisation()
    assert caught.value.status == 403
    fresh = oauth.client_credentials_token(endpoints, CLIENT_ID, SECRET)
    assert [c["tenantId"] for c in oauth.list_connections(endpoints, fresh.access_token)] == [
        au.tenant_id
    ]
    assert XeroClient(endpoints, fresh.access_token, None).get_organisation().name == au.name


# -- on_answer --------------------------------------------------------------------------------
def test_on_answer_hears_of_every_call_with_its_status(sandbox, endpoints, tokens):
    heard = []
    client = XeroClient(
        endpoints, tokens.access_token, None, on_answer=lambda *answer: heard.append(answer)
    )
    client.get_organisation()
    assert client.get_contact(str(uuid.uuid4())) is None
    fault = {"kind": "drop_before_write", "path": "/Organisation", "times": 1}
    assert requests.post(sandbox.url + "/sandbox/faults", json=fault, timeout=10).ok
    with pytest.raises(TransientError):
        client.get_organisation()
    fault = {"kind": "error", "status": 503, "path": "/Organisation", "times": 1}
    assert requests.post(sandbox.url + "/sandbox/faults", json=fault, timeout=10).ok
    with pytest.raises(TransientError):
        client.get_organisation()
    assert [(name, status) for name, status, _ in heard] == [
        ("get_organisations", 200),
        ("get_contact", 404),
        ("get_organisations", None),
        ("get_organisations", 503),
    ]
    assert all(isinstance(ms, int) and ms >= 0 for _, _, ms in heard)


def test_a_failing_on_answer_never_hides_the_calls_own_outcome(endpoints, tokens, uk, caplog):
    def broken(*answer):
        raise RuntimeError("the counter is broken")

    client = XeroClient(endpoints, tokens.access_token, None, on_answer=broken)
    with caplog.at_level(logging.WARNING, logger="xero_client"):
        assert client.get_organisation().name == uk.name
        with pytest.raises(AuthError):
            XeroClient(endpoints, "sbx_at_not-a-token", None, on_answer=broken).get_organisation()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("on_answer" in w and "the counter is broken" in w for w in warnings)
