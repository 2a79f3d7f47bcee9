"""Xero's OAuth2 identity service over plain ``requests``: code flow with PKCE, refresh,
revocation and connections.

The SDK's own refresh takes no lock, so two workers refreshing at once lose the rotated token:
the caller refreshes with these functions while holding a lock on its connection record.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests

from .endpoints import DEFAULT_SCOPES
from .errors import AuthError, RateLimited, TransientError, XeroError
from .masking import get_logger, mask, remember_secret

_logger = get_logger(__name__)
# One number (connect and read each): Odoo's HTTP test harness compares it with an int.
DEFAULT_TIMEOUT = 30
RECONNECT_ERRORS = ("invalid_grant", "invalid_client", "unauthorized_client")
OAUTH_MESSAGES = {
    "invalid_grant": "Xero no longer accepts this connection's authorisation (expired, revoked "
    "or already used): reconnect the Xero organisation.",
    "invalid_client": "Xero does not recognise the app's client id or secret: check them in "
    "the Xero settings, then reconnect.",
    "unauthorized_client": "This Xero app may not use this kind of authorisation: check the "
    "app in Xero's developer portal, then reconnect.",
    "invalid_scope": "Xero refused the requested permissions (scopes).",
    "access_denied": "The Xero connection was not approved.",
}


class OAuthError(XeroError):
    """The identity service refused: ``error`` is OAuth's code (e.g. ``invalid_grant``)."""

    def __init__(self, error, description=None, status=None):
        self.error = error or "unknown_error"
        self.description = mask(description) if description else None
        message = OAUTH_MESSAGES.get(
            self.error, "Xero refused the authorisation request (%s)." % self.error
        )
        if self.description:
            message = "%s Xero said: %s" % (message, self.description)
        super().__init__(message, status)

    @property
    def needs_reconnect(self):
        return self.error in RECONNECT_ERRORS


@dataclass
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    scope: str = ""
    id_token: str = field(default=None, repr=False)

    @classmethod
    def from_answer(cls, answer, now=None):
        now = time.time() if now is None else now
        for name in ("access_token", "refresh_token", "id_token"):
            remember_secret(answer.get(name))
        return cls(
            access_token=answer["access_token"],
            refresh_token=answer.get("refresh_token"),
            expires_at=now + float(answer.get("expires_in") or 1800),
            scope=answer.get("scope") or "",
            id_token=answer.get("id_token"),
        )

    def expires_within(self, seconds, now=None):
        now = time.time() if now is None else now
        return self.expires_at - now <= seconds


# -- authorization code flow ------------------------------------------------------------------
def new_pkce_pair():
    """A PKCE ``(code_verifier, S256 code_challenge)`` pair."""
    verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 wants 43 to 128
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def new_state():
    return secrets.token_urlsafe(32)


def authorization_url(
    endpoints, client_id, redirect_uri, state, code_challenge, scopes=DEFAULT_SCOPES
):
    """The URL to send the user's browser to, to approve the connection."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scopes,
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return "%s?%s" % (endpoints.authorize_url, urlencode(params))


def exchange_code(
    endpoints, client_id, client_secret, code, redirect_uri, code_verifier, timeout=DEFAULT_TIMEOUT
):
    """Trade the authorization ``code`` for tokens. ``client_secret`` may be None (PKCE only)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    return TokenSet.from_answer(_token_request(endpoints, client_id, client_secret, form, timeout))


def refresh_tokens(endpoints, client_id, client_secret, refresh_token, timeout=DEFAULT_TIMEOUT):
    """New tokens for ``refresh_token``; Xero rotates it, so store the new one at once."""
    remember_secret(refresh_token)
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return TokenSet.from_answer(_token_request(endpoints, client_id, client_secret, form, timeout))


def revoke(endpoints, client_id, client_secret, refresh_token, timeout=DEFAULT_TIMEOUT):
    """Revoke the refresh token: Xero also removes the app's connections of that grant."""
    remember_secret(refresh_token)
    answer = _post_form(
        endpoints.revoke_url, client_id, client_secret, {"token": refresh_token}, timeout
    )
    _raise_for_oauth_status(answer)


