# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .xero_mapping import MATCH_REASONS


class AccountAnalyticAccount(models.Model):
    _inherit = "account.analytic.account"

    xero_tracking_option_id = fields.Many2one(
        "xero.tracking.option", string="Xero tracking option", company_dependent=True, copy=False
    )
    xero_tracking_option_match = fields.Selection(
        MATCH_REASONS, string="Xero match", company_dependent=True, copy=False
    )
