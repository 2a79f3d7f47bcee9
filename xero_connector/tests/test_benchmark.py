# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures, not assertions: Xero calls per 1,000 records pushed, SQL queries per batch.

Not part of the standard run; `make bench` runs it (Odoo's --test-tags xero_benchmark) and
prints one line per figure."""

import logging
import time

from odoo.tests import tagged

from .test_engine import queries_to_send_new_partners
from .test_mapping import MappingCase

_logger = logging.getLogger(__name__)


def say(text):
    _logger.info("XERO-BENCHMARK %s", text)


@tagged("-standard", "xero_benchmark", "post_install", "-at_install")
class TestBenchmark(MappingCase):
    def setUp(self):
        super().setUp()
        self.sandbox.set_limits(per_minute=100000, per_day=1000000)
        self.connection.sudo().minute_call_limit = 100000
        self.connection.sudo().day_call_limit = 1000000

    def calls_for(self, records):
        self.sandbox._call("DELETE", "/sandbox/requests")
        started = time.process_time()
        records.action_xero_sync()
        self.run_push_cron()
        cpu = time.process_time() - started
        calls = self.sandbox.calls()
        writes = sum(v for k, v in calls.items() if k.startswith(("POST", "PUT")))
        reads = sum(v for k, v in calls.items() if k.startswith("GET"))
        return writes, reads, cpu

    def test_calls_per_1000_partners(self):
        partners = self.partners(1000)
        writes, reads, cpu = self.calls_for(partners)
        synced = len(partners.filtered(lambda p: p.xero_state == "synced"))
        say(
            "1000 new partners: %d synced, %d Xero calls (%d writes, %d reads), "
            "%.1f ms CPU per record" % (synced, writes + reads, writes, reads, cpu)
        )

    def test_calls_per_1000_products(self):
        self.open_wizard()
        self.map_accounts()
        products = self.env["product.product"].create(
            [
                {
                    "name": "Bench product %04d" % i,
                    "default_code": "BENCH-%04d" % i,
                    "taxes_id": False,
                    "supplier_taxes_id": False,
                }
                for i in range(1000)
            ]
        )
        writes, reads, cpu = self.calls_for(products)
        synced = len(products.filtered(lambda p: p.xero_state == "synced"))
        say(
            "1000 new products: %d synced, %d Xero calls (%d writes, %d reads), "
            "%.1f ms CPU per record" % (synced, writes + reads, writes, reads, cpu)
        )

    def test_sql_queries_per_batch(self):
        for size in (10, 25, 50):
            count = queries_to_send_new_partners(self, size)
            say("a batch of %d new partners: %d SQL queries" % (size, count))


@tagged("-standard", "xero_benchmark", "post_install", "-at_install")
class TestBenchmarkHealth(MappingCase):
    """What the health dashboard and the count of Xero's calls cost."""

    def test_health_figures(self):
        self.sandbox.set_limits(per_minute=100000, per_day=1000000)
        self.connection.sudo().minute_call_limit = 100000
        self.connection.sudo().day_call_limit = 1000000
        partners = self.partners(1000)
        partners[:500].action_xero_sync()
        partners[500:]._xero_write({"xero_state": "error", "xero_error": "Refused."})
        # The dashboard as the browser reads it: every field of the form.
        plain = (
            "state name company_id token_renewed_at token_expires_at webhook_heard_at "
            "calls_today day_call_limit calls_left_today budget_state budget_message "
            "xero_day_calls_left xero_minute_calls_left xero_limits_at webhooks_today "
            "waiting_message last_error rate_limited_until"
        ).split()
        spec = dict.fromkeys(plain, {})
        spec["health_ids"] = {
            "fields": dict.fromkeys(("kind", "pending_count", "waiting_count", "error_count"), {})
        }
        spec["last_run_ids"] = {
            "fields": dict.fromkeys(("action", "started_at", "outcome", "summary", "calls"), {})
        }
        self.env.invalidate_all()
        before, started = self.cr.sql_log_count, time.process_time()
        self.connection.web_read(spec)
        say(
            "health dashboard: %d SQL queries, %.0f ms CPU to read, %d contacts in error"
            % (self.cr.sql_log_count - before, (time.process_time() - started) * 1000, 500)
        )
        calls = self.env["xero.call"]
        before, started = self.cr.sql_log_count, time.process_time()
        for _i in range(1000):
            calls._note(self.connection, "get_contacts", 200, 10, {"X-DayLimit-Remaining": 1})
        say(
            "counting a Xero call: %.1f SQL queries, %.2f ms CPU each (1,000 counted)"
            % ((self.cr.sql_log_count - before) / 1000, (time.process_time() - started))
        )
        before, started = self.cr.sql_log_count, time.process_time()
        for _i in range(1000):
            with calls._admitted(self.connection, 100000):
                pass
        say(
            "admitting a Xero call (every worker's within Xero's limits): %.1f SQL queries, "
            "%.2f ms CPU each (1,000 admitted, 1,000 calls in the last minute)"
            % ((self.cr.sql_log_count - before) / 1000, (time.process_time() - started))
        )
