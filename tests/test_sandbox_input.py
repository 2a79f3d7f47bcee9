"""Bad input gets Xero's status and body, never a crash."""

import json

import pytest
import requests

NOT_FOUND = "The resource you're looking for cannot be found"
UNKNOWN_ID = "5b0e6ca5-9a3e-4c1f-a1a4-0d2e7c2f4b11"


def test_missing_token_is_401(sandbox, uk):
    answer = requests.get(
        sandbox.api_url + "/Contacts", headers={"xero-tenant-id": uk.tenant_id}, timeout=10
    )
    assert answer.status_code == 401
    assert answer.json()["Title"] == "Unauthorized"


def test_unknown_tenant_is_403(sandbox, token):
    answer = requests.get(
        sandbox.api_url + "/Contacts",
        headers={
            "Authorization": "Bearer " + token["access_token"],
            "xero-tenant-id": "00000000-0000-0000-0000-000000000000",
        },
        timeout=10,
    )
    assert answer.status_code == 403
    assert answer.json()["Detail"] == "AuthenticationUnsuccessful"


def test_malformed_json_is_a_400_post_data_invalid(raw, uk):
    answer = raw.call(
        "PUT", "/Contacts", data=b'{"Contacts": [', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["Type"] == "PostDataInvalidException"
    assert uk.all("Contacts") == []


def test_wrong_content_type_is_rejected(raw, uk):
    answer = raw.call(
        "PUT",
        "/Contacts",
        data=b"Name=Bob",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert answer.json()["Type"] == "ValidationException"
    assert uk.all("Contacts") == []


def test_spec_violating_request_is_rejected_naming_the_problem(raw, uk):
    answer = raw.call(
        "PUT",
        "/Invoices",
        json={"Invoices": [{"Type": "ACCREC", "Status": "FOO", "Contact": {"Name": "A"}}]},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["Type"] == "ValidationException"
    messages = [e["Message"] for e in body["Elements"][0]["ValidationErrors"]]
    assert any("Invoices[0].Status" in m and "FOO" in m for m in messages)
    assert uk.all("Invoices") == [] and uk.all("Contacts") == []


def test_wrong_type_in_body_is_rejected(raw):
    answer = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": 12}]})
    assert answer.status_code == 400
    assert "Contacts[0].Name" in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/Nothing",
        "/Contacts/" + UNKNOWN_ID,
        "/Contacts/NO-SUCH-NUMBER",
        "/Invoices/" + UNKNOWN_ID,
        "/CreditNotes/" + UNKNOWN_ID,
        "/PurchaseOrders/" + UNKNOWN_ID,
        "/Items/" + UNKNOWN_ID,
        "/Invoices/%s/History" % UNKNOWN_ID,
    ],
)
def test_an_unknown_object_or_path_is_xeros_plain_404(raw, path):
    missing = raw.call("GET", path)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("text/plain")
    assert missing.text == NOT_FOUND


def test_bad_where_filter_is_a_query_parse_exception(raw):
    answer = raw.call("GET", "/Contacts", params={"where": 'Name=="unterminated'})
    assert answer.status_code == 400
    assert answer.json()["ErrorNumber"] == 16
    assert answer.json()["Type"] == "QueryParseException"


@pytest.mark.parametrize(
    "where",
    [
        "ContactID==guid()",
        "(" * 5000 + 'Name=="x"' + ")" * 5000,
        "NOT " * 900 + 'Name=="x"',
        'Name=="%s"' % ("x" * 10000),
        "Date>=DateTime(2024,13,45)",
        "Date>=DateTime(2024,x,1)",
        'Name>5 AND Name=="Acme"',
        "Name>DateTime(2024,1,1)",
    ],
    ids=[
        "guid-without-value",
        "parentheses",
        "nots",
        "too-long",
        "impossible-date",
        "date-of-words",
        "text-against-number",
        "text-against-date",
    ],
)
def test_pathological_where_filters_are_a_400_not_a_crash(raw, where):
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Acme"}]})
    answer = raw.call("GET", "/Contacts", params={"where": where})
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()["Type"] == "QueryParseException"


@pytest.mark.parametrize("joiner", ["||", "&&"])
def test_a_long_chain_of_terms_is_evaluated_without_recursion(raw, joiner):
    raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Acme"}]})
    where = joiner.join(["X"] * 1300)  # X is no field: every term is false
    answer = raw.call("GET", "/Contacts", params={"where": where})
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["Contacts"] == []


def test_the_longest_filter_the_connector_sends_is_accepted(raw):
    """xero_client sends up to 40 OR'ed terms of about 2,000 characters in all."""
    terms = ['EmailAddress=="%s@example.com"' % ("p%03d" % i).ljust(30, "x") for i in range(40)]
    where = " OR ".join(terms)
    assert len(where) > 2100
    assert raw.call("GET", "/Contacts", params={"where": where}).status_code == 200


def test_ordering_by_a_yes_no_field_works(raw):
    raw.call(
        "PUT",
        "/Contacts",
        json={"Contacts": [{"Name": "Buyer", "IsSupplier": False}, {"Name": "Seller"}]},
    )
    raw.call("POST", "/Contacts", json={"Contacts": [{"Name": "Seller", "IsSupplier": True}]})
    answer = raw.call("GET", "/Contacts", params={"order": "IsSupplier DESC"})
    assert answer.status_code == 200, answer.text[:200]


def send_json(raw, method, path, text, **kwargs):
    headers = {"Content-Type": "application/json"}
    return raw.call(method, path, data=text.encode(), headers=headers, **kwargs)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"Contacts": [{"Name": "A", "Balances": NaN}]}', "Unexpected character"),
        ('{"Contacts": [{"Name": "A", "Balances": Infinity}]}', "Unexpected character"),
        ('{"Contacts": [{"Name": "A", "Balances": -Infinity}]}', "Unexpected character"),
        ('{"Contacts": [{"Name": "A", "Balances": 1e400}]}', "too large"),
        ('{"Contacts": [{"Name": "A", "Balances": 1e29}]}', "too large"),
        ('{"Contacts": [{"Name": "A", "Balances": %s}]}' % ("9" * 40), "too large"),
        ('{"Contacts": [{"Name": "A", "X": %s1%s}]}' % ("[" * 100, "]" * 100), "MaxDepth"),
        ('{"Contacts": [{"Name": "A", "X": %s1%s}]}' % ("[" * 50000, "]" * 50000), "MaxDepth"),
    ],
    ids=[
        "nan",
        "infinity",
        "minus-infinity",
        "overflow",
        "decimal-max",
        "digits",
        "deep",
        "deeper",
    ],
)
def test_json_xero_cannot_read_is_post_data_invalid_and_stores_nothing(raw, uk, text, says):
    answer = send_json(raw, "PUT", "/Contacts", text)
    assert answer.status_code == 400
    body = answer.json()
    assert (body["ErrorNumber"], body["Type"]) == (14, "PostDataInvalidException")
    assert body["Message"].startswith("JSON for post data was invalid,")
    assert says in body["Message"]
    assert uk.all("Contacts") == []


