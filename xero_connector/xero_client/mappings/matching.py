"""Suggested mappings between Odoo's chart, taxes and analytic plans and Xero's accounts, tax
rates and tracking categories (pure functions, plain dicts in and out, no I/O).

Each match comes with its reason: "code", "name", "rate" (a standard tax of the same rate),
"kind" (a tax of the same special kind: zero-rated, exempt, reverse charge, capital...) or
"type" (an account of a compatible type, by the words of its name or by what it is used for).
A percent tax is only ever matched to a Xero rate of the same value, whatever the reason.
What nothing in Xero fits is left for the administrator to map by hand: a doubtful proposal is
worse than none, since a document then goes to Xero with the wrong tax or account.
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
# The kinds of tax, in the order they are recognised: a tax is of the first kind it shows.
# A tax maps only to a Xero rate of the same kind: a capital purchase is not an ordinary one,
# a reverse charge is not a purchase with VAT, a zero-rated sale is not an exempt one.
TAX_KINDS = (
    "reverse_charge",
    "import",
    "ec",
    "input_taxed",
    "non_deductible",
    "exempt",
    "no_tax",
    "capital",
    "zero",
    "standard",
)
TAX_KIND_WORDS = {
    "reverse_charge": {"reverse", "rc", "drc", "autoliquidation"},
    "ec": {"ec", "eu", "intra", "intracommunity", "intracom", "acquisition", "acquisitions"},
    "input_taxed": {"inp", "inputtaxed"},
    "non_deductible": {"private", "nondeductible", "nonrecoverable", "irrecoverable"},
    "exempt": {"exempt", "exempted", "exemption", "free"},
    "no_tax": {"excluded", "outofscope"},
    "capital": {"capital", "capex"},
}
TAX_KIND_PHRASES = {
    "input_taxed": ("input taxed",),
    "non_deductible": ("non deductible", "not deductible", "non recoverable"),
    "no_tax": ("no vat", "no gst", "no tax", "out of scope", "outside the scope", "not reported"),
}
# Postponed import VAT is an import at any rate; a 0% "imports" tax is a zero-rated purchase.
POSTPONED_IMPORT_WORDS = {"postponed", "pva", "pivat"}
IMPORT_WORDS = {"import", "imports", "imported"}
XERO_NO_TAX_TYPES = frozenset(
    {"NONE", "BASEXCLUDED", "NOTREPORTED", "NONEINPUT", "NONEOUTPUT", "OUTOFSCOPE"}
)
ODOO_TO_XERO_TYPES = {
    "income": ("SALES", "REVENUE", "OTHERINCOME"),
    "income_other": ("OTHERINCOME", "REVENUE", "SALES"),
    "expense": (
        "EXPENSE",
        "OVERHEADS",
        "DIRECTCOSTS",
        "DEPRECIATN",
        "WAGESEXPENSE",
        "SUPERANNUATIONEXPENSE",
    ),
    "expense_direct_cost": ("DIRECTCOSTS", "EXPENSE", "OVERHEADS"),
    "expense_depreciation": ("DEPRECIATN", "EXPENSE", "OVERHEADS"),
    "asset_cash": ("BANK",),
    "liability_credit_card": ("BANK", "CURRLIAB"),
    "asset_receivable": ("CURRENT",),
    "asset_current": ("CURRENT", "INVENTORY", "PREPAYMENT"),
    "asset_prepayments": ("PREPAYMENT", "CURRENT"),
    "asset_non_current": ("NONCURRENT", "FIXED"),
    "asset_fixed": ("FIXED", "NONCURRENT"),
    "liability_payable": ("CURRLIAB",),
    "liability_current": ("CURRLIAB", "LIABILITY", "PAYG", "SUPERANNUATIONLIABILITY"),
    "liability_non_current": ("TERMLIAB", "LIABILITY"),
    "equity": ("EQUITY",),
    "equity_unaffected": ("EQUITY",),
    "off_balance": (),
}
# For an account type Odoo may add later: its family against Xero's account class.
ODOO_FAMILY_TO_XERO_CLASS = {
    "asset": "ASSET",
    "liability": "LIABILITY",
    "equity": "EQUITY",
    "income": "REVENUE",
    "expense": "EXPENSE",
}
# Words an account's type already says, or that say nothing (stemmed: see ``stem``).
GENERIC_ACCOUNT_WORDS = frozenset(
    "and of the on for to in a an account expense income revenue".split()
)
# What an Odoo account is used for (the default income account of sales, the default expense
# account of purchases), the Xero types that serve it and the words that name it there.
USE_XERO_TYPES = {
    "sale": ("SALES", "REVENUE"),
    "purchase": ("DIRECTCOSTS", "EXPENSE", "OVERHEADS"),
}
USE_WORDS = {"sale": {"sale", "turnover"}, "purchase": {"purchase", "cost"}}


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
        "takes_payments": bool(sdk_account.enable_payments_to_account),
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


def stem(word):
    """A plural as its singular, roughly: "sales", "expenses", "salaries" as "sale", ..."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def meaningful_words(name):
    return {w for w in words(name) if w not in GENERIC_TAX_WORDS and not w.isdigit()}


