"""xero_client's messages in the user's language (xero_client itself imports no Odoo)."""

from .xero_client.i18n import translated


def client_text(env, message):
    """``message`` (a xero_client message, or an exception raised with one) translated with
    ``env._``, which finds this addon's translations from the calling module."""
    return translated(message, lambda source, **params: env._(source, **params))
