"""What can go wrong talking to Xero, in classes the caller decides on (retry, reconnect, fix)."""

from .masking import mask


class XeroError(Exception):
    """A failed Xero call. ``message`` is a sentence a bookkeeper can act on."""

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
