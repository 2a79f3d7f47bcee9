# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .test_engine import requests_log
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestPaidInXero(MoneyBackCase):
    """Xero takes no change to a document with a payment on it: a send of one Odoo has not
    changed costs no write and leaves no error; a change says what to do. An update whose
    answer was lost is not taken for an accountant's edit."""

    def document_writes(self):
        return [
            r
            for r in requests_log(self.sandbox)
            if r["method"] in ("POST", "PUT") and r["path"] in ("/Invoices", "/CreditNotes")
        ]

    def pressed(self, move):
        before = len(self.document_writes())
        move.action_xero_sync()
        return len(self.document_writes()) - before

    def test_a_press_on_an_invoice_paid_in_xero_syncs_it_without_a_write(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.assertEqual(self.pressed(invoice), 0, "Xero would refuse the write")
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertFalse(invoice.xero_error)
        self.assertEqual(invoice.xero_status, "PAID")
        self.assertEqual(invoice.xero_amount_due, 0)
        self.assertEqual(self.held_for(invoice)["Status"], "PAID")

    def test_a_press_on_a_part_paid_bill_syncs_it_without_a_write(self):
        bill = self.sent(self.move("in_invoice"))
        self.pay_in_xero(bill, 100)
        self.assertEqual(self.pressed(bill), 0)
        self.assertEqual(bill.xero_state, "synced", bill.xero_error)
        self.assertEqual(bill.xero_amount_paid, 100)

    def test_a_press_on_an_unpaid_invoice_still_sends_it(self):
        invoice = self.sent(self.move())
        self.assertEqual(self.pressed(invoice), 1)
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)

    def test_a_change_to_an_invoice_paid_in_xero_says_what_to_do(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        invoice.ref = "PO 4471"  # a synced field: the invoice is pending again
        self.assertEqual(invoice.xero_state, "pending")
        self.assertEqual(self.pressed(invoice), 0)
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("Xero holds a payment or a credit note on", invoice.xero_error)
        self.assertIn("Remove the payment or the credit note in Xero", invoice.xero_error)
        self.assertNotEqual(self.held_for(invoice).get("Reference"), "PO 4471")

    def test_a_paid_invoice_odoo_can_no_longer_map_says_what_to_map(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.sale_tax.xero_tax_rate_id = False
        self.assertEqual(self.pressed(invoice), 0)
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn(self.sale_tax.name, invoice.xero_error)
        self.assertNotIn("Remove the payment", invoice.xero_error)

    def test_a_credit_note_allocated_in_xero_is_not_written_again(self):
        invoice, refund = self.sent(
            self.move(),
            self.move("out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}]),
        )
        self.allocate_in_xero(refund, invoice, refund.amount_total)
        self.assertEqual(self.pressed(refund), 0)
        self.assertEqual(refund.xero_state, "synced", refund.xero_error)

    def test_an_update_whose_answer_was_lost_is_not_taken_for_an_edit_in_xero(self):
        invoice = self.sent(self.move())
        invoice.button_draft()
        invoice.invoice_line_ids[0].price_unit = 120
        invoice.action_post()
        self.sandbox.add_fault(kind="drop_after_write", method="POST", path="/Invoices", times=1)
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "pending")
        self.assertEqual(self.held_for(invoice)["Total"], 432, "Xero applied the update")
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertFalse(invoice.xero_changed_in_xero, invoice.xero_changes)
        self.assertEqual(invoice.xero_sent_content["totals"]["total"], "432")
        # A later edit in Xero is still seen as one.
        self.edit_quantity_in_xero(invoice, 4)
        self.run_import_cron()
        self.assertTrue(invoice.xero_changed_in_xero)

    def test_a_paid_invoice_whose_read_failed_once_is_synced_at_the_next_send(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.sandbox.add_fault(kind="error", method="GET", path="/Invoices", times=1)
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "pending", invoice.xero_error)
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertEqual(invoice.xero_status, "PAID")

    def test_an_edit_in_xero_survives_a_failed_read_before_an_update(self):
        invoice = self.sent(self.move())
        self.edit_quantity_in_xero(invoice, 4)
        self.sandbox.add_fault(kind="error", method="GET", path="/Invoices", times=1)
        invoice.ref = "PO 1"
        invoice.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(self.held_for(invoice)["LineItems"][0]["Quantity"], 4)
        self.assertTrue(invoice.xero_changed_in_xero)

    def test_posted_again_unchanged_it_is_synced_without_a_write(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 50)
        invoice.button_draft()
        invoice.action_post()
        self.assertEqual(self.pressed(invoice), 0)
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)

    def test_one_sent_before_odoo_kept_what_it_sent_is_synced_with_a_warning(self):
        invoice = self.sent(self.move())
        invoice.xero_sent_digest = False  # sent by an older version of the connector
        self.pay_in_xero(invoice, invoice.amount_total)
        self.assertEqual(self.pressed(invoice), 0)
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertIn("is not in Xero", invoice.xero_warning)
