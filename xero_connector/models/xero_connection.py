# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
import logging
import time
import traceback
from datetime import datetime, timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..client_text import client_text
from ..locking import CONCURRENCY_ERRORS, OWN_TRANSACTION_MISSES, lock_quietly, own_transaction
from ..xero_client import oauth
from ..xero_client.admission import CALLS_A_MINUTE
from ..xero_client.client import XeroClient
from ..xero_client.endpoints import XeroEndpoints
from ..xero_client.errors import XeroError
from ..xero_client.masking import mask
from ..xero_client.routes import drain_order
from .xero_token import NO_REFRESH_TOKEN, NO_TOKEN_ROW

_logger = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 120
OAUTH_STATE_MINUTES = 15
USER_WRITABLE_FIELDS = {
    "account_number_source",
    "xero_sales_account_id",
    "xero_purchase_account_id",
    "send_out_invoice",
    "send_in_invoice",
    "send_out_refund",
    "send_in_refund",
    "status_out_invoice",
    "status_in_invoice",
    "status_out_refund",
    "status_in_refund",
    "send_history_notes",
    "send_attachments",
    "send_odoo_pdf",
    "followup_call_share",
    "payment_flow",
    "send_purchase_order",
    "status_purchase_order",
    "purchase_order_as",
    "webhook_poll_hours",
    "push_every_minutes",
    "day_call_limit",
}
PAYMENT_FLOWS = [
    ("both", "Both ways"),
    ("from_xero", "Xero's payments into Odoo"),
    ("to_xero", "Odoo's payments into Xero"),
    ("none", "Neither: each side keeps its own"),
]
SERVER_URL_PARAM = "xero_connector.server_url"
BATCH_SIZE = 50
# Below this share of the day's calls left, polling stops so that what Odoo sends still gets
# through (200 of a Starter day).
IMPORT_RESERVE_PERCENT = 20
# When the hourly scheduled action runs each import of _import_plan() (see _import_due):
# (interval, whether Xero's webhooks report its changes, the imports whose changes make it due
# before its interval). HOURLY: every run. With nothing changed in Xero an hourly run asks two
# lists (invoices, credit notes); every payment, allocation and status change moves its
# invoice's or credit note's UpdatedDateUTC, so payments are asked when those changed, and
# daily. What webhooks report is polled at the webhook poll interval while they work. A refund
# paid on a credit note moves no invoice: only Xero's PAYMENT events tell of it, so credit
# notes keep their hourly poll unless those come. Imports not listed here run every time.
HOURLY = None
DAILY = timedelta(days=1)
NEVER, ALWAYS, WITH_PAYMENT_EVENTS = False, True, "with payment events"
IMPORT_SCHEDULE = {
    "contacts": (DAILY, ALWAYS, ()),
    "items": (DAILY, NEVER, ()),
    "purchase_orders": (DAILY, NEVER, ()),
    "deleted_purchase_orders": (DAILY, NEVER, ()),
    "invoices": (HOURLY, ALWAYS, ()),
    "credit_notes": (HOURLY, WITH_PAYMENT_EVENTS, ()),
    "payments": (DAILY, NEVER, ("invoices", "credit_notes")),
    # Reads only the balances of contacts whose documents changed: no call when none did.
    "partner_summaries": (HOURLY, NEVER, ()),
}
# A run of the hourly scheduled action takes a while: an import whose interval ends within
# this much of a run is run then, not an hour later.
SCHEDULE_SLACK = timedelta(minutes=15)
# The index of Xero's contacts and items is refreshed (one incremental import each) before a
# scheduled push, unless it was this recently.
INDEX_FRESH = timedelta(minutes=10)
DEFAULT_WEBHOOK_POLL_HOURS = 6
# What the scheduled push sends goes together at most this often: documents posted through a
# day take a call an hour, not one per run of the push.
DEFAULT_PUSH_EVERY_MINUTES = 60
# A run of the push starts a little late: one due within this much of a run goes in that run,
# not 10 minutes later.
PUSH_SLACK = timedelta(minutes=5)
# Webhooks silent for longer may be disabled in Xero: the hourly poll comes back.
WEBHOOK_SILENCE = timedelta(days=1)
# Xero's free Starter plan: calls a day per organisation (the default of day_call_limit).
STARTER_DAY_CALLS = 1000
# Xero's calls a day above the Starter plan, and for a Custom Connection (exempt from the app
# tiers).
STANDARD_DAY_CALLS = 5000
# Below this share of the day's calls left (twice the import reserve), the hourly polls run
# only every POLL_SLOW_INTERVAL: sending keeps what is left.
POLL_SLOW_INTERVAL = timedelta(hours=3)
# Xero ends a refresh token unused for 60 days: the keep-alive renews those unused this long.
KEEP_ALIVE_AFTER = timedelta(days=7)
RECONNECT_ACTIVITY = "xero_connector.mail_activity_type_reconnect"
AUTH_METHODS = [
    ("oauth", "Xero app (OAuth 2.0)"),
    ("custom", "Custom Connection"),
]
BUDGET_STATES = [
    ("ample", "Ample"),
    ("low", "Low: polling slows down"),
    ("reserved", "Reserved for sending: polling waits"),
]
DEFAULT_FOLLOWUP_CALL_SHARE = 20  # percent of the day's calls left
XERO_DAY = timedelta(hours=24)  # Xero counts the day's calls over the last 24 hours


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


SEND_MODES = [("manual", "By hand"), ("on_post", "When posted")]
XERO_DOCUMENT_STATUSES = [
    ("DRAFT", "Draft"),
    ("SUBMITTED", "Awaiting approval"),
    ("AUTHORISED", "Approved"),
]


class XeroNeedsReconnect(UserError):
    """The connection lost its authorisation: an administrator must reconnect."""


