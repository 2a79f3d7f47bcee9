# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.xero_mapping import MATCH_REASONS


class XeroMappingWizardTax(models.TransientModel):
    _name = "xero.mapping.wizard.tax"
    _description = "Odoo tax to Xero tax rate"
    _order = "used desc, id"

    wizard_id = fields.Many2one("xero.mapping.wizard", required=True, ondelete="cascade")
    tax_id = fields.Many2one("account.tax", string="Odoo tax", required=True, readonly=True)
    type_tax_use = fields.Selection(related="tax_id.type_tax_use")
    amount = fields.Float(related="tax_id.amount")
    xero_tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Xero tax rate",
        domain="[('connection_id', '=', parent.connection_id)]",
    )
    match = fields.Selection(MATCH_REASONS, readonly=True)
    used = fields.Boolean(string="Unmapped, used by open documents", readonly=True)

    def _apply(self, company):
        for line in self:
            if line.tax_id.xero_tax_rate_id != line.xero_tax_rate_id:
                line.tax_id.write(
                    {"xero_tax_rate_id": line.xero_tax_rate_id.id, "xero_tax_match": "manual"}
                )
