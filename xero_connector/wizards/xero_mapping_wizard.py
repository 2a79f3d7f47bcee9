# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..client_text import client_text
from ..models.account_journal import XERO_BANK_TYPE
from ..xero_client.errors import XeroError
from ..xero_client.mappings.matching import fitting_rates, odoo_tax_kind

WARNING_NAMES = 20  # names listed per kind in the warning, the others counted
LINE_FIELDS = (
    "account_line_ids",
    "tax_line_ids",
    "plan_line_ids",
    "analytic_line_ids",
    "category_line_ids",
    "bank_line_ids",
)


class XeroMappingWizard(models.TransientModel):
    """Settings › Xero › Accounts, taxes and tracking: import Xero's lists, propose matches,
    let the administrator correct them."""

    _name = "xero.mapping.wizard"
    _description = "Map accounts, taxes and tracking to Xero"

    connection_id = fields.Many2one("xero.connection", required=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id")
    tenant_name = fields.Char(related="connection_id.tenant_name")
    sales_account_id = fields.Many2one(
        "xero.account",
        string="Default sales account",
        domain="[('connection_id', '=', connection_id)]",
    )
    purchase_account_id = fields.Many2one(
        "xero.account",
        string="Default purchase account",
        domain="[('connection_id', '=', connection_id)]",
    )
    account_line_ids = fields.One2many("xero.mapping.wizard.account", "wizard_id")
    tax_line_ids = fields.One2many("xero.mapping.wizard.tax", "wizard_id")
    plan_line_ids = fields.One2many("xero.mapping.wizard.plan", "wizard_id")
    analytic_line_ids = fields.One2many("xero.mapping.wizard.analytic", "wizard_id")
    category_line_ids = fields.One2many("xero.mapping.wizard.category", "wizard_id")
    bank_line_ids = fields.One2many("xero.mapping.wizard.bank", "wizard_id")
    warning = fields.Text(readonly=True)

    @api.model
    def _open_for(self, connection):
        """Refresh Xero's lists, propose matches, and open the wizard on the result."""
        mapping = self.env["xero.mapping"].sudo()
        try:
            mapping._import_settings(connection)
        except XeroError as error:
            raise UserError(client_text(self.env, error)) from error
        self.env["product.product"].sudo()._xero_import_items(connection)
        mapping._propose_matches(connection)
        self.env["account.journal"].sudo()._xero_propose_bank_accounts(connection)
        wizard = self.create(self._values_for(connection))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Xero: accounts, taxes and tracking"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    @api.model
    def _values_for(self, connection):
        company = connection.company_id
        mapping = self.env["xero.mapping"]
        unmapped = mapping._unmapped_in_open_documents(connection)
        without = mapping._without_mapping(connection)
        used_accounts, used_taxes, used_analytics = (
            unmapped["accounts"],
            unmapped["taxes"],
            unmapped["analytics"],
        )
        plans = mapping._odoo_plans().with_company(company)
        if not self.env.user.has_group("analytic.group_analytic_accounting"):
            plans = plans.browse()  # analytic accounting is off: nothing to track
        return {
            "connection_id": connection.id,
            "sales_account_id": connection.xero_sales_account_id.id,
            "purchase_account_id": connection.xero_purchase_account_id.id,
            "account_line_ids": [
                (
                    0,
                    0,
                    {
                        "account_id": a.id,
                        "xero_account_id": a.xero_account_id.id,
                        "match": a.xero_account_match,
                        "used": a in used_accounts,
                    },
                )
                for a in mapping._odoo_accounts(company)
            ],
            "tax_line_ids": [
                (
                    0,
                    0,
                    {
                        "tax_id": t.id,
                        "xero_tax_rate_id": t.xero_tax_rate_id.id,
                        "match": t.xero_tax_match,
                        "used": t in used_taxes,
                    },
                )
                for t in mapping._odoo_taxes(company)
            ],
            "plan_line_ids": [
                (
                    0,
                    0,
                    {
                        "plan_id": p.id,
                        "xero_category_id": p.xero_tracking_category_id.id,
                        "match": p.xero_tracking_match,
                    },
                )
                for p in plans
            ],
            "analytic_line_ids": [
                (
                    0,
                    0,
                    {
                        "analytic_id": a.id,
                        "xero_option_id": a.xero_tracking_option_id.id,
                        "match": a.xero_tracking_option_match,
                        "used": a in used_analytics,
                    },
                )
                for a in plans.account_ids.with_company(company).filtered(
                    lambda account: account.company_id in (company, company.browse())
                )
            ],
            "category_line_ids": [
                (
                    0,
                    0,
                    {
                        "categ_id": c.id,
                        "xero_sales_account_id": c.xero_sales_account_id.id,
                        "xero_purchase_account_id": c.xero_purchase_account_id.id,
                    },
                )
                for c in self.env["product.category"].with_company(company).search([])
            ],
            "bank_line_ids": self._bank_line_values(connection),
            "warning": self._warning_text(
                unmapped, without, self._tax_hints(connection, without["taxes"])
            ),
        }

    @api.model
    def _bank_line_values(self, connection):
        """One line per Xero account that takes payments (bank accounts first), with the
        journal whose payments go through it."""
        journals = self.env["account.journal"].sudo()._xero_bank_journals(connection.company_id)
        by_account = {j.xero_bank_account_id: j for j in journals if j.xero_bank_account_id}
        lines = []
        accounts = self.env["xero.account"].search(
            [
                ("connection_id", "=", connection.id),
                "|",
                ("account_type", "=", XERO_BANK_TYPE),
                ("takes_payments", "=", True),
            ]
        )
        for account in accounts.sorted(lambda a: (a.account_type != XERO_BANK_TYPE, a.code or "")):
            journal = by_account.get(account, journals.browse())
            lines.append(
                (
                    0,
                    0,
                    {
                        "xero_account_id": account.id,
                        "journal_id": journal.id,
                        "match": journal.xero_bank_account_match,
                    },
                )
            )
        return lines

    @api.model
    def _tax_hints(self, connection, taxes):
        """{tax: why no Xero rate was proposed for it} for the percent taxes of sales and
        purchases: Xero has no rate of their kind and value, or has several."""
        mapping = self.env["xero.mapping"]
        rates = mapping._rate_dicts(mapping._xero_tax_rates(connection))
        hints = {}
        for tax in taxes:
            if tax.amount_type != "percent" or tax.type_tax_use not in ("sale", "purchase"):
                continue
            values = mapping._tax_dict(tax)
            fitting = fitting_rates(values, rates)
            if fitting:
                hints[tax] = self.env._(
                    "Xero rates that fit it: %(rates)s; choose one",
                    rates=", ".join(rate["name"] for rate in fitting),
                )
            else:
                hints[tax] = self._no_rate_hint(tax, odoo_tax_kind(values))
        return hints

    @api.model
    def _no_rate_hint(self, tax, kind):
        env = self.env
        side = env._("sales") if tax.type_tax_use == "sale" else env._("purchases")
        kinds = {
            "reverse_charge": env._("reverse-charge"),
            "import": env._("import"),
            "ec": env._("EC"),
            "input_taxed": env._("input-taxed"),
            "non_deductible": env._("non-deductible"),
            "exempt": env._("exempt"),
            "no_tax": env._("untaxed"),
            "capital": env._("capital"),
            "zero": env._("zero-rated"),
        }
        rate = "%g%%" % tax.amount
        if kind in kinds:
            return env._(
                "Xero has no %(rate)s rate for %(kind)s %(side)s: create one in Xero, or map "
                "it by hand",
                rate=rate,
                kind=kinds[kind],
                side=side,
            )
        return env._(
            "Xero has no %(rate)s rate for %(side)s: create one in Xero, or map it by hand",
            rate=rate,
            side=side,
        )

    @api.model
    def _warning_text(self, unmapped, without=None, hints=None):
        """What open documents use without a mapping, then what nothing in Xero was found to
        fit (``without``: see ``xero.mapping._without_mapping``), with why where ``hints``
        ({record: text}) say."""
        paragraphs = []
        used = self._warning_parts(unmapped)
        if used:
            paragraphs.append(
                self.env._(
                    "Open documents use these without a Xero mapping; they cannot be sent until "
                    "they are mapped:\n%(parts)s",
                    parts="\n".join(used),
                )
            )
        unproposed = self._warning_parts(without or {}, hints)
        if unproposed:
            paragraphs.append(
                self.env._(
                    "Nothing in Xero was found to fit these, so nothing was proposed: map them "
                    "by hand before documents use them:\n%(parts)s",
                    parts="\n".join(unproposed),
                )
            )
        return "\n\n".join(paragraphs) or False

    @api.model
    def _warning_parts(self, records_by_kind, hints=None):
        labels = (
            ("taxes", self.env._("Taxes")),
            ("accounts", self.env._("Accounts")),
            ("analytics", self.env._("Analytic accounts")),
        )
        hints = hints or {}
        parts = []
        for key, label in labels:
            records = records_by_kind.get(key)
            if records:
                names = [
                    "%s (%s)" % (r.display_name, hints[r]) if r in hints else r.display_name
                    for r in records
                ]
                hinted = any(r in hints for r in records)  # then one per line
                shown = ("\n- " if hinted else ", ").join(names[:WARNING_NAMES])
                if len(names) > WARNING_NAMES:
                    shown = self.env._(
                        "%(names)s and %(count)s more",
                        names=shown,
                        count=len(names) - WARNING_NAMES,
                    )
                parts.append(("%s:\n- %s" if hinted else "%s: %s") % (label, shown))
        return parts

    def action_apply(self):
        self.ensure_one()
        self.connection_id._check_admin()
        self.connection_id.sudo().write(
            {
                "xero_sales_account_id": self.sales_account_id.id,
                "xero_purchase_account_id": self.purchase_account_id.id,
            }
        )
        for field in LINE_FIELDS:
            # Checked above: Xero administrators map accounts and taxes without needing the
            # accounting manager's rights.
            self[field].sudo()._apply(self.company_id)
        return {"type": "ir.actions.act_window_close"}

    def action_refresh(self):
        """Keep the choices made here, fetch Xero's lists again, propose again."""
        self.action_apply()
        return self._open_for(self.connection_id)
