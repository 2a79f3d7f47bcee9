"""Contact balances in the sandbox as Xero gives them: only on paged or by-ID reads (never in
an unpaged list or a summary), computed from the organisation's own documents on the
sandbox's clock, and never a reason for a contact to count as modified."""

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from openapi_schema_validator import OAS30Validator

from xero_sandbox.spec import SPEC_DIR, load_document

from .sandbox_helpers import Raw, authorize

ZERO = {"Outstanding": 0, "Overdue": 0}


@pytest.fixture
def today(sandbox):
    return sandbox.clock.today()


def put(raw, endpoint, element):
    answer = raw.call("PUT", "/" + endpoint, json={endpoint: [element]})
    assert answer.status_code == 200, answer.text
    return answer.json()[endpoint][0]


def contact(raw, name):
    return put(raw, "Contacts", {"Name": name})["ContactID"]


def document(raw, endpoint, kind, contact_id, amount, due=None, status="AUTHORISED", **fields):
    """A document of one line of ``amount`` (no tax) for ``contact_id``."""
    account = "200" if kind.startswith("ACCREC") else "300"
    element = dict(
        {
            "Type": kind,
            "Contact": {"ContactID": contact_id},
            "Status": status,
            "LineAmountTypes": "NoTax",
            "LineItems": [
                {"Description": "Work", "Quantity": 1, "UnitAmount": amount, "AccountCode": account}
            ],
        },
        **fields,
    )
    if due:
        element["DueDate"] = due.isoformat()
    return put(raw, endpoint, element)


def invoice(raw, kind, contact_id, amount, due, **fields):
    return document(raw, "Invoices", kind, contact_id, amount, due, **fields)["InvoiceID"]


def pay(sandbox, tenant_id, invoice_id, amount):
    url = "%s/sandbox/tenants/%s/invoices/%s/pay" % (sandbox.url, tenant_id, invoice_id)
    assert requests.post(url, json={"amount": amount}, timeout=5).status_code == 200


def balances(raw, contact_id, path=None):
    found = raw.call("GET", path or "/Contacts/%s" % contact_id).json()["Contacts"]
    return next(c for c in found if c["ContactID"] == contact_id).get("Balances")


def figures(balance):
    return {
        side: {k: Decimal(str(v)) for k, v in amounts.items()} for side, amounts in balance.items()
    }


def test_balances_come_on_paged_and_by_id_reads_only(raw):
    customer = contact(raw, "Bayside Club")
    for path in (
        "/Contacts/%s" % customer,
        "/Contacts?page=1",
        "/Contacts?IDs=%s&page=1" % customer,
        "/Contacts?page=1&pageSize=1000&includeArchived=true",
    ):
        assert balances(raw, customer, path) == {
            "AccountsReceivable": ZERO,
            "AccountsPayable": ZERO,
        }, path
    for path in (
        "/Contacts",
        "/Contacts?IDs=%s" % customer,
        "/Contacts?summaryOnly=true",
        "/Contacts?summaryOnly=true&page=1",
        "/Contacts?IDs=%s&page=1&summaryOnly=true" % customer,
    ):
        assert balances(raw, customer, path) is None, path


def test_a_summary_leaves_out_what_the_contacts_page_says(raw):
    customer = put(
        raw,
        "Contacts",
        {
            "Name": "Ridgeway University",
            "Addresses": [{"AddressType": "POBOX", "City": "Wellington"}],
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "1111111"}],
            "ContactPersons": [{"FirstName": "Ann", "EmailAddress": "ann@example.com"}],
        },
    )
    summary = raw.call("GET", "/Contacts?summaryOnly=true&page=1").json()["Contacts"][0]
    for field in ("Addresses", "Balances", "ContactPersons", "IsCustomer", "IsSupplier"):
        assert field not in summary, field
    assert summary["Phones"] == customer["Phones"], "Phones are not left out"
    whole = raw.call("GET", "/Contacts?page=1").json()["Contacts"][0]
    assert {"Addresses", "Balances", "ContactPersons", "IsCustomer"} <= set(whole)


