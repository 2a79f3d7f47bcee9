"""The demo company keeps its books as the sandbox's "Demo Company (UK)" does: a British
company, in pounds, with UK VAT, and its Xero mappings proposed and applied, so that records
can be sent from the demo without setting anything up.

Odoo's own UK localisation (l10n_uk) is not part of every Odoo copy (ours has none), so the
demo uses what the `account` module always has: its generic chart of accounts, on a company
in Great Britain and in GBP, and the UK VAT rates created here. Everything goes through
Odoo's ORM over JSON-RPC, as the admin user, in this order:

1. the database is created without demo data (`-i xero_connector`);
2. ``make_company_british``: country, currency, fiscal country, VAT taxes, default taxes;
3. ``load_demo_data``: Odoo's demo data (Settings' "Load demo data", ``ir.demo``), which
   then lands on the British company: its invoices, bills and purchase orders are in GBP and
   carry the company's default VAT;
4. after the connection: ``apply_mappings``, the mapping wizard of Settings › Xero opened
   (it imports Xero's lists and proposes matches) and applied, with the organisation's bank
   account mapped to the company's bank journal, where payments made in Xero are recorded.

Each step checks first and does only what is missing, so `make demo` can run it every time.
"""

from .common import say, step

COUNTRY = "GB"
CURRENCY = "GBP"
# The demo company's own address: a made-up one, in the UK.
UK_ADDRESS = {
    "street": "14 Albion Street",
    "city": "Leeds",
    "zip": "LS1 5ES",
    "phone": "+44 113 496 0000",
    "email": "accounts@demo-company.example",
}
# (name, rate %, use, tax group): what a UK company charges and pays, with the words the
# mapping wizard matches Xero's rates on (rate, then "zero rated" / "exempt").
UK_VAT = [
    ("VAT 20% (sales)", 20.0, "sale", "VAT 20%"),
    ("VAT 20% (purchases)", 20.0, "purchase", "VAT 20%"),
    ("VAT 5% (sales)", 5.0, "sale", "VAT 5%"),
    ("VAT 5% (purchases)", 5.0, "purchase", "VAT 5%"),
    ("VAT 0% zero rated (sales)", 0.0, "sale", "VAT 0%"),
    ("VAT 0% zero rated (purchases)", 0.0, "purchase", "VAT 0%"),
    ("VAT exempt (sales)", 0.0, "sale", "VAT exempt"),
    ("VAT exempt (purchases)", 0.0, "purchase", "VAT exempt"),
]
DEFAULT_TAXES = {
    "account_sale_tax_id": "VAT 20% (sales)",
    "account_purchase_tax_id": "VAT 20% (purchases)",
}
# Where VAT goes in the generic chart: its "Tax Received" and "Tax Paid" accounts (the
# template's ids, made `account.<company id>_<id>` on the company, then their names).
VAT_ACCOUNTS = {"sale": ("tax_received", "Tax Received"), "purchase": ("tax_paid", "Tax Paid")}
# The Xero accounts of the sandbox's UK chart that Odoo's generic accounts post to, for the
# accounts the wizard cannot match by itself (by Odoo account type).
XERO_ACCOUNT_FOR_TYPE = {
    "income": "200",
    "income_other": "260",
    "expense_direct_cost": "310",
    "expense": "429",
    "expense_depreciation": "429",
}
DEFAULT_XERO_ACCOUNTS = {"sales_account_id": "200", "purchase_account_id": "300"}


class DemoBooksError(Exception):
    """The demo company cannot keep its books in pounds; the message says why."""


def _one(session, model, domain, context=None):
    ids = session.call(model, "search", domain, limit=1, context=context or {})
    return ids[0] if ids else None


def _company_context(company_id):
    return {"allowed_company_ids": [company_id], "active_test": False}


def _m2o(value):
    return value[0] if value else False


def vat_account(session, company_id, use):
    """The generic chart's "Tax Received" (sales) or "Tax Paid" (purchases) account."""
    template_id, name = VAT_ACCOUNTS[use]
    data = session.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "account"), ("name", "=", f"{company_id}_{template_id}")],
        ["model", "res_id"],
    )
    if data and data[0]["model"] == "account.account":
        return data[0]["res_id"]
    account = _one(session, "account.account", [("name", "=", name)], _company_context(company_id))
    if not account:
        raise DemoBooksError(f"the company's chart of accounts has no account {name!r} for VAT")
    return account


def tax_group(session, company_id, country_id, name):
    domain = [("name", "=", name), ("company_id", "=", company_id)]
    domain.append(("country_id", "=", country_id))
    found = _one(session, "account.tax.group", domain, _company_context(company_id))
    if found:
        return found
    return session.call(
        "account.tax.group",
        "create",
        {"name": name, "company_id": company_id, "country_id": country_id},
    )


