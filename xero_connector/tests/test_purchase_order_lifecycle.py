# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_move_sync import TwoCompaniesCase
from .test_purchase_order_sync import BillOrderCase, OrderCase


def live(documents):
    return [d for d in documents if d["Status"] not in ("DELETED", "VOIDED")]


@tagged("post_install", "-at_install")
class TestPurchaseOrderLifecycle(OrderCase):
    """Cancelled, deleted, confirmed again: what Xero holds follows the order."""

    def sent_order(self):
        order = self.order()
        order.button_confirm()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        return order

    def test_an_order_in_xero_is_deleted_only_once_xero_deleted_its_document(self):
        order = self.sent_order()
        xero_id = order.xero_id
        order.button_cancel()
        with self.assertRaisesRegex(UserError, "cancel them instead"):
            order.unlink()
        self.run_push_cron()
        [held] = [d for d in self.held("PurchaseOrders") if d["PurchaseOrderID"] == xero_id]
        self.assertEqual(held["Status"], "DELETED")
        order.unlink()
        self.assertFalse(order.exists())

    def test_cancelled_then_confirmed_again_it_goes_as_a_new_document(self):
        order = self.sent_order()
        first_id = order.xero_id
        order.button_cancel()
        self.run_push_cron()
        self.assertEqual(order.xero_status, "DELETED")
        order.button_draft()
        order.button_confirm()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertNotEqual(order.xero_id, first_id)
        [held] = live(self.held("PurchaseOrders"))
        self.assertEqual(held["PurchaseOrderNumber"], order.name)

    def test_cancelled_after_a_lost_answer_it_is_removed_from_xero(self):
        order = self.order()
        order.button_confirm()
        self.sandbox.add_fault(
            kind="drop_after_write", method="PUT", path="/PurchaseOrders", times=1
        )
        order.action_xero_sync()
        self.assertEqual(len(self.held("PurchaseOrders")), 1)
        order.button_cancel()
        self.assertEqual((order.xero_state, order.xero_operation), ("pending", "remove"))
        self.assertFalse(order.xero_error)
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        self.assertEqual(live(self.held("PurchaseOrders")), [])
        self.assertEqual(order.xero_status, "DELETED")

    def test_confirmed_again_by_hand_it_waits_for_the_button(self):
        order = self.sent_order()
        order.button_cancel()
        self.run_push_cron()
        order.button_draft()
        order.button_confirm()
        self.assertFalse(order.xero_id)
        self.assertEqual(order.xero_state, "not_synced", "the company sends by hand")

    def test_deleted_in_xero_then_cancelled_in_odoo_leaves_nothing_to_do(self):
        order = self.sent_order()
        self.sandbox.edit(
            self.tenant["tenantId"], "PurchaseOrders", order.xero_id, {"Status": "DELETED"}
        )
        self.run_import_cron()
        self.assertEqual(order.xero_status, "DELETED")
        order.button_cancel()
        self.run_push_cron()
        self.assertEqual(order.xero_state, "not_synced")
        self.assertFalse(order.xero_error)

    def test_deleted_in_xero_since_the_last_poll_then_cancelled_ends_done(self):
        order = self.sent_order()
        self.sandbox.edit(
            self.tenant["tenantId"], "PurchaseOrders", order.xero_id, {"Status": "DELETED"}
        )
        order.button_cancel()
        self.run_push_cron()
        self.assertEqual((order.xero_state, order.xero_status), ("synced", "DELETED"))
        self.assertFalse(order.xero_error)

    def test_a_buyer_without_xero_rights_confirms_and_cancels(self):
        self.connection.send_purchase_order = "on_confirm"
        buyer = self.env["res.users"].create(
            {
                "name": "Buyer",
                "login": "buyer-lifecycle@example.com",
                "group_ids": [(6, 0, [self.env.ref("purchase.group_purchase_user").id])],
            }
        )
        order = self.order().with_user(buyer)
        order.button_confirm()
        self.run_push_cron()
        self.assertEqual(order.sudo().xero_state, "synced", order.sudo().xero_error)
        order.button_cancel()
        self.run_push_cron()
        self.assertEqual(order.sudo().xero_status, "DELETED")


