"""Suggested mappings of Odoo accounts, taxes and analytic plans to the sandbox's Xero
settings (read through XeroClient) and to hand-made ones for the corner cases."""

import pytest

from xero_client import XeroClient, XeroEndpoints
from xero_client.mappings.matching import (
    account_dict,
    match_accounts,
    match_taxes,
    match_tracking,
    tax_rate_dict,
    tracking_dict,
)


@pytest.fixture
def settings_of(sandbox, token):
    def read(org):
        client = XeroClient(
            XeroEndpoints.for_host(sandbox.url), token["access_token"], org.tenant_id
        )
        return {
            "accounts": [account_dict(a) for a in client.get_accounts()],
            "rates": [tax_rate_dict(r) for r in client.get_tax_rates()],
            "tracking": [tracking_dict(c) for c in client.get_tracking_categories()],
        }

    return read


@pytest.fixture
def uk_settings(settings_of, uk):
    return settings_of(uk)


@pytest.fixture
def au_settings(settings_of, au):
    return settings_of(au)


def account(id_, code, name, account_type):
    return {"id": id_, "code": code, "name": name, "account_type": account_type}


def tax(id_, name, amount, side, amount_type="percent"):
    return {
        "id": id_,
        "name": name,
        "amount": amount,
        "amount_type": amount_type,
        "type_tax_use": side,
    }


def rate(tax_type, name, value, report, revenue=True, expense=True, status="ACTIVE"):
    return {
        "tax_type": tax_type,
        "name": name,
        "rate": value,
        "status": status,
        "can_revenue": revenue,
        "can_expense": expense,
        "report_tax_type": report,
    }


# -- accounts ---------------------------------------------------------------------------------
ODOO_UK_CHART = [
    account(1, "400000", "Product Sales", "income"),
    account(2, "600000", "Expenses", "expense"),
    account(3, "101401", "Bank", "asset_cash"),
    account(4, "121000", "Account Receivable", "asset_receivable"),
    account(5, "211000", "Account Payable", "liability_payable"),
    account(6, "500000", "Cost of Goods Sold", "expense_direct_cost"),
    account(7, "620000", "Light / Power & Heating", "expense"),
    account(8, "630000", "rent", "expense"),
    account(9, "999999", "Undistributed Profits/Losses", "equity_unaffected"),
    account(10, "110100", "Stock Valuation", "asset_current"),
    account(11, "441000", "Foreign Exchange Gain", "income_other"),
    account(12, "200", "Interest Income", "income_other"),
]


def test_a_realistic_odoo_chart_matches_by_name_or_not_at_all(uk_settings):
    matches = match_accounts(ODOO_UK_CHART, uk_settings["accounts"])
    assert matches == {
        6: ("310", "name"),
        7: ("445", "name"),
        8: ("469", "name"),
        12: ("200", "code"),
    }


def test_a_chart_with_xeros_codes_matches_by_code(uk_settings):
    chart = [
        account(1, "200", "Turnover", "income"),
        account(2, "90", "Main bank", "asset_cash"),
        account(3, " 0429 ", "Sundry costs", "expense"),
        account(4, "300", "Materials", "expense_direct_cost"),
        account(5, "720", "IT hardware", "asset_fixed"),
        account(6, "630", "Stock", "asset_current"),
        account(7, "960", "Retained Earnings", "equity"),  # a system account in Xero
        account(8, "610", "Debtors", "asset_receivable"),  # a system account in Xero
    ]
    assert match_accounts(chart, uk_settings["accounts"]) == {
        1: ("200", "code"),
        2: ("090", "code"),
        3: ("429", "code"),
        4: ("300", "code"),
        5: ("720", "code"),
        6: ("630", "code"),
    }


