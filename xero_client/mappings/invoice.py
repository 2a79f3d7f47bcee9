"""Odoo invoices and bills -> Xero invoices (ACCREC, ACCPAY); pure functions, no I/O."""

from xero_python.accounting import Contact, CurrencyCode, Invoice, LineAmountTypes

from .document import payload_and_model, sdk_date, sdk_line_items, sdk_number


def invoice_to_xero(document):
    """The SDK's ``Invoice`` for an Odoo customer invoice or vendor bill (see
    ``document.document_to_xero`` for the values)."""
    return payload_and_model(document, build_invoice)


def build_invoice(payload):
    return Invoice(
        invoice_id=payload.get("InvoiceID"),
        type=payload["Type"],
        contact=Contact(contact_id=payload["Contact"]["ContactID"]),
        invoice_number=payload.get("InvoiceNumber"),
        reference=payload.get("Reference"),
        date=sdk_date(payload["Date"]),
        due_date=sdk_date(payload.get("DueDate")),
        currency_code=CurrencyCode(payload["CurrencyCode"]),
        currency_rate=sdk_number(payload.get("CurrencyRate")),
        line_amount_types=LineAmountTypes(payload["LineAmountTypes"]),
        status=payload.get("Status"),
        url=payload.get("Url"),
        line_items=sdk_line_items(payload["LineItems"]),
    )
