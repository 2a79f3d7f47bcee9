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


ISO_DATETIME_WITH_ZONE_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE
)


def parse_http_date(text):
    """``If-Modified-Since`` as the official description has it (``format: date-time``: a
    date, a time and a zone), or an RFC 1123 HTTP date, which carries its zone too. Without
    a zone it is refused: which time it means is anybody's guess."""
    if ISO_DATETIME_WITH_ZONE_RE.match(text or ""):
        return parse_datetime(text)
    moment = parsedate_to_datetime(text)
    if moment.tzinfo is None:
        raise ValueError("no time zone in %r" % (text,))
    return moment
