# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sync health dashboard, Xero's daily calls, and connections that never silently die."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..xero_client import oauth
from ..xero_client.errors import TransientError
from ..xero_client.oauth import OAuthError
from .common import XeroCase
from .test_engine import xero_says_calls_left
from .test_move_sync import DocumentCase

DAY = 86400


def api_requests(sandbox):
    return sandbox._call("GET", "/sandbox/requests")


def row_of(connection, res_model):
    return connection.health_ids.filtered(lambda row: row.res_model == res_model)


@tagged("post_install", "-at_install")
class TestHealthDashboard(DocumentCase):
    def test_each_count_opens_its_records_and_a_bulk_retry_sends_them(self):
        self.customer.email = "not-an-email"
        invoice = self.move()
        invoice.action_post()
        invoice.action_xero_sync()
        self.assertEqual(self.customer.xero_state, "error")
        self.assertEqual(invoice.xero_state, "pending")
        edited = self.partners(1, name="Edited Ltd")
        edited.action_xero_sync()
        edited.email = "edited@example.com"  # pending again
        action = self.env["xero.connection"]._action_open_company_health()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("xero.connection", self.connection.id)
        )
        self.env.invalidate_all()
        contacts = row_of(self.connection, "res.partner")
        invoices = row_of(self.connection, "account.move")
        self.assertEqual(
            (contacts.pending_count, contacts.waiting_count, contacts.error_count), (1, 0, 1)
        )
        self.assertEqual(
            (invoices.pending_count, invoices.waiting_count, invoices.error_count), (0, 1, 0)
        )
        self.assertIn("Waiting for", invoice.xero_error)
        errors = contacts.action_open_errors()
        listed = self.env["res.partner"].with_context(active_test=False).search(errors["domain"])
        self.assertEqual(listed, self.customer)
        view = self.env.ref("xero_connector.view_partner_xero_health_list")
        self.assertEqual(errors["views"][0], (view.id, "list"))
        self.assertIn('name="action_xero_sync"', view.arch)
        waiting = invoices.action_open_waiting()
        self.assertEqual(self.env["account.move"].search(waiting["domain"]), invoice)
        # The bookkeeper fixes the address and retries the list: the contact goes, and the
        # invoice that waited for it follows at the next run.
        self.customer.email = "fixed@example.com"
        listed.action_xero_sync()
        self.assertEqual(self.customer.xero_state, "synced")
        self.run_push_cron()
        self.assertEqual(invoice.xero_state, "synced")
        self.assertFalse(invoice.xero_waiting)
        self.env.invalidate_all()
        self.assertEqual(sum(row_of(self.connection, "account.move").mapped("waiting_count")), 0)
        self.assertEqual(row_of(self.connection, "res.partner").error_count, 0)

    def test_every_call_is_counted_with_xeros_figures_and_graphed_per_hour(self):
        since_reset = len(api_requests(self.sandbox))  # the mapping's lists, read in setUp
        before = self.env["xero.call"].search_count([])
        self.partners(3).action_xero_sync()
        before_import = len(api_requests(self.sandbox))
        self.env["xero.connection"]._cron_import()
        made = api_requests(self.sandbox)[since_reset:]
        imported_calls = len(api_requests(self.sandbox)) - before_import
        self.assertGreater(len(made), 3)
        self.assertEqual(self.env["xero.call"].search_count([]) - before, len(made))
        self.env.invalidate_all()
        connection = self.connection
        self.assertGreaterEqual(connection.calls_today, len(made))
        # The figures of Xero's last answer: its day counts every call since the reset.
        self.assertEqual(connection.xero_day_calls_left, 5000 - since_reset - len(made))
        self.assertTrue(connection.xero_limits_at)
        graph = connection.action_open_calls()
        self.assertTrue(graph["view_mode"].startswith("graph"))
        per_hour = self.env["xero.call"]._read_group(
            graph["domain"], ["called_at:hour"], ["__count"]
        )
        self.assertEqual(sum(count for _hour, count in per_hour), connection.calls_today)
        runs = connection.last_run_ids
        imported = runs.filtered(lambda r: r.action == "import")
        self.assertEqual(imported.outcome, "done")
        self.assertEqual(imported.calls, imported_calls, "the import's calls, not the button's")

    def test_a_failed_send_and_a_killed_run_show_in_the_last_runs(self):
        self.customer.email = "not-an-email"
        self.customer._xero_write({"xero_state": "pending"})
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.run_push_cron()
        push = self.connection.last_run_ids.filtered(lambda r: r.action == "push")
        self.assertEqual(push.outcome, "error")
        self.assertIn("1 Error", push.summary)
        self.assertEqual(push.calls, len(api_requests(self.sandbox)))
        runs = self.env["xero.run"]
        killed = runs.browse(runs._begin(self.connection, "import"))
        killed.invalidate_recordset()
        self.assertEqual(killed.outcome, "running")
        killed.sudo().write({"started_at": fields.Datetime.now() - timedelta(hours=2)})
        self.assertEqual(killed.outcome, "interrupted")

    def test_when_calls_run_low_polling_slows_then_waits_and_sending_goes_on(self):
        connection = self.connection.sudo()
        connection.day_call_limit = 100  # a reserve of 20 for sending
        self.env["xero.connection"]._cron_import()  # every import has run once
        self.assertEqual(connection.budget_state, "ample")
        self.assertFalse(connection.budget_message)
        cursor = connection._import_cursor("invoices")
        cursor.finished_at = fields.Datetime.now() - timedelta(minutes=90)
        xero_says_calls_left(connection, 35)
        self.env.invalidate_all()
        self.assertEqual(connection.calls_left_today, 35)
        self.assertEqual(connection.budget_state, "low")
        self.assertIn("slows down", connection.budget_message)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.env["xero.connection"]._cron_import()
        self.assertEqual(api_requests(self.sandbox), [], "the hourly poll waits 3 hours")
        cursor.finished_at = fields.Datetime.now() - timedelta(hours=4)
        self.env["xero.connection"]._cron_import()
        self.assertIn("/Invoices", [r["path"] for r in api_requests(self.sandbox)])
        # Below the reserve: no poll at all, and the dashboard says so; sending goes on.
        xero_says_calls_left(connection, 15)
        self.env.invalidate_all()
        self.assertEqual(connection.budget_state, "reserved")
        self.assertIn("waits", connection.budget_message)
        cursor.finished_at = fields.Datetime.now() - timedelta(hours=4)
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.env["xero.connection"]._cron_import()
        self.assertEqual(api_requests(self.sandbox), [])
        partner = self.partners(1, name="Still Sent Ltd")
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")

    def test_without_a_word_from_xero_odoo_counts_its_calls_against_the_setting(self):
        connection = self.connection.sudo()
        connection.day_call_limit = 100
        self.env.flush_all()
        self.env.cr.execute("UPDATE xero_call SET day_calls_left = NULL")  # Xero said nothing
        made = connection.calls_today
        self.env.invalidate_all()
        self.assertEqual(connection.calls_left_today, 100 - made)
        for _i in range(100 - made - 30):
            self.env["xero.call"]._note(connection, "get_contacts", 200, 10, {})
        self.env.invalidate_all()
        self.assertEqual((connection.calls_left_today, connection.budget_state), (30, "low"))


