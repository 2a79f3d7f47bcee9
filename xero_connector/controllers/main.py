# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hmac
import logging

from markupsafe import escape

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..client_text import client_text
from ..xero_client.errors import XeroError
from ..xero_client.oauth import OAuthError

_logger = logging.getLogger(__name__)
SETTINGS_URL = "/odoo/settings"


class XeroOAuthController(http.Controller):
    @http.route("/xero/oauth/callback", type="http", auth="user", methods=["GET"])
    def oauth_callback(self, state=None, code=None, error=None, **kwargs):
        connection = self._connection_for_state(state)
        if not connection:
            return self._message(
                request.env._(
                    "This Xero authorisation is unknown or was already used. "
                    "Start again from Settings › Xero."
                ),
                400,
            )
        if error or not code:
            connection.write({"oauth_state": False, "oauth_verifier": False})
            connection._set_error(
                request.env._(
                    "Xero did not authorise the connection (%(error)s).",
                    error=error or request.env._("no code"),
                )
            )
            return request.redirect(SETTINGS_URL)
        try:
            tenants = connection._finish_authorization(code)
        except (OAuthError, XeroError) as failure:
            connection._set_error(
                request.env._(
                    "Connecting to Xero failed: %(error)s", error=client_text(request.env, failure)
                )
            )
            return request.redirect(SETTINGS_URL)
        if not tenants:
            connection._set_error(
                request.env._("The Xero authorisation gave access to no organisation.")
            )
            return request.redirect(SETTINGS_URL)
        if len(tenants) == 1:
            return self._select(connection, tenants[0])
        return request.render(
            "xero_connector.oauth_select_tenant", {"connection": connection, "tenants": tenants}
        )

    @http.route("/xero/oauth/select", type="http", auth="user", methods=["POST"])
    def oauth_select(self, connection_id=None, tenant_id=None, **kwargs):
        connection = request.env["xero.connection"].browse(int(connection_id or 0)).exists()
        if not connection:
            return self._message(request.env._("Unknown Xero connection."), 404)
        connection.check_access("write")
        connection._check_admin()
        # The authorisation's organisations are chosen by whoever signed in to Xero for it,
        # not by any other administrator of the company.
        if connection.sudo().oauth_user_id != request.env.user:
            return self._message(
                request.env._(
                    "Only the user who signed in to Xero for this connection can choose its "
                    "organisation. Start again from Settings › Xero."
                ),
                403,
            )
        if not connection._oauth_state_matches(request.env.user):
            return self._message(
                request.env._(
                    "This Xero sign-in is more than 15 minutes old: start again from "
                    "Settings › Xero."
                ),
                403,
            )
        tenants = [t for t in connection._authorized_tenants() if t["tenantId"] == tenant_id]
        if not tenants:
            return self._message(
                request.env._("That organisation is not part of the authorisation."), 400
            )
        return self._select(connection, tenants[0])

    def _connection_for_state(self, state):
        if not state:
            return None
        connection = (
            request.env["xero.connection"].sudo().search([("oauth_state", "=", state)], limit=1)
        )
        if not connection or not hmac.compare_digest(connection.oauth_state, state):
            return None
        # The callback acts for the user who is logged in: they must manage this company.
        user = request.env.user
        if connection.company_id not in user.company_ids or not user.has_group(
            "xero_connector.group_xero_admin"
        ):
            return None
        if not connection._oauth_state_matches(user):
            return None
        return connection

    def _select(self, connection, tenant):
        try:
            connection._select_tenant(tenant)
        except (UserError, XeroError) as failure:
            connection._set_error(str(failure))
        return request.redirect(SETTINGS_URL)

    def _message(self, text, status):
        return request.make_response(
            '<html><body><p>%s</p><p><a href="%s">%s</a></p></body></html>'
            % (escape(text), SETTINGS_URL, request.env._("Back to Settings")),
            headers=[("Content-Type", "text/html; charset=utf-8")],
            status=status,
        )
