"""Batch writes: summarizeErrors, partial failure, unknown IDs, PUT that only creates, and
Idempotency-Key replays and expiry."""

import pytest
import requests

from xero_sandbox import Sandbox


def contacts(*names, **extra):
    return {"Contacts": [dict({"Name": name}, **extra) for name in names]}


def test_batch_with_summarize_errors_false_applies_the_valid_elements(raw, uk):
    body = {
        "Contacts": [
            {"Name": "Good One"},
            {"Name": "Bad Email", "EmailAddress": "nope"},
            {"Name": "Good Two"},
        ]
    }
    answer = raw.call("POST", "/Contacts", params={"summarizeErrors": "false"}, json=body)
    assert answer.status_code == 200
    elements = answer.json()["Contacts"]
    assert [e["StatusAttributeString"] for e in elements] == ["OK", "ERROR", "OK"]
    assert elements[1]["HasValidationErrors"] is True
    assert elements[1]["ValidationErrors"] == [{"Message": "Email address must be valid."}]
    assert sorted(c["Name"] for c in uk.all("Contacts")) == ["Good One", "Good Two"]


def test_batch_with_summarized_errors_applies_nothing(raw, uk):
    body = {"Contacts": [{"Name": "Good"}, {"Name": "Bad", "EmailAddress": "x@"}]}
    answer = raw.call("PUT", "/Contacts", json=body)
    assert answer.status_code == 400
    error = answer.json()
    assert error["Type"] == "ValidationException"
    assert error["Elements"][0]["ValidationErrors"] == []
    assert error["Elements"][1]["ValidationErrors"][0]["Message"] == "Email address must be valid."
    assert uk.all("Contacts") == []


def test_contact_names_are_unique(raw, uk):
    raw.call("PUT", "/Contacts", json=contacts("Acme"))
    clash = raw.call(
        "PUT", "/Contacts", params={"summarizeErrors": "false"}, json=contacts("acme ")
    )
    assert (
        "already assigned to another contact"
        in clash.json()["Contacts"][0]["ValidationErrors"][0]["Message"]
    )
    assert len(uk.all("Contacts")) == 1


def test_post_with_an_existing_name_updates_that_contact(raw, uk):
    raw.call("PUT", "/Contacts", json=contacts("Acme"))
    raw.call("POST", "/Contacts", json=contacts("Acme", EmailAddress="ap@acme.example"))
    assert [(c["Name"], c.get("EmailAddress")) for c in uk.all("Contacts")] == [
        ("Acme", "ap@acme.example")
    ]


def test_invoice_batch_keeps_the_good_ones_when_one_line_is_wrong(raw, uk):
    good = {
        "Type": "ACCPAY",
        "Contact": {"Name": "Supplier"},
        "Status": "DRAFT",
        "LineItems": [
            {
                "Description": "Paper",
                "Quantity": 1,
                "UnitAmount": 10,
                "AccountCode": "429",
                "TaxType": "INPUT2",
            }
        ],
    }
    bad = dict(good, LineItems=[dict(good["LineItems"][0], TaxType="NOPE")])
    answer = raw.call(
        "PUT",
        "/Invoices",
        params={"summarizeErrors": "false"},
        json={"Invoices": [good, bad, good]},
    )
    statuses = [i["StatusAttributeString"] for i in answer.json()["Invoices"]]
    assert statuses == ["OK", "ERROR", "OK"]
    assert "TaxType code 'NOPE'" in answer.json()["Invoices"][1]["ValidationErrors"][0]["Message"]
    assert len(uk.all("Invoices")) == 2
    assert len(uk.all("Contacts")) == 1


