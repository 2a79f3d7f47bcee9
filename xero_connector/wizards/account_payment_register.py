# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payment_vals_from_wizard(self, batch_result):
        """A payment recorded from Xero books Xero's amount in the company's currency
        (``xero_payment_balance`` in the context, from Xero's CurrencyRate) instead of Odoo's
        rate of the day, through the balance account.payment takes at its creation."""
        values = super()._create_payment_vals_from_wizard(batch_result)
        balance = self.env.context.get("xero_payment_balance")
        if balance is not None and not values["write_off_line_vals"]:
            values["force_balance"] = balance
        return values
