# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg2

from odoo import api, fields, models, sql_db
from odoo.tools import SQL

from ..locking import OWN_TRANSACTION_MISSES, own_transaction
from ..xero_client.admission import (
    CALLS_IN_FLIGHT,
    WINDOW_SECONDS,
    Traffic,
    too_long,
    wait_before_call,
)

_logger = logging.getLogger(__name__)

KEEP_CALLS = timedelta(days=35)
# PostgreSQL advisory locks (two keys: LOCK_SPACE, connection id * LOCKS_PER_CONNECTION + n):
# n below CALLS_IN_FLIGHT is a call in flight, TURN_LOCK the turn to be admitted. A worker
# that dies frees its locks with its database connection.
LOCK_SPACE = 0x58657230  # "Xer0"
LOCKS_PER_CONNECTION = 8
TURN_LOCK = 7


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
    @contextmanager
    def _admitted(self, connection, minute_limit):
        """One call of ``connection``'s, admitted when every worker's calls together leave
        room for it within Xero's limits (CALLS_IN_FLIGHT in flight, ``minute_limit`` a
        minute, what Xero's last answer said is left): it holds one of the organisation's
        slots until it is counted. Waits, up to MAX_WAIT_SECONDS, then raises RateLimited."""
        cr = self.env.registry.cursor()
        try:
            if isinstance(cr, sql_db.Cursor):
                # Each statement sees what other workers committed up to then (a test's cursor
                # is one transaction anyway).
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            self._take_slot(cr, connection, minute_limit)
            yield
        finally:
            try:
                # Its own transaction: ending it frees the slot.
                cr.commit()  # pylint: disable=invalid-commit
            finally:
                cr.close()

    @api.model
    def _take_slot(self, cr, connection, minute_limit):
        waited = 0.0
        while True:
            wait = self._try_slot(cr, connection, minute_limit)
            if not wait:
                return
            error = too_long(waited, wait)
            if error:
                raise error
            time.sleep(wait)
            waited += wait

    @api.model
    def _try_slot(self, cr, connection, minute_limit):
        """Take a free slot of the organisation's if its calls leave room for one more, in
        the turn of admission; 0 when taken, or the seconds to wait before trying again."""
        base = connection.id * LOCKS_PER_CONNECTION
        cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_SPACE, base + TURN_LOCK))
        if not cr.fetchone()[0]:
            return 0.05
        try:
            wait = wait_before_call(self._traffic(cr, connection), minute_limit)
            if wait:
                return wait
            for slot in range(CALLS_IN_FLIGHT):
                cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_SPACE, base + slot))
                if cr.fetchone()[0]:
                    return 0
            return 0.05
        finally:
            self._end_turn(cr, base)

    @api.model
    def _end_turn(self, cr, base):
        """Give the turn back; a session's lock outlives its transaction, even one that
        failed: rolled back first, it is given back all the same."""
        try:
            cr.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                (LOCK_SPACE, base + TURN_LOCK),
                log_exceptions=False,
            )
        except psycopg2.Error:
            cr.rollback()
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_SPACE, base + TURN_LOCK))

    @api.model
    def _traffic(self, cr, connection):
        """The organisation's calls now, every worker's: in flight (slots other database
        sessions hold), then, read after, those answered in the window and Xero's last word
        on its minute. A call counted leaves its slot after, so none is missed."""
        base = connection.id * LOCKS_PER_CONNECTION
        cr.execute(
            """SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND pid != pg_backend_pid()
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid = %s AND objid >= %s AND objid < %s AND objsubid = 2""",
            (LOCK_SPACE, base, base + CALLS_IN_FLIGHT),
        )
        in_flight = cr.fetchone()[0]
        # Odoo's clock, as called_at is: the calls a test dates in the past or future too.
        now = fields.Datetime.now()
        since = now - timedelta(seconds=WINDOW_SECONDS)
        cr.execute(
            """SELECT count(*), min(called_at) FROM xero_call
                WHERE connection_id = %s AND called_at > %s""",
            (connection.id, since),
        )
        in_window, oldest = cr.fetchone()
        # A 429's own figures are Retry-After's to judge (rate_limited_until).
        cr.execute(
            """SELECT last.minute_calls_left - (SELECT count(*) FROM xero_call later
                                                 WHERE later.connection_id = last.connection_id
                                                   AND later.id > last.id),
                      last.called_at
                 FROM xero_call last
                WHERE last.connection_id = %s AND last.called_at > %s
                  AND last.minute_calls_left IS NOT NULL AND last.status != 429
             ORDER BY last.id DESC LIMIT 1""",
            (connection.id, since),
        )
        xero_left, xero_at = cr.fetchone() or (None, None)
        return Traffic(
            in_flight=in_flight,
            in_window=in_window,
            oldest_age=(now - oldest).total_seconds() if oldest else 0.0,
            xero_left=xero_left,
            xero_age=(now - xero_at).total_seconds() if xero_at else 0.0,
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
