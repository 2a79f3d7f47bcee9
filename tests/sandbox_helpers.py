"""Helpers the plain-Python tests share: run the OAuth flow over HTTP and build SDK clients."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import requests
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token

REDIRECT_URI = "http://localhost/callback"
ALL_SCOPES = (
    "openid profile email offline_access accounting.contacts accounting.settings "
    "accounting.invoices accounting.payments accounting.attachments"
)


def authorize(sandbox, tenant="all", scope=ALL_SCOPES, pkce=True):
    """The authorization-code flow as a browser and a server do it; returns the token answer."""
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code",
        "client_id": sandbox.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "s1",
    }
    if pkce:
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        params.update(code_challenge=challenge, code_challenge_method="S256")
    if tenant:
        params["tenant"] = tenant
    answer = requests.get(sandbox.authorize_url, params=params, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlparse(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": REDIRECT_URI,
        "client_id": sandbox.client_id,
    }
    if pkce:
        form["code_verifier"] = verifier
    else:
        form["client_secret"] = sandbox.client_secret
    token = requests.post(sandbox.token_url, data=form, timeout=10)
    assert token.status_code == 200, token.text
    return token.json()


def refresh(sandbox, refresh_token, secret=True):
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": sandbox.client_id,
    }
    if secret:
        form["client_secret"] = sandbox.client_secret
    return requests.post(sandbox.token_url, data=form, timeout=10)


def accounting_api(sandbox, token):
    configuration = Configuration(
        oauth2_token=OAuth2Token(client_id=sandbox.client_id, client_secret=sandbox.client_secret)
    )
    client = ApiClient(
        configuration,
        pool_threads=1,
        oauth2_token_getter=lambda: token,
        oauth2_token_saver=lambda t: None,
    )
    client.rest_client.pool_manager.connection_pool_kw["retries"] = False
    client.set_oauth2_token(token)
    return AccountingApi(client, base_url=sandbox.api_url)


class Raw:
    """Plain HTTP calls to the Accounting API, for what the SDK cannot express."""

    def __init__(self, sandbox, token, tenant_id):
        self.sandbox = sandbox
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": "Bearer " + token["access_token"],
                "xero-tenant-id": tenant_id,
                "Accept": "application/json",
            }
        )

    def call(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.sandbox.api_url + path, **kwargs)
