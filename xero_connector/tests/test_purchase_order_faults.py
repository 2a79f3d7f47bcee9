# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Purchase orders sent as Xero bills (and as Xero purchase orders) when Xero's answers
are lost, Xero stops in the middle of a run, or the order is cancelled or billed before the
next run: what the sandbox holds afterwards, and what the orders show."""

from unittest.mock import patch

from odoo.tests import tagged

from ..models import xero_sync_mixin
from .test_purchase_order_sync import BillOrderCase

# Small batches: a run of seven orders makes three writes, and a fault hits the middle one.
SMALL_BATCH = 3


class PurchaseOrderFaultCase(BillOrderCase):
    """Confirmed orders of a company that sends them as bills, and Xero's faults."""

    def order(self, number=1, quantity=4, price=25.0):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "partner_ref": "SUP-INV-%d" % number,
                "date_planned": "2026-12-04 10:00:00",
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "name": "Cable",
                            "product_qty": quantity,
                            "price_unit": price,
                            "tax_ids": [(6, 0, self.purchase_tax.ids)],
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        return order

    def orders(self, count):
        orders = self.env["purchase.order"]
        for number in range(1, count + 1):
            orders |= self.order(number, quantity=number, price=10.0 + number)
        return orders

    def vendor_bill(self, order):
        action = order.action_create_invoice()
        bill = self.env["account.move"].browse(action["res_id"])
        bill.write({"invoice_date": "2026-11-20", "ref": order.partner_ref})
        return bill

    # -- what Xero holds ------------------------------------------------------------------------
    def bills_in_xero(self, live=True):
        """Xero's ACCPAY bills; only those not deleted or voided unless ``live`` is False."""
        return [
            d
            for d in self.held("Invoices")
            if d["Type"] == "ACCPAY" and not (live and d["Status"] in ("DELETED", "VOIDED"))
        ]

    def orders_in_xero(self, live=True):
        return [d for d in self.held("PurchaseOrders") if not (live and d["Status"] == "DELETED")]

    def assertEachOnceAsABill(self, orders):
        """Every order synced, linked to a bill of its own, and Xero holds no other bill."""
        self.assertEqual(
            set(orders.mapped("xero_state")), {"synced"}, set(orders.mapped("xero_error"))
        )
        self.assertEqual(set(orders.mapped("xero_sent_as")), {"bill"})
        bills = {d["InvoiceID"]: d for d in self.bills_in_xero(live=False)}
        self.assertEqual(len(bills), len(orders), "one bill per order in Xero, no second one")
        self.assertEqual(set(orders.mapped("xero_id")), set(bills))
        for order in orders:
            held = bills[order.xero_id]
            self.assertEqual(held["InvoiceNumber"], order.partner_ref)
            self.assertEqual(held["Total"], order.amount_total)
            self.assertEqual(order.xero_status, held["Status"])
        self.assertFalse(self.held("PurchaseOrders"))

    # -- faults ---------------------------------------------------------------------------------
    def lose(self, orders, path="/Invoices", kind="drop_after_write"):
        """The orders are sent at once and Xero's answer never comes (by default Xero wrote
        them first)."""
        self.sandbox.add_fault(kind=kind, method="PUT", path=path, times=1)
        orders.action_xero_sync()
        self.assertEqual(set(orders.mapped("xero_state")), {"pending"})
        self.assertFalse(any(orders.mapped("xero_id")))

    def crash(self, orders):
        """As after a crash or a restart, long after Xero forgot the Idempotency-Key: only
        the orders' claims say the write may have happened."""
        orders._xero_write({"xero_lost_batch": False})
        self.forget_key()

    def forget_key(self):
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})

    def next_run(self):
        """The next scheduled run, once Xero takes calls again."""
        self.forget_key()
        self.connection.sudo().write({"rate_limited_until": False})
        self.run_push_cron()

    def run_in_small_batches(self):
        with patch.object(xero_sync_mixin, "BATCH_SIZE", SMALL_BATCH):
            self.run_push_cron()


