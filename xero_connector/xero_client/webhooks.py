"""Xero webhook signatures: ``x-xero-signature`` is the base64 HMAC-SHA256 of the raw request
body, keyed with the webhook key. Standard library only, so that a receiver (an Odoo
controller, the sandbox) can check a delivery without the SDK."""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone

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


# A delivery larger than this is refused unread: Xero sends events in small batches (each
# event a few hundred bytes), and a receiver must not parse whatever a stranger posts.
MAX_BODY_BYTES = 1024 * 1024
EVENT_FIELDS = ("resourceId", "eventDateUtc", "eventType", "eventCategory", "tenantId")


class DeliveryError(ValueError):
    """A well-signed body that is not a delivery of Xero's events."""


def read_delivery(body):
    """``(events, problems)`` of a delivery's raw ``body`` (after its signature was
    checked): the events as dicts with ``EVENT_FIELDS`` as text, in Xero's order, and
    ``eventDateUtc`` as a naive UTC ``datetime``; and a line for each event that lacks them,
    left out. The intent-to-receive check has none. Events of categories a receiver does
    not know come too: it acknowledges them. A body that is not JSON, or not an object with
    a list of ``events``, raises ``DeliveryError``."""
    try:
        delivery = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise DeliveryError("The body is not JSON: %s" % error) from None
    raw_events = delivery.get("events") if isinstance(delivery, dict) else None
    if not isinstance(raw_events, list):
        raise DeliveryError("The body has no list of events")
    events, problems = [], []
    for raw in raw_events:
        try:
            events.append(read_event(raw))
        except DeliveryError as error:
            problems.append(str(error))
    return events, problems


def read_event(event):
    if not isinstance(event, dict):
        raise DeliveryError("An event is not an object")
    missing = [f for f in EVENT_FIELDS if not isinstance(event.get(f), str) or not event[f]]
    if missing:
        raise DeliveryError("An event lacks %s" % ", ".join(missing))
    values = {field: event[field] for field in EVENT_FIELDS}
    values["eventDateUtc"] = event_moment(event["eventDateUtc"])
    return values


def event_moment(text):
    """Xero's ``eventDateUtc`` ("2026-11-26T10:15:00.000", UTC, sometimes with a Z or an
    offset) as a naive UTC datetime."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DeliveryError("An event's eventDateUtc is not a date: %r" % text[:40]) from None
    if moment.tzinfo:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment
