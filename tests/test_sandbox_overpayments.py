"""Overpayments and prepayments over HTTP: a bank transaction of Type RECEIVE-/SPEND-OVERPAYMENT
or -PREPAYMENT makes one, of its contact and currency, with RemainingCredit = its Total; its
allocations to the contact's invoices use that credit up and lower what the invoices owe.
Each test checks the sandbox's exact answer and what it then holds."""

from datetime import date

import pytest
from xero_python.accounting import (
    Account,
    Allocation,
    Allocations,
    BankTransaction,
    BankTransactions,
    Contact,
    Invoice,
    LineAmountTypes,
    LineItem,
)

from .sandbox_helpers import ALL_SCOPES, Raw, accounting_api, authorize
from .test_sandbox_batch_payments import DAY, DAY_MS, DAY_STRING, VALIDATION, without_instance

BANK_SCOPES = ALL_SCOPES + " accounting.banktransactions"
NEXT_DAY_MS = "/Date(1714608000000+0000)/"
NEXT_DAY_STRING = "2024-05-02T00:00:00"


@pytest.fixture
def bank_token(sandbox):
    return authorize(sandbox, scope=BANK_SCOPES)


@pytest.fixture
def money(sandbox, bank_token, uk):
    """Raw calls with the granular scope bank transactions need."""
    return Raw(sandbox, bank_token, uk.tenant_id)


def account(org, code):
    return next(a for a in org.settings["Accounts"] if a["Code"] == code)


def new_contact(raw, name):
    answer = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": name}]})
    return answer.json()["Contacts"][0]


def invoice(raw, contact_id, amount=100, kind="ACCREC", currency="GBP", status="AUTHORISED"):
    element = {
        "Type": kind,
        "Contact": {"ContactID": contact_id},
        "Status": status,
        "Date": "2024-04-01",
        "DueDate": "2024-06-30",
        "CurrencyCode": currency,
        "LineAmountTypes": "NoTax",
        "LineItems": [
            {
                "Description": "Work",
                "Quantity": 1,
                "UnitAmount": amount,
                "AccountCode": "200" if kind == "ACCREC" else "429",
            }
        ],
    }
    if currency != "GBP":
        element["CurrencyRate"] = 1.2
    answer = raw.call("PUT", "/Invoices", json={"Invoices": [element]})
    assert answer.status_code == 200, answer.text
    return answer.json()["Invoices"][0]["InvoiceID"]


def transaction(contact_id, kind="RECEIVE-OVERPAYMENT", amount=60, **fields):
    return dict(
        {
            "Type": kind,
            "Contact": {"ContactID": contact_id},
            "BankAccount": {"Code": "090"},
            "Date": DAY,
            "LineItems": [{"Description": "Paid twice", "LineAmount": amount}],
        },
        **fields,
    )


def create(money, *elements, query=""):
    return money.call("PUT", "/BankTransactions" + query, json={"BankTransactions": list(elements)})


def made(money, element):
    answer = create(money, element)
    assert answer.status_code == 200, answer.text
    return answer.json()["BankTransactions"][0]


def allocate(money, path, *allocations, query=""):
    return money.call("PUT", path + "/Allocations" + query, json={"Allocations": list(allocations)})


def read(raw, path, key):
    answer = raw.call("GET", path)
    assert answer.status_code == 200, answer.text
    return answer.json()[key]


def refusal(messages):
    return dict(
        VALIDATION,
        Message="A validation exception occurred",
        Elements=[{"ValidationErrors": [{"Message": m} for m in messages]}],
    )


@pytest.fixture
def customer(raw):
    return new_contact(raw, "Bayside Club")


