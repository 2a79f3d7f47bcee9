"""Xero webhook signatures: ``x-xero-signature`` is the base64 HMAC-SHA256 of the raw request
body, keyed with the webhook key. Standard library only, so that a receiver (an Odoo
controller, the sandbox) can check a delivery without the SDK."""

import base64
import hashlib
import hmac

SIGNATURE_HEADER = "x-xero-signature"


def sign(key, body):
    """The signature Xero sends with ``body`` (bytes, or text sent as UTF-8)."""
    digest = hmac.new(as_bytes(key), as_bytes(body), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(key, body, signature):
    """Whether ``signature`` is Xero's for ``body``. Without a key nothing verifies.

    Compared with ``hmac.compare_digest``, as bytes: any header value (missing, empty,
    non-ASCII) gives False, never an exception.
    """
    if not key or not signature:
        return False
    return hmac.compare_digest(sign(key, body).encode("ascii"), as_bytes(signature))


def as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")
