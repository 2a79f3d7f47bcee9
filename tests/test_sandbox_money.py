"""The sandbox as strict as Xero on money: payments never edited, currency rates as Xero keeps
them, lock dates, allocations, Xero's words on refusals, and what Xero's description allows."""

import uuid

import requests

BANK = "090"  # the seeded organisation's bank account, in its base currency


def messages(answer):
    body = answer.json()
    return [
        error["Message"]
        for element in body.get("Elements") or body.get("Payments") or body.get("Allocations")
        for error in element.get("ValidationErrors") or ()
    ]


def contact(raw):
    name = "Money Ltd %s" % uuid.uuid4().hex[:8]
    answer = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": name}]})
    return answer.json()["Contacts"][0]["ContactID"]


def document(raw, endpoint="Invoices", kind="ACCREC", total=100, contact_id=None, **fields):
    element = {
        "Type": kind,
        "Contact": {"ContactID": contact_id or contact(raw)},
        "Status": "AUTHORISED",
        "Date": "2026-11-02",
        "DueDate": "2026-12-31",
        "LineAmountTypes": "NoTax",
        "LineItems": [
            {"Description": "Work", "Quantity": 1, "UnitAmount": total, "AccountCode": "200"}
        ],
        **fields,
    }
    answer = raw.call("PUT", "/%s" % endpoint, json={endpoint: [element]})
    assert answer.status_code == 200, answer.text
    return answer.json()[endpoint][0]


def pay(raw, invoice, amount, **fields):
    element = {
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "Account": {"Code": BANK},
        "Amount": amount,
        "Date": "2026-11-20",
        **fields,
    }
    return raw.call("PUT", "/Payments", json={"Payments": [element]})


def paid(raw, invoice, amount, **fields):
    answer = pay(raw, invoice, amount, **fields)
    assert answer.status_code == 200, answer.text
    return answer.json()["Payments"][0]


def read(raw, endpoint, object_id):
    return raw.call("GET", "/%s/%s" % (endpoint, object_id)).json()[endpoint][0]


def sandbox_action(sandbox, method, path, body):
    answer = requests.request(method, sandbox.url + path, json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def set_day_rate(sandbox, tenant_id, currency, rate, on_day=None):
    body = {"currency": currency, "rate": rate, "date": on_day}
    return sandbox_action(sandbox, "PUT", "/sandbox/tenants/%s/day-rates" % tenant_id, body)


def set_lock_dates(sandbox, tenant_id, **dates):
    return sandbox_action(sandbox, "PUT", "/sandbox/tenants/%s/lock-dates" % tenant_id, dates)


# -- 1. payments are never edited ------------------------------------------------------------
def test_a_payment_update_with_more_than_its_status_is_refused(raw):
    payment = paid(raw, document(raw), 40)
    answer = raw.call(
        "POST", "/Payments/%s" % payment["PaymentID"], json={"Status": "DELETED", "Amount": 5}
    )
    assert answer.status_code == 400
    assert messages(answer) == ["Only Status accepted for updates."]
    assert read(raw, "Payments", payment["PaymentID"])["Status"] == "AUTHORISED"


def test_a_payment_is_deleted_by_its_status_alone_or_in_a_payments_list(raw):
    invoice = document(raw)
    first, second = paid(raw, invoice, 40), paid(raw, invoice, 60)
    assert read(raw, "Invoices", invoice["InvoiceID"])["Status"] == "PAID"
    plain = raw.call("POST", "/Payments/%s" % first["PaymentID"], json={"Status": "DELETED"})
    listed = raw.call(
        "POST",
        "/Payments/%s" % second["PaymentID"],
        json={"Payments": [{"Status": "DELETED"}]},
    )
    assert (plain.status_code, listed.status_code) == (200, 200), listed.text
    assert read(raw, "Payments", first["PaymentID"])["Status"] == "DELETED"
    assert read(raw, "Payments", second["PaymentID"])["Status"] == "DELETED"
    again = read(raw, "Invoices", invoice["InvoiceID"])
    assert (again["Status"], again["AmountDue"]) == ("AUTHORISED", 100)


def test_a_payments_list_with_more_than_the_status_is_refused(raw):
    payment = paid(raw, document(raw), 40)
    answer = raw.call(
        "POST",
        "/Payments/%s" % payment["PaymentID"],
        json={"Payments": [{"Status": "DELETED", "Reference": "changed"}]},
    )
    assert answer.status_code == 400
    assert messages(answer) == ["Only Status accepted for updates."]


def test_a_payment_of_a_batch_is_deleted_with_its_batch_only(raw):
    invoice = document(raw)
    answer = raw.call(
        "PUT",
        "/BatchPayments",
        json={
            "BatchPayments": [
                {
                    "Account": {"Code": BANK},
                    "Date": "2026-11-20",
                    "Reference": "Run 1",
                    "Payments": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 30}],
                }
            ]
        },
    )
    assert answer.status_code == 200, answer.text
    [member] = [
        p for p in raw.call("GET", "/Payments").json()["Payments"] if p.get("BatchPaymentID")
    ]
    alone = raw.call("POST", "/Payments/%s" % member["PaymentID"], json={"Status": "DELETED"})
    assert alone.status_code == 400
    assert messages(alone) == ["Payments within a batch cannot be deleted."]
    assert read(raw, "Invoices", invoice["InvoiceID"])["AmountDue"] == 70


