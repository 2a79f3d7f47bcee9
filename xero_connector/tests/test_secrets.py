# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..xero_client import oauth
from .common import XeroCase


@tagged("post_install", "-at_install")
class TestSecretsStayHidden(XeroCase):
    """A token that really passes through an error: an identity server that echoes the
    refresh token it refused in its error text. Neither the user, the sync log, the
    connection nor the server log may show it."""

    def echoing_refusal(self, endpoints, client_id, client_secret, refresh_token):
        raise oauth.OAuthError(
            "server_error",
            "could not refresh grant refresh_token=%s (Bearer %s)"
            % (refresh_token, self.access_token),
        )

    def test_a_token_in_an_error_is_masked_everywhere(self):
        connection = self.connection.sudo()
        self.access_token = connection.access_token
        refresh_token = connection.refresh_token
        connection._expire_access_token()
        partner = self.env["res.partner"].create({"name": "Secretive Ltd", "is_company": True})
        with (
            patch.object(oauth, "refresh_tokens", self.echoing_refusal),
            self.assertLogs("odoo.addons.xero_connector", level="INFO") as logged,
        ):
            with self.assertRaises(UserError) as shown:
                partner.action_xero_sync()
            partner._xero_write({"xero_state": "pending"})
            self.run_push_cron()
        texts = [
            str(shown.exception),
            " ".join(logged.output),
            connection.last_error or "",
            " ".join(filter(None, self.env["xero.sync.log"].search([]).mapped("message"))),
            partner.xero_error or "",
        ]
        self.assertIn("could not refresh grant", texts[0], "the error itself is shown")
        self.assertIn("could not refresh grant", texts[2])
        for text in texts:
            self.assertNotIn(refresh_token, text)
            self.assertNotIn(self.access_token, text)

    def test_a_token_in_an_unexpected_failure_is_masked_in_the_logs(self):
        connection = self.connection.sudo()
        access_token, refresh_token = connection.access_token, connection.refresh_token
        connection._expire_access_token()

        def library_bug(endpoints, client_id, client_secret, token):
            raise RuntimeError(
                "unexpected answer to grant_type=refresh_token&refresh_token=" + token
            )

        partner = self.env["res.partner"].create({"name": "Buggy Ltd", "is_company": True})
        partner._xero_write({"xero_state": "pending"})
        with (
            patch.object(oauth, "refresh_tokens", library_bug),
            self.assertLogs("odoo.addons.xero_connector", level="INFO") as logged,
        ):
            self.run_push_cron()
        texts = [
            " ".join(logged.output),
            connection.last_error or "",
            " ".join(filter(None, self.env["xero.sync.log"].search([]).mapped("message"))),
        ]
        self.assertIn("unexpected answer", texts[0])
        for text in texts:
            self.assertNotIn(refresh_token, text)
            self.assertNotIn(access_token, text)