def test_a_received_overpayment_is_a_bank_transaction_and_an_overpayment(money, uk, customer):
    answer = create(money, transaction(customer["ContactID"], Reference="Paid twice"))
    assert answer.status_code == 200, answer.text
    [made_transaction] = answer.json()["BankTransactions"]
    the_id = made_transaction["BankTransactionID"]
    receivable = account(uk, "610")
    lines = [
        {
            "LineItemID": made_transaction["LineItems"][0]["LineItemID"],
            "Description": "Paid twice",
            "Quantity": 1.0,
            "UnitAmount": 60.0,
            "LineAmount": 60.0,
            "TaxAmount": 0.0,
            "TaxType": "NONE",
            "AccountCode": "610",
            "AccountID": receivable["AccountID"],
            "Tracking": [],
        }
    ]
    contact = {
        "ContactID": customer["ContactID"],
        "Name": "Bayside Club",
        "ContactStatus": "ACTIVE",
        "HasValidationErrors": False,
    }
    shared = {
        "Type": "RECEIVE-OVERPAYMENT",
        "Contact": contact,
        "Date": DAY_MS,
        "DateString": DAY_STRING,
        "Status": "AUTHORISED",
        "CurrencyCode": "GBP",
        "CurrencyRate": 1.0,
        "LineAmountTypes": "NoTax",
        "LineItems": lines,
        "SubTotal": 60.0,
        "TotalTax": 0.0,
        "Total": 60.0,
        "Reference": "Paid twice",
        "HasAttachments": False,
    }
    bank = account(uk, "090")
    expected = dict(
        shared,
        BankTransactionID=the_id,
        OverpaymentID=the_id,
        BankAccount={"AccountID": bank["AccountID"], "Code": "090", "Name": bank["Name"]},
        IsReconciled=False,
        UpdatedDateUTC=made_transaction["UpdatedDateUTC"],
        StatusAttributeString="OK",
    )
    assert made_transaction == expected
    del expected["StatusAttributeString"]
    assert read(money, "/BankTransactions/%s" % the_id, "BankTransactions") == [expected]
    [overpayment] = read(money, "/Overpayments/%s" % the_id, "Overpayments")
    assert overpayment == dict(
        shared,
        OverpaymentID=the_id,
        RemainingCredit=60.0,
        Allocations=[],
        Payments=[],
        UpdatedDateUTC=overpayment["UpdatedDateUTC"],
    )
    assert read(money, "/Overpayments", "Overpayments") == [overpayment]
    assert read(money, "/Overpayments?References=Other", "Overpayments") == []
    assert read(money, "/Overpayments?page=1&References=Paid%20twice", "Overpayments") == [
        overpayment
    ]


def test_an_overpayment_allocated_lowers_what_the_invoice_owes(money, customer):
    owed = invoice(money, customer["ContactID"], 100)
    overpayment = made(money, transaction(customer["ContactID"]))
    path = "/Overpayments/%s" % overpayment["OverpaymentID"]
    answer = allocate(
        money, path, {"Invoice": {"InvoiceID": owed}, "Amount": 25, "Date": "2024-05-02"}
    )
    assert answer.status_code == 200, answer.text
    [allocation] = answer.json()["Allocations"]
    assert allocation == {
        "AllocationID": allocation["AllocationID"],
        "Amount": 25.0,
        "Date": NEXT_DAY_MS,
        "Invoice": {"InvoiceID": owed},
        "Overpayment": {"OverpaymentID": overpayment["OverpaymentID"]},
    }
    [held] = read(money, path, "Overpayments")
    [billed] = read(money, "/Invoices/%s" % owed, "Invoices")
    assert (held["RemainingCredit"], held["Status"]) == (35, "AUTHORISED")
    assert held["Allocations"] == [
        {
            "AllocationID": allocation["AllocationID"],
            "Amount": 25.0,
            "Date": NEXT_DAY_MS,
            "DateString": NEXT_DAY_STRING,
            "Invoice": {"InvoiceID": owed, "InvoiceNumber": billed["InvoiceNumber"]},
        }
    ]
    assert (billed["AmountDue"], billed["AmountCredited"], billed["Status"]) == (
        75,
        25,
        "AUTHORISED",
    )
    assert billed["Overpayments"] == [
        {
            "OverpaymentID": overpayment["OverpaymentID"],
            "AppliedAmount": 25.0,
            "Date": NEXT_DAY_MS,
            "DateString": NEXT_DAY_STRING,
            "Total": 60.0,
        }
    ]
    rest = allocate(money, path, {"Invoice": {"InvoiceID": owed}, "Amount": 35, "Date": DAY})
    assert rest.status_code == 200, rest.text
    [held] = read(money, path, "Overpayments")
    [billed] = read(money, "/Invoices/%s" % owed, "Invoices")
    assert (held["RemainingCredit"], held["Status"]) == (0, "PAID")
    assert (billed["AmountDue"], billed["Status"]) == (40, "AUTHORISED")


