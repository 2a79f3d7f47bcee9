"""Suggested mappings between Odoo's chart, taxes and analytic plans and Xero's accounts, tax
rates and tracking categories (pure functions, plain dicts in and out, no I/O).

Each match comes with its reason ("code", "rate" or "name"); what matches nothing is left for
the administrator to map by hand.
"""

import re

RATE_TOLERANCE = 0.001
STANDARD_REPORT_TYPE = {"sale": "OUTPUT", "purchase": "INPUT"}
SIDE_REPORT_MARKERS = {"sale": ("OUTPUT",), "purchase": ("INPUT", "EXPENSES")}
# Words that tell a tax rate meant for a special case: ranked down unless the Odoo name has them.
SPECIAL_TAX_WORDS = frozenset(
    {"capital", "capex", "import", "imports", "reverse", "domestic", "postponed", "ec", "eu"}
)
# Words that tell nothing about which rate of a side is meant (the side is known).
GENERIC_TAX_WORDS = frozenset(
    "on of the and for vat gst tax taxes s p sale sales income purchase purchases expense "
    "expenses".split()
)
ODOO_TO_XERO_TYPES = {
    "income": {"REVENUE", "SALES", "OTHERINCOME"},
    "income_other": {"REVENUE", "SALES", "OTHERINCOME"},
    "expense": {
        "EXPENSE",
        "OVERHEADS",
        "DIRECTCOSTS",
        "DEPRECIATN",
        "WAGESEXPENSE",
        "SUPERANNUATIONEXPENSE",
    },
    "expense_direct_cost": {"DIRECTCOSTS", "EXPENSE", "OVERHEADS"},
    "expense_depreciation": {"DEPRECIATN", "EXPENSE", "OVERHEADS"},
    "asset_cash": {"BANK"},
    "liability_credit_card": {"BANK", "CURRLIAB"},
    "asset_receivable": {"CURRENT"},
    "asset_current": {"CURRENT", "INVENTORY", "PREPAYMENT"},
    "asset_prepayments": {"PREPAYMENT", "CURRENT"},
    "asset_non_current": {"NONCURRENT", "FIXED"},
    "asset_fixed": {"FIXED", "NONCURRENT"},
    "liability_payable": {"CURRLIAB"},
    "liability_current": {"CURRLIAB", "LIABILITY", "PAYG", "SUPERANNUATIONLIABILITY"},
    "liability_non_current": {"TERMLIAB", "LIABILITY"},
    "equity": {"EQUITY"},
    "equity_unaffected": {"EQUITY"},
    "off_balance": set(),
}
# For an account type Odoo may add later: its family against Xero's account class.
ODOO_FAMILY_TO_XERO_CLASS = {
    "asset": "ASSET",
    "liability": "LIABILITY",
    "equity": "EQUITY",
    "income": "REVENUE",
    "expense": "EXPENSE",
}


# -- SDK objects -> plain dicts ---------------------------------------------------------------
def account_dict(sdk_account):
    return {
        "xero_id": sdk_account.account_id or "",
        "code": plain(sdk_account.code),
        "name": plain(sdk_account.name),
        "type": plain(sdk_account.type),
        "tax_type": plain(sdk_account.tax_type),
        "status": plain(sdk_account.status),
        "class": plain(sdk_account._class),
        "system_account": plain(sdk_account.system_account),
    }


def tax_rate_dict(sdk_tax_rate):
    return {
        "tax_type": plain(sdk_tax_rate.tax_type),
        "name": plain(sdk_tax_rate.name),
        "rate": effective_rate(sdk_tax_rate),
        "status": plain(sdk_tax_rate.status),
        "can_revenue": bool(sdk_tax_rate.can_apply_to_revenue),
        "can_expense": bool(sdk_tax_rate.can_apply_to_expenses),
        "report_tax_type": plain(sdk_tax_rate.report_tax_type),
    }


def tracking_dict(sdk_category):
    return {
        "xero_id": sdk_category.tracking_category_id or "",
        "name": plain(sdk_category.name),
        "status": plain(sdk_category.status),
        "options": [
            {
                "xero_id": option.tracking_option_id or "",
                "name": plain(option.name),
                "status": plain(option.status),
            }
            for option in sdk_category.options or []
        ],
    }