def unique(candidates):
    return candidates[0] if len(candidates) == 1 else None


def best_by(candidates, rank):
    """The one best-ranked candidate, or None on a tie."""
    ranked = sorted(candidates, key=rank, reverse=True)
    if not ranked or (len(ranked) > 1 and rank(ranked[0]) == rank(ranked[1])):
        return None
    return ranked[0]


# -- accounts ---------------------------------------------------------------------------------
def match_accounts(odoo_accounts, xero_accounts):
    """{odoo_id: (xero_code, "code" | "name" | "type")}: the same code on a compatible account
    type, else the same name, else the one account of a compatible type whose name shares the
    most words with it, else, for an account Odoo uses by default for sales or purchases
    (``uses``: "sale", "purchase"), Xero's account for them. Only active, coded, non-system
    Xero accounts are candidates."""
    candidates = [a for a in xero_accounts if is_mappable_account(a)]
    matches = {}
    for account in odoo_accounts:
        match = (
            account_by_code(account, candidates)
            or account_by_name(account, candidates)
            or account_by_type(account, candidates)
        )
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


def account_by_type(odoo_account, candidates):
    """Among the accounts of a compatible type: the one sharing the most telling words with
    the Odoo account's name (Xero's types preferred for the Odoo type breaking ties), else
    the one serving what the Odoo account is used for."""
    compatible = [a for a in candidates if types_compatible(odoo_account, a)]

    def by_words(xero_account):
        return (
            account_similarity(odoo_account, xero_account),
            type_preference(odoo_account, xero_account),
        )

    found = best_by([a for a in compatible if account_similarity(odoo_account, a)], by_words)
    if found:
        return found["code"], "type"
    for use in odoo_account.get("uses") or ():
        found = account_for_use(odoo_account, compatible, use)
        if found:
            return found["code"], "type"
    return None


def account_for_use(odoo_account, compatible, use):
    """Xero's account for sales or purchases: of a type that serves them, named for them,
    of the type closest to the Odoo one, the first by code."""
    serving = [a for a in compatible if a["type"] in USE_XERO_TYPES.get(use, ())]
    by_code = {a["code"]: index for index, a in enumerate(sorted(serving, key=code_order))}

    def rank(xero_account):
        return (
            bool(account_words(xero_account["name"]) & USE_WORDS[use]),
            type_preference(odoo_account, xero_account),
            -by_code[xero_account["code"]],
        )

    return best_by(serving, rank)


def code_order(xero_account):
    key = code_key(xero_account["code"])
    return (0, int(key), key) if key.isdigit() else (1, 0, key)


def account_words(name):
    return {stem(w) for w in words(name) if not w.isdigit()} - GENERIC_ACCOUNT_WORDS


def account_similarity(odoo_account, xero_account):
    return len(account_words(odoo_account.get("name")) & account_words(xero_account["name"]))


