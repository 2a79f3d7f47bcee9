"""Tests of xero_sandbox.spec: routing and validation against the official OpenAPI files."""

import json
import time
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from xero_python.accounting import Account as XeroAccount
from xero_python.accounting import (
    AccountingApi,
    Address,
    BankTransaction,
    BankTransactions,
    Contact,
    Contacts,
    CreditNote,
    CreditNotes,
    CurrencyCode,
    Invoice,
    Invoices,
    Item,
    Items,
    LineAmountTypes,
    LineItem,
    LineItemTracking,
    Payment,
    Payments,
    Phone,
    Purchase,
    PurchaseOrder,
    PurchaseOrders,
)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.api_client.serializer import serialize

from xero_sandbox import spec
from xero_sandbox.spec import SpecError, SpecValidator, get_validator

TENANT = {"xero-tenant-id": "9a1c0e0e-4d5b-4f34-a0a3-2f5a3a6a7b11"}
JSON = "application/json"
CONTACT_ID = "0b1e2a3c-1111-2222-3333-444455556666"
INVOICE_ID = "6c2f6a5e-0d4b-4c41-9a8e-3f1b2c3d4e5f"
ACCOUNT_ID = "ebd06280-af70-4bed-97c6-7451a454ad85"


@pytest.fixture(scope="module")
def validator():
    return get_validator()


def request_errors(validator, method, path, body=None, query=None, headers=TENANT, ctype=JSON):
    """The SpecError message for a request, or None when it validates."""
    op = validator.match("accounting", method, path)
    assert op is not None, f"{method} {path} did not match"
    raw = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    try:
        validator.validate_request(op, query or {}, headers, raw, ctype if raw else None)
    except SpecError as error:
        return error.message
    return None


# --- Matching --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "template"),
    [
        ("PUT", "/Contacts", "createContacts", "/Contacts"),
        ("GET", f"/Invoices/{INVOICE_ID}/pdf", "getInvoiceAsPdf", "/Invoices/{InvoiceID}/pdf"),
        (
            "GET",
            f"/Invoices/{INVOICE_ID}/History",
            "getInvoiceHistory",
            "/Invoices/{InvoiceID}/History",
        ),
        ("GET", "/Reports/BalanceSheet", "getReportBalanceSheet", "/Reports/BalanceSheet"),
        ("GET", "/Reports/some-report-id", "getReportFromId", "/Reports/{ReportID}"),
        ("GET", f"/Contacts/{CONTACT_ID}", "getContact", "/Contacts/{ContactID}"),
        ("GET", "/Contacts/CUST-001", "getContactByContactNumber", "/Contacts/{ContactNumber}"),
        ("POST", "/Contacts/CUST-001", "updateContact", "/Contacts/{ContactID}"),
        ("GET", "/Journals/42", "getJournalByNumber", "/Journals/{JournalNumber}"),
        ("GET", f"/Journals/{CONTACT_ID}", "getJournal", "/Journals/{JournalID}"),
        (
            "GET",
            f"/Invoices/{INVOICE_ID}/Attachments/{CONTACT_ID}",
            "getInvoiceAttachmentById",
            "/Invoices/{InvoiceID}/Attachments/{AttachmentID}",
        ),
        (
            "GET",
            f"/Invoices/{INVOICE_ID}/Attachments/scan.pdf",
            "getInvoiceAttachmentByFileName",
            "/Invoices/{InvoiceID}/Attachments/{FileName}",
        ),
    ],
)
def test_match_prefers_literals_then_typed_parameters(
    validator, method, path, operation_id, template
):
    op = validator.match("accounting", method, path)
    assert (op.operation_id, op.path_template, op.api) == (operation_id, template, "accounting")


def test_match_extracts_path_params(validator):
    op = validator.match("accounting", "GET", f"/Contacts/{CONTACT_ID}")
    assert op.path_params == {"ContactID": CONTACT_ID}
    assert op.method == "GET"


def test_match_is_case_insensitive_and_tolerant(validator):
    assert validator.match("accounting", "get", "/contacts").operation_id == "getContacts"
    assert validator.match("accounting", "GET", "/CONTACTS/").operation_id == "getContacts"
    assert validator.match("accounting", "GET", "/api.xro/2.0/Contacts").operation_id == (
        "getContacts"
    )
    op = validator.match("accounting", "GET", f"/invoices/{INVOICE_ID}/PDF")
    assert op.operation_id == "getInvoiceAsPdf"


