# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time
import uuid
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..models import xero_sync_mixin, xero_webhook_event
from ..xero_client.webhooks import sign
from . import test_odoo_payments, test_quiet_poll
from .test_engine import requests_log, xero_says_calls_left
from .test_move_balances import MoneyBackCase

KEY = "webhook-key-of-the-sandbox-app"
PATH = "/xero/webhooks"
DELIVERY_WAIT = 15  # seconds the sandbox may take to deliver (it batches for 0.2 s)


@tagged("post_install", "-at_install")
class TestWebhooks(MoneyBackCase):
    """Xero's webhooks: signed deliveries stored at once, applied by the scheduled action
    with the poll's own imports; forged, replayed and foreign deliveries change nothing."""

    register = test_odoo_payments.TestOdooPaymentsToXero.register
    later = test_quiet_poll.TestQuietPoll.later
    in_xero = test_quiet_poll.TestQuietPoll.in_xero
    pay_refund_in_xero = test_quiet_poll.TestQuietPoll.pay_refund_in_xero

    def setUp(self):
        super().setUp()
        self.connection.sudo().webhook_key = KEY

    def tearDown(self):
        # No delivery of this test may reach the next one.
        self.sandbox._call("PUT", "/sandbox/webhooks", json={"url": None, "key": None})
        super().tearDown()

    # -- helpers --------------------------------------------------------------------------------
    def event(self, category="INVOICE", resource_id=None, tenant_id=None, when=None, **values):
        moment = when or datetime.utcnow()
        return dict(
            {
                "resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/x",
                "resourceId": resource_id or str(uuid.uuid4()),
                "eventDateUtc": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
                "eventType": "UPDATE",
                "eventCategory": category,
                "tenantId": tenant_id or self.tenant["tenantId"],
                "tenantType": "ORGANISATION",
            },
            **values,
        )

    def body(self, events):
        return json.dumps(
            {"events": events, "firstEventSequence": 1, "lastEventSequence": len(events)}
        ).encode()

    def post(self, body, signature=None, key=KEY, headers=None):
        """Xero's POST of ``body``, signed with ``key`` unless ``signature`` is given."""
        sent = {"Content-Type": "application/json"}
        if signature is not False:
            sent["x-xero-signature"] = sign(key, body) if signature is None else signature
        sent.update(headers or {})
        return self.url_open(PATH, data=body, headers=sent)

    def stored(self):
        events = self.env["xero.webhook.event"].search([])
        events.invalidate_recordset()
        return events

    def apply_events(self):
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.env.ref("xero_connector.ir_cron_xero_webhooks").method_direct_trigger()
        self.env.invalidate_all()
        return [r for r in requests_log(self.sandbox) if r["path"] != "/connections"]

    def sandbox_delivers_here(self):
        """The sandbox's webhook pointed at this Odoo, as in Xero's developer portal; Xero
        runs its intent-to-receive check."""
        self.env.flush_all()
        # The sandbox's requests carry no test cookie: let them in, while they last.
        try:
            with self.allow_requests(all_requests=True):
                return self.sandbox._call(
                    "PUT", "/sandbox/webhooks", json={"url": self.base_url() + PATH, "key": KEY}
                )
        finally:
            self.http_request_allow_all = False

    def delivered_after(self, change):
        """The events the sandbox delivers after ``change()`` (a change made in Xero): its
        deliveries come from a thread of its own and are let in only while the test waits
        for them, never while it works on the same database."""
        self.env.flush_all()
        deadline = time.monotonic() + DELIVERY_WAIT
        try:
            with self.allow_requests(all_requests=True):
                change()
                while time.monotonic() < deadline:
                    deliveries = self.sandbox._call("GET", "/sandbox/webhooks")["deliveries"]
                    if deliveries and all("delivered" in d for d in deliveries):
                        return self.stored()
                    time.sleep(0.1)
        finally:
            self.http_request_allow_all = False
        self.fail("The sandbox delivered nothing in %d s" % DELIVERY_WAIT)

    # -- the route ------------------------------------------------------------------------------
    def test_xeros_intent_to_receive_check_passes(self):
        answer = self.sandbox_delivers_here()
        self.assertEqual(answer["status"], "OK", answer)
        self.assertEqual(answer["unmet"], [])
        self.assertEqual(answer["good_signature"]["status"], 200)
        self.assertEqual(answer["bad_signature"]["status"], 401)
        self.connection.invalidate_recordset()
        self.assertTrue(self.connection.webhook_heard_at)
        self.assertTrue(self.connection._webhooks_working())

    def test_a_signed_delivery_is_stored_and_answered_empty(self):
        invoice_id = str(uuid.uuid4())
        answer = self.post(self.body([self.event(resource_id=invoice_id)]))
        self.assertEqual((answer.status_code, answer.content), (200, b""))
        self.assertNotIn("Set-Cookie", answer.headers)
        [event] = self.stored()
        self.assertEqual(
            (event.category, event.resource_id, event.state, event.connection_id),
            ("INVOICE", invoice_id, "pending", self.connection),
        )

    def test_forged_calls_change_nothing(self):
        good = self.body([self.event()])
        forged = {
            "no signature": self.post(good, signature=False),
            "another key": self.post(good, key="not-the-key"),
            "an empty signature": self.post(good, signature=""),
            "a body altered after signing": self.post(
                good.replace(b"UPDATE", b"CREATE"), signature=sign(KEY, good)
            ),
        }
        for name, answer in forged.items():
            self.assertEqual((answer.status_code, answer.content), (401, b""), name)
        oversized = self.post(b'{"events": [], "padding": "%s"}' % (b"x" * 2 * 1024 * 1024))
        self.assertEqual(oversized.status_code, 413)
        self.assertFalse(self.stored())
        self.assertFalse(self.connection.webhook_heard_at, "nothing well-signed arrived")
        # Well-signed, it is Xero's: acknowledged (Xero disables a webhook whose deliveries
        # keep failing), and what cannot be read is left out.
        malformed = self.post(b'{"events": [{"eventCategory": ')
        self.assertEqual((malformed.status_code, malformed.content), (200, b""))
        unreadable = {"eventCategory": "INVOICE"}
        mixed = self.post(self.body([unreadable, self.event(resource_id="readable")]))
        self.assertEqual(mixed.status_code, 200)
        self.assertEqual(self.stored().mapped("resource_id"), ["readable"])

    def test_events_of_an_organisation_not_connected_here_are_acknowledged_and_ignored(self):
        answer = self.post(self.body([self.event(tenant_id=str(uuid.uuid4()))]))
        self.assertEqual(answer.status_code, 200)
        self.assertFalse(self.stored())

    def other_company_connection(self, key):
        company = self.env["res.company"].create({"name": "Webhook Other Ltd"})
        return (
            self.env["xero.connection"]
            .sudo()
            .create({"company_id": company.id, "tenant_id": str(uuid.uuid4()), "webhook_key": key})
        )

    def test_a_companys_key_admits_only_its_own_organisations_events(self):
        other = self.other_company_connection("key-of-the-other-app")
        ours, theirs = self.event(), self.event(tenant_id=other.tenant_id)
        # Our organisation's event signed with the other app's key: not ours to take.
        self.post(self.body([ours]), key="key-of-the-other-app")
        self.assertFalse(self.stored())
        self.connection.invalidate_recordset()
        self.assertFalse(self.connection.webhook_heard_at)
        self.post(self.body([theirs, ours]), key="key-of-the-other-app")
        [event] = self.stored()
        self.assertEqual(event.connection_id, other)
        other.invalidate_recordset()
        self.assertTrue(other.webhook_heard_at)
        # The other company is not connected: its event is set aside for its poll.
        self.apply_events()
        self.assertEqual(event.state, "ignored")
        self.assertIn("Not connected", event.note)

    def test_webhooks_count_as_working_for_a_day_after_the_last_delivery(self):
        self.post(self.body([self.event()]))
        self.connection.invalidate_recordset()
        self.assertTrue(self.connection._webhooks_working())
        self.connection.sudo().webhook_heard_at = datetime.utcnow() - timedelta(days=2)
        self.assertFalse(self.connection._webhooks_working(), "Xero may have disabled it")
        self.connection.sudo().webhook_heard_at = datetime.utcnow()
        self.connection.sudo().webhook_key = "a-new-key"
        self.assertFalse(self.connection.webhook_heard_at, "a new key is not heard yet")

    def test_events_wait_for_no_call_of_the_days_reserve(self):
        invoice = self.sent(self.move())
        self.post(self.body([self.event(resource_id=invoice.xero_id)]))
        xero_says_calls_left(self.connection, 50)
        self.assertEqual(self.apply_events(), [])
        [event] = self.stored()
        self.assertEqual(event.state, "ignored")
        self.assertIn("kept for sending", event.note)

    def test_an_import_another_worker_runs_is_not_run_twice(self):
        with patch.object(xero_sync_mixin, "lock_quietly", lambda records: records.browse()):
            self.sandbox._call("DELETE", "/sandbox/requests")
            count = self.env["account.move"].sudo()._xero_import_invoices(self.connection.sudo())
        self.assertIsNone(count)
        self.assertEqual(requests_log(self.sandbox), [])

    def test_without_a_key_nothing_is_accepted(self):
        self.connection.sudo().webhook_key = False
        answer = self.post(self.body([self.event()]))
        self.assertEqual(answer.status_code, 401)
        self.assertFalse(self.stored())

    def test_a_replayed_delivery_is_stored_once_and_an_old_one_ignored(self):
        body = self.body([self.event(resource_id="a"), self.event(resource_id="a")])
        for _attempt in range(3):
            self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(len(self.stored()), 1)
        old = self.event(when=datetime.utcnow() - timedelta(days=3))
        self.post(self.body([old]))
        self.assertEqual(
            self.stored().filtered(lambda e: e.resource_id == old["resourceId"]).state, "ignored"
        )

    def test_unknown_categories_are_acknowledged_without_a_call(self):
        events = [self.event("SUBSCRIPTION"), self.event("PREPAYMENT"), self.event("TIMESHEET")]
        self.assertEqual(self.post(self.body(events)).status_code, 200)
        self.assertEqual(set(self.stored().mapped("state")), {"ignored"})
        self.assertEqual(self.apply_events(), [])

    def test_settings_show_the_url_to_copy_and_take_the_key(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.xero_webhook_url, self.env.company.get_base_url() + PATH)
        settings.xero_webhook_key = "another-key"
        settings.execute()
        self.assertEqual(self.connection.sudo().webhook_key, "another-key")
        xero_admin = new_test_user(
            self.env,
            "webhook_xero_admin",
            groups="xero_connector.group_xero_admin,base.group_user",
        )
        with self.assertRaises(AccessError):
            self.connection.with_user(xero_admin).read(["webhook_key"])

    def test_the_key_is_for_system_administrators_and_cleared_by_neutralization(self):
        from odoo.modules.neutralize import get_neutralization_queries

        self.assertEqual(self.connection._fields["webhook_key"].groups, "base.group_system")
        self.env.flush_all()
        for query in get_neutralization_queries(["xero_connector"]):
            self.env.cr.execute(query)
        self.connection.invalidate_recordset()
        self.assertFalse(self.connection.sudo().webhook_key)

    # -- applying -------------------------------------------------------------------------------
    def test_paid_in_xero_is_paid_in_odoo_through_the_sandboxs_webhook(self):
        invoice = self.sent(self.move())
        self.run_import_cron()  # the partner summaries' first read is behind
        self.assertEqual(self.sandbox_delivers_here()["status"], "OK")
        events = self.delivered_after(lambda: self.pay_in_xero(invoice, invoice.amount_total))
        self.assertIn(invoice.xero_id, events.mapped("resource_id"))
        self.assertIn("INVOICE", events.mapped("category"))
        calls = self.apply_events()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.xero_amount_due, 0)
        self.assertEqual(set(self.stored().mapped("state")), {"done"})
        # The invoices and the payments changed, whatever the events; the partner's balances
        # follow with the hourly poll.
        self.assertEqual([c["path"] for c in calls], ["/Invoices", "/Payments"], calls)
        # Applied again (a late duplicate): nothing changes twice.
        self.post(self.body([self.event(resource_id=invoice.xero_id)]))
        self.apply_events()
        self.assertEqual(len(invoice._get_reconciled_payments()), 1)

    def test_each_category_the_sandbox_sends_is_applied(self):
        invoice = self.sent(self.move())
        refund = self.sent(self.move("out_refund", lines=[{"name": "Refund", "price_unit": 100}]))
        self.run_import_cron()  # the partner summaries' first read is behind
        self.assertEqual(self.sandbox_delivers_here()["status"], "OK")
        tenant_id = self.tenant["tenantId"]

        def changes_in_xero():
            self.sandbox.edit(
                tenant_id, "Contacts", self.customer.xero_id, {"Name": "Renamed In Xero Ltd"}
            )
            self.allocate_in_xero(refund, invoice, 50)
            self.sandbox._call(
                "POST",
                "/sandbox/webhooks/send",
                json={"tenantId": tenant_id, "category": "PAYMENT"},
            )

        events = self.delivered_after(changes_in_xero)
        self.assertLessEqual(
            {"CONTACT", "CREDITNOTE", "INVOICE", "PAYMENT"}, set(events.mapped("category"))
        )
        calls = self.apply_events()
        self.assertLessEqual(
            {"/Contacts", "/CreditNotes", "/Invoices", "/Payments"}, {c["path"] for c in calls}
        )
        self.assertEqual(set(self.stored().mapped("state")), {"done"})
        self.assertEqual(refund.amount_residual, refund.amount_total - 50)
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 50)
        renamed = self.env["xero.index"].search(
            [("kind", "=", "contact"), ("xero_id", "=", self.customer.xero_id)]
        )
        self.assertIn("renamed in xero", renamed.name_key)

    def test_a_burst_of_1000_events_for_300_invoices_costs_at_most_7_calls(self):
        invoices = self.sent(*(self.move() for _i in range(20)))
        self.run_import_cron()  # the partner summaries' first read is behind
        for invoice in invoices[:10]:
            self.pay_in_xero(invoice, invoice.amount_total)
        ids = invoices.mapped("xero_id") + [str(uuid.uuid4()) for _i in range(280)]
        now = datetime.utcnow()
        events = [
            self.event(resource_id=ids[n % 300], when=now - timedelta(seconds=n % 7))
            for n in range(1000)
        ]
        for start in range(0, 1000, 250):  # Xero delivers in several batches
            self.assertEqual(self.post(self.body(events[start : start + 250])).status_code, 200)
        calls = self.apply_events()
        # The issue allows 7; the imports of what changed take 2, whatever the events.
        self.assertEqual([c["path"] for c in calls], ["/Invoices", "/Payments"], calls)
        self.assertEqual(set(invoices[:10].mapped("payment_state")), {"paid"})
        self.assertEqual(set(invoices[10:].mapped("payment_state")), {"not_paid"})

    def test_events_of_odoos_own_writes_cost_no_call(self):
        invoice, bill = self.sent(self.move(), self.move("in_invoice", ref="BILL-ECHO"))
        self.assertTrue(invoice.xero_written_at and bill.xero_written_at)
        # Xero's events of those writes carry the moment of the change: the UpdatedDateUTC
        # its answers gave (the sandbox's tests check that its events do).
        echoes = [
            self.event(resource_id=move.xero_id, when=move.xero_written_at, eventType="CREATE")
            for move in (invoice, bill)
        ]
        self.post(self.body(echoes))
        self.assertEqual(self.apply_events(), [])
        self.assertEqual(set(self.stored().mapped("state")), {"done"})
        self.assertIn("Odoo's own change", self.stored()[0].note)
        self.assertFalse(any(self.stored().mapped("applied_at")), "no read: no gap follows")
        # A change in Xero after Odoo's write is read.
        self.pay_in_xero(invoice, invoice.amount_total)
        later = invoice.xero_written_at + timedelta(milliseconds=1)
        self.post(self.body([self.event(resource_id=invoice.xero_id, when=later)]))
        calls = self.apply_events()
        self.assertEqual([c["path"] for c in calls], ["/Invoices", "/Payments"], calls)
        self.assertEqual(invoice.payment_state, "paid")

    def test_events_of_a_payment_odoo_wrote_cost_no_call(self):
        invoice = self.sent(self.move())
        self.register(invoice)
        self.run_push_cron()
        pair = self.env["xero.odoo.payment"].search([("move_id", "=", invoice.id)])
        self.assertEqual(pair.xero_state, "synced")
        self.assertTrue(pair.xero_written_at)
        # Xero's events of that write: the payment's, and its invoice's (a payment changes
        # its invoice), both dated as the payment.
        when = pair.xero_written_at
        self.post(
            self.body(
                [
                    self.event("PAYMENT", resource_id=pair.xero_id, when=when),
                    self.event(resource_id=invoice.xero_id, when=when),
                ]
            )
        )
        self.assertEqual(self.apply_events(), [])
        self.assertEqual(set(self.stored().mapped("state")), {"done"})
        self.assertEqual(len(invoice._get_reconciled_payments()), 1)

    def test_a_refund_paid_in_xero_arrives_with_its_payment_event(self):
        refund = self.sent(self.move("out_refund", lines=[{"name": "Refund", "price_unit": 50}]))
        self.tenant_id = self.tenant["tenantId"]
        self.skipped = timedelta()
        self.pay_refund_in_xero(refund)
        [payment] = [p for p in self.held("Payments") if p["Status"] == "AUTHORISED"]
        self.post(self.body([self.event("PAYMENT", resource_id=payment["PaymentID"])]))
        calls = self.apply_events()
        self.assertIn("/Payments", [c["path"] for c in calls])
        self.assertEqual(refund.payment_state, "paid")

    def test_events_go_at_once_a_few_times_then_at_most_every_gap(self):
        invoice = self.sent(self.move())
        cron = self.env.ref("xero_connector.ir_cron_xero_webhooks")
        # Later than Xero's time of Odoo's write of the invoice: none of them is its echo.
        now = datetime.utcnow().replace(microsecond=0) + timedelta(seconds=3)

        def paid_in_xero_at(moment, amount):
            """A payment made in Xero and its event delivered at ``moment``: when Odoo
            applies it."""
            self.pay_in_xero(invoice, amount)
            with patch.object(fields.Datetime, "now", staticmethod(lambda *_a: moment)):
                self.post(self.body([self.event(resource_id=invoice.xero_id, when=moment)]))
                triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
                call_at = max(triggers.mapped("call_at"))
                triggers.unlink()
                self.apply_events()
            return call_at

        # Someone approves, pays, corrects in Xero: each at once.
        applied = [paid_in_xero_at(now + timedelta(seconds=15 * n), 10) for n in range(3)]
        self.assertEqual(applied, [now + timedelta(seconds=15 * n) for n in range(3)])
        # A bookkeeper goes on reconciling: then at most every gap, the events together.
        fourth = paid_in_xero_at(now + timedelta(seconds=45), 10)
        self.assertEqual(fourth, now + timedelta(seconds=30) + xero_webhook_event.APPLY_GAP)
        self.assertEqual(xero_webhook_event.APPLY_GAP, timedelta(minutes=2))
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 40)
        # After a quiet spell, at once again.
        quiet = now + xero_webhook_event.BURST_WINDOW + timedelta(minutes=5)
        self.assertEqual(paid_in_xero_at(quiet, 10), quiet)

    def test_events_out_of_order_apply_what_xero_holds_now(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, 100)
        now = datetime.utcnow()
        later, earlier = (
            self.event(resource_id=invoice.xero_id, when=now - timedelta(seconds=s))
            for s in (0, 30)
        )
        self.post(self.body([later]))
        self.apply_events()
        self.post(self.body([earlier]))
        self.apply_events()
        self.assertEqual(invoice.amount_residual, invoice.amount_total - 100)
        self.assertEqual(len(invoice._get_reconciled_payments()), 1)

    def test_events_met_by_a_rate_limit_wait_for_its_end_not_for_the_poll(self):
        invoice = self.sent(self.move())
        self.pay_in_xero(invoice, invoice.amount_total)
        self.sandbox.add_fault(
            kind="rate_limit", method="GET", path="^/Invoices", times=1, retry_after=30
        )
        self.post(self.body([self.event(resource_id=invoice.xero_id)]))
        self.apply_events()
        [event] = self.stored()
        self.assertEqual(event.state, "pending")
        until = self.connection.rate_limited_until
        self.assertTrue(until)
        cron = self.env.ref("xero_connector.ir_cron_xero_webhooks")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(until, triggers.mapped("call_at"))
        self.connection.rate_limited_until = False  # the wait is over
        self.apply_events()
        self.assertEqual((event.state, invoice.payment_state), ("done", "paid"))

    def test_events_wait_while_the_poll_runs_the_same_import(self):
        invoice = self.sent(self.move())
        self.post(self.body([self.event(resource_id=invoice.xero_id)]))
        # Another worker holds the import's progress row: the poll is running it.
        with patch.object(xero_webhook_event, "lock_quietly", lambda records: records.browse()):
            self.assertEqual(self.apply_events(), [])
        [event] = self.stored()
        self.assertEqual(event.state, "pending")
        cron = self.env.ref("xero_connector.ir_cron_xero_webhooks")
        soon = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)], order="id desc")
        self.assertGreater(soon[0].call_at, datetime.utcnow())
        self.apply_events()
        self.assertEqual(event.state, "done")

    def test_an_event_that_cannot_be_applied_leaves_a_log_line(self):
        invoice = self.sent(self.move())
        self.sandbox.add_fault(kind="error", status=500, method="GET", path="^/Invoices", times=5)
        self.post(self.body([self.event(resource_id=invoice.xero_id)]))
        self.apply_events()
        [event] = self.stored()
        self.assertEqual(event.state, "failed")
        self.assertTrue(event.note)
        log = self.env["xero.sync.log"].search([], limit=1, order="id desc")
        self.assertIn("could not be applied", log.message)
        self.sandbox._call("DELETE", "/sandbox/faults")
