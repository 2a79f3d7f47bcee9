# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import models

from .xero_sync_mixin import XeroDataError

TEXT_LINES = ("line_section", "line_subsection", "line_note")


class XeroDocumentLineMixin(models.AbstractModel):
    """What the lines of documents sent to Xero (invoices, bills, credit notes, purchase
    orders) share: their tax as Xero takes it, and their tracking."""

    _name = "xero.document.line.mixin"
    _description = "Line of a document sent to Xero"

    def _xero_tax_values(self, connection, taxes):
        """The line's tax_type, tax_rate and price_include for the document mapping."""
        mapping = self.env["xero.mapping"]
        taxes = taxes.filtered(lambda t: t.company_id == connection.company_id)
        tax_type = mapping._tax_type(connection, taxes)
        if not tax_type:
            return {
                "tax_type": mapping._no_tax_type(connection),
                "tax_rate": 0,
                "price_include": None,
            }
        self._xero_check_rate(taxes, taxes.xero_tax_rate_id)
        rate = taxes.xero_tax_rate_id.rate
        return {
            "tax_type": tax_type,
            "tax_rate": rate,
            # A 0% tax adds nothing, included in the price or not.
            "price_include": taxes[:1].price_include if rate else None,
        }

    def _xero_tracking(self, connection):
        """Xero tracking for the line's analytic distribution: one option per category, at
        most two categories, the whole line (Xero cannot split a line between options).
        Plans Xero does not track may split the line as they like."""
        shares = self.env["xero.mapping"]._tracking_shares(connection, self.analytic_distribution)
        for category, options in shares.items():
            if len(options) > 1:
                raise XeroDataError(
                    self.env._(
                        "its analytic distribution splits it between options of Xero's tracking "
                        "category '%(category)s' (%(options)s), and Xero tracks a whole line with "
                        "one option per category: split the line in two instead.",
                        category=category,
                        options=", ".join(options),
                    )
                )
            [(option, percent)] = options.items()
            if abs(percent - 100.0) > 0.001:
                raise XeroDataError(
                    self.env._(
                        "its analytic distribution puts %(percent)s%% of it on '%(option)s', and "
                        "Xero tracks a whole line: split the line in two instead.",
                        percent=round(percent, 2),
                        option=option,
                    )
                )
        if len(shares) > 2:
            raise XeroDataError(
                self.env._(
                    "its analytic distribution uses %(count)s Xero tracking categories; Xero "
                    "takes two per line.",
                    count=len(shares),
                )
            )
        return [(category, next(iter(options))) for category, options in shares.items()]

    def _xero_tax_percent(self, taxes):
        """The percentage these taxes (one tax, or a group) add, or None when they are not a
        plain percentage of the price."""
        leaves = taxes.flatten_taxes_hierarchy()
        if not leaves or any(t.amount_type != "percent" for t in leaves):
            return None
        return sum(leaves.mapped("amount"))

    def _xero_check_rate(self, taxes, xero_rate):
        """Xero computes each line's tax from the mapped rate, within a cent of what is sent:
        a tax mapped to a rate of another value can never match."""
        percent = self._xero_tax_percent(taxes)
        if percent is None:
            raise XeroDataError(
                self.env._(
                    "tax '%(tax)s' is not a percentage of the price, and Xero's tax rates are: "
                    "use a percentage tax on this line.",
                    tax=taxes.name,
                )
            )
        if abs(percent - xero_rate.rate) > 0.0001:
            raise XeroDataError(
                self.env._(
                    "tax '%(tax)s' (%(percent)s%%) is mapped to Xero's '%(rate)s' "
                    "(%(xero_percent)s%%): map it to a Xero rate of the same value in "
                    "Settings › Xero.",
                    tax=taxes.name,
                    percent=percent,
                    rate=xero_rate.name,
                    xero_percent=xero_rate.rate,
                )
            )


def amount(value):
    """An amount (Odoo's monetary float, or the SDK's Decimal) as Decimal cents."""
    if isinstance(value, float):
        value = repr(round(value, 2))
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
