# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class XeroTaxRate(models.Model):
    """A tax rate of the organisation in Xero, as last imported."""

    _name = "xero.tax.rate"
    _description = "Xero Tax Rate"
    _order = "rate desc, name"
    _check_company_auto = True

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    tax_type = fields.Char(string="TaxType", required=True, index=True)
    name = fields.Char(required=True)
    rate = fields.Float(digits=(16, 4))
    status = fields.Char()
    report_tax_type = fields.Char()
    can_revenue = fields.Boolean(string="Applies to sales")
    can_expense = fields.Boolean(string="Applies to purchases")
    active = fields.Boolean(default=True)

    _tax_type_unique = models.Constraint(
        "unique(connection_id, tax_type)", "A Xero tax rate is imported once per connection."
    )

    @api.depends("name", "tax_type")
    def _compute_display_name(self):
        for rate in self:
            rate.display_name = "%s (%s)" % (rate.name, rate.tax_type)
