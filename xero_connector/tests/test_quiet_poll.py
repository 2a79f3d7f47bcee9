# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The hourly import's timetable: what a run costs when nothing changed in Xero, and how
soon each kind of change made in Xero reaches Odoo, hour after hour on the sandbox's clock
and Odoo's, moved together."""

from collections import Counter
from datetime import date, timedelta
from unittest.mock import patch

from psycopg2.errors import CheckViolation
from xero_python.accounting import Account, CreditNote, Payment

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..xero_client.client import updated_utc
from . import test_move_import_edges
from .test_engine import requests_log
from .test_move_balances import MoneyBackCase

HOUR = 3600
# Not overdue within the tests' days: an invoice falling overdue changes its contact's
# balances in Xero, which the partner summaries read (one call).
NOT_DUE_YET = "2027-01-31"
QUIET = Counter({"GET /Invoices": 1, "GET /CreditNotes": 1})
DAILY = Counter(
    {
        "GET /Contacts": 1,
        "GET /Items": 1,
        "GET /PurchaseOrders": 2,  # what changed, and what was deleted
        "GET /Payments": 1,
    }
)


def times(calls, count):
    return Counter({call: number * count for call, number in calls.items()})


@tagged("post_install", "-at_install")
class TestQuietPoll(MoneyBackCase):
    def setUp(self):
        super().setUp()
        self.skipped = timedelta()
        self.connection.status_purchase_order = "AUTHORISED"
        self.tenant_id = self.tenant["tenantId"]

    # -- time ---------------------------------------------------------------------------------
    pass_time = test_move_import_edges.TestMoveImportEdges.pass_time

    def later(self):
        """Odoo's time, moved as far as the sandbox's clock."""
        real_now = fields.Datetime.now
        return patch.object(
            fields.Datetime, "now", staticmethod(lambda *_a: real_now() + self.skipped)
        )

    def run_import_cron(self):
        """The scheduled import, at Odoo's moved time; returns the calls it made to Xero."""
        self.sandbox._call("DELETE", "/sandbox/requests")
        with self.later():
            self.env.ref("xero_connector.ir_cron_xero_import").method_direct_trigger()
        self.env.invalidate_all()
        return self.calls()

    def calls(self):
        return Counter(
            "%s %s" % (r["method"], r["path"].split("?")[0]) for r in requests_log(self.sandbox)
        )

    def hours_pass(self, hours):
        """An hourly run after each of ``hours`` hours; returns the calls of each run."""
        runs = []
        for _hour in range(hours):
            self.pass_time(HOUR)
            runs.append(self.run_import_cron())
        return runs

    # -- what Odoo sent, and what becomes of it in Xero ---------------------------------------
    def send_everything(self):
        """A contact, an item, a purchase order, an invoice and a credit note in Xero, imported
        once, then two quiet hours: the next run starts from an import whose window (with its
        margin) holds no change."""
        self.product = self.env["product.product"].create(
            {
                "name": "Bolts",
                "default_code": "BOLT-1",
                "taxes_id": False,
                "supplier_taxes_id": False,
            }
        )
        order = self.sent_order(3, 12.5)
        invoice, refund = self.sent(
            self.move(invoice_date_due=NOT_DUE_YET),
            self.move("out_refund", lines=[{"name": "Refund", "quantity": 1, "price_unit": 50}]),
        )
        self.run_import_cron()
        self.hours_pass(2)
        return order, invoice, refund

    def sent_order(self, quantity, price):
        """A confirmed purchase order of the product, in Xero."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_qty": quantity,
                            "price_unit": price,
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        order.action_xero_sync()
        self.assertEqual(order.xero_state, "synced", order.xero_error)
        return order

    def in_xero(self):
        """A client of Xero's API as a Xero user's app, with a token fresh at the moved time."""
        with self.later():
            return self.connection._client()

    def pay_refund_in_xero(self, refund):
        self.in_xero().accounting.create_payment(
            self.tenant_id,
            Payment(
                credit_note=CreditNote(credit_note_id=refund.xero_id),
                account=Account(code="090"),
                amount=refund.amount_total,
                date=date(2026, 11, 26),
            ),
        )

    def updated_in_xero(self, refund):
        return updated_utc(self.in_xero().get_by_id("CreditNotes", refund.xero_id))

    def xero_item(self):
        [item] = [i for i in self.held("Items") if i["Code"] == "BOLT-1"]
        return item

    # -- the tests ----------------------------------------------------------------------------
    def test_a_quiet_hour_costs_two_calls_and_the_daily_kinds_run_once_a_day(self):
        self.send_everything()
        partners = self.env["res.partner"].search([("xero_id", "!=", False)])
        self.assertTrue(partners)
        self.assertTrue(all(partners.mapped("xero_summary_at")), "partner summaries were read")
        runs = self.hours_pass(21)  # hours 3 to 23 since the first run
        self.assertEqual(runs, [QUIET] * 21, "each quiet hour: invoices and credit notes")
        for _day in range(2):
            runs = self.hours_pass(24)
            self.assertEqual(sum(runs, Counter()), times(QUIET, 24) + DAILY, "each kind daily")
            self.assertGreaterEqual(runs.count(QUIET), 22)
        self.assertFalse(
            self.env["xero.sync.log"].search(
                [("operation", "=", "import"), ("outcome", "!=", "success")]
            )
        )

    def test_a_payment_and_an_allocation_made_in_xero_arrive_within_the_hour(self):
        _order, invoice, refund = self.send_everything()
        other = self.sent(self.move())
        self.hours_pass(2)
        self.pay_in_xero(invoice, 100)
        [run] = self.hours_pass(1)
        self.assertEqual(invoice.xero_amount_paid, 100)
        self.assertEqual(invoice.payment_state, "partial", "Xero's payment recorded in Odoo")
        self.assertEqual(run["GET /Payments"], 1, "asked because an invoice changed")
        self.assertEqual(self.hours_pass(2)[-1], QUIET)

        with self.later():
            self.allocate_in_xero(refund, other, 60)
        self.hours_pass(1)
        self.assertEqual(refund.xero_status, "PAID")
        self.assertEqual((other.xero_amount_credited, other.xero_amount_due), (60, 300))
        self.assertEqual(refund.payment_state, "paid", "reconciled in Odoo")
        self.assertEqual(self.hours_pass(2)[-1], QUIET)

    def test_a_refund_paid_in_xero_arrives_within_the_hour(self):
        """A payment on a credit note moves the credit note's UpdatedDateUTC in the sandbox,
        as a payment moves its invoice's: the hourly credit-note poll sees it and the
        payments are asked. (Were Xero to leave the credit note's date, the daily payments
        poll would still bring it: see the first test.)"""
        _order, _invoice, refund = self.send_everything()
        updated = self.updated_in_xero(refund)
        self.pass_time(60)
        self.pay_refund_in_xero(refund)
        self.assertGreater(self.updated_in_xero(refund), updated)
        [run] = self.hours_pass(1)
        self.assertEqual(run["GET /Payments"], 1)
        self.assertEqual(refund.xero_status, "PAID")
        self.assertEqual(refund.payment_state, "paid")
        self.assertEqual(self.hours_pass(2)[-1], QUIET)

    def test_contacts_items_and_purchase_orders_changed_in_xero_arrive_within_a_day(self):
        order, _invoice, _refund = self.send_everything()
        billed = order
        deleted = self.sent_order(1, 9)
        self.hours_pass(1)
        self.sandbox.edit(
            self.tenant_id,
            "Contacts",
            self.customer.xero_id,
            {"EmailAddress": "accounts@cent.example"},
        )
        self.sandbox.edit(
            self.tenant_id,
            "Items",
            self.xero_item()["ItemID"],
            {"Code": "BOLT-1", "Name": "Bolts, renamed in Xero"},
        )
        self.sandbox.edit(self.tenant_id, "PurchaseOrders", billed.xero_id, {"Status": "BILLED"})
        self.sandbox.edit(self.tenant_id, "PurchaseOrders", deleted.xero_id, {"Status": "DELETED"})
        self.hours_pass(19)  # hour 22 since the first run
        self.assertNotEqual(
            self.customer.email, "accounts@cent.example", "not before their daily turn"
        )
        # Their daily turn fails once (Xero is down): the next hour tries again.
        self.sandbox.add_fault(kind="error", method="GET", path="/Contacts", times=1)
        [failed] = self.hours_pass(2)[-1:]
        self.assertEqual(failed["GET /Contacts"], 1)
        self.assertNotEqual(self.customer.email, "accounts@cent.example")
        [retried] = self.hours_pass(1)
        self.assertEqual(retried["GET /Contacts"], 1)
        self.assertEqual(self.customer.email, "accounts@cent.example")
        self.assertEqual(self.product.name, "Bolts, renamed in Xero")
        self.assertEqual((billed.xero_status, deleted.xero_status), ("BILLED", "DELETED"))
        self.assertEqual(self.hours_pass(1), [QUIET])

    def test_import_changes_now_runs_every_import(self):
        self.send_everything()
        self.sandbox._call("DELETE", "/sandbox/requests")
        with self.later():
            self.connection.with_user(self.env.ref("base.user_admin")).action_import_changes()
        self.assertEqual(self.calls(), QUIET + DAILY)
        self.pass_time(HOUR)
        self.assertEqual(self.run_import_cron(), QUIET, "the daily ones ran: due tomorrow")

    def test_with_webhooks_working_the_poll_of_what_they_report_is_a_safety_net(self):
        _order, invoice, _refund = self.send_everything()
        self.connection.sudo().write(
            {"webhook_key": "a-key", "webhook_heard_at": fields.Datetime.now()}
        )
        self.assertEqual(self.connection.webhook_poll_hours, 6, "the default")
        credit_notes_only = Counter({"GET /CreditNotes": 1})
        # The last invoice poll was at hour 2: the next is at hour 8.
        runs = self.hours_pass(6)
        self.assertEqual(runs, [credit_notes_only] * 5 + [QUIET], "refunds keep the hourly poll")
        # Xero's clock 3 minutes behind Odoo's: an invoice paid just after this poll (which no
        # webhook reported) is stamped before the poll began. The next poll's window starts
        # before this one began: nothing falls between the two.
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": -180})
        self.pay_in_xero(invoice, 100)
        runs = self.hours_pass(5)
        self.assertEqual(runs, [credit_notes_only] * 5)
        self.assertEqual(invoice.xero_amount_paid, 0, "waits for the safety net")
        [run] = self.hours_pass(1)
        # The payment changed the customer's balance: its partner summary is read too.
        self.assertEqual(run, QUIET + Counter({"GET /Payments": 1, "GET /Contacts": 1}))
        self.assertEqual(invoice.xero_amount_paid, 100)
        self.assertEqual(invoice.payment_state, "partial")
        # A shorter interval is a setting; without webhooks, the hourly poll is back.
        self.connection.webhook_poll_hours = 2
        self.assertEqual(self.hours_pass(2), [credit_notes_only, QUIET])
        self.connection.sudo().webhook_key = False
        self.assertEqual(self.hours_pass(2), [QUIET, QUIET])

    def test_with_xeros_payment_events_credit_notes_are_polled_as_a_safety_net_too(self):
        self.send_everything()
        self.connection.sudo().write(
            {"webhook_key": "a-key", "webhook_heard_at": fields.Datetime.now()}
        )
        # Xero sends this organisation's PAYMENT events (the app subscribed to them): a refund
        # paid on a credit note is told by one.
        self.env["xero.webhook.event"].create(
            {
                "connection_id": self.connection.id,
                "category": "PAYMENT",
                "event_type": "CREATE",
                "resource_id": "a-payment",
                "event_date": fields.Datetime.now(),
                "received_at": fields.Datetime.now(),
                "state": "done",
            }
        )
        runs = self.hours_pass(6)
        self.assertEqual(runs, [Counter()] * 5 + [QUIET], "nothing between two safety nets")
        # Without payment events for a day, credit notes are polled every hour again.
        self.skipped += timedelta(days=1)
        self.connection.sudo().webhook_heard_at = fields.Datetime.now() + self.skipped
        self.assertEqual(
            self.hours_pass(2)[1], Counter({"GET /CreditNotes": 1}), "refunds' hourly poll"
        )

    def test_the_interval_with_webhooks_is_a_setting_of_xero_administrators(self):
        settings = self.env["res.config.settings"].create({"xero_webhook_poll_hours": 12})
        settings.execute()
        self.assertEqual(self.connection.webhook_poll_hours, 12)
        manager = new_test_user(
            self.env, "poll_manager", groups="xero_connector.group_xero_admin,base.group_user"
        )
        self.connection.with_user(manager).webhook_poll_hours = 3
        self.assertEqual(self.connection.webhook_poll_hours, 3)
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation), self.cr.savepoint():
            self.connection.webhook_poll_hours = 0
            self.connection.flush_recordset()
