# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.account_journal import BANK_MATCH_REASONS


class XeroMappingWizardBank(models.TransientModel):
    _name = "xero.mapping.wizard.bank"
    _description = "Xero bank account to Odoo journal"

    wizard_id = fields.Many2one("xero.mapping.wizard", required=True, ondelete="cascade")
    xero_account_id = fields.Many2one(
        "xero.account", string="Xero bank account", required=True, readonly=True
    )
    bank_account_number = fields.Char(
        related="xero_account_id.bank_account_number", string="Account number"
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Odoo journal",
        domain="[('company_id', '=', parent.company_id), ('type', 'in', ('bank', 'cash'))]",
        help="The bank or cash journal in which Xero's payments through this account are recorded.",
    )
    match = fields.Selection(BANK_MATCH_REASONS, readonly=True)

    @api.constrains("journal_id")
    def _check_one_account_per_journal(self):
        for wizard in self.wizard_id:
            mapped = wizard.bank_line_ids.filtered("journal_id")
            if len(mapped.journal_id) < len(mapped):
                raise ValidationError(
                    self.env._(
                        "Each journal can record the payments of one Xero bank account only."
                    )
                )

    def _apply(self, company):
        wanted = {line.xero_account_id: line.journal_id for line in self}
        mapped = (
            self.env["account.journal"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", company.id),
                    ("xero_bank_account_id", "in", self.xero_account_id.ids),
                ]
            )
        )
        # Unmapped first: a Xero bank account moved to another journal is never held by two.
        mapped.filtered(lambda j: wanted[j.xero_bank_account_id] != j).write(
            {"xero_bank_account_id": False, "xero_bank_account_match": "manual"}
        )
        for xero_account, journal in wanted.items():
            if journal and journal.xero_bank_account_id != xero_account:
                journal.write(
                    {"xero_bank_account_id": xero_account.id, "xero_bank_account_match": "manual"}
                )