@tagged("post_install", "-at_install")
class TestPurchaseOrderBillLifecycle(BillOrderCase):
    """Orders sent as bills, and the vendor bills that take them over."""

    def combined_bill(self, orders):
        action = orders.action_create_invoice()
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(len(bill), 1, "Odoo makes one vendor bill of both")
        bill.write({"invoice_date": "2026-11-20", "ref": "SUP-INV-9"})
        return bill

    def test_one_vendor_bill_for_two_orders_leaves_one_bill_in_xero(self):
        first, second = self.order(), self.order(ref="SUP-INV-10")
        (first | second).action_xero_sync()
        self.assertEqual(len(self.bills_in_xero()), 2)
        action = (first | second).action_create_invoice()
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(len(bill), 1, "Odoo makes one vendor bill of both")
        bill.write({"invoice_date": "2026-11-20", "ref": "SUP-INV-9"})
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.run_push_cron()
        [held] = live(self.bills_in_xero())
        self.assertEqual((held["InvoiceID"], held["Total"]), (bill.xero_id, bill.amount_total))
        self.assertEqual((first | second).xero_bill_move_id, bill)
        self.assertEqual(second.xero_state, "synced", second.xero_error)
        self.assertTrue(
            any(
                "vendor bill %s counts its lines" % bill.display_name in m.body
                for m in second.message_ids
            )
        )
        # Neither order goes as a bill again.
        (first | second).order_line[0].product_qty = 9
        self.run_push_cron()
        self.assertEqual(len(live(self.bills_in_xero())), 1)
        with self.assertRaisesRegex(UserError, "send the vendor bill instead"):
            first.action_xero_sync()

    def test_an_order_changed_before_its_bill_was_taken_over_is_not_left_pending(self):
        order = self.order()
        order.action_xero_sync()
        order.order_line[0].price_unit = 26.0
        self.assertEqual(order.xero_state, "pending")
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(order.xero_bill_move_id, bill)
        self.run_push_cron()
        self.assertEqual(order.xero_state, "synced")

    def test_a_bill_voided_then_the_order_confirmed_again_goes_as_a_new_bill(self):
        self.connection.status_purchase_order = "AUTHORISED"
        order = self.order()
        order.action_xero_sync()
        order.button_cancel()
        self.run_push_cron()
        self.assertEqual(order.xero_status, "VOIDED")
        order.button_draft()
        order.button_confirm()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        [held] = live(self.bills_in_xero())
        self.assertEqual(held["InvoiceID"], order.xero_id)

    def orders_one_paid_in_xero(self, paid=None, imported=True):
        """Two orders sent as bills, the first one's paid in Xero (whole by default), and
        what Odoo knows of it imported or not."""
        self.connection.status_purchase_order = "AUTHORISED"
        first, second = self.order(), self.order(ref="SUP-INV-10")
        (first | second).action_xero_sync()
        self.pay_in_xero(first, paid or first.amount_total)
        if imported:
            self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        return first, second

    def assert_vendor_bill_refused(self, first, second):
        """Their vendor bill, sent, is in error for the first order's paid bill, and Xero
        holds both orders' bills as they were."""
        bill = self.combined_bill(first | second)
        bill.action_post()
        bill.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(bill.xero_state, "error")
        self.assertIn(
            "%s, whose bill Xero holds a payment or a credit note on" % first.name,
            bill.xero_error,
        )
        self.assertNotIn("not of valid status", bill.xero_error)
        held = live(self.bills_in_xero())
        self.assertEqual(sum(d["Total"] for d in held), first.amount_total + second.amount_total)
        return held

    def test_a_vendor_bill_of_an_order_whose_bill_is_paid_in_xero_is_refused(self):
        first, second = self.orders_one_paid_in_xero()
        self.assertEqual(first.xero_status, "PAID")
        self.assert_vendor_bill_refused(first, second)
        self.assertFalse((first | second).xero_bill_move_id)

    def test_a_vendor_bill_that_cannot_be_sent_leaves_the_orders_bills(self):
        first, second = self.order(), self.order(ref="SUP-INV-10")
        (first | second).action_xero_sync()
        bill = self.combined_bill(first | second)
        bill.invoice_line_ids[0].tax_ids = self.tax("Unmapped 4%", 4, "purchase")
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(bill.xero_state, "error")
        self.run_push_cron()
        self.assertEqual(len(live(self.bills_in_xero())), 2)
        # Corrected, it replaces both.
        bill.button_draft()
        bill.invoice_line_ids[0].tax_ids = self.purchase_tax
        bill.action_post()
        bill.action_xero_sync()
        self.run_push_cron()
        [held] = live(self.bills_in_xero())
        self.assertEqual(held["Total"], bill.amount_total)

    def test_two_like_orders_of_one_batch_are_not_taken_for_one(self):
        orders = self.order() | self.order()
        self.sandbox.add_fault(kind="drop_after_write", method="PUT", path="/Invoices", times=1)
        orders.action_xero_sync()
        refused = orders.filtered(lambda o: o.xero_state == "error")
        self.assertEqual(len(refused), 1)
        self.assertIn("looks like one document entered twice", refused.xero_error)
        self.assertEqual(len(self.bills_in_xero()), 1)
        orders._xero_write({"xero_lost_batch": False})
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        refused.partner_ref = "SUP-INV-9 bis"
        refused.action_xero_sync()
        self.assertEqual(set(orders.mapped("xero_state")), {"synced"}, orders.mapped("xero_error"))
        self.assertEqual(len(self.bills_in_xero()), 2, "each order's bill once")

    def test_two_vendor_bills_of_one_order_in_one_batch(self):
        order = self.order()
        order.action_xero_sync()
        first = self.vendor_bill(order)
        first.invoice_line_ids[0].quantity = 1
        first.action_post()
        second = self.vendor_bill(order)
        second.write({"ref": "SUP-INV-10"})
        second.action_post()
        (first | second).action_xero_sync()
        self.assertEqual(set((first | second).mapped("xero_state")), {"synced"})
        held = live(self.bills_in_xero())
        self.assertEqual(
            sorted(d["Total"] for d in held), sorted([first.amount_total, second.amount_total])
        )
        self.assertEqual(order.xero_bill_move_id, first)

    def test_a_vendor_refund_of_an_order_goes_as_a_credit_note(self):
        order = self.order()
        order.action_xero_sync()
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        refund = bill._reverse_moves([{"ref": "SUP-CN-1", "invoice_date": "2026-11-21"}])
        refund.action_post()
        refund.action_xero_sync()
        self.assertEqual(refund.xero_state, "synced", refund.xero_error)
        self.assertEqual(len(live(self.bills_in_xero())), 1)
        self.assertNotEqual(refund.xero_id, order.xero_id)

    def test_a_bill_paid_in_xero_since_the_last_poll_loses_no_order_bill(self):
        first, second = self.orders_one_paid_in_xero(imported=False)
        self.assert_vendor_bill_refused(first, second)

    def test_a_vendor_bill_of_an_order_whose_bill_is_part_paid_in_xero_is_refused(self):
        """Part paid, Xero's bill stays AUTHORISED: Odoo cannot tell before it tries, and
        says what stops it once Xero refused."""
        first, second = self.orders_one_paid_in_xero(paid=10.0)
        self.assertEqual(first.xero_status, "AUTHORISED")
        held = self.assert_vendor_bill_refused(first, second)
        self.assertEqual([d["AmountPaid"] for d in held if d["InvoiceID"] == first.xero_id], [10])

    def test_a_vendor_bill_of_an_order_whose_bill_was_voided_in_xero_says_so(self):
        """Xero refuses a change to a voided bill in the words it uses for a paid one: what
        Xero holds tells them apart."""
        self.connection.status_purchase_order = "AUTHORISED"
        first, second = self.order(), self.order(ref="SUP-INV-10")
        (first | second).action_xero_sync()
        self.sandbox.edit(self.tenant["tenantId"], "Invoices", first.xero_id, {"Status": "VOIDED"})
        bill = self.combined_bill(first | second)
        bill.action_post()
        bill.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(bill.xero_state, "error")
        self.assertNotIn("payment", bill.xero_error)
        self.assertIn("not of valid status", bill.xero_error)


