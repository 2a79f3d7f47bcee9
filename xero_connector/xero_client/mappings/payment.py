"""Odoo payments -> Xero payments, one per document an Odoo payment settles; pure functions.

A Xero payment pays one invoice or credit note, from one account that takes payments, on one
date, for an amount in the document's currency. For a foreign-currency document its
``CurrencyRate`` (units of the document's currency per unit of the base currency) is the
rate Odoo booked, so that Xero's amount in the base currency, ``Amount / CurrencyRate``, is
Odoo's to the cent wherever a rate of Xero's 6 decimals allows it."""

from decimal import ROUND_HALF_UP, Decimal

from xero_python.accounting import Account, Allocation, CreditNote, Invoice, Payment

# Plain Python: the addon translates these messages (see ..i18n).
# pylint: disable=prefer-env-translation
from ..i18n import _
from .common import built_for_xero, clean

RATE_PLACES = 6
# Xero's Reference of a payment: what its screens show beside the bank line.
REFERENCE_LENGTH = 255
CENT = Decimal("0.01")
RATE_STEP = Decimal(1).scaleb(-RATE_PLACES)


def payment_to_xero(values):
    """The SDK's ``Payment`` for ``values``:

    - ``label``: the Odoo payment, for messages;
    - ``endpoint``, ``document_id``: ``Invoices`` or ``CreditNotes`` and the document's Xero ID;
    - ``account_code``: the Xero account the money goes through;
    - ``date``, ``amount`` (in the document's currency), ``reference``;
    - ``amount_in_company_currency``: what Odoo booked, for a foreign-currency document
      (None in the base currency: no rate is sent)."""
    return built_for_xero(values["label"], build_payment, values)


def build_payment(values):
    document = (
        Invoice(invoice_id=values["document_id"]) if values["endpoint"] == "Invoices" else None
    )
    credit_note = (
        CreditNote(credit_note_id=values["document_id"])
        if values["endpoint"] == "CreditNotes"
        else None
    )
    if not document and not credit_note:
        raise ValueError(_("a payment pays an invoice or a credit note"))
    amount = Decimal(str(values["amount"])).quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:
        raise ValueError(_("a payment's amount must be greater than zero"))
    booked = values.get("amount_in_company_currency")
    return Payment(
        invoice=document,
        credit_note=credit_note,
        account=Account(code=values["account_code"]),
        date=values["date"],
        amount=float(amount),
        currency_rate=float(rate_booking(amount, booked)) if booked else None,
        reference=clean(values.get("reference"))[:REFERENCE_LENGTH] or None,
    )


def rate_booking(amount, booked):
    """The rate of ``RATE_PLACES`` decimals at which ``amount`` (document currency) comes to
    ``booked`` (base currency) as Xero rounds it, or the nearest one when no such rate
    exists (large amounts: one step of the rate moves the result by more than a cent)."""
    amount = Decimal(str(amount))
    booked = Decimal(str(booked)).quantize(CENT, ROUND_HALF_UP)
    if booked <= 0:
        raise ValueError(_("the amount in the company's currency must be greater than zero"))
    exact = amount / booked
    centre = exact.quantize(RATE_STEP, ROUND_HALF_UP)

    def miss(rate):
        return abs((amount / rate).quantize(CENT, ROUND_HALF_UP) - booked)

    candidates = [centre + RATE_STEP * step for step in (0, -1, 1, -2, 2)]
    return min((r for r in candidates if r > 0), key=lambda r: (miss(r), abs(r - exact)))


def allocation_to_xero(values):
    """The SDK's ``Allocation`` of ``amount`` of a credit note to an invoice on ``date``
    (``label``, ``invoice_id``, ``amount`` in their currency, ``date``)."""
    return built_for_xero(values["label"], build_allocation, values)


def build_allocation(values):
    amount = Decimal(str(values["amount"])).quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:
        raise ValueError(_("an allocation's amount must be greater than zero"))
    return Allocation(
        invoice=Invoice(invoice_id=values["invoice_id"]),
        amount=float(amount),
        date=values["date"],
    )
