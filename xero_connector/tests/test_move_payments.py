# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from unittest.mock import patch

from xero_python.accounting import Account, CreditNote, Payment, PaymentDelete

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import xero_document_mixin
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestMovePayments(MoneyBackCase):
    """Xero's payments recorded in Odoo, each once, undone when Xero deletes them."""

    def xero_payments_of(self, move):
        return self.env["xero.payment"].search([("move_id", "=", move.id)])

    def odoo_payments_of(self, move):
        return self.env["account.payment"].search(
            [
                ("xero_id", "!=", False),
                ("xero_id", "in", self.xero_payments_of(move).mapped("xero_id")),
            ]
        )

    def delete_in_xero(self, payment):
        self.connection._client().accounting.delete_payment(
            self.tenant["tenantId"], payment.xero_id, PaymentDelete(status="DELETED")
        )

    def test_a_part_payment_then_the_rest_make_the_invoice_paid_once(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 260)
        [recorded] = self.odoo_payments_of(invoice)
        self.assertEqual((recorded.amount, recorded.journal_id), (100, self.bank_journal))
        # Polled again, and once more after the import's progress was lost: still once.
        self.run_import_cron()
        self.env["xero.import.cursor"].search([("name", "=", "payments")]).write(
            {"watermark": False, "resume": False}
        )
        self.run_import_cron()
        self.assertEqual(len(self.odoo_payments_of(invoice)), 1)
        self.assertEqual(invoice.amount_residual, 260)
        self.pay_in_xero(invoice, 260)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(self.odoo_payments_of(invoice)), 2)
        self.assertEqual(invoice.xero_status, "PAID")

    def test_two_imports_reading_the_same_payment_at_once_record_it_once(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        [kept] = self.xero_payments_of(invoice)
        # A second import (on demand, after a webhook) whose snapshot predates the first's
        # commit: it does not see the payment kept, and keeps it too.
        self.env["xero.import.cursor"].search([("name", "=", "payments")]).write(
            {"watermark": False, "resume": False}
        )
        payment_class = type(self.env["xero.payment"])
        with patch.object(payment_class, "_kept", lambda self, c, ids: self.browse()):
            self.run_import_cron()
        self.assertEqual(self.xero_payments_of(invoice), kept)
        self.assertEqual(len(self.odoo_payments_of(invoice)), 1)
        self.assertEqual(invoice.amount_residual, 260)
        errors = self.env["xero.sync.log"].search([("outcome", "=", "error")])
        self.assertFalse(errors, errors.mapped("message"))

    def test_a_payment_deleted_in_xero_is_undone_in_odoo(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "paid")
        [xero_payment] = self.xero_payments_of(invoice)
        self.delete_in_xero(xero_payment)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.amount_residual, invoice.amount_total)
        self.assertEqual(xero_payment.state, "undone")
        self.assertEqual(xero_payment.payment_id.state, "canceled")
        self.assertTrue(any("was deleted in Xero" in m.body for m in invoice.message_ids))

    def test_a_bill_and_a_credit_note_paid_in_xero(self):
        bill, refund = self.sent(self.move("in_invoice", ref="SUP-77"), self.move("out_refund"))
        self.pay_in_xero(bill, bill.amount_total)
        self.connection._client().accounting.create_payment(
            self.tenant["tenantId"],
            Payment(
                credit_note=CreditNote(credit_note_id=refund.xero_id),
                account=Account(code="090"),
                amount=refund.amount_total,
                date=date(2026, 11, 26),
            ),
        )
        self.run_import_cron()
        self.assertEqual((bill.payment_state, refund.payment_state), ("paid", "paid"))
        self.assertEqual(self.odoo_payments_of(bill).payment_type, "outbound")
        self.assertEqual(self.odoo_payments_of(refund).payment_type, "outbound")

    def test_a_payment_in_the_documents_currency_is_recorded_in_it(self):
        eur = self.euro(1.15)
        invoice = self.sent(self.move(currency_id=eur.id))
        self.pay_in_xero(invoice, 150)
        self.run_import_cron()
        [recorded] = self.odoo_payments_of(invoice)
        self.assertEqual((recorded.currency_id, recorded.amount), (eur, 150))
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 150)
        self.assertEqual(invoice.payment_state, "partial")

    def test_a_bank_account_mapped_to_no_journal_leaves_a_note_then_records(self):
        self.bank_journal.xero_bank_account_id = False
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "not_paid")
        [xero_payment] = self.xero_payments_of(invoice)
        self.assertEqual(xero_payment.state, "not_recorded")
        self.assertIn("090", xero_payment.note)
        self.assertTrue(any("not recorded in Odoo" in m.body for m in invoice.message_ids))
        self.assertEqual(invoice.xero_amount_paid, 100, "Xero's figures are shown all the same")
        self.bank_journal.xero_bank_account_id = self.xero_bank
        xero_payment.action_record_in_odoo()
        self.assertEqual(xero_payment.state, "recorded")
        self.assertEqual(invoice.payment_state, "partial")

    def test_a_company_keeping_payments_in_xero_only_asks_nothing(self):
        self.connection.payment_flow = "none"
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_import_cron()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.xero_amount_paid, 100)
        self.assertFalse(
            [r for r in requests_log(self.sandbox) if r["path"].startswith("/Payments")]
        )

    def test_a_document_paid_in_odoo_too_is_not_paid_twice(self):
        invoice = self.sent(self.move())
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": self.bank_journal.id})._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        self.pay_in_xero(invoice, invoice.amount_total)
        self.run_import_cron()
        [xero_payment] = self.xero_payments_of(invoice)
        self.assertEqual(xero_payment.state, "not_recorded")
        # Odoo's payment goes to Xero too: what Odoo has left to pay decides.
        self.assertIn("it was paid in Odoo too", xero_payment.note)
        self.assertFalse(self.odoo_payments_of(invoice))
        # Where Odoo's payments stay in Odoo, Odoo's own payment is the reason.
        self.connection.payment_flow = "from_xero"
        xero_payment._record_in_odoo()
        self.assertIn("payments of its own", xero_payment.note)
        self.assertFalse(self.odoo_payments_of(invoice))

    def test_a_poll_stopped_by_a_rate_limit_records_each_payment_once(self):
        invoices = self.sent(*(self.move() for _i in range(5)))
        for invoice in invoices:
            self.pay_in_xero(invoice, 10)
        self.sandbox.add_fault(
            kind="rate_limit", method="GET", path="/Payments", skip=1, times=1, retry_after=60
        )
        with patch.object(xero_document_mixin, "IMPORT_PAGE_SIZE", 2):
            self.run_import_cron()
            self.assertTrue(self.connection.rate_limited_until)
            self.connection.rate_limited_until = False
            self.run_import_cron()
            self.run_import_cron()
        for invoice in invoices:
            self.assertEqual(len(self.odoo_payments_of(invoice)), 1, invoice.name)
            self.assertEqual(invoice.amount_residual, invoice.amount_total - 10)

    def test_a_payment_odoo_refuses_says_why_and_the_others_are_recorded(self):
        refused, recorded = self.sent(self.move(), self.move())
        self.pay_in_xero(refused, 50)
        self.pay_in_xero(recorded, 70)
        register = type(self.env["account.payment.register"])
        original = register._create_payments

        def lock_the_first(wizard):
            if wizard.line_ids.move_id == refused:
                raise UserError(self.env._("The period is locked."))
            return original(wizard)

        with patch.object(register, "_create_payments", lock_the_first):
            self.run_import_cron()
        [not_recorded] = self.xero_payments_of(refused)
        self.assertEqual(not_recorded.state, "not_recorded")
        self.assertIn("The period is locked.", not_recorded.note)
        self.assertEqual(recorded.amount_residual, recorded.amount_total - 70)

    def test_a_credit_note_allocated_in_xero_is_reconciled_and_unreconciled(self):
        invoice, refund = self.sent(
            self.move(),
            self.move("out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}]),
        )
        self.allocate_in_xero(refund, invoice, refund.amount_total)
        self.run_import_cron()
        self.assertEqual(refund.payment_state, "paid")
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, invoice.amount_total - refund.amount_total)
        [allocation] = self.env["xero.payment"].search([("kind", "=", "allocation")])
        self.assertEqual((allocation.state, allocation.invoice_move_id), ("recorded", invoice))
        self.run_import_cron()
        self.assertEqual(invoice.amount_residual, invoice.amount_total - refund.amount_total)
        # Raw: the SDK cannot read Xero's answer to this (XeroAPI/xero-python#159).
        self.connection._client().accounting.delete_credit_note_allocations(
            self.tenant["tenantId"], refund.xero_id, allocation.xero_id, _preload_content=False
        )
        self.run_import_cron()
        self.assertEqual(allocation.state, "undone")
        self.assertEqual(refund.payment_state, "not_paid")
        self.assertEqual(invoice.amount_residual, invoice.amount_total)

    def test_an_overpayment_applied_in_xero_is_a_visible_note_not_a_gap(self):
        invoice = self.sent(self.move())
        self.sandbox._call(
            "POST",
            "/sandbox/tenants/%s/Invoices/%s/apply-prepayment"
            % (self.tenant["tenantId"], invoice.xero_id),
            json={"amount": 60},
        )
        self.run_import_cron()
        self.assertEqual(invoice.xero_amount_credited, 60)
        [credit] = self.xero_payments_of(invoice)
        self.assertEqual((credit.kind, credit.state, credit.amount), ("credit", "not_recorded", 60))
        self.assertIn("overpayments and prepayments", credit.note)
        self.assertTrue(any("not recorded in Odoo" in m.body for m in invoice.message_ids))
        self.assertEqual(invoice.payment_state, "not_paid")
        messages = len(invoice.message_ids)
        self.run_import_cron()
        self.assertEqual(len(self.xero_payments_of(invoice)), 1)
        self.assertEqual(len(invoice.message_ids), messages, "said once")