@tagged("post_install", "-at_install")
class TestPurchaseOrderBillLostAnswers(PurchaseOrderFaultCase):
    """An order sent as a bill whose answer was lost is found in Xero, never sent twice."""

    def test_a_bill_whose_answer_was_lost_is_sent_once(self):
        orders = self.orders(2)
        self.lose(orders)
        self.assertEqual(len(self.bills_in_xero()), 2, "Xero wrote them")
        self.run_push_cron()
        self.assertEachOnceAsABill(orders)
        self.assertEqual(set(orders.mapped("xero_status")), {"DRAFT"})

    def test_a_bill_whose_answer_was_lost_in_a_crash_is_found_not_sent_again(self):
        orders = self.orders(2)
        self.lose(orders)
        self.crash(orders)
        self.run_push_cron()
        self.assertEachOnceAsABill(orders)
        self.assertEqual(set(orders.mapped("xero_status")), {"DRAFT"})
        # Found, it is the order's bill: a change updates it.
        first = orders[0]
        first.order_line[0].product_qty = 9
        self.assertEqual(first.xero_state, "pending")
        self.run_push_cron()
        self.assertEachOnceAsABill(orders)

    def test_a_bill_lost_before_xero_wrote_it_is_sent_once(self):
        orders = self.orders(2)
        self.lose(orders, kind="drop_before_write")
        self.assertFalse(self.bills_in_xero())
        self.crash(orders)
        self.run_push_cron()
        self.assertEachOnceAsABill(orders)


@tagged("post_install", "-at_install")
class TestPurchaseOrderBillOutages(PurchaseOrderFaultCase):
    """Xero fails the middle write of a run of seven orders (three writes of three, three
    and one): the next run leaves every order in Xero exactly once."""

    def send_seven_with_a_fault_in_the_middle(self, **fault):
        self.connection.send_purchase_order = "on_confirm"
        orders = self.orders(7)
        self.assertEqual(set(orders.mapped("xero_state")), {"pending"})
        self.sandbox.add_fault(method="PUT", path="/Invoices", skip=1, times=1, **fault)
        self.run_in_small_batches()
        sent = orders.filtered(lambda o: o.xero_state == "synced")
        self.assertEqual(len(sent), SMALL_BATCH, "the first write went, the run stopped after")
        self.assertEqual(
            len(orders.filtered(lambda o: o.xero_state == "pending")), len(orders) - SMALL_BATCH
        )
        return orders

    def test_a_server_error_in_the_middle_of_a_run(self):
        orders = self.send_seven_with_a_fault_in_the_middle(kind="error", status=503)
        self.assertEqual(len(self.bills_in_xero()), SMALL_BATCH)
        self.next_run()
        self.assertEachOnceAsABill(orders)

    def test_a_timeout_in_the_middle_of_a_run(self):
        orders = self.send_seven_with_a_fault_in_the_middle(kind="timeout", seconds=0.01)
        self.next_run()
        self.assertEachOnceAsABill(orders)

    def test_a_rate_limit_in_the_middle_of_a_run(self):
        orders = self.send_seven_with_a_fault_in_the_middle(kind="rate_limit", retry_after=60)
        self.assertTrue(self.connection._is_rate_limited())
        self.assertEqual(len(self.bills_in_xero()), SMALL_BATCH)
        self.next_run()
        self.assertEachOnceAsABill(orders)

    def test_a_connection_dropped_before_the_write_in_the_middle_of_a_run(self):
        orders = self.send_seven_with_a_fault_in_the_middle(kind="drop_before_write")
        self.assertEqual(len(self.bills_in_xero()), SMALL_BATCH)
        self.next_run()
        self.assertEachOnceAsABill(orders)

    def test_an_answer_lost_in_the_middle_of_a_run(self):
        orders = self.send_seven_with_a_fault_in_the_middle(kind="drop_after_write")
        self.assertEqual(len(self.bills_in_xero()), 2 * SMALL_BATCH, "Xero wrote the middle")
        self.run_in_small_batches()  # within the key's lifetime: the same write again
        self.assertEachOnceAsABill(orders)

    def test_a_crash_after_the_middle_write_of_a_run(self):
        orders = self.send_seven_with_a_fault_in_the_middle(kind="drop_after_write")
        self.crash(orders)
        self.next_run()
        self.assertEachOnceAsABill(orders)


