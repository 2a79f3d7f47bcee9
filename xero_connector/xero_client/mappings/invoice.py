"""Odoo invoices and bills -> Xero invoices (ACCREC, ACCPAY); pure functions, no I/O."""

from xero_python.accounting import Invoice

from .document import payload_and_model, sdk_date, sdk_document_fields


def invoice_to_xero(document):
    """The SDK's ``Invoice`` for an Odoo customer invoice or vendor bill (see
    ``document.document_to_xero`` for the values)."""
    return payload_and_model(document, build_invoice)


def build_invoice(payload):
    return Invoice(
        invoice_id=payload.get("InvoiceID"),
        type=payload["Type"],
        invoice_number=payload.get("InvoiceNumber"),
        due_date=sdk_date(payload.get("DueDate")),
        url=payload.get("Url"),
        **sdk_document_fields(payload),
    )
