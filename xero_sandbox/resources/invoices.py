"""Invoices: ACCREC (sales) and ACCPAY (bills)."""

from ..errors import ElementInvalid
from ..money import dec
from .document import DocumentResource

LOCKED = "This document cannot be edited as it has a payment or credit note allocated to it."


class Invoices(DocumentResource):
    endpoint = "Invoices"
    id_field = "InvoiceID"
    label = "Invoice"
    webhook_category = "INVOICE"
    number_field = "InvoiceNumber"
    number_prefix = "INV"
    types = ("ACCREC", "ACCPAY")
    unique_number_types = ("ACCREC",)
    number_taken = "Invoice # must be unique."
    locked_by_date = True

    def find_by_natural_key(self, ctx, element):
        number = element.get("InvoiceNumber")
        if number and element.get("Type", "ACCREC") == "ACCREC":
            return ctx.org.invoice_by_number(number, "ACCREC")
        return None

    def check_required(self, ctx, doc):
        super().check_required(ctx, doc)
        if doc["Status"] in ("SUBMITTED", "AUTHORISED") and not doc.get("DueDate"):
            raise ElementInvalid("Due Date must be specified for an approved invoice.")

    def locked_reason(self, doc):
        if (
            doc["Status"] == "PAID"
            or dec(doc.get("AmountPaid", 0))
            or dec(doc.get("AmountCredited", 0))
        ):
            return LOCKED
        return None

    def settle(self, ctx, doc):
        paid = sum((dec(p["Amount"]) for p in doc.get("Payments", [])), dec("0.00"))
        # Credit notes, overpayments and prepayments applied (Invoice.AmountCredited).
        credited = sum(
            (
                dec(c["AppliedAmount"])
                for key in ("CreditNotes", "Overpayments", "Prepayments")
                for c in doc.get(key, [])
            ),
            dec("0.00"),
        )
        doc.setdefault("Payments", [])
        doc.setdefault("CreditNotes", [])
        doc["AmountPaid"] = paid
        doc["AmountCredited"] = credited
        doc["AmountDue"] = dec(doc["Total"]) - paid - credited
        doc["IsDiscounted"] = any(
            line.get("DiscountRate") or line.get("DiscountAmount") for line in doc["LineItems"]
        )
