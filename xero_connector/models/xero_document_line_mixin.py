# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from xero_python.accounting import CurrencyCode

from odoo import models

from ..client_text import client_text
from ..xero_client.mappings.common import describe_text_problem, text_problem
from .xero_sync_mixin import XeroDataError

TEXT_LINES = ("line_section", "line_subsection", "line_note")
# Xero's limit of an invoice or bill number (its API description: "max length = 255").
MAX_INVOICE_NUMBER = 255
XERO_CURRENCIES = frozenset(code.value for code in CurrencyCode)


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

    def _xero_description(self, description):
        """The line's description, unless it holds what Xero refuses."""
        refusal = text_refusal(self.env, self.env._("description"), description, multiline=True)
        if refusal:
            raise XeroDataError(refusal)
        return description

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


def text_refusal(env, field, value, max_length=None, multiline=False):
    """Why Xero would refuse the text ``value``, naming ``field`` (as the user knows it,
    translated), in words that follow "its" subject (e.g. after a line's label): a control
    character, a character Xero does not keep (emoji), more characters than Xero takes.
    None when Xero takes it."""
    problem = text_problem(value, max_length, multiline)
    if not problem:
        return None
    return client_text(env, describe_text_problem(field, problem, max_length))


def check_document(document, connection, values):
    """A XeroDataError for what Xero would refuse in a document's own values (the plain
    values of ``xero_client.mappings.document``): its currency, its number and reference."""
    env = document.env
    check_currency(document, connection, values["currency"])
    if values["kind"] in ("out_invoice", "in_invoice"):
        number_field = (
            env._("number")
            if values["kind"] == "out_invoice"
            else env._("vendor reference (its number in Xero)")
        )
        refusal = text_refusal(env, number_field, values.get("number"), MAX_INVOICE_NUMBER)
    else:
        refusal = text_refusal(env, env._("number"), values.get("number"))
    refusal = refusal or text_refusal(env, env._("reference"), values.get("reference"))
    if refusal:
        # The document's own field: the sentence starts with it.
        raise XeroDataError(refusal[:1].upper() + refusal[1:])


def check_currency(document, connection, code):
    """A XeroDataError when Xero does not take documents in this currency: one Xero does not
    support at all, or one the organisation does not use (as the last import of its
    currencies in Settings › Xero found them)."""
    env = document.env
    if code not in XERO_CURRENCIES:
        raise XeroDataError(
            env._(
                "Its currency, %(currency)s, is not one Xero supports: Xero cannot hold this "
                "document. Use another currency for documents sent to Xero.",
                currency=code,
            )
        )
    if code == (connection.tenant_currency or document.company_id.currency_id.name):
        return  # the organisation's own currency: no query for most documents
    enabled = (
        env["xero.currency"].sudo().search([("connection_id", "=", connection.id)]).mapped("code")
    )
    if enabled and code not in enabled:
        raise XeroDataError(
            env._(
                "Its currency, %(currency)s, is not one of the Xero organisation's "
                "(%(currencies)s): add %(currency)s to the organisation's currencies in Xero, "
                "then refresh the lists in Settings › Xero; or use another currency.",
                currency=code,
                currencies=", ".join(sorted(enabled)),
            )
        )


def amount(value):
    """An amount (Odoo's monetary float, or the SDK's Decimal) as Decimal cents."""
    if isinstance(value, float):
        value = repr(round(value, 2))
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