def test_a_code_on_an_incompatible_type_falls_through_to_the_name(uk_settings):
    chart = [
        account(1, "400", "Foreign Exchange Gain", "income"),  # Xero 400 is Advertising
        account(2, "090", "Sales", "income"),  # Xero 090 is a bank account
        account(3, "200", "Cost of sales", "expense"),
    ]
    assert match_accounts(chart, uk_settings["accounts"]) == {2: ("200", "name")}


def test_archived_and_codeless_xero_accounts_are_no_candidates(uk_settings):
    accounts = [dict(a) for a in uk_settings["accounts"]]
    for xero_account in accounts:
        if xero_account["code"] == "469":
            xero_account["status"] = "ARCHIVED"
    accounts.append(dict(accounts[0], code="", name="Savings", xero_id="x-savings"))
    chart = [account(1, "469", "Rent", "expense"), account(2, "", "Savings", "asset_cash")]
    assert match_accounts(chart, accounts) == {}


def test_an_unknown_odoo_type_is_compared_by_its_family(uk_settings):
    chart = [account(1, "200", "Sales", "income_future"), account(2, "429", "X", "asset_future")]
    assert match_accounts(chart, uk_settings["accounts"]) == {1: ("200", "code")}


# -- taxes: UK --------------------------------------------------------------------------------
def test_uk_taxes(uk_settings):
    taxes = [
        tax(1, "20% S", 20.0, "sale"),
        tax(2, "20% P", 20.0, "purchase"),
        tax(3, "VAT 20% (purchases)", 20.0, "purchase"),
        tax(4, "0% EC S", 0.0, "sale"),
        tax(5, "Exempt P", 0.0, "purchase"),
        tax(6, "5% S", 5.0, "sale"),
        tax(7, "20% Capital Goods P", 20.0, "purchase"),
        tax(8, "No VAT", 0.0, "purchase"),
        tax(9, "Zero rated S", 0.0, "sale"),
        tax(10, "15% S", 15.0, "sale"),
        tax(11, "20% S + levy", 0.0, "sale", amount_type="group"),
        tax(12, "20% (VAT on Income)", 20.0, "none"),
        tax(13, "Exempt S", 0.0, "sale"),
        tax(14, "0% P", 0.0, "purchase"),
    ]
    assert match_taxes(taxes, uk_settings["rates"]) == {
        1: ("OUTPUT2", "rate"),
        2: ("INPUT2", "rate"),
        3: ("INPUT2", "rate"),
        5: ("EXEMPTINPUT", "name"),
        6: ("RROUTPUT", "rate"),
        7: ("CAPEXINPUT2", "rate"),
        8: ("NONE", "name"),
        9: ("ZERORATEDOUTPUT", "name"),
        12: ("OUTPUT2", "name"),
        13: ("EXEMPTOUTPUT", "name"),
    }


def test_an_archived_rate_is_no_candidate(uk_settings):
    rates = [
        dict(r, status="ARCHIVED") if r["tax_type"] == "CAPEXINPUT2" else r
        for r in uk_settings["rates"]
    ]
    taxes = [tax(1, "20% Capital Goods P", 20.0, "purchase")]
    assert match_taxes(taxes, rates) == {1: ("INPUT2", "rate")}


# -- taxes: AU --------------------------------------------------------------------------------
def test_au_taxes(au_settings):
    taxes = [
        tax(1, "10% GST S", 10.0, "sale"),
        tax(2, "10% GST P", 10.0, "purchase"),
        tax(3, "GST Free", 0.0, "sale"),
        tax(4, "GST Free", 0.0, "purchase"),
        tax(5, "0% GST S", 0.0, "sale"),
        tax(6, "BAS Excluded P", 0.0, "purchase"),
        tax(7, "Input Taxed P", 0.0, "purchase"),
        tax(8, "10% GST on Capital P", 10.0, "purchase"),
    ]
    assert match_taxes(taxes, au_settings["rates"]) == {
        1: ("OUTPUT", "rate"),
        2: ("INPUT", "rate"),
        3: ("EXEMPTOUTPUT", "name"),
        4: ("EXEMPTEXPENSES", "name"),
        6: ("BASEXCLUDED", "name"),
        7: ("INPUTTAXED", "name"),
        8: ("CAPEXINPUT", "rate"),
    }


