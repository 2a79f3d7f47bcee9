# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs

from xero_python.accounting import CreditNote, CreditNotes, Invoice, Invoices

from odoo import fields
from odoo.tests import tagged

from .test_engine import requests_log
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestMoveImportEdges(MoneyBackCase):
    """What Xero's lists of changed invoices and credit notes hold that a naive poll gets
    wrong: the documents Xero deleted (in its default lists), and credit notes whose
    UpdatedDateUTC does not move when Xero allocates them."""

    def setUp(self):
        super().setUp()
        self.skipped = timedelta()

    def pass_time(self, seconds):
        """As if ``seconds`` passed for Xero and for Odoo alike (the import's watermark is
        Odoo's time, Xero's changes are stamped with Xero's)."""
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": seconds})
        self.skipped += timedelta(seconds=seconds)

    def run_import_cron(self):
        real_now = fields.Datetime.now
        with patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        ):
            return super().run_import_cron()

    def reads(self, endpoint):
        """The queries of the GET /{endpoint} lists since the log was cleared."""
        return [
            parse_qs(r["query"])
            for r in requests_log(self.sandbox)
            if r["method"] == "GET" and r["path"] == "/" + endpoint
        ]

    def delete_in_xero(self, invoice, refund):
        """Deleted by a Xero user, as Xero deletes a draft: its Status set to DELETED."""
        accounting, tenant = self.connection._client().accounting, self.tenant["tenantId"]
        accounting.update_invoice(
            tenant,
            invoice.xero_id,
            Invoices(invoices=[Invoice(invoice_id=invoice.xero_id, status="DELETED")]),
        )
        accounting.update_credit_note(
            tenant,
            refund.xero_id,
            CreditNotes(credit_notes=[CreditNote(credit_note_id=refund.xero_id, status="DELETED")]),
        )

    def unallocate_in_xero(self, refund, allocation):
        # Raw: the SDK cannot read Xero's answer to this (XeroAPI/xero-python#159).
        self.connection._client().accounting.delete_credit_note_allocations(
            self.tenant["tenantId"], refund.xero_id, allocation.xero_id, _preload_content=False
        )

    def closed_notes(self, move):
        return move.message_ids.filtered(lambda m: "Xero marked this document" in (m.body or ""))

    def test_the_first_import_reads_a_document_sent_in_the_second_before_its_stamp(self):
        invoice = self.sent(self.move())
        # Xero dated the write at .990 of a second, Odoo stamped its send after the answer,
        # in the next second: the first import asks from before both.
        invoice._xero_write({"xero_synced_at": invoice.xero_synced_at + timedelta(seconds=1)})
        self.pay_in_xero(invoice, 100)
        self.run_import_cron()
        self.assertEqual(invoice.xero_amount_paid, 100)
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 100)

    def test_documents_deleted_in_xero_come_in_its_default_lists(self):
        self.connection.write({"status_out_invoice": "DRAFT", "status_out_refund": "DRAFT"})
        invoice, refund = self.sent(self.move(), self.move("out_refund"))
        self.run_import_cron()
        self.assertEqual((invoice.xero_status, invoice.xero_amount_due), ("DRAFT", 360))
        self.delete_in_xero(invoice, refund)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_import_cron()
        for endpoint in ("Invoices", "CreditNotes"):
            [query] = self.reads(endpoint)
            self.assertNotIn("Statuses", query, "Xero's default list: deleted ones come")
            self.assertNotIn("DELETED", str(query.get("where")))
        for move in (invoice, refund):
            self.assertEqual(move.xero_status, "DELETED")
            self.assertEqual(move.xero_amount_due, 0, "nothing is due on a deleted document")
            self.assertFalse(move.xero_changed_in_xero)
            self.assertEqual(len(self.closed_notes(move)), 1)
        invoice.button_draft()
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "error", "not sent again")
        self.assertEqual(self.held_for(invoice)["Status"], "DELETED")

    def test_an_allocation_xero_makes_after_a_poll_is_reconciled_then_undone(self):
        """Allocated (then unallocated) well after the credit notes were last read: their
        UpdatedDateUTC stays, so only the invoices come in the list of what changed."""
        refund_lines = [{"name": "Refund", "quantity": 1, "price_unit": 50}]
        first, second, refund, other_refund = self.sent(
            self.move(),
            self.move(),
            self.move("out_refund", lines=refund_lines),
            self.move("out_refund", lines=refund_lines),
        )
        # Beyond the margin the next import asks from: the credit notes were read for good.
        self.pass_time(600)
        self.run_import_cron()
        self.allocate_in_xero(refund, first, refund.amount_total)
        self.allocate_in_xero(other_refund, second, other_refund.amount_total)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_import_cron()
        for invoice, note in ((first, refund), (second, other_refund)):
            self.assertEqual(note.payment_state, "paid")
            self.assertEqual(invoice.amount_residual, invoice.amount_total - note.amount_total)
            self.assertEqual((note.xero_status, note.xero_amount_due), ("PAID", 0))
        lookups = [q for q in self.reads("CreditNotes") if "where" in q]
        self.assertEqual(len(lookups), 1, "both credit notes read again in one call")
        self.assertEqual(len(self.reads("CreditNotes")), 2, "and what changed, once")
        # The invoice changes again (a payment): the allocation Odoo holds is not read again.
        self.pay_in_xero(first, 10)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_import_cron()
        [changed] = self.reads("CreditNotes")
        self.assertNotIn("where", changed, "what changed only: nothing read again")
        self.assertEqual(first.xero_amount_paid, 10)
        [allocation] = self.env["xero.payment"].search(
            [("kind", "=", "allocation"), ("move_id", "=", refund.id)]
        )
        self.unallocate_in_xero(refund, allocation)
        self.run_import_cron()
        self.assertEqual(allocation.state, "undone")
        self.assertEqual(refund.payment_state, "not_paid")
        self.assertEqual((refund.xero_status, refund.xero_amount_due), ("AUTHORISED", 60))
        self.assertEqual(first.amount_residual, first.amount_total - 10)
        self.assertEqual(other_refund.payment_state, "paid", "the other allocation stays")

    def test_a_credit_note_edited_in_xero_is_not_overwritten_by_a_send(self):
        """Before Odoo updates a credit note it sent, Xero's version is read: GET CreditNotes
        takes no list of IDs (GET Invoices does), so it is asked for by ID in ``where``."""
        refund = self.sent(self.move("out_refund"))
        [line] = self.held_for(refund)["LineItems"]
        edited = {key: line[key] for key in ("Description", "UnitAmount", "AccountCode", "TaxType")}
        self.sandbox.edit(
            self.tenant["tenantId"],
            "CreditNotes",
            refund.xero_id,
            {"LineItems": [dict(edited, Quantity=4)]},
        )
        refund.button_draft()
        refund.invoice_line_ids[0].price_unit = 110
        refund.action_post()
        refund.action_xero_sync()
        self.assertEqual(self.held_for(refund)["Total"], 480, "the accountant's edit stays")
        self.assertTrue(refund.xero_changed_in_xero)
        self.assertIn("changed in Xero since it was sent", refund.xero_error)
        # Odoo's version chosen: it goes over the edit.
        refund.action_xero_send_odoo_version()
        self.assertEqual(refund.xero_state, "synced", refund.xero_error)
        self.assertEqual(self.held_for(refund)["Total"], 396)
