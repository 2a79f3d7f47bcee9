"""OAuth2 as Xero does it: authorize, code exchange, refresh rotation, revocation, connections."""

from urllib.parse import parse_qs, urlparse

import requests

from .sandbox_helpers import REDIRECT_URI, authorize, refresh


def test_authorize_shows_a_chooser_when_there_are_several_organisations(sandbox):
    answer = requests.get(
        sandbox.authorize_url,
        params={
            "response_type": "code",
            "client_id": sandbox.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid offline_access accounting.contacts",
            "state": "xyz",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    assert "Demo Company (UK)" in answer.text and "Demo Company (AU)" in answer.text
    uk_id = next(t for t, o in sandbox.state.orgs.items() if o.name == "Demo Company (UK)")
    chosen = requests.post(answer.url, data={"tenant": uk_id}, allow_redirects=False, timeout=10)
    assert chosen.status_code == 302
    query = parse_qs(urlparse(chosen.headers["Location"]).query)
    assert query["state"] == ["xyz"] and query["code"]


def test_authorize_approves_by_itself_with_one_organisation(sandbox):
    sandbox.state.orgs = {k: v for k, v in list(sandbox.state.orgs.items())[:1]}
    answer = requests.get(
        sandbox.authorize_url,
        params={
            "response_type": "code",
            "client_id": sandbox.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid offline_access",
            "state": "s",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302 and "code=" in answer.headers["Location"]


def test_code_exchange_with_pkce_and_with_client_secret(sandbox):
    with_pkce = authorize(sandbox, pkce=True)
    with_secret = authorize(sandbox, pkce=False)
    for token in (with_pkce, with_secret):
        assert token["token_type"] == "Bearer"
        assert token["expires_in"] == 1800
        assert token["refresh_token"] and token["access_token"] and token["id_token"]


def test_wrong_pkce_verifier_and_reused_code_are_invalid_grant(sandbox):
    params = {
        "response_type": "code",
        "client_id": sandbox.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid offline_access",
        "tenant": "all",
        "code_challenge": "abc" * 15,
        "code_challenge_method": "S256",
    }
    location = requests.get(
        sandbox.authorize_url, params=params, allow_redirects=False, timeout=10
    ).headers["Location"]
    code = parse_qs(urlparse(location).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": sandbox.client_id,
        "code_verifier": "not-the-verifier",
    }
    wrong = requests.post(sandbox.token_url, data=form, timeout=10)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    again = requests.post(sandbox.token_url, data=form, timeout=10)
    assert again.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_invalid_client(sandbox, token):
    answer = requests.post(
        sandbox.token_url,
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": sandbox.client_id,
            "client_secret": "wrong",
        },
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_client"}


def test_refresh_rotates_and_the_old_token_dies_after_the_grace_period(sandbox, token):
    first = refresh(sandbox, token["refresh_token"])
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != token["refresh_token"]
    # Within the grace period the old token still answers, with the same successor.
    within_grace = refresh(sandbox, token["refresh_token"])
    assert within_grace.status_code == 200
    assert within_grace.json()["refresh_token"] == rotated
    sandbox.clock.advance(sandbox.state.auth["refresh_grace_seconds"] + 1)
    reused = refresh(sandbox, token["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert refresh(sandbox, rotated).status_code == 200


def test_access_token_expires_after_30_minutes(sandbox, token, raw):
    assert raw.call("GET", "/Organisation").status_code == 200
    sandbox.clock.advance(30 * 60 + 1)
    expired = raw.call("GET", "/Organisation")
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired")


def test_revocation_kills_tokens_and_connections(sandbox, token, raw):
    answer = requests.post(
        sandbox.revoke_url,
        data={
            "token": token["refresh_token"],
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
        timeout=10,
    )
    assert answer.status_code == 200
    assert refresh(sandbox, token["refresh_token"]).json()["error"] == "invalid_grant"
    assert raw.call("GET", "/Organisation").status_code == 401


def test_connections_list_and_delete(sandbox, token, raw):
    headers = {"Authorization": "Bearer " + token["access_token"]}
    connections = requests.get(sandbox.connections_url, headers=headers, timeout=10).json()
    assert {c["tenantName"] for c in connections} == {"Demo Company (UK)", "Demo Company (AU)"}
    assert all(c["tenantType"] == "ORGANISATION" for c in connections)
    uk = next(c for c in connections if c["tenantName"] == "Demo Company (UK)")
    deleted = requests.delete(
        "%s/%s" % (sandbox.connections_url, uk["id"]), headers=headers, timeout=10
    )
    assert deleted.status_code == 204
    remaining = requests.get(sandbox.connections_url, headers=headers, timeout=10).json()
    assert [c["tenantName"] for c in remaining] == ["Demo Company (AU)"]
    forbidden = raw.call("GET", "/Organisation")
    assert forbidden.status_code == 403
    assert forbidden.json()["Detail"] == "AuthenticationUnsuccessful"


def test_missing_scope_is_refused(sandbox):
    token = authorize(sandbox, scope="openid offline_access accounting.contacts")
    tenant = sandbox.tenant_ids()[0]
    headers = {"Authorization": "Bearer " + token["access_token"], "xero-tenant-id": tenant}
    contacts = requests.get(sandbox.api_url + "/Contacts", headers=headers, timeout=10)
    invoices = requests.get(sandbox.api_url + "/Invoices", headers=headers, timeout=10)
    assert contacts.status_code == 200
    assert invoices.status_code == 401
    assert invoices.json()["Detail"] == "AuthorizationUnsuccessful"


def test_a_reset_may_put_back_earlier_authorisations_but_nothing_else(sandbox, token, raw, uk):
    kept = requests.get(sandbox.url + "/sandbox/authorisations", timeout=10).json()
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Before the reset"}]})
    requests.post(sandbox.url + "/connect/revocation", timeout=10)  # whatever happened since
    answer = requests.post(
        sandbox.url + "/sandbox/reset", json={"authorisations": kept}, timeout=10
    )
    assert answer.status_code == 200
    assert raw.call("GET", "/Organisation").status_code == 200, "connected as before"
    assert raw.call("GET", "/Contacts").json()["Contacts"] == []
    requests.post(sandbox.url + "/sandbox/reset", json={}, timeout=10)
    assert raw.call("GET", "/Organisation").status_code == 401