def test_an_allocation_beyond_the_remaining_credit_or_the_amount_due_is_refused(money, customer):
    owed = invoice(money, customer["ContactID"], 100)
    small = invoice(money, customer["ContactID"], 20)
    overpayment = made(money, transaction(customer["ContactID"], amount=30))
    path = "/Overpayments/%s" % overpayment["OverpaymentID"]
    beyond_credit = allocate(
        money, path, {"Invoice": {"InvoiceID": owed}, "Amount": 30.01, "Date": DAY}
    )
    assert beyond_credit.status_code == 400
    assert beyond_credit.json() == refusal(
        [
            "Overpayment cannot be allocated as the allocation amount is greater than the "
            "amount remaining on the Overpayment"
        ]
    )
    beyond_due = allocate(money, path, {"Invoice": {"InvoiceID": small}, "Amount": 25, "Date": DAY})
    assert beyond_due.status_code == 400
    assert beyond_due.json() == refusal(
        ["Overpayment cannot be allocated as amount is greater than amount outstanding"]
    )
    [held] = read(money, path, "Overpayments")
    assert (held["RemainingCredit"], held["Allocations"]) == (30, [])
    assert read(money, "/Invoices/%s" % small, "Invoices")[0]["AmountDue"] == 20


def test_allocations_go_to_approved_invoices_of_the_contact_its_side_and_currency(money, customer):
    contact_id = customer["ContactID"]
    other = new_contact(money, "Cove Ltd")["ContactID"]
    draft = invoice(money, contact_id, status="DRAFT")
    paid = invoice(money, contact_id, 10)
    overpayment = made(money, transaction(contact_id))
    path = "/Overpayments/%s" % overpayment["OverpaymentID"]
    assert allocate(money, path, {"Invoice": {"InvoiceID": paid}, "Amount": 10, "Date": DAY}).ok
    cases = [
        (paid, "The invoice you are trying to allocate to has already been paid off"),
        (draft, "Only an AUTHORISED overpayment can be allocated to an AUTHORISED invoice"),
        (invoice(money, other), "The overpayment and the invoice must belong to the same contact"),
        (
            invoice(money, contact_id, kind="ACCPAY"),
            "Overpayment cannot be allocated to an incorrect invoice type",
        ),
        (
            invoice(money, contact_id, currency="EUR"),
            "Overpayment cannot be allocated to an invoice in another currency (EUR, not GBP)",
        ),
        ("11111111-2222-4333-8444-555555555555", "Invoice could not be found"),
    ]
    refused = [{"Invoice": {"InvoiceID": target}, "Amount": 5, "Date": DAY} for target, _ in cases]
    answer = allocate(money, path, *refused, query="?summarizeErrors=false")
    assert answer.status_code == 200, answer.text
    assert answer.json()["Allocations"] == [
        dict(allocation, ValidationErrors=[{"Message": m}], StatusAttributeString="ERROR")
        for allocation, (_, m) in zip(refused, cases, strict=True)
    ]
    assert read(money, path, "Overpayments")[0]["RemainingCredit"] == 50
    unknown = allocate(
        money,
        "/Overpayments/11111111-2222-4333-8444-555555555555",
        {"Invoice": {"InvoiceID": paid}, "Amount": 1, "Date": DAY},
    )
    assert (unknown.status_code, unknown.text) == (
        404,
        "The resource you're looking for cannot be found",
    )


