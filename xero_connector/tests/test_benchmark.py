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
