"""Plain-Python access to Xero (no Odoo import): OAuth2, the Accounting API through the
official SDK, error classes, secret masking and the field mappings.

The names below are loaded on first use, so that ``xero_client.webhooks`` (standard library
only, imported by the sandbox) does not load the SDK."""

import importlib

_EXPORTS = {
    "DEFAULT_SCOPES": "endpoints",
    "XeroEndpoints": "endpoints",
    "AuthError": "errors",
    "OAuthError": "errors",
    "RateLimited": "errors",
    "RequestRejected": "errors",
    "TransientError": "errors",
    "XeroError": "errors",
    "mask": "masking",
    "TokenSet": "oauth",
    "ElementResult": "client",
    "XeroClient": "client",
    "resume_point": "client",
    "updated_utc": "client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError("module 'xero_client' has no attribute %r" % name)
    return getattr(importlib.import_module("." + _EXPORTS[name], __name__), name)
