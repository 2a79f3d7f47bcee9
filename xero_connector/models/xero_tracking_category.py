# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class XeroTrackingCategory(models.Model):
    """A tracking category of the organisation in Xero, as last imported."""

    _name = "xero.tracking.category"
    _description = "Xero Tracking Category"
    _order = "name"
    _check_company_auto = True

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    xero_id = fields.Char(string="Xero ID", required=True, index=True)
    name = fields.Char(required=True)
    status = fields.Char()
    active = fields.Boolean(default=True)
    option_ids = fields.One2many("xero.tracking.option", "category_id", string="Options")

    _xero_id_unique = models.Constraint(
        "unique(connection_id, xero_id)", "A tracking category is imported once per connection."
    )
