"""A refused access token (401) is renewed once through ``renew_token`` and the call made
once more; a second refusal, or a refused renewal, is the caller's."""

import pytest
import requests

from xero_client import AuthError, XeroClient, XeroEndpoints, oauth

CLIENT_ID = "renewal-app"
SECRET = "renewal-secret"


@pytest.fixture
def endpoints(sandbox, uk):
    answer = requests.post(
        sandbox.url + "/sandbox/apps",
        json={
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "custom_connection_tenant": uk.tenant_id,
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return XeroEndpoints.for_host(sandbox.url)


def new_token(endpoints):
    return oauth.client_credentials_token(endpoints, CLIENT_ID, SECRET).access_token


def expire_every_token(sandbox):
    requests.post(sandbox.url + "/sandbox/tokens/expire", timeout=10).raise_for_status()


def statuses(sandbox):
    return [r["status"] for r in requests.get(sandbox.url + "/sandbox/requests", timeout=10).json()]


def test_a_refused_token_is_renewed_once_and_the_call_made_again(sandbox, endpoints):
    renewals = []

    def renew():
        renewals.append(1)
        return new_token(endpoints)

    client = XeroClient(endpoints, new_token(endpoints), None, renew_token=renew)
    expire_every_token(sandbox)
    assert client.get_organisation().name
    assert client.get_organisation().name, "the client keeps the new token"
    assert len(renewals) == 1
    assert statuses(sandbox) == [401, 200, 200]


def test_a_second_refusal_after_the_renewal_is_raised(sandbox, endpoints):
    def renew():
        token = new_token(endpoints)
        expire_every_token(sandbox)  # revoked as soon as it was given
        return token

    client = XeroClient(endpoints, new_token(endpoints), None, renew_token=renew)
    expire_every_token(sandbox)
    with pytest.raises(AuthError):
        client.get_organisation()
    assert statuses(sandbox) == [401, 401]


def test_a_refused_renewal_is_raised_after_one_call(sandbox, endpoints):
    class Dead(Exception):
        pass

    def renew():
        raise Dead("reconnect")

    client = XeroClient(endpoints, new_token(endpoints), None, renew_token=renew)
    expire_every_token(sandbox)
    with pytest.raises(Dead):
        client.get_organisation()
    assert statuses(sandbox) == [401]


def test_without_renew_token_a_refusal_is_raised(sandbox, endpoints):
    client = XeroClient(endpoints, new_token(endpoints), None)
    expire_every_token(sandbox)
    with pytest.raises(AuthError) as refused:
        client.get_organisation()
    assert refused.value.reason == "token_expired"
