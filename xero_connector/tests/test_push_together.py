# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What waits for Xero goes together (issue 18): invoices and bills in one write, and the
scheduled push at most every ``push_every_minutes``, so that documents posted through a day
take a call an hour of Xero's Starter day, not one per run."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from . import test_odoo_payments
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase


@tagged("post_install", "-at_install")
class TestPushTogether(MoneyBackCase):
    register = test_odoo_payments.TestOdooPaymentsToXero.register

    def setUp(self):
        super().setUp()
        self.skipped = timedelta()
        self.connection.write({"send_out_invoice": "on_post", "send_in_invoice": "on_post"})

    def later(self):
        real_now = fields.Datetime.now
        return patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        )

    def push(self):
        """A run of the scheduled push, at Odoo's moved time: the writes of documents it
        made to Xero (their new contacts go first)."""
        self.sandbox._call("DELETE", "/sandbox/requests")
        with self.later():
            self.run_push_cron()
        return [
            "%s %s" % (r["method"], r["path"])
            for r in requests_log(self.sandbox)
            if r["method"] != "GET" and r["path"] != "/Contacts"
        ]

    def posted(self, *moves):
        moves = self.env["account.move"].union(*moves)
        moves.action_post()
        return moves

    def test_invoices_and_bills_go_in_one_write(self):
        moves = self.posted(self.move(), self.move("in_invoice", ref="BILL-1"), self.move())
        self.assertEqual(self.push(), ["PUT /Invoices"])
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"})
        held = {
            d["InvoiceID"]: d["Type"]
            for d in self.sandbox.held(self.tenant["tenantId"], "Invoices")
        }
        self.assertEqual(sorted(held[m.xero_id] for m in moves), ["ACCPAY", "ACCREC", "ACCREC"])

    def test_what_waits_goes_together_at_most_every_push_every_minutes(self):
        self.connection.push_every_minutes = 60
        first = self.posted(self.move())
        self.assertEqual(self.push(), ["PUT /Invoices"], "after a quiet spell: at once")
        self.assertEqual(first.xero_state, "synced")
        second = self.posted(self.move())
        self.skipped += timedelta(minutes=10)
        self.assertEqual(self.push(), [], "the hour since the last push is not over")
        self.assertEqual(second.xero_state, "pending")
        third = self.posted(self.move("in_invoice", ref="BILL-2"))
        self.skipped += timedelta(minutes=50)
        self.assertEqual(self.push(), ["PUT /Invoices"], "an hour on: both in one call")
        self.assertEqual((second | third).mapped("xero_state"), ["synced", "synced"])
        # The hour runs from that push.
        fourth = self.posted(self.move())
        self.skipped += timedelta(minutes=10)
        self.assertEqual(self.push(), [])
        self.skipped += timedelta(minutes=50)
        self.assertEqual(self.push(), ["PUT /Invoices"])
        self.assertEqual(fourth.xero_state, "synced")

    def test_a_full_batch_and_the_button_do_not_wait(self):
        self.connection.push_every_minutes = 60
        self.posted(self.move())
        self.push()
        batch = self.posted(*(self.move() for _n in range(50)))
        self.assertEqual(self.push(), ["PUT /Invoices"], "50 waiting: a full call goes")
        self.assertEqual(set(batch.mapped("xero_state")), {"synced"})
        waiting = self.posted(self.move())
        self.assertEqual(self.push(), [])
        waiting.action_xero_sync()
        self.assertEqual(waiting.xero_state, "synced", "Sync to Xero sends at once")

    def test_the_rest_of_a_selection_sent_by_hand_goes_at_the_next_run(self):
        self.connection.write({"push_every_minutes": 60, "send_out_invoice": "manual"})
        self.posted(self.move())
        self.connection.send_out_invoice = "on_post"
        self.push()  # a push a moment ago: what waits now waits for the hour's end
        self.connection.send_out_invoice = "manual"
        selection = self.posted(*(self.move() for _n in range(60)))
        self.connection.pushed_at = fields.Datetime.now()  # as a push a moment ago notes
        selection.action_xero_sync()
        self.assertEqual(len(selection.filtered(lambda m: m.xero_state == "pending")), 10)
        self.env.invalidate_all()
        self.assertFalse(self.connection.pushed_at, "what the press left goes at the next run")
        self.skipped += timedelta(minutes=10)
        self.assertEqual(self.push(), ["PUT /Invoices"])
        self.assertEqual(set(selection.mapped("xero_state")), {"synced"})

    def test_what_a_push_stopped_before_sending_goes_at_the_next_run(self):
        """A push cut short (here Xero's minute limit after its first write) leaves fewer
        than a batch: they were waiting before it began, and go at the next run, not an
        hour later with what is posted since."""
        self.connection.push_every_minutes = 60
        moves = self.posted(*(self.move() for _n in range(60)))
        self.sandbox.add_fault(
            kind="rate_limit", method="PUT", path="/Invoices", skip=1, times=1, retry_after=60
        )
        self.assertEqual(self.push(), ["PUT /Invoices", "PUT /Invoices"])
        self.assertEqual(len(moves.filtered(lambda m: m.xero_state == "pending")), 10)
        self.skipped += timedelta(minutes=2)
        later = self.posted(self.move())
        self.assertEqual(self.push(), ["PUT /Invoices"])
        self.assertEqual(set(moves.mapped("xero_state")), {"synced"})
        self.assertEqual(later.xero_state, "synced", "it went with them")

    def test_a_payment_made_in_odoo_goes_at_the_next_run_while_documents_wait(self):
        self.connection.push_every_minutes = 60
        paid = self.posted(self.move())
        self.push()
        waiting = self.posted(self.move())
        self.register(paid)
        self.skipped += timedelta(minutes=10)
        self.assertEqual(self.push(), ["PUT /Payments"])
        self.assertEqual(waiting.xero_state, "pending", "the documents wait for the hour")
        [payment] = self.sandbox.held(self.tenant["tenantId"], "Payments")
        self.assertEqual(payment["Invoice"]["InvoiceID"], paid.xero_id)

    def test_defaults_fit_starter(self):
        defaults = self.env["xero.connection"].default_get(
            ["push_every_minutes", "send_history_notes"]
        )
        self.assertEqual(defaults, {"push_every_minutes": 60, "send_history_notes": False})
        settings = self.env["res.config.settings"].create({"xero_push_every_minutes": 30})
        settings.execute()
        self.assertEqual(self.connection.push_every_minutes, 30)
