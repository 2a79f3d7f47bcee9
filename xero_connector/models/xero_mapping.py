# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import api, models
from odoo.tools import html2plaintext

from ..xero_client.mappings.matching import (
    account_dict,
    match_accounts,
    match_taxes,
    match_tracking,
    plain,
    tax_rate_dict,
    tracking_dict,
)
from .xero_sync_mixin import XeroDataError

NOT_MAPPED_ACCOUNT_TYPES = (
    "asset_receivable",
    "liability_payable",
    "equity_unaffected",
    "off_balance",
)
MAX_TRACKING_CATEGORIES = 2
# Why a mapping was proposed, or that it was chosen by hand (then proposals leave it alone).
MATCH_REASONS = [
    ("code", "Same code"),
    ("rate", "Same rate"),
    ("name", "Same name"),
    ("kind", "Same kind of tax"),
    ("type", "Same type and use"),
    ("manual", "Chosen by hand"),
]
INVOICE_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund")
COMPANY_DEPENDENT_MAPPINGS = (
    ("account.account", ("xero_account_id", "xero_account_match")),
    ("account.analytic.plan", ("xero_tracking_category_id", "xero_tracking_match")),
    ("account.analytic.account", ("xero_tracking_option_id", "xero_tracking_option_match")),
    ("product.category", ("xero_sales_account_id", "xero_purchase_account_id")),
)