def repartition(account_id):
    lines = []
    for document_type in ("invoice", "refund"):
        lines.append((0, 0, {"document_type": document_type, "repartition_type": "base"}))
        lines.append(
            (
                0,
                0,
                {
                    "document_type": document_type,
                    "repartition_type": "tax",
                    "account_id": account_id,
                },
            )
        )
    return lines


def ensure_uk_vat(session, company_id, country_id):
    """The UK VAT taxes of the company, created when missing: {name: id}."""
    context = _company_context(company_id)
    taxes = {}
    for name, rate, use, group in UK_VAT:
        domain = [("name", "=", name), ("company_id", "=", company_id)]
        found = _one(session, "account.tax", domain + [("type_tax_use", "=", use)], context)
        if not found:
            account = vat_account(session, company_id, use) if rate else False
            found = session.call(
                "account.tax",
                "create",
                {
                    "name": name,
                    "invoice_label": name.split(" (")[0],
                    "amount_type": "percent",
                    "amount": rate,
                    "type_tax_use": use,
                    "company_id": company_id,
                    "country_id": country_id,
                    "tax_group_id": tax_group(session, company_id, country_id, group),
                    "repartition_line_ids": repartition(account),
                },
                context=context,
            )
        taxes[name] = found
    return taxes


def make_company_british(session, company_id):
    """Country GB, currency GBP, fiscal country GB, the UK VAT taxes (20% by default); other
    countries' taxes archived. Returns what it changed (empty when nothing was needed)."""
    context = _company_context(company_id)
    country = _one(session, "res.country", [("code", "=", COUNTRY)])
    currency = _one(session, "res.currency", [("name", "=", CURRENCY)], {"active_test": False})
    fields = ["currency_id", "country_id", "account_fiscal_country_id", *DEFAULT_TAXES]
    company = session.call("res.company", "read", [company_id], fields, context=context)[0]
    changed = []
    if _m2o(company["currency_id"]) != currency:
        if session.call(
            "account.move.line", "search_count", [("company_id", "=", company_id)], context=context
        ):
            raise DemoBooksError(
                f"the demo company keeps its books in {company['currency_id'][1]} and has "
                f"journal entries: it cannot change to {CURRENCY}. This database was made "
                "before the demo company was British: `make demo ARGS=--fresh` starts over."
            )
        session.call("res.currency", "write", [currency], {"active": True})
        session.call("res.company", "write", [company_id], {"currency_id": currency})
        changed.append(f"currency {CURRENCY}")
    if _m2o(company["country_id"]) != country:
        session.call("res.company", "write", [company_id], {"country_id": country})
        changed.append(f"country {COUNTRY}")
    if _m2o(company["account_fiscal_country_id"]) != country:
        session.call("res.company", "write", [company_id], {"account_fiscal_country_id": country})
        changed.append(f"fiscal country {COUNTRY}")
    taxes = ensure_uk_vat(session, company_id, country)
    defaults = {
        field: taxes[name]
        for field, name in DEFAULT_TAXES.items()
        if _m2o(company[field]) != taxes[name]
    }
    if defaults:
        session.call("res.company", "write", [company_id], defaults)
        changed.append("UK VAT taxes, 20% by default")
    foreign = session.call(
        "account.tax",
        "search",
        [("company_id", "=", company_id), ("country_id", "!=", country), ("active", "=", True)],
        context=context,
    )
    if foreign:
        session.call("account.tax", "write", foreign, {"active": False}, context=context)
        changed.append(f"{len(foreign)} taxes of the generic chart archived")
    return changed


def demo_data_loaded(session):
    base = session.call("ir.module.module", "search_read", [("name", "=", "base")], ["demo"])
    return bool(base and base[0]["demo"])


def load_demo_data(session):
    """Odoo's demo data, as Settings' "Load demo data" loads it; False if already there."""
    if demo_data_loaded(session):
        return False
    step("loading Odoo's demo data on the British company (a few minutes)")
    session.call("ir.demo", "install_demo", [], timeout=3600)
    return True


def xero_account(session, connection_id, code):
    return _one(
        session, "xero.account", [("connection_id", "=", connection_id), ("code", "=", code)]
    )


def mappings_applied(session, company_id):
    """Whether the company's standard VAT taxes are mapped to Xero rates and a journal
    records the payments of a Xero bank account."""
    names = list(DEFAULT_TAXES.values())
    context = _company_context(company_id)
    taxes = session.call(
        "account.tax",
        "search_read",
        [("company_id", "=", company_id), ("name", "in", names)],
        ["xero_tax_rate_id"],
        context=context,
    )
    bank_mapped = _one(
        session,
        "account.journal",
        [("company_id", "=", company_id), ("xero_bank_account_id", "!=", False)],
        context,
    )
    taxes_mapped = len(taxes) == len(names) and all(t["xero_tax_rate_id"] for t in taxes)
    return taxes_mapped and bool(bank_mapped)


