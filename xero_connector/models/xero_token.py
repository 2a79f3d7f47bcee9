# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class XeroToken(models.Model):
    """A connection's OAuth tokens, in a row of their own.

    A refresh rewrites this row in its own committed transaction while the caller's transaction
    goes on; keeping it apart from the connection row means the caller can still write the
    connection (errors, rate limits, watermarks) without a serialization failure."""

    _name = "xero.token"
    _description = "Xero OAuth tokens"

    connection_id = fields.Many2one(
        "xero.connection", required=True, ondelete="cascade", index=True
    )
    access_token = fields.Char(groups="base.group_system", copy=False, exportable=False)
    refresh_token = fields.Char(groups="base.group_system", copy=False, exportable=False)
    expires_at = fields.Datetime(copy=False)

    _connection_unique = models.Constraint(
        "unique(connection_id)", "A connection has one set of tokens."
    )
