"""What can go wrong talking to Xero, in classes the caller decides on (retry, reconnect, fix),
and the one reader of Xero's error answers that every call (OAuth and API) goes through."""

# Plain Python: the addon translates these messages (see .i18n).
# pylint: disable=prefer-env-translation
import json

from .i18n import _
from .masking import mask

# Which of Xero's services answered: they word their refusals differently.
ACCOUNTING = "accounting"  # the Accounting API (api.xro/2.0), for one organisation
IDENTITY = "identity"  # the token and revocation endpoints: OAuth errors
CONNECTIONS = "connections"  # the list of connected organisations
SERVICE_NAMES = {
    ACCOUNTING: "Xero",
    IDENTITY: _("Xero's identity service"),
    CONNECTIONS: _("Xero's connections service"),
}
LIMIT_NAMES = {
    "minute": _("per-minute"),
    "day": _("daily"),
    "concurrent": _("concurrent-call"),
    "appminute": _("app-wide per-minute"),
}
RECONNECT_ERRORS = ("invalid_grant", "invalid_client", "unauthorized_client")
OAUTH_MESSAGES = {
    "invalid_grant": _(
        "Xero no longer accepts this connection's authorisation (expired, revoked or already "
        "used): reconnect the Xero organisation."
    ),
    "invalid_client": _(
        "Xero does not recognise the app's client id or secret: check them in the Xero "
        "settings, then reconnect."
    ),
    "unauthorized_client": _(
        "This Xero app may not use this kind of authorisation: check the app in Xero's "
        "developer portal, then reconnect."
    ),
    "invalid_scope": _("Xero refused the requested permissions (scopes)."),
    "access_denied": _("The Xero connection was not approved."),
}
DEFAULT_RETRY_AFTER = 60


class XeroError(Exception):
    """A failed Xero call. ``message`` is a sentence a bookkeeper can act on: a ``Message``
    (xero_client.i18n) when it is ours, which the addon translates, its secrets masked."""

    def __init__(self, message, status=None):
        self.message = mask(message)
        self.status = status
        super().__init__(self.message)

    def __str__(self):
        return self.message


class TransientError(XeroError):
    """Try again later: 5xx, timeout, refused or dropped connection."""


class RateLimited(TransientError):
    """429. ``retry_after`` in seconds; ``problem`` is minute, day, concurrent or appminute."""

    def __init__(self, message, retry_after, problem, status=429):
        super().__init__(message, status)
        self.retry_after = retry_after
        self.problem = problem

    @property
    def is_day_limit(self):
        return self.problem == "day"


class AuthError(XeroError):
    """401/403. ``reason``: token_expired, token_invalid, missing_scope, tenant_disconnected."""

    def __init__(self, message, status=None, reason=None):
        super().__init__(message, status)
        self.reason = reason

    @property
    def token_expired(self):
        return self.reason == "token_expired"


class RequestRejected(XeroError):
    """Xero refused the request as a whole (400, or another 4xx such as 404)."""

    def __init__(self, message, status=400, validation_errors=None):
        super().__init__(message, status)
        self.validation_errors = [mask(e) for e in validation_errors or []]


class OAuthError(XeroError):
    """The identity service refused: ``error`` is OAuth's code (e.g. ``invalid_grant``)."""

    def __init__(self, error, description=None, status=None):
        self.error = error or "unknown_error"
        self.description = mask(description) if description else None
        message = OAUTH_MESSAGES.get(self.error) or _(
            "Xero refused the authorisation request (%(error)s).", error=self.error
        )
        if self.description:
            message = _(
                "%(message)s Xero said: %(description)s",
                message=message,
                description=self.description,
            )
        super().__init__(message, status)

    @property
    def needs_reconnect(self):
        return self.error in RECONNECT_ERRORS


