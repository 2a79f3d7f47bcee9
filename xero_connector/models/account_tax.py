# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .xero_mapping import MATCH_REASONS


class AccountTax(models.Model):
    _inherit = "account.tax"

    xero_tax_rate_id = fields.Many2one(
        "xero.tax.rate", string="Xero tax rate", copy=False, check_company=True
    )
    xero_tax_match = fields.Selection(MATCH_REASONS, string="Xero match", copy=False)
