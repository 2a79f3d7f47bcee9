"""Odoo credit notes -> Xero credit notes (ACCRECCREDIT, ACCPAYCREDIT); pure functions."""

from xero_python.accounting import Contact, CreditNote, CurrencyCode, LineAmountTypes

from .document import payload_and_model, sdk_date, sdk_line_items, sdk_number


def credit_note_to_xero(document):
    """The SDK's ``CreditNote`` for an Odoo customer or vendor credit note (see
    ``document.document_to_xero`` for the values)."""
    return payload_and_model(document, build_credit_note)


def build_credit_note(payload):
    return CreditNote(
        credit_note_id=payload.get("CreditNoteID"),
        type=payload["Type"],
        contact=Contact(contact_id=payload["Contact"]["ContactID"]),
        credit_note_number=payload.get("CreditNoteNumber"),
        reference=payload.get("Reference"),
        date=sdk_date(payload["Date"]),
        due_date=sdk_date(payload.get("DueDate")),
        currency_code=CurrencyCode(payload["CurrencyCode"]),
        currency_rate=sdk_number(payload.get("CurrencyRate")),
        line_amount_types=LineAmountTypes(payload["LineAmountTypes"]),
        status=payload.get("Status"),
        line_items=sdk_line_items(payload["LineItems"]),
    )
