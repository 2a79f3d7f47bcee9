# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class XeroClaim(models.Model):
    """Which record creates the Xero object of a natural key (a contact's name, an item's
    code) in an organisation.

    Xero merges a new contact into the one of the same name (an item into the one of the same
    code). Within one transaction the index sees it coming; two workers sending "Delta Traders"
    and "delta traders" at once do not see each other. So a record new to Xero claims its key
    in a transaction of its own, committed before the write: the second worker finds the claim
    and refuses its record instead of merging it into the first one's object."""

    _name = "xero.claim"
    _description = "Xero natural key claimed by a record"
    _log_access = False

    connection_id = fields.Many2one(
        "xero.connection", required=True, index=True, ondelete="cascade"
    )
    res_model = fields.Char(required=True)
    key = fields.Char(required=True)
    res_id = fields.Integer(required=True)

    _key_unique = models.Constraint(
        "unique(connection_id, res_model, key)", "A key is claimed by one record."
    )

    @api.model
    def _claim(self, connection, keys):
        """Claim ``{record: key}`` for these records, committed at once, in two statements
        whatever their number. Returns ``{record id: the record that holds its key}`` for the
        keys held by another record that still has that key."""
        if not keys:
            return {}
        model = next(iter(keys))._name
        wanted = {key: record.id for record, key in keys.items()}
        taken = {}
        with self.env.registry.cursor() as cr:
            holders = self._claim_keys(cr, connection.id, model, wanted)
            env = self.env(cr=cr, su=True)
            for key, holder_id in holders.items():
                record_id = wanted[key]
                if holder_id == record_id:
                    continue
                holder = env[model].with_company(connection.company_id).browse(holder_id)
                if holder.exists() and holder._xero_natural_key() == key:
                    taken[record_id] = self.env[model].browse(holder_id)
                else:  # the holder was deleted or renamed since
                    cr.execute(
                        "UPDATE xero_claim SET res_id = %s WHERE connection_id = %s"
                        " AND res_model = %s AND key = %s",
                        (record_id, connection.id, model, key),
                    )
        return taken

    @api.model
    def _claim_keys(self, cr, connection_id, model, wanted):
        """Insert the claims of ``{key: record id}`` where the key is free; returns {key:
        the id of the record holding it now}."""
        rows = sorted(wanted.items())
        cr.execute(
            SQL(
                """
                INSERT INTO xero_claim (connection_id, res_model, key, res_id)
                VALUES %s
                ON CONFLICT (connection_id, res_model, key) DO NOTHING
                """,
                SQL(", ").join(
                    SQL("(%s, %s, %s, %s)", connection_id, model, key, res_id)
                    for key, res_id in rows
                ),
            )
        )
        cr.execute(
            "SELECT key, res_id FROM xero_claim WHERE connection_id = %s AND res_model = %s"
            " AND key IN %s",
            (connection_id, model, tuple(wanted)),
        )
        return dict(cr.fetchall())
