# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.xero_mapping import MATCH_REASONS


class XeroMappingWizardAnalytic(models.TransientModel):
    _name = "xero.mapping.wizard.analytic"
    _description = "Odoo analytic account to Xero tracking option"
    _order = "used desc, id"

    wizard_id = fields.Many2one("xero.mapping.wizard", required=True, ondelete="cascade")
    analytic_id = fields.Many2one(
        "account.analytic.account", string="Analytic account", required=True, readonly=True
    )
    plan_id = fields.Many2one(related="analytic_id.root_plan_id", string="Plan")
    xero_option_id = fields.Many2one(
        "xero.tracking.option",
        string="Xero tracking option",
        domain="[('category_id.connection_id', '=', parent.connection_id)]",
    )
    match = fields.Selection(MATCH_REASONS, readonly=True)
    used = fields.Boolean(string="Unmapped, used by open documents", readonly=True)

    def _apply(self, company):
        for line in self:
            analytic = line.analytic_id.with_company(company)
            if analytic.xero_tracking_option_id != line.xero_option_id:
                analytic.write(
                    {
                        "xero_tracking_option_id": line.xero_option_id.id,
                        "xero_tracking_option_match": "manual",
                    }
                )
