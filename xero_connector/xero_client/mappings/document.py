"""Amounts of an invoice, bill or credit note as Xero must receive them to end on Odoo's totals
to the cent (pure functions, Decimals in and out, no I/O).

Xero computes each line's amount (Quantity x UnitAmount less DiscountRate, to the cent) and
rounds each line's tax to the cent before it sums them. Odoo may round its tax per line or
once for the whole document, and its bills carry discounts Xero takes on sales invoices only.
So the connector sends each line's TaxAmount explicitly (Xero accepts one within a cent of
its own) and shares the document's tax out over its lines; a discount Xero cannot take is
folded into the unit price, to 4 decimals, so that the line still comes to Odoo's amount.
"""

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from xero_python.accounting import (
    Contact,
    CurrencyCode,
    LineAmountTypes,
    LineItem,
    LineItemTracking,
)

# Plain Python: the addon translates these messages (see ..i18n).
# pylint: disable=prefer-env-translation
from ..i18n import _
from .common import MappingError, built_for_xero

CENT = Decimal("0.01")
UNIT = Decimal("0.0001")  # Xero's unit prices with unitdp=4
# Xero's purchase orders take no unitdp: their unit prices keep 2 decimals.
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
            _(
                "The document mixes taxes included in the price with taxes added to it: Xero "
                "takes one or the other per document. Use one kind of tax on every line."
            )
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
            _(
                "The document's tax (%(tax)s) cannot be shared out over its lines within a cent "
                "of each line's tax (%(lines_tax)s): Xero's total would differ from Odoo's.",
                tax=total_tax,
                lines_tax=sum((cents(e) for e in exact), Decimal(0)),
            )
        )
    return shares


def exact_line_tax(line_amount, rate, amount_types):
    line_amount, rate = Decimal(line_amount), Decimal(rate)
    if amount_types == "NoTax" or not rate:
        return Decimal(0)
    if amount_types == "Inclusive":
        return line_amount * rate / (100 + rate)
    return line_amount * rate / 100


def fold_discount(quantity, unit_price, discount_percent, line_amount, places=UNIT):
    """(Quantity, UnitAmount, folded into one unit) with no discount, for a line Xero takes no
    discount on (bills, credit notes), coming to ``line_amount`` (Odoo's, to the cent) as
    Xero computes it.

    The unit price less the discount to 4 decimals if it gives the amount, else the nearest
    4-decimal price that does; when none does (a large quantity), the line becomes one unit of
    the whole amount, and the caller says so in its description."""
    quantity, line_amount = Decimal(quantity), cents(line_amount)
    net = unit(Decimal(unit_price) * (1 - Decimal(discount_percent) / 100), places)
    if not quantity or cents(quantity * net) == line_amount:
        return quantity, net, False
    middle = unit(line_amount / quantity, places)
    for step in range(FOLD_SEARCH_STEPS + 1):
        for candidate in (middle + step * places, middle - step * places):
            if cents(quantity * candidate) == line_amount:
                return quantity, candidate, False
    return Decimal(1), line_amount, True


def unit(value, places=UNIT):
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


# -- a whole document -----------------------------------------------------------------------
# Odoo's move types and what they are in Xero: (endpoint, Type, whether Xero takes discounts).
KINDS = {
    "out_invoice": ("Invoices", "ACCREC", True),
    "in_invoice": ("Invoices", "ACCPAY", False),
    "out_refund": ("CreditNotes", "ACCRECCREDIT", False),
    "in_refund": ("CreditNotes", "ACCPAYCREDIT", False),
    # Xero's purchase orders have no Type and, like bills, take no discount.
    "purchase_order": ("PurchaseOrders", None, False),
}
# Each endpoint's number and ID fields.
NUMBER_FIELDS = {
    "Invoices": ("InvoiceNumber", "InvoiceID"),
    "CreditNotes": ("CreditNoteNumber", "CreditNoteID"),
    "PurchaseOrders": ("PurchaseOrderNumber", "PurchaseOrderID"),
}
NO_TAX = "NONE"  # Xero's tax type of a line without tax, unless the caller names another
STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")