def test_outstanding_and_overdue_from_the_contacts_documents(sandbox, raw, uk, today):
    customer = contact(raw, "Bayside Club")
    supplier = contact(raw, "PowerDirect")
    later, earlier = today + timedelta(days=30), today - timedelta(days=3)
    current = invoice(raw, "ACCREC", customer, 100, later)
    invoice(raw, "ACCREC", customer, 60, earlier)
    invoice(raw, "ACCREC", customer, 500, later, status="DRAFT")
    invoice(raw, "ACCREC", customer, 700, earlier, status="SUBMITTED")
    voided = invoice(raw, "ACCREC", customer, 900, earlier)
    raw.call("POST", "/Invoices/%s" % voided, json={"Invoices": [{"Status": "VOIDED"}]})
    invoice(raw, "ACCREC", customer, 5, today)  # due today: not overdue yet
    paid = invoice(raw, "ACCREC", customer, 15, earlier)
    pay(sandbox, uk.tenant_id, current, 40)
    pay(sandbox, uk.tenant_id, paid, 15)
    document(raw, "CreditNotes", "ACCRECCREDIT", customer, 25, later)
    # In euros at 1.25 euros to the pound: 50.00 EUR is 40.00 GBP.
    invoice(raw, "ACCREC", customer, 50, earlier, CurrencyCode="EUR", CurrencyRate=1.25)
    invoice(raw, "ACCPAY", supplier, 80, earlier, InvoiceNumber="PD-1")
    invoice(raw, "ACCPAY", supplier, 20, later, InvoiceNumber="PD-2")
    document(raw, "CreditNotes", "ACCPAYCREDIT", supplier, 150, later, CreditNoteNumber="C-1")
    assert figures(balances(raw, customer)) == {
        # 60 left on the first, 60 overdue, 5 due today, 40 in euros overdue, less 25 of
        # credit; the draft, the one awaiting approval, the voided and the paid count nothing.
        "AccountsReceivable": {"Outstanding": Decimal("140.00"), "Overdue": Decimal("100.00")},
        "AccountsPayable": {"Outstanding": 0, "Overdue": 0},
    }
    assert figures(balances(raw, supplier)) == {
        "AccountsReceivable": {"Outstanding": 0, "Overdue": 0},
        # More credit than bills: negative, as in the description's example.
        "AccountsPayable": {"Outstanding": Decimal("-50.00"), "Overdue": Decimal("80.00")},
    }


def test_an_invoice_falls_overdue_on_the_sandbox_clock(sandbox, raw, uk, today):
    customer = contact(raw, "Bayside Club")
    invoice(raw, "ACCREC", customer, 100, today + timedelta(days=1))
    assert balances(raw, customer)["AccountsReceivable"] == {"Outstanding": 100, "Overdue": 0}
    for days, overdue in ((1, 0), (2, 100)):
        sandbox.clock.advance(86400)
        later = Raw(sandbox, authorize(sandbox), uk.tenant_id)  # the token expired meanwhile
        assert balances(later, customer)["AccountsReceivable"] == {
            "Outstanding": 100,
            "Overdue": overdue,
        }, days


def test_a_balance_change_leaves_the_contact_unmodified(sandbox, raw, uk, today):
    customer = put(raw, "Contacts", {"Name": "Bayside Club"})
    sandbox.clock.advance(5)
    since = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    sandbox.clock.advance(5)
    due = invoice(raw, "ACCREC", customer["ContactID"], 100, today)
    pay(sandbox, uk.tenant_id, due, 30)
    changed = raw.call("GET", "/Contacts?page=1", headers={"If-Modified-Since": since})
    assert changed.json()["Contacts"] == [], "neither the balance nor IsCustomer counts"
    now = raw.call("GET", "/Contacts/%s" % customer["ContactID"]).json()["Contacts"][0]
    assert now["UpdatedDateUTC"] == customer["UpdatedDateUTC"]
    assert now["Balances"]["AccountsReceivable"]["Outstanding"] == 70
    assert now["IsCustomer"] is True


def test_balances_are_as_the_official_description_has_them(raw, today):
    """The sandbox checks each answer against the description; this says so for Balances."""
    spec = load_document(SPEC_DIR / "xero_accounting.yaml")
    customer = contact(raw, "Bayside Club")
    invoice(raw, "ACCREC", customer, 12.5, today - timedelta(days=1))
    found = balances(raw, customer)
    schema = dict(spec["components"]["schemas"]["Balances"], components=spec["components"])
    OAS30Validator(schema).validate(found)
    assert set(found) == set(spec["components"]["schemas"]["Balances"]["properties"])
    for side in ("AccountsReceivable", "AccountsPayable"):
        assert set(found[side]) == set(spec["components"]["schemas"][side]["properties"])
