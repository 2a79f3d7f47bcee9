# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures (issue 18, item 6): one month of Xero's design volume for one organisation, day by
day on a simulated clock that Odoo and the sandbox share, with webhooks on and off: the Xero
calls of each day by kind, the mean and worst day and the worst day's share of Xero's Starter
day (1,000 calls; the goal is 100), and how long a payment made in Xero takes to show in Odoo.

The settings are the defaults, but for what a business that sends its documents from Odoo
chooses: invoices and bills go to Xero when posted, and arrive there approved (Xero pays only
approved documents). A working day runs from 09:00 to 17:00 in 48 slots of 10 minutes: 45
customer invoices and 45 vendor bills (each bill with the vendor's file attached) are posted
evenly through them, in the middle of each slot. Xero's payments are on documents sent on
earlier days (a day of documents alone, not counted, comes before the month), in one of two
patterns (XERO_BENCH_PAYMENTS, "sessions" by default):

- sessions, the way a bookkeeper works: the 45 customers' payments in one bank-reconciliation
  session at 10:00, one every 15 seconds, and the 45 bills paid together at 14:00 in one batch
  payment run (the batch is made through the API: that call is left out of the counts, as
  Xero's own screens make no API call);
- spread: the 90 payments one at a time through the working day, one every 5 minutes and 20
  seconds, invoices and bills in turn: what scattered payments cost.

The month runs the sessions pattern, with webhooks on and off; with webhooks on, one day of
the spread pattern follows it by default. The scheduled actions run when Odoo's scheduler
would run them: the push every 10 minutes through the working day and every hour at night
(nothing is posted then), the import every hour day and night at half past (not on the hour
on which the session and the payment run begin), and the webhooks' action at its own hourly
interval, with the import, and whenever Odoo holds a trigger for it that is due at the
simulated time (never merely because a delivery came); a trigger of any of them for a later
moment is honoured at that moment (Xero's rate limit, too, is waited out as the connector
asks). Each action decides for itself what is due: the benchmark runs them, it does not choose
what they do. A payment shows in Odoo when the run that recorded it ends: its delay is counted
in simulated seconds from the moment it was made in Xero.

With webhooks on, the events are the sandbox's own (the payments made in Xero, and the echoes
of the documents Odoo wrote: Xero sends events for changes made through the API too), each
dated as the change it reports: the sandbox delivers them, signed, to a collector in this
process, which forwards each delivery unchanged to Odoo's /xero/webhooks between two steps of
the simulation, so that Odoo's test server is never called while the test works on the
database. The sandbox's intent-to-receive check passes through the collector too.

The default is 5 working days (XERO_BENCH_DAYS=22 for a whole month); a simulated day takes
about a minute, and the days after the first repeat it to the call. Not part of the standard
run; `make bench` runs it with the other benchmarks (test tag xero_benchmark) and prints one
line per figure, each starting "XERO-BENCHMARK "."""

import base64
import json
import math
import os
import statistics
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from unittest.mock import patch

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response
from xero_python.accounting import Account, BatchPayment, BatchPayments, Invoice, Payment

from odoo import fields
from odoo.tests import tagged

from ..models.xero_connection import USER_WRITABLE_FIELDS
from ..xero_client.webhooks import SIGNATURE_HEADER, verify
from .common import _IN_PROCESS
from .test_benchmark_documents import endpoint_of, say
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase

DAYS = int(os.environ.get("XERO_BENCH_DAYS", "5"))
PATTERNS = ("sessions", "spread")
PATTERN = os.environ.get("XERO_BENCH_PAYMENTS", "sessions")
MINUTE, HOUR, DAY = 60, 3600, 86400
SLOTS = 48  # 09:00 to 17:00 in slots of 10 minutes, the push's interval
SLOT_SECONDS = 10 * MINUTE
WORKING_DAY = SLOTS * SLOT_SECONDS
INVOICES_PER_DAY = 45
BILLS_PER_DAY = 45
PAYMENTS_PER_DAY = INVOICES_PER_DAY + BILLS_PER_DAY
SESSION_AT = 1 * HOUR  # 10:00
SESSION_STEP = 15
PAYMENT_RUN_AT = 5 * HOUR  # 14:00
# The hourly actions run at half past: a phase of their own, not the hour on which the session
# and the payment run begin (an import at that very moment would read them at once).
HOURLY_PHASE = 30 * MINUTE
STARTER_DAY = 1000
GOAL = 100
KEY = "month-benchmark-webhook-key"
WEBHOOK_PATH = "/xero/webhooks"
LIMITS = {"per_minute": 60, "per_day": 100000, "concurrent": 5, "app_per_minute": 10000}
# What a business sending its documents from Odoo chooses; every other setting a user may
# change is its default.
CHOSEN = {
    "send_out_invoice": "on_post",
    "send_in_invoice": "on_post",
    "status_out_invoice": "AUTHORISED",
    "status_in_invoice": "AUTHORISED",
}
PUSH = "xero_connector.ir_cron_xero_push"
IMPORT = "xero_connector.ir_cron_xero_import"
WEBHOOKS = "xero_connector.ir_cron_xero_webhooks"
CRONS = (PUSH, IMPORT, WEBHOOKS)  # the order of Odoo's scheduler: priority, then id
MAX_RUNS_AT_ONCE = 30  # runs at one moment: more is a scheduled action that keeps waking itself
DELIVERY_WAIT = 30  # seconds the sandbox may take to deliver what is queued
QUIET = 0.5  # without the sandbox in this process: how long nothing must move (it batches 0.2 s)
BOOKKEEPER = "benchmark-bookkeeper-"  # the Idempotency-Key of calls standing for Xero's screens
PAID = ("paid", "in_payment")


def spread(total, slot):
    """How many of ``total`` a day's slot ``slot`` gets, spread evenly over the day."""
    return total * (slot + 1) // SLOTS - total * slot // SLOTS


class Collector:
    """The receiving end of the sandbox's webhook: a delivery with a good signature is kept,
    as it came, and answered 200 with no body; any other 401, as Xero's intent-to-receive
    check expects."""

    def __init__(self, key):
        self.key = key
        self.lock = threading.Lock()
        self.kept = []
        self.posts = 0
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = "http://127.0.0.1:%d%s" % (self.server.socket.getsockname()[1], WEBHOOK_PATH)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def app(self, request):
        body = request.get_data()
        signature = request.headers.get(SIGNATURE_HEADER)
        with self.lock:
            self.posts += 1
            if not verify(self.key, body, signature):
                return Response(status=401)
            self.kept.append((body, signature))
        return Response(status=200)

    def take(self):
        """The deliveries kept since the last call, oldest first."""
        with self.lock:
            kept, self.kept = self.kept, []
        return kept

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@tagged("-standard", "xero_benchmark", "post_install", "-at_install")
class TestBenchmarkMonth(MoneyBackCase):
    def setUp(self):
        super().setUp()
        self.assertIn(PATTERN, PATTERNS, "XERO_BENCH_PAYMENTS")
        # Odoo's clock, in the test and in the requests its server answers (the class
        # attribute is shared by every thread), moves with the sandbox's.
        self.skipped = timedelta()
        real_now = fields.Datetime.now
        moved = patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        )
        moved.start()
        self.addCleanup(moved.stop)
        connection = self.connection.sudo()
        settable = sorted(
            name
            for name in USER_WRITABLE_FIELDS
            if name in connection._fields and connection._fields[name].type != "many2one"
        )
        defaults = connection.default_get(settable)
        connection.write(dict(defaults, **CHOSEN))
        say(
            "settings other than the defaults: %s"
            % ", ".join(
                "%s %s" % (name, connection[name])
                for name in settable
                if connection[name] != defaults.get(name)
            )
        )
        self.sandbox.set_limits(**LIMITS)
        # The simulated day moves the sandbox's clock: it is the one to hold the minute.
        self.connection.sudo().minute_call_limit = 1000000
        self.cron_ids = {xmlid: self.env.ref(xmlid).id for xmlid in CRONS}
        self.collector = None
        self.day = self.new_day()
        self.posted = self.env["account.move"]  # the day's documents
        self.run_paid = self.env["account.move"]  # paid in Xero in this run
        self.awaiting, self.delays, self.unsent = {}, [], 0
        self.to_pay = {"out_invoice": [], "in_invoice": []}  # sent on earlier days, oldest first

    # -- time ----------------------------------------------------------------------------------
    def now(self):
        return fields.Datetime.now()

    def move_clock_to(self, moment):
        """Odoo's clock and the sandbox's to ``moment``, in whole seconds, never back."""
        seconds = math.ceil((moment - self.now()).total_seconds())
        if seconds > 0:
            self.sandbox._call("POST", "/sandbox/clock", json={"advance": seconds})
            self.skipped += timedelta(seconds=seconds)

    def due_triggers(self, xmlid):
        return (
            self.env["ir.cron.trigger"]
            .sudo()
            .search([("cron_id", "=", self.cron_ids[xmlid]), ("call_at", "<=", self.now())])
        )

    def next_trigger(self):
        """When Odoo's scheduler is next asked to run one of the connector's actions."""
        trigger = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search([("cron_id", "in", list(self.cron_ids.values()))], order="call_at", limit=1)
        )
        return trigger.call_at

    def run_due(self, scheduled):
        """Run, as Odoo's scheduler would now, the actions ``scheduled`` (their interval
        came) and those whose trigger is due, each taking its due triggers, again while
        one is due. A run called directly clears only the triggers due by the database's own
        (unsimulated) clock: the ones it takes are removed here."""
        for _run in range(MAX_RUNS_AT_ONCE):
            xmlid = next((x for x in CRONS if x in scheduled or self.due_triggers(x)), None)
            if not xmlid:
                return
            if xmlid not in scheduled:
                self.day["woken"][xmlid] += 1
            scheduled.discard(xmlid)
            self.due_triggers(xmlid).unlink()
            self.run_cron(xmlid)
        self.fail("The connector's scheduled actions keep waking themselves at %s" % self.now())

    def run_cron(self, xmlid):
        result = self.env.ref(xmlid).method_direct_trigger()
        self.env.invalidate_all()
        self.assertIs(result, True, "%s failed: %s" % (xmlid, result))
        self.day["runs"][xmlid] += 1
        self.note_shown()
        self.deliver()

    def new_day(self):
        """What a day's line tells besides the calls: the scheduled actions' runs (at their
        interval, or woken by a trigger) and the events delivered."""
        return {"runs": Counter(), "woken": Counter(), "deliveries": 0, "events": Counter()}

    def runs(self):
        return ", ".join(
            "%s %d (%d woken)"
            % (xmlid.rsplit("_", 1)[-1], self.day["runs"][xmlid], self.day["woken"][xmlid])
            for xmlid in CRONS
        )

    # -- webhooks ------------------------------------------------------------------------------
    def webhooks_on(self):
        """The sandbox's webhook pointed at the collector (Xero's intent-to-receive check runs)
        and the same key in Odoo."""
        self.collector = Collector(KEY)
        self.addCleanup(self.collector.stop)
        self.addCleanup(
            self.sandbox._call, "PUT", "/sandbox/webhooks", json={"url": None, "key": None}
        )
        self.connection.sudo().webhook_key = KEY
        answer = self.sandbox._call(
            "PUT", "/sandbox/webhooks", json={"url": self.collector.url, "key": KEY}
        )
        self.assertEqual(answer["status"], "OK", answer)

    def wait_for_the_sandbox(self):
        """Until every event the sandbox queued was delivered to the collector."""
        emulator = _IN_PROCESS.get("sandbox")
        if emulator is not None and emulator.url.rstrip("/") == self.sandbox.url:
            self.assertTrue(emulator.webhooks.flush(DELIVERY_WAIT), "undelivered events")
            return
        # A sandbox of its own: its queue is not seen, only its deliveries, which begin once
        # it has batched events for 0.2 s; nothing moving for longer means none are coming.
        deadline = time.monotonic() + DELIVERY_WAIT
        seen, since = None, time.monotonic()
        while time.monotonic() < deadline:
            deliveries = self.sandbox._call("GET", "/sandbox/webhooks")["deliveries"]
            state = (self.collector.posts, sum("delivered" not in d for d in deliveries))
            if state != seen:
                seen, since = state, time.monotonic()
            elif not state[1] and time.monotonic() - since > QUIET:
                return
            time.sleep(0.05)
        self.fail("The sandbox delivered nothing more in %d s" % DELIVERY_WAIT)

    def deliver(self):
        """What the sandbox delivered since the last step, forwarded to Odoo as it came."""
        if not self.collector:
            return
        self.wait_for_the_sandbox()
        kept = self.collector.take()
        if not kept:
            return
        self.env.flush_all()
        for body, signature in kept:
            answer = self.url_open(
                WEBHOOK_PATH,
                data=body,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
            )
            self.assertEqual(answer.status_code, 200, answer.text)
            self.day["deliveries"] += 1
            self.day["events"].update(e["eventCategory"] for e in json.loads(body)["events"])
        self.env.invalidate_all()  # Odoo's server wrote in an environment of its own

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
        self.posted |= moves

    def yesterdays_documents(self):
        """The documents of the day before, sent, are Xero's to be paid from today."""
        for move in self.posted.sorted("id"):
            if move.xero_id:
                self.to_pay[move.move_type].append(move)
        self.unsent += len(self.posted.filtered(lambda m: not m.xero_id))
        self.posted = self.env["account.move"]

    def paid(self, documents):
        for document in documents:
            self.run_paid |= document
            self.awaiting[document.id] = self.now()

    def pay_one(self, move_type):
        """A payment made in Xero: a bank line reconciled with the oldest document unpaid."""
        if self.to_pay[move_type]:
            document = self.to_pay[move_type].pop(0)
            self.pay_in_xero(document, document.amount_total)
            self.paid(document)

    def payment_run(self):
        """The bookkeeper's batch payment of the oldest bills unpaid, all at once."""
        bills = self.to_pay["in_invoice"][:BILLS_PER_DAY]
        del self.to_pay["in_invoice"][:BILLS_PER_DAY]
        if not bills:
            return
        batch = BatchPayment(
            account=Account(code=self.xero_bank.code),
            date=self.now().date(),
            reference="Payment run",
            payments=[
                Payment(invoice=Invoice(invoice_id=bill.xero_id), amount=bill.amount_total)
                for bill in bills
            ],
        )
        self.connection.sudo()._client().accounting.create_batch_payment(
            self.tenant["tenantId"],
            BatchPayments(batch_payments=[batch]),
            idempotency_key=BOOKKEEPER + uuid.uuid4().hex,
        )
        self.paid(bills)

    def note_shown(self):
        """The documents paid in Xero that Odoo now shows paid, and how long it took."""
        if not self.awaiting:
            return
        shown = self.env["account.move"].search(
            [("id", "in", list(self.awaiting)), ("payment_state", "in", PAID)]
        )
        now = self.now()
        for document in shown:
            self.delays.append((now - self.awaiting.pop(document.id)).total_seconds())

    def day_plan(self, pattern):
        """{seconds after 09:00: what happens then}: the business's actions (tuples) and the
        scheduled actions whose interval comes (their XML ids)."""
        plan = defaultdict(list)
        for slot in range(SLOTS):
            invoices, bills = spread(INVOICES_PER_DAY, slot), spread(BILLS_PER_DAY, slot)
            plan[slot * SLOT_SECONDS + SLOT_SECONDS // 2].append(("post", invoices, bills))
        for moment in range(0, WORKING_DAY + 1, SLOT_SECONDS):
            plan[moment].append(PUSH)
        for moment in range(WORKING_DAY + HOUR, DAY, HOUR):
            plan[moment].append(PUSH)
        for moment in range(HOURLY_PHASE, DAY, HOUR):
            plan[moment] += [IMPORT, WEBHOOKS]  # the webhooks' action: hourly, and woken
        if pattern == "sessions":
            for index in range(INVOICES_PER_DAY):
                plan[SESSION_AT + index * SESSION_STEP].append(("pay", "out_invoice"))
            plan[PAYMENT_RUN_AT].append(("payment run",))
        elif pattern == "spread":
            for index in range(PAYMENTS_PER_DAY):
                moment = WORKING_DAY * (2 * index + 1) // (2 * PAYMENTS_PER_DAY)
                plan[moment].append(("pay", "in_invoice" if index % 2 else "out_invoice"))
        return plan

    def act(self, action):
        if action[0] == "post":
            self.new_documents(*action[1:])
        elif action[0] == "pay":
            self.pay_one(action[1])
        else:
            self.payment_run()

    def a_day(self, pattern):
        """One working day from 09:00 and the night after it, until 09:00 the next day,
        moment by moment: the calls Xero answered, by kind."""
        self.yesterdays_documents()
        self.day = self.new_day()
        start = self.now()
        end = start + timedelta(seconds=DAY)
        plan = self.day_plan(pattern)
        moments = sorted(plan)
        self.sandbox._call("DELETE", "/sandbox/requests")
        while True:
            planned = start + timedelta(seconds=moments[0]) if moments else end
            woken = self.next_trigger()
            moment = min(planned, woken) if woken else planned
            if moment >= end:
                break
            self.move_clock_to(moment)
            scheduled = set()
            if planned <= moment:
                for action in plan[moments.pop(0)]:
                    if isinstance(action, str):
                        scheduled.add(action)
                    else:
                        self.act(action)
                self.deliver()
            self.run_due(scheduled)
        self.move_clock_to(end)
        log = requests_log(self.sandbox)
        calls = Counter(
            "%s %s" % (r["method"], endpoint_of(r["path"]))
            for r in log
            if r["status"] != 429
            and r["path"] != "/connections"
            and not (r.get("idempotency_key") or "").startswith(BOOKKEEPER)
        )
        refused = sum(r["status"] == 429 for r in log)
        return calls, refused

    def a_run(self, label, pattern, days):
        """``days`` working days of ``pattern``: a line for each, then the run's figures.
        Returns the calls of each day."""
        self.run_paid = self.env["account.move"]
        self.awaiting, self.delays, self.unsent = {}, [], 0
        totals, by_kind = [], Counter()
        for number in range(1, days + 1):
            calls, refused = self.a_day(pattern)
            totals.append(sum(calls.values()))
            by_kind += calls
            say(
                "%s, day %d: %d calls (%s)%s; %d events (%s) in %d deliveries; runs: %s"
                % (
                    label,
                    number,
                    totals[-1],
                    self.listing(calls),
                    "; %d answered 429" % refused if refused else "",
                    self.day["events"].total(),
                    self.listing(self.day["events"]),
                    self.day["deliveries"],
                    self.runs(),
                )
            )
        say(
            "%s: %d working days of %d invoices, %d bills and %d payments made in Xero; "
            "calls a day: mean %.0f, worst %d (%.0f%% of a Starter day of %d; the goal is %d)"
            % (
                label,
                days,
                INVOICES_PER_DAY,
                BILLS_PER_DAY,
                PAYMENTS_PER_DAY,
                statistics.mean(totals),
                max(totals),
                max(totals) * 100 / STARTER_DAY,
                STARTER_DAY,
                GOAL,
            )
        )
        say(
            "%s: calls a day by kind (mean): %s"
            % (
                label,
                ", ".join(
                    "%s %.1f" % (kind, count / days) for kind, count in by_kind.most_common()
                ),
            )
        )
        if self.delays:
            say(
                "%s: a payment made in Xero shows paid in Odoo after %.0f s (median), %.0f s "
                "at worst (simulated time; %d payments)"
                % (
                    label,
                    statistics.median(self.delays),
                    max(self.delays),
                    len(self.delays),
                )
            )
        self.run_paid.invalidate_recordset(["payment_state"])
        shown = self.run_paid.filtered(lambda m: m.payment_state in PAID)
        say(
            "%s: %d documents paid in Xero, %d of them shown paid in Odoo; %d documents posted "
            "were not sent the day they were posted"
            % (label, len(self.run_paid), len(shown), self.unsent)
        )
        self.assertEqual(
            shown, self.run_paid, "Every document paid in Xero shows paid in Odoo (%s)" % label
        )
        return totals

    def a_month(self, webhooks):
        label = "month, webhooks %s, payments %s" % (
            "on" if webhooks else "off",
            "in sessions" if PATTERN == "sessions" else "spread",
        )
        if webhooks:
            self.webhooks_on()
            self.deliver()  # the intent-to-receive check: Odoo hears the webhook
        calls, _refused = self.a_day(None)
        say(
            "%s: the day before, documents only (not counted): %d calls (%s)"
            % (label, sum(calls.values()), self.listing(calls))
        )
        self.a_run(label, PATTERN, DAYS)

    @staticmethod
    def listing(counter):
        return ", ".join("%s %d" % (k, v) for k, v in counter.most_common()) or "none"

    def test_a_month_of_design_volume_with_webhooks(self):
        self.a_month(webhooks=True)
        if PATTERN == "sessions":
            self.a_run("the day after the month, webhooks on, payments spread", "spread", 1)

    def test_a_month_of_design_volume_without_webhooks(self):
        self.a_month(webhooks=False)
