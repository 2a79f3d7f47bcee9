# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..models import xero_payment as xero_payment_module
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestExactMoneyFromXero(MoneyBackCase):
    """What Xero states exactly is recorded exactly: a credit note allocated in part
    reconciles that amount, and a payment in a foreign currency books Xero's amount in the
    company's currency (its CurrencyRate), so the exchange difference is Xero's too."""

    def open_lines(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type in ("asset_receivable", "liability_payable")
        )

    def allocations(self):
        return self.env["xero.payment"].search([("kind", "=", "allocation")], order="id")

    def delete_allocation_in_xero(self, refund, allocation):
        # Raw: the SDK cannot read Xero's answer to this (XeroAPI/xero-python#159).
        self.connection._client().accounting.delete_credit_note_allocations(
            self.tenant["tenantId"], refund.xero_id, allocation.xero_id, _preload_content=False
        )

    def refund(self, price, **values):
        return self.move(
            "out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": price}], **values
        )

    def exchange_difference(self, move):
        """The exchange gain (a loss below zero) Odoo booked on reconciling ``move``."""
        company = self.env.company
        accounts = company.income_currency_exchange_account_id | (
            company.expense_currency_exchange_account_id
        )
        lines = self.open_lines(move)
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        exchanges = partials.exchange_move_id.line_ids.filtered(
            lambda line: line.account_id in accounts
        )
        return round(-sum(exchanges.mapped("balance")), 2)

    # -- allocations in part ------------------------------------------------------------------
    def test_a_credit_note_allocated_in_part_reconciles_each_amount_and_undoes_one(self):
        invoice, refund = self.sent(self.move(), self.refund(50))
        self.allocate_in_xero(refund, invoice, 20)
        self.run_import_cron()
        [first] = self.allocations()
        self.assertEqual((first.state, first.note), ("recorded", False))
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (340, 40))
        self.assertEqual((invoice.payment_state, refund.payment_state), ("partial", "partial"))
        self.assertEqual(self.held_for(invoice)["AmountDue"], 340)
        self.assertEqual(self.held_for(refund)["RemainingCredit"], 40)
        self.allocate_in_xero(refund, invoice, 15)
        self.run_import_cron()
        self.assertEqual(self.allocations().mapped("state"), ["recorded", "recorded"])
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (325, 25))
        # The first removed in Xero: exactly its 20 is open again, the 15 stays reconciled.
        self.delete_allocation_in_xero(refund, first)
        self.run_import_cron()
        self.assertEqual(self.allocations().mapped("state"), ["undone", "recorded"])
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (345, 45))
        self.assertEqual(self.held_for(invoice)["AmountDue"], 345)

    def test_an_allocation_across_two_instalments_is_reconciled_and_undone_whole(self):
        halves = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                ],
            }
        )
        invoice, refund = self.sent(self.move(invoice_payment_term_id=halves.id), self.refund(200))
        self.assertEqual(len(self.open_lines(invoice)), 2)
        self.allocate_in_xero(refund, invoice, 200)
        self.run_import_cron()
        [allocation] = self.allocations()
        self.assertEqual(allocation.state, "recorded", allocation.note)
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (160, 40))
        self.assertEqual(sorted(self.open_lines(invoice).mapped("amount_residual")), [0, 160])
        self.delete_allocation_in_xero(refund, allocation)
        self.run_import_cron()
        self.assertEqual(allocation.state, "undone")
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (360, 240))

    def test_a_part_allocation_in_euros_reconciles_exactly_at_each_documents_rate(self):
        eur = self.euro(1.15)
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "company_id": self.env.company.id,
                "name": "2026-11-22",
                "rate": 1.25,
            }
        )
        invoice, refund = self.sent(
            self.move(currency_id=eur.id),  # 360 € on 20 November: £313.04
            self.refund(50, currency_id=eur.id, invoice_date="2026-11-23"),  # 60 €: £48.00
        )
        self.allocate_in_xero(refund, invoice, 30)
        self.run_import_cron()
        [allocation] = self.allocations()
        self.assertEqual(allocation.state, "recorded", allocation.note)
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (330, 30))
        # 30 € is £26.09 of the invoice and £24.00 of the credit note: £2.09 of exchange
        # difference, and what is left open keeps each document's rate.
        self.assertAlmostEqual(self.open_lines(invoice).amount_residual, 286.95)
        self.assertAlmostEqual(self.open_lines(refund).amount_residual, -24.00)
        self.assertAlmostEqual(self.exchange_difference(invoice), -2.09)
        self.delete_allocation_in_xero(refund, allocation)
        self.run_import_cron()
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (360, 60))
        self.assertAlmostEqual(self.open_lines(invoice).amount_residual, 313.04)
        self.assertAlmostEqual(self.open_lines(refund).amount_residual, -48.00)

    def test_an_allocation_of_more_than_odoo_has_open_is_not_recorded_twice(self):
        invoice, refund = self.sent(self.move(), self.refund(50))
        # The credit note is refunded in Odoo, then allocated in Xero as well.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=refund.ids
        ).create({"journal_id": self.bank_journal.id, "amount": 50})._create_payments()
        self.allocate_in_xero(refund, invoice, 20)
        self.run_import_cron()
        [allocation] = self.allocations()
        self.assertEqual(allocation.state, "not_recorded")
        self.assertIn("only £\xa010.00 left open", allocation.note)
        self.assertIn("Not recorded twice", allocation.note)
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (360, 10))

    def test_an_allocation_sent_from_odoo_is_never_recorded_back(self):
        invoice, refund = self.sent(self.move(), self.refund(50))
        self.open_lines(invoice | refund).reconcile()
        self.run_push_cron()
        [sent] = self.env["xero.odoo.payment"].search([("move_id", "=", refund.id)])
        self.assertEqual((sent.kind, sent.xero_state), ("allocation", "synced"))
        self.run_import_cron()
        self.assertFalse(self.allocations(), "Odoo's own allocation, read back from Xero")
        self.assertEqual(sent.xero_status, "AUTHORISED")
        # Deleted in Xero: noted on Odoo's allocation for the drift report; Odoo keeps its
        # reconciliation (the allocation was made in Odoo).
        self.delete_allocation_in_xero(refund, sent)
        self.run_import_cron()
        self.assertEqual(sent.xero_status, "DELETED")
        self.assertEqual((invoice.amount_residual, refund.amount_residual), (300, 0))
        [row] = self.env["xero.drift.payment"].search([("move_id", "=", refund.id)])
        self.assertEqual(
            (row.made_in, row.kind, row.reason, row.odoo_amount, row.xero_amount),
            ("odoo", "allocation", "deleted_in_xero", 60, 0),
        )

    # -- Xero's rate for Xero's payments ------------------------------------------------------
    def test_a_euro_payment_made_in_xero_books_xeros_amount_and_exchange_difference(self):
        eur = self.euro(1.15)
        invoice = self.sent(self.move(currency_id=eur.id))
        xero_invoice_rate = self.held_for(invoice)["CurrencyRate"]
        held = self.pay_in_xero_at(invoice, 150, 1.1)
        self.run_import_cron()
        [xero_payment] = self.env["xero.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual(xero_payment.currency_rate, 1.1)
        recorded = xero_payment.payment_id
        self.assertEqual((recorded.currency_id, recorded.amount), (eur, 150))
        self.assertEqual(held["BankAmount"], 136.36)
        self.assertEqual(recorded.amount_company_currency_signed, held["BankAmount"])
        # Exactly the part paid, in euros; the difference of the two rates as Xero books it.
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 150)
        first_difference = round(held["BankAmount"] - round(150 / xero_invoice_rate, 2), 2)
        self.assertEqual(self.exchange_difference(invoice), first_difference)
        # The rest at another rate: paid, and the exchange differences add up to Xero's.
        rest = self.pay_in_xero_at(invoice, 210, 1.2)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.open_lines(invoice).amount_residual, 0)
        rest_difference = round(rest["BankAmount"] - round(210 / xero_invoice_rate, 2), 2)
        self.assertAlmostEqual(
            self.exchange_difference(invoice), first_difference + rest_difference
        )

    def test_a_euro_bill_paid_in_xero_books_xeros_amount(self):
        eur = self.euro(1.15)
        bill = self.sent(self.move("in_invoice", ref="SUP-EUR", currency_id=eur.id))
        held = self.pay_in_xero_at(bill, bill.amount_total, 1.2)
        self.run_import_cron()
        self.assertEqual(bill.payment_state, "paid")
        [xero_payment] = self.env["xero.payment"].search([("move_id", "=", bill.id)])
        recorded = xero_payment.payment_id
        self.assertEqual(recorded.payment_type, "outbound")
        self.assertEqual(recorded.amount_company_currency_signed, -held["BankAmount"])
        self.assertEqual(self.open_lines(bill).amount_residual, 0)

    def test_a_euro_payment_without_xeros_rate_waits_for_it(self):
        eur = self.euro(1.15)
        invoice = self.sent(self.move(currency_id=eur.id))
        self.pay_in_xero_at(invoice, 150, 1.1)
        read = xero_payment_module.payment_values
        with patch.object(
            xero_payment_module,
            "payment_values",
            lambda payment: dict(read(payment), currency_rate=False),
        ):
            self.run_import_cron()
        [xero_payment] = self.env["xero.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual(xero_payment.state, "not_recorded")
        self.assertIn("CurrencyRate", xero_payment.note)
        self.assertEqual(invoice.amount_residual, invoice.amount_total, "no rate guessed")
        # Read again with Xero's rate: recorded at it.
        self.env["xero.import.cursor"].search([("name", "=", "payments")]).write(
            {"watermark": False, "resume": False}
        )
        self.run_import_cron()
        self.assertEqual((xero_payment.state, xero_payment.currency_rate), ("recorded", 1.1))
        self.assertEqual(xero_payment.payment_id.amount_company_currency_signed, 136.36)
