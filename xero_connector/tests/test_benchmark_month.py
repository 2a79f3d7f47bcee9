# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures (issue 18, item 6): one month of Xero's design volume for one organisation, day by
day on the sandbox's clock and Odoo's, with webhooks on and off: the Xero calls of each day
by kind, the worst day and its share of Xero's Starter day (1,000 calls; the goal is 100).

Each working day has 45 customer invoices and 45 vendor bills (each bill with the vendor's
file), posted through 8 hours and sent when posted (the push runs every 10 minutes), and 90
payments made in Xero on the documents of the days before (a customer paying, the
bookkeeper paying a bill), recorded in Odoo by the import or by webhooks. With webhooks on,
each change reaches Odoo as Xero's event for its invoice or bill: the payments made in
Xero, and the documents Odoo wrote (Xero sends events for changes made through the API too).
The hourly import runs every hour of the day and night. Set XERO_BENCH_DAYS for a shorter
run (the default is 22 working days).

Not part of the standard run; `make bench` runs it with the other benchmarks (test tag
xero_benchmark) and prints one line per figure, each starting "XERO-BENCHMARK "."""

import base64
import json
import os
import statistics
import uuid
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from xero_client.webhooks import sign

from .test_benchmark_documents import endpoint_of, say
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase

DAYS = int(os.environ.get("XERO_BENCH_DAYS", "22"))
SLOTS = 48  # 8 working hours in slots of 10 minutes, the push's interval
SLOT_SECONDS = 600
INVOICES_PER_DAY = 45
BILLS_PER_DAY = 45
PAYMENTS_PER_DAY = 90
STARTER_DAY = 1000
GOAL = 100
KEY = "month-benchmark-webhook-key"
LIMITS = {"per_minute": 60, "per_day": 100000, "concurrent": 5, "app_per_minute": 10000}


def spread(total, slot):
    """How many of ``total`` a day's slot ``slot`` gets, spread evenly over the day."""
    return total * (slot + 1) // SLOTS - total * slot // SLOTS


