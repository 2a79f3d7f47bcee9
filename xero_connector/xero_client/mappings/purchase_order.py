"""Odoo purchase orders -> Xero purchase orders; pure functions, no I/O."""

from xero_python.accounting import PurchaseOrder

from .document import payload_and_model, sdk_date, sdk_document_fields


def purchase_order_to_xero(document):
    """The SDK's ``PurchaseOrder`` for a confirmed Odoo purchase order (see
    ``document.document_to_xero`` for the values; kind "purchase_order", with delivery_date
    and delivery_address)."""
    return payload_and_model(document, build_purchase_order)


def build_purchase_order(payload):
    return PurchaseOrder(
        purchase_order_id=payload.get("PurchaseOrderID"),
        purchase_order_number=payload.get("PurchaseOrderNumber"),
        delivery_date=sdk_date(payload.get("DeliveryDate")),
        delivery_address=payload.get("DeliveryAddress"),
        **sdk_document_fields(payload),
    )
