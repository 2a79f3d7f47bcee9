# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_engine import requests_log
from .test_move_sync import DocumentCase


class OrderCase(DocumentCase):
    """Confirmed purchase orders of a company that sends them as Xero purchase orders."""

    def setUp(self):
        super().setUp()
        self.product = self.env["product.product"].create(
            {
                "name": "Bolts",
                "default_code": "BOLT-1",
                "taxes_id": False,
                "supplier_taxes_id": False,
            }
        )

    def order(self, lines=None, **values):
        lines = lines or [{"product_qty": 3, "price_unit": 12.5, "discount": 10}]
        return self.env["purchase.order"].create(
            dict(
                {
                    "partner_id": self.vendor.id,
                    "partner_ref": "VQ-77",
                    "date_planned": "2026-12-04 10:00:00",
                    "order_line": [
                        (
                            0,
                            0,
                            dict(
                                {
                                    "product_id": self.product.id,
                                    "name": "Bolts, M8",
                                    "tax_ids": [(6, 0, self.purchase_tax.ids)],
                                },
                                **line,
                            ),
                        )
                        for line in lines
                    ],
                },
                **values,
            )
        )

    def held_order(self, order):
        found = [o for o in self.held("PurchaseOrders") if o["PurchaseOrderID"] == order.xero_id]
        self.assertEqual(len(found), 1)
        return found[0]

    def run_import_cron(self):
        self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestPurchaseOrderSync(OrderCase):
    """Confirmed purchase orders as Xero purchase orders: by hand or when confirmed,
    revisions, cancelling, the trail and the preview."""

    def test_a_confirmed_order_becomes_a_xero_purchase_order(self):
        order = self.order()
        order.button_confirm()
        self.assertEqual(order.xero_state, "not_synced", "sent by hand unless set otherwise")
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        held = self.held_order(order)
        self.assertEqual(held["PurchaseOrderNumber"], order.name)
        self.assertEqual(held["Reference"], "VQ-77")
        self.assertEqual(held["DeliveryDate"], "2026-12-04")
        self.assertEqual(held["Status"], "DRAFT")
        self.assertEqual(held["LineItems"][0]["ItemCode"], "BOLT-1")
        self.assertEqual(held["LineItems"][0]["TaxType"], "INPUT2")
        self.assertEqual(
            (held["SubTotal"], held["TotalTax"], held["Total"]),
            (order.amount_untaxed, order.amount_tax, order.amount_total),
        )
        self.assertEqual(order.xero_number, order.name)
        self.assertEqual(order.xero_status, "DRAFT")

    def test_every_field_of_an_order_reaches_xero(self):
        self.connection.status_purchase_order = "SUBMITTED"
        self.env.company.partner_id.write(
            {"street": "1 Quay Street", "city": "Bristol", "zip": "BS1 4DJ"}
        )
        region = self.env["account.analytic.plan"].create({"name": "Region"})
        north = self.env["account.analytic.account"].create({"name": "North", "plan_id": region.id})
        self.open_wizard()
        order = self.order(
            lines=[
                {
                    "name": "Bolts, M8, boxed",
                    "product_qty": 4,
                    "price_unit": 12.5,
                    "discount": 10,
                    "analytic_distribution": {str(north.id): 100},
                }
            ],
            date_order="2026-11-18 09:00:00",
        )
        order.button_confirm()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        held = self.held_order(order)
        self.assertEqual(held["Status"], "SUBMITTED")
        self.assertEqual(held["Date"], "2026-11-18")
        self.assertIn("1 Quay Street", held["DeliveryAddress"])
        self.assertIn("BS1 4DJ Bristol", held["DeliveryAddress"])
        [line] = held["LineItems"]
        self.assertEqual(line["Description"], "Bolts, M8, boxed")
        self.assertEqual(line["AccountCode"], "300")
        self.assertEqual((line["Quantity"], line["UnitAmount"]), (4, 11.25), "10% folded in")
        self.assertEqual(line["LineAmount"], 45)
        self.assertEqual(
            [(t["Name"], t["Option"]) for t in line["Tracking"]], [("Region", "North")]
        )
        self.assertEqual(order.xero_status, "SUBMITTED")

    def test_a_change_to_an_order_billed_in_xero_is_refused_with_the_reason(self):
        order = self.order()
        order.button_confirm()
        order.action_xero_sync()
        tenant = self.tenant["tenantId"]
        self.sandbox.edit(tenant, "PurchaseOrders", order.xero_id, {"Status": "AUTHORISED"})
        self.sandbox.edit(tenant, "PurchaseOrders", order.xero_id, {"Status": "BILLED"})
        self.run_import_cron()
        order.order_line[0].product_qty = 9
        self.run_push_cron()
        self.assertEqual(order.xero_state, "error")
        self.assertIn("billed: Xero no longer takes changes to it", order.xero_error)
        self.assertEqual(self.held_order(order)["LineItems"][0]["Quantity"], 3)

    def test_a_request_for_quotation_is_not_sent(self):
        order = self.order()
        with self.assertRaisesRegex(Exception, "None of the selected records"):
            order.action_xero_sync()
        self.assertFalse(self.held("PurchaseOrders"))

    def test_confirming_sends_where_the_company_says_so_and_changes_follow(self):
        self.connection.write(
            {"send_purchase_order": "on_confirm", "status_purchase_order": "AUTHORISED"}
        )
        order = self.order()
        order.button_confirm()
        self.assertEqual(order.xero_state, "pending")
        self.run_push_cron()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertEqual(self.held_order(order)["Status"], "AUTHORISED")
        order.order_line[0].product_qty = 5
        self.assertEqual(order.xero_state, "pending")
        self.run_push_cron()
        held = self.held_order(order)
        self.assertEqual(held["Total"], order.amount_total)
        self.assertEqual(len(self.held("PurchaseOrders")), 1)

    def test_cancelling_deletes_the_xero_purchase_order(self):
        order = self.order()
        order.button_confirm()
        order.action_xero_sync()
        order.button_cancel()
        self.assertEqual(order.xero_state, "pending")
        self.run_push_cron()
        self.assertEqual(self.held_order(order)["Status"], "DELETED")
        self.assertEqual(order.xero_status, "DELETED")

    def test_with_purchase_approval_it_goes_when_approved(self):
        self.connection.send_purchase_order = "on_confirm"
        self.env.company.write(
            {"po_double_validation": "two_step", "po_double_validation_amount": 10}
        )
        buyer = self.env["res.users"].create(
            {
                "name": "Buyer",
                "login": "buyer@example.com",
                "group_ids": [(6, 0, [self.env.ref("purchase.group_purchase_user").id])],
            }
        )
        order = self.order().with_user(buyer)
        order.button_confirm()
        self.assertEqual(order.state, "to approve")
        self.assertEqual(order.xero_state, "not_synced")
        order.with_user(self.env.ref("base.user_admin")).button_approve()
        self.assertEqual(order.xero_state, "pending")
        self.run_push_cron()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertEqual(self.held_order(order)["PurchaseOrderNumber"], order.name)

    def test_an_order_whose_answer_was_lost_is_sent_once(self):
        orders = self.order() | self.order(partner_ref="VQ-78")
        orders.button_confirm()
        self.sandbox.add_fault(
            kind="drop_after_write", method="PUT", path="/PurchaseOrders", times=1
        )
        orders.action_xero_sync()
        self.assertEqual(set(orders.mapped("xero_state")), {"pending"})
        self.assertEqual(len(self.held("PurchaseOrders")), 2)
        # As after a crash, long after Xero forgot the idempotency key.
        orders._xero_write({"xero_lost_batch": False})
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_push_cron()
        self.assertEqual(set(orders.mapped("xero_state")), {"synced"}, orders.mapped("xero_error"))
        self.assertEqual(len(self.held("PurchaseOrders")), 2)
        lookups = [
            r
            for r in requests_log(self.sandbox)
            if r["method"] == "GET"
            and r["path"].startswith("/PurchaseOrders")
            and r["status"] != 401  # the access token expired in the hour: renewed, asked again
        ]
        self.assertEqual(len(lookups), 1, "the orders of one day in one call")
        for order in orders:
            self.held_order(order)

    def test_a_lost_order_is_found_as_what_it_was_sent_as_after_the_setting_changed(self):
        order = self.order()
        order.button_confirm()
        self.sandbox.add_fault(
            kind="drop_after_write", method="PUT", path="/PurchaseOrders", times=1
        )
        order.action_xero_sync()
        order._xero_write({"xero_lost_batch": False})
        self.connection.purchase_order_as = "bill"
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})
        self.run_push_cron()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertEqual(order.xero_sent_as, "purchase_order")
        self.assertEqual(len(self.held("PurchaseOrders")), 1)
        self.assertFalse([d for d in self.held("Invoices") if d["Type"] == "ACCPAY"])

    def test_cancelling_an_order_billed_in_xero_says_what_to_do(self):
        order = self.order()
        order.button_confirm()
        order.action_xero_sync()
        tenant = self.tenant["tenantId"]
        self.sandbox.edit(tenant, "PurchaseOrders", order.xero_id, {"Status": "AUTHORISED"})
        self.sandbox.edit(tenant, "PurchaseOrders", order.xero_id, {"Status": "BILLED"})
        self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(order.xero_status, "BILLED")
        order.button_cancel()
        self.run_push_cron()
        self.assertEqual(order.xero_state, "error")
        self.assertIn("billed", order.xero_error)
        self.assertEqual(self.held_order(order)["Status"], "BILLED")

    def test_an_order_number_xero_has_is_not_overwritten(self):
        from xero_python.accounting import Contact, LineItem, PurchaseOrder

        order = self.order()
        order.button_confirm()
        self.vendor.action_xero_sync()
        theirs = PurchaseOrder(
            contact=Contact(contact_id=self.vendor.xero_id),
            purchase_order_number=order.name,
            line_items=[LineItem(description="Entered in Xero", quantity=1, unit_amount=9)],
        )
        [existing] = self.connection._client().save("PurchaseOrders", [theirs], "by hand")
        self.assertTrue(existing.ok, existing.errors)
        [before] = self.held("PurchaseOrders")
        order.action_xero_sync()
        held = self.held("PurchaseOrders")
        self.assertIn(before, held, "Xero's own purchase order is untouched")

    def test_billed_or_deleted_in_xero_shows_on_the_order_after_the_poll(self):
        self.connection.status_purchase_order = "AUTHORISED"
        billed, deleted, untouched = self.order(), self.order(), self.order()
        orders = billed | deleted | untouched
        orders.button_confirm()
        orders.action_xero_sync()
        tenant = self.tenant["tenantId"]
        self.sandbox.edit(tenant, "PurchaseOrders", billed.xero_id, {"Status": "BILLED"})
        self.sandbox.edit(tenant, "PurchaseOrders", deleted.xero_id, {"Status": "DELETED"})
        self.run_import_cron()
        self.assertEqual(orders.mapped("xero_status"), ["BILLED", "DELETED", "AUTHORISED"])
        self.assertIn("Xero marked this document billed", billed.message_ids[:1].body)
        self.assertIn("Xero marked this document deleted", deleted.message_ids[:1].body)
        # A second poll right after asks nothing of orders: they are polled once a day. At
        # their next turn, a day later, it asks only for what changed, and changes nothing.
        messages = len(billed.message_ids)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_import_cron()
        self.assertFalse(self.order_reads())
        real_now = fields.Datetime.now
        with patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + timedelta(days=1))
        ):
            self.run_import_cron()
        self.assertEqual(len(billed.message_ids), messages)
        self.assertEqual(len(self.order_reads()), 2, "what changed, and what was deleted")

    def order_reads(self):
        return [r for r in requests_log(self.sandbox) if r["path"].startswith("/PurchaseOrders")]

    def uploads(self):
        return [
            r["path"].rsplit("/", 1)[-1]
            for r in requests_log(self.sandbox)
            if r["method"] in ("PUT", "POST") and "/Attachments/" in r["path"]
        ]

    def order_notes(self, order):
        client = self.connection._client()
        history = client.accounting.get_purchase_order_history(
            self.tenant["tenantId"], order.xero_id
        )
        return [r.details for r in history.history_records if r.changes == "Note"]

    def test_the_order_pdf_its_files_and_a_history_note_go_once(self):
        # Odoo's PDF and the history notes, asked for.
        self.connection.write({"send_odoo_pdf": True, "send_history_notes": True})
        order = self.order()
        self.env["ir.attachment"].create(
            [
                {"name": name, "raw": raw, "res_model": "purchase.order", "res_id": order.id}
                for name, raw in (
                    ("vendor-quote.txt", b"quote"),
                    # The PDF Odoo attached when it emailed the request for quotation.
                    ("Request for Quotation - %s.pdf" % order.name, b"%PDF old"),
                )
            ]
        )
        order.button_confirm()
        self.sandbox._call("DELETE", "/sandbox/requests")
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertFalse(order.xero_followup_pending)
        self.assertFalse(order.xero_warning)
        pdf_name = "Purchase Order - %s.pdf" % order.name
        self.assertEqual(sorted(self.uploads()), sorted([pdf_name, "vendor-quote.txt"]))
        [note] = self.order_notes(order)
        self.assertIn("Sent from Odoo as %s" % order.name, note)
        self.assertIn(self.env.user.name, note)
        self.assertIn("Sent to Xero (Draft)", order.message_ids[:1].body)
        self.assertIn(order.xero_id, order.message_ids[:1].body)
        # Changed: the PDF again, one more note, the file not again.
        self.sandbox._call("DELETE", "/sandbox/requests")
        order.order_line[0].product_qty = 7
        order.action_xero_sync()
        self.assertEqual(self.uploads(), [pdf_name])
        self.assertEqual(len(self.order_notes(order)), 2)
        client = self.connection._client()
        attachments = client.accounting.get_purchase_order_attachments(
            self.tenant["tenantId"], order.xero_id
        ).attachments
        self.assertEqual(sorted(a.file_name for a in attachments), [pdf_name, "vendor-quote.txt"])
        # Pressed again with nothing changed: nothing is uploaded.
        self.sandbox._call("DELETE", "/sandbox/requests")
        order.action_xero_sync()
        self.assertEqual(self.uploads(), [])

    def test_the_files_of_orders_sent_by_the_scheduled_action_follow(self):
        self.connection.write({"send_purchase_order": "on_confirm", "send_history_notes": True})
        order = self.order()
        order.button_confirm()
        self.run_push_cron()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertFalse(order.xero_followup_pending)
        [note] = self.order_notes(order)
        self.assertIn(order.name, note)

    def test_a_preview_shows_what_the_order_would_be_without_calling_xero(self):
        order = self.order(lines=[{"product_qty": 3, "price_unit": 12.5, "discount": 10}])
        order.button_confirm()
        self.sandbox._call("DELETE", "/sandbox/requests")
        action = order.action_xero_preview()
        preview = self.env[action["res_model"]].browse(action["res_id"])
        self.assertFalse(preview.error)
        self.assertEqual(preview.document_name, order.display_name)
        for expected in (
            "Purchase order",
            order.name,
            "VQ-77",
            "2026-12-04",
            "BOLT-1",
            "INPUT2",
            self.vendor.name,
            "%.2f" % order.amount_total,
        ):
            self.assertIn(expected, preview.preview)
        order.order_line[0].tax_ids = self.tax("Unmapped 4%", 4, "purchase")
        preview = self.env[action["res_model"]].create(
            {"res_model": "purchase.order", "res_id": order.id}
        )
        self.assertIn("Unmapped 4%", preview.error)
        self.assertEqual(requests_log(self.sandbox), [])
        with self.assertRaises(ValidationError):
            self.env[action["res_model"]].create({"res_model": "res.partner", "res_id": 1})