def type_preference(odoo_account, xero_account):
    """Higher for the Xero types that fit the Odoo type best (the first listed)."""
    preferred = ODOO_TO_XERO_TYPES.get(odoo_account.get("account_type") or "", ())
    if xero_account["type"] in preferred:
        return len(preferred) - preferred.index(xero_account["type"])
    return 0


def types_compatible(odoo_account, xero_account):
    odoo_type = odoo_account.get("account_type") or ""
    if odoo_type in ODOO_TO_XERO_TYPES:
        return xero_account["type"] in ODOO_TO_XERO_TYPES[odoo_type]
    family = odoo_type.split("_")[0]
    return ODOO_FAMILY_TO_XERO_CLASS.get(family) == xero_account["class"]


# -- taxes ------------------------------------------------------------------------------------
def match_taxes(odoo_taxes, xero_rates):
    """{odoo_id: (xero_tax_type, "name" | "rate" | "kind")} among the active rates of the
    tax's side, of its kind (see TAX_KINDS) and of its value (see ``fitting_rates``).

    Among those, a tax matches the rate of the same name, else: an ordinary (standard) tax the
    one rate (ties go to the rate whose special purpose, if any, the Odoo name mentions, then
    to the side's standard report type, then to the closest name); a tax of a special kind the
    rate closest by name. Nothing is proposed when no rate fits, or on a tie. Percent taxes of
    neither side go by their name among the rates of their value, other taxes by their name
    only.
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
    if tax.get("amount_type") != "percent":
        return tagged(rate_by_name(tax, candidates), "name")
    if tax.get("type_tax_use") not in STANDARD_REPORT_TYPE:
        return tagged(rate_by_name(tax, [r for r in candidates if same_value(tax, r)]), "name")
    fitting = fitting_rates(tax, candidates)
    named = rate_by_name(tax, fitting)
    if named:
        return named, "name"
    if odoo_tax_kind(tax) == "standard":
        return tagged(best_rate(tax, fitting), "rate")
    return tagged(closest_rate_of_kind(tax, fitting), "kind")


def fitting_rates(tax, xero_rates):
    """The active Xero rates of a percent tax's side, kind and value: the only ones it may be
    matched to. A rate of another value would put another amount of tax on the document than
    Odoo's (and on the return), whatever its kind."""
    kind = odoo_tax_kind(tax)
    return [
        r
        for r in side_candidates(tax, xero_rates)
        if same_value(tax, r) and xero_rate_kind(r) == kind
    ]


def same_value(tax, rate):
    """Whether the Xero rate puts as much tax on a document as the Odoo tax: Xero's effective
    rate against the Odoo tax's net rate (``net_amount``: its rate times what its tax lines
    add up to, e.g. 0 for a postponed import VAT or a reverse charge that adds and takes off
    20%), else its rate."""
    value = tax.get("net_amount", tax.get("amount"))
    return abs(rate["rate"] - float(value or 0)) < RATE_TOLERANCE


def tagged(rate, reason):
    return (rate, reason) if rate else None


def rate_by_name(tax, candidates):
    key = name_key(tax.get("name"))
    return unique([r for r in candidates if key and name_key(r["name"]) == key])


def tax_text(tax):
    """All a tax says of itself: its name, description and label on invoices."""
    return " ".join(str(tax.get(f) or "") for f in ("name", "description", "invoice_label"))


def has_kind(text_words, phrase_text, kind):
    return bool(text_words & TAX_KIND_WORDS.get(kind, set())) or any(
        " %s " % phrase in phrase_text for phrase in TAX_KIND_PHRASES.get(kind, ())
    )


