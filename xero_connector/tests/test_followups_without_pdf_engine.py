# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from .test_engine import requests_log
from .test_purchase_order_sync import OrderCase

NO_ENGINE_NOTE = "Odoo has no PDF engine (wkhtmltopdf)"


@tagged("post_install", "-at_install")
class TestFollowupsWithoutPdfEngine(OrderCase):
    """An Odoo without wkhtmltopdf (the demo's): a document's history note and its own files
    still go to Xero; only Odoo's rendered PDF is skipped, said once in its chatter."""

    def setUp(self):
        super().setUp()
        # What becomes of Odoo's PDF, asked for, beside the notes asked for too.
        self.connection.write({"send_odoo_pdf": True, "send_history_notes": True})

    @contextmanager
    def no_pdf_engine(self):
        """Odoo renders for real (its tests fall back to HTML) and finds no wkhtmltopdf, as
        on a machine without it: Odoo's own lookup answers 'install' and its report raises
        "Unable to find Wkhtmltopdf on this system"."""
        report = type(self.env["ir.actions.report"])
        with patch.object(report, "get_wkhtmltopdf_state", return_value="install"):
            yield

    def attach_file(self, record, name="receipt.txt"):
        return self.env["ir.attachment"].create(
            {"name": name, "raw": b"receipt", "res_model": record._name, "res_id": record.id}
        )

    def uploads(self):
        return [
            r["path"].rsplit("/", 1)[-1]
            for r in requests_log(self.sandbox)
            if r["method"] in ("PUT", "POST") and "/Attachments/" in r["path"]
        ]

    def history_notes(self, endpoint, xero_id):
        return [
            r
            for r in requests_log(self.sandbox)
            if r["method"] == "PUT" and r["path"] == "/%s/%s/History" % (endpoint, xero_id)
        ]

    def no_engine_notes(self, record):
        return record.message_ids.filtered(lambda m: NO_ENGINE_NOTE in (m.body or ""))

    def sync(self, records):
        with self.no_pdf_engine():
            records.with_context(force_report_rendering=True).action_xero_sync()

    def test_an_invoice_keeps_its_note_and_files_and_skips_the_pdf_once(self):
        invoice = self.move()
        self.attach_file(invoice)
        invoice.action_post()
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.sync(invoice)
        self.assertEqual(invoice.xero_state, "synced")
        self.assertFalse(invoice.xero_warning)
        self.assertFalse(invoice.xero_followup_pending, "nothing left to retry")
        self.assertEqual(self.uploads(), ["receipt.txt"], "the file, no PDF")
        self.assertEqual(len(self.history_notes("Invoices", invoice.xero_id)), 1)
        self.assertEqual(len(self.no_engine_notes(invoice)), 1)
        # Sent again after a change: the history note again, still no PDF, not said twice.
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.button_draft()
        invoice.invoice_line_ids[0].quantity = 4
        invoice.action_post()
        self.sync(invoice)
        self.assertEqual(invoice.xero_state, "synced")
        self.assertFalse(invoice.xero_warning)
        self.assertFalse(invoice.xero_followup_pending)
        self.assertEqual(self.uploads(), [])
        self.assertEqual(len(self.history_notes("Invoices", invoice.xero_id)), 1)
        self.assertEqual(len(self.no_engine_notes(invoice)), 1, "said once")
        held = self.connection._client().accounting.get_invoice_attachments(
            self.tenant["tenantId"], invoice.xero_id
        )
        self.assertEqual([a.file_name for a in held.attachments], ["receipt.txt"])

    def test_an_order_keeps_its_note_and_files_and_skips_the_pdf_once(self):
        order = self.order()
        self.attach_file(order, "vendor-quote.txt")
        order.button_confirm()
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.sync(order)
        self.assertEqual(order.xero_state, "synced")
        self.assertFalse(order.xero_warning)
        self.assertFalse(order.xero_followup_pending)
        self.assertEqual(self.uploads(), ["vendor-quote.txt"])
        self.assertEqual(len(self.history_notes("PurchaseOrders", order.xero_id)), 1)
        self.assertEqual(len(self.no_engine_notes(order)), 1)
        # The scheduled action finds nothing pending: the PDF is not tried for ever.
        self.sandbox._call("DELETE", "/sandbox/requests")
        with self.no_pdf_engine():
            self.run_push_cron()
        self.assertEqual(self.uploads(), [])
        self.assertEqual(len(self.no_engine_notes(order)), 1)

    def test_a_pdf_odoo_renders_is_sent_once_an_engine_is_there(self):
        invoice = self.move()
        invoice.action_post()
        self.sync(invoice)
        self.assertEqual(invoice.xero_pdf_revision, 0)
        # wkhtmltopdf installed since: the next send takes the PDF along.
        self.sandbox._call("DELETE", "/sandbox/requests")
        invoice.button_draft()
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(self.uploads(), [invoice._get_invoice_report_filename()])
        self.assertEqual(len(self.no_engine_notes(invoice)), 1)
