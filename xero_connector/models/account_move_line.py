# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from xero_client.mappings.common import text

from .xero_document_line_mixin import TEXT_LINES, amount


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "xero.document.line.mixin"]

    def _xero_line_values(self, connection, side, label):
        if self.display_type in TEXT_LINES:
            return {"kind": "text", "label": label, "description": text(self.name) or label}
        company = connection.company_id
        mapping = self.env["xero.mapping"]
        tax_values = self._xero_tax_values(connection, self.tax_ids)
        product = self.product_id.with_company(company)
        rounding = self.display_type == "rounding"
        line_amount = amount(self.move_id.direction_sign * self.amount_currency)
        return {
            "kind": "product",
            "label": label,
            "description": text(self.name) or text(product.display_name) or label,
            "quantity": 1 if rounding else self.quantity,
            "price_unit": line_amount if rounding else self.price_unit,
            "discount": self.discount,
            # Not price_subtotal: rounding the whole document's untaxed amount at once, Odoo
            # moves a cent into the journal items of some lines, not into their subtotals.
            "amount": line_amount,
            "amount_included": amount(self.price_total),
            "account_code": mapping._account_code(connection, side, self.account_id),
            **tax_values,
            "item_code": product.default_code
            if product.xero_id or self.env.context.get("xero_preview")
            else None,
            "tracking": self._xero_tracking(connection),
        }
