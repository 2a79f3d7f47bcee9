"""Batch payments over HTTP: one bank line paying several bills (PAYBATCH) or sales invoices
(RECBATCH), each by a payment that names the batch; deleting the batch deletes its payments.
Each test checks the sandbox's exact answer and what it then holds."""

from datetime import date

import pytest
from xero_python.accounting import (
    Account,
    BatchPayment,
    BatchPaymentDelete,
    BatchPaymentDeleteByUrlParam,
    BatchPayments,
    Invoice,
    Payment,
)

from xero_sandbox.resources.payments import AMOUNT_EXCEEDS, NOT_AUTHORISED

DAY = "2024-05-01"
DAY_MS = "/Date(1714521600000+0000)/"
DAY_STRING = "2024-05-01T00:00:00"
VALIDATION = {"ErrorNumber": 10, "Type": "ValidationException"}


def put(raw, path, key, elements, query=""):
    return raw.call("PUT", path + query, json={key: elements})


def contact(raw, name):
    return put(raw, "/Contacts", "Contacts", [{"Name": name}]).json()["Contacts"][0]["ContactID"]


def document(raw, name, kind="ACCPAY", amount=100, status="AUTHORISED"):
    """An invoice (ACCREC) or bill (ACCPAY) of ``amount``, no tax, for a new contact ``name``."""
    answer = put(
        raw,
        "/Invoices",
        "Invoices",
        [
            {
                "Type": kind,
                "Contact": {"ContactID": contact(raw, name)},
                "Status": status,
                "Date": "2024-04-01",
                "DueDate": "2024-06-30",
                "InvoiceNumber": "B-%s" % name,
                "LineAmountTypes": "NoTax",
                "LineItems": [
                    {
                        "Description": "Work",
                        "Quantity": 1,
                        "UnitAmount": amount,
                        "AccountCode": "429" if kind == "ACCPAY" else "200",
                    }
                ],
            }
        ],
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["Invoices"][0]["InvoiceID"]


def read(raw, path, key):
    answer = raw.call("GET", path)
    assert answer.status_code == 200, answer.text
    return answer.json()[key]


def invoice_state(raw, invoice_id):
    [invoice] = read(raw, "/Invoices/%s" % invoice_id, "Invoices")
    return invoice["Status"], invoice["AmountDue"], len(invoice["Payments"])


def bank_account(org):
    return next(a for a in org.settings["Accounts"] if a["Code"] == "090")


def batch(payments, **fields):
    return dict(
        {"Account": {"Code": "090"}, "Date": DAY, "Reference": "May run", "Payments": payments},
        **fields,
    )


def pay(invoice_id, amount, **fields):
    return dict({"Invoice": {"InvoiceID": invoice_id}, "Amount": amount}, **fields)


def refusal(message):
    """Xero's answer to a request refused as a whole, for one reason."""
    return dict(
        VALIDATION,
        Message="A validation exception occurred",
        Elements=[{"ValidationErrors": [{"Message": message}]}],
    )


def without_instance(problem):
    return {k: v for k, v in problem.items() if k != "Instance"}


@pytest.fixture
def bills(raw):
    return document(raw, "Harbour Supplies", amount=100), document(raw, "Quay Timber", amount=50)


def test_a_batch_pays_each_bill_by_a_payment_that_names_it(raw, uk, bills):
    first, second = bills
    answer = put(
        raw,
        "/BatchPayments",
        "BatchPayments",
        [
            batch(
                [
                    pay(first, 100, Reference="Harbour April"),
                    pay(second, 30, BankAccountNumber="12-3456-7890123-00", Details="Part"),
                ],
                Details="Supplier run",
            )
        ],
    )
    assert answer.status_code == 200, answer.text
    [made] = answer.json()["BatchPayments"]
    first_payment, second_payment = (p["PaymentID"] for p in made["Payments"])
    account_id = bank_account(uk)["AccountID"]
    expected = {
        "BatchPaymentID": made["BatchPaymentID"],
        "Account": {"AccountID": account_id, "CurrencyCode": "GBP"},
        "Date": DAY_MS,
        "DateString": DAY_STRING,
        "Reference": "May run",
        "Details": "Supplier run",
        "Type": "PAYBATCH",
        "Status": "AUTHORISED",
        "TotalAmount": 130.0,
        "IsReconciled": False,
        "UpdatedDateUTC": made["UpdatedDateUTC"],
        "Payments": [
            {
                "Invoice": {"InvoiceID": first, "CurrencyCode": "GBP"},
                "PaymentID": first_payment,
                "Amount": 100.0,
                "BankAmount": 100.0,
                "Reference": "Harbour April",
            },
            {
                "Invoice": {"InvoiceID": second, "CurrencyCode": "GBP"},
                "PaymentID": second_payment,
                "Amount": 30.0,
                "BankAmount": 30.0,
            },
        ],
        "StatusAttributeString": "OK",
    }
    assert made == expected
    del expected["StatusAttributeString"]
    assert read(raw, "/BatchPayments/%s" % made["BatchPaymentID"], "BatchPayments") == [expected]
    named = {
        "BatchPaymentID": made["BatchPaymentID"],
        "Account": {"AccountID": account_id},
        "Date": DAY_MS,
        "DateString": DAY_STRING,
        "Type": "PAYBATCH",
        "Status": "AUTHORISED",
        "TotalAmount": 130.0,
        "IsReconciled": False,
    }
    [one] = read(raw, "/Payments/%s" % first_payment, "Payments")
    [two] = read(raw, "/Payments/%s" % second_payment, "Payments")
    for payment in (one, two):
        assert (payment["BatchPaymentID"], payment["BatchPayment"]) == (
            made["BatchPaymentID"],
            named,
        )
        assert (payment["Date"], payment["Account"]["AccountID"]) == (DAY_MS, account_id)
        assert (payment["PaymentType"], payment["Status"]) == ("ACCPAYPAYMENT", "AUTHORISED")
    assert (one["Reference"], two["BankAccountNumber"], two["Details"]) == (
        "Harbour April",
        "12-3456-7890123-00",
        "Part",
    )
    assert invoice_state(raw, first) == ("PAID", 0, 1)
    assert invoice_state(raw, second) == ("AUTHORISED", 20, 1)


def test_sales_invoices_make_a_receipt_batch_listed_without_pages(raw):
    invoices = [document(raw, name, kind="ACCREC", amount=40) for name in ("Bayside", "Cove")]
    answer = put(raw, "/BatchPayments", "BatchPayments", [batch([pay(i, 40) for i in invoices])])
    assert answer.status_code == 200, answer.text
    made = answer.json()["BatchPayments"][0]
    assert (made["Type"], made["TotalAmount"]) == ("RECBATCH", 80)
    # getBatchPayments declares no page parameter: Xero ignores it, as any it does not know.
    listed = raw.call("GET", "/BatchPayments?page=1&where=Type%3D%3D%22RECBATCH%22").json()
    assert "pagination" not in listed
    assert [b["BatchPaymentID"] for b in listed["BatchPayments"]] == [made["BatchPaymentID"]]
    assert raw.call("GET", '/BatchPayments?where=Type=="PAYBATCH"').json()["BatchPayments"] == []
    [payment] = read(raw, "/Payments/%s" % made["Payments"][0]["PaymentID"], "Payments")
    assert payment["PaymentType"] == "ACCRECPAYMENT"


def test_a_batch_of_invoices_and_bills_together_is_refused_and_pays_nothing(raw, bills):
    invoice = document(raw, "Bayside", kind="ACCREC", amount=40)
    element = batch([pay(bills[0], 100), pay(invoice, 40)])
    answer = put(raw, "/BatchPayments", "BatchPayments", [element])
    assert answer.status_code == 400
    assert answer.json() == dict(
        VALIDATION,
        Message="A validation exception occurred",
        Elements=[
            dict(
                element,
                ValidationErrors=[
                    {
                        "Message": "The payments of a batch must all be on sales invoices "
                        "(RECBATCH) or all on bills (PAYBATCH)"
                    }
                ],
                HasErrors=True,
                StatusAttributeString="ERROR",
            )
        ],
    )
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 100, 0)
    assert invoice_state(raw, invoice) == ("AUTHORISED", 40, 0)
    assert read(raw, "/Payments", "Payments") == []
    assert read(raw, "/BatchPayments", "BatchPayments") == []


