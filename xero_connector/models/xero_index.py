# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import api, fields, models

from ..xero_client.mappings.common import clean, normalised

KINDS = [("contact", "Contact"), ("item", "Item")]


class XeroIndex(models.Model):
    """The organisation's contacts and items as far as matching needs them (names, emails,
    tax numbers, codes), kept fresh by the imports and by our own writes.

    Odoo matches a record new to Xero against this index instead of asking Xero for
    candidates before every batch: on Xero's Starter plan (1,000 calls a day) that is the
    difference between N/50 calls and several times that."""

    _name = "xero.index"
    _description = "Xero objects known for matching"
    _log_access = False

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(KINDS, required=True)
    xero_id = fields.Char(required=True)
    name = fields.Char(help="The object's name as Xero shows it.")
    name_key = fields.Char(index=True)
    email_key = fields.Char(index=True)
    tax_key = fields.Char(index=True)
    code_key = fields.Char(index=True)
    archived = fields.Boolean()

    _object_unique = models.Constraint(
        "unique(connection_id, kind, xero_id)", "An object is indexed once per connection."
    )

    @api.model
    def _keep(self, connection, kind, rows):
        """Insert or refresh rows (dicts with xero_id and the keys) in one statement."""
        if not rows:
            return
        values = []
        for row in {r["xero_id"]: r for r in rows}.values():
            values.append(
                (
                    connection.id,
                    kind,
                    row["xero_id"],
                    clean(row.get("name")) or None,
                    normalised(row.get("name")) or None,
                    normalised(row.get("email")) or None,
                    normalised(row.get("vat")) or None,
                    (row.get("code") or "").strip() or None,
                    bool(row.get("archived")),
                )
            )
        try:
            self._upsert(values)
        except psycopg2.errors.SerializationFailure:
            # Another worker indexed some of these since this transaction began (its rows
            # are as fresh as ours): keep the others, one by one.
            for row in values:
                try:
                    self._upsert([row])
                except psycopg2.errors.SerializationFailure:
                    continue
        self.invalidate_model()

    @api.model
    def _upsert(self, values):
        """One statement, in a savepoint; a serialization failure is raised, not logged."""
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(values))
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(
                """
                INSERT INTO xero_index (connection_id, kind, xero_id, name, name_key,
                    email_key, tax_key, code_key, archived)
                VALUES %s
                ON CONFLICT (connection_id, kind, xero_id) DO UPDATE SET
                    name = EXCLUDED.name, name_key = EXCLUDED.name_key,
                    email_key = EXCLUDED.email_key,
                    tax_key = EXCLUDED.tax_key, code_key = EXCLUDED.code_key,
                    archived = EXCLUDED.archived
                """
                % placeholders,
                [v for row in values for v in row],
                log_exceptions=False,
            )

    @api.model
    def _find(self, connection, kind, names=(), emails=(), tax_numbers=(), codes=()):
        """Indexed objects with one of these names, emails, tax numbers or codes: one query."""
        clauses, params = [], []
        for column, values in (
            ("name_key", {normalised(v) for v in names}),
            ("email_key", {normalised(v) for v in emails}),
            ("tax_key", {normalised(v) for v in tax_numbers}),
            ("code_key", {(v or "").strip() for v in codes}),
        ):
            values.discard("")
            if values:
                clauses.append("%s IN %%s" % column)
                params.append(tuple(values))
        if not clauses:
            return self.browse()
        self.env.cr.execute(
            "SELECT id FROM xero_index WHERE connection_id = %%s AND kind = %%s AND (%s)"
            % " OR ".join(clauses),
            [connection.id, kind, *params],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _forget(self, connection, kind=None, keep=()):
        """Drop the connection's rows (of one kind), but those of the Xero IDs in ``keep``."""
        domain = [("connection_id", "=", connection.id)]
        if kind:
            domain.append(("kind", "=", kind))
        if keep:
            domain.append(("xero_id", "not in", list(keep)))
        self.sudo().search(domain).unlink()
