"""JSON in and out: the sandbox's own encoding, and request bodies read as strictly as Xero's
.NET JSON reader reads them (no NaN or Infinity, numbers a .NET decimal can hold, at most 64
levels deep)."""

import base64
import json
import math
from datetime import date, datetime
from decimal import Decimal

MAX_DEPTH = 64  # Json.NET's default MaxDepth
MAX_DECIMAL = Decimal("79228162514264337593543950335")  # System.Decimal.MaxValue
INVALID_JSON = "JSON for post data was invalid,"  # how Xero's messages about a body start


class JSONEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        if isinstance(o, bytes):
            return {"$b64": base64.b64encode(o).decode()}
        return super().default(o)


def decode_hook(obj):
    if set(obj) == {"$b64"}:
        return base64.b64decode(obj["$b64"])
    return obj


def dumps(obj):
    return json.dumps(obj, cls=JSONEncoder)


class BodyInvalid(ValueError):
    """A request body Xero would not read; the message is Xero's wording."""


def parse_body(raw):
    """The JSON document in ``raw``, or BodyInvalid."""
    try:
        document = json.loads(raw, parse_constant=refuse_constant)
    except RecursionError:
        raise BodyInvalid(too_deep()) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, huge integers
        if isinstance(exc, BodyInvalid):
            raise
        raise BodyInvalid(INVALID_JSON + str(exc)) from None
    check_document(document)
    return document


def refuse_constant(name):
    raise BodyInvalid(
        "%sUnexpected character encountered while parsing value: %s." % (INVALID_JSON, name[0])
    )


def check_document(document):
    """Depth and number range, walked without recursion (the document may be hostile)."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise BodyInvalid(too_deep())
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            check_number(value)


def check_number(value):
    if (isinstance(value, float) and not math.isfinite(value)) or abs(Decimal(value)) > MAX_DECIMAL:
        raise BodyInvalid(INVALID_JSON + "Value was either too large or too small for a Decimal.")


def too_deep():
    return "%sThe reader's MaxDepth of %d has been exceeded." % (INVALID_JSON, MAX_DEPTH)


# Text Xero cannot keep: it serves what it stores as XML too, and XML 1.0 has no place for
# control characters (but tab and line breaks) nor for U+FFFE and U+FFFF; characters beyond
# the Basic Multilingual Plane (emoji and the like) its own screens strip, and its API refuses
# a name or description holding one (a contact, an item or a line item alike).
KEPT_CONTROLS = "\t\n\r"
LAST_KEPT = 0xFFFF


def unstorable_text(element):
    """The messages for the text fields of an element (at any depth) holding a character
    Xero cannot store, one per field, in the order met."""
    messages, pending = [], [("", element)]
    while pending:
        field, value = pending.pop(0)
        if isinstance(value, dict):
            pending.extend(value.items())
        elif isinstance(value, list):
            pending.extend((field, item) for item in value)
        elif isinstance(value, str) and not storable(value):
            message = "%s contains a character that is not valid" % (field or "A value")
            if message not in messages:
                messages.append(message)
    return messages


def storable(text):
    return all(
        (ord(c) >= 32 or c in KEPT_CONTROLS)
        and ord(c) not in (0xFFFE, 0xFFFF)
        and ord(c) <= LAST_KEPT
        for c in text
    )
