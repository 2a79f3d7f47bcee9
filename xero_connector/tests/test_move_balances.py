# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from unittest.mock import patch

from xero_python.accounting import Account, Allocation, Allocations, CreditNote, Invoice, Payment

from odoo.tests import tagged

from ..models import xero_document_mixin
from .test_engine import requests_log
from .test_move_sync import DocumentCase


class MoneyBackCase(DocumentCase):
    """Documents approved when sent, without history notes or files, and Xero's bank account
    mapped to Odoo's bank journal: what the money coming back from Xero starts from."""

    def setUp(self):
        super().setUp()
        self.connection.write(
            {
                "status_out_invoice": "AUTHORISED",
                "status_out_refund": "AUTHORISED",
                "status_in_invoice": "AUTHORISED",
                "status_in_refund": "AUTHORISED",
                "send_history_notes": False,
                "send_attachments": False,
            }
        )
        self.xero_bank = self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id), ("code", "=", "090")]
        )
        self.bank_journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        self.bank_journal.xero_bank_account_id = self.xero_bank

    def sent(self, *moves):
        moves = self.env["account.move"].union(*moves)
        moves.action_post()
        moves.action_xero_sync()
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"}, moves.mapped("xero_error"))
        return moves

    def run_import_cron(self):
        self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        self.env.invalidate_all()

    def euro(self, rate):
        """The euro, at ``rate`` euros for one pound from 1 November."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "company_id": self.env.company.id,
                "name": "2026-11-01",
                "rate": rate,
            }
        )
        return eur

    def allocate_in_xero(self, refund, invoice, value):
        self.connection._client().accounting.create_credit_note_allocation(
            self.tenant["tenantId"],
            refund.xero_id,
            Allocations(
                allocations=[
                    Allocation(
                        invoice=Invoice(invoice_id=invoice.xero_id),
                        credit_note=CreditNote(credit_note_id=refund.xero_id),
                        amount=value,
                        date=date(2026, 11, 25),
                    )
                ]
            ),
        )

    def pay_in_xero_at(self, document, value, rate, day=date(2026, 11, 26)):
        """A payment made in Xero on ``document`` at ``rate`` (Xero's CurrencyRate: units of
        the document's currency per pound); what Xero holds of it."""
        [made] = (
            self.connection._client()
            .accounting.create_payment(
                self.tenant["tenantId"],
                Payment(
                    invoice=Invoice(invoice_id=document.xero_id),
                    account=Account(code="090"),
                    amount=value,
                    date=day,
                    currency_rate=rate,
                ),
            )
            .payments
        )
        [held] = [p for p in self.held("Payments") if p["PaymentID"] == str(made.payment_id)]
        return held

    def edit_quantity_in_xero(self, invoice, quantity):
        [line] = self.held_for(invoice)["LineItems"]
        edited = {key: line[key] for key in ("Description", "UnitAmount", "AccountCode", "TaxType")}
        self.sandbox.edit(
            self.tenant["tenantId"],
            "Invoices",
            invoice.xero_id,
            {"LineItems": [dict(edited, Quantity=quantity)]},
        )


@tagged("post_install", "-at_install")
class TestMoveBalances(MoneyBackCase):
    """Statuses and balances back from Xero: what changed, never one call per document."""

    def test_a_part_payment_then_the_rest_show_on_the_invoice(self):
        invoice, other = self.sent(self.move(), self.move())
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        self.assertEqual(invoice.xero_status, "AUTHORISED")
        self.assertEqual(
            (invoice.xero_amount_paid, invoice.xero_amount_due), (100, invoice.amount_total - 100)
        )
        self.assertFalse(invoice.xero_fully_paid_on)
        self.assertEqual((other.xero_amount_paid, other.xero_amount_due), (0, 360))
        self.pay_in_xero(invoice, invoice.amount_total - 100)
        self.run_import_cron()
        self.assertEqual(invoice.xero_status, "PAID")
        self.assertEqual((invoice.xero_amount_paid, invoice.xero_amount_due), (360, 0))
        self.assertTrue(invoice.xero_fully_paid_on)
        self.assertFalse(invoice.xero_changed_in_xero, "paid is not changed")

    def test_documents_in_two_currencies_with_the_same_figures_change_together(self):
        eur = self.euro(1.15)
        in_pounds, in_euros = self.sent(self.move(), self.move(currency_id=eur.id))
        for invoice in (in_pounds, in_euros):
            self.pay_in_xero_at(invoice, 100, 1 if invoice == in_pounds else 1.15)
        self.run_import_cron()
        for invoice in (in_pounds, in_euros):
            self.assertEqual(
                (invoice.xero_amount_paid, invoice.xero_amount_due, invoice.currency_id),
                (100, 260, invoice.currency_id),
            )
        self.assertEqual(in_euros.amount_residual, 260)

    def test_a_poll_asks_only_for_what_changed_and_a_second_changes_nothing(self):
        moves = self.sent(*(self.move() for _i in range(3)), self.move("out_refund"))
        self.pay_in_xero(moves[0], 50)
        self.run_import_cron()
        self.sandbox._call("DELETE", "/sandbox/requests")
        messages = len(moves.message_ids)
        self.run_import_cron()
        reads = [
            r["path"]
            for r in requests_log(self.sandbox)
            if r["path"].startswith(("/Invoices", "/CreditNotes"))
        ]
        self.assertEqual(sorted(reads), ["/CreditNotes", "/Invoices"], "one call per kind")
        self.assertEqual(len(moves.message_ids), messages)
        self.assertEqual(moves[0].xero_amount_paid, 50)

    def test_voided_or_deleted_in_xero_shows_and_is_not_sent_again(self):
        self.connection.status_out_refund = "DRAFT"
        invoice, refund = self.sent(self.move(), self.move("out_refund"))
        tenant = self.tenant["tenantId"]
        self.sandbox.edit(tenant, "Invoices", invoice.xero_id, {"Status": "VOIDED"})
        self.sandbox.edit(tenant, "CreditNotes", refund.xero_id, {"Status": "DELETED"})
        self.run_import_cron()
        self.assertEqual((invoice.xero_status, refund.xero_status), ("VOIDED", "DELETED"))
        self.assertIn("Xero marked this document voided", invoice.message_ids[:1].body)
        self.assertIn("Xero marked this document deleted", refund.message_ids[:1].body)
        invoice.button_draft()
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("Duplicate the document", invoice.xero_error)
        self.assertEqual(self.held_for(invoice)["Status"], "VOIDED")

    def test_a_credit_note_allocated_in_xero_shows_on_both(self):
        invoice, refund = self.sent(
            self.move(),
            self.move("out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}]),
        )
        self.allocate_in_xero(refund, invoice, 60)
        self.run_import_cron()
        self.assertEqual((invoice.xero_amount_credited, invoice.xero_amount_due), (60, 300))
        self.assertEqual(refund.xero_status, "PAID")
        self.assertEqual((refund.xero_amount_credited, refund.xero_amount_due), (60, 0))

    def test_an_order_sent_as_a_bill_shows_it_paid(self):
        self.connection.purchase_order_as = "bill"
        product = self.env["product.product"].create(
            {
                "name": "Cable",
                "default_code": "CAB-9",
                "taxes_id": False,
                "supplier_taxes_id": False,
            }
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "partner_ref": "SUP-1",
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_qty": 2,
                            "price_unit": 10,
                            "tax_ids": [(6, 0, self.purchase_tax.ids)],
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        self.connection.status_purchase_order = "AUTHORISED"
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        self.pay_in_xero(order, order.amount_total)
        self.run_import_cron()
        self.assertEqual(order.xero_status, "PAID")
        self.assertIn("Xero marked this document paid", order.message_ids[:1].body)

    def test_nothing_sent_nothing_polled_but_the_summaries_first_read(self):
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_import_cron()
        polls = [
            r
            for r in requests_log(self.sandbox)
            if r["path"].startswith(("/Invoices", "/CreditNotes", "/Payments"))
            and "where" not in r["query"]
            and "summaryOnly" not in r["query"]
        ]
        self.assertEqual(polls, [], "the summaries' one-off read filters by status, type, date")

    def test_a_poll_stopped_by_a_rate_limit_resumes_where_it_stopped(self):
        invoices = self.sent(*(self.move() for _i in range(5)))
        for invoice in invoices:
            self.pay_in_xero(invoice, 10)
        self.sandbox.add_fault(
            kind="rate_limit", method="GET", path="/Invoices", skip=1, times=1, retry_after=60
        )
        with patch.object(xero_document_mixin, "IMPORT_PAGE_SIZE", 2):
            self.sandbox._call("DELETE", "/sandbox/requests")
            self.run_import_cron()
            paid = invoices.filtered(lambda m: m.xero_amount_paid == 10)
            self.assertTrue(paid and paid != invoices, "stopped half-way: %s" % len(paid))
            self.assertTrue(self.connection.rate_limited_until)
            # Retry-After has passed.
            self.connection.rate_limited_until = False
            self.run_import_cron()
            self.assertEqual(set(invoices.mapped("xero_amount_paid")), {10})
            invoice_reads = [
                r for r in requests_log(self.sandbox) if r["path"].startswith("/Invoices")
            ]
            # Pages of 2: page 1, the refused page 2, then resumed after page 1, not restarted.
            self.assertLessEqual(len(invoice_reads), 6, invoice_reads)
            messages = len(invoices.message_ids)
            self.run_import_cron()
            self.assertEqual(len(invoices.message_ids), messages)

    def test_an_invoice_edited_in_xero_waits_for_someone_to_choose(self):
        invoice, other = self.sent(self.move(), self.move())
        self.edit_quantity_in_xero(invoice, 4)
        self.run_import_cron()
        self.assertTrue(invoice.xero_changed_in_xero)
        self.assertFalse(other.xero_changed_in_xero)
        self.assertIn("line 1 quantity 3 → 4", invoice.xero_changes)
        self.assertIn("total 360 → 480", invoice.xero_changes)
        self.assertIn("Changed in Xero since it was sent", invoice.message_ids[:1].body)
        # Changed in Odoo too: the send does not overwrite Xero's edit.
        invoice.button_draft()
        invoice.invoice_line_ids[0].price_unit = 110
        invoice.action_post()
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "error")
        self.assertIn("changed in Xero since it was sent", invoice.xero_error)
        self.assertEqual(self.held_for(invoice)["Total"], 480)
        # Someone keeps Xero's version: no more asking, and Xero is untouched.
        invoice.action_xero_keep_xero_version()
        self.assertEqual((invoice.xero_state, invoice.xero_changed_in_xero), ("synced", False))
        self.run_import_cron()
        self.assertFalse(invoice.xero_changed_in_xero)
        self.assertEqual(self.held_for(invoice)["Total"], 480)

    def test_odoos_version_goes_over_xeros_when_someone_chooses_it(self):
        invoice = self.sent(self.move())
        self.edit_quantity_in_xero(invoice, 5)
        self.run_import_cron()
        self.assertTrue(invoice.xero_changed_in_xero)
        invoice.action_xero_send_odoo_version()
        self.assertEqual(invoice.xero_state, "synced", invoice.xero_error)
        self.assertEqual(self.held_for(invoice)["Total"], invoice.amount_total)
        self.run_import_cron()
        self.assertFalse(invoice.xero_changed_in_xero, invoice.xero_changes)

    def test_the_import_runs_on_demand_from_settings(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        settings = self.env["res.config.settings"].create({})
        action = settings.action_xero_import_changes()
        self.assertEqual(action["params"]["type"], "success")
        self.env.invalidate_all()
        self.assertEqual((invoice.xero_status, invoice.payment_state), ("PAID", "paid"))
