# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..xero_client.mappings.common import text
from .xero_document_line_mixin import TEXT_LINES, amount

# A change to these on a confirmed order's line makes the order go to Xero again.
LINE_SYNCED_FIELDS = (
    "product_id",
    "name",
    "product_qty",
    "price_unit",
    "discount",
    "tax_ids",
    "analytic_distribution",
    "display_type",
    "date_planned",
)


class PurchaseOrderLine(models.Model):
    _name = "purchase.order.line"
    _inherit = ["purchase.order.line", "xero.document.line.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._xero_mark_dirty()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if set(vals) & set(LINE_SYNCED_FIELDS):
            self.order_id._xero_mark_dirty()
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        orders.exists()._xero_mark_dirty()
        return result

    def _xero_line_values(self, connection, amounts, label):
        """``amounts``: {line id: (untaxed, taxes included)} of the order's lines, as
        ``_xero_amounts_together`` gives them."""
        if self.display_type in TEXT_LINES:
            return {
                "kind": "text",
                "label": label,
                "description": self._xero_description(text(self.name)) or label,
            }
        company = connection.company_id
        product = self.product_id.with_company(company)
        accounts = product.product_tmpl_id._get_product_accounts() if product else {}
        untaxed, included = amounts[self.id]
        return {
            "kind": "product",
            "label": label,
            "description": self._xero_description(
                text(self.name) or text(product.display_name) or label
            ),
            "quantity": self.product_qty,
            "price_unit": self.price_unit,
            "discount": self.discount,
            # Not price_subtotal: see _xero_amounts_together.
            "amount": amount(untaxed),
            "amount_included": amount(included),
            "account_code": self.env["xero.mapping"]._account_code(
                connection, "purchase", accounts.get("expense"), product.categ_id
            ),
            **self._xero_tax_values(connection, self.tax_ids),
            "item_code": product.default_code
            if product.xero_id or self.env.context.get("xero_preview")
            else None,
            "tracking": self._xero_tracking(connection),
        }

    def _xero_amounts_together(self, company):
        """{line id: (untaxed, taxes included)} for these lines of one order, rounded as
        purchase.order's _amount_all rounds them for its totals: together. Rounding globally,
        Odoo shares the cents that rounding each line gains or loses against the whole order
        out over its lines, which a line's price_subtotal and price_total, computed alone,
        miss (two lines of 1 x 10.05 less 50% are 5.03 each, the order 10.05)."""
        taxes = self.env["account.tax"]
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in self]
        taxes._add_tax_details_in_base_lines(base_lines, company)
        taxes._round_base_lines_tax_details(base_lines, company)
        amounts = {}
        for base_line in base_lines:
            details = base_line["tax_details"]
            untaxed = details["total_excluded_currency"] + details["delta_total_excluded_currency"]
            tax = sum(tax_data["tax_amount_currency"] for tax_data in details["taxes_data"])
            amounts[base_line["record"].id] = (untaxed, untaxed + tax)
        return amounts