def invoice(**line):
    return {
        "Type": "ACCREC",
        "Contact": {"Name": "Buyer"},
        "LineItems": [dict({"Description": "Work", "Quantity": 1, "UnitAmount": 10}, **line)],
    }


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ({"UnitAmount": 1e13}, "UnitAmount (10000000000000.0) is too large"),
        ({"Quantity": 12345678901234}, "Quantity (12345678901234) is too large"),
        ({"Quantity": 999999999999, "UnitAmount": 999999999999}, "LineAmount of line item 1"),
        ({"DiscountRate": 100.5}, "must be between 0 and 100"),
        ({"DiscountRate": -1}, "must be between 0 and 100"),
        ({"DiscountAmount": -5}, "discount amount of line item 1 must not be negative"),
    ],
    ids=[
        "unit-amount",
        "quantity",
        "line-amount",
        "discount-over-100",
        "negative-discount",
        "negative-discount-amount",
    ],
)
def test_amounts_xero_would_not_store_are_refused_per_element(raw, uk, line, says):
    answer = raw.call(
        "PUT",
        "/Invoices",
        params={"summarizeErrors": "false"},
        json={"Invoices": [invoice(**line)]},
    )
    assert answer.status_code == 200
    refused = answer.json()["Invoices"][0]
    assert refused["HasErrors"] is True
    assert any(says in e["Message"] for e in refused["ValidationErrors"]), refused
    assert uk.all("Invoices") == []
    summarized = raw.call("PUT", "/Invoices", json={"Invoices": [invoice(**line)]})
    assert summarized.status_code == 400
    assert summarized.json()["Type"] == "ValidationException"


def test_a_total_too_large_is_refused_though_each_line_fits(raw, uk):
    big = invoice(UnitAmount=600000000000)
    big["LineItems"] *= 2
    answer = raw.call("PUT", "/Invoices", json={"Invoices": [big]})
    assert answer.status_code == 400
    messages = answer.json()["Elements"][0]["ValidationErrors"]
    assert messages == [
        {
            "Message": "The Total (1200000000000.00) is too large: the largest amount Xero "
            "takes is 999,999,999,999.99"
        }
    ]
    assert uk.all("Invoices") == []


def test_the_largest_amounts_and_a_full_discount_are_taken(raw, uk):
    answer = raw.call(
        "PUT",
        "/Invoices",
        json={
            "Invoices": [
                invoice(UnitAmount=999999999999.99),
                invoice(UnitAmount=100, DiscountRate=100),
            ]
        },
    )
    assert answer.status_code == 200, answer.text[:300]
    assert [i["Total"] for i in answer.json()["Invoices"]] == [999999999999.99, 0.0]


