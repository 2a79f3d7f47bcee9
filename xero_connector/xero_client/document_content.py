"""What a Xero invoice or credit note says, as plain values, and what changed between two
readings: how a document edited in Xero after it was sent is told apart from one that was
only paid, voided or allocated (those change Xero's UpdatedDateUTC too, not its content)."""

from decimal import Decimal

LINE_FIELDS = (
    ("description", "description"),
    ("item_code", "item"),
    ("quantity", "quantity"),
    ("unit_amount", "unit price"),
    ("discount_rate", "discount"),
    ("account_code", "account"),
    ("tax_type", "tax type"),
    ("tax_amount", "tax"),
    ("line_amount", "amount"),
)
TOTAL_FIELDS = (("sub_total", "subtotal"), ("total_tax", "tax"), ("total", "total"))


def content_of(document):
    """The content of an SDK Invoice or CreditNote that an accountant's edit changes:
    contact, date, currency, amounts type, totals and lines (JSON-ready)."""
    return {
        "contact": str(document.contact.contact_id) if document.contact else None,
        "date": document.date.isoformat() if document.date else None,
        "currency": str(getattr(document.currency_code, "value", document.currency_code)),
        "amount_types": str(getattr(document.line_amount_types, "value", "") or ""),
        "totals": {key: plain(getattr(document, key, None)) for key, _label in TOTAL_FIELDS},
        "lines": [line_content(line) for line in document.line_items or []],
    }


def line_content(line):
    values = {key: plain(getattr(line, key, None)) for key, _label in LINE_FIELDS}
    values["tracking"] = sorted(
        "%s: %s" % (t.name, t.option) for t in (getattr(line, "tracking", None) or [])
    )
    return values


def plain(value):
    """Numbers as text with trailing zeros dropped (12.50 and 12.5 are the same amount)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value)).normalize()
        return format(number, "f") if number == number.to_integral() else str(number)
    return str(getattr(value, "value", value))


def differences(sent, now):
    """What differs between two contents (as ``content_of`` gives them), in words; [] when
    they are the same. Lines are compared by position."""
    found = []
    for key, label in (("contact", "contact"), ("date", "date"), ("currency", "currency")):
        if sent.get(key) != now.get(key):
            found.append("%s %s → %s" % (label, sent.get(key), now.get(key)))
    if sent.get("amount_types") != now.get("amount_types"):
        found.append(
            "amounts %s → %s" % (sent.get("amount_types") or "-", now.get("amount_types") or "-")
        )
    for key, label in TOTAL_FIELDS:
        before, after = sent["totals"].get(key), now["totals"].get(key)
        if before != after:
            found.append("%s %s → %s" % (label, before, after))
    sent_lines, now_lines = sent.get("lines") or [], now.get("lines") or []
    if len(sent_lines) != len(now_lines):
        found.append("%d lines → %d" % (len(sent_lines), len(now_lines)))
    for position, (before, after) in enumerate(zip(sent_lines, now_lines, strict=False), 1):
        for key, label in (*LINE_FIELDS, ("tracking", "tracking")):
            if before.get(key) != after.get(key):
                found.append(
                    "line %d %s %s → %s"
                    % (position, label, show(before.get(key)), show(after.get(key)))
                )
    return found


def show(value):
    if isinstance(value, list):
        return ", ".join(value) or "-"
    return "-" if value is None else value
