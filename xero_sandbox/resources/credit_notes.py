"""Credit notes: ACCRECCREDIT and ACCPAYCREDIT, with allocations to invoices."""

from ..errors import ElementInvalid
from ..money import dec
from .document import DocumentResource
from .invoices import LOCKED


class CreditNotes(DocumentResource):
    endpoint = "CreditNotes"
    id_field = "CreditNoteID"
    label = "Credit Note"
    webhook_category = "CREDITNOTE"
    number_field = "CreditNoteNumber"
    number_prefix = "CN"
    types = ("ACCRECCREDIT", "ACCPAYCREDIT")

    def check_number_unique(self, ctx, doc):
        """Sales credit notes are numbered uniquely, like sales invoices; supplier credit notes
        carry the supplier's number, which may repeat."""
        number = doc.get("CreditNoteNumber")
        if doc["Type"] != "ACCRECCREDIT" or not number:
            return
        clash = ctx.org.document_by_number("CreditNotes", "CreditNoteNumber", number)
        if clash and clash["CreditNoteID"] != doc["CreditNoteID"] and clash["Type"] == doc["Type"]:
            raise ElementInvalid("Credit Note # must be unique.")

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