def apply_mappings(session, connection_id):
    """Open the mapping wizard (it imports Xero's lists and proposes matches), map what open
    documents use and it left unmapped as a bookkeeper would (by account type), Xero's bank
    accounts to the company's bank journals, set the default sales and purchase accounts,
    and apply. Returns ``mapping_summary``."""
    action = session.call("xero.connection", "action_open_mapping", [connection_id])
    wizard = action["res_id"]
    values = session.call(
        "xero.mapping.wizard",
        "read",
        [wizard],
        ["company_id", "account_line_ids", "bank_line_ids", *DEFAULT_XERO_ACCOUNTS],
    )[0]
    defaults = {
        field: xero_account(session, connection_id, code)
        for field, code in DEFAULT_XERO_ACCOUNTS.items()
        if not values[field]
    }
    if defaults:
        session.call("xero.mapping.wizard", "write", [wizard], defaults)
    lines = session.call(
        "xero.mapping.wizard.account",
        "read",
        values["account_line_ids"],
        ["account_type", "xero_account_id"],
    )
    for line in lines:
        code = XERO_ACCOUNT_FOR_TYPE.get(line["account_type"])
        if not line["xero_account_id"] and code:
            target = xero_account(session, connection_id, code)
            if target:
                session.call(
                    "xero.mapping.wizard.account",
                    "write",
                    [line["id"]],
                    {"xero_account_id": target},
                )
    map_bank_accounts(session, _m2o(values["company_id"]), values["bank_line_ids"])
    session.call("xero.mapping.wizard", "action_apply", [wizard])
    return mapping_summary(session, connection_id)


def map_bank_accounts(session, company_id, bank_line_ids):
    """Each Xero bank account of the wizard that records its payments in no journal, to a
    bank journal of the company that records none (the sandbox's one account to the demo's
    "Bank"), as an administrator does in Settings › Xero: Odoo then records the payments
    made in Xero."""
    lines = session.call(
        "xero.mapping.wizard.bank", "read", bank_line_ids, ["xero_account_id", "journal_id"]
    )
    taken = {_m2o(line["journal_id"]) for line in lines}
    free = [
        journal
        for journal in session.call(
            "account.journal",
            "search",
            [("company_id", "=", company_id), ("type", "=", "bank")],
            context=_company_context(company_id),
        )
        if journal not in taken
    ]
    for line in lines:
        if not line["journal_id"] and free:
            session.call(
                "xero.mapping.wizard.bank", "write", [line["id"]], {"journal_id": free.pop(0)}
            )


def mapping_summary(session, connection_id):
    """(mapped taxes, mapped accounts, mapped bank accounts, the warning of a freshly opened
    wizard or '')."""
    action = session.call("xero.connection", "action_open_mapping", [connection_id])
    wizard = session.call(
        "xero.mapping.wizard",
        "read",
        [action["res_id"]],
        ["tax_line_ids", "account_line_ids", "bank_line_ids", "warning"],
    )[0]
    taxes = session.call(
        "xero.mapping.wizard.tax", "read", wizard["tax_line_ids"], ["xero_tax_rate_id"]
    )
    accounts = session.call(
        "xero.mapping.wizard.account", "read", wizard["account_line_ids"], ["xero_account_id"]
    )
    banks = session.call(
        "xero.mapping.wizard.bank", "read", wizard["bank_line_ids"], ["journal_id"]
    )
    return (
        sum(1 for t in taxes if t["xero_tax_rate_id"]),
        sum(1 for a in accounts if a["xero_account_id"]),
        sum(1 for b in banks if b["journal_id"]),
        wizard["warning"] or "",
    )


def name_after_organisation(session, company_id, organisation):
    """The demo company named as the sandbox organisation it is connected to, at a UK
    address (its country is made GB with its books; Odoo's demo partners keep their
    addresses). Returns the fields it changed."""
    wanted = dict(UK_ADDRESS, name=organisation)
    company = session.call("res.company", "read", [company_id], list(wanted))[0]
    changes = {field: value for field, value in wanted.items() if company[field] != value}
    if changes:
        session.call("res.company", "write", [company_id], changes)
    return sorted(changes)


def prepare_books(session, company_id):
    """Steps 2 and 3, then 2 again (demo data may touch the company)."""
    changed = make_company_british(session, company_id)
    if changed:
        say(f"the demo company is now British: {', '.join(changed)}")
    load_demo_data(session)
    make_company_british(session, company_id)