# -- 2. currency rates as Xero keeps them ----------------------------------------------------
def test_a_foreign_payment_without_a_rate_takes_the_day_rate_never_one(sandbox, raw, uk):
    invoice = document(raw, CurrencyCode="EUR", CurrencyRate=1.2)
    set_day_rate(sandbox, uk.tenant_id, "EUR", 1.25, "2026-11-20")
    set_day_rate(sandbox, uk.tenant_id, "EUR", 1.1)
    payment = paid(raw, invoice, 50)
    assert payment["CurrencyRate"] == 1.25
    # Paid from a bank account in pounds: what reaches the bank is Amount / CurrencyRate.
    assert (payment["Amount"], payment["BankAmount"]) == (50, 40)
    other_day = paid(raw, invoice, 11, Date="2026-11-21")
    assert other_day["CurrencyRate"] == 1.1
    assert other_day["BankAmount"] == 10


def test_a_foreign_payment_keeps_the_rate_it_was_sent_with(raw):
    invoice = document(raw, CurrencyCode="EUR", CurrencyRate=1.2)
    payment = paid(raw, invoice, 30, CurrencyRate=1.5)
    assert (payment["CurrencyRate"], payment["BankAmount"]) == (1.5, 20)


def test_a_rate_of_zero_or_below_is_refused(raw):
    invoice = document(raw, CurrencyCode="EUR", CurrencyRate=1.2)
    for rate in (0, -2):
        answer = pay(raw, invoice, 10, CurrencyRate=rate)
        assert answer.status_code == 400, rate
        assert messages(answer) == ["CurrencyRate must be greater than zero"]
    assert read(raw, "Invoices", invoice["InvoiceID"])["AmountDue"] == 100


def test_a_rate_on_a_base_currency_document_is_ignored(raw):
    payment = paid(raw, document(raw), 30, CurrencyRate=3)
    assert (payment["CurrencyRate"], payment["BankAmount"]) == (1, 30)


def test_a_foreign_document_without_a_rate_takes_its_days_rate(sandbox, raw, uk):
    set_day_rate(sandbox, uk.tenant_id, "EUR", 1.175, "2026-11-02")
    invoice = document(raw, CurrencyCode="EUR")
    assert invoice["CurrencyRate"] == 1.175
    refused = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": invoice["Contact"]["ContactID"]},
                    "CurrencyCode": "EUR",
                    "CurrencyRate": 0,
                    "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 1}],
                }
            ]
        },
    )
    assert refused.status_code == 400
    assert "CurrencyRate must be greater than zero" in messages(refused)
    base = document(raw, CurrencyRate=4)
    assert base["CurrencyRate"] == 1


def test_the_day_rate_feed_is_never_one_for_a_foreign_currency(raw):
    invoice = document(raw, CurrencyCode="USD")
    assert invoice["CurrencyRate"] not in (1, None)
    payment = paid(raw, invoice, 10)
    assert payment["CurrencyRate"] not in (1, None)


# -- 3. lock dates ---------------------------------------------------------------------------
PERIOD_LOCKED = "The document date cannot be before the period lock date, currently set at "
YEAR_LOCKED = "The document date cannot be before the end of year lock date, currently set at "


