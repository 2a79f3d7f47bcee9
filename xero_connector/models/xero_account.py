# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class XeroAccount(models.Model):
    """An account of the organisation's chart in Xero, as last imported."""

    _name = "xero.account"
    _description = "Xero Account"
    _order = "code, name"
    _check_company_auto = True

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    xero_id = fields.Char(string="Xero ID", required=True, index=True)
    code = fields.Char(index=True)
    name = fields.Char(required=True)
    account_type = fields.Char(string="Type")
    account_class = fields.Char(string="Class")
    tax_type = fields.Char(string="Default tax type")
    bank_account_number = fields.Char(help="Xero's BankAccountNumber, for bank accounts.")
    status = fields.Char()
    takes_payments = fields.Boolean(
        help="Xero's 'Enable payments to this account': payments may go through it, as "
        "through a bank account (a clearing account, say)."
    )
    active = fields.Boolean(default=True)

    _xero_id_unique = models.Constraint(
        "unique(connection_id, xero_id)", "A Xero account is imported once per connection."
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for account in self:
            account.display_name = " ".join(filter(None, (account.code, account.name)))

    @api.model
    def _name_search(self, name, domain=None, operator="ilike", limit=None, order=None):
        if name and operator in ("ilike", "like", "=", "=ilike"):
            domain = list(domain or []) + [
                "|",
                ("code", "=ilike", name + "%"),
                ("name", operator, name),
            ]
            return self._search(domain, limit=limit, order=order)
        return super()._name_search(name, domain, operator, limit, order)
