# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from xero_client.mappings.common import text

from .account_move import amount
from .xero_sync_mixin import XeroDataError

TEXT_LINES = ("line_section", "line_subsection", "line_note")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _xero_line_values(self, connection, side, label):
        if self.display_type in TEXT_LINES:
            return {"kind": "text", "label": label, "description": text(self.name) or label}
        company = connection.company_id
        mapping = self.env["xero.mapping"]
        taxes = self.tax_ids.filtered(lambda t: t.company_id == company)
        tax_type = mapping._tax_type(connection, taxes)
        untaxed = not tax_type
        if untaxed:
            tax_type = mapping._no_tax_type(connection)
        product = self.product_id.with_company(company)
        return {
            "kind": "product",
            "label": label,
            "description": text(self.name) or text(product.display_name) or label,
            "quantity": self.quantity if self.display_type != "rounding" else 1,
            "price_unit": self.price_unit
            if self.display_type != "rounding"
            else self.price_subtotal,
            "discount": self.discount,
            # Not price_subtotal: rounding the whole document's untaxed amount at once, Odoo
            # moves a cent into the journal items of some lines, not into their subtotals.
            "amount": amount(self.move_id.direction_sign * self.amount_currency),
            "amount_included": amount(self.price_total),
            "account_code": mapping._account_code(connection, side, self.account_id),
            "tax_type": tax_type,
            "tax_rate": 0 if untaxed else taxes.xero_tax_rate_id.rate,
            "price_include": None if untaxed else taxes[:1].price_include,
            "item_code": product.default_code
            if product.xero_id or self.env.context.get("xero_preview")
            else None,
            "tracking": self._xero_tracking(connection),
        }

    def _xero_tracking(self, connection):
        """Xero tracking for the line's analytic distribution: one option per category, at
        most two categories, the whole line (Xero cannot split a line between options)."""
        distribution = self.analytic_distribution or {}
        if any(float(percent) != 100.0 for percent in distribution.values()):
            raise XeroDataError(
                self.env._(
                    "its analytic distribution splits it between accounts, and Xero tracks a "
                    "whole line with one option per category: split the line in two instead."
                )
            )
        tracking = self.env["xero.mapping"]._tracking(connection, distribution)
        categories = [entry["Name"] for entry in tracking]
        if len(set(categories)) != len(categories):
            raise XeroDataError(
                self.env._(
                    "its analytic distribution uses two options of one Xero tracking category: "
                    "keep one analytic account per plan on the line."
                )
            )
        if len(categories) > 2:
            raise XeroDataError(
                self.env._(
                    "its analytic distribution uses %(count)s Xero tracking categories; Xero "
                    "takes two per line.",
                    count=len(categories),
                )
            )
        return [(entry["Name"], entry["Option"]) for entry in tracking]