# -- taxes: ambiguity -------------------------------------------------------------------------
def test_rates_that_tie_give_no_rate_match_but_the_name_still_can():
    rates = [
        rate("TAXA", "12% Alpha", 12.0, "OUTPUT"),
        rate("TAXB", "12% Beta", 12.0, "OUTPUT"),
        rate("STD", "Standard", 12.5, "OUTPUT"),
    ]
    taxes = [
        tax(1, "12% S", 12.0, "sale"),
        tax(2, "standard", 12.0, "sale"),
        tax(3, "12% Beta S", 12.0, "sale"),
    ]
    assert match_taxes(taxes, rates) == {2: ("STD", "name"), 3: ("TAXB", "rate")}


def test_the_standard_report_type_wins_a_tie_unless_the_name_asks_for_a_special_rate():
    rates = [
        rate("OUT", "Sales 8%", 8.0, "OUTPUT"),
        rate("RETAIL", "Retail 8%", 8.0, "SALESOUTPUT"),
        rate("ECOUT", "Sales 8% EC", 8.0, "ECOUTPUT"),
        rate("INP", "Purchases 8%", 8.0, "INPUT", revenue=False),
    ]
    taxes = [
        tax(1, "8% S", 8.0, "sale"),
        tax(2, "8% EC S", 8.0, "sale"),
        tax(3, "8% Retail S", 8.0, "sale"),
        tax(4, "8% P", 8.0, "purchase"),
    ]
    assert match_taxes(taxes, rates) == {
        1: ("OUT", "rate"),
        2: ("ECOUT", "rate"),
        3: ("OUT", "rate"),
        4: ("INP", "rate"),
    }


def test_a_zero_tax_goes_by_rate_only_when_a_single_zero_rate_applies():
    rates = [
        rate("ZERO", "Zero Rated", 0.0, "OUTPUT"),
        rate("NONE", "No VAT", 0.0, "NONE"),
        rate("STD", "20% VAT", 20.0, "OUTPUT"),
    ]
    taxes = [tax(1, "0% S", 0.0, "sale")]
    assert match_taxes(taxes, rates) == {}
    assert match_taxes(taxes, rates[1:]) == {1: ("NONE", "rate")}


def test_values_odoo_stores_as_false_or_none_are_taken():
    rates = [
        rate("OUT", "Sales 8%", 8.0, None),
        rate("INP", "Purchases 8%", 8.0, False, revenue=False),
    ]
    assert match_taxes([tax(1, "8% S", 8.0, "sale")], rates) == {1: ("OUT", "rate")}
    accounts = [
        {
            "xero_id": "a1",
            "code": "200",
            "name": "Sales",
            "type": "REVENUE",
            "tax_type": False,
            "status": "ACTIVE",
            "class": None,
            "system_account": None,
        },
        {
            "xero_id": "a2",
            "code": False,
            "name": "Savings",
            "type": "BANK",
            "tax_type": False,
            "status": "ACTIVE",
            "class": None,
            "system_account": None,
        },
    ]
    chart = [account(1, "200", "Turnover", "income"), account(2, False, "Savings", "asset_cash")]
    assert match_accounts(chart, accounts) == {1: ("200", "code")}


def test_a_zero_tax_with_two_equally_close_names_is_left_alone():
    rates = [
        rate("EXA", "Exempt A", 0.0, "EXEMPTOUTPUT"),
        rate("EXB", "Exempt B", 0.0, "EXEMPTOUTPUT"),
    ]
    assert match_taxes([tax(1, "Exempt S", 0.0, "sale")], rates) == {}


