"""Where a record goes in Xero: its endpoint, the name of its ID and its deep link's kind.

A route belongs to a record, not to a model: an Odoo journal entry goes to Invoices or to
CreditNotes by its type, a purchase order to PurchaseOrders or to Invoices by a setting.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    endpoint: str  # "Contacts": the collection's path and its key in Xero's answers
    id_field: str  # "ContactID"
    link_kind: str = None  # the deep link's kind (endpoints.DEEP_LINK_PATHS), None if Xero has none

    @property
    def id_attribute(self):
        """``ContactID`` -> ``contact_id``: the attribute of the SDK's model."""
        name = self.id_field[:-2]
        snake = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
        return snake + "_id"


CONTACTS = Route("Contacts", "ContactID", "contact")
ITEMS = Route("Items", "ItemID")
SALES_INVOICES = Route("Invoices", "InvoiceID", "invoice")
BILLS = Route("Invoices", "InvoiceID", "bill")
SALES_CREDIT_NOTES = Route("CreditNotes", "CreditNoteID", "credit_note")
BILL_CREDIT_NOTES = Route("CreditNotes", "CreditNoteID", "bill_credit_note")
PURCHASE_ORDERS = Route("PurchaseOrders", "PurchaseOrderID", "purchase_order")
PAYMENTS = Route("Payments", "PaymentID")
CREDIT_NOTE_ALLOCATIONS = Route("Allocations", "AllocationID")


def drain_order(depends_on):
    """Model names in an order where each comes after those it depends on.

    ``depends_on`` maps a name to the names that must be in Xero before it; names are
    otherwise kept in the order given. A cycle is a programming error."""
    ordered, visiting = [], set()

    def visit(name, path):
        if name in ordered:
            return
        if name in visiting:
            raise ValueError("Xero sync dependencies form a cycle: %s" % " -> ".join(path))
        visiting.add(name)
        for required in depends_on.get(name, ()):
            if required in depends_on:
                visit(required, path + [required])
        visiting.discard(name)
        ordered.append(name)

    for name in depends_on:
        visit(name, [name])
    return ordered
