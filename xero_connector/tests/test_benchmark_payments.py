# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures, and the two ledgers compared (issue 17, item 7): payments registered in Odoo
pushed to Xero by the scheduled action, and a full cycle of payments made both ways after
which every document owes the same in Odoo and in Xero.

Not part of the standard run; `make bench` runs it with the other benchmarks (test tag
xero_benchmark) and prints one line per figure, each starting "XERO-BENCHMARK "."""

import time
from collections import Counter

from odoo.tests import tagged

from .test_benchmark_documents import XERO_LIMITS, TestBenchmarkDocuments, endpoint_of, say
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase
from .test_odoo_payments import TestOdooPaymentsToXero

PAYMENTS = 1000
PAYMENT_CALLS_AIM = 22  # 20 batches of 50, and two to spare
MAX_PUSH_RUNS = 50
MAX_ROUNDS = 8  # push then import, until a round changes nothing on either side
# The reference of a payment made with the sandbox's Pay action: a Xero user's own.
MADE_IN_XERO = "Paid in the Xero sandbox"
NO_LIMITS = {"per_minute": 1000000, "per_day": 1000000, "app_per_minute": 1000000}


@tagged("-standard", "xero_benchmark", "post_install", "-at_install")
class TestBenchmarkPayments(MoneyBackCase):
    # The documents benchmark's set-up and reading of the sandbox's log, and the payment
    # tests' ways of paying, reused as they are.
    products = TestBenchmarkDocuments.products
    invoices = TestBenchmarkDocuments.invoices
    analyze = TestBenchmarkDocuments.analyze
    left = TestBenchmarkDocuments.left
    skip_rate_limit_wait = TestBenchmarkDocuments.skip_rate_limit_wait
    calls_by_endpoint = TestBenchmarkDocuments.calls_by_endpoint
    listing = staticmethod(TestBenchmarkDocuments.listing)
    register = TestOdooPaymentsToXero.register
    receivable = TestOdooPaymentsToXero.receivable
    delete_xero_payments_of = TestOdooPaymentsToXero.delete_xero_payments_of

    def setUp(self):
        super().setUp()
        # Sending the documents is not what is measured: no limits while Xero fills up.
        self.sandbox.set_limits(**NO_LIMITS)
        self.connection.sudo().minute_call_limit = NO_LIMITS["per_minute"]
        self.connection.sudo().day_call_limit = NO_LIMITS["per_day"]

    def run_import_cron(self):
        result = super().run_import_cron()
        # The import records Xero's payments through cursors of its own, each one a
        # transaction of its own in production; the numbers they took are not in this
        # transaction's cache of sequence numbers, which a commit would have emptied.
        self.env.cr.cache.pop("sequence.mixin", None)
        return result

    def analyze_payments(self):
        self.analyze()
        self.env.cr.execute("ANALYZE account_payment, xero_odoo_payment, xero_payment")

    def send_documents(self, moves):
        """Posted and sent, follow-ups included, through the scheduled action beyond the
        first batch."""
        moves.filtered(lambda m: m.state == "draft").action_post()
        self.analyze()
        moves.action_xero_sync()
        for _run in range(MAX_PUSH_RUNS):
            self.run_push_cron()
            if not any(self.left(moves)):
                break
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"}, moves.mapped("xero_error"))
        self.assertFalse(any(moves.mapped("xero_followup_pending")))
        return moves

    def odoo_payments_left(self):
        """(pairs waiting to be sent or removed, documents whose payments are to be looked at)."""
        pairs = self.env["xero.odoo.payment"].with_context(active_test=False)
        return (
            pairs.search_count([("xero_state", "=", "pending")]),
            self.env["account.move"].search_count([("xero_payments_stale", "=", True)]),
        )

    # -- 1,000 payments registered in Odoo ------------------------------------------------------
    def push_payments(self):
        """The scheduled action run until no payment is left to send, with Xero's limits on
        (a wait for a 429 skipped on both clocks, as in the documents benchmark)."""
        self.sandbox.set_limits(**XERO_LIMITS)
        # The sandbox's clock is moved on, not slept on: it is the one to hold the minute.
        self.connection.sudo().minute_call_limit = 1000000
        self.env.flush_all()
        self.sandbox._call("DELETE", "/sandbox/requests")
        runs, steps = 0, []
        queries = self.env.cr.sql_log_count
        wall, cpu, thread_cpu = time.monotonic(), time.process_time(), time.thread_time()
        while runs < MAX_PUSH_RUNS:
            self.run_push_cron()
            runs += 1
            left = self.odoo_payments_left()
            wait = self.skip_rate_limit_wait()[0] if any(left) else 0
            steps.append((*left, wait))
            if not any(left):
                break
        return {
            "runs": runs,
            "steps": steps,
            "wall": time.monotonic() - wall,
            "cpu": time.process_time() - cpu,
            "thread_cpu": time.thread_time() - thread_cpu,
            "queries": self.env.cr.sql_log_count - queries,
            "log": requests_log(self.sandbox),
        }

    def test_1000_odoo_payments_on_1000_synced_invoices(self):
        started = time.monotonic()
        partners = self.partners(100, email=False)
        products = self.products(20)
        moves = self.send_documents(self.invoices(PAYMENTS, 1, partners, products))
        sent = time.monotonic() - started
        self.analyze_payments()
        payments = self.register(moves, group=False)
        registered = time.monotonic() - started - sent
        self.analyze_payments()
        self.assertEqual(len(payments), PAYMENTS)
        say(
            "Odoo payments: %d invoices of 1 line for %d partners sent to Xero (set-up, %.0f s), "
            "paid in full by %d Odoo payments from the payment wizard (%.0f s); Xero's limits: "
            "%d calls/minute, %d/day"
            % (
                len(moves),
                len(partners),
                sent,
                len(payments),
                registered,
                XERO_LIMITS["per_minute"],
                XERO_LIMITS["per_day"],
            )
        )
        run = self.push_payments()
        answered, limited = self.calls_by_endpoint(run["log"])
        total = sum(answered.values())
        payment_calls = sum(v for k, v in answered.items() if k.split()[1].startswith("Payments"))
        held = [p for p in self.held("Payments") if p["Status"] == "AUTHORISED"]
        synced = self.env["xero.odoo.payment"].search_count([("xero_state", "=", "synced")])
        owing = [d for d in self.held() if d["AmountDue"]]
        say(
            "Odoo payments: %d of %d synced, Xero holds %d payments, %d invoices still owe in "
            "Xero; %d Xero calls (aim <= %d), %d of them to Payments: %s; %d answered 429 (%s)"
            % (
                synced,
                PAYMENTS,
                len(held),
                len(owing),
                total,
                PAYMENT_CALLS_AIM,
                payment_calls,
                self.listing(answered),
                sum(limited.values()),
                self.listing(limited),
            )
        )
        say(
            "Odoo payments: %d scheduled-action runs; after each (pairs pending, documents to "
            "look at, clock skipped): %s"
            % (run["runs"], "; ".join("%d, %d, %.0f s" % step for step in run["steps"]))
        )
        say(
            "Odoo payments: %d SQL queries, %.1f per payment; wall %.1f s (%.1f s of it in the "
            "sandbox, answering); Odoo CPU %.2f ms per payment (this thread, the one running the "
            "action; %.2f ms for the whole process)"
            % (
                run["queries"],
                run["queries"] / PAYMENTS,
                run["wall"],
                sum(entry.get("duration_ms") or 0 for entry in run["log"]) / 1000,
                run["thread_cpu"] * 1000 / PAYMENTS,
                run["cpu"] * 1000 / PAYMENTS,
            )
        )
        self.assertEqual(synced, PAYMENTS)
        self.assertEqual(len(held), PAYMENTS)
        self.assertEqual(owing, [])
        self.assertLessEqual(total, PAYMENT_CALLS_AIM, self.listing(answered))

    # -- a full cycle of payments both ways -----------------------------------------------------
    def pay_in_xero_whole(self, invoice):
        self.pay_in_xero(invoice, self.held_for(invoice)["AmountDue"])

    def unallocate_all_in_xero(self, credit_note):
        """The credit note's allocations deleted in Xero (raw: the SDK cannot read Xero's
        answer to this, XeroAPI/xero-python#159)."""
        accounting = self.connection._client().accounting
        for allocation in self.held_for(credit_note).get("Allocations") or []:
            accounting.delete_credit_note_allocations(
                self.tenant["tenantId"],
                credit_note.xero_id,
                allocation["AllocationID"],
                _preload_content=False,
            )

    def state_of_both_sides(self, documents):
        documents.invalidate_recordset(["amount_residual"])
        return (
            tuple(documents.mapped("amount_residual")),
            self.env["account.payment"].search_count([("state", "!=", "canceled")]),
            self.env["account.partial.reconcile"].search_count([]),
            self.odoo_payments_left(),
        )

    def push_and_import_until_quiet(self, documents):
        """Push, then import, until a round writes nothing to Xero and changes nothing in
        Odoo. Returns each round's writes to Xero."""
        rounds = []
        for _round in range(MAX_ROUNDS):
            before = self.state_of_both_sides(documents)
            self.sandbox._call("DELETE", "/sandbox/requests")
            self.run_push_cron()
            self.run_import_cron()
            writes = Counter(
                "%s %s" % (r["method"], endpoint_of(r["path"]))
                for r in requests_log(self.sandbox)
                if r["method"] != "GET"
            )
            rounds.append(writes)
            if not writes and self.state_of_both_sides(documents) == before:
                break
        return rounds

    def amount_due_in_xero(self, document):
        held = self.held_for(document)
        return held["AmountDue"] if "InvoiceID" in held else held["RemainingCredit"]

    def cycle_documents(self):
        """The benchmark's mix: {what happens to them: documents}, all sent to Xero."""
        eur = self.euro(1.15)
        invoice = self.move

        def refund(price, **values):
            lines = [{"name": "Refund", "quantity": 1, "price_unit": price}]
            return self.move("out_refund", lines=lines, **values)

        def invoices(count, **values):
            return self.env["account.move"].union(*(invoice(**values) for _i in range(count)))

        mix = {
            "paid in full in Odoo": invoices(8),
            "part-paid in Odoo": invoices(6),
            "paid in three payments in Odoo": invoices(4),
            "paid together by one Odoo payment": invoices(3),
            "paid in Odoo, payment reset to draft": invoices(3),
            "paid in Odoo, payment cancelled": invoices(3),
            "part-paid in Odoo, payment changed": invoices(2),
            "paid in Odoo, then unreconciled": invoices(2),
            "paid in Odoo, cancelled before the push": invoices(2),
            "paid in full in Xero": invoices(6),
            "part-paid in Xero": invoices(4),
            "paid in three payments in Xero": invoices(3),
            "paid in Xero, payment deleted in Xero": invoices(3),
            "part-paid in Xero, the rest in Odoo": invoices(2),
            "part-paid in Odoo, the rest in Xero": invoices(3),
            "EUR, paid in full in Odoo": invoices(2, currency_id=eur.id),
            "EUR, part-paid in Odoo": invoices(2, currency_id=eur.id),
            "EUR, paid in full in Xero": invoices(1, currency_id=eur.id),
            "EUR, part-paid in Xero": invoices(1, currency_id=eur.id),
            "bill paid in full in Odoo": self.move("in_invoice", ref="BENCH-B1"),
            "bill part-paid in Odoo": self.move("in_invoice", ref="BENCH-B2"),
            "bill paid in full in Xero": self.move("in_invoice", ref="BENCH-B3"),
            "bill part-paid in Xero": self.move("in_invoice", ref="BENCH-B4"),
            "credit note refunded in Odoo": refund(100),
        }
        for name, count, price, currency in (
            ("credit note allocated whole in Odoo", 2, 100, None),
            ("credit note larger than its invoice, allocated in Odoo", 1, 500, None),
            ("credit note allocated in Odoo, then unreconciled", 1, 100, None),
            ("credit note allocated whole in Xero", 2, 100, None),
            ("credit note allocated in part in Xero", 2, 100, None),
            ("credit note allocated in Xero, allocation deleted in Xero", 1, 100, None),
            ("EUR credit note allocated in Odoo", 1, 100, eur),
        ):
            values = {"currency_id": currency.id} if currency else {}
            mix[name] = self.env["account.move"].union(
                *(refund(price, **values) | invoice(**values) for _i in range(count))
            )
        documents = self.env["account.move"].union(*mix.values())
        for start in range(0, len(documents), 50):
            self.send_documents(documents[start : start + 50])
        return mix, eur

    def pairs(self, moves):
        """(credit note, invoice) of each pair of these moves."""
        refunds = moves.filtered(lambda m: m.move_type == "out_refund")
        return list(zip(refunds, moves - refunds, strict=True))

    def first_round_of_money(self, mix, eur):
        """Payments and allocations made on both sides, before either side has heard."""
        register = self.register
        register(mix["paid in full in Odoo"], group=False)
        for move in mix["part-paid in Odoo"] | mix["part-paid in Odoo, the rest in Xero"]:
            register(move, amount=100)
        for move in mix["paid in three payments in Odoo"]:
            register(move, amount=100)
            register(move, amount=120)
        register(mix["paid together by one Odoo payment"], group=True)
        for name in (
            "paid in Odoo, payment reset to draft",
            "paid in Odoo, payment cancelled",
            "paid in Odoo, then unreconciled",
        ):
            register(mix[name], group=False)
        changed = [register(move, amount=100) for move in mix["part-paid in Odoo, payment changed"]]
        for move in mix["paid in Odoo, cancelled before the push"]:
            payment = register(move)
            payment.action_draft()
            payment.action_cancel()
        register(mix["EUR, paid in full in Odoo"], group=False, currency_id=eur.id)
        for move in mix["EUR, part-paid in Odoo"]:
            register(move, amount=100, currency_id=eur.id)
        register(mix["bill paid in full in Odoo"])
        register(mix["bill part-paid in Odoo"], amount=100)
        register(mix["credit note refunded in Odoo"])
        for move in (
            mix["paid in full in Xero"]
            | mix["paid in Xero, payment deleted in Xero"]
            | mix["EUR, paid in full in Xero"]
            | mix["bill paid in full in Xero"]
        ):
            self.pay_in_xero_whole(move)
        for move in (
            mix["part-paid in Xero"]
            | mix["paid in three payments in Xero"]
            | mix["part-paid in Xero, the rest in Odoo"]
            | mix["EUR, part-paid in Xero"]
            | mix["bill part-paid in Xero"]
        ):
            self.pay_in_xero(move, 100)
        for name in (
            "credit note allocated whole in Odoo",
            "credit note larger than its invoice, allocated in Odoo",
            "credit note allocated in Odoo, then unreconciled",
            "EUR credit note allocated in Odoo",
        ):
            for credit_note, invoice in self.pairs(mix[name]):
                self.receivable(credit_note, invoice).reconcile()
        for name in (
            "credit note allocated whole in Xero",
            "credit note allocated in Xero, allocation deleted in Xero",
        ):
            for credit_note, invoice in self.pairs(mix[name]):
                self.allocate_in_xero(credit_note, invoice, credit_note.amount_total)
        for credit_note, invoice in self.pairs(mix["credit note allocated in part in Xero"]):
            self.allocate_in_xero(credit_note, invoice, 50)
        return changed

    def second_round_of_money(self, mix, changed):
        """What each side does once it has heard of the other: payments undone, changed,
        and the rest paid."""
        for move in mix["paid in three payments in Odoo"]:
            self.register(move)
        for payment in self.payments_of(mix["paid in Odoo, payment reset to draft"]):
            payment.action_draft()
        for payment in self.payments_of(mix["paid in Odoo, payment cancelled"]):
            payment.action_draft()
            payment.action_cancel()
        for move, payment in zip(mix["part-paid in Odoo, payment changed"], changed, strict=True):
            payment.action_draft()
            payment.amount = 150
            payment.action_post()
            self.receivable(move, payment.move_id).reconcile()
        self.receivable(mix["paid in Odoo, then unreconciled"]).remove_move_reconcile()
        for move in mix["paid in Xero, payment deleted in Xero"]:
            self.delete_xero_payments_of(move)
        for move in mix["paid in three payments in Xero"]:
            self.pay_in_xero(move, 50)
            self.pay_in_xero_whole(move)
        for move in mix["part-paid in Xero, the rest in Odoo"]:
            self.register(move)
        for move in mix["part-paid in Odoo, the rest in Xero"]:
            self.pay_in_xero_whole(move)
        for credit_note, _invoice in self.pairs(
            mix["credit note allocated in Odoo, then unreconciled"]
        ):
            self.receivable(credit_note).remove_move_reconcile()
        for credit_note, _invoice in self.pairs(
            mix["credit note allocated in Xero, allocation deleted in Xero"]
        ):
            self.unallocate_all_in_xero(credit_note)

    def payments_of(self, moves):
        return moves._get_reconciled_payments()

    def test_a_full_cycle_of_payments_both_ways_leaves_the_same_amounts_due(self):
        mix, eur = self.cycle_documents()
        documents = self.env["account.move"].union(*mix.values())
        self.analyze_payments()
        say(
            "payment cycle: %d documents sent to Xero (%d invoices, %d bills, %d credit notes; "
            "%d in EUR), in %d groups"
            % (
                len(documents),
                len(documents.filtered(lambda m: m.move_type == "out_invoice")),
                len(documents.filtered(lambda m: m.move_type == "in_invoice")),
                len(documents.filtered(lambda m: m.move_type == "out_refund")),
                len(documents.filtered(lambda m: m.currency_id == eur)),
                len(mix),
            )
        )
        started, cpu, queries = time.monotonic(), time.thread_time(), self.env.cr.sql_log_count
        changed = self.first_round_of_money(mix, eur)
        first = self.push_and_import_until_quiet(documents)
        self.second_round_of_money(mix, changed)
        second = self.push_and_import_until_quiet(documents)
        for label, rounds in (("first", first), ("second", second)):
            say(
                "payment cycle, %s round of payments: %d rounds of push and import until quiet; "
                "writes to Xero per round: %s"
                % (label, len(rounds), "; ".join(self.listing(writes) for writes in rounds))
            )
        say(
            "payment cycle: %.1f s wall, %.0f ms Odoo CPU per document (payments made on both "
            "sides, pushes and imports), %d SQL queries"
            % (
                time.monotonic() - started,
                (time.thread_time() - cpu) * 1000 / len(documents),
                self.env.cr.sql_log_count - queries,
            )
        )
        differ = self.amounts_due_that_differ(mix)
        echoed = self.payments_recorded_back()
        self.say_what_each_side_holds()
        say(
            "payment cycle: %d of %d documents owe a different amount in Odoo and in Xero; %d "
            "Odoo payments recorded again in Odoo from Xero"
            % (len(differ), len(documents), len(echoed))
        )
        for name, move, in_xero in differ:
            say(
                "payment cycle: differs: %s (%s, %s): Odoo %s due, Xero %s%s"
                % (
                    move.name,
                    name,
                    move.currency_id.name,
                    self.owed_in_odoos_books(move),
                    in_xero,
                    self.payments_on(move),
                )
            )
        for payment in echoed:
            say(
                "payment cycle: recorded again: %s on %s, Xero's %s"
                % (
                    payment.name,
                    ", ".join(payment.reconciled_invoice_ids.mapped("name")),
                    payment.xero_id,
                )
            )
        self.assertEqual(
            ["%s (%s)" % (move.name, name) for name, move, _due in differ],
            [],
            "documents owing a different amount in Odoo and in Xero",
        )
        self.assertFalse(echoed, "Odoo payments recorded again from Xero")

    def amounts_due_that_differ(self, mix):
        """[(group, document, Xero's amount due)] of the documents whose amount due in Odoo,
        in their currency, is not Xero's."""
        differ = []
        for name, moves in mix.items():
            moves.invalidate_recordset(["amount_residual"])
            for move in moves:
                in_xero = self.amount_due_in_xero(move)
                if move.currency_id.compare_amounts(self.owed_in_odoos_books(move), in_xero):
                    differ.append((name, move, in_xero))
        return differ

    def owed_in_odoos_books(self, move):
        """The document's amount due counting posted money only. Odoo 19 keeps the matching
        of a payment reset to draft and counts the document paid, but a draft entry is not
        in the books and Xero has no draft payment: Xero's is deleted (issue 17, item 3)
        until the payment is posted again."""
        lines = move.line_ids.filtered(
            lambda line: line.account_id.account_type in ("asset_receivable", "liability_payable")
        )
        unposted = 0.0
        for partial in lines.matched_debit_ids | lines.matched_credit_ids:
            document_is_debit = partial.debit_move_id in lines
            other = partial.credit_move_id if document_is_debit else partial.debit_move_id
            if other.move_id.state != "posted":
                unposted += (
                    partial.debit_amount_currency
                    if document_is_debit
                    else partial.credit_amount_currency
                )
        return move.amount_residual + unposted

    def payments_recorded_back(self):
        """Odoo payments recorded from Xero payments that nobody made in Xero: Odoo's own,
        back as a second payment."""
        made_in_xero = {
            p["PaymentID"] for p in self.held("Payments") if p["Reference"] == MADE_IN_XERO
        }
        return self.env["account.payment"].search(
            [("xero_id", "!=", False), ("xero_id", "not in", list(made_in_xero))]
        )

    def say_what_each_side_holds(self):
        recorded = Counter(self.env["xero.payment"].search([]).mapped("state"))
        odoo_side = self.env["xero.odoo.payment"].with_context(active_test=False).search([])
        sent = Counter(
            odoo_side.mapped(
                lambda p: "%s%s %s" % ("" if p.active else "withdrawn ", p.kind, p.xero_state)
            )
        )
        say(
            "payment cycle: Xero's payments and allocations in Odoo by state: %s; Odoo's in "
            "Xero by state: %s" % (self.listing(recorded), self.listing(sent))
        )
        for refused in odoo_side.filtered("xero_error"):
            say("payment cycle: error: %s" % refused.xero_error)

    def payments_on(self, move):
        """What each side recorded of the other's on this document, for the reader."""
        from_xero = self.env["xero.payment"].search(
            ["|", ("move_id", "=", move.id), ("invoice_move_id", "=", move.id)]
        )
        from_odoo = (
            self.env["xero.odoo.payment"]
            .with_context(active_test=False)
            .search(["|", ("move_id", "=", move.id), ("invoice_move_id", "=", move.id)])
        )
        return "".join(
            [
                "; Xero's %s of %s: %s%s"
                % (p.kind, p.amount, p.state, p.note and ": %s" % p.note or "")
                for p in from_xero
            ]
            + [
                "; Odoo's %s: %s%s"
                % (p.display_name, p.xero_state, "" if p.active else ", withdrawn")
                for p in from_odoo
            ]
        )