# -- reading Xero's error answers -------------------------------------------------------------
def error_from_answer(status, headers, body, service=ACCOUNTING):
    """The ``XeroError`` for an error answer of one of Xero's services.

    ``headers`` is a mapping with case-insensitive names (the SDK's and requests' both are);
    ``body`` the raw bytes or text of the answer.
    """
    headers = headers or {}
    payload = json_object(body)
    if status == 429 or (status == 503 and headers.get("X-Rate-Limit-Problem")):
        return rate_limited(headers, status, service)
    if status >= 500:
        return TransientError(
            _(
                "%(service)s is unavailable right now (HTTP %(status)s): try again later.",
                service=SERVICE_NAMES[service],
                status=status,
            ),
            status,
        )
    if service == IDENTITY:
        return OAuthError(
            payload.get("error") or "http_%s" % status, payload.get("error_description"), status
        )
    if status in (401, 403):
        return auth_error(status, payload, service)
    if status == 400:
        return bad_request(payload)
    return other_rejection(status, payload)


def json_object(body):
    """The answer's JSON object, or {} for anything else (empty, HTML, a list)."""
    try:
        payload = json.loads(body or b"{}")
    except (TypeError, ValueError, UnicodeDecodeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def rate_limited(headers, status, service=ACCOUNTING):
    problem = (headers.get("X-Rate-Limit-Problem") or "minute").strip().lower()
    retry_after = seconds_or(headers.get("Retry-After"), DEFAULT_RETRY_AFTER)
    limit, wait = LIMIT_NAMES.get(problem, problem), wait_in_words(retry_after)
    if service == ACCOUNTING:
        message = _(
            "Xero's %(limit)s call limit for this organisation is reached: the sync can resume "
            "in %(wait)s.",
            limit=limit,
            wait=wait,
        )
    else:
        message = _(
            "Xero's %(limit)s call limit is reached: the sync can resume in %(wait)s.",
            limit=limit,
            wait=wait,
        )
    return RateLimited(
        message,
        retry_after,
        problem,
        status,
    )


def wait_in_words(seconds):
    if seconds >= 3600:
        return _("about %(hours)s hours", hours=round(seconds / 3600))
    return _("%(seconds)s seconds", seconds=int(seconds))


def auth_error(status, payload, service=ACCOUNTING):
    detail = str(payload.get("Detail") or payload.get("Message") or "")
    if status == 403 and service == ACCOUNTING:
        return AuthError(
            _(
                "This Xero organisation is no longer connected to the app (or its "
                "subscription lapsed): reconnect it in the Xero settings."
            ),
            status,
            reason="tenant_disconnected",
        )
    if detail.startswith("TokenExpired"):
        return AuthError(
            _("The Xero access token has expired: it must be refreshed."),
            status,
            reason="token_expired",
        )
    if detail.startswith("AuthorizationUnsuccessful"):
        return AuthError(
            _(
                "The Xero connection lacks the permission (scope) this needs: "
                "reconnect the organisation to grant it."
            ),
            status,
            reason="missing_scope",
        )
    return AuthError(
        _("Xero refused the access token (revoked or invalid): reconnect the Xero organisation."),
        status,
        reason="token_invalid",
    )


def bad_request(payload):
    errors = validation_messages(payload)
    # Xero's own words (English) pass as the parameter; ours stays a message.
    said = errors[0] if len(errors) == 1 else "; ".join(errors[:5])
    return RequestRejected(_("Xero rejected the request: %(errors)s", errors=said), 400, errors)


def validation_messages(payload):
    messages = [
        str(error.get("Message"))
        for element in payload.get("Elements") or []
        if isinstance(element, dict)
        for error in element.get("ValidationErrors") or []
        if isinstance(error, dict) and error.get("Message")
    ]
    if not messages:
        messages = [
            str(payload.get("Message") or payload.get("Detail") or "")
            or _("the request is not valid (HTTP 400)")
        ]
    return list(dict.fromkeys(messages))


def other_rejection(status, payload):
    if status == 404:
        message = _(
            "Xero has no such record (it may have been deleted in Xero), or the address is wrong."
        )
    elif status == 413:
        message = _("The request is too large for Xero: send fewer records at once.")
    else:
        detail = payload.get("Detail") or payload.get("Message") or payload.get("Title") or ""
        if detail:
            message = _(
                "Xero refused the request (HTTP %(status)s): %(detail)s",
                status=status,
                detail=detail,
            )
        else:
            message = _("Xero refused the request (HTTP %(status)s).", status=status)
    return RequestRejected(message, status)


def seconds_or(value, default):
    """A header's whole number of seconds (never negative), or ``default``."""
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        return default
