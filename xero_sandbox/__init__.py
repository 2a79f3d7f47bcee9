"""xero_sandbox: an offline emulator of the Xero API (identity, accounting, webhooks)."""

from .server import Sandbox, free_port
from .webhooks import sign as sign_webhook
from .webhooks import verify as verify_webhook

__all__ = ["Sandbox", "free_port", "sign_webhook", "verify_webhook"]
