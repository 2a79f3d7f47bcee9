# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.xero_mapping import MATCH_REASONS, MAX_TRACKING_CATEGORIES


class XeroMappingWizardPlan(models.TransientModel):
    _name = "xero.mapping.wizard.plan"
    _description = "Odoo analytic plan to Xero tracking category"

    wizard_id = fields.Many2one("xero.mapping.wizard", required=True, ondelete="cascade")
    plan_id = fields.Many2one(
        "account.analytic.plan", string="Analytic plan", required=True, readonly=True
    )
    xero_category_id = fields.Many2one(
        "xero.tracking.category",
        string="Xero tracking category",
        domain="[('connection_id', '=', parent.connection_id)]",
    )
    match = fields.Selection(MATCH_REASONS, readonly=True)

    @api.constrains("xero_category_id")
    def _check_at_most_two_categories(self):
        for wizard in self.wizard_id:
            mapped = wizard.plan_line_ids.filtered("xero_category_id")
            if len(mapped) > MAX_TRACKING_CATEGORIES:
                raise ValidationError(
                    self.env._(
                        "Xero tracks at most two categories: map at most two analytic plans."
                    )
                )
            if len(mapped.xero_category_id) < len(mapped):
                raise ValidationError(
                    self.env._(
                        "Each Xero tracking category can be mapped to one analytic plan only."
                    )
                )

    def _apply(self, company):
        for line in self:
            plan = line.plan_id.with_company(company)
            if plan.xero_tracking_category_id != line.xero_category_id:
                plan.write(
                    {
                        "xero_tracking_category_id": line.xero_category_id.id,
                        "xero_tracking_match": "manual",
                    }
                )