def test_fixed_and_division_taxes_go_by_name_only():
    rates = [rate("FIX", "Eco levy", 2.0, "OUTPUT"), rate("DIV", "Other", 5.0, "OUTPUT")]
    taxes = [
        tax(1, "Eco Levy", 2.0, "sale", amount_type="fixed"),
        tax(2, "5% div", 5.0, "sale", amount_type="division"),
    ]
    assert match_taxes(taxes, rates) == {1: ("FIX", "name")}


# -- tracking ---------------------------------------------------------------------------------
def analytic(id_, name, code=False):
    return {"id": id_, "name": name, "code": code}


def category(xero_id, name, options, status="ACTIVE"):
    return {
        "xero_id": xero_id,
        "name": name,
        "status": status,
        "options": [
            {"xero_id": "%s-%s" % (xero_id, o), "name": o, "status": "ACTIVE"} for o in options
        ],
    }


def test_three_odoo_plans_against_the_uk_categories(uk_settings):
    region, department = uk_settings["tracking"]
    option_ids = {o["name"]: o["xero_id"] for c in uk_settings["tracking"] for o in c["options"]}
    plans = [
        {"id": 1, "name": "Projects", "accounts": [analytic(11, "North")]},
        {
            "id": 2,
            "name": " region ",
            "accounts": [
                analytic(21, "North"),
                analytic(22, "SOUTH"),
                analytic(23, "Zone W", code="West"),
                analytic(24, "Central"),
            ],
        },
        {
            "id": 3,
            "name": "Department",
            "accounts": [analytic(31, "Sales"), analytic(32, "North")],
        },
    ]
    plan_matches, option_matches = match_tracking(plans, uk_settings["tracking"])
    assert plan_matches == {2: (region["xero_id"], "name"), 3: (department["xero_id"], "name")}
    assert option_matches == {
        21: (option_ids["North"], "name"),
        22: (option_ids["South"], "name"),
        23: (option_ids["West"], "code"),
        31: (option_ids["Sales"], "name"),
    }


def test_at_most_limit_plans_are_mapped_in_the_order_given():
    categories = [
        category("c1", "Region", ["North"]),
        category("c2", "Department", ["Sales"]),
        category("c3", "Projects", ["Alpha"]),
    ]
    plans = [
        {"id": 1, "name": "Projects", "accounts": [analytic(11, "Alpha")]},
        {"id": 2, "name": "Region", "accounts": [analytic(21, "North")]},
        {"id": 3, "name": "Department", "accounts": [analytic(31, "Sales")]},
    ]
    plan_matches, option_matches = match_tracking(plans, categories)
    assert plan_matches == {1: ("c3", "name"), 2: ("c1", "name")}
    assert option_matches == {11: ("c3-Alpha", "name"), 21: ("c1-North", "name")}
    assert match_tracking(plans, categories, limit=1) == (
        {1: ("c3", "name")},
        {11: ("c3-Alpha", "name")},
    )


def test_archived_categories_and_options_are_not_matched():
    region = category("c1", "Region", ["North", "South"])
    region["options"][1]["status"] = "ARCHIVED"
    categories = [region, category("c2", "Department", ["Sales"], status="ARCHIVED")]
    plans = [
        {"id": 1, "name": "Department", "accounts": [analytic(11, "Sales")]},
        {"id": 2, "name": "Region", "accounts": [analytic(21, "North"), analytic(22, "South")]},
    ]
    assert match_tracking(plans, categories) == ({2: ("c1", "name")}, {21: ("c1-North", "name")})


def test_an_option_goes_to_one_analytic_account_names_first():
    categories = [category("c1", "Region", ["North", "South"])]
    plans = [
        {
            "id": 1,
            "name": "Region",
            "accounts": [
                analytic(11, "Northern zone", code="North"),
                analytic(12, "north"),
                analytic(13, "North"),
                analytic(14, "S zone", code="south"),
            ],
        }
    ]
    _plans, options = match_tracking(plans, categories)
    assert options == {12: ("c1-North", "name"), 14: ("c1-South", "code")}
