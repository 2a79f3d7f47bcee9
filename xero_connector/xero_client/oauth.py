"""Xero's OAuth2 identity service over plain ``requests``: code flow with PKCE, refresh,
revocation, connections, and custom connections' client-credentials grant.

The SDK's own refresh takes no lock, so two workers refreshing at once lose the rotated token:
the caller refreshes with these functions while holding a lock on its connection record.
"""

# Plain Python: the addon translates these messages (see .i18n).
# pylint: disable=prefer-env-translation
import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests

from .endpoints import DEFAULT_SCOPES
from .errors import (  # noqa: F401 (OAuthError: callers import it from here too)
    CONNECTIONS,
    IDENTITY,
    OAuthError,
    TransientError,
    XeroError,
    error_from_answer,
)
from .i18n import _
from .masking import get_logger, remember_secret

_logger = get_logger(__name__)
# One number (connect and read each): Odoo's HTTP test harness compares it with an int.
DEFAULT_TIMEOUT = 30


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
    _raise_for_error(answer, IDENTITY)


def _token_request(endpoints, client_id, client_secret, form, timeout):
    answer = _post_form(endpoints.token_url, client_id, client_secret, form, timeout)
    _raise_for_error(answer, IDENTITY)
    try:
        payload = answer.json()
        payload["access_token"]  # pylint: disable=pointless-statement
    except (ValueError, KeyError, TypeError):
        raise TransientError(
            _("Xero's identity service sent an unreadable token answer: try again later."),
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


# -- custom connections -----------------------------------------------------------------------
def client_credentials_token(
    endpoints, client_id, client_secret, scopes=None, timeout=DEFAULT_TIMEOUT
):
    """A custom connection's access token (30 minutes), from its client ID and secret alone.

    No refresh token comes with it (``refresh_token`` is None): when it runs out, ask for
    another the same way. Without ``scopes`` (a space-separated string or a list) Xero grants
    those the connection was authorised with; a scope it was not is ``invalid_scope``.
    """
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = scopes if isinstance(scopes, str) else " ".join(scopes)
    return TokenSet.from_answer(_token_request(endpoints, client_id, client_secret, form, timeout))


# -- connections ------------------------------------------------------------------------------
def list_connections(endpoints, access_token, timeout=DEFAULT_TIMEOUT):
    """The organisations (tenants) this access token's grant may use, as Xero's dicts."""
    answer = _bearer("GET", endpoints.connections_url, access_token, timeout)
    try:
        return list(answer.json())
    except (ValueError, TypeError):
        raise TransientError(
            _("Xero sent an unreadable list of connections: try again later."),
            answer.status_code,
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
    _raise_for_error(answer, CONNECTIONS)
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
            _(
                "Xero's identity service could not be reached (%(error)s): try again later.",
                error=type(exc).__name__,
            )
        ) from None
    except requests.RequestException as exc:
        raise XeroError(
            _("The request to Xero's identity service failed: %(error)s", error=str(exc))
        ) from None


def _raise_for_error(answer, service):
    if answer.status_code >= 400:
        raise error_from_answer(answer.status_code, answer.headers, answer.content, service)