def plain(value):
    """An SDK value (enum members included) as a plain string, "" for None."""
    value = getattr(value, "value", value)
    return "" if value is None else str(value)


def effective_rate(sdk_tax_rate):
    for rate in (sdk_tax_rate.effective_rate, sdk_tax_rate.display_tax_rate):
        if rate is not None:
            return float(rate)
    return float(sum(c.rate or 0 for c in sdk_tax_rate.tax_components or []))


# -- normalising ------------------------------------------------------------------------------
def code_key(code):
    """A code with spaces and leading zeros aside: "090" and "90" are the same account."""
    compact = "".join(str(code or "").split())
    return compact.lstrip("0") or ("0" if compact else "")


def name_key(name):
    """A name with case, spacing and punctuation aside."""
    return " ".join(words(name))


def words(name):
    return re.sub(r"[\W_]+", " ", str(name or "").casefold()).split()


def meaningful_words(name):
    return {w for w in words(name) if w not in GENERIC_TAX_WORDS and not w.isdigit()}


def unique(candidates):
    return candidates[0] if len(candidates) == 1 else None


# -- accounts ---------------------------------------------------------------------------------
def match_accounts(odoo_accounts, xero_accounts):
    """{odoo_id: (xero_code, "code" | "name")}: the same code on a compatible account type,
    else the same name. Only active, coded, non-system Xero accounts are candidates."""
    candidates = [a for a in xero_accounts if is_mappable_account(a)]
    matches = {}
    for account in odoo_accounts:
        match = account_by_code(account, candidates) or account_by_name(account, candidates)
        if match:
            matches[account["id"]] = match
    return matches


def is_mappable_account(xero_account):
    return (
        xero_account["status"] == "ACTIVE"
        and not xero_account["system_account"]
        and bool(xero_account["code"])
    )


def account_by_code(odoo_account, candidates):
    key = code_key(odoo_account.get("code"))
    found = unique(
        [
            a
            for a in candidates
            if key and code_key(a["code"]) == key and types_compatible(odoo_account, a)
        ]
    )
    return (found["code"], "code") if found else None


def account_by_name(odoo_account, candidates):
    key = name_key(odoo_account.get("name"))
    found = unique([a for a in candidates if key and name_key(a["name"]) == key])
    return (found["code"], "name") if found else None


def types_compatible(odoo_account, xero_account):
    odoo_type = odoo_account.get("account_type") or ""
    if odoo_type in ODOO_TO_XERO_TYPES:
        return xero_account["type"] in ODOO_TO_XERO_TYPES[odoo_type]
    family = odoo_type.split("_")[0]
    return ODOO_FAMILY_TO_XERO_CLASS.get(family) == xero_account["class"]


# -- taxes ------------------------------------------------------------------------------------
def match_taxes(odoo_taxes, xero_rates):
    """{odoo_id: (xero_tax_type, "rate" | "name")} among the active rates of the tax's side.

    A percent tax matches the one rate of the same value (ties go to the rate whose special
    purpose, if any, the Odoo name mentions, then to the side's standard report type, then to
    the closest name), else the rate of the same name. A 0% tax goes by its name first, since
    zero-rated, exempt and no-tax rates share the value.
    """
    matches = {}
    for tax in odoo_taxes:
        match = match_tax(tax, side_candidates(tax, xero_rates))
        if match:
            matches[tax["id"]] = (match[0]["tax_type"], match[1])
    return matches


def side_candidates(tax, xero_rates):
    side = tax.get("type_tax_use")
    return [r for r in xero_rates if r["status"] == "ACTIVE" and applies_to_side(r, side)]


def applies_to_side(rate, side):
    if side == "sale":
        return rate["can_revenue"]
    if side == "purchase":
        return rate["can_expense"]
    return True


