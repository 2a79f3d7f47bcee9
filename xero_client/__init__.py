"""Plain-Python access to Xero (no Odoo import): OAuth2, the Accounting API through the
official SDK, error classes, secret masking and the field mappings."""

from .endpoints import DEFAULT_SCOPES, XeroEndpoints
from .errors import AuthError, RateLimited, RequestRejected, TransientError, XeroError
from .masking import mask
from .oauth import OAuthError, TokenSet
from .client import ElementResult, XeroClient, idempotency_key

__all__ = [
    "DEFAULT_SCOPES",
    "XeroEndpoints",
    "AuthError",
    "RateLimited",
    "RequestRejected",
    "TransientError",
    "XeroError",
    "mask",
    "OAuthError",
    "TokenSet",
    "ElementResult",
    "XeroClient",
    "idempotency_key",
]
