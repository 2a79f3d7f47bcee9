# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .xero_mapping import MATCH_REASONS


class AccountAnalyticPlan(models.Model):
    _inherit = "account.analytic.plan"

    xero_tracking_category_id = fields.Many2one(
        "xero.tracking.category",
        string="Xero tracking category",
        company_dependent=True,
        copy=False,
    )
    xero_tracking_match = fields.Selection(
        MATCH_REASONS, string="Xero match", company_dependent=True, copy=False
    )
