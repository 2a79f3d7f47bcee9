# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestPaymentTour(MoneyBackCase):
    def test_pay_a_synced_invoice_and_see_it_paid_in_xero(self):
        invoice = self.sent(self.move())
        self.run_import_cron()
        held = self.held_for(invoice)
        self.assertEqual((held["Status"], held["AmountDue"]), ("AUTHORISED", 360))
        self.assertEqual(invoice.xero_amount_due, 360)
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type/%d" % invoice.id,
            "xero_connector_payment",
            login="admin",
            timeout=180,
        )
        self.env.invalidate_all()
        # The tour paid it with the Pay button, ran the push and the import: nothing here did.
        [payment] = self.env["account.payment"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((payment.journal_id, payment.amount), (self.bank_journal, 360))
        self.assertEqual(invoice.payment_state, "paid")
        held = self.held_for(invoice)
        self.assertEqual((held["Status"], held["AmountDue"]), ("PAID", 0))
        [xero_payment] = self.held("Payments")
        self.assertEqual(xero_payment["Invoice"]["InvoiceID"], invoice.xero_id)
        self.assertEqual(
            (xero_payment["Status"], xero_payment["Amount"], xero_payment["Account"]["Code"]),
            ("AUTHORISED", 360, "090"),
        )
        self.assertIn(payment.name, xero_payment["Reference"])
        [sent] = self.env["xero.odoo.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual((sent.xero_state, sent.xero_id), ("synced", xero_payment["PaymentID"]))
        # The import brought Xero's balance back, and not the payment as a second one.
        self.assertEqual((invoice.xero_status, invoice.xero_amount_due), ("PAID", 0))
        self.assertFalse(self.env["xero.payment"].search([("move_id", "=", invoice.id)]))