@tagged("post_install", "-at_install")
class TestPurchaseOrderTwoCompanies(TwoCompaniesCase):
    """Each company's setting: the UK one sends Xero purchase orders, the Australian one
    bills, each to its own organisation."""

    def test_each_company_sends_its_orders_as_it_chose(self):
        self.au_connection.purchase_order_as = "bill"
        accounts = self.env["xero.account"].search([("connection_id", "=", self.au_connection.id)])
        self.au_connection.xero_purchase_account_id = accounts.filtered(lambda a: a.code == "300")
        au_tax = self.env["account.tax"].create(
            {
                "name": "GST 10% (purchases)",
                "amount": 10,
                "type_tax_use": "purchase",
                "company_id": self.company_au.id,
                "xero_tax_rate_id": self.env["xero.tax.rate"]
                .search([("connection_id", "=", self.au_connection.id), ("tax_type", "=", "INPUT")])
                .id,
            }
        )
        product = self.env["product.product"].create(
            {
                "name": "Bolts",
                "default_code": "BOLT-1",
                "taxes_id": False,
                "supplier_taxes_id": False,
            }
        )

        def order(company, tax):
            return (
                self.env["purchase.order"]
                .with_company(company)
                .create(
                    {
                        "company_id": company.id,
                        "partner_id": self.vendor.id,
                        "partner_ref": "VQ-1",
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": product.id,
                                    "product_qty": 2,
                                    "price_unit": 50.0,
                                    "tax_ids": [(6, 0, tax.ids)],
                                },
                            )
                        ],
                    }
                )
            )

        uk_order, au_order = (
            order(self.env.company, self.purchase_tax),
            order(self.company_au, au_tax),
        )
        (uk_order | au_order).button_confirm()
        (uk_order | au_order).action_xero_sync()
        self.assertEqual(
            (uk_order | au_order).mapped("xero_state"),
            ["synced", "synced"],
            (uk_order | au_order).mapped("xero_error"),
        )
        self.assertEqual((uk_order.xero_sent_as, au_order.xero_sent_as), ("purchase_order", "bill"))
        [uk_held] = self.held("PurchaseOrders")
        self.assertEqual(uk_held["PurchaseOrderID"], uk_order.xero_id)
        au_bills = self.sandbox.held(self.au_tenant["tenantId"], "Invoices")
        self.assertEqual(
            [(d["InvoiceID"], d["Type"]) for d in au_bills], [(au_order.xero_id, "ACCPAY")]
        )
        self.assertEqual(au_bills[0]["Total"], 110.0)
        self.assertFalse(self.sandbox.held(self.au_tenant["tenantId"], "PurchaseOrders"))
