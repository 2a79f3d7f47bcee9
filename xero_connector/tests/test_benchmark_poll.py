# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures, not assertions (but for the poll having worked): the hourly import when 100 of
10,000 open documents changed in Xero, against the sandbox.

Not part of the standard run; `make bench` runs it with the other benchmarks (test tag
xero_benchmark) and prints one line per figure, each starting "XERO-BENCHMARK "."""

import time
from collections import Counter
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..models import xero_document_mixin
from .test_benchmark_documents import endpoint_of, say
from .test_engine import requests_log
from .test_move_sync import DocumentCase

OPEN_DOCUMENTS = 10000
SENT_FROM_ODOO = 200
CHANGED = 100
SEED_BATCH = 50  # Xero's batch


@tagged("post_install", "-at_install", "-standard", "xero_benchmark")
class TestBenchmarkPoll(DocumentCase):
    def setUp(self):
        super().setUp()
        self.connection.write(
            {
                "status_out_invoice": "AUTHORISED",
                "send_history_notes": False,
                "send_attachments": False,
            }
        )
        bank = self.env["xero.account"].search(
            [("connection_id", "=", self.connection.id), ("code", "=", "090")]
        )
        self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        ).xero_bank_account_id = bank
        self.skipped = timedelta()
        # Seeding is not what is measured: no limits while the organisation fills up.
        self.sandbox.set_limits(per_minute=1000000, per_day=1000000, app_per_minute=1000000)
        self.connection.sudo().minute_call_limit = 1000000
        self.connection.sudo().day_call_limit = 1000000

    def pass_time(self, seconds):
        """As if ``seconds`` passed for Xero and for Odoo alike (the import's watermark is
        Odoo's time, Xero's changes are stamped with Xero's)."""
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": seconds})
        self.skipped += timedelta(seconds=seconds)

    def run_import(self):
        self.sandbox._call("DELETE", "/sandbox/requests")
        queries = self.env.cr.sql_log_count
        started, cpu = time.monotonic(), time.thread_time()
        real_now = fields.Datetime.now
        with patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        ):
            self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        figures = {
            "wall": time.monotonic() - started,
            "cpu": time.thread_time() - cpu,
            "queries": self.env.cr.sql_log_count - queries,
            "calls": Counter(
                "%s %s" % (r["method"], endpoint_of(r["path"])) for r in requests_log(self.sandbox)
            ),
        }
        self.env.invalidate_all()
        return figures

    def seed_open_documents_in_xero(self, count):
        """Open sales invoices entered in Xero itself, for the customer."""
        from xero_python.accounting import Contact, Invoice, LineItem

        client = self.connection._client()
        contact = Contact(contact_id=self.customer.xero_id)
        for start in range(0, count, SEED_BATCH):
            invoices = [
                Invoice(
                    type="ACCREC",
                    contact=contact,
                    status="AUTHORISED",
                    date=date(2026, 11, 20),
                    due_date=date(2026, 12, 20),
                    line_items=[
                        LineItem(
                            description="Entered in Xero",
                            quantity=1,
                            unit_amount=10 + (start + i) % 90,
                            account_code="200",
                            tax_type="OUTPUT2",
                        )
                    ],
                )
                for i in range(min(SEED_BATCH, count - start))
            ]
            results = client.save("Invoices", invoices, ["seed", start], create_only=True)
            assert all(r.ok for r in results), [r.errors for r in results if not r.ok][:1]
            # At most 250 documents changed a second (Xero's API writes at most 50: 60 calls
            # a minute of 50), far below the 1,000 a page the import reads in order, and the
            # clock within the import's five-minute margin of Odoo's (40 s ahead in all).
            self.sandbox._call("POST", "/sandbox/clock", json={"advance": 0.2})

    def say_run(self, label, figures, documents):
        say(
            "%s: %d calls (%s); %d SQL queries; %.2f s wall; %.2f ms Odoo CPU per changed "
            "document"
            % (
                label,
                sum(figures["calls"].values()),
                ", ".join("%s %d" % kv for kv in sorted(figures["calls"].items())),
                figures["queries"],
                figures["wall"],
                1000 * figures["cpu"] / max(documents, 1),
            )
        )

    def test_a_poll_where_100_of_10000_open_documents_changed(self):
        moves = self.env["account.move"]
        for _i in range(SENT_FROM_ODOO):
            moves |= self.move(lines=[{"name": "Work", "quantity": 1, "price_unit": 100.0}])
        moves.action_post()
        moves.action_xero_sync()
        self.run_push_cron()
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"})
        self.seed_open_documents_in_xero(OPEN_DOCUMENTS - SENT_FROM_ODOO)
        say("Xero holds %d invoices" % len(self.held()))
        self.pass_time(3600)
        # Statistics as a live database has them: on a new test database PostgreSQL plans
        # Odoo's reconciliation queries as if its tables were empty (seconds per payment).
        self.env.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, "
            "account_payment, xero_payment, xero_contact_document, res_partner"
        )
        first = self.run_import()
        self.say_run("first poll, %d open documents" % OPEN_DOCUMENTS, first, OPEN_DOCUMENTS)
        errors = self.env["xero.sync.log"].search(
            [("operation", "=", "import"), ("outcome", "=", "error")]
        )
        self.assertFalse(errors, errors.mapped("message"))

        self.pass_time(3600)
        # 100 change: 50 sent from Odoo paid in part, 50 entered in Xero paid in full.
        xero_only = [
            d["InvoiceID"]
            for d in self.held()
            if d["InvoiceID"] not in set(moves.mapped("xero_id")) and d["Status"] == "AUTHORISED"
        ][: CHANGED // 2]
        for move in moves[: CHANGED // 2]:
            self.pay_in_xero(move, 30)
        tenant = self.tenant["tenantId"]
        for invoice_id in xero_only:
            self.sandbox._call(
                "POST", "/sandbox/tenants/%s/Invoices/%s/pay" % (tenant, invoice_id), json={}
            )
        changed = self.run_import()
        self.say_run("poll, %d of %d changed" % (CHANGED, OPEN_DOCUMENTS), changed, CHANGED)
        paid = moves.filtered(lambda m: m.payment_state == "partial")
        say("Odoo documents part-paid after the poll: %d of %d" % (len(paid), CHANGED // 2))
        self.assertEqual(len(paid), CHANGED // 2)
        by_kind = Counter(call.split()[1] for call in changed["calls"].elements())
        say("calls per kind: %s" % ", ".join("%s %d" % kv for kv in sorted(by_kind.items())))

        again = self.run_import()
        self.say_run("second poll right after", again, CHANGED)
        say(
            "Odoo payments after the second poll: %d (one per Xero payment)"
            % self.env["account.payment"].search_count([("xero_id", "!=", False)])
        )

        self.pass_time(3600)
        # A rate limit in the middle of a poll (pages of 20): it resumes where it stopped.
        for move in moves[CHANGED // 2 : CHANGED]:
            self.pay_in_xero(move, 30)
        self.sandbox.add_fault(
            kind="rate_limit", method="GET", path="/Invoices", skip=1, times=1, retry_after=60
        )
        with patch.object(xero_document_mixin, "IMPORT_PAGE_SIZE", 20):
            stopped = self.run_import()
            self.connection.rate_limited_until = False
            resumed = self.run_import()
        self.say_run("poll stopped by a rate limit (pages of 20)", stopped, CHANGED // 2)
        self.say_run("the next poll, resuming", resumed, CHANGED // 2)
        self.assertEqual(len(moves.filtered(lambda m: m.payment_state == "partial")), CHANGED)
