# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import random
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..locking import CONCURRENCY_ERRORS
from ..xero_client.oauth import DEFAULT_TIMEOUT as OAUTH_TIMEOUT

_logger = logging.getLogger(__name__)

# Longer than a refresh can take (its connect and read timeouts), so that a worker behind a
# slow renewal gets the fresh token rather than an error.
LOCK_WAIT_SECONDS = 2 * OAUTH_TIMEOUT + 5
LOCK_POLL_SECONDS = 0.2


class _Sentinel:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


NO_TOKEN_ROW = _Sentinel("NO_TOKEN_ROW")
NO_REFRESH_TOKEN = _Sentinel("NO_REFRESH_TOKEN")


class XeroToken(models.Model):
    """A connection's OAuth tokens, in a row of their own.

    Only ``_run_locked`` writes an existing row: under the row's lock, in a transaction of its
    own that commits at once. No caller's transaction ever holds a write on it, so a refresh
    can always lock it, and the caller can still write the connection row (errors, rate
    limits, watermarks) without a serialization failure."""

    _name = "xero.token"
    _description = "Xero OAuth tokens"

    connection_id = fields.Many2one(
        "xero.connection", required=True, ondelete="cascade", index=True
    )
    access_token = fields.Char(groups="base.group_system", copy=False, exportable=False)
    refresh_token = fields.Char(groups="base.group_system", copy=False, exportable=False)
    expires_at = fields.Datetime(copy=False)
    renewed_at = fields.Datetime(
        copy=False, help="When Xero last issued these tokens (an authorisation or a renewal)."
    )

    _connection_unique = models.Constraint(
        "unique(connection_id)", "A connection has one set of tokens."
    )

    @api.model
    def _run_locked(self, connection, work):
        """Run ``work(token)`` on the connection's token row, locked, in a transaction of its
        own that commits at once; return what it returns, NO_TOKEN_ROW when there is no row.

        Odoo's transactions are REPEATABLE READ: locking a row that another transaction
        changed since this one's snapshot fails with a serialization error, and a row another
        transaction holds is skipped (or, with a lock timeout, not available). Each means
        another worker is at it: start again in a new transaction, whose snapshot includes
        that worker's work, until LOCK_WAIT_SECONDS have passed. ``work`` may commit itself
        (a refresh commits the rotated token before anything else can fail)."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.env.registry.cursor() as cr:
                    env = self.env(cr=cr, su=True)
                    token = env["xero.token"].search(
                        [("connection_id", "=", connection.id)], limit=1
                    )
                    if not token:
                        return NO_TOKEN_ROW
                    if token._try_lock():
                        return work(token)
            except CONCURRENCY_ERRORS as error:
                _logger.debug(
                    "Xero token of connection %s is busy (attempt %s): %s",
                    connection.id,
                    attempt,
                    error,
                )
            if time.monotonic() > deadline:
                raise UserError(
                    self.env._(
                        "Another process is renewing the Xero authorisation; try again in a moment."
                    )
                )
            # Jitter keeps workers that woke up together from colliding again.
            time.sleep(LOCK_POLL_SECONDS * (0.5 + random.random()))  # noqa: S311

    def _try_lock(self):
        """Lock this row unless another transaction holds it (``try_lock_for_update``, without
        Odoo logging the serialization failure the caller retries on as a bad query)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM xero_token WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                self.id,
            ),
            log_exceptions=False,
        )
        return bool(self.env.cr.fetchall())
