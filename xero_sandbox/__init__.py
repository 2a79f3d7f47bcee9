"""xero_sandbox: an offline emulator of the Xero API (identity, accounting, webhooks).

Its names are imported on first use, so that ``python -m xero_sandbox`` can say which extra
to install when the packages the sandbox needs are missing, instead of failing here."""

import importlib

EXPORTS = {
    "Sandbox": ("server", "Sandbox"),
    "free_port": ("server", "free_port"),
    "sign_webhook": ("webhooks", "sign"),
    "verify_webhook": ("webhooks", "verify"),
}

__all__ = list(EXPORTS)


def __getattr__(name):
    if name not in EXPORTS:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    module, attribute = EXPORTS[name]
    return getattr(importlib.import_module("." + module, __name__), attribute)
