# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""History notes, PDFs and files (the follow-ups of a document sent) go after the documents
and payments of a run, within a share of the day's calls; the rest waits for the next day,
on the sandbox's clock and Odoo's, moved together. Odoo's PDF goes only when asked."""

import importlib.util
import logging
import os
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from . import test_odoo_payments
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase

_logger = logging.getLogger(__name__)

DAY = 86400
FOLLOWUP_PATHS = ("/History", "/Attachments/", "/OnlineInvoice")


def is_followup(request):
    return any(part in request["path"] for part in FOLLOWUP_PATHS)


@tagged("post_install", "-at_install")
class TestFollowupBudget(MoneyBackCase):
    register = test_odoo_payments.TestOdooPaymentsToXero.register

    def setUp(self):
        super().setUp()
        # The follow-ups as a new connection has them (MoneyBackCase turns them off), and
        # history notes asked for: the tests count them.
        defaults = self.env["xero.connection"].default_get(
            ["send_history_notes", "send_attachments", "send_odoo_pdf", "followup_call_share"]
        )
        self.connection.write(dict(defaults, send_history_notes=True))
        self.skipped = timedelta()

    # -- helpers ------------------------------------------------------------------------------
    def attach(self, record, name="receipt.txt"):
        return self.env["ir.attachment"].create(
            {"name": name, "raw": b"receipt", "res_model": record._name, "res_id": record.id}
        )

    def calls(self):
        """The calls to Xero since the last look, as "METHOD /path"; the log is cleared."""
        calls = [
            "%s %s" % (r["method"], r["path"].split("?")[0]) for r in requests_log(self.sandbox)
        ]
        self.sandbox._call("DELETE", "/sandbox/requests")
        return calls

    def uploads(self, calls):
        return [c.rsplit("/", 1)[-1] for c in calls if "/Attachments/" in c]

    def later(self):
        """Odoo's time, moved as far as the sandbox's clock."""
        real_now = fields.Datetime.now
        return patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        )

    def pass_time(self, seconds):
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": seconds})
        self.skipped += timedelta(seconds=seconds)

    def run_push_cron(self):
        with self.later():
            return super().run_push_cron()

    # -- tests --------------------------------------------------------------------------------
    def test_defaults_fit_starter(self):
        defaults = self.env["xero.connection"].default_get(
            ["send_history_notes", "send_attachments", "send_odoo_pdf", "followup_call_share"]
        )
        self.assertEqual(
            defaults,
            {
                "send_history_notes": False,
                "send_attachments": True,
                "send_odoo_pdf": False,
                "followup_call_share": 20,
            },
        )

    def test_followups_go_after_the_payments_of_the_same_run(self):
        # Sent, then paid in Odoo: its payment waits for the scheduled action.
        self.connection.send_history_notes = False
        paid = self.sent(self.move())
        self.register(paid)
        # Another invoice, posted, with a file: sent by the same run, with its follow-ups.
        self.connection.write({"send_history_notes": True, "send_out_invoice": "on_post"})
        invoice = self.move()
        self.attach(invoice)
        invoice.action_post()
        self.calls()
        self.run_push_cron()
        calls = self.calls()
        _logger.info("one run, a document, a payment and follow-ups: %s", calls)
        self.assertEqual(invoice.xero_state, "synced")
        self.assertFalse(invoice.xero_followup_pending)
        writes = [i for i, c in enumerate(calls) if c in ("POST /Invoices", "PUT /Invoices")]
        payments = [i for i, c in enumerate(calls) if c == "PUT /Payments"]
        followups = [i for i, c in enumerate(calls) if any(p in c for p in FOLLOWUP_PATHS)]
        self.assertTrue(writes and payments and followups, calls)
        self.assertLess(max(writes + payments), min(followups), calls)
        self.assertEqual(
            sorted(c.split("/", 3)[-1] for c in (calls[i] for i in followups)),
            sorted(["Attachments/receipt.txt", "History"]),
            "the online invoice is asked for at a click, not sent after",
        )

    def test_followups_stop_at_their_share_and_go_the_next_day(self):
        # Draft invoices: a history note and a file each, 2 calls.
        self.connection.write({"status_out_invoice": "DRAFT", "send_out_invoice": "on_post"})
        invoices = self.env["account.move"].union(*(self.move() for _i in range(12)))
        for invoice in invoices:
            self.attach(invoice)
        invoices.action_post()
        # 60 calls left today, whatever the set-up made.
        self.sandbox.set_limits(per_day=len(self.calls()) + 60)
        self.run_push_cron()
        calls = self.calls()
        self.assertEqual(set(invoices.mapped("xero_state")), {"synced"})
        first = next(i for i, c in enumerate(calls) if any(p in c for p in FOLLOWUP_PATHS))
        before, followups = calls[:first], calls[first:]
        # The share of what Xero said was left once the documents had gone.
        left = 60 - len(before)
        share = left * 20 // 100
        done = invoices.filtered(lambda m: not m.xero_followup_pending)
        waiting = invoices - done
        _logger.info(
            "day of 60 calls: %d calls to send 12 invoices, then %d follow-up calls (share %d "
            "of %d left) for %d invoices; %d wait",
            len(before),
            len(followups),
            share,
            left,
            len(done),
            len(waiting),
        )
        self.assertTrue(all(is_followup({"path": c}) for c in followups), followups)
        self.assertEqual(len(followups), 2 * len(done))
        self.assertLessEqual(len(followups), share)
        self.assertGreater(len(followups) + 2, share, "stops only when the next would not fit")
        self.assertTrue(done and waiting)
        self.assertEqual(done, invoices[: len(done)], "oldest first")
        self.assertEqual(
            (self.connection.followup_calls_allowed, self.connection.followup_calls_spent),
            (share, len(followups)),
        )
        for invoice in waiting:
            self.assertIn("wait for tomorrow", invoice.xero_warning)
            self.assertIn("20%", invoice.xero_warning)
        self.assertFalse(any(done.mapped("xero_warning")))
        # Later the same day: nothing more goes, they still wait.
        self.pass_time(3600)
        self.run_push_cron()
        self.assertEqual([c for c in self.calls() if is_followup({"path": c})], [])
        self.assertTrue(all(waiting.mapped("xero_followup_pending")))
        # The next day: the rest go, and no longer say they wait.
        self.pass_time(DAY)
        self.run_push_cron()
        next_day = self.calls()
        _logger.info("the next day: %d follow-up calls", len(next_day))
        self.assertTrue(all(is_followup({"path": c}) for c in next_day), next_day)
        self.assertEqual(len(next_day), 2 * len(waiting), next_day)
        self.assertFalse(any(invoices.mapped("xero_followup_pending")))
        self.assertFalse(any(invoices.mapped("xero_warning")))
        self.assertEqual(len(self.uploads(followups + next_day)), 12)

    def test_the_button_keeps_to_the_share(self):
        self.connection.write({"status_out_invoice": "DRAFT", "followup_call_share": 0})
        invoice = self.move()
        self.attach(invoice)
        invoice.action_post()
        self.calls()
        invoice.action_xero_sync()
        self.assertEqual(invoice.xero_state, "synced")
        self.assertEqual([c for c in self.calls() if is_followup({"path": c})], [])
        self.assertTrue(invoice.xero_followup_pending)
        self.assertIn("wait for tomorrow", invoice.xero_warning)

    def test_the_sales_pdf_goes_only_when_asked_and_a_bills_own_file_goes(self):
        self.connection.write({"status_out_invoice": "DRAFT", "status_in_invoice": "DRAFT"})
        invoice, bill = self.move(), self.move("in_invoice", ref="B-12")
        self.attach(invoice, "timesheet.txt")
        self.attach(bill, "vendor-bill.pdf")
        (invoice | bill).action_post()
        self.calls()
        (invoice | bill).action_xero_sync()
        calls = self.calls()
        self.assertEqual(sorted(self.uploads(calls)), ["timesheet.txt", "vendor-bill.pdf"])
        self.assertEqual(len([c for c in calls if c.endswith("/History")]), 2)
        # Asked for: Odoo's PDF of the invoice goes too.
        self.connection.send_odoo_pdf = True
        other = self.move()
        other.action_post()
        other.action_xero_sync()
        self.assertEqual(self.uploads(self.calls()), [other._get_invoice_report_filename()])

    def test_a_connection_that_sent_its_pdfs_keeps_sending_them(self):
        path = os.path.join(
            os.path.dirname(__file__), "..", "migrations", "19.0.1.3.0", "post-migration.py"
        )
        spec = importlib.util.spec_from_file_location("xero_connector_post_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.connection.write({"send_attachments": True, "send_odoo_pdf": False})
        self.env.flush_all()
        migration.migrate(self.env.cr, "19.0.1.2.0")
        self.connection.invalidate_recordset()
        self.assertTrue(self.connection.send_odoo_pdf)
        self.connection.write({"send_attachments": False, "send_odoo_pdf": False})
        self.env.flush_all()
        migration.migrate(self.env.cr, "19.0.1.2.0")
        self.connection.invalidate_recordset()
        self.assertFalse(self.connection.send_odoo_pdf)