class BillOrderCase(DocumentCase):
    """Confirmed purchase orders of a company that sends them to Xero as bills."""

    def setUp(self):
        super().setUp()
        self.connection.purchase_order_as = "bill"
        self.product = self.env["product.product"].create(
            {
                "name": "Cable",
                "default_code": "CAB-1",
                "taxes_id": False,
                "supplier_taxes_id": False,
                "purchase_method": "purchase",
            }
        )

    def order(self, ref="SUP-INV-9"):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "partner_ref": ref,
                "date_planned": "2026-12-04 10:00:00",
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "name": "Cable",
                            "product_qty": 4,
                            "price_unit": 25.0,
                            "tax_ids": [(6, 0, self.purchase_tax.ids)],
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        return order

    def vendor_bill(self, order):
        action = order.action_create_invoice()
        bill = self.env["account.move"].browse(action["res_id"])
        bill.write({"invoice_date": "2026-11-20", "ref": "SUP-INV-9"})
        return bill

    def bills_in_xero(self):
        return [d for d in self.held("Invoices") if d["Type"] == "ACCPAY"]


@tagged("post_install", "-at_install")
class TestPurchaseOrderAsBill(BillOrderCase):
    """A company that sends its confirmed orders to Xero as bills."""

    def test_the_order_goes_as_a_bill_and_its_vendor_bill_updates_it(self):
        order = self.order()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.assertEqual(order.xero_sent_as, "bill")
        [bill_in_xero] = self.bills_in_xero()
        self.assertEqual(bill_in_xero["InvoiceID"], order.xero_id)
        self.assertEqual(bill_in_xero["InvoiceNumber"], "SUP-INV-9")
        self.assertEqual(bill_in_xero["Total"], order.amount_total)
        self.assertFalse(self.held("PurchaseOrders"))
        bill = self.vendor_bill(order)
        bill.invoice_line_ids[0].price_unit = 26.0  # the vendor charged a little more
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.assertEqual(bill.xero_id, order.xero_id)
        [updated] = self.bills_in_xero()
        self.assertEqual(updated["Total"], bill.amount_total)
        self.assertEqual(order.xero_bill_move_id, bill)
        # The order changes afterwards: it is not sent as a bill again.
        order.order_line[0].product_qty = 5
        self.run_push_cron()
        self.assertEqual(len(self.bills_in_xero()), 1)
        self.assertEqual(self.bills_in_xero()[0]["Total"], bill.amount_total)

    def test_an_order_whose_bill_was_sent_first_is_not_sent_as_a_second_bill(self):
        order = self.order()
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "error")
        self.assertIn(bill.display_name, order.xero_error)
        self.assertEqual(len(self.bills_in_xero()), 1)

    def test_a_discounted_line_goes_as_a_bill_to_the_cent(self):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "name": "Cable",
                            "product_qty": 3,
                            "price_unit": 12.5,
                            "discount": 7,
                            "tax_ids": [(6, 0, self.purchase_tax.ids)],
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        [bill] = self.bills_in_xero()
        self.assertEqual(
            (bill["SubTotal"], bill["TotalTax"], bill["Total"]),
            (order.amount_untaxed, order.amount_tax, order.amount_total),
        )

    def bill_notes(self, xero_id):
        client = self.connection._client()
        history = client.accounting.get_invoice_history(self.tenant["tenantId"], xero_id)
        return [r.details for r in history.history_records if r.changes == "Note"]

    def test_the_bills_history_names_the_order_and_then_its_vendor_bill(self):
        self.connection.send_history_notes = True
        order = self.order()
        order.action_xero_sync()
        self.assertEqual(
            self.bill_notes(order.xero_id),
            ["Sent from Odoo as purchase order %s by %s." % (order.name, self.env.user.name)],
        )
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        notes = self.bill_notes(order.xero_id)
        self.assertEqual(len(notes), 2)
        self.assertIn("%s (purchase order %s)" % (bill.name, order.name), notes[-1])

    def lose_answer_to_next_bill(self, record):
        self.sandbox.add_fault(kind="drop_after_write", method="PUT", path="/Invoices", times=1)
        record.action_xero_sync()
        self.assertEqual(record.xero_state, "pending")
        self.assertFalse(record.xero_id)
        # As after a crash, long after Xero forgot the idempotency key.
        record._xero_write({"xero_lost_batch": False})
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 3600})

    def test_a_vendor_bill_takes_over_the_bill_of_an_order_whose_answer_was_lost(self):
        order = self.order()
        self.lose_answer_to_next_bill(order)
        self.assertEqual(len(self.bills_in_xero()), 1)
        bill = self.vendor_bill(order)
        bill.action_post()
        bill.action_xero_sync()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        [held] = self.bills_in_xero()
        self.assertEqual(bill.xero_id, held["InvoiceID"])
        self.assertEqual(order.xero_id, held["InvoiceID"])
        self.assertEqual(order.xero_bill_move_id, bill)
        self.run_push_cron()
        self.assertEqual(len(self.bills_in_xero()), 1)

    def test_an_order_waits_for_its_vendor_bill_whose_answer_was_lost(self):
        order = self.order()
        bill = self.vendor_bill(order)
        bill.action_post()
        self.lose_answer_to_next_bill(bill)
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "error")
        self.assertIn(bill.display_name, order.xero_error)
        self.run_push_cron()
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        [held] = self.bills_in_xero()
        self.assertEqual(bill.xero_id, held["InvoiceID"])
        self.assertFalse(order.xero_id)
