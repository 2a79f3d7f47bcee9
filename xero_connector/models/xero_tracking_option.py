# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class XeroTrackingOption(models.Model):
    """An option of a Xero tracking category, as last imported."""

    _name = "xero.tracking.option"
    _description = "Xero Tracking Option"
    _order = "category_id, name"

    category_id = fields.Many2one(
        "xero.tracking.category", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="category_id.company_id", store=True)
    xero_id = fields.Char(string="Xero ID", required=True, index=True)
    name = fields.Char(required=True)
    status = fields.Char()
    active = fields.Boolean(default=True)

    _xero_id_unique = models.Constraint(
        "unique(category_id, xero_id)", "A tracking option is imported once per category."
    )

    @api.depends("name", "category_id.name")
    def _compute_display_name(self):
        for option in self:
            option.display_name = "%s: %s" % (option.category_id.name, option.name)