class XeroConnection(models.Model):
    _name = "xero.connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    auth_method = fields.Selection(
        AUTH_METHODS,
        string="Connect with",
        default="oauth",
        required=True,
        groups="base.group_system",
        help="A Xero app (OAuth 2.0): an administrator approves the connection in Xero, and "
        "Odoo renews the authorisation as it goes. A Custom Connection (a paid Xero option "
        "for one organisation): Odoo asks for a token with the app's client ID and secret, no "
        "approval and no refresh token; it is not held to the Starter plan's calls a day.",
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
    xero_connection_uuid = fields.Char(
        string="Xero connection ID",
        readonly=True,
        copy=False,
        help="Xero's ID of this app's connection to the organisation (not an Odoo record).",
    )
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
    import_cursor_ids = fields.One2many(
        "xero.import.cursor", "connection_id", string="Imports", readonly=True
    )
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
    # When each kind of document goes to Xero, and as what (see account_move.py).
    send_out_invoice = fields.Selection(
        SEND_MODES, string="Send customer invoices", default="manual", required=True
    )
    send_in_invoice = fields.Selection(
        SEND_MODES, string="Send vendor bills", default="manual", required=True
    )
    send_out_refund = fields.Selection(
        SEND_MODES, string="Send customer credit notes", default="manual", required=True
    )
    send_in_refund = fields.Selection(
        SEND_MODES, string="Send vendor credit notes", default="manual", required=True
    )
    status_out_invoice = fields.Selection(
        XERO_DOCUMENT_STATUSES, string="Customer invoices arrive", default="DRAFT", required=True
    )
    status_in_invoice = fields.Selection(
        XERO_DOCUMENT_STATUSES, string="Vendor bills arrive", default="DRAFT", required=True
    )
    status_out_refund = fields.Selection(
        XERO_DOCUMENT_STATUSES,
        string="Customer credit notes arrive",
        default="DRAFT",
        required=True,
    )
    status_in_refund = fields.Selection(
        XERO_DOCUMENT_STATUSES,
        string="Vendor credit notes arrive",
        default="DRAFT",
        required=True,
    )
    send_purchase_order = fields.Selection(
        [("manual", "By hand"), ("on_confirm", "When confirmed")],
        string="Send purchase orders",
        default="manual",
        required=True,
        help="When confirmed: also when approved, where Odoo's purchase approval is on.",
    )
    purchase_order_as = fields.Selection(
        [("purchase_order", "Xero purchase orders"), ("bill", "Bills")],
        string="Purchase orders go to Xero as",
        default="purchase_order",
        required=True,
        help="Bills: the Odoo vendor bill of the order later updates that same Xero bill.",
    )
    status_purchase_order = fields.Selection(
        XERO_DOCUMENT_STATUSES, string="Purchase orders arrive", default="DRAFT", required=True
    )
    send_history_notes = fields.Boolean(
        string="Note each send in Xero's history",
        default=False,
        help="A history note on the Xero document says it came from Odoo, with the Odoo number "
        "and who sent it: one more call to Xero per document sent.",
    )
    send_attachments = fields.Boolean(
        string="Send the files attached",
        default=True,
        help="The files attached to a document (a vendor's bill, a receipt) go to Xero once "
        "each: one call per file.",
    )
    send_odoo_pdf = fields.Boolean(
        string="Send Odoo's PDF",
        default=False,
        help="The PDF Odoo renders of an invoice, credit note or purchase order goes to Xero, "
        "again after each change: one call per send. Xero renders its own PDF of each "
        "document.",
    )
    followup_call_share = fields.Integer(
        string="Share of the day's calls for notes and files (%)",
        default=DEFAULT_FOLLOWUP_CALL_SHARE,
        required=True,
        help="History notes, PDFs and files go after the documents and payments, within this "
        "share of the calls Xero has left for the day (1,000 a day on Xero's Starter plan). "
        "The rest waits for the next day; the documents say so.",
    )
    followup_window_start = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the current day of follow-up calls began (it lasts 24 hours, as Xero's).",
    )
    followup_calls_allowed = fields.Integer(
        readonly=True, copy=False, help="Follow-up calls allowed in the current day."
    )
    followup_calls_spent = fields.Integer(
        readonly=True, copy=False, help="Follow-up calls made in the current day."
    )
    payment_flow = fields.Selection(
        PAYMENT_FLOWS,
        string="Payments",
        default="both",
        required=True,
        help="Where payments are recorded. Both ways: each payment belongs to the side where "
        "it was made and is copied to the other once, never back. Xero's into Odoo: payments "
        "made in Xero become Odoo payments in the journal mapped to their Xero bank account; "
        "Odoo's stay in Odoo. Odoo's into Xero: payments registered or reconciled in Odoo "
        "become Xero payments on the documents they pay; Xero's stay in Xero. Neither: each "
        "side keeps its own, and documents still show Xero's status and amounts due.",
    )
    webhook_poll_hours = fields.Integer(
        string="Poll with webhooks every (hours)",
        default=DEFAULT_WEBHOOK_POLL_HOURS,
        required=True,
        help="While Xero's webhooks reach Odoo, what they report (invoices, bills, contacts) "
        "is polled only at this interval, as a safety net: each poll asks from a little before "
        "the previous one began, so nothing falls between two. Credit notes keep their hourly "
        "poll unless Xero sends payment events (a refund paid on a credit note changes no "
        "invoice); purchase orders and items keep their daily one. Without webhooks, invoices "
        "and credit notes are polled every hour.",
    )
    push_every_minutes = fields.Integer(
        string="Send what is pending at most every (minutes)",
        default=DEFAULT_PUSH_EVERY_MINUTES,
        required=True,
        help="The scheduled action sends the documents, contacts and payments waiting for "
        "Xero together, at most this often: one call takes up to 50 of them. The first change "
        "after a quiet spell goes at the next run (every 10 minutes), and 50 waiting go at "
        "once. 0: every run. The Sync to Xero button always sends at once.",
    )
    day_call_limit = fields.Integer(
        string="Xero calls a day",
        default=STARTER_DAY_CALLS,
        required=True,
        help="The calls a day Xero's plan allows this organisation: 1,000 on the Starter plan, "
        "5,000 above it. Odoo counts from it until Xero says how many are left today; below a "
        "fifth of it left, polling waits for the next day so that sending goes on, and the "
        "share of the day's calls for notes and files is a share of it.",
    )
    minute_call_limit = fields.Integer(
        string="Xero calls a minute",
        default=CALLS_A_MINUTE,
        required=True,
        help="The calls a minute Xero allows an organisation (60). Every Odoo worker's calls "
        "together stay within it, and within 5 at once, before Xero has to refuse any.",
    )
    push_left = fields.Boolean(
        readonly=True,
        copy=False,
        help="The last push stopped (its time, Xero's limits) before it sent all that was "
        "pending: the rest goes at the next run, not with what is posted later.",
    )
    pushed_at = fields.Datetime(
        string="Last sent what was pending",
        readonly=True,
        copy=False,
        help="When the scheduled action last found something waiting for Xero and sent it.",
    )
    webhook_key = fields.Char(
        groups="base.group_system",
        copy=False,
        exportable=False,
        help="The webhook key Xero's developer portal shows for this app: Odoo checks every "
        "delivery's signature with it.",
    )
    webhook_heard_at = fields.Datetime(
        string="Webhooks last heard",
        readonly=True,
        copy=False,
        help="When the last delivery signed with the webhook key arrived (Xero's "
        "intent-to-receive check included).",
    )

    # The health dashboard: what a Xero administrator looks at to know that all is flowing.
    token_renewed_at = fields.Datetime(
        string="Authorisation last renewed", compute="_compute_token_expires_at"
    )
    health_ids = fields.One2many("xero.sync.health", "connection_id", readonly=True)
    last_run_ids = fields.Many2many("xero.run", compute="_compute_last_run_ids")
    calls_today = fields.Integer(
        string="Xero calls in the last 24 hours",
        compute="_compute_calls",
        help="The Accounting API calls Odoo made to this organisation in the last 24 hours, "
        "as Xero counts its daily limit.",
    )
    calls_left_today = fields.Integer(
        string="Calls left",
        compute="_compute_calls",
        help="What Xero last said was left today, less the calls made since; or the daily "
        "limit less the calls counted, whichever is lower.",
    )
    xero_day_calls_left = fields.Integer(
        string="Xero's count of the day's calls left", compute="_compute_calls"
    )
    xero_minute_calls_left = fields.Integer(
        string="Xero's count of this minute's calls left", compute="_compute_calls"
    )
    xero_limits_at = fields.Datetime(string="Xero's counts as of", compute="_compute_calls")
    budget_state = fields.Selection(BUDGET_STATES, string="Calls", compute="_compute_calls")
    budget_message = fields.Char(compute="_compute_calls")
    webhooks_today = fields.Integer(
        string="Webhook events in the last 24 hours", compute="_compute_webhooks_today"
    )
    waiting_count = fields.Integer(
        string="Records waiting for Xero",
        compute="_compute_waiting",
        help="Records to be sent, waiting for a dependency included.",
    )
    waiting_message = fields.Char(compute="_compute_waiting")

    _company_unique = models.Constraint(
        "unique(company_id)", "A company connects to one Xero organisation at a time."
    )
    _webhook_poll_hours_positive = models.Constraint(
        "CHECK(webhook_poll_hours >= 1)", "The poll with webhooks runs at least every hour."
    )
    _day_call_limit_positive = models.Constraint(
        "CHECK(day_call_limit > 0)", "Xero's plan allows some calls a day."
    )
    _push_every_minutes_positive = models.Constraint(
        "CHECK(push_every_minutes >= 0)", "Sending cannot wait a negative number of minutes."
    )
    _followup_call_share_percent = models.Constraint(
        "CHECK(followup_call_share >= 0 AND followup_call_share <= 100)",
        "The share of the day's calls for notes and files is a percentage, 0 to 100.",
    )
    _tenant_unique = models.UniqueIndex(
        "(tenant_id) WHERE tenant_id IS NOT NULL",
        "This Xero organisation is already connected to another company.",
    )

    def _compute_token_expires_at(self):
        for connection in self:
            token = connection.sudo().token_id
            connection.token_expires_at = token.expires_at
            connection.token_renewed_at = token.renewed_at

    def _compute_last_run_ids(self):
        runs = self.env["xero.run"].sudo()
        for connection in self:
            last = runs.browse()
            for action in dict(runs._fields["action"].selection):
                last |= runs.search(
                    [("connection_id", "=", connection.id), ("action", "=", action)], limit=1
                )
            connection.last_run_ids = last.sorted("started_at", reverse=True)

    def _compute_calls(self):
        calls = self.env["xero.call"].sudo()
        for connection in self:
            since = fields.Datetime.now() - XERO_DAY
            connection.calls_today = calls._count_since(connection, since)
            reported = calls._last_reported(connection, since)
            connection.xero_day_calls_left, connection.xero_minute_calls_left = (
                reported[:2] if reported else (0, 0)
            )
            connection.xero_limits_at = reported[2] if reported else False
            left = connection._day_calls_left()
            connection.calls_left_today = left
            connection.budget_state = connection._budget_state(left)
            connection.budget_message = connection._budget_message(left)

    def _compute_webhooks_today(self):
        events = self.env["xero.webhook.event"].sudo()
        since = fields.Datetime.now() - XERO_DAY
        for connection in self:
            connection.webhooks_today = events.search_count(
                [("connection_id", "=", connection.id), ("received_at", ">", since)]
            )

    @api.depends("state")
    def _compute_waiting(self):
        for connection in self:
            counts = connection._waiting_counts()
            connection.waiting_count = sum(counts.values())
            connection.waiting_message = connection._waiting_message(counts)

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
        if "auth_method" in vals and any(
            c.state != "disconnected" and c.sudo().auth_method != vals["auth_method"] for c in self
        ):
            raise UserError(
                self.env._("Disconnect from Xero before changing how this company connects.")
            )
        if "webhook_key" in vals and any(
            c.sudo().webhook_key != (vals["webhook_key"] or False) for c in self
        ):
            # A new key has not been heard from yet (Settings writes the same key back).
            vals = dict({"webhook_heard_at": False}, **vals)
        return super().write(vals)

    @api.model
    def _default_server_url(self):
        return self.env["ir.config_parameter"].sudo().get_param(SERVER_URL_PARAM) or False

    @api.model
    def _for_company(self, company):
        """The company's connection, created on first use."""
        connection = self.sudo().search([("company_id", "=", company.id)], limit=1)
        return connection or self.sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create({"company_id": company.id})

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
        """Start the OAuth2 authorization-code flow with PKCE and the granular scopes; a
        Custom Connection connects at once."""
        self.ensure_one()
        self._check_admin()
        connection = self.sudo()
        if connection.auth_method == "custom":
            return connection._connect_custom()
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

    def _connect_custom(self):
        """A Custom Connection: a token for the app's client ID and secret, and the one
        organisation it is bound to."""
        if not (self.client_id and self.client_secret):
            raise UserError(
                self.env._(
                    "Enter the Client ID and the client secret of your Custom Connection "
                    "before connecting."
                )
            )
        try:
            tokens = oauth.client_credentials_token(
                self._endpoints(), self.client_id, self.client_secret
            )
        except XeroError as error:
            raise UserError(client_text(self.env, mask(error))) from None
        client = self._client_of(tokens.access_token, None)
        try:
            organisation = client.get_organisation()
        except XeroError as error:
            raise UserError(client_text(self.env, mask(error))) from None
        tenant = {"tenantId": organisation.organisation_id, "tenantName": organisation.name}
        self._check_tenant_free(tenant)
        self._store_tokens(tokens)
        if self.state == "needs_reconnect":
            self.write({"state": "disconnected"})
        self._select_tenant(tenant, organisation)
        if self.day_call_limit == STARTER_DAY_CALLS:
            self.day_call_limit = STANDARD_DAY_CALLS
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Connected to %(name)s.", name=organisation.name),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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

    def _select_tenant(self, tenant, organisation=None):
        """Connect the company to ``tenant`` (Xero's connection dict); ``organisation``: its
        Organisation, when already read."""
        self.ensure_one()
        connection = self.sudo()
        connection._check_tenant_free(tenant)
        organisation = organisation or (
            connection._client_of(connection._access_token(), tenant["tenantId"]).get_organisation()
        )
        if connection.last_tenant_id and connection.last_tenant_id != tenant["tenantId"]:
            connection._forget_organisation()
        try:
            with self.env.cr.savepoint():
                connection.write(
                    {
                        "tenant_id": tenant["tenantId"],
                        "last_tenant_id": tenant["tenantId"],
                        "tenant_name": tenant.get("tenantName"),
                        "xero_connection_uuid": tenant.get("id"),
                        "tenant_short_code": organisation.short_code,
                        "tenant_currency": str(
                            getattr(organisation.base_currency, "value", organisation.base_currency)
                            or ""
                        ),
                        "state": "connected",
                        "last_error": False,
                        "last_error_at": False,
                    }
                )
                connection.flush_recordset()
        except pg_errors.UniqueViolation:
            # Another company took it between the check above and this write.
            connection.invalidate_recordset()
            raise UserError(
                connection._already_connected_message(tenant, self.env["res.company"])
            ) from None
        connection._ensure_import_cursors()
        connection._reconnect_activities().action_feedback(feedback=self.env._("Reconnected."))
        self.env["xero.sync.log"]._record(
            connection,
            "connect",
            "success",
            self.env._("Connected to %(name)s.", name=tenant.get("tenantName")),
        )

    def _check_tenant_free(self, tenant):
        """No other company keeps its books in ``tenant``: every company's connections are
        looked at, those of companies this administrator cannot see too."""
        other = self.sudo().search(
            [("tenant_id", "=", tenant["tenantId"]), ("id", "!=", self.id)], limit=1
        )
        if other:
            raise UserError(self._already_connected_message(tenant, other.company_id))

    def _already_connected_message(self, tenant, company):
        """Named only for an administrator of that company: others learn no more than that
        another company has it."""
        if company and company in self.env.user.company_ids:
            holder = company.name
        else:
            holder = self.env._("another company")
        return self.env._(
            "%(organisation)s is already connected to %(company)s: a Xero organisation keeps "
            "the books of one company.",
            organisation=tenant.get("tenantName"),
            company=holder,
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
        self.env["res.partner"].sudo()._xero_forget_summaries(self)
        self.import_cursor_ids.unlink()
        self.env["xero.index"]._forget(self)
        self._clear_rate_limit()
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
        if connection.state == "connected" and connection.xero_connection_uuid:
            try:
                oauth.delete_connection(
                    connection._endpoints(),
                    connection._access_token(),
                    connection.xero_connection_uuid,
                )
            except (XeroError, oauth.OAuthError, UserError) as error:
                _logger.info("Xero disconnect of %s: %s", connection.tenant_name, error)
        connection.write(
            {
                "state": "disconnected",
                "tenant_id": False,
                "tenant_name": False,
                "tenant_short_code": False,
                "xero_connection_uuid": False,
            }
        )
        connection._forget_tokens()
        connection._reconnect_activities().unlink()
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
        """Keep the tokens of a new authorisation.

        An existing token row is rewritten in a transaction of its own, committed at once, so
        that the caller's transaction (the OAuth callback) never holds a write on the row a
        concurrent refresh locks. The first row is created in the caller's transaction: until
        it commits no other worker can see it, so none can conflict with it, and the
        connection that references it is written in that same transaction."""
        values = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": datetime.utcfromtimestamp(tokens.expires_at),
            "renewed_at": fields.Datetime.now(),
        }
        connection = self.sudo()
        stored = connection._with_locked_token(lambda token: token.write(values) or True)
        if stored is NO_TOKEN_ROW:
            connection.token_id = (
                self.env["xero.token"].sudo().create(dict(values, connection_id=connection.id))
            )
        else:
            connection._invalidate_token_cache()
        self._remember_token(values["access_token"], values["expires_at"])

    def _remember_token(self, access_token, expires_at):
        """Tokens renewed in another transaction, for this one: its snapshot predates them."""
        self.env.cr.cache.setdefault("xero_tokens", {})[self.id] = (access_token, expires_at)

    def _known_token(self):
        """(access token, expiry) as this transaction knows them."""
        token = self.sudo().token_id
        return self.env.cr.cache.get("xero_tokens", {}).get(self.id) or (
            token.access_token,
            token.expires_at,
        )

    def _forget_tokens(self):
        """Blank the tokens, in a transaction of their own (see ``_store_tokens``)."""
        connection = self.sudo()
        connection._with_locked_token(
            lambda token: token.write(
                {"access_token": False, "refresh_token": False, "expires_at": False}
            )
        )
        connection._invalidate_token_cache()
        self._remember_token(False, False)

    def _invalidate_token_cache(self):
        """Forget the token values this environment read: another transaction rewrote them."""
        self.token_id.invalidate_recordset()
        self.invalidate_recordset(["access_token", "refresh_token", "token_expires_at"])

    def _access_token(self):
        """A valid access token, renewed under a row lock when it is about to expire."""
        self.ensure_one()
        connection = self.sudo()
        if self._lost_authorisation():
            raise XeroNeedsReconnect(
                self.env.cr.cache.get("xero_lost", {}).get(self.id)
                or connection.last_error
                or self.env._("Reconnect to Xero.")
            )
        token = connection._known_token()
        if token_is_fresh(*token):
            return token[0]
        if not connection.token_id:
            raise XeroNeedsReconnect(self.env._("Connect to Xero first."))
        outcome = connection._refresh_in_own_transaction()
        if outcome is NO_TOKEN_ROW or outcome is NO_REFRESH_TOKEN:
            # Disconnected meanwhile: nothing to renew, and nothing to mark.
            raise XeroNeedsReconnect(self.env._("Connect to Xero first."))
        if isinstance(outcome, oauth.OAuthError):
            raise XeroNeedsReconnect(connection._mark_needs_reconnect(outcome))
        connection._remember_token(*outcome)
        return outcome[0]

    def _expire_access_token(self):
        """Xero refused the access token: the next call renews it.

        The expiry is written in a transaction of its own, and only while the refused token is
        still the stored one: a worker that renewed it meanwhile keeps its fresh token."""
        connection = self.sudo()
        refused = connection._known_token()[0]

        def expire(token):
            if refused and token.access_token == refused:
                token.write({"expires_at": fields.Datetime.now()})

        connection._with_locked_token(expire)
        # Whatever this transaction's snapshot says, the token it used is spent.
        self._remember_token(False, False)

    def _with_locked_token(self, work):
        """Run ``work(token)`` on this connection's token row, locked, in a transaction of its
        own that commits at once (see ``xero.token._run_locked``)."""
        self.ensure_one()
        return self.env["xero.token"]._run_locked(self, work)

    def _refresh_in_own_transaction(self):
        """Renew the tokens in a transaction of their own, committed at once; return the fresh
        (access token, expiry), the OAuthError when Xero refuses the refresh token, or
        NO_TOKEN_ROW / NO_REFRESH_TOKEN when the connection holds no authorisation.

        Xero rotates the refresh token on every use: the new one must be stored even when the
        caller's transaction rolls back, and two workers must not both spend the old one. The
        worker that locks the token row renews it; the others wait for it to commit, then read
        the fresh token in a new transaction.
        """
        return self._with_locked_token(self._refresh_locked)

    def _refresh_locked(self, token, force=False):
        if not force and token_is_fresh(token.access_token, token.expires_at):
            return token.access_token, token.expires_at
        connection = token.connection_id
        custom = connection.auth_method == "custom"
        if not custom and not token.refresh_token:
            return NO_REFRESH_TOKEN
        if custom and not token.access_token:
            return NO_REFRESH_TOKEN  # disconnected
        started = time.monotonic()
        try:
            tokens = connection._renewed_tokens(token)
        except oauth.OAuthError as error:
            if not error.needs_reconnect:
                raise UserError(client_text(self.env, mask(error))) from error
            return error
        expires_at = datetime.utcfromtimestamp(tokens.expires_at)
        token.write(
            {
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "expires_at": expires_at,
                "renewed_at": fields.Datetime.now(),
            }
        )
        # The rotated refresh token is the only valid one: it must survive a rollback of the
        # caller's transaction, and nothing after this point may undo it.
        token.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            token.env["xero.sync.log"]._record(
                connection,
                "refresh_token",
                "success",
                self.env._("Access token refreshed."),
                duration=time.monotonic() - started,
            )
            token.env.cr.commit()  # pylint: disable=invalid-commit
        except CONCURRENCY_ERRORS:
            token.env.cr.rollback()  # pylint: disable=invalid-commit
            _logger.info("Xero token of %s refreshed; its log entry was lost.", connection.id)
        return tokens.access_token, expires_at

    def _renewed_tokens(self, token):
        """New tokens from Xero: a refresh, or a Custom Connection's new client-credentials
        token (it has no refresh token)."""
        if self.auth_method == "custom":
            return oauth.client_credentials_token(
                self._endpoints(), self.client_id, self.client_secret
            )
        return oauth.refresh_tokens(
            self._endpoints(), self.client_id, self.client_secret or None, token.refresh_token
        )

    def _mark_lost(self, message):
        """Xero no longer lets this app into the organisation (disconnected, scope removed)."""
        message = client_text(self.env, message)
        self.sudo().write(
            {
                "state": "needs_reconnect",
                "last_error": self.env._(
                    "%(reason)s An administrator must reconnect in Settings › Xero.", reason=message
                ),
                "last_error_at": fields.Datetime.now(),
            }
        )
        self._ask_admins_to_reconnect_quietly(message)

    def _mark_needs_reconnect(self, error):
        """Xero refused the refresh token for good. Said in a transaction of its own,
        committed at once: the caller's may roll back (a button showing the error), and the
        connection must not go on looking connected, spending a call on a dead token at every
        attempt. Returns the message."""
        message = self.env._(
            "Xero refused the stored authorisation (%(error)s). An administrator must "
            "reconnect in Settings › Xero.",
            error=error.error,
        )
        values = {
            "state": "needs_reconnect",
            "last_error": message,
            "last_error_at": fields.Datetime.now(),
        }
        try:
            with self.env.registry.cursor() as cr:
                # This transaction may hold the row itself: never wait on it for long.
                cr.execute("SET LOCAL lock_timeout = '2s'")
                connection = self.with_env(self.env(cr=cr, su=True))
                connection._write_quietly(values)
                connection.env["xero.sync.log"]._record(
                    connection, "refresh_token", "error", message
                )
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
            # The row is this transaction's, or another worker's just now: say it here.
            if lock_quietly(self.sudo()):
                self.sudo().write(values)
        self._ask_admins_to_reconnect_quietly(message, apart=True)
        # This transaction's snapshot predates that: it remembers the loss on its own.
        self.env.cr.cache.setdefault("xero_lost", {})[self.id] = message
        return message

    def _ask_admins_to_reconnect_quietly(self, reason, apart=False):
        """``_ask_admins_to_reconnect`` in a savepoint, or (``apart``: the loss was said in a
        transaction of its own) in a transaction of its own: a failure to notify never takes
        the loss back."""
        try:
            if apart:
                with self.env.registry.cursor() as cr:
                    self.with_env(self.env(cr=cr, su=True))._ask_admins_to_reconnect(reason)
            else:
                with self.env.cr.savepoint():
                    self._ask_admins_to_reconnect(reason)
        except Exception:  # noqa: BLE001 - the connection is marked; the to-do is a courtesy
            _logger.warning(
                "Xero: the administrators of %s could not be given a to-do to reconnect: %s",
                self.display_name,
                mask(traceback.format_exc()),
            )

    def _ask_admins_to_reconnect(self, reason):
        """A to-do for each Xero administrator of the company, once while the connection
        waits for its reconnect."""
        connection = self.sudo()
        if connection._reconnect_activities():
            return
        admins = self.env.ref("xero_connector.group_xero_admin").all_user_ids.filtered(
            lambda user: (
                user.active and not user.share and connection.company_id in user.company_ids
            )
        )
        for admin in admins:
            connection.activity_schedule(
                RECONNECT_ACTIVITY,
                user_id=admin.id,
                summary=self.env._("Reconnect Xero"),
                note=reason,
            )

    def _reconnect_activities(self):
        activity_type = self.env.ref(RECONNECT_ACTIVITY)
        return self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _column_value(self, name, value):
        """A field's value as its column takes it (False: NULL, for a date)."""
        return self._fields[name].convert_to_column(value, self)

    def _write_quietly(self, values):
        """Write these simple fields of the connection row at once, an error raised to the
        caller rather than logged as a bad query."""
        self.env.cr.execute(
            SQL(
                "UPDATE xero_connection SET %s WHERE id = %s",
                SQL(", ").join(
                    SQL(
                        "%s = %s",
                        SQL.identifier(name),
                        self._fields[name].convert_to_column(value, self),
                    )
                    for name, value in values.items()
                ),
                self.id,
            ),
            log_exceptions=False,
        )
        self.invalidate_recordset(list(values))

    # -- the API ------------------------------------------------------------------------------
    def _client(self):
        """An API client for this connection's organisation, with a valid token."""
        self.ensure_one()
        if self.state != "connected":
            raise XeroNeedsReconnect(
                self.last_error
                or self.env._("%(company)s is not connected to Xero.", company=self.company_id.name)
            )
        return self._client_of(self._access_token(), self.tenant_id)

    def _client_of(self, access_token, tenant_id):
        """A client of ``tenant_id`` with this token, each call counted (xero.call). A Custom
        Connection's calls name no organisation: its token is bound to one."""
        client = XeroClient(
            self._endpoints(),
            access_token,
            None if self.auth_method == "custom" else tenant_id,
            logger=_logger,
            on_answer=lambda method, status, elapsed_ms: self._count_call(
                client, method, status, elapsed_ms
            ),
            renew_token=self._renew_refused_token,
            admit=lambda method: self.env["xero.call"]._admitted(self, self.minute_call_limit),
        )
        return client

    def _renew_refused_token(self):
        """A new access token for the one Xero refused (expired early, or revoked): renewed
        once under the token's lock, by whichever worker comes first. A refused renewal
        raises XeroNeedsReconnect, and stops this connection's work until a reconnect."""
        self._expire_access_token()
        return self._access_token()

    def _count_call(self, client, method, status, elapsed_ms):
        self.env["xero.call"]._note(self, method, status, elapsed_ms, client.answer_limits)

    def _note_rate_limit(self, retry_after):
        """Xero refused a call until ``retry_after`` seconds from now: noted in a transaction
        of its own (the latest end wins), so that every worker waits, whatever becomes of
        the caller's transaction; a note it rolled back would have the next call refused
        again. Returns the end."""
        until = fields.Datetime.now() + timedelta(seconds=retry_after)
        try:
            with own_transaction(self.env) as cr:
                cr.execute(
                    "UPDATE xero_connection SET rate_limited_until ="
                    " GREATEST(rate_limited_until, %s) WHERE id = %s",
                    (until, self.id),
                    log_exceptions=False,
                )
                noted_apart = bool(cr.rowcount)
        except OWN_TRANSACTION_MISSES + CONCURRENCY_ERRORS:
            noted_apart = False
        if not noted_apart and lock_quietly(self.sudo()):
            # The row is the caller's (not committed yet, or held): said in its transaction.
            later = max(end for end in (until, self.rate_limited_until) if end)
            self.sudo().write({"rate_limited_until": later})
        self.invalidate_recordset(["rate_limited_until"])
        # The caller's snapshot predates that commit: it remembers the end on its own.
        noted = self.env.cr.cache.setdefault("xero_rate_limited", {})
        noted[self.id] = max(until, noted.get(self.id) or until)
        return until

    def _rate_limit_end(self):
        """When Xero's rate limit ends (False: none noted), as this transaction knows it."""
        ends = [
            self.rate_limited_until,
            self.env.cr.cache.get("xero_rate_limited", {}).get(self.id),
        ]
        return max((end for end in ends if end), default=False)

    def _clear_rate_limit(self):
        self.write({"rate_limited_until": False})
        self.env.cr.cache.get("xero_rate_limited", {}).pop(self.id, None)

    def _is_rate_limited(self):
        end = self._rate_limit_end()
        return bool(end and end > fields.Datetime.now())

    def _set_error(self, message):
        """Say the last error on the connection, unless another transaction is saying one
        (it holds the row, or wrote it since this transaction began)."""
        if lock_quietly(self.sudo()):
            self.sudo().write(
                {
                    "last_error": client_text(self.env, mask(message)),
                    "last_error_at": fields.Datetime.now(),
                }
            )

    def _import_cursor(self, name):
        return self.env["xero.import.cursor"]._for(self, name)

    def _import_reserve(self):
        """The calls left today below which polling waits: IMPORT_RESERVE_PERCENT of the
        day's calls."""
        return self.day_call_limit * IMPORT_RESERVE_PERCENT // 100

    def _import_budget_left(self):
        """Whether polling Xero may spend calls now: below the reserve of calls left today
        (_import_reserve), the rest of the day's calls are kept for sending what Odoo
        changed."""
        return self._budget_state() != "reserved"

    def _day_calls_left(self):
        """The calls Xero has left for the organisation today: what its last answer of the
        last 24 hours said, less the calls made since; without one, the plan's daily limit
        (day_call_limit) less the calls made in the last 24 hours (Xero's day is a rolling
        one)."""
        calls = self.env["xero.call"].sudo()
        since = fields.Datetime.now() - XERO_DAY
        reported = calls._last_reported(self, since)
        if reported:
            return max(reported[0] - calls._count_since(self, reported[2]), 0)
        return max(self.day_call_limit - calls._count_since(self, since), 0)

    def _budget_state(self, left=None):
        """How the day's calls stand (BUDGET_STATES), ``left`` of them (_day_calls_left):
        below twice the import reserve the hourly polls slow down to POLL_SLOW_INTERVAL,
        below the reserve they wait; sending goes on until Xero refuses."""
        left = self._day_calls_left() if left is None else left
        if left <= self._import_reserve():
            return "reserved"
        if left <= 2 * self._import_reserve():
            return "low"
        return "ample"

    def _budget_message(self, left):
        state = self._budget_state(left)
        if state == "ample":
            return False
        if state == "low":
            return self.env._(
                "Only %(left)s of the day's %(limit)s Xero calls are left: polling Xero slows "
                "down to every %(hours)s hours so that sending goes on.",
                left=left,
                limit=self.day_call_limit,
                hours=int(POLL_SLOW_INTERVAL.total_seconds() // 3600),
            )
        return self.env._(
            "Only %(left)s of the day's %(limit)s Xero calls are left: polling Xero waits "
            "until calls free up; they are kept for sending.",
            left=left,
            limit=self.day_call_limit,
        )

    def _waiting_counts(self):
        """{synced model: records to be sent, waiting for a dependency or not} of this
        connection, those with some: the health dashboard's counts."""
        if not self.id:
            return {}
        rows = self.env["xero.sync.health"].sudo()._for_connection(self)
        rows.invalidate_recordset()  # counted now, not when this transaction first read them
        return {
            row.res_model: row.pending_count + row.waiting_count
            for row in rows
            if row.pending_count + row.waiting_count
        }

    def _waiting_message(self, counts):
        """The banner of a connection that cannot send: what waits for it."""
        if self.state == "connected" or not counts:
            return False
        records = ", ".join(self._count_label(name, count) for name, count in counts.items())
        if self.state == "needs_reconnect":
            return self.env._(
                "%(records)s wait to be sent to Xero: reconnect to Xero to send them.",
                records=records,
            )
        return self.env._(
            "%(records)s wait to be sent to Xero: connect to Xero to send them.",
            records=records,
        )

    def _count_label(self, model_name, count):
        labels = {
            "res.partner": lambda: self.env._("%(count)s contacts", count=count),
            "product.product": lambda: self.env._("%(count)s products", count=count),
            "purchase.order": lambda: self.env._("%(count)s purchase orders", count=count),
            "account.move": lambda: self.env._("%(count)s invoices and bills", count=count),
        }
        if model_name in labels:
            return labels[model_name]()
        return self.env._(
            "%(count)s %(records)s",
            count=count,
            records=self.env["ir.model"]._get(model_name).name,
        )

    def _followup_calls_left(self):
        """How many calls history notes, PDFs and files may still make now: at most
        ``followup_call_share`` percent of the calls Xero had left when their day began
        (those spent since counted off), and of the calls left now. Their day lasts 24 hours,
        as Xero's; the next begins with the next follow-up."""
        share = max(0, min(self.followup_call_share, 100))
        allowed_now = self._day_calls_left() * share // 100
        start = self.followup_window_start
        if not start or start < fields.Datetime.now() - XERO_DAY:
            # Another transaction holding the row (the scheduled action's follow-ups while a
            # button sends a few): that one opens the day.
            if lock_quietly(self.sudo()):
                self.sudo().write(
                    {
                        "followup_window_start": fields.Datetime.now(),
                        "followup_calls_allowed": allowed_now,
                        "followup_calls_spent": 0,
                    }
                )
            return allowed_now
        return max(0, min(self.followup_calls_allowed - self.followup_calls_spent, allowed_now))

    def _note_followup_calls(self, spent):
        """Count ``spent`` calls against the follow-ups' share of the day (unless another
        transaction holds the connection: never wait for it, nor collide with it)."""
        if spent and lock_quietly(self.sudo()):
            self.sudo().write({"followup_calls_spent": self.followup_calls_spent + spent})

    def _webhooks_working(self):
        """Whether Xero's webhooks reach this connection: a key is set and a delivery signed
        with it came in the last day. Xero disables a webhook after a day of failed
        deliveries, unseen here: past that, the poll is all there is."""
        return bool(
            self.sudo().webhook_key
            and self.webhook_heard_at
            and self.webhook_heard_at > fields.Datetime.now() - WEBHOOK_SILENCE
        )

    def _webhooks_report(self, coverage):
        """Whether Xero's webhooks report now what an import of this ``coverage``
        (IMPORT_SCHEDULE) reads."""
        if coverage is NEVER or not self._webhooks_working():
            return False
        return coverage is ALWAYS or self._heard_payment_events()

    def _heard_payment_events(self):
        """Whether Xero sent this organisation's PAYMENT events lately: an app subscribes to
        the categories it wants in Xero's developer portal."""
        return bool(
            self.env["xero.webhook.event"]
            .sudo()
            .search_count(
                [
                    ("connection_id", "=", self.id),
                    ("category", "=", "PAYMENT"),
                    ("received_at", ">", fields.Datetime.now() - WEBHOOK_SILENCE),
                ],
                limit=1,
            )
        )

    def _records_xero_payments(self):
        """Whether Xero's payments are recorded in Odoo."""
        return self.payment_flow in ("both", "from_xero")

    def _sends_odoo_payments(self):
        """Whether Odoo's payments go to Xero."""
        return self.payment_flow in ("both", "to_xero")

    @api.model
    def _of_company(self, company):
        """The company's connection, or an empty recordset (never created here)."""
        return self.sudo().search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _not_connected_message(self, company):
        connection = self._of_company(company)
        if connection.state == "needs_reconnect":
            return connection.last_error or self.env._(
                "%(company)s must be reconnected to Xero in Settings › Xero: this waits until "
                "then.",
                company=company.name,
            )
        return self.env._(
            "%(company)s is not connected to Xero: this waits until an administrator connects "
            "it in Settings › Xero.",
            company=company.name,
        )

    def _rate_limit_message(self):
        until = fields.Datetime.context_timestamp(self, self._rate_limit_end())
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
        """The synced models, each after the models it depends on."""
        names = self.env.registry.descendants(["xero.sync.mixin"], "_inherit")
        models_ = {
            name: self.env[name]._xero_depends_on
            for name in sorted(names)
            if name != "xero.sync.mixin" and not self.env[name]._abstract
        }
        return drain_order(models_)

    @api.model
    def _import_plan(self):
        """Every pull from Xero, in the order one scheduled action runs them: (import name,
        model, method). The document imports add theirs here; IMPORT_SCHEDULE says when
        each runs."""
        return [
            ("contacts", "res.partner", "_xero_import_contacts"),
            ("items", "product.product", "_xero_import_items"),
            ("purchase_orders", "purchase.order", "_xero_import_purchase_orders"),
            ("deleted_purchase_orders", "purchase.order", "_xero_import_deleted_purchase_orders"),
            ("invoices", "account.move", "_xero_import_invoices"),
            ("credit_notes", "account.move", "_xero_import_credit_notes"),
            ("payments", "account.move", "_xero_import_payments"),
            ("partner_summaries", "res.partner", "_xero_refresh_summaries"),
        ]

    # -- the index of Xero's contacts and items (xero.index) ----------------------------------
    def _index_imports(self):
        """The imports that build the index: {import name: (model name, method)}."""
        return {
            model._xero_index_import[0]: (model._name, model._xero_index_import[1])
            for model in (self.env[name] for name in self._synced_models())
            if model._xero_index_import
        }

    def _index_label(self, name):
        return {"contacts": self.env._("contacts"), "items": self.env._("items")}.get(name, name)

    def _index_ready(self, name):
        """Whether the import ``name`` has read the organisation's objects in full once: the
        index then holds every one of them, its own writes and later imports keeping it."""
        return bool(self._import_cursor(name).watermark)

    def _refresh_indexes(self):
        """Before a push, the indexes not refreshed for INDEX_FRESH, or never read in full, by
        their imports, in the scheduled action's transactions: they commit page by page, and
        stop when the run's time is up. False: stop (Xero's limits)."""
        if not self._import_budget_left() or self.env["xero.sync.mixin"]._xero_run_share_spent():
            return True  # the day's last calls go to sending, or this run's time is spent
        fresh_after = fields.Datetime.now() - INDEX_FRESH
        for name, (model_name, method) in self._index_imports().items():
            cursor = self._import_cursor(name)
            if cursor.finished_at and not cursor.resume and cursor.finished_at > fresh_after:
                continue
            if not self._import_one(model_name, method):
                return False
        return True

    def _ensure_import_cursors(self):
        """One progress record per import, made when the organisation is chosen: made later,
        on first use, two workers would both make it."""
        for name, _model, _method in self._import_plan():
            self._import_cursor(name)

    @api.model
    def _cron_push_pending(self):
        """What is pending, every company's, then (a last phase) the history notes, PDFs
        and files of the documents sent, within their share of the day's calls: they never
        hold back a document, a payment or a poll."""
        runs = self.env["xero.run"]
        # A database has a handful of companies, each with at most one connection.
        pushed = self.browse()
        for connection in self.sudo().search([], limit=None):
            if connection.state != "connected":
                connection._explain_pending_records()
                continue
            if connection._is_rate_limited():
                continue
            with runs._recording(connection, "push") as recorded:
                whole = recorded._push_all()
                recorded._note_push_left(not whole)
                if whole:
                    pushed |= connection
            if self.env.context.get("cron_id") and not self.env["ir.cron"]._commit_progress():
                self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
                return
        # Only where everything pending went: the follow-ups never go first.
        for connection in pushed:
            if connection.state != "connected" or connection._is_rate_limited():
                continue
            with runs._recording(connection, "followups") as recorded:
                recorded._run_isolated(recorded._push_followups)
            if self.env.context.get("cron_id") and not self.env["ir.cron"]._commit_progress():
                self.env.ref("xero_connector.ir_cron_xero_push")._trigger()
                return

    def _push_all(self):
        """Removals, then each synced model's pending records, dependencies first. False:
        the push stopped (Xero's limits, an error, time up)."""
        held = self._push_waits()
        if not self._run_isolated(self._push_removals):
            return False
        if self._has_new_pending() and not self._refresh_indexes():
            return False
        for model_name in self._synced_models():
            model = self.env[model_name].sudo()
            if held and model._xero_push_together:
                continue
            if not self._run_isolated(model._xero_push_pending, self):
                return False
        return True

    def _push_waits(self):
        """Whether the documents, contacts and items waiting for Xero keep waiting this run,
        to go together with what follows: the last push of them was less than
        ``push_every_minutes`` ago and fewer than a batch wait. Otherwise, when some wait,
        this push is noted as the last. Payments and removals never wait."""
        waiting = self._count_waiting(limit=BATCH_SIZE)
        if not waiting:
            return False
        now = fields.Datetime.now()
        due = self.pushed_at and self.pushed_at + timedelta(minutes=self.push_every_minutes)
        # What the last push left (stopped by its time or Xero's limits) goes on now.
        if due and now < due - PUSH_SLACK and waiting < BATCH_SIZE and not self.push_left:
            return True
        # Another worker writing the row (a push, Xero's count of calls): this push goes
        # unnoted, and the next one goes too.
        if lock_quietly(self):
            self._write_quietly({"pushed_at": now})
        return False

    def _note_push_left(self, left):
        """Whether the push just run stopped before it sent all that was pending."""
        if self.push_left != left and lock_quietly(self):
            self._write_quietly({"push_left": left})

    def _has_new_pending(self):
        """Whether records new to Xero wait to be sent: they, or the new contacts and items
        they need, are matched against the index."""
        for model_name in self._synced_models():
            model = self.env[model_name].sudo().with_company(self.company_id)
            domain = model._xero_pending_domain(self) + [("xero_id", "=", False)]
            if model.with_context(active_test=False).search_count(domain, limit=1):
                return True
        return False

    def _count_waiting(self, limit):
        """How many records that go together wait for Xero, counted up to ``limit``."""
        count = 0
        for model_name in self._synced_models():
            model = self.env[model_name].sudo().with_company(self.company_id)
            if count >= limit or not model._xero_push_together:
                continue
            count += model.with_context(active_test=False).search_count(
                model._xero_pending_domain(self), limit=limit - count
            )
        return count

    def _push_at_next_run(self):
        """What waits goes at the next run of the push (someone asked for it now)."""
        if self.pushed_at and lock_quietly(self):
            self._write_quietly({"pushed_at": False})

    def _push_followups(self):
        """The history notes, PDFs and files of this organisation's documents sent, oldest
        first, within their share of the day's calls. False: stop for now."""
        for model_name in self._synced_models():
            model = self.env[model_name].sudo()
            if "xero_followup_pending" not in model._fields:
                continue
            pending = model.with_company(self.company_id).search(
                [("xero_followup_pending", "=", True), ("company_id", "=", self.company_id.id)],
                order="id",
            )
            if pending and not pending._xero_send_followups(self):
                return False
        return True

    def _explain_pending_records(self):
        """Records waiting for a company that is not connected say why."""
        message = self._not_connected_message(self.company_id)
        for model_name in self._synced_models():
            model = self.env[model_name].sudo().with_company(self.company_id)
            waiting = model.with_context(active_test=False).search(
                self.env[model_name]._xero_pending_domain(self)
                + ["|", ("xero_error", "=", False), ("xero_error", "!=", message)]
            )
            waiting._xero_write({"xero_error": message})

    def _push_removals(self):
        """Archive, void or delete in Xero the objects of records deleted in Odoo."""
        removals = (
            self.env["xero.removal"]
            .sudo()
            .search([("connection_id", "=", self.id), ("state", "=", "pending")], order="id")
        )
        for group in removals.grouped(lambda r: (r.res_model, r.endpoint)).values():
            if group[:1].res_model not in self.env:
                continue
            for start in range(0, len(group), BATCH_SIZE):
                if not group[start : start + BATCH_SIZE]._send(self):
                    return False
        return True

    @api.model
    def _cron_import(self):
        """The imports due (IMPORT_SCHEDULE) of every connected organisation, within the
        day's call budget."""
        for connection in self.sudo().search([("state", "=", "connected")]):
            with self.env["xero.run"]._recording(connection, "import") as recorded:
                recorded._import_all(scheduled=True)

    @api.model
    def _cron_keep_alive(self):
        """Renew the authorisations no run renewed for KEEP_ALIVE_AFTER: Xero ends a refresh
        token unused for 60 days, and a connection that dies so is found only weeks later.
        A Custom Connection has no refresh token to keep."""
        due = fields.Datetime.now() - KEEP_ALIVE_AFTER
        for connection in self.sudo().search(
            [("state", "=", "connected"), ("auth_method", "=", "oauth")]
        ):
            if connection.token_renewed_at and connection.token_renewed_at > due:
                continue
            with self.env["xero.run"]._recording(connection, "keep_alive") as recorded:
                recorded._run_isolated(recorded._keep_alive)

    def _keep_alive(self):
        """Renew the tokens now, fresh or not. A renewal Xero does not answer now (its
        identity service down, another worker renewing) is tried again at the next run: the
        tokens have weeks left, and the connection is no worse for it."""
        try:
            outcome = self._with_locked_token(lambda token: self._refresh_locked(token, force=True))
        except (XeroError, UserError) as error:
            self.env["xero.sync.log"]._record(
                self,
                "refresh_token",
                "retry",
                self.env._(
                    "The authorisation was not renewed now (%(reason)s): the keep-alive tries "
                    "again at its next run.",
                    reason=client_text(self.env, mask(error)),
                ),
            )
            return
        if isinstance(outcome, oauth.OAuthError):
            self._mark_needs_reconnect(outcome)
        elif outcome is NO_TOKEN_ROW or outcome is NO_REFRESH_TOKEN:
            self._mark_lost(self.env._("Odoo holds no authorisation to renew."))
        else:
            self._invalidate_token_cache()
            self._remember_token(*outcome)

    def _import_all(self, scheduled=False):
        """This organisation's imports, in order, within the day's call budget; ``scheduled``:
        only those due now. In a scheduled action each import's end is committed, as its
        pages are: a later import that fails rolls back no further."""
        for name, model_name, method in self._import_plan():
            if scheduled and not self._import_due(name):
                continue
            if self.env["xero.sync.mixin"]._xero_run_share_spent():
                self.env.ref("xero_connector.ir_cron_xero_import")._trigger()
                break
            if not self._import_one(model_name, method):
                break
            if self.env.context.get("cron_id"):
                self.env["ir.cron"]._commit_progress()

    def _import_due(self, name):
        """Whether the scheduled action runs the import ``name`` now: an unfinished or failed
        one goes on at once; otherwise when its interval (IMPORT_SCHEDULE; with webhooks
        working, at least the poll interval for what they report) has passed since its last
        finished run, or when an import whose changes imply its own (payments: invoices,
        credit notes) read a change since its watermark. The watermark's margin makes each
        window overlap the previous one, however far apart they are."""
        cursor = self._import_cursor(name)
        if cursor.resume or not cursor.finished_at:
            return True
        interval, webhooks_report, implied_by = IMPORT_SCHEDULE.get(name, (HOURLY, NEVER, ()))
        if self._webhooks_report(webhooks_report):
            interval = max(interval or timedelta(), timedelta(hours=self.webhook_poll_hours))
        if interval is HOURLY and self._budget_state() == "low":
            interval = POLL_SLOW_INTERVAL
        if interval is HOURLY:
            return True
        if cursor.finished_at <= fields.Datetime.now() - interval + SCHEDULE_SLACK:
            return True
        return any(
            self._import_cursor(other)._changed_since(cursor.watermark) for other in implied_by
        )

    def _import_one(self, model_name, method):
        """One import, unless Xero's limits say wait. False: the later imports wait too."""
        if self._is_rate_limited():
            return False
        if not self._import_budget_left():
            self.env["xero.sync.log"]._record(
                self,
                "import",
                "rate_limited",
                self.env._(
                    "Only %(left)s Xero calls are left today: imports wait for "
                    "tomorrow, sending goes on.",
                    left=self._day_calls_left(),
                ),
            )
            return False
        self._run_isolated(getattr(self.env[model_name].sudo(), method), self)
        return not self._lost_authorisation()

    def _lost_authorisation(self):
        """Whether Xero refused this connection's authorisation, here or in a transaction of
        its own since this one began: nothing more is asked of Xero until a reconnect."""
        return bool(
            self.env.cr.cache.get("xero_lost", {}).get(self.id)
            or self.sudo().state == "needs_reconnect"
        )

    def _import_all_committed(self):
        """The imports from a button, each in a transaction of its own, committed as it ends
        (as the scheduled action commits its progress): a request commits once, at its end,
        so one import that fails would roll back those done before it in the same click."""
        self.env.flush_all()
        for _name, model_name, method in self._import_plan():
            with self.env.registry.cursor() as cr:
                go_on = self.with_env(self.env(cr=cr))._import_one(model_name, method)
            if not go_on:
                break
        self.env.invalidate_all()

    def action_import_changes(self):
        """Every import, now, whether due or not (see IMPORT_SCHEDULE)."""
        self.ensure_one()
        self._check_admin()
        if self.state != "connected":
            raise UserError(self._not_connected_message(self.company_id))
        self.sudo()._import_all_committed()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Xero's changes are imported: the sync log has the detail."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _run_isolated(self, work, *args):
        """Run one connection's share of a scheduled action; its failure is logged and does
        not keep the other companies waiting. The work commits its own progress, so a
        failure rolls back to the last commit."""
        try:
            done = work(*args)
            # What it wrote meets other workers' rows now, not at the next commit outside.
            self.env.flush_all()
            return done
        except CONCURRENCY_ERRORS as error:
            # Another worker held or changed the same rows: no fault of anyone's, and nothing
            # a person can act on. What was not committed goes again at the next run.
            _logger.info("Xero scheduled work of %s met another worker: %s", self.id, error)
            self.env.cr.rollback()  # pylint: disable=invalid-commit
            self._run_again_soon()
            connection = self.env["xero.run"]._still_recorded(self)
            connection.env["xero.sync.log"]._record(
                connection, "update", "retry", self.env["xero.run"]._another_worker_message()
            )
            return False
        except Exception as error:  # noqa: BLE001 - logged, then the next connection runs
            _logger.error(
                "Xero scheduled work failed for %s: %s",
                self.display_name,
                mask(traceback.format_exc()),
            )
            self.env.cr.rollback()  # pylint: disable=invalid-commit
            connection = self.env["xero.run"]._still_recorded(self)
            connection._set_error(str(error))
            connection.env["xero.sync.log"]._record(connection, "update", "error", str(error))
            return False

    def _run_again_soon(self):
        """The scheduled action running now goes again in a minute: what it rolled back
        waits no longer than that, not until its next interval."""
        cron_id = self.env.context.get("cron_id")
        if cron_id:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger(
                at=fields.Datetime.now() + timedelta(minutes=1)
            )

    # -- the health dashboard -----------------------------------------------------------------
    @api.model
    def _action_open_company_health(self):
        """The menu's dashboard: the current company's connection."""
        return self._for_company(self.env.company).with_env(self.env).action_open_health()

    def action_open_health(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Xero Sync Health"),
            "res_model": "xero.connection",
            "res_id": self.id,
            "views": [(self.env.ref("xero_connector.view_xero_connection_health_form").id, "form")],
            "target": "current",
        }

    def action_open_calls(self):
        """The calls of the last 24 hours (as calls_today counts them), per hour in Odoo's
        graph view."""
        action = self._open_own("xero_connector.action_xero_call")
        since = fields.Datetime.to_string(fields.Datetime.now() - XERO_DAY)
        action["domain"] += [("called_at", ">", since)]
        return action

    def action_open_runs(self):
        return self._open_own("xero_connector.action_xero_run")

    def action_open_webhook_events(self):
        return self._open_own("xero_connector.action_xero_webhook_event")

    def _open_own(self, action_xml_id):
        """An action's records, this connection's only."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xml_id)
        action["domain"] = [("connection_id", "=", self.id)]
        return action

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