def test_idempotent_replay_returns_the_first_answer_and_creates_nothing(raw, uk):
    headers = {"Idempotency-Key": "partner-42-rev-1"}
    first = raw.call("PUT", "/Contacts", json=contacts("Once Only"), headers=headers)
    second = raw.call("PUT", "/Contacts", json=contacts("Once Only"), headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(uk.all("Contacts")) == 1


def test_idempotency_key_reused_for_another_request_is_refused(raw, uk):
    headers = {"Idempotency-Key": "k-1"}
    raw.call("PUT", "/Contacts", json=contacts("First"), headers=headers)
    other = raw.call("PUT", "/Contacts", json=contacts("Second"), headers=headers)
    assert other.status_code == 400
    assert [c["Name"] for c in uk.all("Contacts")] == ["First"]


def test_idempotency_key_longer_than_128_characters_is_refused(raw, uk):
    answer = raw.call(
        "PUT", "/Contacts", json=contacts("X"), headers={"Idempotency-Key": "k" * 129}
    )
    assert answer.status_code == 400
    assert uk.all("Contacts") == []


def test_paging_and_if_modified_since(raw, sandbox):
    raw.call("PUT", "/Contacts", json=contacts(*["C%03d" % i for i in range(150)]))
    first = raw.call("GET", "/Contacts", params={"page": 1}).json()
    second = raw.call("GET", "/Contacts", params={"page": 2}).json()
    assert len(first["Contacts"]) == 100 and len(second["Contacts"]) == 50
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 2, "itemCount": 150}
    sandbox.clock.advance(5)
    since = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    sandbox.clock.advance(5)
    c001 = next(c for c in first["Contacts"] if c["Name"] == "C001")
    raw.call(
        "POST",
        "/Contacts/" + c001["ContactID"],
        json={"Contacts": [{"EmailAddress": "c1@example.com"}]},
    )
    changed = raw.call("GET", "/Contacts", headers={"If-Modified-Since": since}).json()
    assert [c["Name"] for c in changed["Contacts"]] == ["C001"]


def test_where_filters_and_id_lists(raw):
    created = raw.call(
        "PUT",
        "/Contacts",
        json={
            "Contacts": [
                {"Name": "Alpha", "EmailAddress": "a@x.example", "TaxNumber": "GB123"},
                {"Name": "Beta", "EmailAddress": "b@x.example"},
            ]
        },
    ).json()["Contacts"]
    by_email = raw.call("GET", "/Contacts", params={"where": 'EmailAddress=="A@X.EXAMPLE"'})
    assert [c["Name"] for c in by_email.json()["Contacts"]] == ["Alpha"]
    by_tax = raw.call(
        "GET", "/Contacts", params={"where": 'TaxNumber!=null AND Name.StartsWith("Al")'}
    )
    assert [c["Name"] for c in by_tax.json()["Contacts"]] == ["Alpha"]
    by_id = raw.call("GET", "/Contacts", params={"IDs": created[1]["ContactID"]})
    assert [c["Name"] for c in by_id.json()["Contacts"]] == ["Beta"]


# -- unknown IDs ------------------------------------------------------------------------------
UNKNOWN_ID = "5b0e6ca5-9a3e-4c1f-a1a4-0d2e7c2f4b11"
LINE = {"Description": "Work", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}
PURCHASE_LINE = dict(LINE, AccountCode="300")
NEW_ELEMENTS = {
    "Contacts": {"Name": "Acme"},
    "Invoices": {
        "Type": "ACCREC",
        "InvoiceNumber": "INV-900",
        "Contact": {"Name": "Buyer"},
        "LineItems": [LINE],
    },
    "CreditNotes": {
        "Type": "ACCRECCREDIT",
        "CreditNoteNumber": "CN-900",
        "Contact": {"Name": "Buyer"},
        "LineItems": [LINE],
    },
    "PurchaseOrders": {
        "PurchaseOrderNumber": "PO-900",
        "Contact": {"Name": "Supplier"},
        "LineItems": [PURCHASE_LINE],
    },
    "Items": {"Code": "WIDGET", "Name": "Widget"},
}
ID_FIELDS = {
    "Contacts": ("ContactID", "Contact"),
    "Invoices": ("InvoiceID", "Invoice"),
    "CreditNotes": ("CreditNoteID", "Credit Note"),
    "PurchaseOrders": ("PurchaseOrderID", "Purchase Order"),
    "Items": ("ItemID", "Item"),
}
ENDPOINTS = sorted(NEW_ELEMENTS)


def messages(element):
    return [error["Message"] for error in element.get("ValidationErrors", [])]


