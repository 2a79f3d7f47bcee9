"""XeroClient's settings reads (accounts, tax rates, tracking, currencies) for the UK and AU
organisations, and their plain-dict forms."""

import pytest

from xero_client import XeroClient, XeroEndpoints
from xero_client.mappings.matching import account_dict, tax_rate_dict, tracking_dict


@pytest.fixture
def client_for(sandbox, token):
    def build(org):
        return XeroClient(XeroEndpoints.for_host(sandbox.url), token["access_token"], org.tenant_id)

    return build


def by_key(dicts, key):
    return {d[key]: d for d in dicts}


# -- accounts ---------------------------------------------------------------------------------
def test_the_uk_chart_is_read_in_one_call_with_plain_values(client_for, uk, sandbox):
    accounts = by_key([account_dict(a) for a in client_for(uk).get_accounts()], "code")
    assert sandbox.calls("GET", "Accounts") == 1
    assert {"090", "200", "429", "610", "820"} <= set(accounts)
    assert accounts["200"] == {
        "xero_id": accounts["200"]["xero_id"],
        "code": "200",
        "name": "Sales",
        "type": "REVENUE",
        "tax_type": "OUTPUT2",
        "status": "ACTIVE",
        "class": "REVENUE",
        "system_account": "",
        "takes_payments": False,
    }
    assert accounts["200"]["xero_id"]
    assert (accounts["090"]["takes_payments"], accounts["615"]["takes_payments"]) == (True, True)
    assert (accounts["090"]["type"], accounts["090"]["class"]) == ("BANK", "ASSET")
    assert accounts["610"]["system_account"] == "DEBTORS"
    assert (accounts["820"]["name"], accounts["820"]["system_account"]) == ("VAT", "GST")


def test_the_au_chart_has_its_gst_account(client_for, au):
    accounts = by_key([account_dict(a) for a in client_for(au).get_accounts()], "code")
    assert (accounts["820"]["name"], accounts["820"]["system_account"]) == ("GST", "GST")
    assert accounts["200"]["tax_type"] == "OUTPUT"
    assert accounts["429"]["tax_type"] == "INPUT"


# -- tax rates --------------------------------------------------------------------------------
def test_uk_tax_rates(client_for, uk, sandbox):
    rates = by_key([tax_rate_dict(r) for r in client_for(uk).get_tax_rates()], "tax_type")
    assert sandbox.calls("GET", "TaxRates") == 1
    assert rates["OUTPUT2"] == {
        "tax_type": "OUTPUT2",
        "name": "20% (VAT on Income)",
        "rate": 20.0,
        "status": "ACTIVE",
        "can_revenue": True,
        "can_expense": False,
        "report_tax_type": "OUTPUT",
    }
    assert (rates["INPUT2"]["rate"], rates["INPUT2"]["can_expense"]) == (20.0, True)
    assert (rates["CAPEXINPUT2"]["rate"], rates["CAPEXINPUT2"]["can_expense"]) == (20.0, True)
    assert rates["RROUTPUT"]["rate"] == 5.0 and isinstance(rates["RROUTPUT"]["rate"], float)
    assert rates["NONE"]["rate"] == 0.0


def test_au_tax_rates(client_for, au):
    rates = by_key([tax_rate_dict(r) for r in client_for(au).get_tax_rates()], "tax_type")
    assert (rates["OUTPUT"]["name"], rates["OUTPUT"]["rate"]) == ("GST on Income", 10.0)
    assert (rates["INPUT"]["name"], rates["INPUT"]["rate"]) == ("GST on Expenses", 10.0)
    assert rates["EXEMPTOUTPUT"]["name"] == "GST Free Income"
    assert rates["BASEXCLUDED"]["rate"] == 0.0
    assert "OUTPUT2" not in rates


# -- tracking categories ----------------------------------------------------------------------
def test_uk_tracking_categories_with_their_options(client_for, uk, sandbox):
    categories = [tracking_dict(c) for c in client_for(uk).get_tracking_categories()]
    assert sandbox.calls("GET", "TrackingCategories") == 1
    assert [c["name"] for c in categories] == ["Region", "Department"]
    region = categories[0]
    assert region["status"] == "ACTIVE" and region["xero_id"]
    assert [o["name"] for o in region["options"]] == ["North", "South", "East", "West"]
    assert all(o["xero_id"] and o["status"] == "ACTIVE" for o in region["options"])


def test_au_tracking_categories(client_for, au):
    categories = [tracking_dict(c) for c in client_for(au).get_tracking_categories()]
    assert {c["name"]: [o["name"] for o in c["options"]] for c in categories} == {
        "Region": ["Eastside", "Westside", "Central"],
        "Business Unit": ["Retail", "Wholesale"],
    }


def test_archived_tracking_is_read_only_when_asked(client_for, uk):
    department = uk.settings["TrackingCategories"][1]
    department["Status"] = "ARCHIVED"
    uk.settings["TrackingCategories"][0]["Options"][3]["Status"] = "ARCHIVED"
    client = client_for(uk)
    active = [tracking_dict(c) for c in client.get_tracking_categories()]
    assert [(c["name"], len(c["options"])) for c in active] == [("Region", 3)]
    everything = [tracking_dict(c) for c in client.get_tracking_categories(include_archived=True)]
    assert [(c["name"], c["status"]) for c in everything] == [
        ("Region", "ACTIVE"),
        ("Department", "ARCHIVED"),
    ]
    assert everything[0]["options"][3] == {
        "xero_id": everything[0]["options"][3]["xero_id"],
        "name": "West",
        "status": "ARCHIVED",
    }


# -- currencies -------------------------------------------------------------------------------
def test_currencies_of_both_organisations(client_for, uk, au, sandbox):
    uk_codes = [c.code.value for c in client_for(uk).get_currencies()]
    au_currencies = client_for(au).get_currencies()
    assert uk_codes == ["GBP", "EUR", "USD"]
    assert [c.code.value for c in au_currencies] == ["AUD", "NZD", "USD"]
    assert au_currencies[0].description == "Australian Dollar"
    assert sandbox.calls("GET", "Currencies") == 2