def odoo_tax_kind(tax):
    """The kind of an Odoo percent tax (see TAX_KINDS), from its rate and what its name,
    description and invoice label say."""
    text_words = set(words(tax_text(tax)))
    phrase_text = " %s " % " ".join(words(tax_text(tax)))
    zero = abs(float(tax.get("amount") or 0)) < RATE_TOLERANCE
    for kind in TAX_KINDS:
        if kind == "import":
            if text_words & POSTPONED_IMPORT_WORDS or (text_words & IMPORT_WORDS and not zero):
                return kind
        elif kind == "zero":
            if zero:
                return kind
        elif kind != "standard" and has_kind(text_words, phrase_text, kind):
            return kind
    return "standard"


def xero_rate_kind(rate):
    """The kind of a Xero tax rate (see TAX_KINDS), from its TaxType, ReportTaxType and name."""
    types = {
        str(rate.get("tax_type") or "").upper(),
        str(rate.get("report_tax_type") or "").upper(),
    }
    name_words = set(words(rate.get("name")))
    phrase_text = " %s " % " ".join(words(rate.get("name")))

    def typed(*markers, prefix=False):
        return any((t.startswith(m) if prefix else m in t) for t in types for m in markers if t)

    checks = {
        "reverse_charge": typed("REVERSECHARGE") or typed("DRCHARGE", prefix=True),
        "import": typed("IMPORT") or bool(name_words & (IMPORT_WORDS | POSTPONED_IMPORT_WORDS)),
        "ec": typed("EC", prefix=True),
        "input_taxed": typed("INPUTTAXED"),
        "exempt": typed("EXEMPT"),
        "no_tax": bool(types & XERO_NO_TAX_TYPES),
        "capital": typed("CAPEX", "CAPITAL") or typed("CAPINPUT", "CAPOUTPUT", prefix=True),
        "zero": typed("ZERORATED") or typed("ZR", prefix=True),
    }
    for kind in TAX_KINDS[:-1]:
        if checks.get(kind) or (kind != "zero" and has_kind(name_words, phrase_text, kind)):
            return kind
        if kind == "zero" and "zero" in name_words:
            return kind
    return "standard"


def best_rate(tax, same_rate):
    """The one best-ranked rate, or None on a tie."""

    def rank(rate):
        return (special_fit(tax, rate), side_affinity(tax, rate), name_similarity(tax, rate))

    return best_by(same_rate, rank)


def closest_rate_of_kind(tax, rates):
    """The rate (of the tax's kind) whose special purposes the tax asks for, then whose name
    shares the most telling words with the tax's, its scope (goods or services) then the
    side's report types breaking ties."""

    def rank(rate):
        return (
            special_fit(tax, rate),
            name_similarity(tax, rate),
            scope_fit(tax, rate),
            side_affinity(tax, rate),
        )

    return best_by(rates, rank)


def side_affinity(tax, rate):
    """2 for the side's standard report type (OUTPUT / INPUT), 1 for another of its side's
    (EXEMPTOUTPUT, EXEMPTEXPENSES...), 0 otherwise."""
    side, report = tax["type_tax_use"], (rate.get("report_tax_type") or "").upper()
    if report == STANDARD_REPORT_TYPE[side]:
        return 2
    return 1 if any(marker in report for marker in SIDE_REPORT_MARKERS[side]) else 0


def scope_fit(tax, rate):
    """1 when a rate for goods or for services fits the tax's scope, -1 when it does not."""
    scope = {"service": "service", "consu": "good"}.get(tax.get("tax_scope") or "")
    said = {stem(w) for w in words(rate["name"]) + words(rate.get("tax_type"))} & {
        "service",
        "good",
    }
    if not scope or not said:
        return 0
    return 1 if scope in said else -1


def special_fit(tax, rate):
    """The special purposes (capital, imports, EC...) of the rate the tax's name asks for, less
    those it does not: a plain "20% P" is not a capital-purchases rate, "20% Capital P" is."""
    special = set(words(rate["name"])) & SPECIAL_TAX_WORDS
    asked = set(words(tax_text(tax)))
    return len(special & asked) - len(special - asked)


def name_similarity(tax, rate):
    tax_words = {stem(w) for w in meaningful_words(tax_text(tax))}
    return len(tax_words & {stem(w) for w in meaningful_words(rate["name"])})


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