def test_a_received_prepayment_is_numbered_as_an_invoice_and_keeps_its_tax(money, uk, customer):
    element = transaction(
        customer["ContactID"],
        "RECEIVE-PREPAYMENT",
        LineAmountTypes="Exclusive",
        Reference="Not kept",
        LineItems=[
            {"Description": "Deposit", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
        ],
    )
    the_transaction = made(money, element)
    assert (the_transaction["PrepaymentID"], the_transaction["Total"]) == (
        the_transaction["BankTransactionID"],
        120,
    )
    assert "Reference" not in the_transaction
    [prepayment] = read(money, "/Prepayments/%s" % the_transaction["PrepaymentID"], "Prepayments")
    [line] = prepayment["LineItems"]
    assert (line["AccountCode"], line["TaxType"], line["TaxAmount"]) == ("200", "OUTPUT2", 20)
    assert {
        k: prepayment[k] for k in ("Type", "InvoiceNumber", "Reference", "RemainingCredit")
    } == {
        "Type": "RECEIVE-PREPAYMENT",
        "InvoiceNumber": "INV-0001",
        "Reference": "INV-0001",
        "RemainingCredit": 120,
    }
    assert read(money, "/Prepayments?InvoiceNumbers=INV-0001", "Prepayments") == [prepayment]
    owed = invoice(money, customer["ContactID"], 150)
    answer = allocate(
        money,
        "/Prepayments/%s" % prepayment["PrepaymentID"],
        {"Invoice": {"InvoiceID": owed}, "Amount": 120, "Date": DAY},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["Allocations"][0]["Prepayment"] == {
        "PrepaymentID": prepayment["PrepaymentID"]
    }
    [billed] = read(money, "/Invoices/%s" % owed, "Invoices")
    assert (billed["AmountDue"], billed["Prepayments"][0]["AppliedAmount"]) == (30, 120)
    too_much = allocate(
        money,
        "/Prepayments/%s" % prepayment["PrepaymentID"],
        {"Invoice": {"InvoiceID": owed}, "Amount": 1, "Date": DAY},
    )
    # Xero's words, as Preno's help centre quotes them.
    assert too_much.json() == refusal(
        [
            "Prepayment cannot be allocated as the allocation amount is greater than the "
            "amount remaining on the Prepayment"
        ]
    )


def test_a_spent_prepayment_has_no_number_and_a_currency_of_its_bank_account(money, customer):
    element = transaction(
        customer["ContactID"],
        "SPEND-PREPAYMENT",
        LineItems=[{"Description": "Deposit", "LineAmount": 50, "AccountCode": "429"}],
    )
    prepayment = made(money, element)
    [held] = read(money, "/Prepayments/%s" % prepayment["PrepaymentID"], "Prepayments")
    assert "InvoiceNumber" not in held and "Reference" not in held
    assert (held["Type"], held["CurrencyCode"], held["Total"]) == ("SPEND-PREPAYMENT", "GBP", 60)
    in_euros = create(money, dict(element, CurrencyCode="EUR", CurrencyRate=1.2))
    assert in_euros.status_code == 400
    assert in_euros.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Setting currency is only supported on overpayments."}
    ]
    overpaid = made(money, transaction(customer["ContactID"], CurrencyCode="EUR", CurrencyRate=1.2))
    assert (overpaid["CurrencyCode"], overpaid["CurrencyRate"]) == ("EUR", 1.2)


def test_what_a_bank_transaction_needs(money, customer):
    contact_id = customer["ContactID"]
    refused = [
        (
            transaction(contact_id, BankAccount={"Code": "200"}, Status="DELETED"),
            [
                "The BankAccount must be an active bank account of the organisation",
                "A bank transaction can only be created AUTHORISED",
            ],
        ),
        (
            dict(transaction(contact_id), Contact={}),
            ["A Contact must be specified for this type of transaction"],
        ),
        (
            transaction(contact_id, amount=0),
            ["The Total of a bank transaction must be greater than zero"],
        ),
        (
            transaction(contact_id, "SPEND-PREPAYMENT"),
            ["Account code must be specified for line item 1 of an approved document"],
        ),
    ]
    answer = create(
        money, transaction(contact_id), *(e for e, _ in refused), query="?summarizeErrors=false"
    )
    assert answer.status_code == 200, answer.text
    kept, *errors = answer.json()["BankTransactions"]
    assert kept["StatusAttributeString"] == "OK"
    assert errors == [
        dict(
            e,
            ValidationErrors=[{"Message": m} for m in messages],
            HasErrors=True,
            StatusAttributeString="ERROR",
        )
        for e, messages in refused
    ]
    assert [o["OverpaymentID"] for o in read(money, "/Overpayments", "Overpayments")] == [
        kept["OverpaymentID"]
    ]
    assert read(money, "/Prepayments", "Prepayments") == []


def test_other_bank_transactions_are_not_emulated_and_nothing_is_written(money, customer):
    answer = create(
        money, transaction(customer["ContactID"]), transaction(customer["ContactID"], "RECEIVE")
    )
    assert answer.status_code == 501
    assert without_instance(answer.json()) == {
        "Type": None,
        "Title": "Not Implemented",
        "Status": 501,
        "Detail": "The sandbox emulates bank transactions of Type RECEIVE-OVERPAYMENT, "
        "SPEND-OVERPAYMENT, RECEIVE-PREPAYMENT, SPEND-PREPAYMENT only, not RECEIVE.",
        "Extensions": {},
    }
    assert read(money, "/BankTransactions", "BankTransactions") == []


def test_bank_transactions_need_their_scope(raw, customer):
    """accounting.payments is not enough: bank transactions are accounting.banktransactions
    (or the older accounting.transactions)."""
    answer = create(raw, transaction(customer["ContactID"]))
    assert answer.status_code == 401
    assert without_instance(answer.json()) == {
        "Type": None,
        "Title": "Unauthorized",
        "Status": 401,
        "Detail": "AuthorizationUnsuccessful",
        "Extensions": {},
    }
    assert read(raw, "/Overpayments", "Overpayments") == []


def test_the_apply_action_makes_a_real_prepayment_through_the_same_allocation(
    sandbox, money, uk, customer
):
    owed = invoice(money, customer["ContactID"], 100)
    sandbox.actions.apply_credit(uk.tenant_id, owed, "Prepayments", 30)
    [prepayment] = read(money, "/Prepayments", "Prepayments")
    assert (prepayment["Total"], prepayment["RemainingCredit"], prepayment["Status"]) == (
        30,
        0,
        "PAID",
    )
    assert [a["Invoice"]["InvoiceID"] for a in prepayment["Allocations"]] == [owed]
    [billed] = read(money, "/Invoices/%s" % owed, "Invoices")
    assert billed["Prepayments"][0]["PrepaymentID"] == prepayment["PrepaymentID"]
    [made_transaction] = read(money, "/BankTransactions", "BankTransactions")
    assert (made_transaction["Type"], made_transaction["PrepaymentID"]) == (
        "RECEIVE-PREPAYMENT",
        prepayment["PrepaymentID"],
    )


def test_the_sdk_reads_and_allocates_overpayments(sandbox, bank_token, money, uk, customer):
    api = accounting_api(sandbox, bank_token)
    tid = uk.tenant_id
    owed = invoice(money, customer["ContactID"], 100)
    the_transaction = api.create_bank_transactions(
        tid,
        BankTransactions(
            bank_transactions=[
                BankTransaction(
                    type="RECEIVE-OVERPAYMENT",
                    contact=Contact(contact_id=customer["ContactID"]),
                    bank_account=Account(code="090"),
                    date=date(2024, 5, 1),
                    line_amount_types=LineAmountTypes.NOTAX,
                    line_items=[LineItem(description="Paid twice", line_amount=60)],
                )
            ]
        ),
    ).bank_transactions[0]
    assert str(the_transaction.overpayment_id) == str(the_transaction.bank_transaction_id)
    [overpayment] = api.get_overpayments(tid).overpayments
    assert (overpayment.remaining_credit, overpayment.type) == (60, "RECEIVE-OVERPAYMENT")
    [allocation] = api.create_overpayment_allocations(
        tid,
        overpayment.overpayment_id,
        Allocations(
            allocations=[
                Allocation(invoice=Invoice(invoice_id=owed), amount=25, date=date(2024, 5, 2))
            ]
        ),
    ).allocations
    assert (allocation.amount, allocation.date) == (25, date(2024, 5, 2))
    held = api.get_overpayment(tid, overpayment.overpayment_id).overpayments[0]
    assert (held.remaining_credit, held.allocations[0].amount) == (35, 25)
    billed = api.get_invoice(tid, owed).invoices[0]
    assert (billed.amount_due, billed.overpayments[0].applied_amount) == (75, 25)
    assert api.get_bank_transactions(tid).bank_transactions[0].type == "RECEIVE-OVERPAYMENT"
    assert api.get_prepayments(tid).prepayments == []
    sandbox.actions.apply_credit(tid, owed, "Prepayments", 10)
    [prepayment] = api.get_prepayments(tid).prepayments
    assert (prepayment.invoice_number, prepayment.status, prepayment.remaining_credit) == (
        "INV-0002",
        "PAID",
        0,
    )
    assert (
        api.get_prepayment(tid, prepayment.prepayment_id).prepayments[0].allocations[0].amount == 10
    )
