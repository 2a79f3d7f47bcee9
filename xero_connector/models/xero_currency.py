# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class XeroCurrency(models.Model):
    """A currency enabled in the Xero organisation, as last imported."""

    _name = "xero.currency"
    _description = "Xero Currency"
    _order = "code"
    _rec_name = "code"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    code = fields.Char(required=True)
    description = fields.Char()

    _code_unique = models.Constraint(
        "unique(connection_id, code)", "A currency is imported once per connection."
    )