def test_too_many_decimals_are_rounded_as_xero_stores_them(raw, uk):
    answer = raw.call(
        "PUT",
        "/Invoices",
        json={"Invoices": [invoice(Quantity=1.123456789, UnitAmount=10.987654321)]},
    )
    line = answer.json()["Invoices"][0]["LineItems"][0]
    assert (line["Quantity"], line["UnitAmount"], line["LineAmount"]) == (1.1235, 10.99, 12.35)


@pytest.mark.parametrize(
    "name",
    ["bad%0Aname.pdf", "bad%00name.pdf", "bad%09.pdf", "bad%7F.pdf", "dir%5Cfile.pdf", "%2E%2E"],
    ids=["newline", "nul", "tab", "delete", "backslash", "dot-dot"],
)
def test_attachment_names_with_control_characters_or_paths_are_refused(raw, uk, name):
    contact_id, answer = attach_to_new_contact(raw, name)
    assert answer.status_code == 400, answer.text[:200]
    assert answer.json()["Type"] == "ValidationException"
    assert uk.attachments_of("Contacts", contact_id) == []


def test_a_slash_in_an_attachment_name_finds_no_such_path(raw, uk):
    contact_id, answer = attach_to_new_contact(raw, "dir%2Ffile.pdf")
    assert (answer.status_code, answer.text) == (404, NOT_FOUND)
    assert uk.attachments_of("Contacts", contact_id) == []


def attach_to_new_contact(raw, name):
    contact = raw.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Filed"}]}).json()
    contact_id = contact["Contacts"][0]["ContactID"]
    answer = raw.call(
        "PUT",
        "/Contacts/%s/Attachments/%s" % (contact_id, name),
        data=b"%PDF-1.4",
        headers={"Content-Type": "application/pdf"},
    )
    return contact_id, answer


def test_an_ordinary_attachment_name_is_taken(raw, uk):
    contact_id, answer = attach_to_new_contact(raw, "Quote 2024-05 (v2).pdf")
    assert answer.status_code == 200
    assert [a["FileName"] for a in uk.attachments_of("Contacts", contact_id)] == [
        "Quote 2024-05 (v2).pdf"
    ]


def test_json_body_is_checked_before_the_spec_so_nan_never_reaches_a_handler(raw, uk):
    text = json.dumps({"Invoices": [invoice()]}).replace('"Quantity": 1', '"Quantity": NaN')
    answer = send_json(raw, "PUT", "/Invoices", text)
    assert answer.status_code == 400
    assert answer.json()["Type"] == "PostDataInvalidException"
    assert uk.all("Invoices") == []


def test_non_object_body_is_rejected(raw):
    answer = raw.call("PUT", "/Contacts", json=[1, 2])
    assert answer.status_code == 400


@pytest.mark.parametrize("since", ["2026-11-27T05:14:39", "2026-11-27"])
def test_if_modified_since_without_a_zone_is_refused(raw, since):
    """The official description makes it a date-time: a date, a time and a zone."""
    answer = raw.call("GET", "/Contacts", headers={"If-Modified-Since": since})
    assert answer.status_code == 400
    assert "If-Modified-Since" in answer.text


@pytest.mark.parametrize(
    "since", ["2026-11-27T05:14:39Z", "2026-11-27T05:14:39+00:00", "Fri, 27 Nov 2026 05:14:39 GMT"]
)
def test_if_modified_since_with_a_zone_is_taken(raw, since):
    answer = raw.call("GET", "/Contacts", headers={"If-Modified-Since": since})
    assert answer.status_code == 200, answer.text[:300]


@pytest.mark.parametrize(
    ("details", "says"),
    [
        ({"SalesDetails": {"TaxType": "INPUT2"}}, "cannot be used with this type"),
        ({"PurchaseDetails": {"TaxType": "OUTPUT2"}}, "cannot be used with this type"),
        ({"SalesDetails": {"AccountCode": "nope"}}, "Account code 'nope' is not valid"),
    ],
    ids=["purchase-tax-on-sales", "sales-tax-on-purchases", "unknown-account"],
)
def test_an_item_takes_only_taxes_and_accounts_its_side_may_use(raw, uk, details, says):
    answer = raw.call("PUT", "/Items", json={"Items": [dict({"Code": "SIDE-1"}, **details)]})
    assert answer.status_code == 400
    messages = [e["Message"] for e in answer.json()["Elements"][0]["ValidationErrors"]]
    assert any(says in m for m in messages), messages
    assert uk.all("Items") == []


def test_an_item_is_refused_a_tax_rate_archived_in_xero(raw, uk):
    uk.tax_rate("OUTPUT2")["Status"] = "ARCHIVED"
    item = {"Code": "ARCH-1", "SalesDetails": {"TaxType": "OUTPUT2"}}
    answer = raw.call("PUT", "/Items", json={"Items": [item]})
    assert answer.status_code == 400