def test_match_unknown_path_or_method_is_none(validator):
    assert validator.match("accounting", "GET", "/NoSuchThing") is None
    assert validator.match("accounting", "GET", "/Contacts/a/b/c/d") is None
    assert validator.match("accounting", "PATCH", "/Contacts") is None
    assert validator.match("accounting", "DELETE", "/Contacts") is None
    assert validator.allowed_methods("accounting", "/Contacts") == ["GET", "PUT", "POST"]
    assert validator.allowed_methods("accounting", "/NoSuchThing") == []


def test_match_identity_connections(validator):
    op = validator.match("identity", "GET", "/connections")
    assert (op.operation_id, op.api, op.path_template) == (
        "getConnections",
        "identity",
        "/Connections",
    )
    op = validator.match("identity", "DELETE", f"/Connections/{CONTACT_ID}")
    assert op.operation_id == "deleteConnection"
    assert op.path_params == {"id": CONTACT_ID}
    assert validator.match("identity", "POST", "/connections") is None


# --- Requests sent by the official SDK -------------------------------------------------------


class _FakeUrllib3Response:
    status = 200
    reason = "OK"

    def __init__(self, data):
        self.data = data

    def getheaders(self):
        return {"Content-Type": JSON}

    def getheader(self, name, default=None):
        return self.getheaders().get(name, default)


class _RecordingPool:
    """Stands in for urllib3's pool manager: records what the SDK would send."""

    def __init__(self):
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        return _FakeUrllib3Response(b"{}")


@pytest.fixture
def sdk():
    token = {
        "access_token": "token",
        "refresh_token": "refresh",
        "token_type": "Bearer",
        "expires_in": 1800,
        "expires_at": time.time() + 1800,
        "scope": ["accounting.transactions"],
    }
    client = ApiClient(
        Configuration(oauth2_token=OAuth2Token(client_id="id", client_secret="secret")),
        oauth2_token_getter=lambda: token,
        oauth2_token_saver=lambda new_token: None,
    )
    client.rest_client.pool_manager = _RecordingPool()
    return AccountingApi(client)


def validate_sdk_call(validator, sdk):
    """Validate the last request the SDK sent; return its operation id."""
    method, url, kwargs = sdk.api_client.rest_client.pool_manager.calls[-1]
    parts = urlsplit(url)
    assert parts.path.startswith(spec.ACCOUNTING_PREFIX)
    query = parse_qs(parts.query, keep_blank_values=True)
    for name, value in kwargs.get("fields") or ():  # GET: urllib3 encodes the fields
        query.setdefault(name, []).append(str(value))
    headers = kwargs["headers"]
    body = kwargs.get("body")
    op = validator.match("accounting", method, parts.path)
    validator.validate_request(
        op, query, headers, body.encode() if body else None, headers.get("Content-Type")
    )
    return op.operation_id


def _line_item(**extra):
    return LineItem(
        description="Consulting",
        quantity=Decimal("2.5"),
        unit_amount=Decimal("120.10"),
        account_code="200",
        tax_type="OUTPUT",
        tracking=[LineItemTracking(name="Region", option="North")],
        **extra,
    )


def test_sdk_create_contacts(validator, sdk):
    contacts = Contacts(
        contacts=[
            Contact(
                name="A",
                email_address="a@b.c",
                addresses=[Address(address_type="POBOX", city="X")],
                phones=[Phone(phone_type="MOBILE", phone_number="0600")],
                is_customer=True,
            )
        ]
    )
    sdk.create_contacts(TENANT["xero-tenant-id"], contacts, summarize_errors=True)
    assert validate_sdk_call(validator, sdk) == "createContacts"


def test_sdk_update_or_create_invoices(validator, sdk):
    invoice = Invoice(
        type="ACCREC",
        contact=Contact(contact_id=CONTACT_ID),
        date=date(2024, 1, 31),
        due_date=date(2024, 2, 29),
        line_items=[_line_item(discount_rate=Decimal(10))],
        line_amount_types=LineAmountTypes.EXCLUSIVE,
        currency_code=CurrencyCode.EUR,
        reference="SO-1",
        status="AUTHORISED",
        currency_rate=Decimal("1.1"),
    )
    sdk.update_or_create_invoices(
        TENANT["xero-tenant-id"],
        Invoices(invoices=[invoice]),
        summarize_errors=False,
        unitdp=4,
        idempotency_key="key-1",
    )
    assert validate_sdk_call(validator, sdk) == "updateOrCreateInvoices"