def test_each_batch_is_refused_for_what_it_lacks_and_the_good_one_kept(raw, bills):
    draft = document(raw, "Draft Co", amount=10, status="DRAFT")
    good = batch([pay(bills[1], 50)])
    refused = [
        (
            {"Account": {"Code": "200"}, "Reference": " ", "Payments": [pay(bills[0], 10)]},
            [
                "Account type is invalid for making a payment to/from",
                "A batch payment must have a Date",
                "A batch payment must have a Reference",
            ],
        ),
        (batch([]), ["A batch payment must have at least one payment"]),
        (
            batch([pay(bills[0], 10)], Details="x" * 19),
            ["Details must not be longer than 18 characters"],
        ),
        (batch([pay(bills[0], 100.01)]), [AMOUNT_EXCEEDS]),
        (batch([pay(bills[0], 10), pay(draft, 10)]), [NOT_AUTHORISED]),
    ]
    answer = put(
        raw,
        "/BatchPayments",
        "BatchPayments",
        [good] + [element for element, _ in refused],
        "?summarizeErrors=false",
    )
    assert answer.status_code == 200, answer.text
    kept, *errors = answer.json()["BatchPayments"]
    assert (kept["StatusAttributeString"], kept["TotalAmount"]) == ("OK", 50)
    assert errors == [
        dict(
            element,
            ValidationErrors=[{"Message": m} for m in messages],
            HasErrors=True,
            StatusAttributeString="ERROR",
        )
        for element, messages in refused
    ]
    assert [b["BatchPaymentID"] for b in read(raw, "/BatchPayments", "BatchPayments")] == [
        kept["BatchPaymentID"]
    ]
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 100, 0)
    assert len(read(raw, "/Payments", "Payments")) == 1


