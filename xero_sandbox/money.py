"""Decimal arithmetic the way Xero rounds: tax per line to 2 decimals, then summed."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# The largest amount the sandbox stores (12 digits and cents). Xero documents no limit; this
# bound keeps every total far inside what a decimal column holds.
MAX_AMOUNT = Decimal("999999999999.99")


def dec(value, default=None):
    if value is None or value == "":
        return default
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError("not a number: %r" % (value,)) from exc


def round_to(value, places):
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_on_exclusive(amount, rate):
    return cents(amount * rate / 100)


def tax_in_inclusive(amount, rate):
    return cents(amount - amount / (1 + rate / 100))


def too_large(field, value):
    return "%s (%s) is too large: the largest amount Xero takes is %s" % (
        field or "A value",
        value,
        f"{MAX_AMOUNT:,}",
    )