def test_sdk_create_purchase_orders(validator, sdk):
    order = PurchaseOrder(
        contact=Contact(contact_id=CONTACT_ID),
        date=date(2024, 1, 31),
        delivery_date=date(2024, 2, 10),
        line_items=[_line_item()],
        status="DRAFT",
        currency_code=CurrencyCode.USD,
    )
    sdk.create_purchase_orders(TENANT["xero-tenant-id"], PurchaseOrders(purchase_orders=[order]))
    assert validate_sdk_call(validator, sdk) == "createPurchaseOrders"


def test_sdk_create_credit_notes(validator, sdk):
    note = CreditNote(
        type="ACCRECCREDIT",
        contact=Contact(contact_id=CONTACT_ID),
        date=date(2024, 1, 31),
        line_items=[_line_item()],
        line_amount_types=LineAmountTypes.INCLUSIVE,
        status="DRAFT",
    )
    sdk.create_credit_notes(TENANT["xero-tenant-id"], CreditNotes(credit_notes=[note]), unitdp=4)
    assert validate_sdk_call(validator, sdk) == "createCreditNotes"


def _payment():
    return Payment(
        invoice=Invoice(invoice_id=INVOICE_ID),
        account=XeroAccount(code="090"),
        date=date(2024, 2, 1),
        amount=Decimal("300.25"),
        reference="Bank transfer",
    )


def test_sdk_create_payment_and_payments(validator, sdk):
    sdk.create_payment(TENANT["xero-tenant-id"], _payment())
    assert validate_sdk_call(validator, sdk) == "createPayment"
    sdk.create_payments(TENANT["xero-tenant-id"], Payments(payments=[_payment()]))
    assert validate_sdk_call(validator, sdk) == "createPayments"


def test_sdk_create_items(validator, sdk):
    item = Item(
        code="SKU-1",
        name="Widget",
        description="A widget",
        sales_details=Purchase(unit_price=Decimal("9.99"), account_code="200", tax_type="OUTPUT"),
        purchase_details=Purchase(unit_price=Decimal(5), account_code="300"),
        is_tracked_as_inventory=False,
    )
    sdk.create_items(TENANT["xero-tenant-id"], Items(items=[item]), summarize_errors=True)
    assert validate_sdk_call(validator, sdk) == "createItems"


def test_sdk_create_bank_transactions(validator, sdk):
    transaction = BankTransaction(
        type="SPEND",
        contact=Contact(contact_id=CONTACT_ID),
        line_items=[_line_item()],
        bank_account=XeroAccount(account_id=ACCOUNT_ID),
        date=date(2024, 1, 31),
    )
    sdk.create_bank_transactions(
        TENANT["xero-tenant-id"], BankTransactions(bank_transactions=[transaction])
    )
    assert validate_sdk_call(validator, sdk) == "createBankTransactions"


def test_sdk_get_invoices_query_and_headers(validator, sdk):
    sdk.get_invoices(
        TENANT["xero-tenant-id"],
        if_modified_since=datetime(2024, 1, 2, 3, 4, 5),
        i_ds=[INVOICE_ID, CONTACT_ID],
        statuses=["DRAFT", "AUTHORISED"],
        page=2,
        include_archived=True,
        summary_only=False,
    )
    assert validate_sdk_call(validator, sdk) == "getInvoices"


def test_sdk_serialized_model_validates_directly(validator):
    body = serialize(Contacts(contacts=[Contact(name="A", email_address="a@b.c")]))
    assert request_errors(validator, "PUT", "/Contacts", body) is None


# --- Request errors --------------------------------------------------------------------------


def test_wrong_type_is_reported_with_its_path(validator):
    body = {"Contacts": [{"Name": "A", "EmailAddress": 12}]}
    message = request_errors(validator, "PUT", "/Contacts", body)
    assert message == "Contacts[0].EmailAddress: 12 is not of type 'string'"