def one_by_one(raw, method, endpoint, element):
    """The single element Xero answers with summarizeErrors=false."""
    answer = raw.call(
        method, "/" + endpoint, params={"summarizeErrors": "false"}, json={endpoint: [element]}
    )
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()[endpoint][0]


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_element_naming_an_unknown_id_gets_xeros_message(raw, uk, endpoint, method):
    id_field, label = ID_FIELDS[endpoint]
    element = dict(NEW_ELEMENTS[endpoint], **{id_field: UNKNOWN_ID})
    refused = one_by_one(raw, method, endpoint, element)
    expected = "An existing %s with the specified %s could not be found" % (label, id_field)
    assert refused["StatusAttributeString"] == "ERROR"
    assert messages(refused) == [expected]
    summarized = raw.call(method, "/" + endpoint, json={endpoint: [element]})
    assert summarized.status_code == 400
    assert summarized.json()["Elements"][0]["ValidationErrors"] == [{"Message": expected}]
    assert uk.all(endpoint) == []


def test_a_document_naming_an_unknown_contact_is_refused(raw, uk):
    element = dict(NEW_ELEMENTS["Invoices"], Contact={"ContactID": UNKNOWN_ID})
    refused = one_by_one(raw, "PUT", "Invoices", element)
    assert messages(refused) == ["The Contact with the specified ContactID could not be found"]
    assert uk.all("Invoices") == [] and uk.all("Contacts") == []


# -- PUT creates, never updates ---------------------------------------------------------------
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_put_with_an_existing_id_is_refused_and_changes_nothing(raw, uk, endpoint):
    id_field, label = ID_FIELDS[endpoint]
    created = one_by_one(raw, "PUT", endpoint, NEW_ELEMENTS[endpoint])
    before = uk.all(endpoint)
    again = dict(NEW_ELEMENTS[endpoint], **{id_field: created[id_field]})
    again.pop("Name" if endpoint == "Contacts" else "LineItems", None)
    again["Reference" if endpoint != "Contacts" else "EmailAddress"] = "changed@example.com"
    refused = one_by_one(raw, "PUT", endpoint, again)
    assert messages(refused) == [
        "The %s with the specified %s already exists. Use POST to update it." % (label, id_field)
    ]
    assert uk.all(endpoint) == before


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (
            "Contacts",
            "The contact name Acme is already assigned to another contact. The contact name "
            "must be unique across all active contacts.",
        ),
        ("Invoices", "Invoice # must be unique."),
        ("CreditNotes", "Credit Note # must be unique."),
        ("PurchaseOrders", "Order number must be unique"),
        ("Items", "Price List Item with Code 'WIDGET' already exists"),
    ],
)
def test_put_with_an_existing_number_or_name_is_refused(raw, uk, endpoint, expected):
    one_by_one(raw, "PUT", endpoint, NEW_ELEMENTS[endpoint])
    before = uk.all(endpoint)
    refused = one_by_one(raw, "PUT", endpoint, NEW_ELEMENTS[endpoint])
    assert messages(refused) == [expected]
    assert uk.all(endpoint) == before


def test_put_with_an_existing_contact_number_is_refused(raw, uk):
    one_by_one(raw, "PUT", "Contacts", {"Name": "Acme", "ContactNumber": "C-1"})
    refused = one_by_one(raw, "PUT", "Contacts", {"Name": "Other", "ContactNumber": "C-1"})
    assert messages(refused) == [
        "Another contact has this contact number. Please enter a different contact number."
    ]
    assert [c["Name"] for c in uk.all("Contacts")] == ["Acme"]


def test_supplier_bill_and_credit_numbers_may_repeat(raw, uk):
    bill = dict(NEW_ELEMENTS["Invoices"], Type="ACCPAY", LineItems=[PURCHASE_LINE])
    credit = dict(NEW_ELEMENTS["CreditNotes"], Type="ACCPAYCREDIT", LineItems=bill["LineItems"])
    for endpoint, element in (("Invoices", bill), ("CreditNotes", credit)):
        for _ in range(2):
            assert one_by_one(raw, "PUT", endpoint, element)["StatusAttributeString"] == "OK"
    assert len(uk.all("Invoices")) == len(uk.all("CreditNotes")) == 2


def test_post_with_an_existing_item_code_updates_that_item(raw, uk):
    one_by_one(raw, "PUT", "Items", NEW_ELEMENTS["Items"])
    one_by_one(raw, "POST", "Items", {"Code": "WIDGET", "Name": "Better widget"})
    assert [i["Name"] for i in uk.all("Items")] == ["Better widget"]


def test_account_numbers_are_unique_among_contacts(raw, uk):
    one_by_one(raw, "PUT", "Contacts", {"Name": "Acme", "AccountNumber": "A-1"})
    refused = one_by_one(raw, "PUT", "Contacts", {"Name": "Other", "AccountNumber": "A-1"})
    assert messages(refused) == [
        "The Account Number already exists. Please enter a different Account Number."
    ]


