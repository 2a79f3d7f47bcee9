# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
import logging
import time
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from xero_client import oauth
from xero_client.client import XeroClient
from xero_client.endpoints import XeroEndpoints
from xero_client.errors import XeroError

_logger = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 120
OAUTH_STATE_MINUTES = 15
USER_WRITABLE_FIELDS = {
    "account_number_source",
    "xero_sales_account_id",
    "xero_purchase_account_id",
}
LOCK_WAIT_SECONDS = 15
LOCK_POLL_SECONDS = 0.2
SERVER_URL_PARAM = "xero_connector.server_url"


def authentication_event_id(id_token):
    """The ``authentication_event_id`` claim of Xero's id_token, read without verifying it: it
    only narrows which of the app's connections this authorisation made."""
    try:
        payload = id_token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get(
            "authentication_event_id"
        )
    except (AttributeError, IndexError, ValueError):
        return None


def token_is_fresh(access_token, expires_at):
    margin = timedelta(seconds=REFRESH_MARGIN_SECONDS)
    return bool(access_token and expires_at and expires_at > fields.Datetime.now() + margin)


class XeroNeedsReconnect(UserError):
    """The connection lost its authorisation: an administrator must reconnect."""


class XeroConnection(models.Model):
    _name = "xero.connection"
    _description = "Xero Connection"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("disconnected", "Not connected"),
            ("connected", "Connected"),
            ("needs_reconnect", "Needs reconnect"),
        ],
        default="disconnected",
        required=True,
        readonly=True,
        copy=False,
    )
    server_url = fields.Char(
        string="Xero server",
        groups="base.group_system",
        default=lambda self: self._default_server_url(),
        help="Leave empty for Xero itself. Set it to the address of the Xero sandbox (for "
        "example http://localhost:8070) or of any host that serves Xero's paths.",
    )
    client_id = fields.Char(string="Client ID", groups="base.group_system", copy=False)
    client_secret = fields.Char(groups="base.group_system", copy=False, exportable=False)
    account_number_source = fields.Selection(
        [("none", "Do not send"), ("ref", "Partner reference"), ("id", "Odoo ID")],
        string="Xero AccountNumber",
        default="ref",
        required=True,
        help="What Odoo sends as the contact's AccountNumber in Xero.",
    )
    tenant_id = fields.Char(string="Organisation ID", readonly=True, copy=False, index=True)
    tenant_name = fields.Char(string="Organisation", readonly=True, copy=False)
    tenant_short_code = fields.Char(readonly=True, copy=False)
    last_tenant_id = fields.Char(
        readonly=True,
        copy=False,
        help="The organisation the records' Xero links point into, kept across disconnects.",
    )
    tenant_currency = fields.Char(readonly=True, copy=False)
    xero_connection_id = fields.Char(readonly=True, copy=False)
    token_id = fields.Many2one("xero.token", readonly=True, copy=False, groups="base.group_system")
    access_token = fields.Char(
        related="token_id.access_token", groups="base.group_system", exportable=False
    )
    refresh_token = fields.Char(
        related="token_id.refresh_token", groups="base.group_system", exportable=False
    )
    token_expires_at = fields.Datetime(compute="_compute_token_expires_at", string="Token expires")
    oauth_state = fields.Char(
        groups="base.group_system", copy=False, readonly=True, exportable=False
    )
    oauth_verifier = fields.Char(
        groups="base.group_system", copy=False, readonly=True, exportable=False
    )
    auth_event_id = fields.Char(readonly=True, copy=False)
    oauth_user_id = fields.Many2one(
        "res.users", readonly=True, copy=False, help="Who started the authorisation under way."
    )
    oauth_started_at = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    last_error_at = fields.Datetime(readonly=True, copy=False)
    rate_limited_until = fields.Datetime(readonly=True, copy=False)
    contacts_imported_at = fields.Datetime(
        string="Contacts imported up to",
        readonly=True,
        copy=False,
        help="Xero changes after this moment are fetched by the next import.",
    )
    import_resume = fields.Json(
        readonly=True, copy=False, help="Where an unfinished import from Xero resumes."
    )
    items_imported_at = fields.Datetime(string="Items imported up to", readonly=True, copy=False)
    xero_sales_account_id = fields.Many2one(
        "xero.account",
        string="Default sales account",
        copy=False,
        domain="[('connection_id', '=', id)]",
        help="Used for sales when neither the product category nor the Odoo account is mapped.",
    )
    xero_purchase_account_id = fields.Many2one(
        "xero.account",
        string="Default purchase account",
        copy=False,
        domain="[('connection_id', '=', id)]",
        help="Used for purchases when neither the product category nor the Odoo account is mapped.",
    )
    log_ids = fields.One2many("xero.sync.log", "connection_id", readonly=True)

    _company_unique = models.Constraint(
        "unique(company_id)", "A company connects to one Xero organisation at a time."
    )
    _tenant_unique = models.UniqueIndex(
        "(tenant_id) WHERE tenant_id IS NOT NULL",
        "This Xero organisation is already connected to another company.",
    )

    def _compute_token_expires_at(self):
        for connection in self:
            connection.token_expires_at = connection.sudo().token_id.expires_at

    @api.depends("tenant_name", "company_id.name")
    def _compute_name(self):
        for connection in self:
            connection.name = connection.tenant_name or self.env._(
                "Xero (%(company)s)", company=connection.company_id.name
            )

    def write(self, vals):
        # Where Xero is and what it said are the system's business: a Xero administrator who
        # could point server_url elsewhere would receive the client secret and the tokens.
        if not self.env.su and not self.env.user.has_group("base.group_system"):
            forbidden = set(vals) - USER_WRITABLE_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "Only system administrators may change %(fields)s of a Xero connection.",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
        return super().write(vals)

    @api.model
    def _default_server_url(self):
        return self.env["ir.config_parameter"].sudo().get_param(SERVER_URL_PARAM) or False

    @api.model
    def _for_company(self, company):
        """The company's connection, created on first use."""
        connection = self.sudo().search([("company_id", "=", company.id)], limit=1)
        return connection or self.sudo().create({"company_id": company.id})

    # -- where Xero is -----------------------------------------------------------------------
    def _endpoints(self):
        self.ensure_one()
        if self.server_url:
            return XeroEndpoints.for_host(self.server_url.rstrip("/"))
        return XeroEndpoints()

    def _redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return "%s/xero/oauth/callback" % base_url.rstrip("/")

    def _deep_link(self, kind, xero_id):
        self.ensure_one()
        if not (kind and xero_id and self.tenant_short_code):
            return False
        return self._endpoints().deep_link(self.tenant_short_code, kind, xero_id)

    # -- connect, pick the organisation, disconnect ------------------------------------------
    def action_connect(self):
        """Start the OAuth2 authorization-code flow with PKCE and the granular scopes."""
        self.ensure_one()
        self._check_admin()
        connection = self.sudo()
        if not connection.client_id:
            raise UserError(self.env._("Enter the Client ID of your Xero app before connecting."))
        verifier, challenge = oauth.new_pkce_pair()
        state = oauth.new_state()
        connection.write(
            {
                "oauth_state": state,
                "oauth_verifier": verifier,
                "oauth_user_id": self.env.user.id,
                "oauth_started_at": fields.Datetime.now(),
            }
        )
        url = oauth.authorization_url(
            connection._endpoints(),
            connection.client_id,
            connection._redirect_uri(),
            state,
            challenge,
        )
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def _finish_authorization(self, code):
        """Exchange the code; return the organisations this authorisation connected."""
        self.ensure_one()
        connection = self.sudo()
        tokens = oauth.exchange_code(
            connection._endpoints(),
            connection.client_id,
            connection.client_secret or None,
            code,
            connection._redirect_uri(),
            connection.oauth_verifier,
        )
        connection._store_tokens(tokens)
        connection.write(
            {
                "oauth_state": False,
                "oauth_verifier": False,
                "auth_event_id": authentication_event_id(tokens.id_token),
                "state": "disconnected"
                if connection.state == "needs_reconnect"
                else connection.state,
            }
        )
        return connection._authorized_tenants()

    def _authorized_tenants(self):
        """The organisations of the last authorisation (all connected ones if unknown)."""
        connection = self.sudo()
        tenants = [
            t
            for t in oauth.list_connections(connection._endpoints(), connection._access_token())
            if t.get("tenantType", "ORGANISATION") == "ORGANISATION"
        ]
        this_event = [t for t in tenants if t.get("authEventId") == connection.auth_event_id]
        return this_event or tenants

    def _oauth_state_matches(self, user):
        """The authorisation under way was started by this user, less than 15 minutes ago."""
        started = self.sudo().oauth_started_at
        return (
            self.sudo().oauth_user_id == user
            and bool(started)
            and started > fields.Datetime.now() - timedelta(minutes=OAUTH_STATE_MINUTES)
        )

    def _select_tenant(self, tenant):
        self.ensure_one()
        connection = self.sudo()
        other = self.search(
            [("tenant_id", "=", tenant["tenantId"]), ("id", "!=", connection.id)], limit=1
        )
        if other:
            raise UserError(
                self.env._(
                    "%(organisation)s is already connected to %(company)s: a Xero organisation "
                    "keeps the books of one company.",
                    organisation=tenant.get("tenantName"),
                    company=other.company_id.name,
                )
            )
        organisation = XeroClient(
            connection._endpoints(), connection._access_token(), tenant["tenantId"]
        ).get_organisation()
        if connection.last_tenant_id and connection.last_tenant_id != tenant["tenantId"]:
            connection._forget_organisation()
        connection.write(
            {
                "tenant_id": tenant["tenantId"],
                "last_tenant_id": tenant["tenantId"],
                "tenant_name": tenant.get("tenantName"),
                "xero_connection_id": tenant.get("id"),
                "tenant_short_code": organisation.short_code,
                "tenant_currency": str(
                    getattr(organisation.base_currency, "value", organisation.base_currency) or ""
                ),
                "state": "connected",
                "last_error": False,
                "last_error_at": False,
            }
        )
        self.env["xero.sync.log"]._record(
            connection,
            "connect",
            "success",
            self.env._("Connected to %(name)s.", name=tenant.get("tenantName")),
        )

    def _forget_organisation(self):
        """The company now keeps its books in another organisation: links to the previous
        one's contacts, items, accounts and tax rates would point at the wrong objects."""
        company = self.company_id
        for model_name in self._synced_models():
            records = (
                self.env[model_name]
                .sudo()
                .with_company(company)
                .with_context(active_test=False)
                .search([("xero_id", "!=", False), ("company_id", "in", [False, company.id])])
            )
            records._xero_write(
                {
                    "xero_id": False,
                    "xero_state": "not_synced",
                    "xero_error": False,
                    "xero_synced_at": False,
                }
            )
        self.env["xero.mapping"]._forget_lists(self)
        self.write(
            {
                "contacts_imported_at": False,
                "items_imported_at": False,
                "import_resume": False,
                "rate_limited_until": False,
            }
        )
        self.env["xero.sync.log"]._record(
            self,
            "connect",
            "success",
            self.env._(
                "Connected to another Xero organisation: links to the previous one were removed."
            ),
        )

    def action_disconnect(self):
        self.ensure_one()
        self._check_admin()
        connection = self.sudo()
        if connection.state == "connected" and connection.xero_connection_id:
            try:
                oauth.delete_connection(
                    connection._endpoints(),
                    connection._access_token(),
                    connection.xero_connection_id,
                )
            except (XeroError, oauth.OAuthError, UserError) as error:
                _logger.info("Xero disconnect of %s: %s", connection.tenant_name, error)
        connection.write(
            {
                "state": "disconnected",
                "tenant_id": False,
                "tenant_name": False,
                "tenant_short_code": False,
                "xero_connection_id": False,
            }
        )
        connection._forget_tokens()
        self.env["xero.sync.log"]._record(
            connection, "disconnect", "success", self.env._("Disconnected from Xero.")
        )
        return True

    def action_reconnect(self):
        return self.action_connect()

    def _check_admin(self):
        """Managing a connection takes the Xero administrator right and access to its company
        (the record rules): the actions themselves run as superuser."""
        if not self.env.user.has_group("xero_connector.group_xero_admin"):
            raise UserError(self.env._("Only Xero administrators can manage the connection."))
        self.check_access("write")

    # -- tokens -------------------------------------------------------------------------------
    def _store_tokens(self, tokens):
        values = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": datetime.utcfromtimestamp(tokens.expires_at),
        }
        connection = self.sudo()
        if connection.token_id:
            connection.token_id.write(values)
        else:
            connection.token_id = (
                self.env["xero.token"].sudo().create(dict(values, connection_id=connection.id))
            )
        self._remember_token(values["access_token"], values["expires_at"])

    def _remember_token(self, access_token, expires_at):
        """Tokens renewed in another transaction, for this one: its snapshot predates them."""
        self.env.cr.cache.setdefault("xero_tokens", {})[self.id] = (access_token, expires_at)

    def _forget_tokens(self):
        self.sudo().token_id.unlink()
        self.env.cr.cache.get("xero_tokens", {}).pop(self.id, None)

    def _access_token(self):
        """A valid access token, renewed under a row lock when it is about to expire."""
        self.ensure_one()
        connection = self.sudo()
        if connection.state == "needs_reconnect":
            raise XeroNeedsReconnect(connection.last_error or self.env._("Reconnect to Xero."))
        token = self.env.cr.cache.get("xero_tokens", {}).get(self.id) or (
            connection.token_id.access_token,
            connection.token_id.expires_at,
        )
        if token_is_fresh(*token):
            return token[0]
        if not connection.token_id:
            raise XeroNeedsReconnect(self.env._("Connect to Xero first."))
        outcome = connection._refresh_in_own_transaction()
        if isinstance(outcome, oauth.OAuthError):
            connection._mark_needs_reconnect(outcome)
            raise XeroNeedsReconnect(connection.last_error)
        connection._remember_token(*outcome)
        return outcome[0]

    def _expire_access_token(self):
        self.sudo().token_id.write({"expires_at": fields.Datetime.now()})
        self.env.cr.cache.get("xero_tokens", {}).pop(self.id, None)

    def _refresh_in_own_transaction(self):
        """Renew the tokens in a transaction of their own, committed at once; return the fresh
        (access token, expiry), or the OAuthError when Xero refuses the refresh token.

        Xero rotates the refresh token on every use: the new one must be stored even when the
        caller's transaction rolls back, and two workers must not both spend the old one. The
        worker that locks the token row renews it; the other one waits for it to commit, then
        reads the fresh token in a new transaction.
        """
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            with self.env.registry.cursor() as cr:
                token = self.with_env(self.env(cr=cr)).sudo().token_id
                if token.try_lock_for_update(allow_referencing=True):
                    return self._refresh_locked(token)
            if time.monotonic() > deadline:
                raise UserError(
                    self.env._(
                        "Another process is renewing the Xero authorisation; try again in a moment."
                    )
                )
            time.sleep(LOCK_POLL_SECONDS)

    def _refresh_locked(self, token):
        if token_is_fresh(token.access_token, token.expires_at):
            return token.access_token, token.expires_at
        started = time.monotonic()
        connection = token.connection_id
        try:
            tokens = oauth.refresh_tokens(
                connection._endpoints(),
                connection.client_id,
                connection.client_secret or None,
                token.refresh_token,
            )
        except oauth.OAuthError as error:
            if not error.needs_reconnect:
                raise UserError(str(error)) from error
            return error
        expires_at = datetime.utcfromtimestamp(tokens.expires_at)
        token.write(
            {
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "expires_at": expires_at,
            }
        )
        token.env["xero.sync.log"]._record(
            connection,
            "refresh_token",
            "success",
            self.env._("Access token refreshed."),
            duration=time.monotonic() - started,
        )
        # The rotated refresh token is the only valid one: it must survive a rollback of the
        # caller's transaction.
        token.env.cr.commit()  # pylint: disable=invalid-commit
        return tokens.access_token, expires_at

    def _mark_lost(self, message):
        """Xero no longer lets this app into the organisation (disconnected, scope removed)."""
        self.sudo().write(
            {
                "state": "needs_reconnect",
                "last_error": self.env._(
                    "%(reason)s An administrator must reconnect in Settings › Xero.", reason=message
                ),
                "last_error_at": fields.Datetime.now(),
            }
        )

    def _mark_needs_reconnect(self, error):
        message = self.env._(
            "Xero refused the stored authorisation (%(error)s). An administrator must "
            "reconnect in Settings › Xero.",
            error=error.error,
        )
        self.write(
            {
                "state": "needs_reconnect",
                "last_error": message,
                "last_error_at": fields.Datetime.now(),
            }
        )
        self.env["xero.sync.log"]._record(self, "refresh_token", "error", message)

    # -- the API ------------------------------------------------------------------------------
    def _client(self):
        """An API client for this connection's organisation, with a valid token."""
        self.ensure_one()
        if self.state != "connected":
            raise XeroNeedsReconnect(
                self.last_error
                or self.env._("%(company)s is not connected to Xero.", company=self.company_id.name)
            )
        return XeroClient(self._endpoints(), self._access_token(), self.tenant_id, logger=_logger)

    def _note_rate_limit(self, retry_after):
        until = fields.Datetime.now() + timedelta(seconds=retry_after)
        self.sudo().write({"rate_limited_until": until})
        return until

    def _is_rate_limited(self):
        return bool(self.rate_limited_until and self.rate_limited_until > fields.Datetime.now())

    def _set_error(self, message):
        self.sudo().write({"last_error": message, "last_error_at": fields.Datetime.now()})

    def _keep_import_resume(self, watermark_field, resume):
        resumes = dict(self.import_resume or {})
        if resume:
            resumes[watermark_field] = resume
        else:
            resumes.pop(watermark_field, None)
        self.sudo().write({"import_resume": resumes or False})

    def _rate_limit_message(self):
        until = fields.Datetime.context_timestamp(self, self.rate_limited_until)
        return self.env._(
            "Xero's rate limit was reached; sending resumes at %(time)s.",
            time=until.strftime("%Y-%m-%d %H:%M"),
        )

    def _idempotency_scope(self):
        database = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return "%s-%s-%s" % (database[:8], self.company_id.id, (self.tenant_id or "")[:8])

    # -- scheduled actions --------------------------------------------------------------------
    @api.model
    def _synced_models(self):
        names = self.env.registry.descendants(["xero.sync.mixin"], "_inherit")
        return [
            name
            for name in sorted(names)
            if name != "xero.sync.mixin" and not self.env[name]._abstract
        ]

    @api.model
    def _cron_push_pending(self):
        for connection in self.sudo().search([("state", "=", "connected")]):
            if connection._is_rate_limited():
                continue
            for model_name in self._synced_models():
                model = self.env[model_name].sudo()
                if not connection._run_isolated(model._xero_push_pending, connection):
                    break
            if self.env.context.get("cron_id") and not self.env["ir.cron"]._commit_progress():
                self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
                return

    @api.model
    def _cron_import_contacts(self):
        for connection in self.sudo().search([("state", "=", "connected")]):
            if not connection._is_rate_limited():
                connection._run_isolated(
                    self.env["res.partner"].sudo()._xero_import_contacts, connection
                )

    def _run_isolated(self, work, *args):
        """Run one connection's share of a scheduled action; its failure is logged and does
        not keep the other companies waiting. The work commits its own progress, so a
        failure rolls back to the last commit."""
        try:
            return work(*args)
        except Exception as error:  # noqa: BLE001 - logged, then the next connection runs
            _logger.exception("Xero scheduled work failed for %s", self.display_name)
            self.env.cr.rollback()  # pylint: disable=invalid-commit
            self._set_error(str(error))
            self.env["xero.sync.log"]._record(self, "update", "error", str(error))
            return False

    def action_open_mapping(self):
        self.ensure_one()
        self._check_admin()
        return self.env["xero.mapping.wizard"]._open_for(self.sudo())

    def action_import_contacts(self):
        self.ensure_one()
        self._check_admin()
        count = self.env["res.partner"].sudo()._xero_import_contacts(self.sudo())
        if count is None:
            raise UserError(
                self.sudo().last_error
                or self.env._("The import did not run: see the Xero sync log.")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s contacts imported or updated from Xero.", count=count
                ),
            },
        }