def test_bad_enum_is_reported(validator):
    body = {"Invoices": [{"Type": "ACCREC", "Status": "FOO"}]}
    message = request_errors(validator, "POST", "/Invoices", body)
    assert message.startswith("Invoices[0].Status: 'FOO' is not one of ['DRAFT'")


def test_nested_errors_are_all_reported_in_document_order(validator):
    body = {
        "Invoices": [
            {"Type": "NOPE", "LineItems": [{"Quantity": "two", "AccountCode": 200}]},
            {"Contact": {"ContactID": "not-a-uuid"}},
        ]
    }
    op = validator.match("accounting", "PUT", "/Invoices")
    with pytest.raises(SpecError) as caught:
        validator.validate_request(op, {}, TENANT, json.dumps(body).encode(), JSON)
    assert [error.split(":")[0] for error in caught.value.errors] == [
        "Invoices[0].Type",
        "Invoices[0].LineItems[0].Quantity",
        "Invoices[0].LineItems[0].AccountCode",
        "Invoices[1].Contact.ContactID",
    ]
    assert "'not-a-uuid' is not a 'uuid'" in caught.value.message


def test_many_errors_are_capped_in_the_message(validator):
    body = {"Contacts": [{"Name": index} for index in range(8)]}
    op = validator.match("accounting", "PUT", "/Contacts")
    with pytest.raises(SpecError) as caught:
        validator.validate_request(op, {}, TENANT, json.dumps(body).encode(), JSON)
    assert len(caught.value.errors) == 8
    assert caught.value.message.endswith("(and 3 more)")


def test_required_property_is_reported(validator):
    message = request_errors(validator, "PUT", "/Items", {"Items": [{"Name": "No code"}]})
    assert message == "Items[0]: 'Code' is a required property"


def test_missing_required_header(validator):
    message = request_errors(validator, "GET", "/Contacts", headers={})
    assert message == "missing required header 'xero-tenant-id'"
    message = request_errors(validator, "GET", "/Contacts", headers={"xero-tenant-id": ""})
    assert message == "missing required header 'xero-tenant-id'"


def test_headers_are_case_insensitive(validator):
    assert request_errors(validator, "GET", "/Contacts", headers={"Xero-Tenant-Id": "t"}) is None


def test_missing_required_body(validator):
    assert request_errors(validator, "PUT", "/Contacts") == "missing required request body"
    assert request_errors(validator, "PUT", "/Contacts", b"") == "missing required request body"


def test_bad_query_type(validator):
    message = request_errors(validator, "GET", "/Contacts", query={"page": ["abc"]})
    assert message == "query parameter 'page': 'abc' is not of type 'integer'"
    message = request_errors(validator, "PUT", "/Contacts", {}, query={"summarizeErrors": ["y"]})
    assert message == "query parameter 'summarizeErrors': 'y' is not of type 'boolean'"


def test_query_values_are_coerced(validator):
    query = {
        "page": ["3"],
        "includeArchived": ["True"],
        "summaryOnly": ["false"],
        "IDs": [f"{CONTACT_ID},{INVOICE_ID}"],
        "where": ['Name=="A"'],
        "unknownParameter": ["ignored"],
    }
    assert request_errors(validator, "GET", "/Contacts", query=query) is None
    assert request_errors(validator, "GET", "/Contacts", query={"PAGE": ["x"]}) is not None


def test_query_uuid_array_and_enum(validator):
    message = request_errors(validator, "GET", "/Contacts", query={"IDs": [f"{CONTACT_ID},nope"]})
    assert message == "query parameter 'IDs': 'nope' is not a 'uuid'"
    message = request_errors(validator, "GET", "/PurchaseOrders", query={"Status": ["OPEN"]})
    assert message.startswith("query parameter 'Status': 'OPEN' is not one of ['DRAFT'")


def test_required_query_parameter(validator):
    path = "/Reports/AgedReceivablesByContact"
    message = request_errors(validator, "GET", path)
    assert message == "missing required query parameter 'contactId'"
    query = {"contactId": [CONTACT_ID], "date": ["2024-01-31"], "fromDate": ["2024-01-01"]}
    assert request_errors(validator, "GET", path, query=query) is None
    query = {"contactId": [CONTACT_ID], "date": ["31/01/2024"]}
    assert "query parameter 'date': '31/01/2024' is not a date" in request_errors(
        validator, "GET", path, query=query
    )


