# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from xero_client.mappings.common import text

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
# Where the cursor keeps the lines' amounts of the last order mapped (see _xero_amounts).
AMOUNTS_CACHE = "xero_connector.purchase_order_line.amounts"


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

    def _xero_line_values(self, connection, label):
        if self.display_type in TEXT_LINES:
            return {"kind": "text", "label": label, "description": text(self.name) or label}
        company = connection.company_id
        product = self.product_id.with_company(company)
        accounts = product.product_tmpl_id._get_product_accounts() if product else {}
        untaxed, included = self._xero_amounts()
        return {
            "kind": "product",
            "label": label,
            "description": text(self.name) or text(product.display_name) or label,
            "quantity": self.product_qty,
            "price_unit": self.price_unit,
            "discount": self.discount,
            # Not price_subtotal: see _xero_amounts.
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

    def _xero_amounts(self):
        """(untaxed, taxes included) of this line as its order's totals count it.

        Rounding globally, Odoo computes the order's lines together and shares the cents that
        rounding each line gains or loses against the whole order out over its lines; a
        line's price_subtotal and price_total, computed alone, miss them (two lines of 1 x
        10.05 less 50% are 5.03 each, the order 10.05). So the order's lines are computed
        together, as its totals are, once per order while their figures stay the same."""
        order = self.order_id
        lines = order.order_line.filtered(lambda line: not line.display_type)
        figures = (
            order.currency_id.id,
            order.currency_rate,
            order.company_id.tax_calculation_rounding_method,
            tuple(
                (
                    line.id,
                    line.product_id.id,
                    line.product_qty,
                    line.price_unit,
                    line.discount,
                    tuple(line.tax_ids.ids),
                )
                for line in lines
            ),
        )
        # The lines of one order are mapped one after the other: the last order's are kept.
        known = self.env.cr.cache.get(AMOUNTS_CACHE)
        if not known or known[:2] != (order.id, figures):
            known = (order.id, figures, lines._xero_amounts_together(order.company_id))
            self.env.cr.cache[AMOUNTS_CACHE] = known
        return known[2][self.id]

    def _xero_amounts_together(self, company):
        """{line id: (untaxed, taxes included)} for these lines of one order, rounded as
        purchase.order's _amount_all rounds them for its totals."""
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