def test_deleting_a_batch_deletes_its_payments_and_the_bills_are_due_again(raw, bills):
    made = put(
        raw, "/BatchPayments", "BatchPayments", [batch([pay(bills[0], 100), pay(bills[1], 50)])]
    ).json()["BatchPayments"][0]
    batch_id = made["BatchPaymentID"]
    answer = raw.call(
        "POST", "/BatchPayments", json={"BatchPaymentID": batch_id, "Status": "DELETED"}
    )
    assert answer.status_code == 200, answer.text
    [deleted] = answer.json()["BatchPayments"]
    expected = dict(made, Status="DELETED", Payments=[], UpdatedDateUTC=deleted["UpdatedDateUTC"])
    del expected["StatusAttributeString"]
    # As the description's deleteBatchPayment example: no payments left, the total kept.
    assert deleted == expected
    assert read(raw, "/BatchPayments/%s" % batch_id, "BatchPayments") == [expected]
    for member in made["Payments"]:
        [payment] = read(raw, "/Payments/%s" % member["PaymentID"], "Payments")
        assert (payment["Status"], payment["BatchPaymentID"]) == ("DELETED", batch_id)
        assert payment["BatchPayment"]["Status"] == "DELETED"
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 100, 0)
    assert invoice_state(raw, bills[1]) == ("AUTHORISED", 50, 0)
    again = raw.call("POST", "/BatchPayments/%s" % batch_id, json={"Status": "DELETED"})
    assert again.status_code == 400
    assert again.json() == refusal("This batch payment has already been deleted")