def test_if_modified_since_formats(validator):
    for value in ("2024-01-02T03:04:05", "Wed, 21 Oct 2015 07:28:00 GMT", "2024-01-02"):
        headers = {**TENANT, "If-Modified-Since": value}
        assert request_errors(validator, "GET", "/Invoices", headers=headers) is None
    headers = {**TENANT, "If-Modified-Since": "yesterday"}
    assert request_errors(validator, "GET", "/Invoices", headers=headers).startswith(
        "header 'If-Modified-Since': 'yesterday' is not a date"
    )


def test_bad_path_parameter(validator):
    message = request_errors(validator, "POST", "/Contacts/CUST-001", {"Contacts": []})
    assert message == "path parameter 'ContactID': 'CUST-001' is not a 'uuid'"


def test_invalid_json_and_content_type(validator):
    message = request_errors(validator, "PUT", "/Contacts", b"{nope")
    assert message.startswith("request body is not valid JSON")
    message = request_errors(validator, "PUT", "/Contacts", b"<Contacts/>", ctype="text/xml")
    assert message == "unsupported content type 'text/xml' (expected application/json)"
    assert (
        request_errors(validator, "PUT", "/Contacts", b"[]") == "body: [] is not of type 'object'"
    )
    ctype = "application/json; charset=utf-8"
    assert request_errors(validator, "PUT", "/Contacts", b"{}", ctype=ctype) is None


@pytest.mark.parametrize(
    "value",
    [
        "/Date(1573755038314+0000)/",
        "/Date(1573755038314)/",
        "2024-01-31",
        "2024-01-31T00:00:00",
        "2024-01-31T10:20:30.123Z",
        "2024-01-31T10:20:30+02:00",
    ],
)
def test_xero_dates_accept_ms_and_iso(validator, value):
    body = {"Invoices": [{"Type": "ACCREC", "Date": value, "DueDate": value}]}
    assert request_errors(validator, "PUT", "/Invoices", body) is None


@pytest.mark.parametrize("value", ["31/01/2024", "", "tomorrow"])
def test_xero_dates_reject_garbage(validator, value):
    body = {"Invoices": [{"Type": "ACCREC", "Date": value}]}
    assert request_errors(validator, "PUT", "/Invoices", body).startswith(
        "Invoices[0].Date: %r is not a date" % value
    )


def test_lenient_numbers_readonly_and_extra_properties(validator):
    invoice = {
        "Type": "ACCREC",
        "LineItems": [{"Quantity": 2, "UnitAmount": 10, "LineAmount": 20.0}],
        "InvoiceID": INVOICE_ID,
        "Total": 20,  # readOnly
        "UpdatedDateUTC": "/Date(1573755038314+0000)/",  # readOnly
        "SomethingXeroDoesNotDocument": {"any": "thing"},
    }
    assert request_errors(validator, "POST", "/Invoices", {"Invoices": [invoice]}) is None
    message = request_errors(validator, "POST", "/Invoices", {"Invoices": [{"Total": True}]})
    assert message == "Invoices[0].Total: True is not of type 'number'"


def test_null_is_rejected_without_nullable(validator):
    message = request_errors(validator, "PUT", "/Contacts", {"Contacts": [{"Name": None}]})
    assert message == "Contacts[0].Name: None is not of type 'string'"


def test_too_long_string(validator):
    message = request_errors(validator, "PUT", "/Contacts", {"Contacts": [{"Name": "x" * 256}]})
    assert message.startswith("Contacts[0].Name: 'xxx")
    assert message.endswith("is too long (maximum 255 characters)")


def test_binary_attachment_body_is_only_checked_for_presence(validator):
    path = f"/Invoices/{INVOICE_ID}/Attachments/scan.pdf"
    assert request_errors(validator, "PUT", path, b"%PDF-1.4", ctype="application/pdf") is None
    assert request_errors(validator, "PUT", path) == "missing required request body"


def test_attachment_download_requires_content_type_header(validator):
    path = f"/Invoices/{INVOICE_ID}/Attachments/scan.pdf"
    assert request_errors(validator, "GET", path) == "missing required header 'contentType'"
    headers = {**TENANT, "contentType": "application/pdf"}
    assert request_errors(validator, "GET", path, headers=headers) is None