@tagged("post_install", "-at_install")
class TestPurchaseOrderBillCancelled(PurchaseOrderFaultCase):
    """An order cancelled before the run that would have found its lost bill."""

    def assertNothingLeftInXero(self, order):
        self.assertFalse(
            self.bills_in_xero(),
            "the order's bill is left in Xero: order %s/%s/%s/%s %r"
            % (
                order.state,
                order.xero_state,
                order.xero_operation,
                order.xero_status,
                order.xero_error,
            ),
        )
        self.assertNotEqual(order.xero_state, "error", order.xero_error)
        self.assertNotEqual(order.xero_state, "pending")

    def test_cancelling_an_order_whose_bill_answer_was_lost_removes_the_bill(self):
        order = self.order()
        self.lose(order)
        order.button_cancel()
        self.run_push_cron()
        self.assertNothingLeftInXero(order)
        self.assertEqual(len(self.bills_in_xero(live=False)), 1, "no bill was made to delete")
        self.assertIn(order.xero_status, ("DELETED", "VOIDED"))

    def test_cancelling_after_a_crash_removes_the_bill_found(self):
        order = self.order()
        self.lose(order)
        self.crash(order)
        order.button_cancel()
        self.run_push_cron()
        self.assertNothingLeftInXero(order)
        self.assertEqual(len(self.bills_in_xero(live=False)), 1)

    def test_cancelling_an_order_that_never_reached_xero_leaves_nothing_to_remove(self):
        sent_nothing, lost_before_writing = self.order(1), self.order(2)
        sent_nothing.button_cancel()
        self.lose(lost_before_writing, kind="drop_before_write")
        self.crash(lost_before_writing)
        lost_before_writing.button_cancel()
        self.run_push_cron()
        for order in sent_nothing | lost_before_writing:
            self.assertFalse(order.xero_id)
            self.assertNotEqual(order.xero_state, "error", order.xero_error)
            self.assertNotEqual(order.xero_state, "pending")
        self.assertFalse(self.held("Invoices"))
        self.assertFalse(self.held("PurchaseOrders"))


@tagged("post_install", "-at_install")
class TestPurchaseOrderLostThenBilled(PurchaseOrderFaultCase):
    """An order whose answer was lost, then billed in Odoo (its vendor bill posted and sent)
    before the next run: one Xero document of each kind, never a second bill."""

    def test_a_lost_purchase_order_and_its_vendor_bill_are_one_of_each(self):
        self.connection.purchase_order_as = "purchase_order"
        order = self.order()
        self.lose(order, path="/PurchaseOrders")
        self.crash(order)
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.run_push_cron()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertEqual(order.xero_sent_as, "purchase_order")
        [held_order] = self.orders_in_xero(live=False)
        self.assertEqual(held_order["PurchaseOrderID"], order.xero_id)
        [held_bill] = self.bills_in_xero(live=False)
        self.assertEqual(held_bill["InvoiceID"], bill.xero_id)
        self.assertEqual(held_bill["Total"], bill.amount_total)
        self.assertFalse(order.xero_bill_move_id, "its Xero purchase order is its own")

    def test_a_lost_purchase_order_billed_within_the_keys_lifetime(self):
        self.connection.write({"purchase_order_as": "purchase_order", "send_in_invoice": "on_post"})
        order = self.order()
        self.lose(order, path="/PurchaseOrders")
        bill = self.vendor_bill(order)
        bill.action_post()
        self.run_push_cron()
        self.assertEqual(
            (order.xero_state, bill.xero_state),
            ("synced", "synced"),
            (order.xero_error, bill.xero_error),
        )
        self.assertEqual(len(self.orders_in_xero(live=False)), 1)
        self.assertEqual([d["InvoiceID"] for d in self.bills_in_xero(live=False)], [bill.xero_id])

    def test_a_vendor_bill_posted_after_its_orders_bill_was_lost_takes_it_over(self):
        order = self.order()
        self.lose(order)
        self.crash(order)
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        self.run_push_cron()
        bills = self.bills_in_xero()
        self.assertEqual(
            len(bills),
            1,
            "Xero holds %d bills for one order: order %s (%s), vendor bill %s (%s)"
            % (len(bills), order.xero_id, order.xero_state, bill.xero_id, bill.xero_state),
        )
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.assertEqual(bill.xero_id, bills[0]["InvoiceID"])
        self.assertEqual(bills[0]["Total"], bill.amount_total)
        self.assertEqual(order.xero_bill_move_id, bill)

    def test_an_order_whose_lost_bill_was_taken_over_is_not_left_pending(self):
        order = self.order()
        self.lose(order)
        self.crash(order)
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(order.xero_bill_move_id, bill)
        self.assertEqual(len(self.bills_in_xero()), 1)
        self.assertNotIn(order.xero_state, ("pending", "error"), order.xero_error)

    def test_an_order_changed_before_its_vendor_bill_took_over_is_not_left_pending(self):
        order = self.order()
        order.action_xero_sync()
        order.order_line[0].product_qty = 5
        self.assertEqual(order.xero_state, "pending")
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(order.xero_bill_move_id, bill)
        [held] = self.bills_in_xero()
        self.assertEqual(held["Total"], bill.amount_total)
        self.assertNotIn(order.xero_state, ("pending", "error"), order.xero_error)
