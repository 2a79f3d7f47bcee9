# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

CLAIM_ATTEMPTS = 3
# Far longer than any send (a request, a run of the scheduled action) takes: a claim this old
# is no write's in flight.
STALE_AFTER = timedelta(days=1)
NOW_UTC = SQL("(now() AT TIME ZONE 'UTC')")

_logger = logging.getLogger(__name__)


class XeroClaim(models.Model):
    """Which record creates the Xero object of a natural key (a contact's name, an item's
    code) in an organisation.

    Xero merges a new contact into the one of the same name (an item into the one of the same
    code). Within one transaction the index sees it coming; two workers sending "Delta Traders"
    and "delta traders" at once do not see each other. So a record new to Xero claims its key
    in a transaction of its own, committed before the write: the second worker finds the claim
    and refuses its record instead of merging it into the first one's object.

    Once its record is linked to its Xero object, or deleted, a claim protects nothing: the
    index knows the object, and a deleted holder's key is taken over. Those claims are pruned
    daily, once no send can still be under way. A claim of a record that exists unlinked is
    kept, however old: it is how the record finds its object after a lost answer."""

    _name = "xero.claim"
    _description = "Xero natural key claimed by a record"
    _log_access = False

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade"
    )
    res_model = fields.Char(required=True)
    key = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    claimed_at = fields.Datetime(required=True, default=fields.Datetime.now)

    _key_unique = models.Constraint(
        "unique(connection_id, res_model, key)", "A key is claimed by one record."
    )

    @api.model
    def _claim(self, connection, keys):
        """Claim ``{record: key}`` for these records, committed at once. Returns ``{record id:
        the record that holds its key}`` for the keys another live record holds.

        Another worker claiming the same key at the same moment makes PostgreSQL refuse the
        loser's statement (its transaction is REPEATABLE READ): it claims again, in a new
        transaction that sees the winner's claim."""
        if not keys:
            return {}
        for attempt in range(1, CLAIM_ATTEMPTS + 1):
            try:
                with self.env.registry.cursor() as cr:
                    return self._claim_in(cr, connection, keys)
            except psycopg2.errors.ForeignKeyViolation:
                # The connection is this transaction's own, not committed yet (connected and
                # sent in one go): no other worker can send for it, so nothing can race.
                with self.env.cr.savepoint():
                    return self._claim_in(self.env.cr, connection, keys)
            except psycopg2.errors.SerializationFailure:
                if attempt == CLAIM_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)
        return {}

    @api.model
    def _claim_in(self, cr, connection, keys):
        model = next(iter(keys))._name
        wanted = {key: record.id for record, key in keys.items()}
        holders = self._claim_keys(cr, connection.id, model, wanted)
        env = self.env(cr=cr, su=True)
        taken = {}
        for key, holder_id in holders.items():
            record_id = wanted[key]
            if holder_id == record_id:
                continue
            holder = env[model].with_company(connection.company_id).browse(holder_id)
            if holder._xero_holds_claim(connection, key):
                taken[record_id] = self.env[model].browse(holder_id)
            else:
                cr.execute(
                    SQL(
                        "UPDATE xero_claim SET res_id = %s, claimed_at = %s"
                        " WHERE connection_id = %s AND res_model = %s AND key = %s"
                        " AND res_id = %s",
                        record_id,
                        NOW_UTC,
                        connection.id,
                        model,
                        key,
                        holder_id,
                    ),
                    log_exceptions=False,
                )
        return taken

    @api.model
    def _keys_held(self, connection, records):
        """{record id: [keys]} for those of these records that hold claims already: an
        earlier attempt claimed them and never heard whether its write happened."""
        if not records:
            return {}
        self.env.cr.execute(
            "SELECT res_id, key FROM xero_claim WHERE connection_id = %s AND res_model = %s"
            " AND res_id IN %s ORDER BY id",
            (connection.id, records._name, tuple(records.ids)),
        )
        held = {}
        for res_id, key in self.env.cr.fetchall():
            held.setdefault(res_id, []).append(key)
        return held

    @api.model
    def _release(self, records, connection=None):
        """Records that will not create their Xero object now give their claims up in this
        connection's organisation (by default, that of each record's company); their claims
        in other organisations stay. In a transaction of its own: the claims were committed
        in one."""
        if not records:
            return
        connections = connection or self._connections_of(records)
        if not connections:
            return
        try:
            with self.env.registry.cursor() as cr:
                cr.execute(
                    SQL(
                        "DELETE FROM xero_claim WHERE connection_id IN %s AND res_model = %s"
                        " AND res_id IN %s",
                        tuple(connections.ids),
                        records._name,
                        tuple(records.ids),
                    ),
                    log_exceptions=False,
                )
        except psycopg2.Error as error:
            # A claim left behind is taken over once its holder no longer has the key.
            _logger.info("Xero claims of %s kept: %s", records, error)

    @api.model
    def _connections_of(self, records):
        if "company_id" not in records._fields:
            return self.env["xero.connection"]
        return (
            self.env["xero.connection"]
            .sudo()
            .search([("company_id", "in", records.company_id.ids)])
        )

    @api.model
    def _cron_prune(self):
        """Forget the claims that can no longer matter: their record is linked to its Xero
        object in the claim's organisation, or is gone (or its model is), and the claim is
        older than any send."""
        stale_before = fields.Datetime.now() - STALE_AFTER
        self.env.cr.execute(
            "SELECT DISTINCT connection_id, res_model FROM xero_claim WHERE claimed_at < %s",
            (stale_before,),
        )
        for connection_id, model_name in self.env.cr.fetchall():
            connection = self.env["xero.connection"].sudo().browse(connection_id)
            self.env.cr.execute(
                SQL(
                    "DELETE FROM xero_claim WHERE connection_id = %s AND res_model = %s"
                    " AND claimed_at < %s AND NOT %s",
                    connection_id,
                    model_name,
                    stale_before,
                    self._held_by_unlinked_record(connection, model_name),
                )
            )

    @api.model
    def _held_by_unlinked_record(self, connection, model_name):
        """SQL: the claim's record exists and has no Xero object in the connection's
        organisation yet (a send of it may have happened unanswered)."""
        if model_name not in self.env:
            return SQL("FALSE")
        unlinked = (
            self.env[model_name]
            .sudo()
            .with_company(connection.company_id)
            .with_context(active_test=False)
            ._search([("xero_id", "=", False)])
        )
        unlinked.add_where(SQL("%s = xero_claim.res_id", SQL.identifier(unlinked.table, "id")))
        return SQL("EXISTS (%s)", unlinked.select())

    @api.model
    def _claim_keys(self, cr, connection_id, model, wanted):
        """Insert the claims of ``{key: record id}`` where the key is free; returns {key:
        the id of the record holding it now}."""
        rows = sorted(wanted.items())
        cr.execute(
            SQL(
                """
                INSERT INTO xero_claim (connection_id, res_model, key, res_id, claimed_at)
                VALUES %s
                ON CONFLICT (connection_id, res_model, key) DO NOTHING
                """,
                SQL(", ").join(
                    SQL("(%s, %s, %s, %s, %s)", connection_id, model, key, res_id, NOW_UTC)
                    for key, res_id in rows
                ),
            ),
            log_exceptions=False,
        )
        cr.execute(
            "SELECT key, res_id FROM xero_claim WHERE connection_id = %s AND res_model = %s"
            " AND key IN %s",
            (connection_id, model, tuple(wanted)),
        )
        return dict(cr.fetchall())