def _token_request(endpoints, client_id, client_secret, form, timeout):
    answer = _post_form(endpoints.token_url, client_id, client_secret, form, timeout)
    _raise_for_oauth_status(answer)
    try:
        payload = answer.json()
        payload["access_token"]
    except (ValueError, KeyError, TypeError):
        raise TransientError(
            "Xero's identity service sent an unreadable token answer: try again later.",
            answer.status_code,
        ) from None
    return payload


def _post_form(url, client_id, client_secret, form, timeout):
    """POST a form with the client's credentials: HTTP Basic with a secret, else client_id."""
    remember_secret(client_secret)
    form = dict(form)
    auth = None
    if client_secret:
        auth = (client_id, client_secret)
    else:
        form["client_id"] = client_id
    _logger.debug("POST %s (grant %s)", url, form.get("grant_type", "revocation"))
    return _send("POST", url, timeout, data=form, auth=auth, headers={"Accept": "application/json"})


def _raise_for_oauth_status(answer):
    if answer.status_code < 400:
        return
    _raise_for_common_status(answer)
    try:
        payload = answer.json()
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    raise OAuthError(
        payload.get("error") or "http_%s" % answer.status_code,
        payload.get("error_description"),
        answer.status_code,
    )


# -- connections ------------------------------------------------------------------------------
def list_connections(endpoints, access_token, timeout=DEFAULT_TIMEOUT):
    """The organisations (tenants) this access token's grant may use, as Xero's dicts."""
    answer = _bearer("GET", endpoints.connections_url, access_token, timeout)
    try:
        return list(answer.json())
    except (ValueError, TypeError):
        raise TransientError(
            "Xero sent an unreadable list of connections: try again later.", answer.status_code
        ) from None


def delete_connection(endpoints, access_token, connection_id, timeout=DEFAULT_TIMEOUT):
    """Disconnect one organisation (tenant) from the app."""
    url = "%s/%s" % (endpoints.connections_url, connection_id)
    _bearer("DELETE", url, access_token, timeout)


def _bearer(method, url, access_token, timeout):
    remember_secret(access_token)
    _logger.debug("%s %s", method, url)
    answer = _send(
        method,
        url,
        timeout,
        headers={"Authorization": "Bearer " + access_token, "Accept": "application/json"},
    )
    if answer.status_code >= 400:
        _raise_for_common_status(answer)
        if answer.status_code in (401, 403):
            raise AuthError(
                "Xero refused the connection's access token (%s): refresh it or "
                "reconnect the organisation." % answer.status_code,
                answer.status_code,
                reason="token_invalid",
            )
        raise XeroError(
            "Xero's connections service answered %s." % answer.status_code, answer.status_code
        )
    return answer


# -- transport --------------------------------------------------------------------------------
def _send(method, url, timeout, **kwargs):
    try:
        return requests.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except (
        requests.ConnectionError,
        requests.Timeout,
        requests.exceptions.ChunkedEncodingError,
    ) as exc:
        raise TransientError(
            "Xero's identity service could not be reached (%s): try again "
            "later." % type(exc).__name__
        ) from None
    except requests.RequestException as exc:
        raise XeroError("The request to Xero's identity service failed: %s" % exc) from None


def _raise_for_common_status(answer):
    """Raise for the answers every identity endpoint shares: 429 and 5xx."""
    status = answer.status_code
    if status == 429:
        problem = (answer.headers.get("X-Rate-Limit-Problem") or "minute").lower()
        retry_after = _int_header(answer.headers.get("Retry-After"), 60)
        raise RateLimited(
            "Xero's rate limit (%s) is reached: try again in %s seconds." % (problem, retry_after),
            retry_after,
            problem,
        )
    if status >= 500:
        raise TransientError(
            "Xero's identity service is unavailable (%s): try again later." % status, status
        )


def _int_header(value, default):
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        return default