@tagged("-standard", "xero_benchmark", "post_install", "-at_install")
class TestBenchmarkMonth(MoneyBackCase):
    def setUp(self):
        super().setUp()
        self.skipped = timedelta()
        # What a business sending its documents from Odoo chooses; the rest is the default.
        self.connection.write(
            {
                "send_out_invoice": "on_post",
                "send_in_invoice": "on_post",
                "send_history_notes": True,
                "send_attachments": True,
            }
        )
        self.sandbox.set_limits(**LIMITS)
        self.to_pay = []  # documents in Xero, oldest first, that Xero will see paid
        self.paid_in_xero = []

    # -- time ----------------------------------------------------------------------------------
    def pass_time(self, seconds):
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": seconds})
        self.skipped += timedelta(seconds=seconds)

    def run_cron(self, xmlid):
        real_now = fields.Datetime.now
        with patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        ):
            self.env.ref(xmlid).method_direct_trigger()
        self.env.invalidate_all()
        # A 429 is waited out, as the scheduled actions would.
        self.connection.sudo().rate_limited_until = False

    # -- what happens in a day -----------------------------------------------------------------
    def new_documents(self, invoices, bills):
        moves = self.env["account.move"]
        for _index in range(invoices):
            moves |= self.move()
        for _index in range(bills):
            bill = self.move("in_invoice", ref="BILL-%s" % uuid.uuid4().hex[:8])
            self.env["ir.attachment"].create(
                {
                    "name": "%s.pdf" % bill.ref,
                    "res_model": "account.move",
                    "res_id": bill.id,
                    "datas": base64.b64encode(b"%PDF-1.4 the vendor's bill"),
                }
            )
            moves |= bill
        moves.action_post()
        return moves

    def pay_in_xero_some(self, count):
        paid = self.env["account.move"]
        while count and self.to_pay:
            document = self.to_pay.pop(0)
            self.pay_in_xero(document, document.amount_total)
            self.paid_in_xero.append(document)
            paid |= document
            count -= 1
        return paid

    def xeros_events(self, documents):
        """Xero's webhook delivery of an UPDATE event for each of these documents."""
        now = fields.Datetime.now() + self.skipped
        events = [
            {
                "resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/%s" % d.xero_id,
                "resourceId": d.xero_id,
                "eventDateUtc": now.strftime("%Y-%m-%dT%H:%M:%S.000"),
                "eventType": "UPDATE",
                "eventCategory": "INVOICE",
                "tenantId": self.tenant["tenantId"],
                "tenantType": "ORGANISATION",
            }
            for d in documents
            if d.xero_id
        ]
        if not events:
            return
        body = json.dumps({"events": events}).encode()
        answer = self.url_open(
            "/xero/webhooks",
            data=body,
            headers={"Content-Type": "application/json", "x-xero-signature": sign(KEY, body)},
        )
        self.assertEqual(answer.status_code, 200)
        self.run_cron("xero_connector.ir_cron_xero_webhooks")

    def a_day(self, webhooks):
        """One working day and the night after it: the calls Xero answered, by kind."""
        self.sandbox._call("DELETE", "/sandbox/requests")
        for slot in range(SLOTS):
            posted = self.new_documents(spread(INVOICES_PER_DAY, slot), spread(BILLS_PER_DAY, slot))
            paid = self.pay_in_xero_some(spread(PAYMENTS_PER_DAY, slot))
            self.pass_time(SLOT_SECONDS)
            self.run_cron("xero_connector.ir_cron_xero_push")
            sent = posted.filtered("xero_id")
            self.to_pay.extend(sent)
            if webhooks:
                self.xeros_events(sent | paid)
            if slot % 6 == 5:
                self.run_cron("xero_connector.ir_cron_xero_import")
        for _hour in range(16):
            self.pass_time(3600)
            self.run_cron("xero_connector.ir_cron_xero_import")
            self.run_cron("xero_connector.ir_cron_xero_push")
        return Counter(
            "%s %s" % (r["method"], endpoint_of(r["path"]))
            for r in requests_log(self.sandbox)
            if r["status"] != 429 and r["path"] != "/connections"
        )

    def a_month(self, webhooks):
        label = "webhooks %s" % ("on" if webhooks else "off")
        if webhooks:
            self.connection.sudo().webhook_key = KEY
            self.xeros_events([])  # nothing yet
            self.connection.sudo().webhook_heard_at = fields.Datetime.now()
        days = []
        for day in range(1, DAYS + 1):
            if webhooks:
                # Deliveries keep it heard; Odoo's time moves with the sandbox's.
                self.connection.sudo().webhook_heard_at = fields.Datetime.now() + self.skipped
            calls = self.a_day(webhooks)
            days.append(calls)
            say(
                "month, %s, day %d: %d calls (%s)"
                % (label, day, sum(calls.values()), self.listing(calls))
            )
        totals = [sum(c.values()) for c in days]
        worst = max(totals)
        by_kind = sum(days, Counter())
        say(
            "month, %s: %d working days of %d invoices, %d bills and %d payments made in Xero; "
            "calls a day: mean %.0f, worst %d (%.0f%% of a Starter day of %d; the goal is %d)"
            % (
                label,
                DAYS,
                INVOICES_PER_DAY,
                BILLS_PER_DAY,
                PAYMENTS_PER_DAY,
                statistics.mean(totals),
                worst,
                worst * 100 / STARTER_DAY,
                STARTER_DAY,
                GOAL,
            )
        )
        say(
            "month, %s: calls a day by kind (mean): %s"
            % (
                label,
                ", ".join(
                    "%s %.1f" % (kind, count / DAYS) for kind, count in by_kind.most_common()
                ),
            )
        )
        paid = self.env["account.move"].union(*self.paid_in_xero)
        paid.invalidate_recordset(["payment_state"])
        shown = paid.filtered(lambda m: m.payment_state in ("paid", "in_payment"))
        say(
            "month, %s: %d documents paid in Xero, %d of them shown paid in Odoo"
            % (label, len(paid), len(shown))
        )
        return totals

    @staticmethod
    def listing(counter):
        return ", ".join("%s %d" % (k, v) for k, v in counter.most_common()) or "none"

    def test_a_month_of_design_volume_with_webhooks(self):
        self.a_month(webhooks=True)

    def test_a_month_of_design_volume_without_webhooks(self):
        self.a_month(webhooks=False)
