"""Purchase orders: DRAFT, SUBMITTED, AUTHORISED, BILLED, DELETED."""

from .. import documents
from .document import DocumentResource

PO_HEADER_FIELDS = (
    "Reference",
    "CurrencyRate",
    "SentToContact",
    "BrandingThemeID",
    "DeliveryAddress",
    "AttentionTo",
    "Telephone",
    "DeliveryInstructions",
)


class PurchaseOrders(DocumentResource):
    endpoint = "PurchaseOrders"
    id_field = "PurchaseOrderID"
    label = "Purchase Order"
    webhook_category = None
    number_field = "PurchaseOrderNumber"
    number_prefix = "PO"
    transitions = documents.PURCHASE_ORDER_TRANSITIONS
    header_fields = PO_HEADER_FIELDS
    closing_statuses = ("DELETED",)
    number_taken = "Order number must be unique"

    def sales_side(self, doc):
        return False

    def numbered_automatically(self, doc):
        return True

    def default_filter(self, obj, query):
        return obj["Status"] != "DELETED" or query.get("Status") == "DELETED"
