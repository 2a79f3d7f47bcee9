# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Money back from Xero at its edges: every kind of document sent, paid and polled without
being taken for edited, an edit made just before Odoo sends again, a payment Xero deleted
in a period Odoo has locked, and who may choose between Odoo's and Xero's version."""

from datetime import date

from xero_python.accounting import PaymentDelete

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_engine import requests_log
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestMoneyBackEdges(MoneyBackCase):
    def xero_payments_of(self, move):
        return self.env["xero.payment"].search([("move_id", "=", move.id)])

    def delete_in_xero(self, payment):
        self.connection._client().accounting.delete_payment(
            self.tenant["tenantId"], payment.xero_id, PaymentDelete(status="DELETED")
        )

    def test_documents_of_each_kind_sent_paid_and_polled_are_not_changed_in_xero(self):
        self.env.ref("product.decimal_price").digits = 4
        plans = self.env["account.analytic.plan"]
        region = plans.create({"name": "Region"})
        north = self.env["account.analytic.account"].create({"name": "North", "plan_id": region.id})
        self.open_wizard()
        eur = self.euro(1.1734)
        moves = {
            "sections": self.move(
                lines=[
                    {"display_type": "line_section", "name": "Phase one"},
                    {"name": "Design", "quantity": 2, "price_unit": 50.0},
                    {"display_type": "line_note", "name": "Delivered on site"},
                ]
            ),
            "discount": self.move(
                lines=[{"name": "Discounted", "quantity": 3, "price_unit": 9.99, "discount": 12.5}]
            ),
            "tracking": self.move(
                lines=[
                    {
                        "name": "Tracked",
                        "quantity": 1,
                        "price_unit": 10.0,
                        "analytic_distribution": {str(north.id): 100},
                    }
                ]
            ),
            "tax_included": self.move(
                lines=[
                    {
                        "name": "Incl",
                        "quantity": 3,
                        "price_unit": 33.33,
                        "tax_ids": [(6, 0, self.sale_tax_included.ids)],
                    }
                ]
            ),
            "two_taxes": self.move(
                lines=[
                    {"name": "Std", "quantity": 1, "price_unit": 19.99},
                    {
                        "name": "Red",
                        "quantity": 7,
                        "price_unit": 1.37,
                        "tax_ids": [(6, 0, self.reduced_tax.ids)],
                    },
                ]
            ),
            "bill_4dp": self.move(
                "in_invoice",
                ref="SUP-4DP",
                lines=[{"name": "Bolts", "quantity": 1000, "price_unit": 0.1234}],
            ),
            "bill_4dp_qty": self.move(
                "in_invoice",
                ref="SUP-4DPQ",
                lines=[{"name": "Wire", "quantity": 2.5, "price_unit": 3.3333}],
            ),
            "foreign": self.move(currency_id=eur.id),
            "refund": self.move("out_refund"),
            "vendor_refund": self.move("in_refund", ref="SUP-CN-R"),
        }
        self.sent(*moves.values())
        for move in moves.values():
            if move.move_type in ("out_invoice", "in_invoice"):
                self.pay_in_xero(move, 1)
        self.run_import_cron()
        self.run_import_cron()
        flagged = {n: m.xero_changes for n, m in moves.items() if m.xero_changed_in_xero}
        self.assertEqual(flagged, {}, "documents flagged changed in Xero though nobody edited them")

    def test_an_edit_in_xero_is_not_overwritten_by_a_send_before_the_poll(self):
        invoice = self.sent(self.move())
        self.edit_quantity_in_xero(invoice, 4)  # the accountant's edit, Xero total 480
        # Before the hourly poll, someone corrects the price in Odoo and posts again.
        invoice.button_draft()
        invoice.invoice_line_ids[0].price_unit = 110
        invoice.action_post()
        self.run_push_cron()
        self.assertEqual(self.held_for(invoice)["Total"], 480, "the accountant's edit stays")
        self.assertTrue(invoice.xero_changed_in_xero)
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("changed in Xero since it was sent", invoice.xero_error)

    def test_a_payment_deleted_in_xero_in_a_locked_period_does_not_stop_the_poll(self):
        locked, other = self.sent(self.move(), self.move())
        self.pay_in_xero(locked, 100)
        self.run_import_cron()
        [xero_payment] = self.xero_payments_of(locked)
        self.assertEqual(xero_payment.state, "recorded")
        self.env.company.sudo().fiscalyear_lock_date = date(2026, 12, 31)
        self.delete_in_xero(xero_payment)
        self.pay_in_xero(other, 70)
        # The payments import runs as the cron would; a payment Odoo cannot undo must say why
        # and not stop every later poll on the same page.
        try:
            self.env["account.move"].sudo()._xero_import_payments(self.connection)
        except Exception as error:  # noqa: BLE001
            self.fail("the payments poll raised and will raise on every run: %r" % error)
        self.assertEqual(other.payment_state, "partial")
        self.assertEqual(xero_payment.state, "not_recorded")
        self.assertIn("Lock Date", xero_payment.note)

    def test_an_invoice_reset_to_draft_and_posted_again_stays_paid(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "paid")
        invoice.button_draft()
        invoice.action_post()
        self.run_push_cron()
        self.run_import_cron()
        self.run_import_cron()
        self.assertEqual(invoice.xero_status, "PAID")
        self.assertEqual(
            invoice.payment_state,
            "paid",
            "Xero says paid, the Odoo payment is there, but the invoice is left unpaid",
        )

    def test_payments_made_while_recording_was_off_are_recorded_once_on(self):
        self.connection.payment_flow = "to_xero"
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        self.connection.payment_flow = "both"
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "partial")

    def test_a_bill_with_4_decimal_unit_prices_is_not_changed_in_xero_after_a_poll(self):
        # Xero gives unit prices to 2 decimals unless the read asks for 4 (so does the
        # sandbox): the poll must ask for 4, as the send did.
        self.env.ref("product.decimal_price").digits = 4
        bill = self.sent(
            self.move(
                "in_invoice",
                ref="SUP-4DP",
                lines=[{"name": "Bolts", "quantity": 1000, "price_unit": 0.1234}],
            )
        )
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.pay_in_xero(bill, 10)
        self.run_import_cron()
        polls = [
            r
            for r in requests_log(self.sandbox)
            if r["path"] == "/Invoices"
            and r["method"] == "GET"
            and "where" not in r["query"]
            and "summaryOnly" not in r["query"]
        ]
        self.assertFalse(bill.xero_changed_in_xero, bill.xero_changes)
        self.assertTrue(polls)
        for r in polls:
            self.assertIn("unitdp", str(r["query"]), "the poll reads unit prices to 2 decimals")

    def test_an_invoicing_user_without_xero_rights_cannot_dismiss_an_edit_in_xero(self):
        invoice = self.sent(self.move())
        self.edit_quantity_in_xero(invoice, 4)
        self.run_import_cron()
        self.assertTrue(invoice.xero_changed_in_xero)
        clerk = new_test_user(self.env, "clerk", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            invoice.with_user(clerk).action_xero_keep_xero_version()
        with self.assertRaises(AccessError):
            invoice.with_user(clerk).action_xero_send_odoo_version()
        self.assertTrue(invoice.xero_changed_in_xero)
