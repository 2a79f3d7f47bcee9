"""Bad input gets Xero's status and body, never a crash."""

import requests


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


def test_unknown_path_is_404_and_unknown_object_is_404(raw):
    assert raw.call("GET", "/Nothing").status_code == 404
    missing = raw.call("GET", "/Contacts/5b0e6ca5-9a3e-4c1f-a1a4-0d2e7c2f4b11")
    assert missing.status_code == 404
    assert missing.json()["Title"] == "Not Found"


def test_bad_where_filter_is_a_400(raw):
    answer = raw.call("GET", "/Contacts", params={"where": 'Name=="unterminated'})
    assert answer.status_code == 400
    assert answer.json()["Type"] == "ValidationException"


def test_non_object_body_is_rejected(raw):
    answer = raw.call("PUT", "/Contacts", json=[1, 2])
    assert answer.status_code == 400
