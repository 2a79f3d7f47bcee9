# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A company connected through a Xero Custom Connection: client credentials, one
organisation, a token of 30 minutes, no refresh token and no tenant header."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import XeroCase

CUSTOM_CLIENT_ID = "custom-connection-app"
CUSTOM_SECRET = "custom-connection-secret"  # noqa: S105 - the test app's


@tagged("post_install", "-at_install")
class TestCustomConnection(XeroCase):
    def setUp(self):
        super().setUp()
        self.register_custom_app(CUSTOM_SECRET)
        self.connection.action_disconnect()
        self.connection.sudo().write(
            {
                "auth_method": "custom",
                "client_id": CUSTOM_CLIENT_ID,
                "client_secret": CUSTOM_SECRET,
            }
        )

    def register_custom_app(self, secret):
        self.sandbox._call(
            "POST",
            "/sandbox/apps",
            json={
                "client_id": CUSTOM_CLIENT_ID,
                "client_secret": secret,
                "name": "Odoo (custom connection)",
                "custom_connection_tenant": self.tenant["tenantId"],
            },
        )

    def requests(self):
        return self.sandbox._call("GET", "/sandbox/requests")

    def test_it_connects_sends_and_renews_its_token_without_a_refresh_token(self):
        self.connection.action_connect()
        connection = self.connection.sudo()
        self.assertEqual(connection.state, "connected")
        self.assertEqual(connection.tenant_id, self.tenant["tenantId"])
        self.assertEqual(connection.tenant_name, self.tenant["name"])
        self.assertFalse(connection.refresh_token)
        self.assertEqual(connection.day_call_limit, 5000, "not held to the Starter plan")
        self.sandbox._call("DELETE", "/sandbox/requests")
        partner = self.partners(1)
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")
        self.assertEqual([c["ContactID"] for c in self.held_contacts()], [partner.xero_id])
        self.assertTrue(self.requests())
        self.assertEqual({r["tenant"] for r in self.requests()}, {None}, "no tenant header")
        # Xero ends the token after 30 minutes: Odoo asks for another with its credentials.
        first_token = connection.access_token
        self.sandbox._call("POST", "/sandbox/clock", json={"advance": 31 * 60})
        partner.email = "renewed@example.com"
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "synced")
        self.assertEqual(self.held_contacts()[0]["EmailAddress"], "renewed@example.com")
        self.env.invalidate_all()
        self.assertNotEqual(connection.access_token, first_token)
        self.assertEqual(connection.state, "connected")
        # Nothing to keep alive: no refresh token can die of disuse.
        connection.token_id.renewed_at = fields.Datetime.now() - timedelta(days=30)
        connection.token_id.flush_recordset()
        self.env["xero.connection"]._cron_keep_alive()
        self.assertFalse(connection.last_run_ids.filtered(lambda r: r.action == "keep_alive"))

    def test_wrong_credentials_are_refused_and_a_revoked_secret_asks_for_a_reconnect(self):
        self.connection.sudo().client_secret = "not-the-secret"
        with self.assertRaisesRegex(UserError, "client"):
            self.connection.action_connect()
        self.assertEqual(self.connection.state, "disconnected")
        self.connection.sudo().client_secret = CUSTOM_SECRET
        self.connection.action_connect()
        # The secret is regenerated in Xero's developer portal: renewals are refused.
        self.register_custom_app("regenerated-secret")
        self.sandbox._call("POST", "/sandbox/tokens/expire")
        partner = self.partners(1)
        partner.action_xero_sync()
        self.env.invalidate_all()
        connection = self.connection.sudo()
        self.assertEqual(connection.state, "needs_reconnect")
        self.assertEqual(partner.xero_state, "pending")
        self.assertTrue(connection._reconnect_activities())
        connection.client_secret = "regenerated-secret"
        self.connection.action_reconnect()
        self.assertEqual(connection.state, "connected")
        self.assertFalse(connection._reconnect_activities())
        self.run_push_cron()
        self.assertEqual(partner.xero_state, "synced")
