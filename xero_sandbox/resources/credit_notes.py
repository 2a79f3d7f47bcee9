"""Credit notes: ACCRECCREDIT and ACCPAYCREDIT, with allocations to invoices."""

from ..money import dec
from .document import HEADER_FIELDS, DocumentResource
from .invoices import LOCKED


class CreditNotes(DocumentResource):
    endpoint = "CreditNotes"
    id_field = "CreditNoteID"
    label = "Credit Note"
    webhook_category = "CREDITNOTE"
    number_field = "CreditNoteNumber"
    number_prefix = "CN"
    types = ("ACCRECCREDIT", "ACCPAYCREDIT")
    unique_number_types = ("ACCRECCREDIT",)
    number_taken = "Credit Note # must be unique."
    locked_by_date = True
    # The CreditNote of Xero's description has no Url (unlike Invoice): Xero keeps none.
    header_fields = tuple(f for f in HEADER_FIELDS if f != "Url")

    def locked_reason(self, doc):
        if doc["Status"] == "PAID" or doc.get("Allocations") or doc.get("Payments"):
            return LOCKED
        return None

    def settle(self, ctx, doc):
        allocated = sum((dec(a["Amount"]) for a in doc.get("Allocations", [])), dec("0.00"))
        paid = sum((dec(p["Amount"]) for p in doc.get("Payments", [])), dec("0.00"))
        doc.setdefault("Allocations", [])
        doc.setdefault("Payments", [])
        doc["AppliedAmount"] = allocated + paid
        doc["RemainingCredit"] = dec(doc["Total"]) - allocated - paid