# -- idempotency keys expire ------------------------------------------------------------------
def test_idempotency_keys_are_forgotten_after_the_configured_time(raw, sandbox, uk):
    sandbox.clock.set_speed(0)  # 59 s and 61 s exactly, however slow the machine
    limits = requests.put(
        sandbox.url + "/sandbox/limits", json={"idempotency_seconds": 60}, timeout=5
    )
    assert limits.json()["idempotency_seconds"] == 60
    bill = {
        "Type": "ACCPAY",
        "Contact": {"Name": "Supplier"},
        "InvoiceNumber": "S-1",
        "LineItems": [PURCHASE_LINE],
    }
    headers = {"Idempotency-Key": "bill-7-rev-1"}
    first = raw.call("PUT", "/Invoices", json={"Invoices": [bill]}, headers=headers)
    sandbox.clock.advance(59)
    within = raw.call("PUT", "/Invoices", json={"Invoices": [bill]}, headers=headers)
    assert within.headers.get("Idempotency-Replayed") == "true"
    assert within.json() == first.json()
    sandbox.clock.advance(2)
    late = raw.call("PUT", "/Invoices", json={"Invoices": [bill]}, headers=headers)
    assert "Idempotency-Replayed" not in late.headers
    # Bill numbers may repeat: a retry after the key is forgotten makes a duplicate bill.
    assert late.json()["Invoices"][0]["InvoiceID"] != first.json()["Invoices"][0]["InvoiceID"]
    assert len(uk.all("Invoices")) == 2


def test_a_late_retry_of_a_contact_meets_the_unique_name_rule(raw, sandbox, uk):
    sandbox.actions.set_limits({"idempotency_seconds": 60})
    headers = {"Idempotency-Key": "partner-9-rev-1"}
    raw.call("PUT", "/Contacts", json=contacts("Late Ltd"), headers=headers)
    sandbox.clock.advance(61)
    late = raw.call("PUT", "/Contacts", json=contacts("Late Ltd"), headers=headers)
    assert late.status_code == 400
    assert "already assigned to another contact" in str(late.json()["Elements"])
    assert len(uk.all("Contacts")) == 1


def test_a_shorter_expiry_applies_to_keys_remembered_after_it(raw, sandbox, uk):
    raw.call("PUT", "/Contacts", json=contacts("Early"), headers={"Idempotency-Key": "early"})
    sandbox.actions.set_limits({"idempotency_seconds": 10})
    bill = {"Type": "ACCPAY", "Contact": {"Name": "Supplier"}, "LineItems": [PURCHASE_LINE]}
    headers = {"Idempotency-Key": "later"}
    first = raw.call("PUT", "/Invoices", json={"Invoices": [bill]}, headers=headers)
    assert first.status_code == 200, first.text[:300]
    sandbox.clock.advance(20)
    again = raw.call("PUT", "/Invoices", json={"Invoices": [bill]}, headers=headers)
    assert "Idempotency-Replayed" not in again.headers
    assert len(uk.all("Invoices")) == 2
    early = raw.call(
        "PUT", "/Contacts", json=contacts("Early"), headers={"Idempotency-Key": "early"}
    )
    assert early.headers.get("Idempotency-Replayed") == "true"


def test_the_default_expiry_is_minutes_and_the_constructor_sets_it(sandbox):
    assert sandbox.actions.limits()["idempotency_seconds"] == 300
    other = Sandbox(idempotency_seconds=30)
    assert other.actions.limits()["idempotency_seconds"] == 30
    other.actions.set_limits({"idempotency_seconds": 5})
    other.reset()
    assert other.actions.limits()["idempotency_seconds"] == 30


def test_a_note_for_an_unknown_document_gets_xeros_history_error(raw):
    answer = raw.call(
        "PUT",
        "/Invoices/%s/History" % UNKNOWN_ID,
        json={"HistoryRecords": [{"Details": "Called the customer"}]},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert (body["ErrorNumber"], body["Type"]) == (10, "ValidationException")
    assert body["Elements"] == [
        {
            "Details": "Called the customer",
            "ValidationErrors": [
                {"Message": "The document with the supplied id was not found for this endpoint."}
            ],
        }
    ]
