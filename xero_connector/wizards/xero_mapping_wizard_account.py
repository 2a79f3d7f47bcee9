# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.xero_mapping import MATCH_REASONS


class XeroMappingWizardAccount(models.TransientModel):
    _name = "xero.mapping.wizard.account"
    _description = "Odoo account to Xero account"
    _order = "used desc, id"

    wizard_id = fields.Many2one("xero.mapping.wizard", required=True, ondelete="cascade")
    account_id = fields.Many2one(
        "account.account", string="Odoo account", required=True, readonly=True
    )
    account_type = fields.Selection(related="account_id.account_type")
    xero_account_id = fields.Many2one(
        "xero.account",
        string="Xero account",
        domain="[('connection_id', '=', parent.connection_id)]",
    )
    match = fields.Selection(MATCH_REASONS, readonly=True)
    used = fields.Boolean(string="Unmapped, used by open documents", readonly=True)

    def _apply(self, company):
        for line in self:
            account = line.account_id.with_company(company)
            if account.xero_account_id != line.xero_account_id:
                account.write(
                    {"xero_account_id": line.xero_account_id.id, "xero_account_match": "manual"}
                )
