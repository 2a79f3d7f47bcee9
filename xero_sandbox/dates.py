"""Xero's date formats: ``/Date(ms+zone)/`` in answers, ISO or ``/Date()/`` in requests."""

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

MS_DATE_RE = re.compile(r"^/Date\((?P<ms>-?\d+)(?P<tz>[+-]\d{4})?\)/$")
DATETIME_CALL_RE = re.compile(r"^DateTime\((\d{4}),\s*(\d{1,2}),\s*(\d{1,2})\)$")


def to_ms_date(value):
    """``date``/``datetime`` to Xero's ``/Date(1573755038314+0000)/``."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        moment = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return "/Date(%d+0000)/" % round(moment.timestamp() * 1000)


def parse_date(text):
    """A request's date (``/Date(...)/``, ``2024-01-31`` or ``2024-01-31T00:00:00``) to ``date``.

    Raises ValueError on anything else.
    """
    return parse_datetime(text).date()


def parse_datetime(text):
    if not isinstance(text, str) or not text:
        raise ValueError("not a date: %r" % (text,))
    match = MS_DATE_RE.match(text)
    if match:
        return datetime.fromtimestamp(int(match["ms"]) / 1000, tz=timezone.utc)
    match = DATETIME_CALL_RE.match(text)
    if match:
        return datetime(*map(int, match.groups()), tzinfo=timezone.utc)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_http_date(text):
    """``If-Modified-Since`` as Xero takes it: RFC 1123 or ISO 8601 (UTC when no zone)."""
    try:
        return parse_datetime(text)
    except ValueError:
        pass
    moment = parsedate_to_datetime(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
