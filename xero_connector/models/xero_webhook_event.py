# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from ..locking import lock_quietly
from ..xero_client.webhooks import verify

_logger = logging.getLogger(__name__)

# What each category of event makes the scheduled action read again: the imports of the
# poll (xero.connection._import_plan), by name. An invoice event may be a payment or an
# allocation (Xero shows them as an UPDATE of the invoice), a credit note event a refund.
# The partner summaries (balances, a call of their own) are left to the hourly poll, which
# reads those of the contacts these imports noted: each payment would cost a call more.
IMPORTS_OF_CATEGORY = {
    "CONTACT": ("contacts",),
    "INVOICE": ("invoices", "payments"),
    "CREDITNOTE": ("credit_notes", "payments"),
    # The payment's invoice or credit note has an event of its own.
    "PAYMENT": ("payments",),
}
# The Odoo models whose records events of a category may be about: those of Odoo's own writes
# are known by their date (xero_written_at). A payment Odoo writes changes its document too.
MODELS_OF_CATEGORY = {
    "INVOICE": ("account.move", "purchase.order"),
    "CREDITNOTE": ("account.move",),
    "PAYMENT": ("xero.odoo.payment",),
}
# Xero dates an event by the change, as it dates the object's UpdatedDateUTC: an event dated
# as Odoo's write of its object, or up to this much before, is that write's (never one dated
# after it). A change made in Xero in the second before Odoo's write is read by the next poll.
ECHO_TOLERANCE = timedelta(seconds=1)
# Known, and read by the imports above through the invoices they are applied to.
ACKNOWLEDGED_CATEGORIES = ("PREPAYMENT", "SUBSCRIPTION")
# Xero retries a delivery for 24 hours: an event older than this is a replay, not news.
EVENT_MAX_AGE = timedelta(days=2)
KEEP_EVENTS = timedelta(days=7)
HEARD_EVERY = timedelta(minutes=5)
BUSY_RETRY = timedelta(minutes=1)
# Events are applied at once, up to APPLY_BURST times in BURST_WINDOW (someone approving,
# then paying an invoice in Xero); while more keep coming (a bookkeeper reconciling the bank
# in Xero), at most every APPLY_GAP: each application reads what changed in 2 calls, whatever
# the number of events.
APPLY_BURST = 3
BURST_WINDOW = timedelta(minutes=10)
APPLY_GAP = timedelta(minutes=2)


