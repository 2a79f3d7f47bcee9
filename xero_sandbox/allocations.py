"""What Xero checks before it allocates a credit (a credit note, an overpayment, a prepayment)
to an invoice, in Xero's words where they are known (waynerobinson/xeroizer#320 quotes its
answer for credit notes)."""

from .errors import ElementInvalid
from .money import dec

TOO_LARGE = "%(label)s cannot be allocated as amount is greater than amount outstanding"
WRONG_TYPE = "%(label)s cannot be allocated to an incorrect invoice type"
PAID_OFF = "The invoice you are trying to allocate to has already been paid off"


def check_allocation(label, credit, invoice, amount, invoice_type, too_large_for_credit=None):
    """Refuse (ElementInvalid) to allocate ``amount`` of ``credit`` (its kind ``label``, e.g.
    "Credit Note") to ``invoice``, which must be of ``invoice_type`` (ACCREC or ACCPAY), of
    the same contact and currency, approved and owing at least that much. A credit used up
    (PAID) is refused for the amount it has left, as Xero's users see."""
    words = {"label": label}
    if not invoice:
        raise ElementInvalid("Invoice could not be found")
    if invoice["Status"] == "PAID":
        raise ElementInvalid(PAID_OFF)
    if credit["Status"] not in ("AUTHORISED", "PAID") or invoice["Status"] != "AUTHORISED":
        raise ElementInvalid(
            "Only an AUTHORISED %s can be allocated to an AUTHORISED invoice" % label.lower()
        )
    if invoice["Type"] != invoice_type:
        raise ElementInvalid(WRONG_TYPE % words)
    if credit["CurrencyCode"] != invoice["CurrencyCode"]:
        raise ElementInvalid(
            "%s cannot be allocated to an invoice in another currency (%s, not %s)"
            % (label, invoice["CurrencyCode"], credit["CurrencyCode"])
        )
    # Xero allocates credit "only if the contact is the same for all transactions" (Xero
    # Central, "Apply overpayment to existing invoice or bill").
    if credit["Contact"]["ContactID"] != invoice["Contact"]["ContactID"]:
        raise ElementInvalid(
            "The %s and the invoice must belong to the same contact" % label.lower()
        )
    if amount <= 0:
        raise ElementInvalid("The allocated amount must be greater than zero")
    if amount > dec(credit["RemainingCredit"]):
        raise ElementInvalid((too_large_for_credit or TOO_LARGE) % words)
    if amount > dec(invoice["AmountDue"]):
        raise ElementInvalid(TOO_LARGE % words)
