# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, XeroCase, csrf_token


@tagged("post_install", "-at_install")
class TestConnection(XeroCase):
    def test_connect_stores_the_organisation_and_tokens(self):
        connection = self.connection
        self.assertEqual(connection.state, "connected")
        self.assertEqual(connection.tenant_id, self.tenant["tenantId"])
        self.assertEqual(connection.tenant_name, "Demo Company (UK)")
        self.assertEqual(connection.tenant_short_code, self.tenant["shortCode"])
        self.assertEqual(connection.tenant_currency, "GBP")
        self.assertGreater(connection.token_expires_at, fields.Datetime.now())
        self.assertTrue(connection.sudo().refresh_token)
        self.assertFalse(connection.sudo().oauth_state, "the state is single use")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.xero_connection_state, "connected")
        self.assertEqual(settings.xero_tenant_name, "Demo Company (UK)")
        self.assertEqual(settings.xero_token_expires_at, connection.token_expires_at)

    def test_authorization_asks_pkce_and_granular_scopes(self):
        url = self.connection.action_connect()["url"]
        self.assertIn("code_challenge_method=S256", url)
        for scope in (
            "accounting.contacts",
            "accounting.settings",
            "accounting.invoices",
            "accounting.payments",
            "accounting.attachments",
            "offline_access",
        ):
            self.assertIn(scope, url)
        self.assertNotIn("accounting.transactions", url)

    def test_callback_with_an_unknown_state_is_refused(self):
        self.authenticate("admin", "admin")
        answer = self.url_open("/xero/oauth/callback?code=abc&state=forged")
        self.assertEqual(answer.status_code, 400)
        self.assertIn("unknown", answer.text)

    def test_the_callback_completes_only_the_flow_its_user_started(self):
        self.connection.action_disconnect()
        other_admin = new_test_user(
            self.env, "other_xero_admin", groups="xero_connector.group_xero_admin"
        )
        url = self.connection.with_user(other_admin).action_connect()["url"]
        location = requests.get(
            url, params={"tenant": self.tenant["tenantId"]}, allow_redirects=False, timeout=30
        ).headers["Location"]
        self.authenticate("admin", "admin")
        answer = self.url_open(location, allow_redirects=False)
        self.assertEqual(answer.status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(self.connection.state, "disconnected")

    def test_an_organisation_keeps_the_books_of_one_company(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.env.ref("base.user_admin").company_ids |= company_b
        connection_b = self.env["xero.connection"]._for_company(company_b)
        connection_b.write(
            {
                "server_url": self.sandbox.url,
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
            }
        )
        self.connection = connection_b
        self.connect()
        self.assertEqual(connection_b.state, "disconnected")
        self.assertIn("already connected to", connection_b.last_error)

    def test_an_organisation_held_by_a_company_out_of_sight_is_refused_with_a_message(self):
        """An administrator of company B only picks, on the selection page, the organisation
        company A keeps its books in: a message, not a server error, and A stays unnamed."""
        company_b = self.env["res.company"].create({"name": "Company B"})
        admin_b = new_test_user(
            self.env,
            "admin_b",
            groups="base.group_system,xero_connector.group_xero_admin",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        connection_b = self.env["xero.connection"]._for_company(company_b)
        connection_b.write(
            {
                "server_url": self.sandbox.url,
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
            }
        )
        url = connection_b.with_user(admin_b).action_connect()["url"]
        location = requests.get(
            url, params={"tenant": "all"}, allow_redirects=False, timeout=30
        ).headers["Location"]
        self.authenticate("admin_b", "admin_b")
        page = self.url_open(location, allow_redirects=False)
        self.assertEqual(page.status_code, 200, page.text[:300])
        answer = self.url_open(
            "/xero/oauth/select",
            data={
                "csrf_token": csrf_token(page.text),
                "connection_id": connection_b.id,
                "tenant_id": self.tenant["tenantId"],
            },
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303, answer.text[:300])
        self.env.invalidate_all()
        self.assertEqual(connection_b.state, "disconnected")
        self.assertFalse(connection_b.tenant_id)
        self.assertIn("already connected to another company", connection_b.last_error)
        self.assertNotIn(self.env.company.name, connection_b.last_error)
        self.assertEqual(self.connection.tenant_id, self.tenant["tenantId"], "A keeps it")
        # B can still choose an organisation of its own.
        australia = self.sandbox.tenant("AU")
        answer = self.url_open(
            "/xero/oauth/select",
            data={
                "csrf_token": csrf_token(page.text),
                "connection_id": connection_b.id,
                "tenant_id": australia["tenantId"],
            },
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(connection_b.tenant_name, "Demo Company (AU)")
        self.assertEqual(connection_b.state, "connected")

    def test_the_user_picks_the_organisation_when_there_are_several(self):
        self.connection.action_disconnect()
        page = self.connect(tenant="all")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Demo Company (UK)", page.text)
        self.assertIn("Demo Company (AU)", page.text)
        australia = self.sandbox.tenant("AU")
        answer = self.url_open(
            "/xero/oauth/select",
            data={
                "csrf_token": csrf_token(page.text),
                "connection_id": self.connection.id,
                "tenant_id": australia["tenantId"],
            },
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.tenant_name, "Demo Company (AU)")
        self.assertEqual(self.connection.tenant_currency, "AUD")

    def test_expiring_token_is_refreshed_and_the_rotated_one_kept(self):
        connection = self.connection.sudo()
        old_refresh = connection.refresh_token
        connection.token_id.expires_at = fields.Datetime.now() + timedelta(seconds=30)
        connection.token_id.flush_recordset()
        self.assertEqual(connection._client().get_organisation().name, "Demo Company (UK)")
        self.env.invalidate_all()  # the refresh ran in its own transaction
        self.assertNotEqual(connection.refresh_token, old_refresh)
        self.assertGreater(
            connection.token_expires_at, fields.Datetime.now() + timedelta(minutes=29)
        )
        logs = self.env["xero.sync.log"].search([("operation", "=", "refresh_token")])
        self.assertEqual(logs.mapped("outcome"), ["success"])

    def test_invalid_grant_asks_for_reconnect_and_stops_the_sync_cleanly(self):
        connection = self.connection.sudo()
        connection.token_id.write(
            {"refresh_token": "revoked-elsewhere", "expires_at": fields.Datetime.now()}
        )
        connection.token_id.flush_recordset()
        partner = self.env["res.partner"].create({"name": "Waiting Ltd", "is_company": True})
        partner.action_xero_sync()
        connection.invalidate_recordset()
        self.assertEqual(connection.state, "needs_reconnect")
        self.assertIn("reconnect", connection.last_error)
        self.assertEqual(partner.xero_state, "pending")
        self.assertIn("reconnect", partner.xero_error)
        self.assertEqual(self.held_contacts(), [])
        self.run_push_cron()  # the scheduled action stops cleanly too
        self.assertEqual(partner.xero_state, "pending")
        connection.action_reconnect()
        self.connect()
        self.assertEqual(self.connection.state, "connected")
        partner.action_xero_sync()
        self.assertEqual(partner.xero_state, "synced")

    def test_an_organisation_disconnected_in_xero_asks_for_a_reconnect(self):
        from ..xero_client import oauth

        connection = self.connection.sudo()
        oauth.delete_connection(
            connection._endpoints(), connection._access_token(), connection.xero_connection_uuid
        )
        partner = self.env["res.partner"].create({"name": "Orphan Ltd", "is_company": True})
        partner.action_xero_sync()
        self.assertEqual(connection.state, "needs_reconnect")
        self.assertIn("reconnect", connection.last_error)
        self.assertEqual(partner.xero_state, "pending")
        self.assertEqual(
            connection._reconnect_activities().user_id, self.env.ref("base.user_admin")
        )

    def test_how_a_company_connects_changes_only_while_disconnected(self):
        with self.assertRaisesRegex(UserError, "Disconnect from Xero"):
            self.connection.sudo().auth_method = "custom"
        self.connection.action_disconnect()
        self.connection.sudo().auth_method = "custom"
        self.assertEqual(self.connection.sudo().auth_method, "custom")

    def test_disconnect_forgets_the_tokens_and_the_organisation(self):
        self.connection.action_disconnect()
        connection = self.connection.sudo()
        self.assertEqual(connection.state, "disconnected")
        self.assertFalse(connection.access_token or connection.refresh_token)
        self.assertFalse(connection.tenant_id)

    def test_settings_say_what_waits_while_nothing_can_be_sent(self):
        self.assertFalse(self.env["res.config.settings"].create({}).xero_waiting_message)
        self.connection.action_disconnect()
        self.partners(3).action_xero_sync()
        self.assertEqual(
            self.env["res.config.settings"].create({}).xero_waiting_message,
            "3 contacts wait to be sent to Xero: connect to Xero to send them.",
        )
        self.connect()
        self.assertFalse(self.env["res.config.settings"].create({}).xero_waiting_message)
        # Xero no longer accepts the authorisation: the records wait for a reconnect.
        connection = self.connection.sudo()
        connection.token_id.write(
            {"refresh_token": "revoked-elsewhere", "expires_at": fields.Datetime.now()}
        )
        connection.token_id.flush_recordset()
        self.env["res.partner"].create({"name": "Late Ltd", "is_company": True}).action_xero_sync()
        connection.invalidate_recordset()  # said in a transaction of its own
        self.assertEqual(connection.state, "needs_reconnect")
        message = self.env["res.config.settings"].create({}).xero_waiting_message
        self.assertIn("contacts wait to be sent to Xero: reconnect to Xero", message)

    def test_urls_come_from_the_configured_host(self):
        endpoints = self.connection._endpoints()
        self.assertTrue(endpoints.api_url.startswith(self.sandbox.url))
        self.assertTrue(endpoints.token_url.startswith(self.sandbox.url))
        self.connection.server_url = False
        self.assertEqual(self.connection._endpoints().api_url, "https://api.xero.com/api.xro/2.0")

    def test_secrets_are_masked_in_the_log_and_cleared_by_neutralize(self):
        from odoo.modules.neutralize import get_neutralization_queries

        connection = self.connection.sudo()
        token = connection.access_token
        partner = self.env["res.partner"].create({"name": "Logged Ltd", "is_company": True})
        partner.action_xero_sync()
        messages = " ".join(m for m in self.env["xero.sync.log"].search([]).mapped("message") if m)
        self.assertNotIn(token, messages)
        for query in get_neutralization_queries(["xero_connector"]):
            self.env.cr.execute(query)
        connection.invalidate_recordset()
        self.assertFalse(
            connection.access_token or connection.refresh_token or connection.client_secret
        )
        self.assertEqual(connection.state, "disconnected")

    def test_only_who_signed_in_chooses_the_organisation(self):
        """Another administrator of the company, even a system one, cannot pick the
        organisation of an authorisation someone else is completing."""
        self.connection.action_disconnect()
        page = self.connect(tenant="all")
        self.assertEqual(page.status_code, 200)
        new_test_user(
            self.env,
            "other_system_admin",
            groups="base.group_system,xero_connector.group_xero_admin",
        )
        australia = self.sandbox.tenant("AU")
        self.authenticate("other_system_admin", "other_system_admin")
        answer = self.select_organisation(australia)
        self.assertEqual(answer.status_code, 403, answer.text[:300])
        self.env.invalidate_all()
        self.assertEqual(self.connection.state, "disconnected")
        self.assertFalse(self.connection.tenant_id or self.connection.last_error)
        self.authenticate("admin", "admin")
        answer = self.select_organisation(australia)
        self.assertEqual(answer.status_code, 303, answer.text[:300])
        self.env.invalidate_all()
        self.assertEqual(self.connection.tenant_name, "Demo Company (AU)")
        self.assertEqual(self.connection.state, "connected")

    def select_organisation(self, tenant):
        """The selection page's form, posted from the logged-in user's own session."""
        web_client = self.url_open("/odoo")
        token = re.search(r'csrf_token: "([^"]+)"', web_client.text).group(1)
        return self.url_open(
            "/xero/oauth/select",
            data={
                "csrf_token": token,
                "connection_id": self.connection.id,
                "tenant_id": tenant["tenantId"],
            },
            allow_redirects=False,
        )