def test_the_lock_dates_are_the_organisations(sandbox, raw, uk):
    set_lock_dates(sandbox, uk.tenant_id, PeriodLockDate="2026-10-31")
    organisation = raw.call("GET", "/Organisation").json()["Organisations"][0]
    assert organisation["PeriodLockDate"] == "/Date(1793404800000+0000)/"
    assert "EndOfYearLockDate" not in organisation


def test_documents_on_or_before_a_lock_date_are_refused(sandbox, raw, uk):
    contact_id = contact(raw)
    set_lock_dates(
        sandbox, uk.tenant_id, PeriodLockDate="2026-11-02", EndOfYearLockDate="2026-11-02"
    )
    answer = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact_id},
                    "Status": "AUTHORISED",
                    "Date": "2026-11-02",
                    "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5}],
                }
            ]
        },
    )
    assert answer.status_code == 400
    assert messages(answer) == [PERIOD_LOCKED + "02-Nov-2026", YEAR_LOCKED + "02-Nov-2026"]
    # A draft is not in the books yet: it may be dated in a locked period; a day later is open.
    document(raw, contact_id=contact_id, Status="DRAFT")
    document(raw, contact_id=contact_id, Date="2026-11-03")


def test_payments_deletions_and_allocations_in_a_locked_period_are_refused(sandbox, raw, uk):
    contact_id = contact(raw)
    invoice = document(raw, contact_id=contact_id, total=100)
    credit = document(raw, "CreditNotes", "ACCRECCREDIT", 10, contact_id, Date="2026-11-02")
    payment = paid(raw, invoice, 20, Date="2026-11-10")
    set_lock_dates(sandbox, uk.tenant_id, PeriodLockDate="2026-11-15")

    late = pay(raw, invoice, 5, Date="2026-11-15")
    assert late.status_code == 400
    assert messages(late) == [PERIOD_LOCKED + "15-Nov-2026"]
    deletion = raw.call("POST", "/Payments/%s" % payment["PaymentID"], json={"Status": "DELETED"})
    assert deletion.status_code == 400
    assert messages(deletion) == [PERIOD_LOCKED + "15-Nov-2026"]
    allocation = raw.call(
        "PUT",
        "/CreditNotes/%s/Allocations" % credit["CreditNoteID"],
        json={
            "Allocations": [
                {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 5, "Date": "2026-11-14"}
            ]
        },
    )
    assert allocation.status_code == 400
    assert messages(allocation) == [PERIOD_LOCKED + "15-Nov-2026"]
    assert read(raw, "Invoices", invoice["InvoiceID"])["AmountDue"] == 80
    assert read(raw, "Payments", payment["PaymentID"])["Status"] == "AUTHORISED"


def test_an_approved_document_never_leaves_a_locked_period(sandbox, raw, uk):
    invoice = document(raw, Date="2026-10-15")
    set_lock_dates(sandbox, uk.tenant_id, PeriodLockDate="2026-10-31")
    answer = raw.call(
        "POST",
        "/Invoices/%s" % invoice["InvoiceID"],
        json={"Invoices": [{"Date": "2026-11-15"}]},
    )
    assert answer.status_code == 400
    assert messages(answer) == [PERIOD_LOCKED + "31-Oct-2026"]
    assert read(raw, "Invoices", invoice["InvoiceID"])["DateString"].startswith("2026-10-15")


def test_voiding_an_approved_document_in_a_locked_period_is_refused(sandbox, raw, uk):
    invoice = document(raw)
    set_lock_dates(sandbox, uk.tenant_id, EndOfYearLockDate="2026-11-30")
    answer = raw.call(
        "POST",
        "/Invoices/%s" % invoice["InvoiceID"],
        json={"Invoices": [{"Status": "VOIDED"}]},
    )
    assert answer.status_code == 400
    assert messages(answer) == [YEAR_LOCKED + "30-Nov-2026"]
    assert read(raw, "Invoices", invoice["InvoiceID"])["Status"] == "AUTHORISED"


# -- 4. allocations --------------------------------------------------------------------------
def allocate(raw, credit, *allocations, summarize=True):
    return raw.call(
        "PUT",
        "/CreditNotes/%s/Allocations" % credit["CreditNoteID"],
        params={} if summarize else {"summarizeErrors": "false"},
        json={
            "Allocations": [
                {
                    "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                    "Amount": amount,
                    "Date": "2026-11-20",
                }
                for invoice, amount in allocations
            ]
        },
    )


