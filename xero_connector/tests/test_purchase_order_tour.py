# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .test_move_sync import DocumentCase


@tagged("post_install", "-at_install")
class TestPurchaseOrderTour(DocumentCase):
    def test_confirm_an_order_and_sync_it_from_its_form(self):
        product = self.env["product.product"].create(
            {"name": "Nuts", "default_code": "NUT-1", "taxes_id": False, "supplier_taxes_id": False}
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_qty": 10,
                            "price_unit": 1.5,
                            "tax_ids": [(6, 0, self.purchase_tax.ids)],
                        },
                    )
                ],
            }
        )
        self.assertEqual((order.state, order.xero_state), ("draft", "not_synced"))
        self.start_tour(
            "/odoo/action-purchase.purchase_rfq/%d" % order.id,
            "xero_connector_purchase_order_sync",
            login="admin",
        )
        order.invalidate_recordset()
        # The tour confirmed it and its button sent it: nothing here did either.
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        [held] = self.held("PurchaseOrders")
        self.assertEqual(held["PurchaseOrderID"], order.xero_id)
        self.assertEqual(held["PurchaseOrderNumber"], order.name)
        self.assertEqual(held["Total"], order.amount_total)
        self.assertEqual(held["Total"], 18.0)
