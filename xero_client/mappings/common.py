"""What every mapping shares: its error, text cleaning and Xero's decimals (no I/O)."""

# Xero keeps unit prices to 4 decimals when a call asks for them (``unitdp=4``), else to 2.
UNIT_DECIMALS = 4


class MappingError(ValueError):
    """An Odoo value Xero cannot take (the SDK checks lengths and codes as models are built)."""


def built_for_xero(label, build, *args):
    """``build(*args)``; a ValueError on the way becomes a MappingError that names ``label``
    (e.g. the record's display name) and says what Xero would not accept."""
    try:
        return build(*args)
    except ValueError as exc:
        raise MappingError("%s cannot be sent to Xero: %s" % (label, exc)) from None


def clean(value):
    """Text on one line: runs of spaces and line breaks become one space, ends trimmed."""
    return " ".join(str(value).split()) if value else ""


def text(value):
    """Text as typed (line breaks kept), outer spaces aside: descriptions, notes."""
    return str(value).strip() if value else ""


def normalised(value):
    """Text as compared when matching records: ``clean`` and case-folded."""
    return clean(value).casefold()


def unit_price(value):
    """A unit price as Xero keeps it with ``unitdp=4``."""
    return round(float(value or 0), UNIT_DECIMALS)
