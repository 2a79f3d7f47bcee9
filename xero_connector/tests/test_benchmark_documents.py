# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures, not assertions (but for the run having worked): invoices pushed to Xero by the
scheduled action, against the sandbox with Xero's rate limits on.

Not part of the standard run; `make bench` runs it with the other benchmarks (Odoo's
--test-tags xero_benchmark) and prints one line per figure, each starting "XERO-BENCHMARK ".

Xero's limits are on (60 calls a minute, 5,000 a day, 5 at a time, per organisation). The
clock is sped up rather than slept on: when Xero answers 429, the sandbox's clock is moved on
by the Retry-After the connector noted, Odoo's note of the limit is moved on by as much (as if
that time had passed for both), and the scheduled action runs again, until nothing is left."""

import cProfile
import io
import logging
import os
import pstats
import re
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_engine import requests_log
from .test_move_sync import DocumentCase

_logger = logging.getLogger(__name__)

# Xero's published limits, per organisation (the sandbox's defaults, set here to be sure).
XERO_LIMITS = {"per_minute": 60, "per_day": 5000, "concurrent": 5, "app_per_minute": 10000}
MAX_CRON_RUNS = 400


def say(text):
    _logger.info("XERO-BENCHMARK %s", text)


def endpoint_of(path):
    """``/Invoices/<uuid>/Attachments/INV_1.pdf`` -> ``Invoices/{id}/Attachments/{name}``:
    as the sandbox counts, with the file names left out."""
    parts = [p for p in path.split("/") if p]
    shaped = parts[:1]
    for part in parts[1:]:
        if shaped[-1] == "Attachments":
            part = "{name}"
        elif len(part) == 36 and part.count("-") == 4:
            part = "{id}"
        shaped.append(part)
    return "/".join(shaped)


@contextmanager
def watched_queries():
    """A Counter of the SQL statements run meanwhile in this thread, by (where in the
    connector's code it comes from, the statement's shape)."""
    seen = Counter()

    def hook(cr, query, params, start, *args):
        code = query.decode() if isinstance(query, bytes) else str(query)
        code = re.sub(r'SAVEPOINT "[^"]*"', "SAVEPOINT sp", code)
        shape = re.sub(r"\s+", " ", re.sub(r"\b\d+\b", "N", code)).strip()[:110]
        frames = [
            "%s:%d %s" % (f.filename.rsplit("/", 1)[-1], f.lineno, f.name)
            for f in traceback.extract_stack()[:-1]
            if "/xero_connector/" in f.filename and "/tests/" not in f.filename
        ]
        seen[" < ".join(reversed(frames[-3:])) or "(outside the connector)", shape] += 1

    thread = threading.current_thread()
    hooks = getattr(thread, "query_hooks", ())
    thread.query_hooks = (*hooks, hook)
    try:
        yield seen
    finally:
        thread.query_hooks = hooks


@tagged("-standard", "xero_benchmark", "post_install", "-at_install")
class TestBenchmarkDocuments(DocumentCase):
    def setUp(self):
        super().setUp()
        self.sandbox.set_limits(**XERO_LIMITS)
        # The sandbox's clock is moved on, not slept on: it is the one to hold the minute.
        self.connection.sudo().minute_call_limit = 1000000
        self.connection.sudo().day_call_limit = XERO_LIMITS["per_day"]
        self.connection.write(
            {"send_out_invoice": "on_post", "send_history_notes": False, "send_attachments": False}
        )

    # -- data -------------------------------------------------------------------------------
    def products(self, count, prefix="BENCH"):
        return self.env["product.product"].create(
            [
                {
                    "name": "%s product %04d" % (prefix, i),
                    "default_code": "%s-%04d" % (prefix, i),
                    "list_price": 10.0 + i % 17,
                    "taxes_id": False,
                    "supplier_taxes_id": False,
                }
                for i in range(count)
            ]
        )

    def invoices(self, count, lines, partners, products, chunk=100):
        """``count`` customer invoices of ``lines`` lines each, created in batches (posted by
        the caller): invoice i goes to partner i % len(partners), and its lines take the
        products in turn, so that every partner and product is used."""
        moves = self.env["account.move"]
        for begin in range(0, count, chunk):
            vals = []
            for i in range(begin, min(begin + chunk, count)):
                vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partners[i % len(partners)].id,
                        "invoice_date": "2026-11-20",
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "product_id": products[(i * lines + j) % len(products)].id,
                                    "quantity": 1 + (i + j) % 7,
                                    "price_unit": 3.5 + (i * 7 + j * 13) % 200,
                                    "tax_ids": [(6, 0, self.sale_tax.ids)],
                                },
                            )
                            for j in range(lines)
                        ],
                    }
                )
            moves |= (
                self.env["account.move"]
                .with_context(tracking_disable=True, mail_create_nolog=True)
                .create(vals)
            )
            self.analyze()
        return moves

    def analyze(self):
        """PostgreSQL's statistics of the tables just filled. The test's rows are never
        committed, so the statistics say the tables are (nearly) empty, and the planner may
        then choose a plan that takes minutes for Odoo's own queries on 1,000 moves (seen
        with the payment state's query when posting). ANALYZE in the transaction counts its
        rows; its statistics go with the rollback."""
        self.env.flush_all()
        self.env.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, res_partner, "
            "product_product, product_template"
        )

    # -- the scheduled action, with the clock sped up ---------------------------------------
    def left(self, moves):
        """(documents still pending, documents awaiting their follow-ups)."""
        moves.invalidate_recordset(["xero_state", "xero_followup_pending"])
        return (
            len(moves.filtered(lambda m: m.xero_state == "pending")),
            len(moves.filtered("xero_followup_pending")),
        )

    def skip_rate_limit_wait(self):
        """When the connector stopped for a 429: Xero's clock (the sandbox's) and Odoo's note
        of the limit both move on by the wait Xero asked for. Returns (the seconds skipped,
        whether the scheduled action was set to run again when the wait ends, as it would be
        in production: else it waits for its next interval)."""
        self.connection.invalidate_recordset(["rate_limited_until"])
        until = self.connection.rate_limited_until
        now = fields.Datetime.now()
        if not until or until <= now:
            return 0, None
        cron = self.env.ref("xero_connector.ir_cron_xero_push")
        triggers = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search([("cron_id", "=", cron.id), ("call_at", ">", now)])
            .mapped("call_at")
        )
        rescheduled = any(abs((at - until).total_seconds()) <= 2 for at in triggers)
        wait = (until - now).total_seconds() + 1
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": wait})
        self.connection.sudo().write({"rate_limited_until": now - timedelta(seconds=1)})
        return wait, rescheduled

    def push_until_done(self, moves):
        """Run the scheduled action until nothing of ``moves`` is left to send. Returns the
        figures of the runs."""
        self.env.flush_all()
        self.sandbox._call("DELETE", "/sandbox/requests")
        runs, skipped, skips, steps, stranded = 0, 0.0, 0, [], 0
        queries_before = self.env.cr.sql_log_count
        profile = cProfile.Profile() if os.environ.get("XERO_BENCH_PROFILE") else None
        wall, cpu, thread_cpu = time.monotonic(), time.process_time(), time.thread_time()
        while runs < MAX_CRON_RUNS:
            if profile:
                profile.enable()
            self.run_push_cron()
            if profile:
                profile.disable()
            runs += 1
            pending, followups = self.left(moves)
            wait, rescheduled = self.skip_rate_limit_wait() if pending or followups else (0, None)
            steps.append((pending, followups, wait))
            if not (pending or followups):
                break
            skipped += wait
            skips += 1 if wait else 0
            stranded += 1 if rescheduled is False else 0
        figures = {
            "runs": runs,
            "steps": steps,
            "stranded": stranded,
            "wall": time.monotonic() - wall,
            "cpu": time.process_time() - cpu,
            "thread_cpu": time.thread_time() - thread_cpu,
            "queries": self.env.cr.sql_log_count - queries_before,
            "skipped": skipped,
            "skips": skips,
            "log": requests_log(self.sandbox),
        }
        if profile:
            if os.environ["XERO_BENCH_PROFILE"].endswith(".prof"):
                profile.dump_stats(os.environ["XERO_BENCH_PROFILE"])
            stream = io.StringIO()
            pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(
                "xero_connector|xero_client|account_move|orm/models", 30
            )
            for line in stream.getvalue().splitlines():
                if line.strip():
                    say("profile: %s" % line)
        return figures

    def calls_by_endpoint(self, log):
        """({"POST Invoices": n, ...} of the calls Xero answered, {...} of its 429s)."""
        answered, limited = Counter(), Counter()
        for entry in log:
            name = "%s %s" % (entry["method"], endpoint_of(entry["path"]))
            (limited if entry["status"] == 429 else answered)[name] += 1
        return answered, limited

    @staticmethod
    def listing(counter):
        return ", ".join("%s %d" % (k, v) for k, v in sorted(counter.items())) or "none"

    # -- the figure of the issue --------------------------------------------------------------
    def test_1000_invoices_of_5_lines_through_the_scheduled_action(self):
        documents, lines, partner_count, product_count = 1000, 5, 200, 300
        started = time.monotonic()
        partners = self.partners(partner_count, email=False)
        products = self.products(product_count)
        moves = self.invoices(documents, lines, partners, products)
        created = time.monotonic() - started
        moves.action_post()
        self.analyze()
        posted = time.monotonic() - started - created
        self.assertEqual(set(moves.mapped("xero_state")), {"pending"})
        say(
            "documents: %d invoices of %d lines, %d partners and %d products new to Xero "
            "(created in %.0f s, posted in %.0f s); Xero's limits: %d calls/minute, %d/day; "
            "history notes and attachments off"
            % (
                documents,
                lines,
                partner_count,
                product_count,
                created,
                posted,
                XERO_LIMITS["per_minute"],
                XERO_LIMITS["per_day"],
            )
        )
        run = self.push_until_done(moves)
        answered, limited = self.calls_by_endpoint(run["log"])
        synced = moves.filtered(lambda m: m.xero_state == "synced")
        total = sum(answered.values())
        say(
            "documents: %d of %d synced; %d Xero calls (floor 30, aim <= 32): %s"
            % (len(synced), documents, total, self.listing(answered))
        )
        say(
            "documents: %d answered 429 (%s); %d scheduled-action runs; sandbox clock moved on "
            "%d times, %.0f s in all; %d of those waits left without a run scheduled at "
            "Retry-After"
            % (
                sum(limited.values()),
                self.listing(limited),
                run["runs"],
                run["skips"],
                run["skipped"],
                run["stranded"],
            )
        )
        say(
            "documents: after each run (pending, awaiting follow-ups, clock skipped): %s"
            % "; ".join("%d, %d, %.0f s" % step for step in run["steps"])
        )
        say(
            "documents: wall time %.1f s for the scheduled action (setup apart; %.1f s of it "
            "in the sandbox, answering); Odoo CPU %.2f ms per document (this thread, the one "
            "running the action; %.2f ms for the whole process)"
            % (
                run["wall"],
                sum(entry.get("duration_ms") or 0 for entry in run["log"]) / 1000,
                run["thread_cpu"] * 1000 / documents,
                run["cpu"] * 1000 / documents,
            )
        )
        batches = answered.get("POST Invoices", 0) + answered.get("PUT Invoices", 0)
        say(
            "documents: %d SQL queries in the runs, %.0f per batch of invoices (%d batches), "
            "%.1f per document (partners, products and imports included)"
            % (
                run["queries"],
                run["queries"] / max(batches, 1),
                batches,
                run["queries"] / documents,
            )
        )
        errors = Counter((moves - synced).mapped("xero_error"))
        self.assertEqual(len(synced), documents, errors.most_common(3))
        self.assertEqual(len(self.held("Invoices")), documents)
        self.assertEqual(len(self.held("Contacts")), partner_count)
        self.assertEqual(len(self.held("Items")), product_count)

    # -- what the history notes and the attachments would add ----------------------------
    def test_what_history_notes_and_attachments_add(self):
        """Both on, for 120 invoices (enough to meet the per-minute limit): the calls per
        document they add, scaled to 1,000 documents."""
        documents, lines = 120, 5
        self.connection.write(
            {"send_history_notes": True, "send_attachments": True, "send_odoo_pdf": True}
        )
        partners = self.partners(24, email=False)
        products = self.products(36)
        moves = self.invoices(documents, lines, partners, products)
        moves.action_post()
        self.analyze()
        run = self.push_until_done(moves)
        answered, limited = self.calls_by_endpoint(run["log"])
        # What goes to one document's own address: its history note, PDF, files, link.
        followup = Counter({k: v for k, v in answered.items() if "/{id}/" in k})
        per_document = sum(followup.values()) / documents
        say(
            "history notes and attachments on, %d invoices: %d Xero calls in all: %s"
            % (documents, sum(answered.values()), self.listing(answered))
        )
        say(
            "history notes and attachments on: %.2f calls per document (%s); for 1,000 "
            "documents %d calls more, %.0f minutes of Xero's per-minute limit and %.0f%% of "
            "its daily %d"
            % (
                per_document,
                ", ".join("%s %.2f" % (k, v / documents) for k, v in sorted(followup.items())),
                per_document * 1000,
                per_document * 1000 / XERO_LIMITS["per_minute"],
                per_document * 1000 * 100 / XERO_LIMITS["per_day"],
                XERO_LIMITS["per_day"],
            )
        )
        say(
            "history notes and attachments on, %d invoices: %d answered 429; %d "
            "scheduled-action runs; sandbox clock moved on %d times, %.0f s in all (%d of "
            "those waits left without a run scheduled at Retry-After); wall "
            "%.1f s; Odoo CPU %.2f ms per document; after each run (pending, awaiting "
            "follow-ups, clock skipped): %s"
            % (
                documents,
                sum(limited.values()),
                run["runs"],
                run["skips"],
                run["skipped"],
                run["stranded"],
                run["wall"],
                run["thread_cpu"] * 1000 / documents,
                "; ".join("%d, %d, %.0f s" % step for step in run["steps"]),
            )
        )
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"})
        self.assertFalse(any(moves.mapped("xero_followup_pending")))

    # -- SQL queries per batch ----------------------------------------------------------------
    def queries_to_send_documents(self, size, lines, new_dependencies, tag):
        """SQL queries to send one batch of ``size`` invoices of ``lines`` lines (the write,
        then the follow-up pass, history notes and attachments off). With
        ``new_dependencies`` the batch brings its own partners and products new to Xero
        (one partner per 5 documents, 3 products per 10 documents, as in the figure above);
        else they are in Xero already."""
        partners = self.env["res.partner"].create(
            [
                {"name": "%s partner %03d" % (tag, i), "is_company": True}
                for i in range(max(1, size // 5))
            ]
        )
        products = self.products(max(1, size * 3 // 10), prefix=tag)
        if not new_dependencies:
            partners.action_xero_sync()
            products.action_xero_sync()
            self.assertEqual(
                set(partners.mapped("xero_state") + products.mapped("xero_state")), {"synced"}
            )
        moves = self.invoices(size, lines, partners, products)
        moves.action_post()
        self.analyze()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with watched_queries() as sending_queries:
            self.assertTrue(moves._xero_send_all(self.connection))
            self.env.flush_all()
        sending = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with watched_queries() as followup_queries:
            self.assertTrue(moves._xero_send_followups(self.connection))
            self.env.flush_all()
        followups = self.env.cr.sql_log_count - before
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"}, moves.mapped("xero_error"))
        self.statements[new_dependencies, lines, size] = (sending_queries, followup_queries)
        return sending, followups

    def test_sql_queries_per_batch_of_documents(self):
        figures, self.statements = {}, {}
        for new_dependencies in (False, True):
            for lines in (1, 5):
                for size in (10, 25, 50):
                    tag = "Q%s%d-%d" % ("N" if new_dependencies else "K", lines, size)
                    sending, followups = self.queries_to_send_documents(
                        size, lines, new_dependencies, tag
                    )
                    figures[new_dependencies, lines, size] = (sending, followups)
                    say(
                        "a batch of %d invoices of %d line%s, partners and products %s: %d SQL "
                        "queries to send it, %d for the follow-up pass"
                        % (
                            size,
                            lines,
                            "" if lines == 1 else "s",
                            "new to Xero" if new_dependencies else "already in Xero",
                            sending,
                            followups,
                        )
                    )
        for new_dependencies in (False, True):
            for part, name in ((0, "sending"), (1, "follow-up pass")):
                by_size = (
                    figures[new_dependencies, 1, 50][part] - figures[new_dependencies, 1, 10][part]
                ) / 40
                by_lines = (
                    figures[new_dependencies, 5, 50][part] - figures[new_dependencies, 1, 50][part]
                ) / (50 * 4)
                say(
                    "SQL growth, %s, partners and products %s: %+.2f queries per document in "
                    "the batch, %+.3f per line -> %s"
                    % (
                        name,
                        "new" if new_dependencies else "in Xero",
                        by_size,
                        by_lines,
                        "constant" if abs(by_size) < 0.05 and abs(by_lines) < 0.01 else "GROWS",
                    )
                )
        # Where the growth comes from: the statements run more often for 50 documents than
        # for 10 (of 5 lines), or for 5 lines than for 1 (of 50 documents).
        for new_dependencies in (False, True):
            for part, name in ((0, "sending"), (1, "follow-up pass")):
                for small, large, per in (
                    ((5, 10), (5, 50), "document"),
                    ((1, 50), (5, 50), "line"),
                ):
                    few = self.statements[(new_dependencies, *small)][part]
                    many = self.statements[(new_dependencies, *large)][part]
                    extra = (50 - 10) if per == "document" else 50 * 4
                    for key in sorted(set(few) | set(many), key=lambda k: few[k] - many[k]):
                        grown = many[key] - few[key]
                        if grown / extra < 0.5:
                            continue  # not one more per document (or line)
                        say(
                            "SQL growth detail, %s, partners and products %s: %+.2f per %s: "
                            "%s | %s"
                            % (
                                name,
                                "new" if new_dependencies else "in Xero",
                                grown / extra,
                                per,
                                key[0],
                                key[1],
                            )
                        )
