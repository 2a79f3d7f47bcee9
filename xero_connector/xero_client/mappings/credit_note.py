"""Odoo credit notes -> Xero credit notes (ACCRECCREDIT, ACCPAYCREDIT); pure functions."""

from xero_python.accounting import CreditNote

from .document import payload_and_model, sdk_date, sdk_document_fields


def credit_note_to_xero(document):
    """The SDK's ``CreditNote`` for an Odoo customer or vendor credit note (see
    ``document.document_to_xero`` for the values)."""
    return payload_and_model(document, build_credit_note)


def build_credit_note(payload):
    return CreditNote(
        credit_note_id=payload.get("CreditNoteID"),
        type=payload["Type"],
        credit_note_number=payload.get("CreditNoteNumber"),
        due_date=sdk_date(payload.get("DueDate")),
        **sdk_document_fields(payload),
    )