def test_a_batch_is_deleted_by_its_path_with_status_deleted_only(raw, bills):
    made = put(raw, "/BatchPayments", "BatchPayments", [batch([pay(bills[0], 60)])]).json()
    batch_id = made["BatchPayments"][0]["BatchPaymentID"]
    path = "/BatchPayments/%s" % batch_id
    kept = raw.call("POST", path, json={"Status": "AUTHORISED"})
    assert kept.status_code == 400
    assert kept.json() == refusal("Only Status DELETED can be set on an existing batch payment")
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 40, 1)
    unknown = "11111111-2222-4333-8444-555555555555"
    missing = raw.call("POST", "/BatchPayments/%s" % unknown, json={"Status": "DELETED"})
    assert (missing.status_code, missing.text) == (
        404,
        "The resource you're looking for cannot be found",
    )
    in_body = raw.call(
        "POST", "/BatchPayments", json={"BatchPaymentID": unknown, "Status": "DELETED"}
    )
    assert in_body.status_code == 400
    assert in_body.json() == refusal(
        "An existing Batch Payment with the specified BatchPaymentID could not be found"
    )
    deleted = raw.call("POST", path, json={"Status": "DELETED"})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["BatchPayments"][0]["Status"] == "DELETED"
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 100, 0)


def test_credit_notes_in_a_batch_are_not_emulated(raw, bills):
    element = batch([pay(bills[0], 10), {"CreditNote": {"CreditNoteID": bills[1]}, "Amount": 5}])
    answer = put(raw, "/BatchPayments", "BatchPayments", [element])
    assert answer.status_code == 501
    assert without_instance(answer.json()) == {
        "Type": None,
        "Title": "Not Implemented",
        "Status": 501,
        "Detail": "The sandbox emulates batch payments of invoices and bills only.",
        "Extensions": {},
    }
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 100, 0)


def test_the_sdk_creates_reads_and_deletes_batches(api, uk, raw, bills):
    tid = uk.tenant_id
    made = api.create_batch_payment(
        tid,
        BatchPayments(
            batch_payments=[
                BatchPayment(
                    account=Account(code="090"),
                    date=date(2024, 5, 1),
                    reference="May run",
                    payments=[
                        Payment(invoice=Invoice(invoice_id=bills[0]), amount=100),
                        Payment(invoice=Invoice(invoice_id=bills[1]), amount=50),
                    ],
                )
            ]
        ),
    ).batch_payments[0]
    assert (made.type, made.status, made.total_amount, made.date) == (
        "PAYBATCH",
        "AUTHORISED",
        150,
        date(2024, 5, 1),
    )
    [listed] = api.get_batch_payments(tid).batch_payments
    assert [p.payment_id for p in listed.payments] == [p.payment_id for p in made.payments]
    payment = api.get_payment(tid, made.payments[0].payment_id).payments[0]
    assert str(payment.batch_payment_id) == str(made.batch_payment_id)
    assert payment.batch_payment.type == "PAYBATCH"
    deleted = api.delete_batch_payment(
        tid, BatchPaymentDelete(batch_payment_id=made.batch_payment_id, status="DELETED")
    ).batch_payments[0]
    assert (deleted.status, deleted.payments) == ("DELETED", [])
    assert invoice_state(raw, bills[0]) == ("AUTHORISED", 100, 0)
    second = api.create_batch_payment(
        tid,
        BatchPayments(
            batch_payments=[
                BatchPayment(
                    account=Account(code="090"),
                    date=date(2024, 5, 2),
                    reference="Again",
                    payments=[Payment(invoice=Invoice(invoice_id=bills[1]), amount=50)],
                )
            ]
        ),
    ).batch_payments[0]
    by_path = api.delete_batch_payment_by_url_param(
        tid, second.batch_payment_id, BatchPaymentDeleteByUrlParam(status="DELETED")
    ).batch_payments[0]
    assert by_path.status == "DELETED"
    assert invoice_state(raw, bills[1]) == ("AUTHORISED", 50, 0)