def test_identity_requests_need_no_tenant(validator):
    op = validator.match("identity", "GET", "/connections")
    validator.validate_request(op, {}, {}, None, None)
    with pytest.raises(SpecError, match="query parameter 'authEventId': 'x' is not a 'uuid'"):
        validator.validate_request(op, {"authEventId": ["x"]}, {}, None, None)


# --- Responses -------------------------------------------------------------------------------


def _contacts_answer(**contact):
    answer = {
        "Id": "5d0a4b7c-0000-4000-8000-000000000001",
        "Status": "OK",
        "ProviderName": "Sandbox",
        "DateTimeUTC": "/Date(1573755038314)/",
        "Contacts": [
            {
                "ContactID": CONTACT_ID,
                "ContactStatus": "ACTIVE",
                "Name": "A",
                "EmailAddress": "a@b.c",
                "Addresses": [{"AddressType": "POBOX", "City": "X"}],
                "Phones": [],
                "UpdatedDateUTC": "/Date(1573755038314+0000)/",
                "IsSupplier": False,
                "IsCustomer": True,
                "HasAttachments": False,
                **contact,
            }
        ],
    }
    return json.dumps(answer).encode()


def test_good_contacts_response(validator):
    op = validator.match("accounting", "GET", "/Contacts")
    validator.validate_response(op, 200, _contacts_answer(), JSON)


def test_bad_contacts_response(validator):
    op = validator.match("accounting", "GET", "/Contacts")
    with pytest.raises(SpecError) as caught:
        validator.validate_response(op, 200, _contacts_answer(IsCustomer="yes"), JSON)
    assert caught.value.message == "Contacts[0].IsCustomer: 'yes' is not of type 'boolean'"
    with pytest.raises(SpecError, match="response body is not valid JSON"):
        validator.validate_response(op, 200, b"<html>", JSON)


def test_error_response_schema(validator):
    op = validator.match("accounting", "PUT", "/Contacts")
    error = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation...",
        "Elements": [{"ValidationErrors": [{"Message": "Name is required"}]}],
    }
    validator.validate_response(op, 400, json.dumps(error).encode(), JSON)
    with pytest.raises(SpecError, match="ErrorNumber: '10' is not of type 'integer'"):
        validator.validate_response(op, 400, json.dumps({"ErrorNumber": "10"}).encode(), JSON)


def test_the_sandbox_checks_its_error_answers_against_the_spec(running_sandbox):
    from xero_sandbox.errors import XeroError, query_parse_error

    api = running_sandbox.api
    op = api.validator.match("accounting", "PUT", "/Contacts")
    good = api.error_answer(op, query_parse_error("Expression expected"))
    assert good.status_code == 400
    bad = api.error_answer(op, XeroError(400, {"ErrorNumber": "10", "Type": "Oops"}))
    assert bad.status_code == 500
    assert "ErrorNumber" in json.loads(bad.get_data())["Detail"]
    text = api.error_answer(op, XeroError(404, "The resource you're looking for cannot be found"))
    assert (text.status_code, text.mimetype) == (404, "text/plain")


def test_undeclared_statuses_are_not_checked(validator):
    op = validator.match("accounting", "GET", "/Contacts")
    for status in (401, 403, 404, 429, 500, 503):
        validator.validate_response(op, status, b"not json at all", "text/html")


def test_non_json_answers_are_not_checked(validator):
    op = validator.match("accounting", "GET", "/Contacts")
    validator.validate_response(op, 200, b"<Response/>", "text/xml")
    op = validator.match("accounting", "GET", f"/Invoices/{INVOICE_ID}/pdf")
    validator.validate_response(op, 200, b"%PDF-1.4", "application/pdf")


def test_json_answer_where_the_spec_declares_a_file(validator):
    op = validator.match("accounting", "GET", f"/Invoices/{INVOICE_ID}/pdf")
    with pytest.raises(SpecError, match="'application/json' is not declared for status 200"):
        validator.validate_response(op, 200, b"{}", JSON)