class XeroMapping(models.AbstractModel):
    """Xero's chart of accounts, tax rates and tracking categories, and how Odoo's accounts,
    taxes and analytic accounts map to them. Documents resolve Xero codes only here."""

    _name = "xero.mapping"
    _description = "Xero mappings"

    # -- import from Xero ---------------------------------------------------------------------
    @api.model
    def _import_settings(self, connection):
        started = time.monotonic()
        client = connection._client()
        self._store_accounts(
            connection,
            [
                dict(account_dict(a), bank_account_number=plain(a.bank_account_number))
                for a in client.get_accounts()
            ],
        )
        self._store_tax_rates(connection, [tax_rate_dict(r) for r in client.get_tax_rates()])
        self._store_tracking(
            connection, [tracking_dict(c) for c in client.get_tracking_categories()]
        )
        self._store_currencies(connection, client.get_currencies())
        self.env["xero.sync.log"]._record(
            connection,
            "import",
            "success",
            self.env._(
                "Chart of accounts, tax rates, tracking categories and currencies "
                "imported from Xero."
            ),
            duration=time.monotonic() - started,
        )

    def _store(self, model, connection, key, rows, parent=None):
        """Create or update cache records by their Xero key; archive the ones Xero dropped."""
        domain = (
            [("category_id", "=", parent.id)] if parent else [("connection_id", "=", connection.id)]
        )
        existing = {
            r[key]: r for r in self.env[model].with_context(active_test=False).search(domain)
        }
        kept = self.env[model]
        for values in rows:
            values = dict(values, active=True)
            record = existing.get(values[key])
            if record:
                record.write(values)
            else:
                owner = {"category_id": parent.id} if parent else {"connection_id": connection.id}
                record = self.env[model].create(dict(values, **owner))
            kept |= record
        (self.env[model].browse([r.id for r in existing.values()]) - kept).write({"active": False})
        return kept

    def _store_accounts(self, connection, accounts):
        rows = [
            {
                "xero_id": a["xero_id"],
                "code": a["code"] or False,
                "name": a["name"],
                "account_type": a["type"],
                "account_class": a["class"] or False,
                "tax_type": a["tax_type"] or False,
                "bank_account_number": a.get("bank_account_number") or False,
                "takes_payments": a.get("takes_payments", False),
                "status": a["status"],
            }
            for a in accounts
            if a["status"] == "ACTIVE" and not a["system_account"]
        ]
        return self._store("xero.account", connection, "xero_id", rows)

    def _store_tax_rates(self, connection, rates):
        rows = [
            {
                "tax_type": r["tax_type"],
                "name": r["name"],
                "rate": r["rate"],
                "status": r["status"],
                "report_tax_type": r["report_tax_type"] or False,
                "can_revenue": r["can_revenue"],
                "can_expense": r["can_expense"],
            }
            for r in rates
            if r["status"] == "ACTIVE"
        ]
        return self._store("xero.tax.rate", connection, "tax_type", rows)

    def _store_tracking(self, connection, categories):
        active = [c for c in categories if c["status"] == "ACTIVE"]
        rows = [{"xero_id": c["xero_id"], "name": c["name"], "status": c["status"]} for c in active]
        stored = self._store("xero.tracking.category", connection, "xero_id", rows)
        by_id = {c.xero_id: c for c in stored}
        for category in active:
            options = [
                {"xero_id": o["xero_id"], "name": o["name"], "status": o["status"]}
                for o in category["options"]
                if o["status"] == "ACTIVE"
            ]
            self._store(
                "xero.tracking.option",
                connection,
                "xero_id",
                options,
                parent=by_id[category["xero_id"]],
            )

    def _store_currencies(self, connection, currencies):
        rows = [
            {"code": str(getattr(c.code, "value", c.code)), "description": c.description}
            for c in currencies
        ]
        existing = {
            c.code: c
            for c in self.env["xero.currency"].search([("connection_id", "=", connection.id)])
        }
        for row in rows:
            if row["code"] in existing:
                existing.pop(row["code"]).write(row)
            else:
                self.env["xero.currency"].create(dict(row, connection_id=connection.id))
        for stale in existing.values():
            stale.unlink()

    @api.model
    def _forget_lists(self, connection):
        """Drop the imported lists and every mapping into them (another organisation)."""
        company = connection.company_id
        for model, field_names in COMPANY_DEPENDENT_MAPPINGS:
            records = (
                self.env[model]
                .sudo()
                .with_company(company)
                .with_context(active_test=False)
                .search([(field_names[0], "!=", False)])
            )
            records.write(dict.fromkeys(field_names, False))
        self.env["account.tax"].sudo().with_context(active_test=False).search(
            [
                ("company_id", "=", company.id),
                ("xero_tax_rate_id", "!=", False),
            ]
        ).write({"xero_tax_rate_id": False, "xero_tax_match": False})
        self.env["account.journal"].sudo().with_context(active_test=False).search(
            [("company_id", "=", company.id), ("xero_bank_account_match", "!=", False)]
        ).write({"xero_bank_account_id": False, "xero_bank_account_match": False})
        connection.write({"xero_sales_account_id": False, "xero_purchase_account_id": False})
        for model in ("xero.account", "xero.tax.rate", "xero.tracking.category", "xero.currency"):
            self.env[model].sudo().with_context(active_test=False).search(
                [("connection_id", "=", connection.id)]
            ).unlink()

    # -- what Odoo has to map -------------------------------------------------------------------
    @api.model
    def _odoo_accounts(self, company):
        return (
            self.env["account.account"]
            .with_company(company)
            .search(
                [
                    ("company_ids", "in", company.id),
                    ("account_type", "not in", NOT_MAPPED_ACCOUNT_TYPES),
                ]
            )
        )

    @api.model
    def _odoo_taxes(self, company):
        return self.env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "in", ("sale", "purchase")),
            ]
        )

    @api.model
    def _odoo_plans(self):
        # Administrators map tracking even when their own analytic rights are narrower.
        return self.env["account.analytic.plan"].sudo().search([("parent_id", "=", False)])

    # -- proposals: fill what the user did not choose by hand -------------------------------
    @api.model
    def _propose_matches(self, connection):
        company = connection.company_id
        self._propose_accounts(connection, company)
        self._propose_taxes(connection, company)
        self._propose_tracking(connection, company)

    def _propose_accounts(self, connection, company):
        accounts = self._odoo_accounts(company).filtered(lambda a: a.xero_account_match != "manual")
        xero = self.env["xero.account"].search([("connection_id", "=", connection.id)])
        by_code = {a.code: a for a in xero}
        uses = self._account_uses(company)
        matches = match_accounts(
            [
                {
                    "id": a.id,
                    "code": a.code,
                    "name": a.name,
                    "account_type": a.account_type,
                    "uses": sorted(uses.get(a.id, ())),
                }
                for a in accounts
            ],
            [
                {
                    "xero_id": a.xero_id,
                    "code": a.code,
                    "name": a.name,
                    "type": a.account_type,
                    "tax_type": a.tax_type,
                    "status": "ACTIVE",
                    "class": a.account_class or None,
                    "system_account": None,
                }
                for a in xero
            ],
        )
        for account in accounts:
            code, reason = matches.get(account.id, (None, False))
            account.write(
                {
                    "xero_account_id": by_code[code].id if code else False,
                    "xero_account_match": reason or False,
                }
            )

    @api.model
    def _account_uses(self, company):
        """{account id: {"sale", "purchase"}}: the accounts Odoo puts on sales and purchase
        lines by default (the company's, its product categories', its journals')."""
        uses = {}

        def add(accounts, use):
            for account in accounts:
                uses.setdefault(account.id, set()).add(use)

        company = company.sudo()
        add(company.income_account_id, "sale")
        add(company.expense_account_id, "purchase")
        categories = (
            self.env["product.category"].sudo().with_company(company).search([], limit=None)
        )
        add(categories.property_account_income_categ_id, "sale")
        add(categories.property_account_expense_categ_id, "purchase")
        journals = (
            self.env["account.journal"]
            .sudo()
            .search([("company_id", "=", company.id), ("type", "in", ("sale", "purchase"))])
        )
        for journal in journals:
            add(journal.default_account_id, journal.type)
        return uses

    def _propose_taxes(self, connection, company):
        taxes = self._odoo_taxes(company).filtered(lambda t: t.xero_tax_match != "manual")
        rates = self._xero_tax_rates(connection)
        by_type = {r.tax_type: r for r in rates}
        matches = match_taxes([self._tax_dict(t) for t in taxes], self._rate_dicts(rates))
        for tax in taxes:
            tax_type, reason = matches.get(tax.id, (None, False))
            tax.write(
                {
                    "xero_tax_rate_id": by_type[tax_type].id if tax_type else False,
                    "xero_tax_match": reason or False,
                }
            )

    @api.model
    def _xero_tax_rates(self, connection):
        return self.env["xero.tax.rate"].search([("connection_id", "=", connection.id)])

    @api.model
    def _tax_dict(self, tax):
        """An Odoo tax as the matching functions take it."""
        return {
            "id": tax.id,
            "name": tax.name,
            "description": html2plaintext(tax.description or ""),
            "invoice_label": tax.invoice_label,
            "amount": tax.amount,
            "net_amount": tax.amount * tax_lines_factor(tax),
            "amount_type": tax.amount_type,
            "type_tax_use": tax.type_tax_use,
            "tax_scope": tax.tax_scope,
        }

    @api.model
    def _rate_dicts(self, rates):
        """Xero tax rates (``xero.tax.rate``, all active) as the matching functions take them."""
        return [
            {
                "tax_type": r.tax_type,
                "name": r.name,
                "rate": r.rate,
                "status": "ACTIVE",
                "can_revenue": r.can_revenue,
                "can_expense": r.can_expense,
                "report_tax_type": r.report_tax_type or None,
            }
            for r in rates
        ]

    def _propose_tracking(self, connection, company):
        plans = self._odoo_plans().with_company(company)
        chosen = plans.filtered(lambda p: p.xero_tracking_match == "manual")
        categories = self.env["xero.tracking.category"].search(
            [("connection_id", "=", connection.id)]
        )
        by_category = {c.xero_id: c for c in categories}
        # Categories chosen by hand are taken: only the others are proposed.
        categories -= chosen.xero_tracking_category_id
        by_option = {o.xero_id: o for o in categories.option_ids}
        plan_matches, option_matches = match_tracking(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "accounts": [
                        {"id": a.id, "name": a.name, "code": a.code} for a in p.account_ids
                    ],
                }
                for p in plans - chosen
            ],
            [
                {
                    "xero_id": c.xero_id,
                    "name": c.name,
                    "status": "ACTIVE",
                    "options": [
                        {"xero_id": o.xero_id, "name": o.name, "status": "ACTIVE"}
                        for o in c.option_ids
                    ],
                }
                for c in categories
            ],
            limit=MAX_TRACKING_CATEGORIES - len(chosen.xero_tracking_category_id),
        )
        for plan in plans.filtered(lambda p: p.xero_tracking_match != "manual"):
            category_id, reason = plan_matches.get(plan.id, (None, False))
            plan.write(
                {
                    "xero_tracking_category_id": by_category[category_id].id
                    if category_id
                    else False,
                    "xero_tracking_match": reason or False,
                }
            )
        for account in plans.account_ids.with_company(company).filtered(
            lambda a: (
                a.xero_tracking_option_match != "manual"
                and a.company_id in (company, company.browse())
            )
        ):
            option_id, reason = option_matches.get(account.id, (None, False))
            account.write(
                {
                    "xero_tracking_option_id": by_option[option_id].id if option_id else False,
                    "xero_tracking_option_match": reason or False,
                }
            )

    # -- resolution, for documents and items ----------------------------------------------------
    @api.model
    def _account_code(self, connection, side, account=None, category=None):
        """The Xero account code for one side ("sale"/"purchase") of a line or an item."""
        company = connection.company_id
        if category:
            override = category.with_company(company)[
                "xero_sales_account_id" if side == "sale" else "xero_purchase_account_id"
            ]
            if override:
                return self._still_in_xero(override, category.display_name).code
        if account:
            mapped = account.with_company(company).xero_account_id
            if mapped:
                return self._still_in_xero(mapped, account.display_name).code
            # An Odoo account without a mapping is an error, never the default's silent stand-in.
            raise XeroDataError(
                self.env._(
                    "Account '%(account)s' has no Xero account: map it in Settings › Xero.",
                    account=" ".join(
                        filter(None, (account.with_company(company).code, account.name))
                    ),
                )
            )
        default = connection[
            "xero_sales_account_id" if side == "sale" else "xero_purchase_account_id"
        ]
        if default:
            return self._still_in_xero(default, self.env._("the default account")).code
        raise XeroDataError(
            self.env._(
                "There is no Odoo %(side)s account to map, and no default Xero %(side)s account: "
                "choose one in Settings › Xero.",
                side=self.env._("sales") if side == "sale" else self.env._("purchase"),
            )
        )

    @api.model
    def _tax_type(self, connection, taxes):
        """The Xero TaxType of a line's taxes (Xero takes one per line), None without tax."""
        taxes = taxes.filtered(lambda t: t.company_id == connection.company_id)
        if not taxes:
            return None
        if len(taxes) > 1:
            raise XeroDataError(
                self.env._(
                    "Xero takes one tax per line, not %(taxes)s: use a single tax (or a group "
                    "mapped to one Xero rate).",
                    taxes=", ".join(taxes.mapped("name")),
                )
            )
        if not taxes.xero_tax_rate_id:
            raise XeroDataError(
                self.env._(
                    "Tax '%(tax)s' has no Xero tax rate: map it in Settings › Xero.", tax=taxes.name
                )
            )
        return self._still_in_xero(taxes.xero_tax_rate_id, taxes.name).tax_type

    @api.model
    def _no_tax_type(self, connection):
        """Xero's tax type for a line Odoo taxes nothing on: its no-tax rate (NONE in the UK,
        the US and New Zealand, BAS Excluded in Australia). Sent explicitly, or Xero would
        apply the account's default tax."""
        cache = self.env.cr.cache.setdefault("xero_no_tax_type", {})
        if connection.id not in cache:
            cache[connection.id] = self._find_no_tax_type(connection)
        return cache[connection.id]

    @api.model
    def _find_no_tax_type(self, connection):
        rates = self.env["xero.tax.rate"].search(
            [
                ("connection_id", "=", connection.id),
                ("rate", "=", 0),
                ("report_tax_type", "in", ("NONE", "BASEXCLUDED")),
            ]
        )
        rate = rates.filtered(lambda r: r.tax_type == "NONE")[:1] or rates[:1]
        if not rate:
            raise XeroDataError(
                self.env._(
                    "The organisation has no Xero tax rate for lines without tax: give the "
                    "line a tax."
                )
            )
        return rate.tax_type

    @api.model
    def _still_in_xero(self, xero_record, mapped_from):
        """The Xero account or tax rate a mapping points at, unless Xero archived it since:
        sending it would fail in Xero, or worse, be accepted."""
        if not xero_record.active:
            raise XeroDataError(
                self.env._(
                    "%(xero)s, to which %(odoo)s is mapped, was archived in Xero: map it to "
                    "another one in Settings › Xero.",
                    xero=xero_record.display_name,
                    odoo=mapped_from,
                )
            )
        return xero_record

    @api.model
    def _tracking(self, connection, distribution):
        """Xero tracking (Name/Option pairs) for an analytic distribution."""
        return [
            {"Name": category, "Option": option}
            for category, options in self._tracking_shares(connection, distribution).items()
            for option in options
        ]

    @api.model
    def _tracking_shares(self, connection, distribution):
        """{Xero tracking category: {option: percent of the line}} for an analytic
        distribution; analytic accounts of plans Xero does not track are left out."""
        company = connection.company_id
        shares = {}
        analytic = self.env["account.analytic.account"]
        for key, percent in (distribution or {}).items():
            ids = [int(i) for i in str(key).split(",")]
            for account in analytic.browse(ids).with_company(company):
                category = account.root_plan_id.with_company(company).xero_tracking_category_id
                if not category:
                    continue
                option = account.xero_tracking_option_id
                if not option:
                    raise XeroDataError(
                        self.env._(
                            "Analytic account '%(account)s' has no Xero tracking option: map it "
                            "in Settings › Xero.",
                            account=account.display_name,
                        )
                    )
                options = shares.setdefault(category.name, {})
                options[option.name] = options.get(option.name, 0.0) + float(percent)
        return shares

    # -- warnings -------------------------------------------------------------------------------
    @api.model
    def _without_mapping(self, connection):
        """The taxes and the income and expense accounts nothing in Xero was found to fit,
        and that nobody mapped by hand: documents using them cannot be sent."""
        company = connection.company_id
        accounts = self._odoo_accounts(company).with_company(company)
        return {
            "accounts": accounts.filtered(
                lambda a: (
                    a.account_type.split("_")[0] in ("income", "expense") and not a.xero_account_id
                )
            ),
            "taxes": self._odoo_taxes(company).filtered(lambda t: not t.xero_tax_rate_id),
        }

    @api.model
    def _unmapped_in_open_documents(self, connection):
        """Accounts, taxes and analytic accounts that open documents use without a mapping.

        Grouped reads: the database returns one row per account, tax or analytic account in
        use, however many open lines there are."""
        company = connection.company_id
        move_lines = self.env["account.move.line"].with_company(company)
        order_lines = self.env["purchase.order.line"].with_company(company)
        move_domain = [
            ("company_id", "=", company.id),
            ("display_type", "=", "product"),
            ("move_id.move_type", "in", INVOICE_TYPES),
            ("move_id.state", "in", ("draft", "posted")),
            ("move_id.payment_state", "not in", ("paid", "reversed", "in_payment")),
        ]
        order_domain = [
            ("company_id", "=", company.id),
            ("display_type", "=", False),
            ("order_id.state", "in", ("draft", "sent", "purchase")),
            ("order_id.invoice_status", "!=", "invoiced"),
        ]
        accounts = self.env["account.account"].union(
            *(account for [account] in move_lines._read_group(move_domain, ["account_id"]))
        )
        taxes = self.env["account.tax"].union(
            *(tax for [tax] in move_lines._read_group(move_domain, ["tax_ids"])),
            *(tax for [tax] in order_lines._read_group(order_domain, ["tax_ids"])),
        )
        analytic_ids = {
            int(account_id)
            for lines, domain in ((move_lines, move_domain), (order_lines, order_domain))
            for account_id, _count in lines._read_group(
                domain + [("analytic_distribution", "!=", False)],
                ["analytic_distribution"],
                ["__count"],
            )
            if account_id
        }
        analytics = (
            self.env["account.analytic.account"]
            .browse(sorted(analytic_ids))
            .exists()
            .with_company(company)
            .filtered(
                lambda a: (
                    a.root_plan_id.with_company(company).xero_tracking_category_id
                    and not a.xero_tracking_option_id
                )
            )
        )
        return {
            "accounts": accounts.with_company(company).filtered(lambda a: not a.xero_account_id),
            "taxes": taxes.filtered(lambda t: not t.xero_tax_rate_id),
            "analytics": analytics,
        }


def tax_lines_factor(tax):
    """What the tax lines of an invoice add up to, as a share of the tax (1 for most taxes;
    0 for one that adds and takes off the same tax, as a reverse charge does)."""
    lines = tax.invoice_repartition_line_ids.filtered(lambda line: line.repartition_type == "tax")
    return sum(lines.mapped("factor_percent")) / 100 if lines else 1.0
