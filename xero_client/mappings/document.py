"""Amounts of an invoice, bill or credit note as Xero must receive them to end on Odoo's totals
to the cent (pure functions, Decimals in and out, no I/O).

Xero computes each line's amount (Quantity x UnitAmount less DiscountRate, to the cent) and
rounds each line's tax to the cent before it sums them. Odoo may round its tax per line or
once for the whole document, and its bills carry discounts Xero takes on sales invoices only.
So the connector sends each line's TaxAmount explicitly (Xero accepts one within a cent of
its own) and shares the document's tax out over its lines; a discount Xero cannot take is
folded into the unit price, to 4 decimals, so that the line still comes to Odoo's amount.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .common import MappingError

CENT = Decimal("0.01")
UNIT = Decimal("0.0001")  # Xero's unit prices with unitdp=4
# Xero accepts a line's TaxAmount this far from its own rounding of the line's tax.
XERO_TAX_TOLERANCE = CENT
FOLD_SEARCH_STEPS = 50


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount_types(price_include_flags):
    """Xero's LineAmountTypes for a document whose taxed lines have these ``price_include``
    flags (one per tax used): "NoTax", "Inclusive" or "Exclusive"; a mix is a MappingError."""
    flags = set(price_include_flags)
    if not flags:
        return "NoTax"
    if len(flags) > 1:
        raise MappingError(
            "The document mixes taxes included in the price with taxes added to it: Xero "
            "takes one or the other per document. Use one kind of tax on every line."
        )
    return "Inclusive" if flags.pop() else "Exclusive"


def xero_line_tax(line_amount, rate, amount_types):
    """The tax Xero computes for one line (rate in percent), to the cent."""
    line_amount, rate = Decimal(line_amount), Decimal(rate)
    if amount_types == "NoTax" or not rate:
        return Decimal("0.00")
    if amount_types == "Inclusive":
        return cents(line_amount * rate / (100 + rate))
    return cents(line_amount * rate / 100)


def share_tax(lines, total_tax, amount_types):
    """Each line's TaxAmount so that they sum to ``total_tax`` (Odoo's amount_tax) and each
    stays within Xero's tolerance of Xero's own figure for it.

    ``lines`` are (LineAmount, rate in percent) pairs. The cents that per-line rounding gains
    or loses against ``total_tax`` go to the lines whose exact tax is nearest the next cent
    (largest remainders): the result is as near the exact tax of each line as cents allow.
    A difference that cannot be shared that way is a MappingError: Odoo's and Xero's totals
    would differ, and nothing is sent."""
    total_tax = cents(total_tax)
    exact = [exact_line_tax(amount, rate, amount_types) for amount, rate in lines]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    missing = int((total_tax - sum(shares, Decimal(0))) / CENT)
    taxed = [i for i, e in enumerate(exact) if e]
    order = sorted(taxed, key=lambda i: (exact[i] - shares[i], -i), reverse=missing > 0)
    step = CENT if missing > 0 else -CENT
    for index in order[: abs(missing)]:
        shares[index] += step
    if abs(missing) > len(taxed) or any(
        abs(share - xero_line_tax(amount, rate, amount_types)) > XERO_TAX_TOLERANCE
        for share, (amount, rate) in zip(shares, lines, strict=True)
    ):
        raise MappingError(
            "The document's tax (%s) cannot be shared out over its lines within a cent of "
            "each line's tax (%s): Xero's total would differ from Odoo's."
            % (total_tax, sum((cents(e) for e in exact), Decimal(0)))
        )
    return shares


def exact_line_tax(line_amount, rate, amount_types):
    line_amount, rate = Decimal(line_amount), Decimal(rate)
    if amount_types == "NoTax" or not rate:
        return Decimal(0)
    if amount_types == "Inclusive":
        return line_amount * rate / (100 + rate)
    return line_amount * rate / 100


def fold_discount(quantity, unit_price, discount_percent, line_amount):
    """(Quantity, UnitAmount, folded into one unit) with no discount, for a line Xero takes no
    discount on (bills, credit notes), coming to ``line_amount`` (Odoo's, to the cent) as
    Xero computes it.

    The unit price less the discount to 4 decimals if it gives the amount, else the nearest
    4-decimal price that does; when none does (a large quantity), the line becomes one unit of
    the whole amount, and the caller says so in its description."""
    quantity, line_amount = Decimal(quantity), cents(line_amount)
    net = unit(Decimal(unit_price) * (1 - Decimal(discount_percent) / 100))
    if not quantity or cents(quantity * net) == line_amount:
        return quantity, net, False
    middle = unit(line_amount / quantity)
    for step in range(FOLD_SEARCH_STEPS + 1):
        for candidate in (middle + step * UNIT, middle - step * UNIT):
            if cents(quantity * candidate) == line_amount:
                return quantity, candidate, False
    return Decimal(1), line_amount, True


def unit(value):
    return Decimal(value).quantize(UNIT, rounding=ROUND_HALF_UP)
