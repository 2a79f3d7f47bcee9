# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..xero_client.mappings.common import text
from .xero_document_line_mixin import TEXT_LINES, amount


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "xero.document.line.mixin"]

    def _xero_line_values(self, connection, side, label):
        if self.display_type in TEXT_LINES:
            return {
                "kind": "text",
                "label": label,
                "description": self._xero_description(text(self.name)) or label,
            }
        company = connection.company_id
        mapping = self.env["xero.mapping"]
        tax_values = self._xero_tax_values(connection, self.tax_ids)
        product = self.product_id.with_company(company)
        rounding = self.display_type == "rounding"
        line_amount = amount(self.move_id.direction_sign * self.amount_currency)
        return {
            "kind": "product",
            "label": label,
            "description": self._xero_description(
                text(self.name) or text(product.display_name) or label
            ),
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

    def _xero_reconcile_for(self, amount):
        """Reconcile these lines (one document's open receivable or payable lines and
        another's) for ``amount`` in their currency, a part of either's open amount included,
        as reconcile() does everything else (rates, exchange differences, cash basis, payment
        states). Returns the reconciliations made between them."""
        before = self.matched_debit_ids | self.matched_credit_ids
        self.with_context(xero_reconcile_for=(tuple(sorted(self.ids)), amount)).reconcile()
        return (self.matched_debit_ids | self.matched_credit_ids).filtered(
            lambda p: p not in before and p.debit_move_id in self and p.credit_move_id in self
        )

    @api.model
    def _prepare_reconciliation_plan(self, plan, amls_values_map, shadowed_aml_values=None):
        # Odoo reconciles lines up to the smaller of their open amounts and takes no amount to
        # stop at: for the lines of _xero_reconcile_for (never the exchange difference lines
        # reconciled on the way), their open amounts are cut down to Xero's before Odoo's own
        # rules make the partials.
        limit = self.env.context.get("xero_reconcile_for")
        if limit and plan.get("aml_ids") == set(limit[0]):
            cut_down(plan["amls"], amls_values_map, limit[1])
        return super()._prepare_reconciliation_plan(
            plan, amls_values_map, shadowed_aml_values=shadowed_aml_values
        )


def cut_down(lines, values_map, amount):
    """The open amounts of ``lines`` (in Odoo's order) cut down to ``amount`` in their
    currency on each side, debit and credit, the first lines first; each line's open amount in
    the company's currency in proportion."""
    left = {1: amount, -1: amount}
    for line in lines:
        values = values_map[line]
        open_amount = values["amount_residual_currency"]
        side = 1 if open_amount > 0 else -1
        taken = line.currency_id.round(min(left[side], abs(open_amount)))
        left[side] -= taken
        share = taken / abs(open_amount) if open_amount else 0.0
        values["amount_residual"] = line.company_currency_id.round(
            values["amount_residual"] * share
        )
        values["amount_residual_currency"] = side * taken
