"""Hide tokens and secrets in text before it reaches a log line or an exception message."""

import logging
import re
import threading
from collections import OrderedDict

from .i18n import Message, message_of

MASK = "***"
FORM_NAMES = r"access_token|refresh_token|id_token|client_secret|code_verifier|code|token|password"
# JSON keys only: a bare "Code" there is an account or tax code, not a secret.
JSON_NAMES = r"access_token|refresh_token|id_token|client_secret|code_verifier|password"
# `code=…`, `refresh_token=…` in URLs and forms (the name must not end another word).
_FORM_RE = re.compile(r"(?<![A-Za-z0-9_])(%s)=([^&\s\"',;)]+)" % FORM_NAMES, re.IGNORECASE)
# "refresh_token": "…" in JSON and 'refresh_token': '…' in Python reprs.
_QUOTED_RE = re.compile(
    r"""(["'])(%s)\1(\s*:\s*)(["'])(.*?)(?<!\\)\4""" % JSON_NAMES, re.IGNORECASE
)
_BEARER_RE = re.compile(r"\b(Bearer)\s+[A-Za-z0-9\-._~+/=]+", re.IGNORECASE)
# "Basic" alone is an ordinary word: only an Authorization header's value is masked.
_BASIC_RE = re.compile(
    r"""(Authorization["']?\s*[:=,]\s*["']?Basic)\s+[A-Za-z0-9+/=]+""", re.IGNORECASE
)
_JWT_RE = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_MAX_REMEMBERED = 512

_remembered = OrderedDict()
_remembered_lock = threading.Lock()


def remember_secret(value):
    """Mask this exact value wherever it appears from now on (tokens the package handles)."""
    if not value or len(value) < 8:
        return
    with _remembered_lock:
        _remembered[value] = None
        _remembered.move_to_end(value)
        while len(_remembered) > _MAX_REMEMBERED:
            _remembered.popitem(last=False)


def mask(text):
    """``text`` with every token, secret and authorization value replaced by ``***``.

    A ``Message`` stays one (its parameters masked) so that it can still be translated, unless
    a secret spans its sentence and a parameter: then it becomes masked plain text."""
    if text is None:
        return text
    if isinstance(text, BaseException):
        text = message_of(text)
    if isinstance(text, Message):
        masked = Message(text.source, {name: mask_param(v) for name, v in text.params.items()})
        return masked if _mask_text(masked) == masked else _mask_text(masked)
    return _mask_text(str(text))


def mask_param(value):
    """A message's parameter masked: numbers need not be."""
    return value if isinstance(value, (int, float)) else mask(value)


def _mask_text(text):
    with _remembered_lock:
        known = list(_remembered)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    text = _BEARER_RE.sub(lambda m: "%s %s" % (m.group(1), MASK), text)
    text = _BASIC_RE.sub(lambda m: "%s %s" % (m.group(1), MASK), text)
    text = _JWT_RE.sub(MASK, text)
    text = _QUOTED_RE.sub(
        lambda m: (
            "%s%s%s%s%s%s%s"
            % (m.group(1), m.group(2), m.group(1), m.group(3), m.group(4), MASK, m.group(4))
        ),
        text,
    )
    return _FORM_RE.sub(lambda m: "%s=%s" % (m.group(1), MASK), text)


class MaskingFilter(logging.Filter):
    """Rewrites a record's message through ``mask`` (arguments included)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, masked
            message = "%s %r" % (record.msg, record.args)
        record.msg = mask(message)
        record.args = None
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


_FILTER = MaskingFilter()


def get_logger(name):
    """A logger of this package with the masking filter attached.

    A filter on the ``xero_client`` logger does not apply to records of its children, so each
    module's logger carries its own.
    """
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


def log(logger, level, message, *args):
    """Log through ``mask`` even when ``logger`` (e.g. the caller's own) has no filter."""
    if logger.isEnabledFor(level):
        logger.log(level, mask(message % args if args else message))