def match_tax(tax, candidates):
    """(rate dict, reason) or None."""
    if tax.get("amount_type") != "percent" or tax.get("type_tax_use") not in STANDARD_REPORT_TYPE:
        return tagged(rate_by_name(tax, candidates), "name")
    amount = float(tax.get("amount") or 0)
    same_rate = [r for r in candidates if abs(r["rate"] - amount) < RATE_TOLERANCE]
    if abs(amount) < RATE_TOLERANCE:
        return match_zero_tax(tax, candidates, same_rate)
    best = tagged(best_rate(tax, same_rate), "rate")
    return best or tagged(rate_by_name(tax, candidates), "name")


def match_zero_tax(tax, candidates, zero_rates):
    return (
        tagged(rate_by_name(tax, candidates), "name")
        or tagged(closest_zero_rate(tax, zero_rates), "name")
        or tagged(unique(zero_rates), "rate")
    )


def tagged(rate, reason):
    return (rate, reason) if rate else None


def rate_by_name(tax, candidates):
    key = name_key(tax.get("name"))
    return unique([r for r in candidates if key and name_key(r["name"]) == key])


def best_rate(tax, same_rate):
    """The one best-ranked rate, or None on a tie."""

    def rank(rate):
        return (special_fit(tax, rate), side_affinity(tax, rate), name_similarity(tax, rate))

    return best_by(same_rate, rank)


def closest_zero_rate(tax, zero_rates):
    """The 0% rate whose name shares the most telling words with the tax (zero, exempt, free,
    ...), special purposes then the side's report types breaking ties; None if no word is
    shared or on a tie."""

    def rank(rate):
        return (name_similarity(tax, rate), special_fit(tax, rate), side_affinity(tax, rate))

    return best_by([r for r in zero_rates if name_similarity(tax, r) > 0], rank)


def best_by(candidates, rank):
    ranked = sorted(candidates, key=rank, reverse=True)
    if not ranked or (len(ranked) > 1 and rank(ranked[0]) == rank(ranked[1])):
        return None
    return ranked[0]


def side_affinity(tax, rate):
    """2 for the side's standard report type (OUTPUT / INPUT), 1 for another of its side's
    (EXEMPTOUTPUT, EXEMPTEXPENSES...), 0 otherwise."""
    side, report = tax["type_tax_use"], (rate.get("report_tax_type") or "").upper()
    if report == STANDARD_REPORT_TYPE[side]:
        return 2
    return 1 if any(marker in report for marker in SIDE_REPORT_MARKERS[side]) else 0


def special_fit(tax, rate):
    """The special purposes (capital, imports, EC...) of the rate the tax's name asks for, less
    those it does not: a plain "20% P" is not a capital-purchases rate, "20% Capital P" is."""
    special = set(words(rate["name"])) & SPECIAL_TAX_WORDS
    asked = set(words(tax.get("name")))
    return len(special & asked) - len(special - asked)


def name_similarity(tax, rate):
    return len(meaningful_words(tax.get("name")) & meaningful_words(rate["name"]))


# -- tracking ---------------------------------------------------------------------------------
def match_tracking(odoo_plans, xero_categories, limit=2):
    """({plan_id: (category_xero_id, "name")}, {analytic_account_id: (option_xero_id, reason)}):
    at most ``limit`` plans, in the order given, each to the active category of the same name;
    their analytic accounts to that category's active options by name, else by code (reason
    "code")."""
    free = [c for c in xero_categories if c["status"] == "ACTIVE"]
    plans, options = {}, {}
    for plan in odoo_plans:
        if len(plans) >= limit:
            break
        key = name_key(plan.get("name"))
        category = unique([c for c in free if key and name_key(c["name"]) == key])
        if not category:
            continue
        free.remove(category)
        plans[plan["id"]] = (category["xero_id"], "name")
        options.update(match_options(plan.get("accounts") or [], category["options"]))
    return plans, options


def match_options(analytic_accounts, category_options):
    """Each option to one analytic account at most (the first in order): same names first,
    then code == option name."""
    free = [o for o in category_options if o["status"] == "ACTIVE"]
    matches = {}
    for field, reason in (("name", "name"), ("code", "code")):
        for account in analytic_accounts:
            key = name_key(account.get(field))
            if account["id"] in matches or not key:
                continue
            option = unique([o for o in free if name_key(o["name"]) == key])
            if option:
                free.remove(option)
                matches[account["id"]] = (option["xero_id"], reason)
    return matches