def test_allocations_of_another_currency_or_type_are_refused(raw):
    contact_id = contact(raw)
    credit = document(raw, "CreditNotes", "ACCRECCREDIT", 50, contact_id)
    euro_invoice = document(raw, contact_id=contact_id, CurrencyCode="EUR", CurrencyRate=1.2)
    bill = document(raw, kind="ACCPAY", contact_id=contact_id, InvoiceNumber="B-1")
    currency = allocate(raw, credit, (euro_invoice, 10))
    assert currency.status_code == 400
    assert messages(currency) == [
        "Credit Note cannot be allocated to an invoice in another currency (EUR, not GBP)"
    ]
    kind = allocate(raw, credit, (bill, 10))
    assert kind.status_code == 400
    assert messages(kind) == ["Credit Note cannot be allocated to an incorrect invoice type"]


def test_allocations_beyond_the_credit_or_the_amount_due_are_refused(raw):
    contact_id = contact(raw)
    credit = document(raw, "CreditNotes", "ACCRECCREDIT", 50, contact_id)
    small_invoice = document(raw, contact_id=contact_id, total=20)
    large_invoice = document(raw, contact_id=contact_id, total=500)
    for invoice, amount in ((small_invoice, 20.01), (large_invoice, 50.01)):
        answer = allocate(raw, credit, (invoice, amount))
        assert answer.status_code == 400
        assert messages(answer) == [
            "Credit Note cannot be allocated as amount is greater than amount outstanding"
        ]
    assert read(raw, "CreditNotes", credit["CreditNoteID"])["RemainingCredit"] == 50


def test_allocations_with_summarize_errors_false_answer_per_element(raw):
    contact_id = contact(raw)
    credit = document(raw, "CreditNotes", "ACCRECCREDIT", 50, contact_id)
    first, second = (document(raw, contact_id=contact_id, total=30) for _ in range(2))
    answer = allocate(raw, credit, (first, 30), (second, 30), summarize=False)
    assert answer.status_code == 200, answer.text
    good, refused = answer.json()["Allocations"]
    assert good["Amount"] == 30 and good.get("AllocationID")
    assert refused["StatusAttributeString"] == "ERROR"
    assert [e["Message"] for e in refused["ValidationErrors"]] == [
        "Credit Note cannot be allocated as amount is greater than amount outstanding"
    ]
    assert read(raw, "CreditNotes", credit["CreditNoteID"])["RemainingCredit"] == 20
    assert read(raw, "Invoices", first["InvoiceID"])["Status"] == "PAID"
    assert read(raw, "Invoices", second["InvoiceID"])["AmountDue"] == 30


# -- 6. Xero's words on refusals -------------------------------------------------------------
def test_payments_are_refused_in_xeros_words(raw):
    draft = document(raw, Status="DRAFT")
    assert messages(pay(raw, draft, 10)) == [
        "Payments can only be made against Authorised documents"
    ]
    invoice = document(raw)
    assert messages(pay(raw, invoice, 10, Account={"Code": "200"})) == [
        "Account type is invalid for making a payment to/from"
    ]
    assert messages(pay(raw, invoice, 100.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]


# -- 8. never stricter than Xero -------------------------------------------------------------
def test_a_payment_may_name_its_document_by_number_at_the_top(raw):
    contact_id = contact(raw)
    invoice = document(raw, contact_id=contact_id, InvoiceNumber="INV-TOP-1")
    credit = document(
        raw, "CreditNotes", "ACCRECCREDIT", 15, contact_id, CreditNoteNumber="CN-TOP-1"
    )
    answer = raw.call(
        "PUT",
        "/Payments",
        json={
            "Payments": [
                {"InvoiceNumber": "INV-TOP-1", "Account": {"Code": BANK}, "Amount": 25},
                {"CreditNoteNumber": "CN-TOP-1", "Account": {"Code": BANK}, "Amount": 15},
            ]
        },
    )
    assert answer.status_code == 200, answer.text
    assert read(raw, "Invoices", invoice["InvoiceID"])["AmountDue"] == 75
    assert read(raw, "CreditNotes", credit["CreditNoteID"])["RemainingCredit"] == 0
    single = raw.call(
        "PUT",
        "/Payments",
        json={"InvoiceNumber": "INV-TOP-1", "Account": {"Code": BANK}, "Amount": 5},
    )
    assert single.status_code == 200, single.text
    assert read(raw, "Invoices", invoice["InvoiceID"])["AmountDue"] == 70