def test_identity_connections_response(validator):
    op = validator.match("identity", "GET", "/connections")
    connection = {
        "id": "7cb59f93-2964-421d-bb5e-a0f7a4572a44",
        "tenantId": "fe79f7dd-b6d4-4a92-ba7b-538af6289c58",
        "tenantType": "ORGANISATION",
        "tenantName": "Demo Company (NZ)",
        "createdDateUtc": "2019-12-07T18:46:19.5165400",
        "updatedDateUtc": "2019-12-07T18:46:19.5187840",
    }
    validator.validate_response(op, 200, json.dumps([connection]).encode(), JSON)
    with pytest.raises(SpecError, match=r"\[0\]\.tenantId: 'nope' is not a 'uuid'"):
        bad = json.dumps([{**connection, "tenantId": "nope"}]).encode()
        validator.validate_response(op, 200, bad, JSON)


# --- Building, caching, fallback, speed ------------------------------------------------------


def test_get_validator_is_a_singleton():
    assert get_validator() is get_validator()


def test_parsed_yaml_is_cached_by_content_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("XERO_SANDBOX_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "tiny.yaml"
    source.write_text("openapi: 3.0.0\npaths: {}\n")
    assert spec.load_document(source) == {"openapi": "3.0.0", "paths": {}}
    (cached,) = (tmp_path / "cache").iterdir()
    assert cached.name.startswith("tiny-") and cached.suffix == ".pickle"
    cached.write_bytes(b"corrupt")
    assert spec.load_document(source) == {"openapi": "3.0.0", "paths": {}}
    source.write_text("openapi: 3.0.1\npaths: {}\n")
    assert spec.load_document(source)["openapi"] == "3.0.1"
    assert len(list((tmp_path / "cache").iterdir())) == 2


FALLBACK_SPEC = """
openapi: 3.0.0
info: {title: fallback, version: "1"}
paths:
  /Things:
    parameters:
      - $ref: "#/components/parameters/requiredHeader"
    put:
      operationId: createThings
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Things"}
      responses:
        "200": {description: ok}
components:
  parameters:
    requiredHeader: {in: header, name: xero-tenant-id, required: true, schema: {type: string}}
  schemas:
    Things:
      type: object
      properties:
        Things: {type: array, items: {$ref: "#/components/schemas/Thing"}}
    Thing:
      type: object
      required: [ThingID, Kind]
      properties:
        ThingID: {type: string, format: uuid, readOnly: true}
        Kind: {oneOf: [{$ref: "#/components/schemas/Kind"}, {type: integer}]}
        Quantity: {type: number, minimum: 0}
        Note: {type: string, nullable: true}
        Strict: {type: object, additionalProperties: false, properties: {A: {type: string}}}
    Kind: {type: string, enum: [A, B]}
"""


def test_keywords_outside_the_compiler_fall_back_to_jsonschema(tmp_path, monkeypatch):
    monkeypatch.setenv("XERO_SANDBOX_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "fallback.yaml"
    source.write_text(FALLBACK_SPEC)
    fallback = SpecValidator(accounting_yaml=source)
    op = fallback.match("accounting", "PUT", "/things")

    def errors(*things):
        body = json.dumps({"Things": list(things)}).encode()
        try:
            fallback.validate_request(op, {}, TENANT, body, JSON)
        except SpecError as error:
            return error.errors
        return []

    assert errors({"Kind": "A", "Note": None}, {"Kind": 3, "Quantity": 0}) == []
    assert errors({"Kind": "C"}) == [
        "Things[0].Kind: 'C' is not valid under any of the given schemas"
    ]
    assert errors({"Kind": "A", "Quantity": -1}) == [
        "Things[0].Quantity: -1 is less than the minimum of 0"
    ]
    assert errors({"Kind": "A", "Strict": {"B": 1}}) == [
        "Things[0].Strict: unexpected property 'B'"
    ]
    assert errors({}) == ["Things[0]: 'Kind' is a required property"]  # readOnly not required


def test_validation_is_fast(validator):
    contacts = [
        {
            "Name": f"Contact {index}",
            "EmailAddress": f"c{index}@example.com",
            "Addresses": [{"AddressType": "POBOX", "City": "Paris"}],
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "1"}],
        }
        for index in range(50)
    ]
    body = json.dumps({"Contacts": contacts}).encode()
    op = validator.match("accounting", "POST", "/Contacts")
    validator.validate_request(op, {}, TENANT, body, JSON)
    start = time.perf_counter()
    for _ in range(20):
        validator.validate_request(op, {}, TENANT, body, JSON)
    per_request_ms = (time.perf_counter() - start) * 1000 / 20
    assert per_request_ms < 20  # measured ~1 ms; generous for slow CI machines