def document_to_xero(document):
    """What Xero must receive for one Odoo invoice, bill or credit note, as a dict in Xero's
    JSON names (the preview shows it; ``invoice.py`` and ``credit_note.py`` make the SDK's
    model of it); MappingError names the line and what to change.

    ``document`` is plain values: kind (Odoo's move type), xero_id, contact_id, number,
    reference, date and due_date (ISO), currency, currency_rate (None in the organisation's
    currency), status (None keeps Xero's), url, amount_untaxed, amount_tax, amount_total, and
    lines: dicts of kind ("product" or "text"), label (how the error names it), description,
    quantity, price_unit, discount (percent), amount (Odoo's subtotal), amount_included (its
    total with tax), account_code, tax_type (None: no tax), tax_rate (Xero's rate, percent),
    price_include (None: the line has no tax), item_code and tracking ([(category,
    option)])."""
    endpoint, xero_type, takes_discount = KINDS[document["kind"]]
    lines = [line for line in document["lines"] if line["kind"] == "product"]
    amount_types = line_amount_types(
        [line["price_include"] for line in lines if line["price_include"] is not None]
    )
    if amount_types == "Inclusive" and sum(
        (cents(line["amount_included"]) for line in lines), Decimal(0)
    ) != cents(document["amount_total"]):
        # Odoo rounded the tax of the whole document: its lines' totals no longer add up to
        # its total. Sent without tax in the prices, every figure still comes out exact.
        amount_types = "Exclusive"
    amount_key = "amount_included" if amount_types == "Inclusive" else "amount"
    taxes = share_tax(
        [(cents(line[amount_key]), line_tax_rate(line, amount_types)) for line in lines],
        document["amount_tax"],
        amount_types,
    )
    shares = iter(taxes)
    items = [
        line_to_xero(
            line,
            amount_key,
            amount_types,
            takes_discount,
            next(shares) if line["kind"] == "product" else None,
            UNIT if endpoint != "PurchaseOrders" else CENT,
        )
        for line in document["lines"]
    ]
    payload = {
        "Contact": {"ContactID": document["contact_id"]},
        "Date": document["date"],
        "LineAmountTypes": amount_types,
        "LineItems": items,
        "CurrencyCode": document["currency"],
    }
    number_field, id_field = NUMBER_FIELDS[endpoint]
    optional = {
        "Type": xero_type,
        "Reference": document.get("reference"),
        "DueDate": document.get("due_date"),
        "DeliveryDate": document.get("delivery_date"),
        "DeliveryAddress": document.get("delivery_address"),
        "CurrencyRate": document.get("currency_rate"),
        "Status": document.get("status"),
        "Url": document.get("url"),
        number_field: document.get("number"),
        id_field: document.get("xero_id"),
    }
    payload.update({key: value for key, value in optional.items() if value})
    check_totals(payload, document)
    return payload


def line_tax_rate(line, amount_types):
    return Decimal(str(line["tax_rate"] or 0)) if amount_types != "NoTax" else Decimal(0)


def line_to_xero(line, amount_key, amount_types, takes_discount, tax_share, places=UNIT):
    if line["kind"] != "product":
        return {"Description": line["description"] or line["label"]}
    amount = cents(line[amount_key])
    quantity = Decimal(str(line["quantity"]))
    discount = Decimal(str(line["discount"] or 0))
    price = Decimal(str(line["price_unit"]))
    if amount_key == "amount" and line["price_include"] and amount_types == "Exclusive":
        price, discount = amount / quantity if quantity else amount, Decimal(0)
    sent = {"Description": line["description"] or line["label"]}
    if (
        takes_discount
        and discount
        and cents(unit(quantity) * unit(price, places) * (1 - discount / 100)) == amount
    ):
        sent.update(Quantity=unit(quantity), UnitAmount=unit(price, places), DiscountRate=discount)
    else:
        sent_quantity, unit_amount, folded = fold_discount(
            unit(quantity), price, discount, amount, places
        )
        sent.update(Quantity=sent_quantity, UnitAmount=unit_amount)
        if folded:
            sent["Description"] = "%s (%s x %s%s)" % (
                sent["Description"],
                normal(quantity),
                normal(price),
                " less %s%%" % normal(discount) if discount else "",
            )
    sent["LineAmount"] = amount
    if line.get("account_code"):
        sent["AccountCode"] = line["account_code"]
    if line.get("item_code"):
        sent["ItemCode"] = line["item_code"]
    sent["TaxType"] = line["tax_type"] or NO_TAX
    if amount_types != "NoTax":
        sent["TaxAmount"] = tax_share if tax_share is not None else Decimal("0.00")
    if line.get("tracking"):
        sent["Tracking"] = [{"Name": name, "Option": option} for name, option in line["tracking"]]
    return sent