@tagged("post_install", "-at_install")
class TestConnectionsNeverSilentlyDie(XeroCase):
    def move_sandbox_clock(self, days):
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": days * DAY})

    def test_the_keep_alive_renews_an_unused_authorisation_before_xero_ends_it(self):
        connection = self.connection.sudo()
        first = connection.refresh_token
        self.env["xero.connection"]._cron_keep_alive()
        self.env.invalidate_all()
        self.assertEqual(connection.refresh_token, first, "renewed lately: left alone")
        # 50 days without a renewal: Xero would end the refresh token in 10 more.
        self.move_sandbox_clock(50)
        connection.token_id.renewed_at = fields.Datetime.now() - timedelta(days=50)
        connection.token_id.flush_recordset()
        self.env["xero.connection"]._cron_keep_alive()
        self.env.invalidate_all()
        self.assertNotEqual(connection.refresh_token, first)
        self.assertGreater(
            connection.token_renewed_at, fields.Datetime.now() - timedelta(minutes=1)
        )
        kept = connection.last_run_ids.filtered(lambda r: r.action == "keep_alive")
        self.assertEqual(kept.outcome, "done")
        # 100 days after the connection, 50 after the renewal: still connected.
        self.move_sandbox_clock(50)
        partner = self.partners(1)
        partner.action_xero_sync()
        self.assertEqual(connection.state, "connected")
        self.assertEqual(partner.xero_state, "synced")

    def test_a_renewal_xero_does_not_answer_now_waits_for_the_next_keep_alive(self):
        connection = self.connection.sudo()
        first = connection.refresh_token
        connection.token_id.renewed_at = fields.Datetime.now() - timedelta(days=8)
        connection.token_id.flush_recordset()
        down = TransientError("Xero's identity service could not be reached: try again later.")
        with patch.object(oauth, "refresh_tokens", side_effect=down):
            self.env["xero.connection"]._cron_keep_alive()
        self.env.invalidate_all()
        self.assertEqual(connection.state, "connected")
        self.assertFalse(connection.last_error, "no error on a healthy connection")
        kept = connection.last_run_ids.filtered(lambda r: r.action == "keep_alive")
        self.assertEqual(kept.outcome, "retry")
        self.env["xero.connection"]._cron_keep_alive()  # Xero answers again
        self.env.invalidate_all()
        self.assertNotEqual(connection.refresh_token, first)

    def test_a_dead_authorisation_asks_each_xero_administrator_to_reconnect_once(self):
        connection = self.connection.sudo()
        other_company = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        elsewhere = self.env["res.users"].create(
            {
                "name": "Xero admin elsewhere",
                "login": "xero-admin-elsewhere",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
                "group_ids": [(6, 0, [self.env.ref("xero_connector.group_xero_admin").id])],
            }
        )
        todo = connection.activity_schedule(
            "mail.mail_activity_data_todo", summary="Check the chart of accounts"
        )
        self.move_sandbox_clock(61)  # the refresh token was never used: Xero ended it
        partner = self.partners(1)
        partner.action_xero_sync()
        self.env.invalidate_all()
        self.assertEqual(connection.state, "needs_reconnect")
        admin = self.env.ref("base.user_admin")
        activities = connection._reconnect_activities()
        self.assertEqual(activities.user_id, admin)
        self.assertEqual(len(activities), 1)
        self.assertIn("reconnect", activities.note)
        # Xero refuses again (another worker, the keep-alive): still one to-do each.
        connection._mark_needs_reconnect(OAuthError("invalid_grant"))
        self.assertEqual(len(connection._reconnect_activities()), 1, "once, not at every loss")
        self.assertNotIn(elsewhere, connection.activity_ids.user_id, "not of this company")
        self.assertTrue(todo.exists() and todo.active, "another to-do is left alone")
        self.assertEqual(connection.waiting_count, 1)
        self.assertIn("1 contacts wait to be sent to Xero: reconnect", connection.waiting_message)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.xero_waiting_message, connection.waiting_message)
        self.connect()
        self.env.invalidate_all()
        self.assertEqual(connection.state, "connected")
        self.assertFalse(connection._reconnect_activities(), "done with the reconnect")
        self.assertTrue(todo.exists() and todo.active, "the other to-do is not closed with it")
        self.assertFalse(connection.waiting_message)
