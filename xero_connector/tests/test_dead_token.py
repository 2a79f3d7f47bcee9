# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One call on a dead token, at most: a 401 renews the token once and the call is made once
more; a refused renewal stops the connection's imports and sends until a reconnect."""

from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.tests import tagged

from .common import XeroCase


@tagged("post_install", "-at_install")
class TestOneCallOnADeadToken(XeroCase):
    def requests(self):
        return self.sandbox._call("GET", "/sandbox/requests")

    def all_imports_due(self):
        self.env["xero.connection"]._cron_import()
        for cursor in self.connection.sudo().import_cursor_ids:
            cursor.finished_at = fields.Datetime.now() - timedelta(days=2)

    def test_a_token_xero_ended_early_costs_one_refused_call(self):
        self.all_imports_due()
        self.sandbox._call("POST", "/sandbox/tokens/expire")  # Odoo still thinks it valid
        self.sandbox._call("DELETE", "/sandbox/requests")
        partner = self.partners(1)
        partner.action_xero_sync()
        self.env["xero.connection"]._cron_import()
        statuses = [r["status"] for r in self.requests()]
        self.assertEqual(statuses.count(401), 1, statuses)
        self.assertEqual(statuses[0], 401, "the first call met the dead token")
        self.assertGreater(len(statuses), 5, "the send and every import went on")
        self.assertEqual(partner.xero_state, "synced")
        renewals = self.env["xero.sync.log"].search([("operation", "=", "refresh_token")])
        self.assertEqual(renewals.mapped("outcome"), ["success"], "renewed once")
        self.assertEqual(self.connection.state, "connected")

    def test_a_refused_renewal_stops_every_import_and_send_after_one_call(self):
        connection = self.connection.sudo()
        connection.token_id.refresh_token = "revoked-elsewhere"
        connection.token_id.flush_recordset()
        self.all_imports_due()
        self.sandbox._call("POST", "/sandbox/tokens/expire")
        self.sandbox._call("DELETE", "/sandbox/requests")
        self.env["xero.connection"]._cron_import()
        self.assertEqual([r["status"] for r in self.requests()], [401])
        self.env.invalidate_all()
        self.assertEqual(connection.state, "needs_reconnect")
        self.assertIn("reconnect", connection.last_error)
        partner = self.partners(1)
        partner.action_xero_sync()
        self.run_push_cron()
        self.env["xero.connection"]._cron_import()
        self.assertEqual(len(self.requests()), 1, "nothing more asked of Xero")
        self.assertEqual(partner.xero_state, "pending")
        self.assertIn("reconnect", partner.xero_error)


@tagged("post_install", "-at_install")
class TestConcurrencyInPlainWords(XeroCase):
    def test_another_worker_on_the_same_rows_is_no_error_and_no_postgresql_words(self):
        partner = self.partners(1)
        partner.action_xero_sync()
        partner.email = "changed@example.com"  # pending again
        collision = psycopg2.errors.SerializationFailure(
            "could not serialize access due to concurrent update"
        )
        connection_class = type(self.env["xero.connection"])
        with patch.object(connection_class, "_push_removals", side_effect=collision):
            self.run_push_cron()
        connection = self.connection.sudo()
        self.assertFalse(connection.last_error)
        messages = self.env["xero.sync.log"].search([]).mapped("message")
        self.assertFalse([m for m in messages if m and "serialize" in m])
        [said] = self.env["xero.sync.log"].search([("outcome", "=", "retry")], limit=1)
        self.assertIn("Another Odoo worker", said.message)
        self.assertEqual(partner.xero_state, "pending", "it goes at the next run")
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "synced")
