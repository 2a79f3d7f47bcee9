# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .xero_mapping import MATCH_REASONS


class AccountAccount(models.Model):
    _inherit = "account.account"

    # Accounts can be shared by companies, each connected to its own organisation.
    xero_account_id = fields.Many2one(
        "xero.account", string="Xero account", company_dependent=True, copy=False
    )
    xero_account_match = fields.Selection(
        MATCH_REASONS, string="Xero match", company_dependent=True, copy=False
    )
