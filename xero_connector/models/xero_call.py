# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..locking import OWN_TRANSACTION_MISSES, own_transaction

_logger = logging.getLogger(__name__)

KEEP_CALLS = timedelta(days=35)


class XeroCall(models.Model):
    """One call of Xero's Accounting API: what the organisation's daily limit counts.

    Written as the call is answered, in a transaction of its own: a send that fails and rolls
    back still spent its calls. Rows are only ever inserted, so workers never collide on
    them."""

    _name = "xero.call"
    _description = "Xero API call"
    _order = "called_at desc, id desc"
    _rec_name = "operation"

    connection_id = fields.Many2one(
        "xero.connection", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    called_at = fields.Datetime(required=True, index=True, readonly=True)
    operation = fields.Char(readonly=True, help="The SDK method called, e.g. get_invoices.")
    status = fields.Integer(readonly=True, help="Xero's HTTP status; 0 when no answer came.")
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    day_calls_left = fields.Integer(
        readonly=True, help="X-DayLimit-Remaining: Xero's count of the day's calls left."
    )
    minute_calls_left = fields.Integer(
        readonly=True, help="X-MinLimit-Remaining: Xero's count of this minute's calls left."
    )
    run_id = fields.Many2one("xero.run", index="btree_not_null", readonly=True, ondelete="set null")

    # What the day's count and Xero's last figures read, several times a run.
    _connection_called_at_idx = models.Index("(connection_id, called_at)")

    @api.model
    def _note(self, connection, operation, status, duration_ms, limits):
        """Count one call of ``connection``'s, committed at once."""
        row = {
            "connection_id": connection.id,
            "company_id": connection.company_id.id,
            "called_at": fields.Datetime.now(),
            "operation": operation,
            "status": status or 0,
            "duration_ms": duration_ms,
            "day_calls_left": limits.get("X-DayLimit-Remaining"),
            "minute_calls_left": limits.get("X-MinLimit-Remaining"),
            "run_id": self.env.context.get("xero_run_id"),
        }
        try:
            with own_transaction(self.env) as cr:
                self._insert(cr, row)
        except OWN_TRANSACTION_MISSES:
            # The connection (or run) is this transaction's, not committed yet, or held by
            # it: counted here, lost if this transaction rolls back.
            self._insert(self.env.cr, row)

    @api.model
    def _insert(self, cr, row):
        cr.execute(
            SQL(
                "INSERT INTO xero_call (%s, create_uid, create_date) VALUES (%s, %s, %s)",
                SQL(", ").join(SQL.identifier(name) for name in row),
                SQL(", ").join(row.values()),
                self.env.uid,
                row["called_at"],
            ),
            log_exceptions=False,
        )

    @api.model
    def _count_since(self, connection, since):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM xero_call WHERE connection_id = %s AND called_at > %s",
                connection.id,
                since,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _last_reported(self, connection, since):
        """(Xero's count of the day's calls left, of this minute's, when) from its latest
        answer since ``since`` that had them; None when none had."""
        self.env.cr.execute(
            SQL(
                """SELECT day_calls_left, minute_calls_left, called_at FROM xero_call
                    WHERE connection_id = %s AND called_at > %s AND day_calls_left IS NOT NULL
                 ORDER BY called_at DESC, id DESC LIMIT 1""",
                connection.id,
                since,
            )
        )
        return self.env.cr.fetchone()

    @api.autovacuum
    def _gc_old_calls(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM xero_call WHERE called_at < %s",
                fields.Datetime.now() - KEEP_CALLS,
            )
        )