class XeroWebhookEvent(models.Model):
    """An event Xero's webhooks delivered: which object of which organisation changed.

    The delivery route stores them and wakes the scheduled action, calling nothing while
    Xero waits; the scheduled action reads what changed with the poll's own imports, many
    objects per call, and applies it as the poll does. An event tells only that an object
    changed, never what it became: duplicate, late and out-of-order events are read
    again at no harm, and one event stored twice (Xero's retries, a replay) is kept once."""

    _name = "xero.webhook.event"
    _description = "Xero webhook event"
    _order = "id desc"
    _log_access = False

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True, readonly=True
    )
    category = fields.Char(required=True, readonly=True)
    event_type = fields.Char(required=True, readonly=True)
    resource_id = fields.Char(string="Xero ID", required=True, readonly=True)
    event_date = fields.Datetime(string="Changed in Xero", required=True, readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, index=True)
    state = fields.Selection(
        [
            ("pending", "To apply"),
            ("done", "Applied"),
            ("ignored", "Ignored"),
            ("failed", "Failed"),
        ],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    note = fields.Char(readonly=True)
    applied_at = fields.Datetime(
        readonly=True, help="When Odoo read from Xero what this event told of."
    )

    _event_unique = models.UniqueIndex(
        "(connection_id, category, resource_id, event_type, event_date)",
        "Xero's event is kept once.",
    )

    # -- receiving ----------------------------------------------------------------------------
    @api.model
    def _connections_signing(self, body, signature):
        """The connections whose webhook key signed ``body``: Xero signs with the key of the
        app that delivers, and each company may have its own app."""
        connections = self.env["xero.connection"].sudo().search([("webhook_key", "!=", False)])
        # Every key is tried, in constant time each, so the time taken tells nothing.
        return connections.filtered(lambda c: verify(c.webhook_key, body, signature))

    @api.model
    def _receive(self, connections, events):
        """Store the events of a well-signed delivery that concern these connections'
        organisations, each once, and wake the scheduled action. Returns how many were new."""
        now = fields.Datetime.now()
        by_tenant = {c.tenant_id: c for c in connections if c.tenant_id}
        rows = []
        for event in events:
            connection = by_tenant.get(event["tenantId"])
            if not connection:
                continue  # an organisation no company here is connected to
            state, note = self._first_state(event, now)
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    connection.id,
                    connection.company_id.id,
                    event["eventCategory"][:64],
                    event["eventType"][:64],
                    event["resourceId"][:64],
                    event["eventDateUtc"],
                    now,
                    state,
                    note,
                )
            )
        # The intent-to-receive check has no event; a delivery is heard by the connections
        # whose organisations it concerns (a key copied to another company is not).
        tenants = {event["tenantId"] for event in events}
        self._note_heard(connections.filtered(lambda c: not events or c.tenant_id in tenants), now)
        if not rows:
            return 0
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO xero_webhook_event (connection_id, company_id, category,"
                        " event_type, resource_id, event_date, received_at, state, note)"
                        " VALUES %s ON CONFLICT DO NOTHING",
                        SQL(", ").join(rows),
                    ),
                    log_exceptions=False,
                )
                stored = self.env.cr.rowcount
        except psycopg2.errors.SerializationFailure:
            # Xero's retry of a delivery still being stored by another request: that one
            # stores them. Answered at once, not after Odoo's retries of the request.
            return 0
        if stored:
            self.env.ref("xero_connector.ir_cron_xero_webhooks").sudo()._trigger(
                at=self._next_application(connections, now)
            )
        return stored

    @api.model
    def _next_application(self, connections, now):
        """When these connections' new events are applied: now, unless events that called
        Xero were applied APPLY_BURST times in the last BURST_WINDOW (then APPLY_GAP after the
        last time)."""
        self.env.cr.execute(
            "SELECT DISTINCT applied_at FROM xero_webhook_event"
            " WHERE connection_id IN %s AND applied_at > %s ORDER BY applied_at DESC LIMIT %s",
            (tuple(connections.ids), now - BURST_WINDOW, APPLY_BURST),
        )
        recent = [row[0] for row in self.env.cr.fetchall()]
        if len(recent) < APPLY_BURST:
            return now
        return max(now, recent[0] + APPLY_GAP)

    @api.model
    def _note_heard(self, connections, now):
        """When a signed delivery last came, written every few minutes at most, and never
        waiting for a worker that holds the connection row: Xero waits 5 seconds."""
        stale = connections.filtered(
            lambda c: not c.webhook_heard_at or c.webhook_heard_at < now - HEARD_EVERY
        )
        for connection in lock_quietly(stale):
            connection._write_quietly({"webhook_heard_at": now})

    @api.model
    def _first_state(self, event, now):
        category = event["eventCategory"]
        if event["eventDateUtc"] < now - EVENT_MAX_AGE:
            return "ignored", self.env._("Older than Xero's retries: a replay.")
        if category in IMPORTS_OF_CATEGORY:
            return "pending", None
        if category in ACKNOWLEDGED_CATEGORIES:
            return "ignored", self.env._("Read with the invoices it is applied to.")
        return "ignored", self.env._("A category this version does not know.")

    # -- applying -----------------------------------------------------------------------------
    @api.model
    def _cron_apply(self):
        """Apply the pending events of every connected organisation: each import their
        categories call for runs once, whatever the number of events."""
        pending = self.sudo().search([("state", "=", "pending")], order="id")
        for connection, events in pending.grouped("connection_id").items():
            if connection.state != "connected":
                events.write({"state": "ignored", "note": self._not_connected_note()})
                continue
            if connection._is_rate_limited():
                self._apply_later(connection)
                continue
            with self.env["xero.run"]._recording(connection, "webhooks") as recorded:
                events.with_env(recorded.env)._apply(recorded)
            if self.env.context.get("cron_id"):
                self.env["ir.cron"]._commit_progress(len(events))
        self._forget_old()

    def _not_connected_note(self):
        return self.env._("Not connected when it came: the poll catches up after the reconnect.")

    def _apply(self, connection):
        """Run the imports these events (of one connection) call for, in the poll's order,
        each within Xero's limits and the day's budget; the events are done once every
        import they call for has finished. Those of an import that failed say so, and the
        next poll catches up."""
        echoes = self._echoes(connection)
        echoes.write({"state": "done", "note": self.env._("Odoo's own change: nothing to read.")})
        events = self - echoes
        if not events:
            return None
        return events._read_changes(connection)

    def _echoes(self, connection):
        """Those of these events that tell of a change Odoo itself wrote (Xero sends events for
        changes made through the API too): dated as Xero dated Odoo's write of their object,
        or of a payment of their document."""
        echo_ids = set()
        for category, model_names in MODELS_OF_CATEGORY.items():
            events = self.filtered(lambda e, c=category: e.category == c)
            if not events:
                continue
            for model_name in model_names:
                written = SQL(
                    "JOIN %s w ON w.xero_id = e.resource_id AND w.company_id = %s",
                    SQL.identifier(self.env[model_name]._table),
                    connection.company_id.id,
                )
                echo_ids.update(events._dated_by(written))
            if category != "PAYMENT":
                # Events of documents that changed with a payment Odoo wrote.
                paid = SQL(
                    "JOIN account_move d ON d.xero_id = e.resource_id AND d.company_id = %s"
                    " JOIN xero_odoo_payment w ON d.id IN (w.move_id, w.invoice_move_id)",
                    connection.company_id.id,
                )
                echo_ids.update(events._dated_by(paid))
        return self.browse(sorted(echo_ids))

    def _dated_by(self, written):
        """Those of these events dated by a write ``w`` that ``written`` joins them to."""
        self.env.cr.execute(
            SQL(
                "SELECT e.id FROM xero_webhook_event e %s WHERE e.id IN %s"
                " AND e.event_date BETWEEN w.xero_written_at - %s AND w.xero_written_at",
                written,
                tuple(self.ids),
                ECHO_TOLERANCE,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _read_changes(self, connection):
        """The imports these events call for, as in _apply."""
        wanted = {name for event in self for name in IMPORTS_OF_CATEGORY[event.category]}
        failed, unfinished = {}, False
        for name, model_name, method in connection._import_plan():
            if name not in wanted:
                continue
            if connection._is_rate_limited():
                # Xero said when to come back: the events wait for then, not for the poll.
                return self._apply_later(connection)
            if not connection._import_budget_left():
                return self._set_aside(connection)
            if not lock_quietly(connection._import_cursor(name)):
                # The poll runs this import now: the events go right after it.
                return self._apply_later(connection, fields.Datetime.now() + BUSY_RETRY)
            model = self.env[model_name].sudo()
            count = connection._run_isolated(getattr(model, method), connection)
            if connection._is_rate_limited():
                return self._apply_later(connection)
            if count is None or count is False:
                failed[name] = connection.last_error or self.env._("Xero stopped the import.")
            elif connection._import_cursor(name).resume:
                unfinished = True  # the run's time is up: it goes on in the next run
        if unfinished:
            return self._apply_later(connection, fields.Datetime.now())
        self._settle(connection, failed)

    def _settle(self, connection, failed):
        now = fields.Datetime.now()
        by_outcome = self.grouped(
            lambda e: next((failed[n] for n in IMPORTS_OF_CATEGORY[e.category] if n in failed), "")
        )
        for reason, events in by_outcome.items():
            events.write(
                {"state": "failed", "note": reason[:250], "applied_at": now}
                if reason
                else {"state": "done", "applied_at": now}
            )
        if failed:
            message = self.env._(
                "%(count)s Xero webhook events could not be applied (%(imports)s): the next "
                "poll catches up.",
                count=len(self.filtered(lambda e: e.state == "failed")),
                imports=", ".join(sorted(failed)),
            )
            _logger.warning("%s: %s", connection.display_name, message)
            self.env["xero.sync.log"]._record(connection, "import", "error", message)

    def _set_aside(self, connection):
        """Few of the day's calls are left: they are kept for sending, and these events
        for the poll of a new day."""
        note = self.env._(
            "Only %(left)s of the day's Xero calls are left: they are kept for sending. The "
            "next poll catches up.",
            left=connection._day_calls_left(),
        )
        self.write({"state": "ignored", "note": note})
        self.env["xero.sync.log"]._record(connection, "import", "rate_limited", note)

    @api.model
    def _apply_later(self, connection, at=None):
        """Wake the scheduled action again at ``at``, by default when Xero's rate limit
        ends."""
        self.env.ref("xero_connector.ir_cron_xero_webhooks").sudo()._trigger(
            at=at or connection._rate_limit_end()
        )

    @api.model
    def _forget_old(self):
        self.env.cr.execute(
            "DELETE FROM xero_webhook_event WHERE received_at < %s AND state != 'pending'",
            (fields.Datetime.now() - KEEP_EVENTS,),
        )