def normal(value):
    """A Decimal as people write it: 2.5, not 2.5000."""
    text = format(Decimal(value).normalize(), "f")
    return text


def xero_totals(payload):
    """(SubTotal, TotalTax, Total) as Xero computes them from the lines sent."""
    lines = [line for line in payload["LineItems"] if "LineAmount" in line]
    amounts = sum((line["LineAmount"] for line in lines), Decimal("0.00"))
    tax = sum((line.get("TaxAmount", Decimal(0)) for line in lines), Decimal("0.00"))
    subtotal = amounts - tax if payload["LineAmountTypes"] == "Inclusive" else amounts
    return cents(subtotal), cents(tax), cents(subtotal + tax)


def check_totals(payload, document):
    odoo = tuple(cents(document[k]) for k in ("amount_untaxed", "amount_tax", "amount_total"))
    xero = xero_totals(payload)
    if xero != odoo:
        raise MappingError(
            _(
                "Xero's totals would be %(xero_untaxed)s + %(xero_tax)s tax = %(xero_total)s, "
                "Odoo's are %(untaxed)s + %(tax)s tax = %(total)s: check the lines' taxes and "
                "amounts.",
                xero_untaxed=xero[0],
                xero_tax=xero[1],
                xero_total=xero[2],
                untaxed=odoo[0],
                tax=odoo[1],
                total=odoo[2],
            )
        )


# -- the SDK's models -----------------------------------------------------------------------
def payload_and_model(document, build):
    """(``document_to_xero(document)``, the SDK model ``build`` makes of it)."""
    payload = document_to_xero(document)
    return payload, built_for_xero(document["label"], build, payload)


LINE_FIELDS = {
    "Description": "description",
    "Quantity": "quantity",
    "UnitAmount": "unit_amount",
    "DiscountRate": "discount_rate",
    "LineAmount": "line_amount",
    "AccountCode": "account_code",
    "ItemCode": "item_code",
    "TaxType": "tax_type",
    "TaxAmount": "tax_amount",
}


def sdk_document_fields(payload):
    """The SDK's arguments every document model shares (Invoice, CreditNote,
    PurchaseOrder), from a payload of ``document_to_xero``."""
    return {
        "contact": Contact(contact_id=payload["Contact"]["ContactID"]),
        "reference": payload.get("Reference"),
        "date": sdk_date(payload["Date"]),
        "currency_code": CurrencyCode(payload["CurrencyCode"]),
        "currency_rate": sdk_number(payload.get("CurrencyRate")),
        "line_amount_types": LineAmountTypes(payload["LineAmountTypes"]),
        "status": payload.get("Status"),
        "line_items": sdk_line_items(payload["LineItems"]),
    }


def sdk_line_items(lines):
    return [sdk_line_item(line) for line in lines]


def sdk_line_item(line):
    values = {
        attribute: sdk_number(line[key]) if isinstance(line[key], Decimal) else line[key]
        for key, attribute in LINE_FIELDS.items()
        if key in line
    }
    if line.get("Tracking"):
        values["tracking"] = [
            LineItemTracking(name=t["Name"], option=t["Option"]) for t in line["Tracking"]
        ]
    return LineItem(**values)


def sdk_number(value):
    """A Decimal as the SDK sends it (a float: exact for Xero's 2 and 4 decimal places)."""
    return None if value is None else float(value)


def sdk_date(value):
    return date.fromisoformat(value) if value else None
